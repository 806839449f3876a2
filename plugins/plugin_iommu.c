// SPDX-License-Identifier: MIT
/*
 * plugin_iommu: a libtraceevent plugin that prints the kernel's iommu:*
 * and dma:* events through iommu-report's printer (include/iorep-print.h),
 * for `trace-cmd report` and any other libtraceevent user.
 *
 *   trace-cmd report -O iommu:human=0 -O iommu:amd=1 trace.dat
 *   trace-cmd list -O
 *
 * Options (libtraceevent plugin options, "iommu:NAME[=0|1]"; a bare
 * "iommu:NAME" flips the default):
 *   human  1  sizes in binary units ("8 KiB"), exact; 0 prints bytes
 *   pages  1  the number of pages a range touches, after its size
 *   amd    0  io_page_fault flags decoded as raw AMD-Vi event bits; off,
 *             bit 0 is report_iommu_fault()'s IOMMU_FAULT_WRITE, which is
 *             what mainline drivers (AMD-Vi included) trace
 *
 * The loader registers one handler per event of the event table
 * (include/iorep-event.h), for this tep handle; the unloader removes
 * exactly those handlers and the option list it added.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>
#include <trace-seq.h>

#include "iorep-error.h"
#include "iorep-print.h"
#include "tep-decode.h"

#define PLUGIN_EXPORT __attribute__((visibility("default")))

/*
 * libtraceevent's plugin contract: options live in this array, which
 * libtraceevent itself updates from -O before the loader runs.
 */
PLUGIN_EXPORT struct tep_plugin_option TEP_PLUGIN_OPTIONS[] = {
	{
		.name = "human",
		.plugin_alias = "iommu",
		.description = "Print sizes in binary units, exactly (8 KiB, 1536 KiB); "
			       "0 prints bytes",
		.set = 1,
	},
	{
		.name = "pages",
		.plugin_alias = "iommu",
		.description = "Print how many pages each IOVA or DMA range touches",
		.set = 1,
	},
	{
		.name = "amd",
		.plugin_alias = "iommu",
		.description = "Decode io_page_fault flags as raw AMD-Vi event bits "
			       "(GN NX US I PR RW PE RZ TR), for kernels that trace them; "
			       "mainline AMD-Vi and ARM SMMU trace the generic read/write bit",
		.set = 0,
	},
	{.name = NULL},
};

enum { OPT_HUMAN, OPT_PAGES, OPT_AMD, OPT__COUNT };

/* What one record's variable parts need, for the length of one handler call. */
struct record_mem {
	char *str[2]; /* device, driver */
	void *array[3];
	char gfp[512];
};

static const char *keep_str(void *ctx, int id, const char *s, size_t len)
{
	struct record_mem *m = ctx;
	int slot = id == IOREP_F_DRIVER;
	char *copy = malloc(len + 1);

	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	free(m->str[slot]);
	m->str[slot] = copy;
	return copy;
}

static void *keep_array(void *ctx, int which, uint32_t n)
{
	struct record_mem *m = ctx;
	void *p = realloc(m->array[which], (size_t)n * (which == 2 ? 4 : 8));

	if (p)
		m->array[which] = p;
	return p;
}

static const char *keep_gfp(void *ctx, const struct iorep_tep_dec *dec, uint64_t val)
{
	struct record_mem *m = ctx;

	iorep_tep_gfp_format(dec->gfp_flags, val, m->gfp, sizeof(m->gfp));
	return m->gfp;
}

static int iommu_event_handler(struct trace_seq *s, struct tep_record *record,
			       struct tep_event *event, void *context)
{
	struct iorep_print_opts o = {
		.human = TEP_PLUGIN_OPTIONS[OPT_HUMAN].set,
		.pages = TEP_PLUGIN_OPTIONS[OPT_PAGES].set,
		.amd = TEP_PLUGIN_OPTIONS[OPT_AMD].set,
		.page_size = (uint32_t)tep_get_page_size(event->tep),
	};
	struct record_mem mem;
	const struct iorep_tep_sink sink = {keep_str, keep_array, keep_gfp, &mem};
	struct iorep_tep_dec dec;
	struct iorep_event ev;
	int i;

	memset(&mem, 0, sizeof(mem));
	iorep_tep_dec_init(&dec, (int)(intptr_t)context, event);
	if (iorep_tep_decode(event->tep, &dec, record->data,
			     record->size > 0 ? (unsigned int)record->size : 0, &ev, &sink) == 0)
		iorep_print_event(s, &ev, &o);
	else
		trace_seq_puts(s, "[plugin_iommu: out of memory]");
	for (i = 0; i < 2; i++)
		free(mem.str[i]);
	for (i = 0; i < 3; i++)
		free(mem.array[i]);
	return 0;
}

PLUGIN_EXPORT int TEP_PLUGIN_LOADER(struct tep_handle *tep)
{
	const struct iorep_event_desc *d;
	int saved[OPT__COUNT], t, i;

	for (t = 0; t < IOREP_EV_LOST; t++) {
		d = iorep_event_desc(t);
		tep_register_event_handler(tep, -1, d->system, d->name, iommu_event_handler,
					   (void *)(intptr_t)t);
	}
	/*
	 * Listed for `trace-cmd list -O`.  libtraceevent has already applied
	 * -O to the array; registering applies it again, which would flip a
	 * bare "iommu:NAME" back, so the values it had are kept.
	 */
	for (i = 0; i < OPT__COUNT; i++)
		saved[i] = TEP_PLUGIN_OPTIONS[i].set;
	tep_plugin_add_options("iommu", TEP_PLUGIN_OPTIONS);
	for (i = 0; i < OPT__COUNT; i++)
		TEP_PLUGIN_OPTIONS[i].set = saved[i];
	return 0;
}

PLUGIN_EXPORT int TEP_PLUGIN_UNLOADER(struct tep_handle *tep)
{
	const struct iorep_event_desc *d;
	int t;

	for (t = 0; t < IOREP_EV_LOST; t++) {
		d = iorep_event_desc(t);
		tep_unregister_event_handler(tep, -1, d->system, d->name, iommu_event_handler,
					     (void *)(intptr_t)t);
	}
	tep_plugin_remove_options(TEP_PLUGIN_OPTIONS);
	return 0;
}
