// SPDX-License-Identifier: MIT
/*
 * Fuzz target: a trace.dat file through the trace.dat reader
 * (input-tracecmd.c over libtracecmd and libtraceevent), read twice: on the
 * kbuffer fast path (kbuf-walk.c) and on the plain libtracecmd path
 * (IOREP_PLAIN_READ=1); every event goes through the model, the checks and
 * the reports (the JSON document, which costs the most, on the first pass).
 *
 * The guard.  The reader refuses, or reads around, the damage that
 * libtracecmd 1.3.1 and libtraceevent 1.7.1 do not survive wherever a cheap
 * check finds it first (src/dat-check.c).  Two kinds have no such check,
 * and crash inside the libraries' own code:
 *  - libtraceevent folds constant operands in an event's print format and
 *    divides by zero (SIGFPE) on "A / B" or "A % B" where B reads as 0 (a
 *    number, or any bare word); in a version 7 file the formats are
 *    compressed, so finding it first means decompressing and parsing them
 *    as libtraceevent does;
 *  - compressed CPU data (version 7) that still decompresses, to a page
 *    whose header libtraceevent's kbuffer trusts and reads past; finding it
 *    first means decompressing all the data once more.
 * So a SIGSEGV, SIGBUS or SIGFPE whose faulting instruction is in
 * libtraceevent or libtracecmd ends the input here, as a known library
 * crash: what the pass had allocated is kept reachable, never freed (the
 * library's state is broken), and the next input runs.  A fault anywhere
 * else, our code included, goes to the handler that was there before
 * (ASan's, libFuzzer's), as any crash.  x86-64 only (the faulting address
 * comes from the signal context); elsewhere there is no guard.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "fuzz-common.h"

/* What a pass holds, where a crash inside the libraries may leave it. */
struct pass {
	struct iorep_strtab *st;
	struct iorep_model m;
	struct fuzz_run r;
};

#define MAX_ABANDONED 1024

/* The harness's state: libFuzzer calls the target in one thread, one input at a time. */
static struct pass cur;
static struct pass abandoned[MAX_ABANDONED];
static unsigned int nabandoned;
static unsigned long library_crashes;
static sigjmp_buf crash_env;
static volatile sig_atomic_t armed;
static struct sigaction prev[3];
static const int guarded[3] = {SIGSEGV, SIGBUS, SIGFPE};

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

	if (armed && in_library(pc)) {
		armed = 0;
		siglongjmp(crash_env, sig);
	}
	/* not the libraries': back to the handler that was there; the fault comes again */
	for (i = 0; i < 3; i++)
		if (guarded[i] == sig)
			sigaction(sig, &prev[i], NULL);
}

static void install_guard(void)
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
static void install_guard(void)
{
}
#endif

static void run(const char *path, int plain)
{
	if (plain)
		setenv("IOREP_PLAIN_READ", "1", 1);
	else
		unsetenv("IOREP_PLAIN_READ");
	cur.st = iorep_strtab_new();
	FUZZ_ASSERT(cur.st != NULL);
	iorep_model_init(&cur.m, cur.st);
	fuzz_pipeline(path, cur.st, &cur.m, !plain, &cur.r);
	iorep_model_release(&cur.m);
	iorep_strtab_free(cur.st);
	memset(&cur, 0, sizeof(cur));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile int fd;
	char path[64];
	int sig;

	install_guard();
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	sig = sigsetjmp(crash_env, 1);
	if (sig) {
		if (nabandoned < MAX_ABANDONED)
			abandoned[nabandoned++] = cur;
		memset(&cur, 0, sizeof(cur));
		if (!library_crashes++ || !isatty(STDERR_FILENO))
			fprintf(stderr,
				"fuzz-tracedat: signal %d inside libtraceevent/libtracecmd "
				"(a known library crash, see the top of fuzz-tracedat.c); %lu so "
				"far\n",
				sig, library_crashes);
		close(fd);
		return 0;
	}
	armed = 1;
	run(path, 0);
	run(path, 1);
	armed = 0;
	close(fd);
	return 0;
}
