// SPDX-License-Identifier: MIT
/*
 * Waiting for a child that may be stuck (src/child-wait.c): a child that
 * ends is reaped with its status; one that sleeps, spins or ignores SIGTERM
 * without I/O is killed after the allowance, and reaped; one that keeps
 * writing (64 KiB each 20 ms) is left to finish however long it takes past
 * the allowance.  The memcheck build runs it under valgrind, whose own
 * pipe traffic must not count as progress.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child-wait.h"
#include "test-util.h"

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

enum behaviour { EXIT_AFTER, PAUSE, SPIN, IGNORE_TERM, WRITE_AWHILE, WRITE_REST_WRITE, STOP_SELF };

/* Writes 64 KiB to @fd each 20 ms for @ms. */
static void write_for(int fd, long ms)
{
	static const char block[65536];
	long long until;

	for (until = ms_now() + ms; ms_now() < until; sleep_ms(20))
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			_exit(9);
}

/* Forks a child that behaves as @b; the parent gets it in @c. */
static void spawn(struct iorep_child *c, enum behaviour b, long ms)
{
	volatile unsigned long spin = 0;
	int n, ret = iorep_child_fork(c);

	CU_ASSERT_FATAL(ret >= 0);
	if (ret)
		return;
	switch (b) {
	case EXIT_AFTER:
		sleep_ms(ms);
		_exit(3);
	case PAUSE:
		for (;;)
			pause();
	case SPIN:
		for (;;)
			spin++;
	case IGNORE_TERM:
		signal(SIGTERM, SIG_IGN);
		for (;;)
			pause();
	case WRITE_AWHILE:
		write_for(open("/dev/null", O_WRONLY), ms);
		_exit(0);
	case WRITE_REST_WRITE:
		/*
		 * 200 ms of progress, 300 ms of none in 10 naps, @ms more: exit
		 * status 0 when a nap took 800 ms or more (the child was stopped
		 * while resting, what the test is about), else 1
		 */
		write_for(open("/dev/null", O_WRONLY), 200);
		for (ret = 1, n = 0; n < 10; n++) {
			long long t = ms_now();

			sleep_ms(30);
			if (ms_now() - t >= 800)
				ret = 0;
		}
		write_for(open("/dev/null", O_WRONLY), ms);
		_exit(ret);
	case STOP_SELF:
		raise(SIGSTOP);
		_exit(3);
	}
	_exit(8);
}

/* Nothing left to reap: the waits below left no child behind. */
static void assert_no_children(void)
{
	CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
	CU_ASSERT_EQUAL(errno, ECHILD);
}

static void test_ends(void)
{
	struct iorep_child c;
	long long t0 = ms_now();
	int wst = 0;

	spawn(&c, EXIT_AFTER, 100);
	/* a minute's allowance: a look each second */
	CU_ASSERT_EQUAL(iorep_child_wait(&c, &wst, 60000), 0);
	CU_ASSERT_TRUE(WIFEXITED(wst) && WEXITSTATUS(wst) == 3);
	/* woken when the child ends, not at the next look */
	CU_ASSERT_TRUE(ms_now() - t0 < 950);
	/* no allowance: a plain wait */
	spawn(&c, EXIT_AFTER, 300);
	CU_ASSERT_EQUAL(iorep_child_wait(&c, &wst, 0), 0);
	CU_ASSERT_TRUE(WIFEXITED(wst) && WEXITSTATUS(wst) == 3);
	assert_no_children();
}

/* A child of @b killed after the 300 ms allowance by @sig, no sooner and not much later. */
static void assert_stopped(enum behaviour b, int sig, long long least)
{
	struct iorep_child c;
	long long t0 = ms_now(), took;
	int wst = 0;

	spawn(&c, b, 0);
	CU_ASSERT_EQUAL(iorep_child_wait(&c, &wst, 300), -ETIMEDOUT);
	took = ms_now() - t0;
	CU_ASSERT_TRUE(WIFSIGNALED(wst) && WTERMSIG(wst) == sig);
	CU_ASSERT_TRUE(took >= least);
	CU_ASSERT_TRUE(took < least + 5000);
	assert_no_children();
}

static void test_stuck(void)
{
	assert_stopped(PAUSE, SIGTERM, 300);
	/* CPU time is no progress: a spin on a lock looks the same */
	assert_stopped(SPIN, SIGTERM, 300);
	/* one second's grace after SIGTERM, then SIGKILL */
	assert_stopped(IGNORE_TERM, SIGKILL, 1300);
}

static void test_progress(void)
{
	struct iorep_child c;
	long long t0 = ms_now();
	int wst = 0;

	spawn(&c, WRITE_AWHILE, 1500);
	/* 2.5 times the allowance, never idle for it */
	CU_ASSERT_EQUAL(iorep_child_wait(&c, &wst, 600), 0);
	CU_ASSERT_TRUE(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	CU_ASSERT_TRUE(ms_now() - t0 >= 1500);
	assert_no_children();
}

/*
 * A process that, after @delay ms, stops @a and @b (0: none; a stopped
 * process is not stopped again) for @ms, then resumes them.
 */
static pid_t stop_for(pid_t a, pid_t b, long delay, long ms)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	sleep_ms(delay);
	if (a)
		kill(a, SIGSTOP);
	if (b)
		kill(b, SIGSTOP);
	sleep_ms(ms);
	if (b)
		kill(b, SIGCONT);
	if (a)
		kill(a, SIGCONT);
	_exit(0);
}

static void test_stopped(void)
{
	struct iorep_child c;
	long long t0 = ms_now();
	int wst = 0;
	pid_t helper;

	/* a stopped child (job control, a debugger) is not stuck: stopped 1 s, then resumed */
	spawn(&c, STOP_SELF, 0);
	helper = stop_for(0, c.pid, 1000, 0);
	CU_ASSERT_FATAL(helper > 0);
	CU_ASSERT_EQUAL(iorep_child_wait(&c, &wst, 300), 0);
	CU_ASSERT_TRUE(WIFEXITED(wst) && WEXITSTATUS(wst) == 3);
	CU_ASSERT_TRUE(ms_now() - t0 >= 1000);
	CU_ASSERT_EQUAL(waitpid(helper, NULL, 0), helper);
	assert_no_children();

	/*
	 * This process and the child stopped together for 1 s (^Z, then fg)
	 * half-way through the child's rest: the child is judged on the 300
	 * ms it rested while this process could see it (under the 600 ms
	 * allowance), not on the second.
	 */
	spawn(&c, WRITE_REST_WRITE, 300);
	helper = stop_for(getpid(), c.pid, 350, 1000);
	CU_ASSERT_FATAL(helper > 0);
	CU_ASSERT_EQUAL(iorep_child_wait(&c, &wst, 600), 0);
	CU_ASSERT_TRUE(WIFEXITED(wst));
	/* 1: the stop came after the rest (the helper ran 450 ms late): nothing was tested */
	CU_ASSERT_EQUAL(WEXITSTATUS(wst), 0);
	CU_ASSERT_EQUAL(waitpid(helper, NULL, 0), helper);
	assert_no_children();
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"a child that ends is reaped", test_ends},
		{"a stuck child is killed after the allowance", test_stuck},
		{"a child making progress is waited for", test_progress},
		{"stopped time is not stuck time", test_stopped},
		{NULL, NULL},
	};

	return iorep_test_main("child-wait", tests);
}
