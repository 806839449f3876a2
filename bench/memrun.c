// SPDX-License-Identifier: MIT
/*
 * memrun: run a command and measure it the same way for every tool the
 * bench compares (bench/bench.py).
 *
 *   memrun [-i MS] [-o OUT] [-r REPORT] [--] CMD [ARG...]
 *
 *   -i MS      sample /proc/PID/status every MS milliseconds (default 20)
 *   -o OUT     the command's standard output goes to OUT (e.g. /dev/null)
 *   -r REPORT  write the report line to REPORT instead of standard error
 *
 * The report is one line of key=value:
 *
 *   wall_s     elapsed time from fork to reaping the command
 *   user_s sys_s cpu_s   its CPU time (and its children's), from wait4()
 *   peak_rss_kb    the largest VmRSS sampled
 *   hwm_rss_kb     VmHWM at the last sample: the kernel's own RSS high-water mark
 *   maxrss_kb      ru_maxrss from wait4(): that high-water mark at exit (what GNU
 *                  time prints as maximum resident set size)
 *   peak_anon_kb   the largest RssAnon sampled (anonymous memory: heap, stacks;
 *                  not the file pages a reader maps, which VmRSS and GNU time's
 *                  maximum RSS count)
 *   last_anon_kb   RssAnon at the last sample before the command exited
 *   samples        how many samples were taken
 *   status         the command's exit status (128 + N when killed by signal N)
 *
 * Samples miss what lives shorter than the interval; a run shorter than one
 * interval has a single sample.  The exit status of memrun is the command's
 * (127 when it could not be run).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct memrun {
	long peak_rss;
	long hwm_rss;
	long peak_anon;
	long last_anon;
	long samples;
};

static double memrun_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One sample of /proc/PID/status; nothing when the process has gone. */
static void memrun_sample(struct memrun *mr, pid_t pid)
{
	char path[64], line[256];
	long rss = -1, hwm = -1, anon = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fp = fopen(path, "r");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		if (!strncmp(line, "VmRSS:", 6))
			rss = strtol(line + 6, NULL, 10);
		else if (!strncmp(line, "VmHWM:", 6))
			hwm = strtol(line + 6, NULL, 10);
		else if (!strncmp(line, "RssAnon:", 8))
			anon = strtol(line + 8, NULL, 10);
	}
	fclose(fp);
	if (rss < 0 || anon < 0)
		return; /* a zombie: no memory any more */
	mr->samples++;
	if (rss > mr->peak_rss)
		mr->peak_rss = rss;
	if (hwm > mr->hwm_rss)
		mr->hwm_rss = hwm;
	if (anon > mr->peak_anon)
		mr->peak_anon = anon;
	mr->last_anon = anon;
}

static void memrun_usage(void)
{
	fprintf(stderr, "usage: memrun [-i MS] [-o OUT] [-r REPORT] [--] CMD [ARG...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct memrun mr = {0};
	const char *out = NULL, *report = NULL;
	long interval_ms = 20;
	struct rusage ru;
	double t0, wall;
	int opt, status, pidfd, code;
	pid_t pid;
	FILE *rfp = stderr;

	while ((opt = getopt(argc, argv, "+i:o:r:")) != -1) {
		switch (opt) {
		case 'i':
			interval_ms = strtol(optarg, NULL, 10);
			if (interval_ms <= 0)
				memrun_usage();
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			report = optarg;
			break;
		default:
			memrun_usage();
		}
	}
	if (optind >= argc)
		memrun_usage();
	if (report) {
		rfp = fopen(report, "w");
		if (!rfp) {
			fprintf(stderr, "memrun: %s: %s\n", report, strerror(errno));
			return 2;
		}
	}

	t0 = memrun_now();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "memrun: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
				fprintf(stderr, "memrun: %s: %s\n", out, strerror(errno));
				_exit(127);
			}
			close(fd);
		}
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "memrun: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}

	/* a pidfd wakes us the moment the command exits; without one, sleep */
#ifdef SYS_pidfd_open
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
	pidfd = -1;
#endif
	for (;;) {
		pid_t r;

		memrun_sample(&mr, pid);
		r = wait4(pid, &status, WNOHANG, &ru);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "memrun: wait4: %s\n", strerror(errno));
			return 2;
		}
		if (pidfd >= 0) {
			struct pollfd p = {.fd = pidfd, .events = POLLIN};

			poll(&p, 1, (int)interval_ms);
		} else {
			struct timespec ts = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};

			nanosleep(&ts, NULL);
		}
	}
	wall = memrun_now() - t0;
	if (pidfd >= 0)
		close(pidfd);

	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(rfp,
		"wall_s=%.3f user_s=%.3f sys_s=%.3f cpu_s=%.3f peak_rss_kb=%ld hwm_rss_kb=%ld "
		"maxrss_kb=%ld peak_anon_kb=%ld last_anon_kb=%ld samples=%ld status=%d\n",
		wall, (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6,
		(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6,
		(double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
			(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6,
		mr.peak_rss, mr.hwm_rss, ru.ru_maxrss, mr.peak_anon, mr.last_anon, mr.samples,
		code);
	if (rfp != stderr)
		fclose(rfp);
	return code;
}
