// SPDX-License-Identifier: MIT
/*
 * The byte stream under every text input (src/bytesrc.c): whatever the
 * sizes of the reads, they return the file's bytes, in order, once, with
 * the bytes already read by the caller (@pre) first.  Plain data, from a
 * file and from a pipe, and gzip, xz and zstd data made by the system's
 * own compressors; reads of 1 byte, around the size above which plain
 * data goes straight to the caller's buffer, and larger than the whole.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bytesrc.h"
#include "test-util.h"

#define DATA_LEN (600 * 1024 + 77) /* past the 256 KiB buffer, not a multiple of it */
#define PRE_LEN 16

static unsigned char *make_data(void)
{
	unsigned char *d = malloc(DATA_LEN);
	uint32_t x = 12345;
	size_t i;

	CU_ASSERT_FATAL(d != NULL);
	/* text-like and compressible, and no two 16-byte runs alike */
	for (i = 0; i < DATA_LEN; i++) {
		x = x * 1103515245u + 12345u;
		d[i] = i % 61 == 60 ? '\n' : (unsigned char)('a' + (x >> 16) % 26);
	}
	return d;
}

/* @d written to a new temporary file, run through @filter ("" for none); its fd at offset 0. */
static int data_file(const unsigned char *d, const char *filter)
{
	char raw[] = "/tmp/test-bytesrc-XXXXXX", packed[64], cmd[256];
	int fd = mkstemp(raw), out;
	FILE *p;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, d, DATA_LEN) == DATA_LEN);
	if (!*filter) {
		unlink(raw);
		CU_ASSERT_FATAL(lseek(fd, 0, SEEK_SET) == 0);
		return fd;
	}
	close(fd);
	snprintf(packed, sizeof(packed), "%s.c", raw);
	snprintf(cmd, sizeof(cmd), "%s < %s > %s", filter, raw, packed);
	p = popen(cmd, "r");
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_FATAL(pclose(p) == 0);
	unlink(raw);
	out = open(packed, O_RDONLY);
	CU_ASSERT_FATAL(out >= 0);
	unlink(packed);
	return out;
}

/* Reads all of @fd through a source, @step bytes asked at a time; compares with @d. */
static void read_all(int fd, const unsigned char *d, size_t step)
{
	unsigned char pre[PRE_LEN], *got = malloc(DATA_LEN + step);
	struct iorep_bytesrc *bs;
	size_t total = 0;
	ssize_t n;

	CU_ASSERT_FATAL(got != NULL);
	CU_ASSERT_FATAL(read(fd, pre, PRE_LEN) == PRE_LEN);
	CU_ASSERT_FATAL(iorep_bytesrc_open(&bs, fd, pre, PRE_LEN,
					   iorep_compression_detect(pre, PRE_LEN)) == 0);
	/* one assertion for the whole loop: a million of them are slow under valgrind */
	while ((n = iorep_bytesrc_read(bs, got + total, step)) > 0 && (size_t)n <= step &&
	       total + (size_t)n <= DATA_LEN)
		total += (size_t)n;
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(total, DATA_LEN);
	CU_ASSERT(total == DATA_LEN && !memcmp(got, d, DATA_LEN));
	CU_ASSERT_EQUAL(iorep_bytesrc_read(bs, got, step), 0);
	iorep_bytesrc_free(bs);
	free(got);
}

static const size_t steps[] = {1,      4095,	   16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1,
			       100000, 256 * 1024, 1 << 20};

static void each_step(const char *filter)
{
	unsigned char *d = make_data();
	size_t i;
	int fd;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		fd = data_file(d, filter);
		read_all(fd, d, steps[i]);
		close(fd);
	}
	free(d);
}

static void test_plain_file(void)
{
	each_step("");
}

/* A pipe returns less than asked: the source must not take that for the end. */
static void test_plain_pipe(void)
{
	unsigned char *d = make_data();
	size_t i;
	int p[2];
	pid_t pid;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		CU_ASSERT_FATAL(pipe(p) == 0);
		pid = fork();
		CU_ASSERT_FATAL(pid >= 0);
		if (pid == 0) {
			size_t off;
			int status = 0;

			close(p[0]);
			/* in pieces of 1000 bytes: short reads on the other end */
			for (off = 0; off < DATA_LEN && !status; off += 1000)
				if (write(p[1], d + off,
					  DATA_LEN - off < 1000 ? DATA_LEN - off : 1000) < 0)
					status = 1;
			free(d); /* valgrind follows the child: nothing left behind */
			_exit(status);
		}
		close(p[1]);
		read_all(p[0], d, steps[i]);
		close(p[0]);
		CU_ASSERT(waitpid(pid, NULL, 0) == pid);
	}
	free(d);
}

static void test_gzip(void)
{
	each_step("gzip -c");
}

static void test_xz(void)
{
	each_step("xz -c");
}

static void test_zstd(void)
{
	each_step("zstd -q -c");
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"plain file, every read size", test_plain_file},
		{"plain pipe, short reads", test_plain_pipe},
		{"gzip", test_gzip},
		{"xz", test_xz},
		{"zstd", test_zstd},
		{NULL, NULL},
	};

	return iorep_test_main("bytesrc", tests);
}
