/* SPDX-License-Identifier: MIT */
/*
 * A byte stream over a file descriptor, decompressing gzip, xz or zstd on
 * the fly.  Local to the input readers.
 */
#ifndef IOREP_BYTESRC_H
#define IOREP_BYTESRC_H

#include <stddef.h>
#include <sys/types.h>

struct iorep_bytesrc;

/* Compression formats recognised by their magic bytes. */
enum iorep_compression {
	IOREP_COMP_NONE,
	IOREP_COMP_GZIP,
	IOREP_COMP_XZ,
	IOREP_COMP_ZSTD,
};

enum iorep_compression iorep_compression_detect(const unsigned char *head, size_t len);
const char *iorep_compression_name(enum iorep_compression c);

/*
 * Wraps @fd (not closed by the source).  @pre holds @prelen bytes already
 * read from @fd, which come first.  Returns 0 or -IOREP_ENOMEM; the caller
 * frees the source with iorep_bytesrc_free().
 */
int iorep_bytesrc_open(struct iorep_bytesrc **out, int fd, const unsigned char *pre, size_t prelen,
		       enum iorep_compression comp);

/*
 * Reads up to @len decompressed bytes.  Returns the count, 0 at the end, or
 * a negative IOREP_E* code (-IOREP_EIO, -IOREP_EDECOMPRESS, -IOREP_ETRUNCATED
 * for a compressed stream that stops mid-frame).
 */
ssize_t iorep_bytesrc_read(struct iorep_bytesrc *src, void *buf, size_t len);

/* Compressed bytes consumed so far (the position in the file). */
unsigned long long iorep_bytesrc_offset(const struct iorep_bytesrc *src);

/* Reads up to @len bytes of @fd, retrying short reads: the count, or -IOREP_EIO. */
ssize_t iorep_read_full(int fd, void *buf, size_t len);

/*
 * Opens @path ("-": standard input) and a source over it, its compression
 * told by its first bytes: 0 with *@fd (to be closed unless it is
 * STDIN_FILENO) and *@src set, or -IOREP_EOPEN (errno says why: EISDIR
 * for a directory),
 * -IOREP_EIO, -IOREP_ENOMEM.  (src/snapshot.c)
 */
int iorep_bytesrc_open_path(const char *path, int *fd, struct iorep_bytesrc **src);

void iorep_bytesrc_free(struct iorep_bytesrc *src);

#endif
