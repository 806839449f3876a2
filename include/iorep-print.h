/* SPDX-License-Identifier: MIT */
/*
 * How an iommu/dma event reads to a person: one line, better than the
 * kernel's print format on every kernel.  The libtraceevent plugin
 * (plugins/plugin_iommu.c, for `trace-cmd report`) and iommu-report's own
 * event listing both print through this code, so the two tools print an
 * event the same way.
 *
 *   map      iova [0x1000000, 0x1002000) 8 KiB (2 pages) -> paddr 0x10a5f8000
 *   unmap    iova [0x3000000, 0x3001000) 4 KiB (1 page), unmapped 2 MiB
 *            [0x3000000, 0x3200000): more than asked
 *   group    group 5: add 0000:00:07.0
 *   fault    0000:00:07.0 (virtio-pci): read at iova 0x100000, flags 0x0000
 *
 * The range [start, end) is computed from the fields, so kernels whose
 * print format lacks it (before ~5.17) get it too.
 */
#ifndef IOREP_PRINT_H
#define IOREP_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <trace-seq.h>

#include "iorep-event.h"

struct iorep_print_opts {
	bool human;	    /* sizes as "8 KiB" (exact) rather than "8192" */
	bool pages;	    /* " (2 pages)" after a range */
	bool amd;	    /* io_page_fault flags as AMD-Vi event bits */
	uint32_t page_size; /* for page counts; 0 means 4096 */
};

#define IOREP_PRINT_OPTS_DEFAULT                                                                   \
	{                                                                                          \
		.human = true, .pages = true, .amd = false, .page_size = 4096                      \
	}

/*
 * Writes @n bytes in the largest binary unit that divides it exactly:
 * "8 KiB", "1536 KiB", "4097 B".  Returns what snprintf returns.
 */
int iorep_print_bytes(char *buf, size_t size, uint64_t n);

/*
 * Writes io_page_fault @flags: "read" or "write" (IOMMU_FAULT_WRITE, bit 0,
 * the generic flags of report_iommu_fault()), or with @amd the AMD-Vi
 * event bits "write [PR|RW]" (RW, 0x20, tells a write).
 */
int iorep_print_fault_flags(char *buf, size_t size, uint32_t flags, bool amd);

/*
 * Appends @str inert: as \xNN each byte of a control character, a
 * backslash, invalid UTF-8, a C1 control, U+2028/U+2029 and the
 * bidirectional embeddings, overrides and isolates; other UTF-8 as it is.
 */
void iorep_print_inert(struct trace_seq *s, const char *str);
/* How many columns iorep_print_inert() takes for @str. */
size_t iorep_print_inert_width(const char *str);

/* Appends the body of @ev, what follows "name: ", to @s (no newline). */
void iorep_print_event(struct trace_seq *s, const struct iorep_event *ev,
		       const struct iorep_print_opts *o);

#endif
