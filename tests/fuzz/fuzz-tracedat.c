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
 * check finds it first (src/dat-check.c), and on both paths libtracecmd
 * first opens the file in a child process (src/dat-probe.c), which also
 * makes the uncompressed copy a compressed file is read through: a crash in
 * the libraries' header parsers (libtraceevent divides by zero on some
 * damaged print formats) kills that child, and the input is refused.  What
 * is left runs in this process: libtracecmd's and libtraceevent's reading of
 * uncompressed pages and records that passed those checks.  A SIGSEGV,
 * SIGBUS or SIGFPE there whose faulting instruction is in libtraceevent or
 * libtracecmd ends the input here, as a library crash nothing foresaw yet:
 * what the pass had allocated is kept reachable, never freed (the library's
 * state is broken), and the next input runs.  Such a jump out of library
 * code can leave the heap broken (a crash inside malloc, or writes past a
 * block that ASan does not see in code it did not instrument), so each one
 * is a finding to look at: with IOREP_FUZZ_GUARDED=DIR set (run.sh sets it)
 * the input is kept as DIR/SIGNAL-HASH and a line is added to DIR/log.  A
 * fault anywhere else, our code included, goes to the handler that was there
 * before (ASan's, libFuzzer's), as any crash.  x86-64 only (the faulting
 * address comes from the signal context); elsewhere there is no guard.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
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

/*
 * A guarded crash on @data (@sig), or with @sig 0 an input on which
 * libtracecmd was stopped for making no progress (a hang the probe's
 * allowance, IOREP_PROBE_STALL_MS, turned into a refusal), kept in
 * $IOREP_FUZZ_GUARDED, if set (see the top).
 */
static void keep_guarded(const uint8_t *data, size_t size, int sig)
{
	const char *dir = getenv("IOREP_FUZZ_GUARDED");
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	char path[4096], line[96];
	size_t i;
	int fd, n;

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
			fprintf(stderr, "fuzz-tracedat: cannot write %s\n", path);
		close(fd);
	}
}

/* One pass over @path: whether libtracecmd was stopped, stuck (see keep_guarded()). */
static int run(const char *path, int plain)
{
	int stalled;

	if (plain)
		setenv("IOREP_PLAIN_READ", "1", 1);
	else
		unsetenv("IOREP_PLAIN_READ");
	cur.st = iorep_strtab_new();
	FUZZ_ASSERT(cur.st != NULL);
	iorep_model_init(&cur.m, cur.st);
	fuzz_pipeline(path, cur.st, &cur.m, !plain, &cur.r);
	stalled = cur.r.stalled;
	iorep_model_release(&cur.m);
	iorep_strtab_free(cur.st);
	memset(&cur, 0, sizeof(cur));
	return stalled;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile int fd;
	char path[64];
	int sig, stalled;

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
				"(see the top of fuzz-tracedat.c); %lu so far\n",
				sig, library_crashes);
		keep_guarded(data, size, sig);
		close(fd);
		return 0;
	}
	armed = 1;
	stalled = run(path, 0);
	stalled |= run(path, 1);
	armed = 0;
	if (stalled)
		keep_guarded(data, size, 0);
	close(fd);
	return 0;
}
