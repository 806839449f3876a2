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
 * libtracecmd ends the input here, as a library crash nothing foresaw yet
 * (fuzz-guard.c): what the pass had allocated is kept reachable, never
 * freed (the library's state is broken), the input is kept in
 * $IOREP_FUZZ_GUARDED as a finding to look at, and the next input runs.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "fuzz-guard.h"

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

/* One pass over @path: whether libtracecmd was stopped, stuck (a hang the probe's
 * allowance, IOREP_PROBE_STALL_MS, turned into a refusal). */
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

	fuzz_guard_install();
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	sig = sigsetjmp(fuzz_guard_env, 1);
	if (sig) {
		if (nabandoned < MAX_ABANDONED)
			abandoned[nabandoned++] = cur;
		memset(&cur, 0, sizeof(cur));
		fuzz_guard_keep("fuzz-tracedat", data, size, sig);
		close(fd);
		return 0;
	}
	fuzz_guard_arm(1);
	stalled = run(path, 0);
	stalled |= run(path, 1);
	fuzz_guard_arm(0);
	if (stalled)
		fuzz_guard_keep("fuzz-tracedat", data, size, 0);
	close(fd);
	return 0;
}
