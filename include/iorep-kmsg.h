/* SPDX-License-Identifier: MIT */
/*
 * IOMMU faults from the kernel log (--dmesg): the drivers that print a
 * fault but do not trace it (VT-d's DMAR, virtio-iommu, Arm SMMUv3), and
 * AMD-Vi, which does both.  Each fault becomes an io_page_fault event at
 * its log time, merged into the trace's events (input.c).
 *
 * Lines understood, after an optional "<level>" or /dev/kmsg's
 * "level,seq,usec,flags;" and the "[seconds]" time (dmesg, journalctl -k
 * -o short-monotonic; a caller id "[T123]" after it is skipped):
 *   DMAR: [DMA Read NO_PASID] Request device [00:08.0] fault addr 0xfff7000
 *         [fault reason 0x06] PTE Read access is not set     (and 4.x-5.x forms)
 *   DRIVER 0000:00:08.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0005
 *         address=0xfff7000 flags=0x0020]                    (or device=...)
 *   virtio_iommu virtio0: page fault from EP 64 at 0xfff7000 [R]
 *   arm-smmu-v3 NAME: event 0x10 received:  and its four "0x%016llx" lines
 *         (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION); from 6.15 on,
 *         "event: F_TRANSLATION client: DEVICE ... iova: 0x.." after them
 * The device of an endpoint or stream id is its PCI requester id in PCI
 * domain 0, as on machines whose firmware maps ids 1:1; the SMMUv3's
 * client line, when there is one, names it instead.  (VT-d prints no
 * segment either: the fault check takes a name the model does not know for
 * the one device of another segment with the same bus, slot and function.)
 *
 * One DMA burst faults at each access; reports of one device in one page,
 * with the same direction, each within 10 ms of the last, are one fault.
 */
#ifndef IOREP_KMSG_H
#define IOREP_KMSG_H

#include <stddef.h>
#include <stdint.h>

#include "iorep-strtab.h"

struct iorep_kmsg_fault {
	uint64_t ts;	    /* nanoseconds, the log's clock */
	uint64_t last_ts;   /* its last report's */
	uint64_t iova;
	uint64_t line;	    /* its first line in the log, from 1 */
	const char *device; /* interned "0000:00:08.0" */
	const char *driver; /* interned, the log's name for it; "" when none */
	const char *what;   /* interned: the driver's words, "DMAR fault reason 0x06: ..." */
	uint32_t flags;	    /* IOMMU_FAULT_WRITE (2) for a write, else 0 */
	uint32_t reports;   /* log lines (or records) it stands for */
	uint32_t source;    /* IOREP_KMSG_* */
};

enum { IOREP_KMSG_DMAR, IOREP_KMSG_AMD, IOREP_KMSG_VIRTIO, IOREP_KMSG_SMMUV3 };

struct iorep_kmsg {
	struct iorep_kmsg_fault *v;
	size_t n, cap;
	uint64_t lines;	      /* lines read */
	uint64_t timed;	      /* of them, lines with a log time (a kernel log's) */
	uint64_t untimed;     /* fault lines without a time, skipped */
	uint64_t first_untimed;
};

/*
 * Reads the log at @path into @k (zeroed first by the caller), its faults
 * sorted by time.  0, or -IOREP_E* (-IOREP_EPARSE: fault lines, none with
 * a time: *@line is the first).
 */
int iorep_kmsg_read_file(struct iorep_kmsg *k, const char *path, struct iorep_strtab *st,
			 uint64_t *line);

/* As iorep_kmsg_read_file(), from @len bytes at @buf. */
int iorep_kmsg_parse(struct iorep_kmsg *k, const char *buf, size_t len, struct iorep_strtab *st);

void iorep_kmsg_release(struct iorep_kmsg *k);

/* The name of a fault's source ("DMAR", "AMD-Vi", "virtio-iommu", "SMMUv3"). */
const char *iorep_kmsg_source_name(uint32_t source);

#endif
