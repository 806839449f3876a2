// SPDX-License-Identifier: MIT
/* The downsampled series of live mappings over time. */
#include <string.h>

#include "iorep-series.h"

#define FIRST_WIDTH 1000 /* ns */

void iorep_series_init(struct iorep_series *s)
{
	memset(s, 0, sizeof(*s));
}

/* Doubles the width: point i becomes points 2i and 2i + 1 together. */
static void halve(struct iorep_series *s)
{
	uint32_t i, n = (s->n + 1) / 2;

	for (i = 0; i < n; i++) {
		struct iorep_series_point a = s->pts[2 * i], *o = &s->pts[i];

		*o = a;
		if (2 * i + 1 < s->n) {
			const struct iorep_series_point *b = &s->pts[2 * i + 1];

			o->live = b->live;
			o->bytes = b->bytes;
			if (b->peak_live > o->peak_live)
				o->peak_live = b->peak_live;
			if (b->peak_bytes > o->peak_bytes)
				o->peak_bytes = b->peak_bytes;
			o->maps += b->maps;
			o->unmaps += b->unmaps;
		}
	}
	memset(&s->pts[n], 0, sizeof(s->pts[0]) * (s->n - n));
	s->n = n;
	s->width *= 2;
}

/* Sets s->edge after a change to n or width. */
static void set_edge(struct iorep_series *s)
{
	if (__builtin_mul_overflow((uint64_t)s->n, s->width, &s->edge) ||
	    __builtin_add_overflow(s->edge, s->start, &s->edge))
		s->edge = UINT64_MAX;
}

/* The point of a sample at @ts past the latest point's end: new points, or a wider series. */
static __attribute__((noinline)) struct iorep_series_point *past_edge(struct iorep_series *s,
								      uint64_t ts)
{
	struct iorep_series_point *p;
	uint64_t idx = (ts - s->start) / s->width;

	while (idx >= IOREP_SERIES_POINTS) {
		halve(s);
		idx = (ts - s->start) / s->width;
	}
	if (idx < s->n - 1)
		idx = s->n - 1; /* at 2^64 - 1 with the edge saturated */
	/* intervals without events hold the level of the one before */
	while (s->n <= idx) {
		p = &s->pts[s->n];
		*p = s->pts[s->n - 1];
		p->peak_live = p->live;
		p->peak_bytes = p->bytes;
		p->maps = p->unmaps = 0;
		s->n++;
	}
	set_edge(s);
	return &s->pts[idx];
}

void iorep_series_note(struct iorep_series *s, uint64_t ts, uint64_t live, uint64_t bytes,
		       bool is_map)
{
	struct iorep_series_point *p;

	if (!s->width) {
		s->start = ts;
		s->width = FIRST_WIDTH;
		s->n = 1;
		set_edge(s);
	}
	/* before the end of the latest point (or out of order): that point, the usual case */
	p = ts < s->edge ? &s->pts[s->n - 1] : past_edge(s, ts);
	p->live = live;
	p->bytes = bytes;
	if (live > p->peak_live)
		p->peak_live = live;
	if (bytes > p->peak_bytes)
		p->peak_bytes = bytes;
	if (is_map)
		p->maps++;
	else
		p->unmaps++;
}
