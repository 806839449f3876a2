// SPDX-License-Identifier: MIT
/*
 * gen-trace's workload: DMA-API traffic the way a 6.12 kernel with VT-d in
 * strict mode traces it, the defects, and the episodes in which a device
 * leaves its DMA domain for a process's domain (an IOMMU-API user, VFIO).
 *
 * Every operation is written at once on one CPU (a map and its dma event,
 * a dma_unmap_sg and its unmap), so no event of another operation comes
 * between them.  IOVAs come from the group's domain, top down, and freed
 * ones are reused by size, as the IOVA allocator's rcache does; live
 * mappings are kept in an array sized from --live (no allocation per event).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gen-trace.h"

#define DMA_MAPPING_ERROR UINT64_MAX

static uint32_t order_of(uint32_t pages)
{
	uint32_t o = 0;

	while ((1u << o) < pages)
		o++;
	return o;
}

static uint64_t dom_alloc(struct gt *g, uint32_t dev, uint32_t pages)
{
	struct gt_dom *d = &g->doms[g->devs[dev].group];
	uint32_t o = order_of(pages);
	uint64_t sz = PAGE << o;

	if (d->free[o].n)
		return d->free[o].v[--d->free[o].n];
	if (d->top < IOVA_FLOOR + sz) {
		gt_fail(g, ENOSPC, "IOVA space of a domain exhausted (lower --live)");
		return IOVA_FLOOR;
	}
	d->top = (d->top - sz) & ~(sz - 1);
	return d->top;
}

static void dom_free(struct gt *g, uint32_t dev, uint64_t iova, uint32_t pages)
{
	struct gt_stack *s = &g->doms[g->devs[dev].group].free[order_of(pages)];
	uint64_t *v;

	if (s->n == s->cap) {
		v = realloc(s->v, (s->cap ? s->cap * 2 : 64) * sizeof(*v));
		if (!v) {
			gt_fail(g, ENOMEM, "IOVA free list");
			return;
		}
		s->v = v;
		s->cap = s->cap ? s->cap * 2 : 64;
	}
	s->v[s->n++] = iova;
}

static struct gt_handle *handle_new(struct gt *g, uint32_t dev, uint8_t kind, uint32_t pages)
{
	struct gt_handle *h;

	if (g->nh == g->hcap) {
		gt_fail(g, ENOSPC, "too many live mappings");
		return NULL;
	}
	h = &g->h[g->nh++];
	memset(h, 0, sizeof(*h));
	h->dev = dev;
	h->kind = kind;
	h->pages = pages;
	h->iova = dom_alloc(g, dev, pages);
	h->chunk = g->chunk++;
	return h;
}

/* Forgets handle @i (its IOVA is freed unless @stuck). */
static void handle_drop(struct gt *g, uint32_t i, bool stuck)
{
	struct gt_handle *h = &g->h[i];

	if (stuck) {
		g->doms[g->devs[h->dev].group].stuck++;
	} else {
		dom_free(g, h->dev, h->iova, h->pages);
		g->devs[h->dev].last_unmapped = h->iova;
	}
	g->npinned -= h->pinned;
	*h = g->h[--g->nh];
}

/* ---- DMA-API operations: a map or unmap and its dma event, on one CPU ---- */

static struct gt_handle *op_map_single(struct gt *g, uint32_t dev, uint32_t cpu, uint32_t size,
				       uint32_t off, uint32_t dir)
{
	const struct gt_profile *p = g->devs[dev].prof;
	uint32_t pages = (off + size + PAGE - 1) / PAGE;
	struct gt_handle *h = handle_new(g, dev, K_SINGLE, pages);
	struct gt_event e;

	if (!h)
		return NULL;
	h->size = size;
	h->off = off;
	h->dir = dir;
	gt_emit_map(g, cpu, g->devs[dev].proc, p->map_ctx, h->iova, phys_of(h->chunk),
		    pages * PAGE);
	gt_ev(&e, GT_MAP_PAGE, cpu, g->devs[dev].proc, p->map_ctx);
	e.dev = g->devs[dev].name;
	e.phys = phys_of(h->chunk) + off;
	e.dma = h->iova + off;
	e.size = size;
	e.dir = dir;
	gt_emit(g, &e);
	return h;
}

/* unmap then dma_unmap_page, with the size and direction the driver passes */
static void op_unmap_single(struct gt *g, const struct gt_handle *h, uint32_t cpu, uint32_t proc,
			    enum gt_ctx ctx, uint64_t size, uint32_t dir)
{
	struct gt_event e;

	gt_emit_unmap(g, cpu, proc, ctx, h->iova, h->pages * PAGE, h->pages * PAGE);
	gt_ev(&e, GT_UNMAP_PAGE, cpu, proc, ctx);
	e.dev = g->devs[h->dev].name;
	e.dma = h->iova + h->off;
	e.size = size;
	e.dir = dir;
	gt_emit(g, &e);
}

static uint32_t sg_phys(const struct gt_handle *h, uint64_t *v)
{
	uint32_t i;

	for (i = 0; i < h->nents; i++)
		v[i] = phys_of(h->chunk + i);
	return h->nents;
}

static void op_map_sg(struct gt *g, uint32_t dev, uint32_t cpu)
{
	const struct gt_profile *p = g->devs[dev].prof;
	uint32_t nents = 1 + below(g, SG_MAX), i, pages = 0, two = 0, pg;
	struct gt_handle *h;
	struct gt_event e;

	for (i = 0; i < nents && pages < SG_MAX; i++) {
		pg = pages + 2 <= SG_MAX && !below(g, 4) ? 2 : 1;
		two |= (pg == 2) << i;
		pages += pg;
	}
	nents = i;
	h = handle_new(g, dev, K_SG, pages);
	if (!h)
		return;
	g->chunk += nents - 1; /* one chunk per entry */
	h->nents = nents;
	h->two = two;
	h->size = pages * PAGE;
	h->dir = 1 + below(g, 2);
	for (i = 0, pages = 0; i < nents; i++) {
		pg = two >> i & 1 ? 2 : 1;
		gt_emit_map(g, cpu, g->devs[dev].proc, p->map_ctx, h->iova + pages * PAGE,
			    phys_of(h->chunk + i), pg * PAGE);
		pages += pg;
	}
	gt_ev(&e, GT_MAP_SG, cpu, g->devs[dev].proc, p->map_ctx);
	e.dev = g->devs[dev].name;
	e.nents = sg_phys(h, g->physv);
	e.physv = g->physv;
	e.dma = h->iova;
	e.sglen = h->size;
	e.dir = h->dir;
	e.attrs = below(g, 2) ? 1u << 8 : 0;
	gt_emit(g, &e);
}

/* dma_alloc: one map, or one per page when the pages are not contiguous */
static struct gt_handle *op_alloc(struct gt *g, uint32_t dev, uint32_t cpu, uint32_t proc,
				  uint32_t size)
{
	uint32_t pages = (size + PAGE - 1) / PAGE, i, per_page = pages > 1 && below(g, 2);
	struct gt_handle *h = handle_new(g, dev, K_COHERENT, pages);
	struct gt_event e;

	if (!h)
		return NULL;
	h->size = size;
	h->nents = per_page ? pages : 1;
	g->chunk += h->nents - 1;
	h->virt = 0xff11000000000000ull | phys_of(h->chunk);
	for (i = 0; i < h->nents; i++)
		gt_emit_map(g, cpu, proc, CTX_PROC, h->iova + i * PAGE, phys_of(h->chunk + i),
			    per_page ? PAGE : pages * PAGE);
	gt_ev(&e, GT_ALLOC, cpu, proc, CTX_PROC);
	e.dev = g->devs[dev].name;
	e.virt = h->virt;
	e.dma = h->iova;
	e.size = size;
	gt_emit(g, &e);
	return h;
}

/*
 * The driver unmaps or frees handle @i: from its completion interrupt or
 * softirq, or from process context when it lets go of everything (@unbind).
 */
static void op_unmap(struct gt *g, uint32_t i, uint32_t cpu, bool unbind)
{
	const struct gt_handle *h = &g->h[i];
	const struct gt_dev *d = &g->devs[h->dev];
	enum gt_ctx ctx = unbind ? CTX_PROC : d->prof->unmap_ctx;
	uint32_t proc = ctx == CTX_HARDIRQ ? g->p_idle : d->proc;
	struct gt_event e;

	if (h->kind == K_SINGLE) {
		op_unmap_single(g, h, cpu, proc, ctx, h->size, h->dir);
	} else {
		gt_ev(&e, h->kind == K_SG ? GT_UNMAP_SG : GT_FREE, cpu, proc, ctx);
		e.dev = d->name;
		e.nents = h->kind == K_SG ? sg_phys(h, g->physv) : 0;
		e.physv = g->physv;
		e.dir = h->dir;
		e.dma = h->iova;
		e.size = h->size;
		e.virt = h->virt;
		gt_emit(g, &e);
		gt_emit_unmap(g, cpu, proc, ctx, h->iova, h->pages * PAGE, h->pages * PAGE);
	}
	handle_drop(g, i, false);
}

static void op_sync(struct gt *g, const struct gt_handle *h, uint32_t cpu)
{
	const struct gt_dev *d = &g->devs[h->dev];
	struct gt_event e;

	gt_ev(&e, GT_SYNC, cpu, d->proc, d->prof->map_ctx);
	e.dev = d->name;
	e.dma = h->iova + h->off;
	e.size = h->size;
	e.dir = h->dir;
	gt_emit(g, &e);
}

/* A CPU for an operation. */
static uint32_t pick_cpu(struct gt *g)
{
	return below(g, g->o.cpus);
}

static void op_map_any(struct gt *g, uint32_t dev)
{
	const struct gt_profile *p = g->devs[dev].prof;
	uint32_t cpu = pick_cpu(g), r = below(g, 100), size, off;

	gt_op_begin(g);
	if (r < p->sg) {
		op_map_sg(g, dev, cpu);
	} else if (r < p->sg + p->alloc) {
		op_alloc(g, dev, cpu, g->devs[dev].proc,
			 below(g, 2) ? 4096 : 512 + below(g, 15872));
	} else if (p->subpage) {
		op_map_single(g, dev, cpu, p->subpage, below(g, 2) ? 0x40 : 0x840, 2);
	} else if (!below(g, 5)) {
		size = 16 << below(g, 6); /* a small header or descriptor */
		off = below(g, (PAGE - size) / 8) * 8;
		op_map_single(g, dev, cpu, size, off, 1);
	} else {
		op_map_single(g, dev, cpu, PAGE << below(g, p->max_order + 1), 0, below(g, 3));
	}
}

static uint32_t random_dev(struct gt *g, bool single)
{
	uint32_t d = below(g, g->ndevs), i;

	for (i = 0; i < g->ndevs; i++, d = (d + 1) % g->ndevs)
		if (g->devs[d].prof && (!single || g->devs[d].single))
			return d;
	return 0; /* topology() makes sure there is one */
}

/* One step of steady traffic: map while below --live, else unmap a random handle. */
void gt_traffic(struct gt *g)
{
	uint32_t unpinned = g->nh - g->npinned, i, tries;
	bool map = !unpinned || below(g, 100) < (unpinned < g->o.live ? 65u : 35u);
	const struct gt_handle *h;

	if (g->nh + SG_MAX >= g->hcap)
		map = false;
	for (tries = 0; !map && tries < 64; tries++) {
		i = below(g, g->nh);
		if (g->h[i].pinned)
			continue;
		gt_op_begin(g);
		op_unmap(g, i, pick_cpu(g), false);
		return;
	}
	h = g->nh ? &g->h[below(g, g->nh)] : NULL;
	if (h && h->kind == K_SINGLE && h->dir == 2 && g->devs[h->dev].prof->sync > below(g, 100)) {
		gt_op_begin(g);
		op_sync(g, h, pick_cpu(g));
	} else {
		op_map_any(g, random_dev(g, false));
	}
}

/* The driver's long-lived rings (descriptor queues) at probe time. */
void gt_probe(struct gt *g, uint32_t dev, uint32_t proc)
{
	static const uint32_t sizes[] = {4096, 6726, 8192, 16384};
	struct gt_handle *h;
	uint32_t i;

	for (i = 0; i < g->devs[dev].prof->rings; i++) {
		gt_op_begin(g);
		h = op_alloc(g, dev, pick_cpu(g), proc, sizes[below(g, ARRAY_SIZE(sizes))]);
		if (h) {
			h->pinned = 1;
			g->npinned++;
		}
	}
}

/* The driver lets go of everything (unbind). */
static void drain(struct gt *g, uint32_t dev)
{
	uint32_t i = 0;

	while (i < g->nh && !g->err) {
		if (g->h[i].dev != dev) {
			i++;
			continue;
		}
		gt_op_begin(g);
		op_unmap(g, i, pick_cpu(g), true);
	}
}

/* ---- defects and episodes ---- */

static void expect(struct gt *g, struct gt_item *it, const char *type, const char *sev,
		   bool has_iova, uint64_t iova, uint64_t size)
{
	if (it->nf < ARRAY_SIZE(it->f))
		it->f[it->nf++] =
			(struct gt_finding){type, sev, it->dev, has_iova, iova, size, g->ts};
}

/* The IOMMU API's map and unmap, by a process in its own domain (no dma event). */
static void user_map(struct gt *g, uint32_t cpu, uint32_t proc, uint64_t iova, uint64_t size)
{
	gt_op_begin(g);
	gt_emit_map(g, cpu, proc, CTX_PROC, iova, PHYS_BASE * 64 + ((g->chunk++ & 0xffff) << 21),
		    size);
}

static void user_unmap(struct gt *g, uint32_t cpu, uint32_t proc, uint64_t iova, uint64_t size,
		       uint64_t unmapped)
{
	gt_op_begin(g);
	gt_emit_unmap(g, cpu, proc, CTX_PROC, iova, size, unmapped);
}

/* What a buggy IOMMU-API user (a module like the defects capture's) does in its domain. */
static void user_defect(struct gt *g, struct gt_item *it, uint32_t cpu, uint32_t proc)
{
	const uint64_t x = 0x1000000, y = 0x3000000, s = 0x400000, sp = 0x200000;
	uint64_t size;

	switch (it->type) {
	case D_LEAK: /* found when the domain is left: episode() sets the ts */
		size = PAGE << below(g, 5);
		user_map(g, cpu, proc, x, size);
		expect(g, it, "leak", "error", true, x, size);
		break;
	case D_DOUBLE_UNMAP: /* VT-d reports the full size for the second one */
		user_map(g, cpu, proc, x, 2 * PAGE);
		user_unmap(g, cpu, proc, x, 2 * PAGE, 2 * PAGE);
		user_unmap(g, cpu, proc, x, 2 * PAGE, 2 * PAGE);
		expect(g, it, "double_unmap", "error", true, x, 2 * PAGE);
		break;
	case D_UNMATCHED: /* a hole in a populated 1 GiB region: VT-d reports 2 MiB */
		user_unmap(g, cpu, proc, y, PAGE, sp);
		expect(g, it, "unmap_size_mismatch", "warning", true, y, PAGE);
		expect(g, it, "unmatched_unmap", "error", true, y, PAGE);
		break;
	case D_OVERLAP: /* VT-d WARNs ("PTE already set") but the map is traced */
		user_map(g, cpu, proc, x, 2 * PAGE);
		user_map(g, cpu, proc, x + PAGE, PAGE);
		expect(g, it, "overlapping_map", "error", true, x + PAGE, PAGE);
		user_unmap(g, cpu, proc, x, 2 * PAGE, 2 * PAGE);
		break;
	case D_SIZE_MISMATCH: /* 4 KiB of a superpage: VT-d unmaps all 2 MiB */
		user_map(g, cpu, proc, s, sp);
		user_unmap(g, cpu, proc, s, PAGE, sp);
		expect(g, it, "unmap_size_mismatch", "warning", true, s, PAGE);
		/* so the rest was unmapped already (VT-d says 2 MiB again: a level
		 * with nothing in it) */
		user_unmap(g, cpu, proc, s + PAGE, sp - PAGE, sp);
		expect(g, it, "unmap_size_mismatch", "warning", true, s + PAGE, sp - PAGE);
		expect(g, it, "double_unmap", "error", true, s + PAGE, sp - PAGE);
		break;
	case D_PARTIAL: /* more than was mapped */
		user_map(g, cpu, proc, x, PAGE);
		user_unmap(g, cpu, proc, x, 2 * PAGE, 2 * PAGE);
		expect(g, it, "partial_unmap", "warning", true, x, 2 * PAGE);
		break;
	default:
		break;
	}
}

/* VFIO: blocking, VFIO, blocking, default domain; the container goes away in between. */
static void vfio_body(struct gt *g, uint32_t dev, uint32_t cpu, uint32_t proc)
{
	uint32_t n = 2 + below(g, 7), i;

	gt_op_begin(g);
	gt_emit_dev(g, GT_ATTACH, cpu, proc, dev);
	user_map(g, cpu, proc, 0, 2 * PAGE); /* VFIO probes the page sizes at IOVA 0 */
	user_unmap(g, cpu, proc, 0, PAGE, PAGE);
	user_unmap(g, cpu, proc, PAGE, PAGE, PAGE);
	for (i = 0; i < n; i++) /* guest RAM */
		user_map(g, cpu, proc, i * 0x200000ull, 0x200000);
	user_unmap(g, cpu, proc, 0, 0x200000, 0x200000);
	gt_op_begin(g);
	gt_emit_dev(g, GT_ATTACH, cpu, proc, dev);
	for (i = 1; i < n; i++)
		user_unmap(g, cpu, proc, i * 0x200000ull, 0x200000, 0x200000);
}

/* A device of a group of its own leaves its DMA domain for a process's domain and comes back. */
static void episode(struct gt *g, struct gt_item *it, uint32_t proc)
{
	uint32_t dev = random_dev(g, true), cpu;
	struct gt_handle *h, kept = {0};

	it->dev = dev;
	drain(g, dev);
	if (it->type == D_API_LEAK) { /* one mapping the driver forgets */
		gt_op_begin(g);
		h = op_map_single(g, dev, pick_cpu(g), PAGE, 0, 1);
		if (!h)
			return;
		kept = *h;
		handle_drop(g, h - g->h, true);
	}
	cpu = below(g, g->o.cpus);
	gt_op_begin(g);
	gt_emit_dev(g, GT_ATTACH, cpu, proc, dev);
	if (it->type == D_API_LEAK)
		expect(g, it, "dma_api_leak", "error", true, kept.iova, kept.size);
	if (it->type == D_VFIO) {
		vfio_body(g, dev, cpu, proc);
	} else {
		user_map(g, cpu, proc, 0x100000, PAGE);
		user_map(g, cpu, proc, 0x200000, 16 * PAGE);
		user_defect(g, it, cpu, proc);
		user_unmap(g, cpu, proc, 0x100000, PAGE, PAGE);
		user_unmap(g, cpu, proc, 0x200000, 16 * PAGE, 16 * PAGE);
	}
	gt_op_begin(g);
	gt_emit_dev(g, GT_ATTACH, cpu, proc, dev);
	if (it->type == D_LEAK)
		it->f[0].ts = g->ts;
	gt_probe(g, dev, g->p_reprobe);
}

/* DMA-API misuse by a driver, in its DMA domain, and a fault. */
static void dma_defect(struct gt *g, struct gt_item *it)
{
	uint32_t dev = random_dev(g, false), cpu = pick_cpu(g);
	const struct gt_dev *d = &g->devs[dev];
	struct gt_handle *h = NULL, c;
	struct gt_event e;

	it->dev = dev;
	gt_op_begin(g);
	switch (it->type) {
	case D_FAULT: /* report_iommu_fault(): often right after an unmap (use after unmap) */
		gt_ev(&e, GT_FAULT, cpu, g->p_idle, CTX_HARDIRQ);
		e.dev = d->name;
		e.drv = d->prof->driver;
		e.iova = d->last_unmapped ? d->last_unmapped : 0xdead000;
		e.fflags = below(g, 2);
		gt_emit(g, &e);
		expect(g, it, "io_page_fault", "error", true, e.iova, 0);
		return;
	case D_API_ERROR: /* the IOVA allocation failed: no iommu event, DMA_MAPPING_ERROR */
		gt_ev(&e, GT_MAP_PAGE, cpu, d->proc, d->prof->map_ctx);
		e.dev = d->name;
		e.phys = phys_of(g->chunk++);
		e.dma = DMA_MAPPING_ERROR;
		e.size = 65536;
		e.dir = 2;
		gt_emit(g, &e);
		expect(g, it, "dma_api_error", "warning", false, 0, e.size);
		return;
	case D_API_TYPE: /* dma_unmap_page() of a dma_alloc() buffer */
		h = op_alloc(g, dev, cpu, d->proc, 8192);
		break;
	default:
		h = op_map_single(g, dev, cpu, it->type == D_API_SIZE ? 1522 : PAGE,
				  it->type == D_API_SIZE ? 0x40 : 0, it->type == D_API_DIR ? 1 : 0);
		break;
	}
	if (!h)
		return;
	c = *h;
	handle_drop(g, h - g->h, false);
	gt_op_begin(g);
	if (it->type == D_API_DOUBLE) { /* 6.12: no second iommu unmap, dma-iommu WARNs */
		op_unmap_single(g, &c, cpu, d->proc, CTX_PROC, c.size, c.dir);
		gt_op_begin(g);
		gt_ev(&e, GT_UNMAP_PAGE, cpu, d->proc, CTX_PROC);
		e.dev = d->name;
		e.dma = c.iova;
		e.size = c.size;
		e.dir = c.dir;
		gt_emit(g, &e);
		expect(g, it, "dma_api_double_unmap", "error", true, c.iova, c.size);
	} else if (it->type == D_API_SIZE) { /* still within the page: the same iommu unmap */
		op_unmap_single(g, &c, cpu, d->proc, CTX_PROC, 2048, c.dir);
		expect(g, it, "dma_api_size_mismatch", "error", true, c.iova + c.off, 2048);
	} else if (it->type == D_API_TYPE) {
		op_unmap_single(g, &c, cpu, d->proc, CTX_PROC, c.size, 0);
		expect(g, it, "dma_api_type_mismatch", "error", true, c.iova, c.size);
	} else { /* D_API_DIR: mapped TO_DEVICE, unmapped FROM_DEVICE */
		op_unmap_single(g, &c, cpu, d->proc, CTX_PROC, c.size, 2);
		expect(g, it, "dma_api_dir_mismatch", "error", true, c.iova, c.size);
	}
}

void gt_run_item(struct gt *g, struct gt_item *it)
{
	if (it->type < D_FAULT || it->type == D_VFIO)
		episode(g, it, it->proc);
	else
		dma_defect(g, it);
	it->done = true;
}
