// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the kernel log's faults (--dmesg, kmsg-fault.c) and their
 * merge into a trace (input-kmsg.c).  The input is the log.  Its faults
 * must come out whole (a device, the driver's words, a report count, a
 * line of the log) and sorted; merged into a fixed trace, every one is
 * taken, left out as traced, or left out as outside the trace, the event
 * stream stays in time order, and the model takes it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "iorep-kmsg.h"

/* A VT-d defects-dma capture's trace, cut down: maps, unmaps, a traced fault. */
static const char trace_text[] =
	"insmod-215 [001] ..... 4.126214: map: IOMMU: iova=0x000000000fff7000 - "
	"0x000000000fff8000 paddr=0x0000000004268000 size=4096\n"
	"insmod-215 [001] ..... 4.126254: dma_map_page: 0000:00:08.0 dir=TO_DEVICE "
	"dma_addr=fff7000 size=4096 phys_addr=4268000 attrs=\n"
	"insmod-215 [000] ..... 4.239452: unmap: IOMMU: iova=0x000000000fff7000 - "
	"0x000000000fff8000 size=4096 unmapped_size=4096\n"
	"insmod-215 [000] ..... 4.239590: dma_unmap_page: 0000:00:08.0 dir=TO_DEVICE "
	"dma_addr=fff7000 size=4096 attrs=\n"
	"insmod-215 [000] ..... 4.807140: io_page_fault: IOMMU:pci 0000:00:08.0 "
	"iova=0x0000000000100000 flags=0x0000\n"
	"insmod-215 [000] ..... 4.822345: map: IOMMU: iova=0x000000000fff7000 - "
	"0x000000000fff8000 paddr=0x0000000004268000 size=4096\n";

static void merge(const struct iorep_kmsg *k, struct iorep_strtab *st)
{
	struct iorep_input *in = NULL;
	struct iorep_model m;
	struct iorep_event ev;
	const struct iorep_input_stats *s;
	char path[64], err[512];
	uint64_t last = 0, faults = 0;
	int fd, ret;

	fd = fuzz_memfile((const uint8_t *)trace_text, sizeof(trace_text) - 1, path, sizeof(path));
	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(iorep_input_open(&in, path, st, err, sizeof(err)) == 0);
	FUZZ_ASSERT(iorep_input_add_kmsg(in, k, "log") == 0);
	iorep_model_init(&m, st);
	while ((ret = iorep_input_next(in, &ev)) > 0) {
		FUZZ_ASSERT(ev.ts >= last);
		last = ev.ts;
		if (ev.source) {
			faults++;
			FUZZ_ASSERT(ev.type == IOREP_EV_IO_PAGE_FAULT && ev.device && ev.cpu == -1);
			FUZZ_ASSERT(strncmp(ev.source, "log:", 4) == 0);
		}
		FUZZ_ASSERT(iorep_model_feed(&m, &ev) == 0);
	}
	FUZZ_ASSERT(ret == 0);
	FUZZ_ASSERT(iorep_model_finish(&m) == 0);
	s = iorep_input_stats(in);
	FUZZ_ASSERT(s->kmsg_faults == faults);
	FUZZ_ASSERT(s->kmsg_faults + s->kmsg_traced + s->kmsg_outside == k->n);
	iorep_model_release(&m);
	iorep_input_free(in);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_kmsg k = { 0 };
	size_t i;

	FUZZ_ASSERT(st != NULL);
	FUZZ_ASSERT(iorep_kmsg_parse(&k, (const char *)data, size, st) == 0);
	for (i = 0; i < k.n; i++) {
		const struct iorep_kmsg_fault *f = &k.v[i];

		FUZZ_ASSERT(f->device && f->device[0] && f->driver && f->what);
		FUZZ_ASSERT(f->reports >= 1 && f->last_ts >= f->ts);
		FUZZ_ASSERT(f->line >= 1 && f->line <= k.lines);
		FUZZ_ASSERT(f->flags == 0 || f->flags == 2);
		FUZZ_ASSERT(i == 0 || k.v[i - 1].ts <= f->ts);
	}
	FUZZ_ASSERT(k.untimed == 0 || (k.first_untimed >= 1 && k.first_untimed <= k.lines));
	FUZZ_ASSERT(k.timed <= k.lines);
	merge(&k, st);
	iorep_kmsg_release(&k);
	iorep_strtab_free(st);
	return 0;
}
