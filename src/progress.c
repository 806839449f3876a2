// SPDX-License-Identifier: MIT
/* The progress line of a long run (see iorep-progress.h). */
#include <inttypes.h>
#include <time.h>

#include "iorep-progress.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void iorep_progress_init(struct iorep_progress *p, FILE *fp, bool on, uint64_t total_bytes)
{
	p->fp = fp;
	p->on = on;
	p->shown = false;
	p->events = 0;
	p->total_bytes = total_bytes;
	p->after_ns = 1000000000ull;
	p->start_ns = p->last_ns = now_ns();
}

void iorep_progress_update(struct iorep_progress *p, uint64_t done_bytes)
{
	uint64_t t = now_ns();
	char pct[64] = "";

	if (!p->on || t - p->start_ns < p->after_ns || (p->shown && t - p->last_ns < 250000000ull))
		return;
	p->last_ns = t;
	if (p->total_bytes && done_bytes <= p->total_bytes)
		snprintf(pct, sizeof(pct), ", %d%% of %.1f GB",
			 (int)(done_bytes * 100 / p->total_bytes), (double)p->total_bytes / 1e9);
	/* \r and erase to the end of the line: the line is redrawn in place */
	fprintf(p->fp, "\riommu-report: %.1f M events%s, %.1f s\033[K", (double)p->events / 1e6,
		pct, (double)(t - p->start_ns) / 1e9);
	fflush(p->fp);
	p->shown = true;
}

void iorep_progress_done(struct iorep_progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", p->fp);
	fflush(p->fp);
	p->shown = false;
}
