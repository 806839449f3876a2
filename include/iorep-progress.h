/* SPDX-License-Identifier: MIT */
/*
 * The progress line of a long run, on stderr when it is a terminal:
 *   iommu-report: 12.4 M events, 41% of 2.1 GB, 3.2 s
 * redrawn in place four times a second once a run has lasted a second, and
 * wiped when the run ends, so nothing of it stays in the terminal or in a
 * log.  The caller owns the state; ticking costs an increment and a mask.
 */
#ifndef IOREP_PROGRESS_H
#define IOREP_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct iorep_progress {
	FILE *fp;
	bool on;
	bool shown; /* a line is on the terminal */
	uint64_t events;
	uint64_t total_bytes; /* of the input, 0 when unknown (stdin) */
	uint64_t after_ns;    /* no line before the run is this old (1 s) */
	uint64_t start_ns, last_ns;
};

/* @on: draw at all (stderr is a terminal and not --quiet). */
void iorep_progress_init(struct iorep_progress *p, FILE *fp, bool on, uint64_t total_bytes);

/* Redraws the line if it is due; @done_bytes of the input read so far (or 0). */
void iorep_progress_update(struct iorep_progress *p, uint64_t done_bytes);

/* Counts one event; true every 65536, when the caller should call iorep_progress_update(). */
static inline bool iorep_progress_tick(struct iorep_progress *p)
{
	return p->on && !(++p->events & 0xffff);
}

/* Counts @n events at once: true when they pass a multiple of 65536, as iorep_progress_tick(). */
static inline bool iorep_progress_ticks(struct iorep_progress *p, uint64_t n)
{
	uint64_t before = p->events;

	p->events += n;
	return p->on && before >> 16 != p->events >> 16;
}

/* Wipes the line, if one was drawn. */
void iorep_progress_done(struct iorep_progress *p);

#endif
