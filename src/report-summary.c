// SPDX-License-Identifier: MIT
/* The input summary printed until (and above) the model's report. */
#include <inttypes.h>

#include "iorep-render.h"
#include "iorep-report.h"

void iorep_summary_print(const struct iorep_input *in, FILE *fp)
{
	const struct iorep_input_stats *s = iorep_input_stats(in);
	const struct iorep_input_info *info = iorep_input_info(in);
	uint64_t total = 0;
	int i, cpus_seen = 0;

	/* the path is the user's, the variant and the kernel's name the file's: inert */
	fputs("input:    ", fp);
	iorep_put_inert(fp, info->path);
	fprintf(fp, " (%s", info->format);
	if (info->variant) {
		fputs(", ", fp);
		iorep_put_inert(fp, info->variant);
	}
	if (info->compression)
		fprintf(fp, ", %s", info->compression);
	fprintf(fp, ")\n");
	if (info->kernel) {
		fputs("kernel:   ", fp);
		iorep_put_inert(fp, info->kernel);
		fputc('\n', fp);
	}
	if (info->machine) {
		fputs("machine:  ", fp);
		iorep_put_inert(fp, info->machine);
		fputc('\n', fp);
	}
	if (info->ninstances) {
		fprintf(fp, "instances: %" PRIu32 " not read:", info->ninstances);
		iorep_put_instances(fp, info);
		fputc('\n', fp);
	}
	for (i = 0; i < IOREP_EV_LOST; i++)
		total += s->events[i];
	if (s->reader)
		fprintf(fp, "reader:   %s\n", s->reader);
	fprintf(fp, "events:   %" PRIu64 " iommu/dma, %" PRIu64 " other\n", total, s->other_events);
	if (total || s->events[IOREP_EV_LOST]) {
		uint64_t span = s->last_ts - s->first_ts;

		fprintf(fp, "span:     %" PRIu64 ".%06" PRIu64 " - %" PRIu64 ".%06" PRIu64
			    " (%" PRIu64 ".%06" PRIu64 " s)\n",
			s->first_ts / 1000000000, s->first_ts % 1000000000 / 1000,
			s->last_ts / 1000000000, s->last_ts % 1000000000 / 1000,
			span / 1000000000, span % 1000000000 / 1000);
	}
	cpus_seen = s->ncpus;
	fprintf(fp, "cpus:     %d\n", cpus_seen);
	fprintf(fp, "lost:     %" PRIu64 "%s\n", s->lost_total,
		s->lost_unknown ? " (plus drops of unknown size)" : "");
	for (i = 0; i < s->ncpus; i++)
		if (s->lost[i])
			fprintf(fp, "          cpu %d: %" PRIu64 "\n", i, s->lost[i]);
	fprintf(fp, "\n%-28s %12s\n", "event", "count");
	for (i = 0; i < IOREP_EV_LOST; i++)
		if (s->events[i])
			fprintf(fp, "%-28s %12" PRIu64 "\n", iorep_event_desc(i)->name, s->events[i]);
}
