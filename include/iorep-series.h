/* SPDX-License-Identifier: MIT */
/*
 * A downsampled time series of the live mappings: at most
 * IOREP_SERIES_POINTS points over the whole trace, whatever its length.
 *
 * Each point covers [start + i * width, start + (i + 1) * width).  The width
 * starts at one microsecond and doubles, merging neighbouring points, each
 * time the trace outgrows the series, so memory is fixed and each sample
 * costs O(1) (amortised: a merge touches every point, and there are at most
 * 64 merges).
 */
#ifndef IOREP_SERIES_H
#define IOREP_SERIES_H

#include <stdbool.h>
#include <stdint.h>

#define IOREP_SERIES_POINTS 512

struct iorep_series_point {
	uint64_t live, bytes;		/* at the end of the interval */
	uint64_t peak_live, peak_bytes; /* highest within it */
	uint64_t maps, unmaps;		/* events within it */
};

struct iorep_series {
	uint64_t start; /* time of point 0 */
	uint64_t width; /* ns per point; 0 before the first sample */
	uint32_t n;	/* points in use */
	uint64_t edge;	/* the end of point n - 1, start + n * width (UINT64_MAX past 2^64) */
	struct iorep_series_point pts[IOREP_SERIES_POINTS];
};

void iorep_series_init(struct iorep_series *s);

/*
 * Records that at @ts, after a map (@is_map) or an unmap, @live mappings of
 * @bytes bytes were live.  Samples are expected in time order; an earlier
 * one is counted in the point of the latest.
 */
void iorep_series_note(struct iorep_series *s, uint64_t ts, uint64_t live, uint64_t bytes,
		       bool is_map);

#endif
