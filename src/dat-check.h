/* SPDX-License-Identifier: MIT */
/* Checks of a trace.dat that libtracecmd needs made before it opens the file (see dat-check.c). */
#ifndef IOREP_DAT_CHECK_H
#define IOREP_DAT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Instances past the first this many are not read (instances_checked has a bit each). */
#define IOREP_DAT_INSTANCES_MAX 64

/* Version 6: the flyrecord table of each CPU's data, an offset and a size of 8 bytes each. */
struct iorep_dat_cpus {
	uint64_t table; /* its file offset; 0: not found */
	uint32_t ncpus;
	uint32_t page_size;
	bool big_endian;
};

/*
 * Version 7, compressed: one CPU of the top buffer, as its BUFFER option
 * gives it, and (filled by iorep_dat_probe()) what libtracecmd reads of it.
 */
struct iorep_dat_zcpu {
	uint64_t off, size;   /* its compressed data in the file */
	uint64_t first_ts;    /* libtracecmd's first record: time */
	uint64_t first, last; /* and offset, and its last record's; 0: none */
};

/* Version 7, compressed: whose CPUs struct iorep_dat_check's zcpu holds. */
struct iorep_dat_zbufs {
	uint32_t nztop;	/* the top buffer's, first */
	uint32_t nzinst;
	struct {
		uint32_t inst, n; /* an instance's number, and how many CPUs of it follow */
	} zinst[IOREP_DAT_INSTANCES_MAX];
};

struct iorep_dat_check {
	/* a refusal: why, and where */
	char why[128];
	uint64_t at;
	/* ring-buffer pages whose header or records cannot be right: file offsets, in CPU order */
	uint64_t *bad;
	size_t nbad;
	int bad_cpu;		/* the CPU of the first */
	char bad_instance[64];	/* and its instance buffer's name, "" for the top buffer's */
	unsigned int long_size; /* of their commit word */
	bool big_endian;
	struct iorep_dat_cpus cpus;
	/*
	 * a TSC2NSEC or TIME_SHIFT option: libtracecmd scales the timestamps, or
	 * (a guest's file) shifts them by offsets that change along the trace;
	 * otherwise it only adds one offset to them (DATE, OFFSET)
	 */
	bool ts_scaled;
	/*
	 * what libtracecmd adds to the kernel's times, in ns: DATE (trace-cmd
	 * record --date: microseconds to the time of day) and OFFSET
	 * (--ts-offset); ts_offset_known false when an option section that may
	 * hold them could not be read (compressed)
	 */
	int64_t ts_offset;
	bool ts_offset_known;
	/*
	 * version 7 with compressed CPU data: the top buffer's CPUs (nztop of
	 * them), then those of the compressed instance buffers in zinst, each
	 * instance's number and count of CPUs; NULL otherwise
	 */
	struct iorep_dat_zcpu *zcpu;
	uint32_t nzcpu;
	struct iorep_dat_zbufs zb;
	/*
	 * instance buffers (trace-cmd record -B), numbered as libtracecmd
	 * numbers them, and bit i set when the pages of instance i were found
	 * and checked as the top buffer's are (not compressed, of the file's
	 * page size, version 6's behind its "flyrecord" tag): only those may
	 * be read
	 */
	uint32_t ninstances;
	uint64_t instances_checked;
	/*
	 * the file ends in something libtracecmd may do without: version 7's
	 * last option section, an instance buffer's table or pages; at this
	 * offset (the lowest such)
	 */
	bool cut;
	uint64_t cut_at;
};


/*
 * Walks the trace.dat in @fd (@size bytes) for the damage the libraries do
 * not survive; @full: the records of every ring-buffer page, for a reader
 * that has libtracecmd read them all, not only those it reads for each
 * CPU's first and last record.  Returns 0 (pages to blank in c->bad, if
 * any), -1 when the file must be refused (c->why at c->at), or
 * -IOREP_ENOMEM.  A file this walk cannot follow is left to libtracecmd,
 * which refuses it by itself.
 * iorep_dat_check_release() frees c->bad and c->zcpu.
 */
int iorep_dat_check(int fd, uint64_t size, bool full, struct iorep_dat_check *c);
void iorep_dat_check_release(struct iorep_dat_check *c);

/*
 * Why iorep_dat_check() refuses the event format @f (@len bytes), or NULL:
 * the damage in one format that libtraceevent 1.7.1 crashes on.
 * @flag_pending is libtraceevent's file-scope lookup after __print_flags()
 * and __print_symbolic(), false before a file's first format, carried from
 * each format to the next.
 */
const char *iorep_dat_format_refusal(const char *f, size_t len, bool *flag_pending);

#endif
