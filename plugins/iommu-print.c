// SPDX-License-Identifier: MIT
/*
 * One iommu/dma event as a line of text (see include/iorep-print.h).
 * Compiled into the libtraceevent plugin and into iommu-report alike.
 */
#include <inttypes.h>
#include <stdio.h>

#include "iorep-print.h"

/* AMD-Vi event flags (drivers/iommu/amd/amd_iommu_types.h, EVENT_FLAG_*). */
static const struct {
	uint32_t bit;
	const char *name;
} amd_flags[] = {
	{0x001, "GN"}, {0x002, "NX"}, {0x004, "US"}, {0x008, "I"},  {0x010, "PR"},
	{0x020, "RW"}, {0x040, "PE"}, {0x080, "RZ"}, {0x100, "TR"},
};

#define AMD_FLAG_RW 0x020
#define IOMMU_FAULT_WRITE 0x1

int iorep_print_bytes(char *buf, size_t size, uint64_t n)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	unsigned int u = 0;

	while (n && u + 1 < sizeof(units) / sizeof(units[0]) && !(n & 1023)) {
		n >>= 10;
		u++;
	}
	return snprintf(buf, size, "%" PRIu64 " %s", n, units[u]);
}

int iorep_print_fault_flags(char *buf, size_t size, uint32_t flags, bool amd)
{
	const char *rw = flags & (amd ? AMD_FLAG_RW : IOMMU_FAULT_WRITE) ? "write" : "read";
	char bits[64];
	size_t i;
	int n = 0;

	if (!amd || !flags)
		return snprintf(buf, size, "%s", rw);
	for (i = 0; i < sizeof(amd_flags) / sizeof(amd_flags[0]); i++) {
		if (!(flags & amd_flags[i].bit))
			continue;
		flags &= ~amd_flags[i].bit;
		n += snprintf(bits + n, sizeof(bits) - n, "%s%s", n ? "|" : "", amd_flags[i].name);
	}
	if (flags)
		snprintf(bits + n, sizeof(bits) - n, "%s0x%x", n ? "|" : "", flags);
	return snprintf(buf, size, "%s [%s]", rw, bits);
}

/*
 * The bytes of the character at @p (not at its NUL), and in *@escape
 * whether they must be written as \xNN: control bytes, a backslash, bytes
 * that are not valid UTF-8, C1 controls, the line and paragraph separators
 * and the bidirectional embeddings, overrides and isolates (a terminal or
 * an editor would take them as a line break or a direction).
 */
static int inert_step(const unsigned char *p, bool *escape)
{
	unsigned char lo = 0x80, hi = 0xbf;
	uint32_t cp;
	int n, i;

	*escape = true;
	if (*p < 0x80) {
		*escape = *p < 0x20 || *p == 0x7f || *p == '\\';
		return 1;
	}
	if (*p >= 0xc2 && *p <= 0xdf) {
		n = 2;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3;
		lo = *p == 0xe0 ? 0xa0 : lo;	/* overlong */
		hi = *p == 0xed ? 0x9f : hi;	/* surrogates */
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4;
		lo = *p == 0xf0 ? 0x90 : lo;	/* overlong */
		hi = *p == 0xf4 ? 0x8f : hi;	/* past U+10FFFF */
	} else {
		return 1;
	}
	if (p[1] < lo || p[1] > hi)
		return 1;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 1;
	cp = *p & (0xff >> (n + 1));
	for (i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	*escape = (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x2028 && cp <= 0x202e) ||
		  (cp >= 0x2066 && cp <= 0x2069);
	return n;
}

/* A string from the trace, inert: what inert_step() says, as \xNN. */
void iorep_print_inert(struct trace_seq *s, const char *str)
{
	const unsigned char *p = (const unsigned char *)(str ? str : "");
	bool escape;
	int n, i;

	while (*p) {
		n = inert_step(p, &escape);
		for (i = 0; i < n; i++) {
			if (escape)
				trace_seq_printf(s, "\\x%02x", p[i]);
			else
				trace_seq_putc(s, p[i]);
		}
		p += n;
	}
}

size_t iorep_print_inert_width(const char *str)
{
	const unsigned char *p = (const unsigned char *)(str ? str : "");
	size_t cols = 0;
	bool escape;
	int n;

	while (*p) {
		n = inert_step(p, &escape);
		cols += escape ? 4 * (size_t)n : 1;
		p += n;
	}
	return cols;
}

static void put_size(struct trace_seq *s, uint64_t n, const struct iorep_print_opts *o)
{
	char buf[32];

	if (o->human) {
		iorep_print_bytes(buf, sizeof(buf), n);
		trace_seq_puts(s, buf);
	} else {
		trace_seq_printf(s, "%" PRIu64, n);
	}
}

/* "[0x1000, 0x3000) 8 KiB (2 pages)": the range, its size and the pages it touches. */
static void put_range(struct trace_seq *s, uint64_t start, uint64_t len,
		      const struct iorep_print_opts *o)
{
	uint64_t ps = o->page_size ? o->page_size : 4096, end = start + len, pages;

	if (end < start) {
		/* wraps past 2^64: a bogus size, shown as it is */
		trace_seq_printf(s, "[0x%" PRIx64 ", 0x%" PRIx64 " + 2^64) ", start, end);
		put_size(s, len, o);
		return;
	}
	trace_seq_printf(s, "[0x%" PRIx64 ", 0x%" PRIx64 ") ", start, end);
	put_size(s, len, o);
	if (!o->pages || !len)
		return;
	pages = (end - 1) / ps - start / ps + 1;
	trace_seq_printf(s, " (%" PRIu64 " page%s)", pages, pages == 1 ? "" : "s");
}

static void put_device(struct trace_seq *s, const struct iorep_event *ev)
{
	if (iorep_event_has(ev, IOREP_F_DEVICE)) {
		iorep_print_inert(s, ev->device);
		trace_seq_putc(s, ' ');
	}
}

static void put_dir(struct trace_seq *s, const struct iorep_event *ev)
{
	const char *name;

	if (!iorep_event_has(ev, IOREP_F_DIR))
		return;
	name = iorep_dma_dir_name(ev->dir);
	if (name)
		trace_seq_printf(s, "%s ", name);
	else
		trace_seq_printf(s, "dir=%d ", ev->dir);
}

static void put_attrs(struct trace_seq *s, const struct iorep_event *ev)
{
	char buf[256];

	if (!iorep_event_has(ev, IOREP_F_ATTRS) || !ev->attrs)
		return;
	iorep_dma_attrs_format(ev->attrs, buf, sizeof(buf));
	trace_seq_printf(s, " attrs=%s", buf);
}

static void put_u64s(struct trace_seq *s, const char *what, const struct iorep_u64s *a)
{
	uint32_t i;

	trace_seq_printf(s, "%s", what);
	for (i = 0; i < a->n; i++)
		trace_seq_printf(s, "%s0x%" PRIx64, i ? ", " : " ", a->v[i]);
	if (!a->n)
		trace_seq_puts(s, " none");
}

/* unmap: the range asked for, and what the driver did when it differs. */
static void print_unmap(struct trace_seq *s, const struct iorep_event *ev,
			const struct iorep_print_opts *o)
{
	trace_seq_puts(s, "iova ");
	put_range(s, ev->iova, ev->size, o);
	if (!iorep_event_has(ev, IOREP_F_UNMAPPED_SIZE) || ev->unmapped_size == ev->size)
		return;
	if (!ev->unmapped_size) {
		trace_seq_puts(s, ", nothing unmapped");
		return;
	}
	trace_seq_puts(s, ", unmapped ");
	put_size(s, ev->unmapped_size, o);
	trace_seq_printf(s, " [0x%" PRIx64 ", 0x%" PRIx64 "): %s than asked", ev->iova,
			 ev->iova + ev->unmapped_size,
			 ev->unmapped_size > ev->size ? "more" : "less");
}

static void print_fault(struct trace_seq *s, const struct iorep_event *ev,
			const struct iorep_print_opts *o)
{
	char flags[128];

	iorep_print_inert(s, ev->device);
	if (iorep_event_has(ev, IOREP_F_DRIVER)) {
		trace_seq_puts(s, " (");
		iorep_print_inert(s, ev->driver);
		trace_seq_putc(s, ')');
	}
	iorep_print_fault_flags(flags, sizeof(flags), ev->fault_flags, o->amd);
	trace_seq_printf(s, ": %s at iova 0x%" PRIx64 ", flags 0x%04x", flags, ev->iova,
			 ev->fault_flags);
}

/* dma_map_sg: the scatterlist in, the DMA segments out. */
static void print_map_sg(struct trace_seq *s, const struct iorep_event *ev,
			 const struct iorep_print_opts *o)
{
	uint32_t i, n = ev->dma_addrs.n;

	put_device(s, ev);
	put_dir(s, ev);
	trace_seq_printf(s, "sg %u -> %u", ev->phys_addrs.n, n);
	if (ev->truncated)
		trace_seq_printf(s, " (truncated, of %d -> %d)", ev->full_nents, ev->full_ents);
	trace_seq_puts(s, ": dma");
	for (i = 0; i < n; i++) {
		trace_seq_puts(s, i ? ", " : " ");
		put_range(s, ev->dma_addrs.v[i], i < ev->lengths.n ? ev->lengths.v[i] : 0, o);
	}
	if (!n)
		trace_seq_puts(s, " none");
	trace_seq_puts(s, "; ");
	put_u64s(s, "phys", &ev->phys_addrs);
	put_attrs(s, ev);
}

/* dma_sync_sg_*: the DMA segments synced. */
static void print_sync_sg(struct trace_seq *s, const struct iorep_event *ev,
			  const struct iorep_print_opts *o)
{
	uint32_t i;

	put_device(s, ev);
	put_dir(s, ev);
	trace_seq_printf(s, "sg %u: dma", ev->dma_addrs.n);
	for (i = 0; i < ev->dma_addrs.n; i++) {
		trace_seq_puts(s, i ? ", " : " ");
		put_range(s, ev->dma_addrs.v[i], i < ev->lengths.n ? ev->lengths.v[i] : 0, o);
	}
	if (!ev->dma_addrs.n)
		trace_seq_puts(s, " none");
}

/* Single mappings, coherent allocations and syncs: device, direction, DMA range. */
static void print_dma(struct trace_seq *s, const struct iorep_event *ev,
		      const struct iorep_print_opts *o)
{
	put_device(s, ev);
	put_dir(s, ev);
	trace_seq_puts(s, "dma ");
	put_range(s, ev->dma_addr, ev->size, o);
	if (iorep_event_has(ev, IOREP_F_PHYS_ADDR))
		trace_seq_printf(s, " <- phys 0x%" PRIx64, ev->phys_addr);
	if (iorep_event_has(ev, IOREP_F_VIRT_ADDR))
		trace_seq_printf(s, " virt 0x%" PRIx64, ev->virt_addr);
	if (iorep_event_has(ev, IOREP_F_PHYS_ADDRS))
		put_u64s(s, " phys", &ev->phys_addrs);
	if (iorep_event_has(ev, IOREP_F_GFP)) {
		trace_seq_puts(s, " gfp ");
		iorep_print_inert(s, ev->gfp);
	}
	put_attrs(s, ev);
}

/* The *_err events: what was asked, and the error. */
static void print_err(struct trace_seq *s, const struct iorep_event *ev,
		      const struct iorep_print_opts *o)
{
	if (iorep_event_has(ev, IOREP_F_SIZE)) {
		print_dma(s, ev, o);
	} else {
		put_device(s, ev);
		put_dir(s, ev);
		put_u64s(s, "sg phys", &ev->phys_addrs);
		put_attrs(s, ev);
	}
	if (iorep_event_has(ev, IOREP_F_ERR))
		trace_seq_printf(s, ": failed, error %d", ev->err);
	else
		trace_seq_puts(s, ": failed");
}

void iorep_print_event(struct trace_seq *s, const struct iorep_event *ev,
		       const struct iorep_print_opts *o)
{
	switch (iorep_event_desc(ev->type)->cls) {
	case IOREP_C_GROUP_ADD:
	case IOREP_C_GROUP_REMOVE:
		trace_seq_printf(s, "group %d: %s ", ev->gid,
				 ev->type == IOREP_EV_ADD_DEVICE ? "add" : "remove");
		iorep_print_inert(s, ev->device);
		break;
	case IOREP_C_ATTACH:
	case IOREP_C_DETACH:
		iorep_print_inert(s, ev->device);
		trace_seq_puts(s, ev->type == IOREP_EV_ATTACH ? " attached" : " detached");
		break;
	case IOREP_C_MAP:
		trace_seq_puts(s, "iova ");
		put_range(s, ev->iova, ev->size, o);
		trace_seq_printf(s, " -> paddr 0x%" PRIx64, ev->paddr);
		break;
	case IOREP_C_UNMAP:
		print_unmap(s, ev, o);
		break;
	case IOREP_C_FAULT:
		print_fault(s, ev, o);
		break;
	case IOREP_C_DMA_MAP_SG:
		print_map_sg(s, ev, o);
		break;
	case IOREP_C_DMA_UNMAP_SG:
		put_device(s, ev);
		put_dir(s, ev);
		trace_seq_printf(s, "sg %u: ", ev->phys_addrs.n);
		put_u64s(s, "phys", &ev->phys_addrs);
		put_attrs(s, ev);
		break;
	case IOREP_C_DMA_SYNC_SG:
		print_sync_sg(s, ev, o);
		break;
	case IOREP_C_DMA_ERR:
		print_err(s, ev, o);
		break;
	case IOREP_C_DMA_MAP:
	case IOREP_C_DMA_UNMAP:
	case IOREP_C_DMA_ALLOC:
	case IOREP_C_DMA_FREE:
	case IOREP_C_DMA_ALLOC_SGT:
	case IOREP_C_DMA_FREE_SGT:
	case IOREP_C_DMA_SYNC:
		print_dma(s, ev, o);
		break;
	case IOREP_C_LOST:	/* a line of its own (iorep_event_write_text_line), no body */
	case IOREP_C_STACK:	/* not an event of the stream --events prints */
	case IOREP_C_NONE:
		break;
	}
}
