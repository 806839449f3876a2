/* SPDX-License-Identifier: MIT */
/* What the model's modules (model*.c, check-*.c, finding.c) share. */
#ifndef IOREP_MODEL_LOCAL_H
#define IOREP_MODEL_LOCAL_H

#include "iorep-model.h"
#include "iorep-stage.h"

/*
 * Records a finding triggered by @ev (may be NULL: then @ts is used).  The
 * message is printf-formatted.  Past IOREP_FINDINGS_PER_TYPE findings of
 * @type it is only counted (m->nfindings does not grow: compare it before
 * and after to know).  Returns 0 or -IOREP_ENOMEM (also sticky in
 * m->error).
 */
int iorep_model_add_finding(struct iorep_model *m, enum iorep_finding_type type,
			    const struct iorep_event *ev, uint64_t ts, uint32_t device,
			    uint32_t domain, bool has_iova, uint64_t iova, uint64_t size,
			    const char *fmt, ...) __attribute__((format(printf, 10, 11)));

/*
 * Finding @idx of @type (m->nfindings before iorep_model_add_finding()) is
 * of mapping @n: if it was listed and not only counted, its age at @now and
 * the stack of its map; it rests on that map (iorep_model_finding_since()).
 */
void iorep_model_finding_of_map(struct iorep_model *m, uint32_t idx,
				enum iorep_finding_type type, const struct iorep_ivmap_node *n,
				uint64_t now);

/*
 * The large page unmap @ev took, as AMD-Vi and VT-d clear one: when the
 * driver's unmapped_size is a power of two larger than the request, and
 * the aligned page of that size holds the whole request, true with the
 * page's start in *@page.
 */
static inline bool iorep_unmap_page(const struct iorep_mapev *ev, uint64_t *page)
{
	uint64_t us = ev->unmapped_size;

	if (!(ev->have & 1u << IOREP_F_UNMAPPED_SIZE) || us <= ev->size || (us & (us - 1)))
		return false;
	*page = ev->iova & ~(us - 1);
	return ev->iova - *page + ev->size <= us;
}

/*
 * Finding @idx of @type, resting on an event at @since (given to
 * iorep_model_finding_since() already), counts as info: what the trace
 * cannot tell from something the kernel does by design.
 */
void iorep_model_finding_as_info(struct iorep_model *m, uint32_t idx,
				 enum iorep_finding_type type, uint64_t since);


/*
 * Stack traces (model-stack.c).  iorep_model_stack() takes a stack event
 * (0 or -IOREP_ENOMEM); iorep_model_stack_at() is the stack of the event at
 * input position @pos, if known, else NULL; iorep_model_stack_finding()
 * gives @f, just made by @ev, @ev's stack when its stack is its event's.
 */
int iorep_model_stack(struct iorep_model *m, const struct iorep_event *ev);
const char *iorep_model_stack_at(const struct iorep_model *m, uint64_t pos);
void iorep_model_stack_finding(struct iorep_model *m, struct iorep_finding *f,
			       const struct iorep_event *ev);
/* The map or unmap at @pos, which the stage held back, is being applied now. */
void iorep_model_stack_applied(struct iorep_model *m, uint64_t pos);
void iorep_model_stacks_release(struct iorep_model *m);

/* Returns the device's index, adding it (group unknown) when new; IOREP_NONE on ENOMEM. */
uint32_t iorep_model_device_lookup(struct iorep_model *m, const char *name);

/*
 * iorep_model_device_get()'s usual case, inline: every dma:* event is looked
 * up twice (attribution, DMA-API checks), by a name interned in m->st, so
 * the address of the name finds the device without hashing the text.  An
 * entry is right when the device's own name is that address, so a stale
 * or zeroed one only misses.
 */
static inline uint32_t *iorep_model_dev_hint(struct iorep_model *m, const char *name)
{
	return &m->dev_cache[(uint64_t)(uintptr_t)name * UINT64_C(0x9e3779b97f4a7c15) >> 32 &
			     (IOREP_DEV_CACHE - 1)];
}

static inline uint32_t iorep_model_device_get(struct iorep_model *m, const char *name)
{
	uint32_t i = *iorep_model_dev_hint(m, name);

	if (i < m->ndevices && m->devices[i].name == name)
		return i;
	return iorep_model_device_lookup(m, name);
}

/* Adds a domain; returns its index or IOREP_NONE on ENOMEM. */
uint32_t iorep_model_domain_new(struct iorep_model *m, enum iorep_domain_kind kind, int32_t group,
				uint64_t ts);

/* The device's DMA domain: its group's, or one of its own while the group is unknown. */
uint32_t iorep_model_dma_domain(struct iorep_model *m, uint32_t dev, uint64_t ts);

/*
 * The domain a device's DMA traffic goes to now: its current epoch's, or
 * its DMA domain (opening an implicit epoch) when it has none yet.
 */
uint32_t iorep_model_device_target(struct iorep_model *m, uint32_t dev, uint64_t ts);
/* @dev's driver used the DMA API (see model.c): its user domain was a default one. */
void iorep_model_driver_dma(struct iorep_model *m, uint32_t dev, enum iorep_domain_kind kind);

/*
 * @dev's driver had a DMA-API handle whose DMA address is its physical
 * address, with no IOMMU map: if @dev is in a default DMA domain that has
 * mapped nothing, that domain is identity (passthrough).
 */
void iorep_model_dma_direct(struct iorep_model *m, uint32_t dev);

/*
 * Finding @f against m->complete_from: before it, or resting on an event
 * before it (f->since), suspected; resting on one, info (see finding.c).
 */
void iorep_model_window(struct iorep_model *m, struct iorep_finding *f);

/* Converts a device's "appeared" epoch into a user domain of @pid (see attrib). */
uint32_t iorep_model_user_from_appear(struct iorep_model *m, int32_t pid, const char *comm);

/*
 * Unmapped history: the dead nodes of every domain's and device's map
 * together stay below IOREP_HISTORY_MAX (about 24 MB).  Call this after
 * making a dead node; when the budget is reached, dead nodes older than the
 * previous sweep are dropped, and all of them if that is not enough.  A
 * double unmap whose first unmap was dropped then looks never mapped.
 */
#define IOREP_HISTORY_MAX (1u << 18)
void iorep_model_history_note(struct iorep_model *m);

/* Appends @v to the uint32_t array *@list; 0, or m->error set (ENOMEM, ELIMIT). */
int iorep_model_list_add(struct iorep_model *m, uint32_t **list, uint32_t *n, uint32_t *cap,
			 uint32_t v);

/* The pool of unattributed mappings (created on first use). */
uint32_t iorep_model_pool(struct iorep_model *m, uint64_t ts);

/* The event @mv came from, as far as it holds it (for a finding). */
static inline void iorep_mapev_event(const struct iorep_mapev *mv, struct iorep_event *ev)
{
	*ev = (struct iorep_event){
		.type = mv->type, .cpu = mv->cpu, .pid = mv->pid, .have = mv->have,
		.tgid = mv->tgid, .ctx = mv->ctx,
		.ts = mv->ts, .pos = mv->pos, .comm = mv->comm, .iova = mv->iova,
		.paddr = mv->paddr, .size = mv->size, .unmapped_size = mv->unmapped_size,
	};
}

/*
 * Adds [@start, @end) with *@val to @map, a dead node when @dead: into
 * @spare, a node of @map the caller was about to remove, when there is one
 * (@alone: the caller's walk has left it alone on the range, so its
 * neighbours need no look: iorep_ivmap_reset_sole()), else as a new node.
 * NULL when there is no memory.
 */
static inline struct iorep_ivmap_node *iorep_model_place(struct iorep_ivmap *map,
							 struct iorep_ivmap_node *spare, bool alone,
							 uint64_t start, uint64_t end,
							 const struct iorep_ivmap_val *val, int dead)
{
	if (spare && alone)
		return iorep_ivmap_reset_sole(map, spare, start, end, val, dead);
	if (spare)
		return iorep_ivmap_reset(map, spare, start, end, val, dead);
	return dead ? iorep_ivmap_insert_dead(map, start, end, val) :
		      iorep_ivmap_insert(map, start, end, val);
}

/*
 * model-owner.c: a map or unmap the attribution stage let go, @claimed by
 * device @dev (IOREP_NONE: a dma:* event without a device) or by none, into
 * the domain it belongs to.  0 or a negative IOREP_E* code.
 */
int iorep_model_take_mapev(struct iorep_model *m, const struct iorep_mapev *ev, bool claimed,
			   uint32_t dev);

/*
 * model-owner.c: a direct map the stage let go (IOREP_STAGE_DIRECT) for the
 * attach of device @dev: into its group's DMA domain, or taken as one
 * nobody claimed when its group is not known yet.
 */
int iorep_model_take_direct(struct iorep_model *m, const struct iorep_mapev *ev, uint32_t dev);

/* Lets every map/unmap that iorep_model_feed()'s stage holds back go into the model. */
int iorep_model_flush_held(struct iorep_model *m);

/* val.flags of a domain's mapping: a reserved region's, mapped 1:1 before an attach */
#define IOREP_MAP_DIRECT 1u
/* iorep_model_map() of a mapping moved from another domain: counted when it was made */
#define IOREP_MAP_MOVED 2u
/* made in atomic context (IOREP_CTX_ATOMIC): no user domain's */
#define IOREP_MAP_ATOMIC 4u

/* check-iova.c: mappings of one domain; @flags the new mapping's val.flags. */
int iorep_model_map(struct iorep_model *m, const struct iorep_mapev *ev, uint32_t dom,
		    uint32_t dev, uint32_t flags);
int iorep_model_unmap(struct iorep_model *m, const struct iorep_mapev *ev, uint32_t dom,
		      uint32_t dev);
int iorep_check_fault(struct iorep_model *m, const struct iorep_event *ev);

/* check-dma.c: the DMA API of one device. */
int iorep_check_dma_event(struct iorep_model *m, const struct iorep_event *ev);
void iorep_check_dma_leaving(struct iorep_model *m, uint32_t dev, const struct iorep_event *ev);

/* check-life.c: domains left, groups split, what is live at the end. */
void iorep_check_domain_left(struct iorep_model *m, uint32_t dom, uint32_t dev, uint64_t ts);
void iorep_model_mark_group_dirty(struct iorep_model *m, int32_t group);
void iorep_check_groups(struct iorep_model *m);
void iorep_check_finish(struct iorep_model *m);


#endif
