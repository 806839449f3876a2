// SPDX-License-Identifier: MIT
/*
 * The DMA-API checks a trace allows (6.12+ dma:* events name the device):
 * the kernel's CONFIG_DMA_API_DEBUG bookkeeping, replayed from the trace.
 * Handles are keyed by device and dma address; sg lists, whose unmap
 * carries only physical addresses, also by their first physical address.
 *
 * A DMA-API double unmap produces no second iommu unmap (the kernel WARNs
 * and returns), but 6.12 still traces the second dma_unmap_page: only this
 * level sees it.
 */
#include <inttypes.h>
#include <stdio.h>

#include "iorep-error.h"
#include "iorep-print.h"
#include "model-local.h"

/* val.flags of a handle: its kind, its direction, and whether it was reported */
#define H_SINGLE 1u
#define H_COHERENT 2u
#define H_SG 3u
#define H_KIND 3u
#define H_LEAKED 4u
#define H_DIR_SHIFT 4

#define DMA_MAPPING_ERROR UINT64_MAX

static const char *kind_name(uint32_t flags)
{
	switch (flags & H_KIND) {
	case H_COHERENT:
		return "coherent (dma_alloc)";
	case H_SG:
		return "scatter-gather";
	default:
		return "single (dma_map_page)";
	}
}

static int add_handle(struct iorep_model *m, uint32_t dev, const struct iorep_event *ev,
		      uint64_t start, uint64_t end, uint64_t paddr, uint32_t kind)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_ivmap_val val = { 0 };
	struct iorep_ivmap_node *n, *tmp, *reuse = NULL, *spare = NULL;
	bool live = false;

	if (!iorep_ivmap_range_valid(start, end))
		return 0;
	/* through the IOMMU, the map came first and said so already */
	iorep_model_driver_dma(m, dev, IOREP_DOM_IDENTITY);
	/* the handle ends the unmapped history of its range; a dead handle of
	 * exactly the range comes back to life in place, else the first other
	 * dead one becomes the new handle rather than being removed */
	iorep_ivmap_for_each_overlap_any_safe(n, tmp, &d->dma_live, start, end) {
		if (!iorep_ivmap_node_dead(n))
			live = true;
		else if (!reuse && n->start == start && n->last == end - 1)
			reuse = n;
		else if (!spare)
			spare = n;
		else
			iorep_ivmap_remove(&d->dma_live, n);
	}
	val.paddr = paddr;
	val.ts = ev->ts;
	val.pos = ev->pos;
	val.cpu = ev->cpu;
	val.pid = ev->pid;
	val.flags = kind | (uint32_t)(ev->dir & 3) << H_DIR_SHIFT;
	if (reuse && !live) {
		if (spare)
			iorep_ivmap_remove(&d->dma_live, spare);
		iorep_ivmap_revive(&d->dma_live, reuse, &val);
	} else {
		if (reuse)
			iorep_ivmap_remove(&d->dma_live, reuse);
		/* with no live handle on the range, the walk left the spare alone on it */
		if (!iorep_model_place(&d->dma_live, spare, !live, start, end, &val, 0))
			return m->error = -IOREP_ENOMEM;
	}
	d->dma_maps++;
	return 0;
}

/* An unmap or free of [start, start + size) expected to be of @kind. */
static int drop_handle(struct iorep_model *m, uint32_t dev, const struct iorep_event *ev,
		       uint64_t start, uint64_t size, uint32_t kind)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_ivmap_val val = { .ts = ev->ts, .pos = ev->pos };
	struct iorep_ivmap_node *n;
	uint64_t hsize;
	uint32_t idx;
	int ret;

	d->dma_unmaps++;
	n = iorep_ivmap_find_containing(&d->dma_live, start);
	if (!n) {
		n = iorep_ivmap_dead_find_containing(&d->dma_live, start);
		if (n) {
			idx = m->nfindings;
			ret = iorep_model_add_finding(
				m, IOREP_FIND_DMA_API_DOUBLE_UNMAP, ev, 0, dev, IOREP_NONE, true,
				start, size,
				"%s of dma address 0x%" PRIx64 " (%" PRIu64 " bytes) already "
				"unmapped at %" PRIu64 ".%06" PRIu64,
				iorep_event_desc(ev->type)->name, start, size,
				n->val.ts / 1000000000, n->val.ts % 1000000000 / 1000);
			/* a map since may be among events lost */
			iorep_model_finding_since(m, idx, IOREP_FIND_DMA_API_DOUBLE_UNMAP,
						  n->val.ts);
			return ret;
		}
		return iorep_model_add_finding(
			m, IOREP_FIND_DMA_API_UNMATCHED, ev, 0, dev, IOREP_NONE, true, start, size,
			"%s of dma address 0x%" PRIx64 " not mapped in this trace (mapped "
			"before it started?)",
			iorep_event_desc(ev->type)->name, start);
	}
	/* each mismatch is with the map at n->val.ts: an unmap and a map since
	 * may be among events lost */
	hsize = n->last + 1 - n->start;
	if (n->start != start || (size && hsize != size)) {
		idx = m->nfindings;
		iorep_model_add_finding(
			m, IOREP_FIND_DMA_API_SIZE_MISMATCH, ev, 0, dev, IOREP_NONE, true, start, size,
			"%s of [0x%" PRIx64 ", +%" PRIu64 ") but the mapping is [0x%" PRIx64
			", +%" PRIu64 ")",
			iorep_event_desc(ev->type)->name, start, size, n->start, hsize);
		iorep_model_finding_since(m, idx, IOREP_FIND_DMA_API_SIZE_MISMATCH, n->val.ts);
	}
	idx = m->nfindings;
	if ((n->val.flags & H_KIND) != kind) {
		iorep_model_add_finding(m, IOREP_FIND_DMA_API_TYPE_MISMATCH, ev, 0, dev, IOREP_NONE,
					true, start, size, "%s of a %s mapping made at %" PRIu64
					".%06" PRIu64,
					iorep_event_desc(ev->type)->name, kind_name(n->val.flags),
					n->val.ts / 1000000000, n->val.ts % 1000000000 / 1000);
		iorep_model_finding_since(m, idx, IOREP_FIND_DMA_API_TYPE_MISMATCH, n->val.ts);
	} else if (iorep_event_has(ev, IOREP_F_DIR) &&
		   ((n->val.flags >> H_DIR_SHIFT) & 3) != (uint32_t)(ev->dir & 3)) {
		iorep_model_add_finding(m, IOREP_FIND_DMA_API_DIR_MISMATCH, ev, 0, dev, IOREP_NONE,
					true, start, size, "%s with dir %s of a mapping made %s",
					iorep_event_desc(ev->type)->name, iorep_dma_dir_name(ev->dir),
					iorep_dma_dir_name((n->val.flags >> H_DIR_SHIFT) & 3));
		iorep_model_finding_since(m, idx, IOREP_FIND_DMA_API_DIR_MISMATCH, n->val.ts);
	}
	/* the handle stays as a dead node: a second unmap of it is a double unmap */
	iorep_ivmap_kill(&d->dma_live, n, &val);
	iorep_model_history_note(m);
	return 0;
}

static int map_sg(struct iorep_model *m, uint32_t dev, const struct iorep_event *ev)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_ivmap_val val = { 0 };
	uint64_t lo = UINT64_MAX, hi = 0, end;
	uint32_t i;

	for (i = 0; i < ev->dma_addrs.n; i++) {
		end = ev->dma_addrs.v[i] + (i < ev->lengths.n ? ev->lengths.v[i] : 0);
		if (ev->dma_addrs.v[i] < lo)
			lo = ev->dma_addrs.v[i];
		if (end > hi)
			hi = end;
	}
	if (!ev->dma_addrs.n || !ev->phys_addrs.n || hi <= lo)
		return 0;
	if (ev->dma_addrs.v[0] == ev->phys_addrs.v[0])
		iorep_model_dma_direct(m, dev);
	if (add_handle(m, dev, ev, lo, hi, ev->phys_addrs.v[0], H_SG) < 0)
		return m->error;
	val.paddr = lo;
	val.ts = ev->ts;
	val.owner = ev->phys_addrs.n;
	if (!iorep_ivmap_insert(&d->sg_by_phys, ev->phys_addrs.v[0], ev->phys_addrs.v[0] + 1, &val))
		return m->error = -IOREP_ENOMEM;
	return 0;
}

static int unmap_sg(struct iorep_model *m, uint32_t dev, const struct iorep_event *ev)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_ivmap_node *n;
	uint64_t dma;
	uint32_t idx;

	if (!ev->phys_addrs.n)
		return 0;
	n = iorep_ivmap_find_exact(&d->sg_by_phys, ev->phys_addrs.v[0], ev->phys_addrs.v[0] + 1);
	if (!n) {
		d->dma_unmaps++;
		return iorep_model_add_finding(
			m, IOREP_FIND_DMA_API_UNMATCHED, ev, 0, dev, IOREP_NONE, false, 0, 0,
			"dma_unmap_sg of an sg list (first page 0x%" PRIx64 ") not mapped in this "
			"trace",
			ev->phys_addrs.v[0]);
	}
	if (n->val.owner != ev->phys_addrs.n) {
		idx = m->nfindings;
		iorep_model_add_finding(m, IOREP_FIND_DMA_API_SIZE_MISMATCH, ev, 0, dev, IOREP_NONE,
					false, 0, 0,
					"dma_unmap_sg of %u entries, dma_map_sg mapped %u",
					ev->phys_addrs.n, n->val.owner);
		iorep_model_finding_since(m, idx, IOREP_FIND_DMA_API_SIZE_MISMATCH, n->val.ts);
	}
	dma = n->val.paddr;
	iorep_ivmap_remove(&d->sg_by_phys, n);
	n = iorep_ivmap_find_containing(&d->dma_live, dma);
	return drop_handle(m, dev, ev, dma, n ? n->last + 1 - n->start : 0, H_SG);
}

int iorep_check_dma_event(struct iorep_model *m, const struct iorep_event *ev)
{
	const struct iorep_event_desc *desc = iorep_event_desc(ev->type);
	uint32_t dev;

	if (!iorep_event_has(ev, IOREP_F_DEVICE) || desc->cls < IOREP_C_DMA_MAP ||
	    desc->cls > IOREP_C_DMA_SYNC_SG)
		return 0;
	dev = iorep_model_device_get(m, ev->device);
	if (dev == IOREP_NONE)
		return m->error;
	switch (desc->cls) {
	case IOREP_C_DMA_MAP:
		if (ev->dma_addr == DMA_MAPPING_ERROR || !ev->size)
			return iorep_model_add_finding(
				m, IOREP_FIND_DMA_API_ERROR, ev, 0, dev, IOREP_NONE, false, 0,
				ev->size, "%s failed (dma address 0x%" PRIx64 ")", desc->name,
				ev->dma_addr);
		if (iorep_event_has(ev, IOREP_F_PHYS_ADDR) && ev->dma_addr == ev->phys_addr)
			iorep_model_dma_direct(m, dev);
		return add_handle(m, dev, ev, ev->dma_addr, ev->dma_addr + ev->size,
				  ev->phys_addr, H_SINGLE);
	case IOREP_C_DMA_ALLOC:
	case IOREP_C_DMA_ALLOC_SGT:
		if (!ev->dma_addr || ev->dma_addr == DMA_MAPPING_ERROR)
			return iorep_model_add_finding(m, IOREP_FIND_DMA_API_ERROR, ev, 0, dev,
						       IOREP_NONE, false, 0, ev->size,
						       "%s of %" PRIu64 " bytes failed", desc->name,
						       ev->size);
		return add_handle(m, dev, ev, ev->dma_addr, ev->dma_addr + ev->size, 0,
				  H_COHERENT);
	case IOREP_C_DMA_UNMAP:
		return drop_handle(m, dev, ev, ev->dma_addr, ev->size, H_SINGLE);
	case IOREP_C_DMA_FREE:
	case IOREP_C_DMA_FREE_SGT:
		return drop_handle(m, dev, ev, ev->dma_addr, ev->size, H_COHERENT);
	case IOREP_C_DMA_MAP_SG:
		return map_sg(m, dev, ev);
	case IOREP_C_DMA_UNMAP_SG:
		return unmap_sg(m, dev, ev);
	case IOREP_C_DMA_ERR:
		return iorep_model_add_finding(m, IOREP_FIND_DMA_API_ERROR, ev, 0, dev, IOREP_NONE,
					       false, 0, ev->size, "%s (err %d)", desc->name,
					       ev->err);
	default:
		return 0;
	}
}

void iorep_check_dma_leaving(struct iorep_model *m, uint32_t dev, const struct iorep_event *ev)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_ivmap_node *n;
	uint32_t idx;
	char size[32];

	iorep_ivmap_for_each(n, &d->dma_live) {
		if (n->val.flags & H_LEAKED)
			continue;
		n->val.flags |= H_LEAKED;
		iorep_print_bytes(size, sizeof(size), n->last + 1 - n->start);
		idx = m->nfindings;
		iorep_model_add_finding(
			m, IOREP_FIND_DMA_API_LEAK, ev, 0, dev, IOREP_NONE, true, n->start,
			n->last + 1 - n->start,
			"%s mapping at dma address 0x%" PRIx64 " (%s, made at %" PRIu64 ".%06" PRIu64
			") still live when %s left its DMA domain",
			kind_name(n->val.flags), n->start, size, n->val.ts / 1000000000,
			n->val.ts % 1000000000 / 1000, d->name);
		iorep_model_finding_of_map(m, idx, IOREP_FIND_DMA_API_LEAK, n, ev->ts);
	}
}
