// SPDX-License-Identifier: MIT
/*
 * A trace.dat on which libtracecmd never returns is refused, not waited for:
 * the probe child (src/dat-probe.c) that makes no progress is stopped after
 * IOREP_PROBE_STALL_MS, and the open fails with one line naming the file.
 *
 * The hang is made here: this program's own tracecmd_open_head(), which the
 * reader's calls reach before libtracecmd's, never returns while
 * TEST_HANG_OPEN is set, and otherwise passes the call on.  It hangs in the
 * child only: the probe runs before the reader opens the file itself.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <trace-cmd.h>

#include "iorep-error.h"
#include "iorep-input.h"
#include "iorep-strtab.h"
#include "test-util.h"

#define CAPTURE IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/dma-traffic/"

struct tracecmd_input *tracecmd_open_head(const char *file, int flags)
{
	struct tracecmd_input *(*real)(const char *, int);

	if (getenv("TEST_HANG_OPEN"))
		for (;;)
			pause();
	*(void **)&real = dlsym(RTLD_NEXT, "tracecmd_open_head");
	return real ? real(file, flags) : NULL;
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Opens @path (reading none of it): the return code, the error in @err. */
static int try_open(const char *path, char *err, int errlen)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_input *in = NULL;
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	err[0] = '\0';
	ret = iorep_input_open(&in, path, st, err, errlen);
	iorep_input_free(in);
	iorep_strtab_free(st);
	return ret;
}

static void assert_refused(const char *path)
{
	char err[1024];
	long long t0;
	int ret;

	setenv("IOREP_PROBE_STALL_MS", "400", 1);
	setenv("TEST_HANG_OPEN", "1", 1);
	t0 = ms_now();
	ret = try_open(path, err, sizeof(err));
	unsetenv("TEST_HANG_OPEN");
	CU_ASSERT_EQUAL(ret, -IOREP_ETRACEDAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "made no progress on it for 0.4 s"));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	CU_ASSERT_TRUE(ms_now() - t0 >= 400);
	CU_ASSERT_TRUE(ms_now() - t0 < 10000);
	/* the child is gone */
	CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
	CU_ASSERT_EQUAL(errno, ECHILD);
	/* the same file opens when libtracecmd does its work (slowly, under valgrind) */
	unsetenv("IOREP_PROBE_STALL_MS");
	CU_ASSERT_EQUAL(try_open(path, err, sizeof(err)), 0);
}

/* Version 6: the child reads the headers only. */
static void test_headers(void)
{
	assert_refused(CAPTURE "trace.v6.dat");
}

/* zstd: the child would make the uncompressed copy. */
static void test_compressed(void)
{
	assert_refused(CAPTURE "trace.dat");
}

/* The plain path runs the same child. */
static void test_plain(void)
{
	setenv("IOREP_PLAIN_READ", "1", 1);
	assert_refused(CAPTURE "trace.v6.dat");
	unsetenv("IOREP_PLAIN_READ");
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"a stuck probe of a v6 file is a refusal", test_headers},
		{"a stuck copy of a zstd file is a refusal", test_compressed},
		{"the plain path refuses the same way", test_plain},
		{NULL, NULL},
	};

	return iorep_test_main("probe-stall", tests);
}
