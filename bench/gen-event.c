// SPDX-License-Identifier: MIT
/*
 * gen-trace's events: each one as the kernel's ring buffer holds it (the
 * record gen-dat.c puts in a page: the fields at the offsets of the 6.12
 * format files, __data_loc strings and arrays at the end) and as
 * /sys/kernel/tracing/trace prints it (the 6.12 print formats, the
 * irq-info column, microseconds rounded as the kernel's ns2usecs() does).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "gen-trace.h"

#define GFP_KERNEL 0xcc0u

/* The kernel's record: where the dynamic data starts (offsetof __data) and sizeof. */
const struct gt_type_desc gt_types[GT__COUNT] = {
	[GT_ADD] = {"iommu", "add_device_to_group", 16, 16},
	[GT_ATTACH] = {"iommu", "attach_device_to_domain", 12, 12},
	[GT_MAP] = {"iommu", "map", 32, 32},
	[GT_UNMAP] = {"iommu", "unmap", 32, 32},
	[GT_FAULT] = {"iommu", "io_page_fault", 28, 32},
	[GT_MAP_PAGE] = {"dma", "dma_map_page", 56, 56},
	[GT_UNMAP_PAGE] = {"dma", "dma_unmap_page", 48, 48},
	[GT_MAP_SG] = {"dma", "dma_map_sg", 48, 48},
	[GT_UNMAP_SG] = {"dma", "dma_unmap_sg", 32, 32},
	[GT_ALLOC] = {"dma", "dma_alloc", 56, 56},
	[GT_FREE] = {"dma", "dma_free", 56, 56},
	[GT_SYNC] = {"dma", "dma_sync_single_for_cpu", 36, 40},
};

static const char *const dir_names[] = {"BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE", "NONE"};

/* trace_flag_type bits and preempt count of each context */
static const uint8_t ctx_flags[] = {0, 0x01, 0x10, 0x09}, ctx_pc[] = {0, 1, 1, 1};

/* A __data_loc field: (length << 16) | offset, the bytes at the end of the record. */
static void put_loc(uint8_t *rec, uint32_t field, uint32_t *dyn, const void *src, uint32_t len)
{
	memcpy(rec + *dyn, src, len);
	put32(rec + field, len << 16 | *dyn);
	*dyn += len;
}

static void put_u64s(uint8_t *rec, uint32_t field, uint32_t *dyn, const uint64_t *v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		put64(rec + *dyn + 8 * i, v[i]);
	put32(rec + field, 8 * n << 16 | *dyn);
	*dyn += 8 * n;
}

static uint32_t encode(struct gt *g, const struct gt_event *e)
{
	const struct gt_type_desc *t = &gt_types[e->type];
	uint32_t dyn = t->data_off, len32 = e->sglen;
	uint8_t *b = g->rec, len4[4];

	memset(b, 0, t->size);
	put16(b, g->ids[e->type]);
	b[2] = ctx_flags[e->ctx];
	b[3] = ctx_pc[e->ctx];
	put32(b + 4, g->procs[e->proc].pid);
	if (e->dev && e->type != GT_FAULT)
		put_loc(b, e->type == GT_ADD ? 12 : 8, &dyn, e->dev, strlen(e->dev) + 1);
	switch (e->type) {
	case GT_ADD:
		put32(b + 8, e->gid);
		break;
	case GT_MAP:
		put64(b + 8, e->iova);
		put64(b + 16, e->paddr);
		put64(b + 24, e->size);
		break;
	case GT_UNMAP:
		put64(b + 8, e->iova);
		put64(b + 16, e->size);
		put64(b + 24, e->unmapped);
		break;
	case GT_FAULT:
		put_loc(b, 8, &dyn, e->dev, strlen(e->dev) + 1);
		put_loc(b, 12, &dyn, e->drv, strlen(e->drv) + 1);
		put64(b + 16, e->iova);
		put32(b + 24, e->fflags);
		break;
	case GT_MAP_PAGE:
		put64(b + 16, e->phys);
		put64(b + 24, e->dma);
		put64(b + 32, e->size);
		put32(b + 40, e->dir);
		put64(b + 48, e->attrs);
		break;
	case GT_UNMAP_PAGE:
		put64(b + 16, e->dma);
		put64(b + 24, e->size);
		put32(b + 32, e->dir);
		put64(b + 40, e->attrs);
		break;
	case GT_MAP_SG:
		put32(b + 12, e->nents);
		put32(b + 16, 1); /* one merged DMA segment */
		put_u64s(b, 24, &dyn, e->physv, e->nents);
		put_u64s(b, 28, &dyn, &e->dma, 1);
		put32(len4, len32);
		put_loc(b, 32, &dyn, len4, 4);
		put32(b + 36, e->dir);
		put64(b + 40, e->attrs);
		break;
	case GT_UNMAP_SG:
		put_u64s(b, 12, &dyn, e->physv, e->nents);
		put32(b + 16, e->dir);
		put64(b + 24, e->attrs);
		break;
	case GT_ALLOC:
	case GT_FREE:
		put64(b + 16, e->virt);
		put64(b + 24, e->dma);
		put64(b + 32, e->size);
		if (e->type == GT_ALLOC)
			put32(b + 40, GFP_KERNEL);
		put32(b + (e->type == GT_ALLOC ? 44 : 40), e->dir);
		put64(b + 48, e->attrs);
		break;
	case GT_SYNC:
		put64(b + 16, e->dma);
		put64(b + 24, e->size);
		put32(b + 32, e->dir);
		break;
	default:
		break;
	}
	return t->size + dyn - t->data_off;
}

struct gt_line {
	char *p;
	size_t n, cap;
};

__attribute__((format(printf, 2, 3))) static void lp(struct gt_line *l, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(l->p + l->n, l->cap - l->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->n = l->n + k < l->cap ? l->n + k : l->cap - 1;
}

static void lp_array(struct gt_line *l, const uint64_t *v, uint32_t n)
{
	uint32_t i;

	lp(l, "{");
	for (i = 0; i < n; i++)
		lp(l, "%s0x%" PRIx64, i ? "," : "", v[i]);
	lp(l, "}");
}

static const char *attrs_name(uint64_t attrs)
{
	return attrs == 1u << 8 ? "NO_WARN" : attrs == 1u << 5 ? "SKIP_CPU_SYNC" : "";
}

/* %p of the kernel's text output: a hashed pointer */
static uint64_t hashed(uint64_t p)
{
	return (p * 0x9e3779b97f4a7c15ull) >> 32;
}

static void text_line(struct gt *g, const struct gt_event *e)
{
	static const char lat[][6] = {".....", "d..1.", "..s1.", "d.h1."};
	const struct gt_proc *pr = &g->procs[e->proc];
	struct gt_line l = {g->line, 0, sizeof(g->line)};
	const char *dir = dir_names[e->dir & 3];
	uint64_t us = (g->ts + 500) / 1000; /* the kernel's ns2usecs() rounds */

	lp(&l, "%16s-%-7d [%03u] %s %5" PRIu64 ".%06" PRIu64 ": %s: ", pr->comm, pr->pid, e->cpu,
	   lat[e->ctx], us / 1000000, us % 1000000, gt_types[e->type].name);
	switch (e->type) {
	case GT_ADD:
		lp(&l, "IOMMU: groupID=%d device=%s", e->gid, e->dev);
		break;
	case GT_ATTACH:
		lp(&l, "IOMMU: device=%s", e->dev);
		break;
	case GT_MAP:
		lp(&l,
		   "IOMMU: iova=0x%016" PRIx64 " - 0x%016" PRIx64 " paddr=0x%016" PRIx64
		   " size=%" PRIu64,
		   e->iova, e->iova + e->size, e->paddr, e->size);
		break;
	case GT_UNMAP:
		lp(&l,
		   "IOMMU: iova=0x%016" PRIx64 " - 0x%016" PRIx64 " size=%" PRIu64
		   " unmapped_size=%" PRIu64,
		   e->iova, e->iova + e->size, e->size, e->unmapped);
		break;
	case GT_FAULT:
		lp(&l, "IOMMU:%s %s iova=0x%016" PRIx64 " flags=0x%04x", e->drv, e->dev, e->iova,
		   e->fflags);
		break;
	case GT_MAP_PAGE:
		lp(&l,
		   "%s dir=%s dma_addr=%" PRIx64 " size=%" PRIu64 " phys_addr=%" PRIx64 " attrs=%s",
		   e->dev, dir, e->dma, e->size, e->phys, attrs_name(e->attrs));
		break;
	case GT_UNMAP_PAGE:
		lp(&l, "%s dir=%s dma_addr=%" PRIx64 " size=%" PRIu64 " attrs=%s", e->dev, dir,
		   e->dma, e->size, attrs_name(e->attrs));
		break;
	case GT_MAP_SG:
		lp(&l,
		   "%s dir=%s nents=%u/%u ents=1/1 dma_addrs={0x%" PRIx64 "} sizes={0x%x} "
		   "phys_addrs=",
		   e->dev, dir, e->nents, e->nents, e->dma, e->sglen);
		lp_array(&l, e->physv, e->nents);
		lp(&l, " attrs=%s", attrs_name(e->attrs));
		break;
	case GT_UNMAP_SG:
		lp(&l, "%s dir=%s phys_addrs=", e->dev, dir);
		lp_array(&l, e->physv, e->nents);
		lp(&l, " attrs=%s", attrs_name(e->attrs));
		break;
	case GT_ALLOC:
	case GT_FREE:
		lp(&l,
		   "%s dir=%s dma_addr=%" PRIx64 " size=%" PRIu64 " virt_addr=%016" PRIx64
		   "%s attrs=%s",
		   e->dev, dir, e->dma, e->size, hashed(e->virt),
		   e->type == GT_ALLOC ? " flags=GFP_KERNEL" : "", attrs_name(e->attrs));
		break;
	case GT_SYNC:
		lp(&l, "%s dir=%s dma_addr=%" PRIx64 " size=%" PRIu64, e->dev, dir, e->dma,
		   e->size);
		break;
	default:
		break;
	}
	lp(&l, "\n");
	if (fputs(g->line, g->txt) == EOF)
		gt_fail(g, errno ? errno : EIO, "writing trace.txt");
}

/* Writes one event g->gap ns after the previous one (0 only between operations, --ties). */
void gt_emit(struct gt *g, const struct gt_event *e)
{
	uint32_t len = encode(g, e);
	int64_t lost;

	if (g->err)
		return;
	g->ts += g->gap;
	g->gap = 150 + below(g, 2500); /* the next event of the same operation */
	lost = gendat_write(g->dat, e->cpu, g->ts, g->rec, len, g->boundary);
	g->boundary = false;
	if (lost < 0) {
		gt_fail(g, (int)-lost, "writing trace.dat");
		return;
	}
	if (lost && g->nlost < MAX_LOST)
		g->lost[g->nlost++] = (struct gt_lost_seen){e->cpu, (uint64_t)lost, g->ts};
	if (g->txt && lost)
		fprintf(g->txt, "CPU:%u [LOST %" PRId64 " EVENTS]\n", e->cpu, lost);
	if (g->txt)
		text_line(g, e);
	if (g->o.stacks)
		gt_emit_stack(g, e);
	if (!g->events++)
		g->first_ts = g->ts;
	g->counts[e->type]++;
}

/*
 * A new operation: a pause first, now and then a long idle one (time
 * extends); with --ties, one in four starts at the time the last one ended.
 */
void gt_op_begin(struct gt *g)
{
	g->boundary = true;
	g->gap = below(g, 20000) ? 1000 + below(g, 40000) : 200000000 + below(g, 1300000000);
	if (g->o.ties && !below(g, 4))
		g->gap = 0;
}

void gt_ev(struct gt_event *e, enum gt_type t, uint32_t cpu, uint32_t proc, enum gt_ctx ctx)
{
	memset(e, 0, sizeof(*e));
	e->type = t;
	e->cpu = cpu;
	e->proc = proc;
	e->ctx = ctx;
}

void gt_emit_map(struct gt *g, uint32_t cpu, uint32_t proc, enum gt_ctx ctx, uint64_t iova,
		 uint64_t paddr, uint64_t size)
{
	struct gt_event e;

	gt_ev(&e, GT_MAP, cpu, proc, ctx);
	e.iova = iova;
	e.paddr = paddr;
	e.size = size;
	gt_emit(g, &e);
}

void gt_emit_unmap(struct gt *g, uint32_t cpu, uint32_t proc, enum gt_ctx ctx, uint64_t iova,
		   uint64_t size, uint64_t unmapped)
{
	struct gt_event e;

	gt_ev(&e, GT_UNMAP, cpu, proc, ctx);
	e.iova = iova;
	e.size = size;
	e.unmapped = unmapped;
	gt_emit(g, &e);
}

void gt_emit_dev(struct gt *g, enum gt_type t, uint32_t cpu, uint32_t proc, uint32_t dev)
{
	struct gt_event e;

	gt_ev(&e, t, cpu, proc, CTX_PROC);
	e.dev = g->devs[dev].name;
	e.gid = g->devs[dev].group;
	gt_emit(g, &e);
}
