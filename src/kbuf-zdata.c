// SPDX-License-Identifier: MIT
/* One CPU's compressed ring-buffer pages, a chunk at a time (see kbuf-zdata.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

#include "iorep-error.h"
#include "kbuf-zdata.h"
#include "tracecmd-extra.h"

/* trace-cmd writes 10 pages a chunk; a bigger one than this is damage */
#define MAX_CHUNK (64u << 20)

/*
 * The header of the chunk at @at: its compressed and decompressed sizes;
 * false when it cannot be one of this data's chunks.
 */
static bool chunk_header(const struct iorep_zdata *z, uint64_t at, unsigned int *zsize,
			 unsigned int *size)
{
	unsigned char h[8];

	if (at + 8 > z->end || pread(z->fd, h, 8, (off_t)at) != 8)
		return false;
	*zsize = (unsigned int)tep_read_number(z->tep, h, 4);
	*size = (unsigned int)tep_read_number(z->tep, h + 4, 4);
	return at + 8 + *zsize <= z->end && *size && *size <= MAX_CHUNK && !(*size % z->page_size);
}

/* Back to before the first chunk. */
static void rewind_chunks(struct iorep_zdata *z)
{
	z->lo = z->hi = 0;
	z->next = z->off + 4;
	z->left = z->nchunks;
	z->ok = false;
}

int iorep_zdata_open(struct iorep_zdata *z, struct tracecmd_compression *comp,
		     struct tep_handle *tep, int fd, uint64_t off, uint64_t len,
		     unsigned int page_size)
{
	unsigned char word[4];
	unsigned int zsize, size, max = 0;
	uint64_t i, at;

	memset(z, 0, sizeof(*z));
	z->tep = tep;
	z->fd = fd;
	z->off = off;
	/* the BUFFER option's size is the chunks', without the count before them */
	z->end = off + 4 + len;
	z->page_size = page_size;
	/* the chunk count, then 8 bytes of header at least for each chunk */
	if (z->end < off || pread(fd, word, 4, (off_t)off) != 4)
		return 1;
	z->nchunks = tep_read_number(tep, word, 4);
	if (z->nchunks > len / 8)
		return 1;
	for (i = 0, at = off + 4; i < z->nchunks; i++, at += 8 + zsize) {
		if (!chunk_header(z, at, &zsize, &size))
			return 1;
		z->size += size;
		if (size > max)
			max = size;
	}
	z->comp = comp;
	z->buf = malloc(max ? max : 1);
	if (!z->buf) {
		iorep_zdata_close(z);
		return -IOREP_ENOMEM;
	}
	rewind_chunks(z);
	return 0;
}

const unsigned char *iorep_zdata_page(struct iorep_zdata *z, uint64_t at)
{
	struct tracecmd_compress_chunk c;
	unsigned int zsize, size;

	if (at < z->lo)
		rewind_chunks(z);
	if (at >= z->hi) {
		/* the chunks before the one that holds @at are passed over */
		do {
			if (!z->left || !chunk_header(z, z->next, &zsize, &size))
				return NULL;
			c.zoffset = (off_t)z->next;
			c.offset = (off_t)z->hi;
			c.zsize = zsize;
			c.size = size;
			z->lo = z->hi;
			z->hi += size;
			z->next += 8 + zsize;
			z->left--;
		} while (at >= z->hi);
		/* a damaged chunk may decompress to fewer bytes: the rest reads as empty pages */
		memset(z->buf, 0, size);
		z->ok = tracecmd_uncompress_chunk(z->comp, &c, (char *)z->buf) == 0;
		if (!z->ok && !z->bad++)
			z->bad_at = (uint64_t)c.zoffset;
	}
	return z->ok ? z->buf + (at - z->lo) : NULL;
}

void iorep_zdata_close(struct iorep_zdata *z)
{
	free(z->buf);
	memset(z, 0, sizeof(*z));
}
