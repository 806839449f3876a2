/* SPDX-License-Identifier: MIT */
/*
 * Parsing one line of ftrace text into a normalized event.
 *
 * Line shapes understood (leading padding and a trailing CR are ignored):
 *   comm-pid [cpu] ts: event: payload              trace, trace-cmd report
 *   comm-pid [cpu] flags ts: event: payload        trace with irq-info
 *   comm-pid (tgid) [cpu] flags ts: event: payload record-tgid option
 *   comm-pid cpuflags ts: event: payload           trace-cmd report -l, latency
 *   [ ts] event: payload                           dmesg with tp_printk
 *   CPU:N [LOST M EVENTS], CPU:N [LOST EVENTS],    ring-buffer overruns
 *   CPU:N [M EVENTS DROPPED], CPU:N [EVENTS DROPPED],
 *   ##### CPU N buffer started ####                where a CPU's data starts
 *                                                  in a trace file that overran
 * Payloads in every kernel generation's print format, trace-cmd's raw
 * field=value form (-R, and its "[FAILED TO PARSE]" fallback with ARRAY[]
 * bytes) are read by key, so fields may come in any order.
 *
 * A line is an event only when it is whole: every field its event has in
 * every kernel's print format, an "iova=A - B" range that agrees with the
 * size, and no NUL byte.  Anything less (a line cut short, damaged bytes) is
 * IOREP_LINE_BAD, so that the reader knows an event was lost there.
 */
#ifndef IOREP_TEXTPARSE_H
#define IOREP_TEXTPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iorep-event.h"
#include "iorep-strtab.h"

enum iorep_line_kind {
	IOREP_LINE_EVENT,	/* an iommu/dma event, in the event */
	IOREP_LINE_OTHER_EVENT,	/* an event line of another system */
	IOREP_LINE_LOST,	/* a drop marker: cpu and lost set in the event */
	IOREP_LINE_META,	/* blank, comment, header (cpus=, CPU N is empty, ...) */
	IOREP_LINE_BAD,		/* an iommu/dma event line that is not whole (see above) */
	IOREP_LINE_UNKNOWN,	/* anything else */
	IOREP_LINE_STACK,	/* a stack trace's event line: ts, cpu, pid, comm in the event */
	IOREP_LINE_FRAME,	/* a frame of a stack trace: " => func", "=> func (addr)" */
};

/* Scratch space for array fields; reused from line to line. */
struct iorep_textparse {
	struct iorep_strtab *st;
	uint64_t *u64s[2];
	uint32_t n64[2];
	uint32_t cap64[2];
	uint32_t *u32s;
	uint32_t n32;
	uint32_t cap32;
	int cpus_header;	/* the "cpus=N" header of trace-cmd report, or 0 */
	/* events the trace file's header says were overwritten (written - in buffer), or 0 */
	uint64_t overrun;
	bool perf;		/* the line's task is in perf script's form, "comm tid [cpu]" */
	struct iorep_strtab_cache names;	/* comms, devices, drivers */
	uint64_t event_by_len[IOREP_EVENT_NAME_MAX]; /* iorep_event_index() */
	/* every line through the generic parser, no head or payload by template (tests compare) */
	bool generic_only;
};

/* @st must outlive the parser; iorep_textparse_release() frees the scratch space. */
void iorep_textparse_init(struct iorep_textparse *tp, struct iorep_strtab *st);
void iorep_textparse_release(struct iorep_textparse *tp);

/*
 * Parses @len bytes at @line (no newline).  Fills @ev for EVENT,
 * OTHER_EVENT (type IOREP_EV__COUNT, with ts, cpu, pid) and LOST.  Array
 * fields of @ev point into @tp until the next call.  Returns the line kind,
 * or -IOREP_ENOMEM.
 */
int iorep_textparse_line(struct iorep_textparse *tp, const char *line, size_t len,
			 struct iorep_event *ev);

/*
 * Whether @len bytes at @line name an iommu or dma event ("... map: ..."):
 * for a line that is not understood, whether an event was lost with it.
 */
bool iorep_textparse_names_event(const char *line, size_t len);

#endif
