// SPDX-License-Identifier: MIT
/*
 * Waiting for a child process without hanging on it.
 *
 * The trace.dat probe (dat-probe.c) runs libtracecmd in a child process.  A
 * damaged file can leave a library looping, and a child can wait forever on
 * a lock that its parent's state left taken; neither may hang the reader.
 * Time alone cannot tell such a child from one copying a large compressed
 * file, so the test is progress: the bytes the child has passed through
 * read() and write() (rchar and wchar in /proc/PID/io, cached or not), or
 * a wait on a disk (state D in /proc/PID/stat; a stopped child, state T,
 * is not judged either).  A child that moves fewer than PROGRESS_BYTES in
 * the whole allowance is taken as stuck: libtracecmd reads a file's headers
 * in well under a second, and its copy of a compressed file moves
 * megabytes a second.
 *
 * The wait is a poll() on a pipe whose write end only the child holds: it
 * reads end-of-file as soon as the child ends, however it ends.  (A pidfd
 * would do too, but valgrind 3.19 does not know its system call and says
 * so on stderr.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child-wait.h"

/*
 * Progress is this many bytes at least: a process under valgrind reads and
 * writes a pipe a few hundred times a second, stuck or not.
 */
#define PROGRESS_BYTES 65536

/* The grace a child has between SIGTERM and SIGKILL. */
#define TERM_GRACE_MS 1000

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

/* Reads /proc/@pid/@name into @buf (NUL-terminated): its length, or -1. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The value of the line "@key: N" in @text, added to *@sum: false when missing. */
static bool add_field(const char *text, const char *key, unsigned long long *sum)
{
	const char *p = strstr(text, key);

	if (!p || (p != text && p[-1] != '\n'))
		return false;
	*sum += strtoull(p + strlen(key), NULL, 10);
	return true;
}

/*
 * The child's progress so far in *@io (bytes read and written), and in
 * *@held whether it waits on a disk or is stopped (job control, a
 * debugger) now: 0, or -1 when /proc does not say.
 */
static int sample(pid_t pid, unsigned long long *io, bool *held)
{
	char buf[1024];
	const char *paren;

	*io = 0;
	if (read_proc(pid, "io", buf, sizeof(buf)) < 0 || !add_field(buf, "rchar: ", io) ||
	    !add_field(buf, "wchar: ", io))
		return -1;
	/* the state follows the command name, which may hold ')' itself */
	*held = read_proc(pid, "stat", buf, sizeof(buf)) > 0 && (paren = strrchr(buf, ')')) &&
		paren[1] == ' ' && (paren[2] == 'D' || paren[2] == 'T' || paren[2] == 't');
	return 0;
}

int iorep_child_fork(struct iorep_child *c)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		/* the write end closes when the child ends, however it ends */
		close(fds[0]);
		return 0;
	}
	close(fds[1]);
	c->pid = pid;
	c->done = fds[0];
	return 1;
}

/* Reaps @c, which has ended or is about to: 0, or -errno. */
static int reap(const struct iorep_child *c, int *wst)
{
	while (waitpid(c->pid, wst, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* Sleeps until @c ends or @ms pass: 1 when it ended (reaped into *@wst), 0, or -errno. */
static int wait_for(const struct iorep_child *c, int *wst, unsigned int ms)
{
	struct pollfd p = {.fd = c->done, .events = POLLIN};
	int n = poll(&p, 1, (int)ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	n = reap(c, wst);
	return n < 0 ? n : 1;
}

/* Ends a stuck @c: SIGTERM (the probe child cleans up on it), then SIGKILL. */
static int end_stuck(const struct iorep_child *c, int *wst)
{
	unsigned long long until = now_ms() + TERM_GRACE_MS;
	int ret;

	kill(c->pid, SIGTERM);
	do {
		ret = wait_for(c, wst, TERM_GRACE_MS / 10);
		if (ret)
			return ret < 0 ? ret : -ETIMEDOUT;
	} while (now_ms() < until);
	kill(c->pid, SIGKILL);
	ret = reap(c, wst);
	return ret < 0 ? ret : -ETIMEDOUT;
}

int iorep_child_wait(struct iorep_child *c, int *wst, unsigned int stall_ms)
{
	unsigned long long io, seen, idle = 0, last, t;
	unsigned int step = stall_ms / 8;
	bool held;
	int ret;

	if (!stall_ms || sample(c->pid, &seen, &held) < 0) {
		ret = reap(c, wst);
		goto out;
	}
	if (step < 1)
		step = 1;
	else if (step > 1000)
		step = 1000;
	last = now_ms();
	for (;;) {
		ret = wait_for(c, wst, step);
		if (ret)
			break;
		/*
		 * The time since the last look counts, a step at most: while this
		 * process was stopped (^Z stops the child too) the child was not
		 * seen, so it is not judged on that time.
		 */
		t = now_ms();
		idle += t - last < step ? t - last : step;
		last = t;
		/* a child /proc no longer shows (ending) is left to the next wait */
		if (sample(c->pid, &io, &held) < 0 || io - seen >= PROGRESS_BYTES || held) {
			seen = io;
			idle = 0;
		} else if (idle >= stall_ms) {
			ret = end_stuck(c, wst);
			break;
		}
	}
	ret = ret < 0 ? ret : 0;
out:
	close(c->done);
	c->done = -1;
	return ret;
}
