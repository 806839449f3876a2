/* SPDX-License-Identifier: MIT */
/* Waiting for a child process that may never end (see child-wait.c). */
#ifndef IOREP_CHILD_WAIT_H
#define IOREP_CHILD_WAIT_H

#include <sys/types.h>

/* A child process, forked by iorep_child_fork(). */
struct iorep_child {
	pid_t pid;
	int done; /* read end of a pipe whose write end only the child holds */
};

/*
 * Forks: returns 0 in the child, 1 in the parent (with @c set; wait for
 * the child with iorep_child_wait(), which also closes @c), or -errno.
 */
int iorep_child_fork(struct iorep_child *c);

/*
 * Waits for child @c to end and stores its status in *@wst, as
 * waitpid() does; returns 0 then.  A child that makes no progress for
 * @stall_ms milliseconds (under 64 KiB read and written, not waiting on a
 * disk nor stopped; time this process spends stopped does not count) is
 * killed (SIGTERM, then SIGKILL a second later) and reaped; returns
 * -ETIMEDOUT then.  Where progress cannot be seen (no /proc), or @stall_ms
 * is 0, it waits as waitpid() does.  Returns another -errno when waitpid()
 * fails.
 */
int iorep_child_wait(struct iorep_child *c, int *wst, unsigned int stall_ms);

#endif
