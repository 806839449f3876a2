/* SPDX-License-Identifier: MIT */
/*
 * A writer of trace-cmd trace.dat files, file version 6, uncompressed, as
 * trace-cmd.dat.v6(5) describes them and trace-cmd 3.1.6 writes them: the
 * initial format, the 6.12 header_page/header_event and iommu/dma event
 * formats (formats-6.12.h), an ftrace event's format and kallsyms when
 * given (stack traces), an empty printk section, saved
 * cmdlines, the CPU count, a few options and the flyrecord CPU data, one
 * run of 4096-byte ring-buffer pages per CPU at page-aligned offsets.
 *
 * Records are streamed: each CPU fills one page at a time in a small
 * buffer; CPU 0 goes straight into the file, the others into unlinked
 * temporary files in the same directory that gendat_finish() appends.
 * Memory does not grow with the number of records.
 */
#ifndef GEN_DAT_H
#define GEN_DAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GENDAT_PAGE_SIZE 4096u
#define GENDAT_PAGE_DATA (GENDAT_PAGE_SIZE - 16u) /* after u64 timestamp, u64 commit */

/*
 * Events the ring buffer dropped before page @page (0-based) of @cpu, or
 * the first later page that starts with a record that starts an operation
 * (see gendat_write()).
 */
struct gendat_lost {
	uint32_t cpu;
	uint64_t page;
	uint64_t count;
};

struct gendat_params {
	const char *path;   /* the trace.dat to create (replaced) */
	const char *tmpdir; /* where the other CPUs' data waits */
	uint32_t cpus;
	const char *uname;    /* "Linux host 6.12.117+deb12-amd64 x86_64" */
	const char *cmdlines; /* "pid comm\n" lines, as saved_cmdlines */
	const struct gendat_lost *lost;
	uint32_t nlost;
	const char *ftrace_format; /* an ftrace event's format (kernel_stack), or NULL */
	const char *kallsyms;	   /* "addr T name\n" lines, or NULL */
};

struct gendat_cpu_stats {
	uint64_t offset; /* of the CPU's data in the file */
	uint64_t pages;
	uint64_t records; /* events, not counting time extends */
	uint64_t extends; /* time extend records */
	uint64_t lost;	  /* events marked as dropped on its pages */
};

struct gendat;

/*
 * Creates @p->path and writes everything up to the CPU data.  Returns 0 and
 * the writer in *@out (freed by gendat_free()), or a negative errno.
 */
int gendat_open(struct gendat **out, const struct gendat_params *p);

/*
 * Appends one record (the event's fields, common header first, @len bytes)
 * to @cpu's ring buffer at time @ts (ns; not less than the CPU's previous
 * record).  @boundary says that no event before it on this CPU waits for
 * one after it (a map for its dma_map_page): only such a record may follow
 * dropped events, so a page due to be marked starts there, early if need
 * be.  Returns the number of events marked as dropped before the record, 0
 * when none, or a negative errno.
 */
int64_t gendat_write(struct gendat *d, uint32_t cpu, uint64_t ts, const void *rec, uint32_t len,
		     bool boundary);

/* Flushes every CPU, appends their data and fills in the offsets.  Returns 0 or a negative errno.
 */
int gendat_finish(struct gendat *d);

/* What gendat_write() did on @cpu. */
const struct gendat_cpu_stats *gendat_cpu_stats(const struct gendat *d, uint32_t cpu);

/* Closes and frees @d (after gendat_finish(), or to give up). */
void gendat_free(struct gendat *d);

/* The event id of system:name in the embedded 6.12 formats, or -1. */
int gendat_event_id(const char *system, const char *name);

/* Little-endian stores, as the file is written (records and headers alike). */
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

#endif
