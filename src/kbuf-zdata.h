/* SPDX-License-Identifier: MIT */
/*
 * One CPU's compressed ring-buffer pages (trace.dat version 7), read a
 * chunk at a time for the kbuffer walk (kbuf-walk.h): libtracecmd
 * decompresses each chunk into a buffer of ours that holds one.  Memory
 * stays one chunk per CPU however long the trace is: no temporary file, no
 * copy, no table of the chunks.  Only a layout whose pages lie whole in
 * their chunk is read this way (what trace-cmd writes: 10 pages a chunk).
 */
#ifndef IOREP_KBUF_ZDATA_H
#define IOREP_KBUF_ZDATA_H

#include <stdbool.h>
#include <stdint.h>

struct tep_handle;
struct tracecmd_compression;

struct iorep_zdata {
	struct tracecmd_compression *comp; /* not its own */
	struct tep_handle *tep;
	int fd;
	uint64_t off, end; /* the compressed data in the file: a count, then the chunks */
	uint64_t size;	   /* of all the decompressed data */
	uint64_t nchunks;
	unsigned int page_size;
	/* the chunk last reached: its offsets in the decompressed data */
	uint64_t lo, hi;
	uint64_t next;	    /* file offset of the next chunk's header */
	uint64_t left;	    /* chunks after it */
	bool ok;	    /* buf holds it, decompressed */
	unsigned char *buf; /* the largest chunk's size */
	uint64_t bad;	    /* chunks that could not be decompressed */
	uint64_t bad_at;    /* file offset of the first */
};

/*
 * Checks the chunks of the compressed data at @off of @fd (a count of 4
 * bytes, then @len bytes of chunks, as the BUFFER option gives them), to
 * be decompressed through @comp (libtracecmd's context for the file's
 * compression, on @fd; one for every CPU: each chunk is decompressed whole,
 * and a context per CPU would be as many decoders' tables to keep in the
 * caches).  Returns 0; 1 when it cannot be read this way (chunks that do
 * not fit in @len, chunks that are not whole pages of @page_size); or
 * -IOREP_ENOMEM.
 */
int iorep_zdata_open(struct iorep_zdata *z, struct tracecmd_compression *comp,
		     struct tep_handle *tep, int fd, uint64_t off, uint64_t len,
		     unsigned int page_size);

/*
 * The page at @at of the decompressed data, valid until the next call;
 * NULL past the end, or when its chunk cannot be decompressed (counted in
 * z->bad).  Offsets are asked for in increasing order; going back starts
 * again from the first chunk.
 */
const unsigned char *iorep_zdata_page(struct iorep_zdata *z, uint64_t at);

void iorep_zdata_close(struct iorep_zdata *z);

#endif
