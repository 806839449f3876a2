// SPDX-License-Identifier: MIT
/*
 * The kbuffer walk's timestamp offset (src/kbuf-walk.c): what libtracecmd
 * adds to every time (a DATE option) is taken from each CPU's first record
 * and checked against its last.  On a file with one CPU of records, no other
 * CPU's first record can disagree, so a scale (TSC2NSEC) must be caught by
 * that last record; the walk is asked here with the scale allowed
 * (offset_ok), as it would be were dat-check.c not to see the option.
 *
 * The 6.1 dma-traffic corpus file: CPU 0's pages at 8192, 12288 and 16384,
 * CPU 1's at 20480, 24576 and 28672 (emptied here), and a VERSION option
 * (id 9, 21 bytes) at 4758, rewritten.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <trace-cmd.h>

#include "kbuf-walk.h"
#include "tracecmd-ksyms.h"
#include "test-util.h"

#define CORPUS_FILE IOREP_SOURCE_DIR "/tests/fuzz/corpus/tracedat/6.1-dma-traffic.v6.dat"

/*
 * The corpus file with CPU 1's pages empty (commit 0) and its VERSION option
 * made @option (10 bytes: id, size 21, then the start of the payload), in a
 * temporary file whose descriptor is returned (-1 on failure).
 */
static int one_cpu_file(const char *option, size_t *size)
{
	char path[] = "/tmp/iorep-kbuf-offset-XXXXXX";
	char *buf = iorep_test_slurp(CORPUS_FILE, size);
	uint64_t page;
	int fd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_FATAL(*size == 32768);
	CU_ASSERT_FATAL(!memcmp(buf + 4758, "\x09\0\x15\0\0\0", 6));
	memset(buf + 4758, 0, 6 + 21);
	memcpy(buf + 4758, option, 10);
	for (page = 20480; page < 32768; page += 4096)
		memset(buf + page + 8, 0, 8);
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	unlink(path);
	CU_ASSERT_FATAL(write(fd, buf, *size) == (ssize_t)*size);
	free(buf);
	return fd;
}

/* iorep_kbuf_open() on @fd with an offset allowed: its return, and the offset found. */
static int walk_open(int fd, size_t size, uint64_t *offset)
{
	char path[64];
	struct tracecmd_input *h;
	struct iorep_kbuf k;
	int ret;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	h = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	/* CPU 1 has no record left: CPU 0's first and last are the only ones */
	CU_ASSERT_PTR_NULL(tracecmd_read_cpu_first(h, 1));
	ret = iorep_kbuf_open(&k, h, fd, (off_t)size, true);
	*offset = k.ts_offset;
	if (ret == 0)
		iorep_kbuf_close(&k);
	iorep_tracecmd_ksyms_free(h);
	tracecmd_close(h);
	return ret;
}

/* A DATE of 0x10 (us): the walk applies, 16,000 ns added. */
static void test_date_one_cpu(void)
{
	uint64_t offset;
	size_t size;
	int fd = one_cpu_file("\x01\0\x15\0\0\0"
			      "0x10",
			      &size);

	CU_ASSERT_EQUAL(walk_open(fd, size, &offset), 0);
	CU_ASSERT_EQUAL(offset, 16000);
	close(fd);
}

/*
 * A TSC2NSEC of multiplier 3, shift 1 (times 1.5): the first record gives
 * an "offset" (half its time), the last record another; the walk declines.
 */
static void test_scale_one_cpu(void)
{
	uint64_t offset;
	size_t size;
	int fd = one_cpu_file("\x0e\0\x15\0\0\0\x03\0\0\0", &size);

	/* the shift, after the multiplier: 1 */
	CU_ASSERT_FATAL(pwrite(fd, "\x01", 1, 4758 + 10) == 1);
	CU_ASSERT_EQUAL(walk_open(fd, size, &offset), 1);
	close(fd);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"a DATE on one CPU: the offset is taken", test_date_one_cpu},
		{"a scale on one CPU: the last record refuses it", test_scale_one_cpu},
		{NULL, NULL},
	};

	return iorep_test_main("kbuf-offset", tests);
}
