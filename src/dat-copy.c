// SPDX-License-Identifier: MIT
/*
 * Copies of a damaged trace.dat that libtracecmd can read (see dat-copy.h),
 * in memory files.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dat-copy.h"
#include "dat-option.h"

/* Copies all of @fd into a new memory file named @name; its fd, or -1. */
static int memory_copy(int fd, const char *name)
{
	char *buf = malloc(1 << 20);
	int out = -1;
	ssize_t n;
	off_t off = 0;

	if (!buf)
		return -1;
	out = memfd_create(name, MFD_CLOEXEC);
	while (out >= 0 && (n = pread(fd, buf, 1 << 20, off)) > 0) {
		if (write(out, buf, n) != n)
			n = -1;
		if (n < 0)
			break;
		off += n;
	}
	free(buf);
	if (out >= 0 && n < 0) {
		close(out);
		out = -1;
	}
	return out;
}

int iorep_dat_blank_copy(int fd, off_t size, const struct iorep_dat_check *c)
{
	unsigned char zero[8] = {0};
	int out = memory_copy(fd, "iommu-report-blanked");
	size_t i;

	if (out >= 0 && lseek(out, 0, SEEK_END) != size) {
		close(out);
		return -1;
	}
	for (i = 0; out >= 0 && i < c->nbad; i++)
		if (pwrite(out, zero, c->long_size, (off_t)c->bad[i] + 8) !=
		    (ssize_t)c->long_size) {
			close(out);
			return -1;
		}
	return out;
}

/* Copies @fd into a memory file, extended with a sparse run of zeros. */
static int padded(int fd, off_t size)
{
	int out = memory_copy(fd, "iommu-report-padded");

	if (out >= 0 && ftruncate(out, size + (1ll << 40)) < 0) {
		close(out);
		return -1;
	}
	return out;
}

static void put64(unsigned char *b, uint64_t v, bool big_endian)
{
	int i;

	for (i = 0; i < 8; i++)
		b[big_endian ? 7 - i : i] = (unsigned char)(v >> (8 * i));
}

/*
 * Ends every CPU's data of the padded copy @fd that runs past @size at the
 * page holding @size.  Returns 0, or -1 on a failed read or write.
 */
static int clamp_cpus(int fd, uint64_t size, const struct iorep_dat_cpus *t)
{
	uint64_t off, len, keep;
	unsigned char b[16];
	uint32_t i;

	if (!t->table || t->page_size < 64 || t->page_size > 1 << 20)
		return 0;
	for (i = 0; i < t->ncpus; i++) {
		if (pread(fd, b, 16, (off_t)(t->table + 16ull * i)) != 16)
			return -1;
		off = iorep_dat_num(b, 8, t->big_endian);
		len = iorep_dat_num(b + 8, 8, t->big_endian);
		if (off >= size) {
			keep = 0;
		} else {
			keep = size - off + t->page_size - 1;
			keep -= keep % t->page_size;
		}
		if (len <= keep)
			continue;
		put64(b + 8, keep, t->big_endian);
		if (pwrite(fd, b + 8, 8, (off_t)(t->table + 16ull * i + 8)) != 8)
			return -1;
	}
	return 0;
}

int iorep_dat_pad_copy(int fd, off_t size, const struct iorep_dat_cpus *cpus)
{
	int out = padded(fd, size);

	if (out >= 0 && clamp_cpus(out, (uint64_t)size, cpus) < 0) {
		close(out);
		out = -1;
	}
	return out;
}
