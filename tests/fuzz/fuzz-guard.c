// SPDX-License-Identifier: MIT
/*
 * The guard (fuzz-guard.h).  Such a jump out of library code can leave the
 * heap broken (a crash inside malloc, or writes past a block that ASan does
 * not see in code it did not instrument), so each one is a finding to look
 * at: its input is kept.  A fault anywhere else, the harness's and our code
 * included, goes to the handler that was there before (ASan's,
 * libFuzzer's), as any crash.  x86-64 only (the faulting address comes from
 * the signal context); elsewhere there is no guard.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "fuzz-guard.h"

/* The harness's state: libFuzzer calls a target in one thread, one input at a time. */
sigjmp_buf fuzz_guard_env;
static volatile sig_atomic_t armed;
static unsigned long library_crashes;
static struct sigaction prev[3];
static const int guarded[3] = {SIGSEGV, SIGBUS, SIGFPE};

void fuzz_guard_arm(int on)
{
	armed = on;
}

#if defined(__x86_64__)
static bool in_library(const void *pc)
{
	Dl_info info;

	if (!dladdr(pc, &info) || !info.dli_fname)
		return false;
	return strstr(info.dli_fname, "/libtraceevent.so") ||
	       strstr(info.dli_fname, "/libtracecmd.so");
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	const void *pc = (const void *)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
	int i;

	(void)si;
	if (armed && in_library(pc)) {
		armed = 0;
		siglongjmp(fuzz_guard_env, sig);
	}
	/* not the libraries': back to the handler that was there; the fault comes again */
	for (i = 0; i < 3; i++)
		if (guarded[i] == sig)
			sigaction(sig, &prev[i], NULL);
}

void fuzz_guard_install(void)
{
	static bool installed;
	struct sigaction sa;
	int i;

	if (installed)
		return;
	installed = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(guarded[i], &sa, &prev[i]);
}
#else
void fuzz_guard_install(void)
{
}
#endif

void fuzz_guard_keep(const char *who, const uint8_t *data, size_t size, int sig)
{
	const char *dir = getenv("IOREP_FUZZ_GUARDED");
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	char path[4096], line[96];
	size_t i;
	int fd, n;

	/* the 1st, 2nd, 4th, 8th...: fmt's guard takes a NULL dereference every second or so */
	if (sig)
		library_crashes++;
	if (sig && !(library_crashes & (library_crashes - 1)))
		fprintf(stderr,
			"%s: signal %d inside libtraceevent/libtracecmd (see fuzz-guard.c); %lu so "
			"far\n",
			who, sig, library_crashes);
	if (!dir || !*dir)
		return;
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	snprintf(path, sizeof(path), "%s/%d-%016llx", dir, sig, (unsigned long long)h);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, data, size) != (ssize_t)size)
			unlink(path);
		close(fd);
	}
	n = snprintf(line, sizeof(line), "%s %d %d-%016llx %zu bytes\n", sig ? "signal" : "stalled",
		     sig, sig, (unsigned long long)h, size);
	snprintf(path, sizeof(path), "%s/log", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, line, (size_t)n) != n)
			fprintf(stderr, "%s: cannot write %s\n", who, path);
		close(fd);
	}
}
