/* SPDX-License-Identifier: MIT */
/*
 * A stage: work on the event stream that needs nothing but the stream, so
 * that it can run on the reader's thread before the events are handed over
 * (iorep_input_read_ahead_staged()) as well as in line.  It takes each event
 * in stream order and lets events go, in the order the next step must see
 * them, each with a note of what it decided.
 *
 * The one stage there is, the model's attribution (model-attrib.h), holds
 * iommu map/unmap events back until the dma:* event on their CPU says whose
 * they were.
 */
#ifndef IOREP_STAGE_H
#define IOREP_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "iorep-event.h"

enum iorep_stage_kind {
	IOREP_STAGE_EVENT = 0,	  /* an event that was not held: the model takes it as it is */
	IOREP_STAGE_ATTRIBUTED,	  /* a map/unmap that @device's dma:* event claimed */
	IOREP_STAGE_UNATTRIBUTED, /* a map/unmap that no dma:* event claimed */
	/* a map of a reserved region, 1:1, made for @device's attach right after it */
	IOREP_STAGE_DIRECT,
};

/*
 * What the model reads of a map or unmap event, a third of a struct
 * iorep_event: the stage holds this, and a note of a map or unmap carries
 * it in place of the event.
 */
struct iorep_mapev {
	enum iorep_etype type;
	int32_t cpu;
	int32_t pid;
	uint32_t have;
	int32_t tgid;
	uint32_t ctx;
	uint64_t ts;
	uint64_t pos;
	const char *comm;
	uint64_t iova;
	uint64_t paddr;
	uint64_t size;
	uint64_t unmapped_size;
};

/*
 * @ev was most often just written, field by field, by a reader: each field
 * is read on its own (volatile), as wide as it was stored.  The compiler
 * would otherwise read two at a time with one 16-byte load, which cannot be
 * forwarded from two stores still on their way to the cache and waits for
 * them (perf: 59% of the attribution stage's hold() on one such load).
 */
static inline void iorep_mapev_of(struct iorep_mapev *mv, const struct iorep_event *ev)
{
	const volatile struct iorep_event *v = ev;

	*mv = (struct iorep_mapev){
		.type = v->type,
		.cpu = v->cpu,
		.pid = v->pid,
		.have = v->have,
		.tgid = v->tgid,
		.ctx = v->ctx,
		.ts = v->ts,
		.pos = v->pos,
		.comm = v->comm,
		.iova = v->iova,
		.paddr = v->paddr,
		.size = v->size,
		.unmapped_size = v->unmapped_size,
	};
}

struct iorep_stage_note {
	/* the events taken so far, the last one included, and their first and
	 * last timestamps (UINT64_MAX and 0 before the first) */
	uint64_t events;
	uint64_t first_ts, last_ts;
	/* the device of the dma:* event (or attach) that let the map/unmap go, or NULL */
	const char *device;
	uint32_t kind; /* enum iorep_stage_kind */
	/* the map or unmap, for every kind but IOREP_STAGE_EVENT */
	struct iorep_mapev map;
};

/*
 * A run of what a stage let go, handed over at once (iorep_input_next_batch()):
 * @n notes in order; each note of kind IOREP_STAGE_EVENT goes with the next
 * of the @nev events at @evs.
 */
struct iorep_stage_batch {
	const struct iorep_stage_note *notes;
	const struct iorep_event *evs;
	uint32_t n, nev;
};

/*
 * The reader's thread writes what it hands over on another CPU, so each line
 * the model reads of it comes from that CPU's cache.  Asked for a few
 * entries early, while the model works on the one before, the transfers
 * overlap that work.  Hints only: nothing is read.
 */
#define IOREP_STAGE_PREFETCH 4

/* Every cache line of the @len bytes (at least 1) at @p. */
static inline void iorep_stage_prefetch_bytes(const void *p, size_t len)
{
	const char *c = p, *last = c + len - 1;

	for (; c < last; c += 64)
		__builtin_prefetch(c);
	__builtin_prefetch(last);
}

/* Taking note @i of @n: the note IOREP_STAGE_PREFETCH later. */
static inline void iorep_stage_prefetch_notes(const struct iorep_stage_note *notes, uint32_t i,
					      uint32_t n)
{
	if (i + IOREP_STAGE_PREFETCH < n)
		iorep_stage_prefetch_bytes(&notes[i + IOREP_STAGE_PREFETCH], sizeof(*notes));
}

/*
 * Taking event @i of @n: all of a later event, and the arrays of a nearer
 * one (whose pointers have arrived by then).
 */
static inline void iorep_stage_prefetch_events(const struct iorep_event *evs, uint32_t i,
					       uint32_t n)
{
	const struct iorep_event *e;

	if (i + IOREP_STAGE_PREFETCH < n)
		iorep_stage_prefetch_bytes(&evs[i + IOREP_STAGE_PREFETCH], sizeof(*evs));
	if (i + IOREP_STAGE_PREFETCH / 2 < n) {
		e = &evs[i + IOREP_STAGE_PREFETCH / 2];
		if (e->phys_addrs.n)
			__builtin_prefetch(e->phys_addrs.v);
		if (e->dma_addrs.n)
			__builtin_prefetch(e->dma_addrs.v);
	}
}

/*
 * Where a stage lets an event go: @ev with a note of kind IOREP_STAGE_EVENT,
 * else NULL (the note carries the map or unmap).  @ev and @note are valid
 * during the call only.  Returns 0 or a negative IOREP_E* code (or -errno), which the stage
 * returns at once.
 */
typedef int (*iorep_stage_emit_fn)(void *ctx, const struct iorep_event *ev,
				   const struct iorep_stage_note *note);

struct iorep_stage {
	/* takes @ev, the next event of the stream; 0 or a negative code */
	int (*push)(void *self, const struct iorep_event *ev, iorep_stage_emit_fn emit, void *ctx);
	/* the stream has ended: lets every event still held go */
	int (*end)(void *self, iorep_stage_emit_fn emit, void *ctx);
	void *self;
};

#endif
