/* SPDX-License-Identifier: MIT */
/*
 * The fast path of the trace.dat reader: the per-CPU ring-buffer pages of
 * an uncompressed trace.dat, mapped and walked with libtraceevent's kbuffer,
 * CPUs merged by timestamp (lowest CPU first on a tie, as libtracecmd's
 * iterators and trace-cmd report order them).  libtracecmd still opens the
 * file and parses every header; only the record loop is replaced, which
 * avoids its per-record allocation and its 2 GiB-per-CPU limit
 * (libtracecmd 1.3.1 stops reading a CPU's data past 2 GiB, silently).
 */
#ifndef IOREP_KBUF_WALK_H
#define IOREP_KBUF_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct tracecmd_input;
struct tep_handle;
struct tep_record;
struct kbuf_cpu;
struct iorep_dat_zcpu;
struct iorep_zdata;
struct tracecmd_compression;

struct iorep_kbuf {
	struct tep_handle *tep;
	unsigned int long_size;	  /* of the page header's commit word: 4 or 8 */
	bool big_endian;	  /* the file's byte order */
	const unsigned char *map; /* the whole file, read-only */
	size_t map_size;
	unsigned int page_size;
	int ncpus;
	struct kbuf_cpu *cpu;
	/* the CPUs with events left, a heap by their next event's time (kbuf-walk.c) */
	struct kbuf_cpu **heap;
	int nheap;
	/* pages skipped because their header cannot be right: their events are lost */
	uint64_t damaged;
	uint64_t damaged_at; /* file offset of the first in the file */
	int damaged_cpu, damaged_buf; /* its CPU, of the top buffer (0) or an instance's */
	/* compressed data: each CPU's chunks (NULL: the file is mapped) */
	struct iorep_zdata *z;
	struct tracecmd_compression *comp; /* the decompression context they share */
	/* chunks that could not be decompressed: their pages' events are lost */
	uint64_t zbad;
	uint64_t zbad_at;   /* offset of the first's first page, as the records' (the lowest) */
	uint64_t zbad_file; /* its offset in the file */
	int zbad_cpu, zbad_buf;
	/*
	 * added to every record's time, as libtracecmd adds a DATE or OFFSET
	 * option's offset: its first record of each CPU, and its last, less
	 * the walk's own (set: fixed, 0 when no offset may apply)
	 */
	uint64_t ts_offset;
	bool ts_set;
	/* the CPU of the record returned last, moved on at the next call */
	struct kbuf_cpu *last;
};

/*
 * Whether the commit word @word of a page (its low 27 bits the bytes of
 * data; bits 31 and 30 both set: the count of missed events is stored
 * after them) fits a page of @page_size bytes whose header is 8 +
 * @long_size bytes: what libtraceevent's kbuffer trusts.
 */
static inline int iorep_kbuf_commit_ok(uint64_t word, unsigned int page_size,
				       unsigned int long_size)
{
	uint64_t commit = word & ((1ULL << 27) - 1);

	if ((word >> 30 & 3) == 3)
		commit += long_size;
	return commit <= page_size - 8 - long_size;
}

/*
 * Whether libtraceevent's kbuffer can walk the ring-buffer page at @p
 * (@page_size bytes, its commit word @long_size bytes, the file's byte order
 * big-endian or not) and come to its end: its commit word fits
 * (iorep_kbuf_commit_ok()), every data record with a length word has one
 * the kernel can write (8 or more), and every record's length takes kbuffer
 * forward.  A length word under 8 has kbuffer read the record's own bytes
 * as headers: events made of its data, or, when one of them reads as a
 * negative length (a padding's too), a step back to an earlier record, and
 * kbuffer reads them in a circle for ever (libtraceevent 1.7.1's
 * translate_data()).
 * *@has_data (if not NULL) says whether the page holds a data record.
 */
bool iorep_kbuf_page_ok(const unsigned char *p, unsigned int page_size, unsigned int long_size,
			bool big_endian, bool *has_data);

/*
 * Sets up the walk of @h's CPU data in @fd (@file_size bytes).  Returns 0,
 * 1 when the fast path does not apply here (compressed data, a timestamp
 * conversion libtracecmd applies, a layout it cannot check): read the
 * records through libtracecmd instead; or a negative IOREP_E* code.  With
 * @offset_ok (the options scale no timestamp: iorep_dat_check()'s
 * ts_scaled), an offset libtracecmd adds to every timestamp (a DATE or
 * OFFSET option) is added too, when each CPU's first and last records show
 * the same one.
 */
int iorep_kbuf_open(struct iorep_kbuf *k, struct tracecmd_input *h, int fd, off_t file_size,
		    bool offset_ok);

/*
 * The same over @nh buffers of one file, merged: @h[0] the top buffer's
 * handle, the others instance buffers' (tracecmd_buffer_instance_handle()),
 * each of the same page size.  Records keep their CPU's number in its own
 * buffer; on a tie, the top buffer's come first, then the instances' in
 * their order.
 */
int iorep_kbuf_open_n(struct iorep_kbuf *k, struct tracecmd_input *const *h, int nh, int fd,
		      off_t file_size, bool offset_ok);

/*
 * The same for a compressed file (version 7), whose handle @h has read the
 * headers only (tracecmd_open_head()): the CPUs of @zcpu, of @nbuf buffers
 * (the top one, then instances), @nper[b] CPUs of buffer b, whose chunks
 * are decompressed one at a time as the walk reaches them.  Records'
 * offsets are those libtracecmd gives them reading the file in memory (what
 * tracecmd_read_at() takes); the first and last records that it read in
 * the probe's child (dat-probe.h) must be the walk's, or 1 is returned.
 */
int iorep_kbuf_open_z(struct iorep_kbuf *k, struct tracecmd_input *h, int fd,
		      const struct iorep_dat_zcpu *zcpu, const int *nper, int nbuf);

/*
 * The next record of all CPUs in time order, into @rec's data, size, ts,
 * offset (in the file, as libtracecmd's), cpu and missed_events (> 0 a
 * count, -1 unknown, 0 none); its other fields are left alone.  1, or 0 at
 * the end.  The data stays valid until the next call (a compressed page is
 * not kept longer).
 */
int iorep_kbuf_next(struct iorep_kbuf *k, struct tep_record *rec);

/* Bytes of CPU data walked so far, and in all. */
void iorep_kbuf_progress(const struct iorep_kbuf *k, uint64_t *done, uint64_t *total);

void iorep_kbuf_close(struct iorep_kbuf *k);

#endif
