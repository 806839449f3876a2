/* SPDX-License-Identifier: MIT */
/*
 * What the parts of gen-trace share: the generator's state, the events it
 * writes (gen-event.c: the trace.dat record and the text line of each), the
 * workload (gen-work.c: DMA traffic, defects and episodes), the command
 * line and the outputs (gen-trace.c).
 */
#ifndef GEN_TRACE_H
#define GEN_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gen-dat.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE 4096ull
#define ORDERS 8		/* IOVA sizes 1 << 0 .. 1 << 7 pages */
#define IOVA_TOP 0x100000000ull /* DMA domains allocate below 4 GiB, top down */
#define IOVA_FLOOR 0x1000000ull
#define PHYS_BASE 0x100000000ull
#define CHUNK_SHIFT 16 /* each mapping's pages come from one 64 KiB physical chunk */
#define CHUNK_BITS 22
#define SG_MAX 16
#define MAX_LOST 64

/* The events written (their kernel names: gt_types[]). */
enum gt_type {
	GT_ADD,
	GT_ATTACH,
	GT_MAP,
	GT_UNMAP,
	GT_FAULT,
	GT_MAP_PAGE,
	GT_UNMAP_PAGE,
	GT_MAP_SG,
	GT_UNMAP_SG,
	GT_ALLOC,
	GT_FREE,
	GT_SYNC,
	GT__COUNT
};

struct gt_type_desc {
	const char *system, *name;
	uint16_t data_off, size; /* of the kernel's record: offsetof(__data), sizeof */
};

extern const struct gt_type_desc gt_types[GT__COUNT];

/* Where an event happens: the irq-info column's flags and preempt count. */
enum gt_ctx { CTX_PROC, CTX_IRQOFF, CTX_SOFTIRQ, CTX_HARDIRQ };

/* How a driver uses the DMA API. */
struct gt_profile {
	const char *driver, *comm;	/* dev_driver_string(); the process that submits I/O */
	uint8_t sg, alloc, sync;	/* percent of map operations */
	uint16_t subpage;		/* rx buffers of this size at 0x40/0x840 in a page */
	uint8_t max_order, rings;	/* largest dma_map_page (1 << pages); dma_alloc rings */
	enum gt_ctx map_ctx, unmap_ctx; /* CTX_HARDIRQ unmaps run as <idle>-0 */
};

/* Injected defects, named as iommu-report names its findings (gen-trace.c). */
enum gt_defect_type {
	D_LEAK, /* the first ones happen in a process's own domain (episodes) */
	D_DOUBLE_UNMAP,
	D_UNMATCHED,
	D_OVERLAP,
	D_SIZE_MISMATCH,
	D_PARTIAL,
	D_API_LEAK,
	D_FAULT, /* from here on: in the device's DMA domain */
	D_API_DOUBLE,
	D_API_SIZE,
	D_API_TYPE,
	D_API_DIR,
	D_API_ERROR,
	D__COUNT,
	D_VFIO = D__COUNT /* not a defect: a clean VFIO episode */
};

enum gt_kind { K_SINGLE, K_SG, K_COHERENT };

struct gt_opts {
	uint64_t events, seed;
	uint32_t devices, cpus, live, defects, vfio;
	bool text, v7, ties, stacks;
	const char *compress, *outdir;
	struct gendat_lost lost[MAX_LOST];
	uint32_t nlost;
};

struct gt_proc {
	int32_t pid;
	char comm[16];
};

struct gt_dev {
	char name[16]; /* ssss:bb:dd.f */
	int32_t group;
	unsigned int seg, bus, slot, fn;
	const struct gt_profile *prof; /* NULL: no driver, no traffic */
	uint32_t proc;
	bool single; /* alone in its group */
	uint64_t last_unmapped;
};

struct gt_stack {
	uint64_t *v;
	uint32_t n, cap;
};

/* The IOVA allocator of one group's DMA domain: top down, freed IOVAs reused by size. */
struct gt_dom {
	uint64_t top;
	struct gt_stack free[ORDERS];
	uint32_t stuck; /* mappings never to be unmapped (a DMA-API leak) */
};

/* A live DMA-API mapping. */
struct gt_handle {
	uint64_t iova, chunk, virt;
	uint32_t dev, size;
	uint16_t off, two; /* offset of the DMA address; sg entries of two pages (bits) */
	uint8_t kind, dir, pages, nents, pinned;
};

/* A finding iommu-report must make. */
struct gt_finding {
	const char *type, *severity;
	uint32_t dev;
	bool has_iova;
	uint64_t iova, size, ts;
};

/* A defect or an episode, run once @at events are written. */
struct gt_item {
	uint64_t at;
	enum gt_defect_type type;
	struct gt_finding f[3];
	uint32_t nf, dev, proc; /* proc: of an episode, the process that attaches */
	bool done;
};

struct gt_lost_seen {
	uint32_t cpu;
	uint64_t count, ts;
};

/* One event; which fields count depends on the type. */
struct gt_event {
	enum gt_type type;
	uint32_t cpu, proc, dir, fflags, nents, sglen;
	enum gt_ctx ctx;
	int32_t gid;
	const char *dev, *drv;
	uint64_t iova, paddr, size, unmapped, dma, phys, virt, attrs;
	const uint64_t *physv;
};

struct gt {
	struct gt_opts o;
	uint64_t rng, ts, first_ts, gap, events, counts[GT__COUNT], chunk;
	bool boundary; /* the next event starts an operation */
	struct gt_dev *devs;
	struct gt_dom *doms;
	struct gt_proc *procs;
	uint32_t ndevs, ngroups, nprocs, p_init, p_probe, p_reprobe, p_idle;
	struct gt_handle *h;
	uint32_t nh, hcap, npinned;
	struct gt_item *items;
	uint32_t nitems;
	struct gt_lost_seen lost[MAX_LOST];
	uint32_t nlost;
	int ids[GT__COUNT];
	struct gendat *dat;
	FILE *txt;
	int err; /* the first error (an errno), sticky: later events are dropped */
	const char *what;
	uint8_t rec[4096];
	char line[4096];
	uint64_t physv[SG_MAX];
};

static inline uint64_t rnd(struct gt *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull); /* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint32_t below(struct gt *g, uint32_t n)
{
	return n ? (uint32_t)(rnd(g) % n) : 0;
}

static inline void gt_fail(struct gt *g, int err, const char *what)
{
	if (!g->err) {
		g->err = err;
		g->what = what;
	}
}

/* A 64 KiB physical chunk: an odd multiplier permutes the numbers, live ones never meet. */
static inline uint64_t phys_of(uint64_t chunk)
{
	return PHYS_BASE + (((chunk * 0x9e3779b1ull) & ((1ull << CHUNK_BITS) - 1)) << CHUNK_SHIFT);
}

/* gen-event.c */
void gt_op_begin(struct gt *g);
void gt_ev(struct gt_event *e, enum gt_type t, uint32_t cpu, uint32_t proc, enum gt_ctx ctx);
void gt_emit(struct gt *g, const struct gt_event *e);
void gt_emit_map(struct gt *g, uint32_t cpu, uint32_t proc, enum gt_ctx ctx, uint64_t iova,
		 uint64_t paddr, uint64_t size);
void gt_emit_unmap(struct gt *g, uint32_t cpu, uint32_t proc, enum gt_ctx ctx, uint64_t iova,
		   uint64_t size, uint64_t unmapped);
void gt_emit_dev(struct gt *g, enum gt_type t, uint32_t cpu, uint32_t proc, uint32_t dev);

/* gen-work.c */
/* --stacks (gen-stack.c): the kernel_stack format, the kallsyms (malloc()ed), a stack after @e. */
extern const char gt_stack_format[];
char *gt_kallsyms(void);
void gt_emit_stack(struct gt *g, const struct gt_event *e);

void gt_traffic(struct gt *g);
void gt_probe(struct gt *g, uint32_t dev, uint32_t proc);
void gt_run_item(struct gt *g, struct gt_item *it);

#endif
