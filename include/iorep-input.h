/* SPDX-License-Identifier: MIT */
/*
 * Input readers: trace.dat through libtracecmd, and every text form of
 * ftrace output (the kernel's trace/trace_pipe, trace-cmd report, dmesg with
 * tp_printk), plain or gzip/xz/zstd-compressed.  The form is detected from
 * the content.  A reader is a pull iterator over normalized events in
 * timestamp order.
 */
#ifndef IOREP_INPUT_H
#define IOREP_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "iorep-event.h"
#include "iorep-stage.h"
#include "iorep-strtab.h"

struct iorep_input;

#define IOREP_MAX_BAD_LINES 5
#define IOREP_INPUT_MAX_INSTANCES 8

/* What a reader saw besides the events it returned. */
struct iorep_input_stats {
	uint64_t events[IOREP_EV__COUNT];	/* returned, per type */
	uint64_t other_events;	/* events of other systems (sched, markers, ...) */
	uint64_t records;	/* every event record or line read */
	const char *reader;	/* how records were read: "kbuffer", "libtracecmd", "text" */
	int ncpus;		/* CPUs in the file (trace.dat) or seen (text) */
	uint64_t *lost;		/* per CPU, [ncpus]; dropped events */
	uint64_t lost_unknown;	/* drop markers whose count was not recorded */
	uint64_t lost_total;
	uint64_t first_ts;
	uint64_t last_ts;
	/* text only */
	uint64_t lines;
	uint64_t bad_lines;	/* lines not understood (ftrace text), or too long */
	uint64_t bad_line_nr[IOREP_MAX_BAD_LINES];	/* the first ones */
	uint64_t first_lost_line;	/* the first bad line an event was lost with, or 0 */
	/* a file cut short: where, and what the reader said */
	bool truncated;
	uint64_t truncated_at;
	/* damaged data the reader skipped (trace.dat ring-buffer pages): how often, the
	 * first in the input where (its lowest offset or line) */
	uint64_t damaged;
	uint64_t damaged_at;
	/* --dmesg: the kernel log's faults merged in; left out as traced, or
	 * outside the trace's span */
	uint64_t kmsg_faults;
	uint64_t kmsg_traced;
	uint64_t kmsg_outside;
};

struct iorep_input_info {
	const char *path;	/* as given; "-" for stdin */
	const char *format;	/* "trace.dat", "text" */
	const char *variant;	/* "v6", "v7 zstd", "ftrace", "trace-cmd report", ... */
	const char *kernel;	/* uname -r when the input says, else NULL */
	const char *machine;	/* uname -m when the input says ("x86_64", "aarch64"), else NULL */
	const char *compression;	/* of a text file: "gzip", "xz", "zstd", or NULL */
	const char *pos_unit;	/* "offset" or "line": what iorep_event.pos counts */
	uint32_t page_size;	/* the traced kernel's PAGE_SIZE when the input says, else 0 */
	const char *kernel_log;	/* --dmesg's path, whose faults were merged in, else NULL */
	const char *trace_clock;	/* a trace.dat's clock ("local", "x86-tsc"), else NULL */
	/*
	 * what the reader added to the kernel's times (a trace.dat's DATE and
	 * OFFSET options, trace-cmd record --date, --ts-offset), in ns; a
	 * kernel log's times need it too.  ts_offset_unknown: a trace.dat
	 * option section could not be read (compressed) to say.
	 */
	int64_t ts_offset;
	bool ts_offset_unknown;
	/* a trace.dat's instance buffers (trace-cmd record -B) that could not be read */
	uint32_t ninstances;
	const char *instances[IOREP_INPUT_MAX_INSTANCES]; /* the first ones' names */
};

/*
 * Opens @path ("-" for stdin) and detects its form.  Strings of the events
 * are interned in @st, which must outlive the reader.  On failure returns a
 * negative IOREP_E* code and writes a one-line reason (naming the file and
 * position where it applies) to @errbuf, and sets *@out to NULL.  The caller
 * frees the reader with iorep_input_free().  *@out points to the reader from
 * the moment it is allocated, while libtracecmd and libtraceevent read the
 * file's headers: a caller that survives a crash inside them (the fuzz
 * harness, tests/fuzz/fuzz-tracedat.c) still holds what it had allocated.
 */
int iorep_input_open(struct iorep_input **out, const char *path, struct iorep_strtab *st,
		     char *errbuf, int errlen);

struct iorep_kmsg;

/*
 * Merges the faults of kernel log @k (read from @path; both must outlive
 * the reader) into the events, by time: each an io_page_fault event whose
 * source names the log line.  Call it before reading.  0, or -IOREP_E*.
 */
int iorep_input_add_kmsg(struct iorep_input *in, const struct iorep_kmsg *k, const char *path);

/*
 * Should the input turn out to be a kernel log (the dmesg of a kernel
 * booted with tp_printk), its own fault lines are merged in as
 * iorep_input_add_kmsg() merges another log's: the file is read again at
 * its first event.  A pipe cannot be, which a note says.  Call it before
 * reading, instead of iorep_input_add_kmsg().  0, or -IOREP_E*.
 */
int iorep_input_own_kmsg(struct iorep_input *in);

/*
 * Reads the next event into @ev.  Returns 1 for an event, 0 at the end, or a
 * negative IOREP_E* code (with a reason in the errbuf given to open).  A file
 * cut short ends the stream with 0 and sets stats.truncated.
 */
int iorep_input_next(struct iorep_input *in, struct iorep_event *ev);

/*
 * As iorep_input_next(), without the copy: *@ev points to the event, which
 * stays valid, arrays included, until the next call.
 */
int iorep_input_next_ref(struct iorep_input *in, const struct iorep_event **ev);

/*
 * Reads the input on a thread of its own from here on, a few thousand
 * events ahead of the caller, who feeds the model meanwhile.  The events,
 * their order, the statistics, the warnings and the errors are those of
 * reading in one thread; the statistics and warnings are complete once the
 * stream has ended (iorep_input_next() returned 0 or an error), and
 * iorep_input_progress() tells how far the events handed over so far came.
 * Call it before the first iorep_input_next(), and not at all where a signal
 * handler must find the reader on the caller's thread (the fuzz harness).
 * Returns 0, or a negative IOREP_E* code when no thread could be started
 * (reading then goes on in the caller's thread).
 */
int iorep_input_read_ahead(struct iorep_input *in);

/*
 * As iorep_input_read_ahead(), and the reader's thread runs the events
 * through @stage (which it then owns until iorep_input_free()) before it
 * hands them over: iorep_input_next_staged() gives what the stage let go,
 * in its order, each with its note, and at the end of the stream what
 * stage->end() let go.  The statistics, warnings and errors are the
 * input's as ever.  Returns 0, or a negative IOREP_E* code when no thread
 * could be started (nothing has run the stage then).
 */
int iorep_input_read_ahead_staged(struct iorep_input *in, const struct iorep_stage *stage);

/*
 * The next event a stage let go, and its note (both valid until the next
 * call), after iorep_input_read_ahead_staged().  Returns 1, 0 at the end, or
 * a negative IOREP_E* code (-IOREP_EINVAL with no stage running).
 * iorep_input_next() and _next_ref() refuse a staged input the same way.
 */
int iorep_input_next_staged(struct iorep_input *in, const struct iorep_event **ev,
			    const struct iorep_stage_note **note);

/*
 * As iorep_input_next_staged(), but all that the reader's thread has handed
 * over and the caller has not taken yet, at once (a block of up to 1,024
 * events): the model then takes it in one loop, not a call through the
 * input per event.  *@b is valid until the next call.  Returns 1 (b->n is
 * at least 1), 0 at the end, or a negative IOREP_E* code.
 */
int iorep_input_next_batch(struct iorep_input *in, struct iorep_stage_batch *b);

const struct iorep_input_stats *iorep_input_stats(const struct iorep_input *in);
const struct iorep_input_info *iorep_input_info(const struct iorep_input *in);

/*
 * Writes the reader's warnings (file cut short, damaged data, bad lines,
 * ...), one per line, to @fp, inert (iorep_message()).
 */
void iorep_input_print_warnings(const struct iorep_input *in, FILE *fp);

/* How far the reader is: bytes read and bytes in all (*total 0 when unknown). */
void iorep_input_progress(const struct iorep_input *in, uint64_t *done, uint64_t *total);

void iorep_input_free(struct iorep_input *in);

#endif
