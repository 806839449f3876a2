// SPDX-License-Identifier: MIT
/*
 * The attribution stage (see model-attrib.h).  Map and unmap events are held
 * per CPU until the next event on that CPU says whose they were.  A held
 * event whose range another CPU's map or unmap touches is let go first, so
 * that two CPUs' events on one range keep their order.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "model-attrib.h"

#define ATTRIB_QUEUE_MAX 256 /* maps of one sg list or allocation, held at once */

struct attrib_cpu {
	struct iorep_mapev *q; /* held map/unmap events, in order */
	uint32_t n, cap;
	/* after dma_unmap_sg/dma_free: the unmap that follows is this device's */
	bool claim;
	bool claim_any; /* dma_unmap_sg: no dma address to match */
	const char *claim_dev;
	uint64_t claim_start, claim_end;
};

struct iorep_attrib {
	struct attrib_cpu *cpus;
	uint32_t ncpus;
	uint32_t nheld;			    /* in all CPUs' queues */
	uint64_t events, first_ts, last_ts; /* of the events taken so far */
	/*
	 * The device of the dma:* event being taken, or NULL: every event it
	 * lets go names it, so that the model meets the device before them.
	 */
	const char *device;
	/* where push() or end() lets events go, during the call */
	iorep_stage_emit_fn emit;
	void *ctx;
};

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	uint64_t aend = a + alen, bend = b + blen;

	if (!alen)
		aend = a + 1;
	if (!blen)
		bend = b + 1;
	return a < bend && b < aend;
}

struct iorep_attrib *iorep_attrib_new(void)
{
	struct iorep_attrib *a = calloc(1, sizeof(*a));

	if (a)
		a->first_ts = UINT64_MAX;
	return a;
}

void iorep_attrib_free(struct iorep_attrib *a)
{
	uint32_t i;

	if (!a)
		return;
	for (i = 0; i < a->ncpus; i++)
		free(a->cpus[i].q);
	free(a->cpus);
	free(a);
}

static struct attrib_cpu *cpu_state(struct iorep_attrib *a, int32_t cpu)
{
	uint32_t c = cpu < 0 ? 0 : (uint32_t)cpu, n;
	struct attrib_cpu *p;

	if (c >= 1u << 16)
		return NULL;
	if (c >= a->ncpus) {
		n = c + 1;
		p = realloc(a->cpus, n * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + a->ncpus, 0, (n - a->ncpus) * sizeof(*p));
		a->cpus = p;
		a->ncpus = n;
	}
	return &a->cpus[c];
}

static void note_of(const struct iorep_attrib *a, struct iorep_stage_note *note, uint32_t kind,
		    const char *device)
{
	note->events = a->events;
	note->first_ts = a->first_ts;
	note->last_ts = a->last_ts;
	note->device = device;
	note->kind = kind;
}

/* Lets @h go, claimed by @device's dma:* event (@kind ATTRIBUTED) or by none. */
static int let_go(struct iorep_attrib *a, const struct iorep_mapev *h, uint32_t kind,
		  const char *device)
{
	struct iorep_stage_note note;

	note_of(a, &note, kind, device);
	note.map = *h;
	return a->emit(a->ctx, NULL, &note);
}

/*
 * Whether held @h is a direct map of the device that @attach (an attach
 * event, or NULL) attaches.  Before it attaches a device to a new DMA
 * domain, the kernel maps the device's reserved regions there 1:1
 * (iommu_create_device_direct_mappings(): VT-d's RMRRs and its ISA range,
 * AMD's unity maps, Arm's RMRs), in the task that attaches it, with no dma:*
 * event.  So: a map of that task (held on any CPU: the task may have moved
 * in between) with an IOVA equal to its physical address.
 */
static bool direct_map(const struct iorep_mapev *h, const struct iorep_event *attach)
{
	return attach && h->type == IOREP_EV_MAP && h->pid == attach->pid &&
	       h->have & 1u << IOREP_F_PADDR && h->iova == h->paddr &&
	       iorep_event_has(attach, IOREP_F_DEVICE);
}

/*
 * Lets every event @c holds go, in order, claimed by no device; but a
 * direct map of @attach's device (@attach an attach event, or NULL) as one.
 */
static int flush_cpu(struct iorep_attrib *a, struct attrib_cpu *c,
		     const struct iorep_event *attach)
{
	const struct iorep_mapev *h;
	uint32_t i;
	int ret;

	for (i = 0; i < c->n; i++) {
		h = &c->q[i];
		ret = direct_map(h, attach) ? let_go(a, h, IOREP_STAGE_DIRECT, attach->device) :
					      let_go(a, h, IOREP_STAGE_UNATTRIBUTED, a->device);
		if (ret < 0)
			return ret;
	}
	a->nheld -= c->n;
	c->n = 0;
	return 0;
}

/* flush_cpu() of every CPU. */
static int flush_all(struct iorep_attrib *a, const struct iorep_event *attach)
{
	uint32_t i;
	int ret;

	for (i = 0; i < a->ncpus; i++) {
		ret = flush_cpu(a, &a->cpus[i], attach);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Lets go the held events of other CPUs that touch [iova, iova + size). */
static int flush_conflicts(struct iorep_attrib *a, struct attrib_cpu *self, uint64_t iova,
			   uint64_t size)
{
	uint32_t c, i;

	/* usually each operation's events come together: no other CPU holds any */
	if (a->nheld == self->n)
		return 0;
	for (c = 0; c < a->ncpus; c++) {
		struct attrib_cpu *o = &a->cpus[c];

		if (o == self)
			continue;
		for (i = 0; i < o->n; i++)
			if (overlaps(o->q[i].iova, o->q[i].size, iova, size)) {
				int ret = flush_cpu(a, o, NULL);

				if (ret < 0)
					return ret;
				break;
			}
	}
	return 0;
}

static int hold(struct iorep_attrib *a, struct attrib_cpu *c, const struct iorep_event *ev)
{
	struct iorep_mapev *q;
	int ret;

	if (c->n == ATTRIB_QUEUE_MAX) {
		ret = let_go(a, &c->q[0], IOREP_STAGE_UNATTRIBUTED, NULL);
		if (ret < 0)
			return ret;
		memmove(c->q, c->q + 1, (c->n - 1) * sizeof(*c->q));
		c->n--;
		a->nheld--;
	}
	if (c->n == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 8;

		q = realloc(c->q, cap * sizeof(*q));
		if (!q)
			return -IOREP_ENOMEM;
		c->q = q;
		c->cap = cap;
	}
	iorep_mapev_of(&c->q[c->n++], ev);
	a->nheld++;
	return 0;
}

/*
 * The held events of CPU @c that a dma:* event of a->device claims (maps for
 * a map, unmaps for an unmap, overlapping one of its ranges) go as the
 * device's, the others as no one's, in their order.
 */
static int claim_held(struct iorep_attrib *a, struct attrib_cpu *c, const struct iorep_event *ev,
		      enum iorep_etype want)
{
	const struct iorep_mapev *h;
	uint32_t i, k;
	bool mine;
	int ret;

	for (i = 0; i < c->n; i++) {
		h = &c->q[i];
		mine = false;
		if (h->type == want) {
			if (ev->dma_addrs.n) {
				for (k = 0; k < ev->dma_addrs.n && !mine; k++)
					mine = overlaps(h->iova, h->size, ev->dma_addrs.v[k],
							k < ev->lengths.n ? ev->lengths.v[k] : 1);
			} else {
				mine = overlaps(h->iova, h->size, ev->dma_addr, ev->size);
			}
		}
		/* the device goes with every one: the model meets it first, as the
		 * dma:* event's own */
		ret = let_go(a, h, mine ? IOREP_STAGE_ATTRIBUTED : IOREP_STAGE_UNATTRIBUTED,
			     a->device);
		if (ret < 0)
			return ret;
	}
	a->nheld -= c->n;
	c->n = 0;
	return 0;
}

/* What to do with @ev: hold it, let it or others go.  1 when @ev was taken. */
static int take(struct iorep_attrib *a, const struct iorep_event *ev)
{
	const struct iorep_event_desc *d = iorep_event_desc(ev->type);
	struct attrib_cpu *c;
	uint32_t i;
	int ret;

	a->device = NULL;
	if (d->cls == IOREP_C_LOST)
		return flush_all(a, NULL); /* what is held back happened before the drop */
	c = cpu_state(a, ev->cpu);
	if (!c)
		return -IOREP_ENOMEM;
	/* the dma:* events are the classes from IOREP_C_DMA_MAP to IOREP_C_DMA_SYNC_SG */
	if (d->cls >= IOREP_C_DMA_MAP && d->cls <= IOREP_C_DMA_SYNC_SG &&
	    iorep_event_has(ev, IOREP_F_DEVICE))
		a->device = ev->device;
	switch (d->cls) {
	case IOREP_C_MAP:
		ret = flush_conflicts(a, c, ev->iova, ev->size);
		if (ret < 0)
			return ret;
		c->claim = false;
		ret = hold(a, c, ev);
		return ret < 0 ? ret : 1;
	case IOREP_C_UNMAP:
		ret = flush_conflicts(a, c, ev->iova, ev->size);
		if (ret < 0)
			return ret;
		if (c->claim && (c->claim_any || overlaps(ev->iova, ev->size, c->claim_start,
							   c->claim_end - c->claim_start))) {
			struct iorep_mapev h;

			/* one iommu unmap per dma_unmap_sg or dma_free: the claim ends
			 * with it, and an unmap after it waits for its own dma_* event */
			c->claim = false;
			ret = flush_cpu(a, c, NULL);
			if (ret == 0) {
				iorep_mapev_of(&h, ev);
				ret = let_go(a, &h, IOREP_STAGE_ATTRIBUTED, c->claim_dev);
			}
			return ret < 0 ? ret : 1;
		}
		c->claim = false;
		ret = hold(a, c, ev);
		return ret < 0 ? ret : 1;
	case IOREP_C_DMA_MAP:
	case IOREP_C_DMA_MAP_SG:
	case IOREP_C_DMA_ALLOC:
	case IOREP_C_DMA_ALLOC_SGT:
		c->claim = false;
		return claim_held(a, c, ev, IOREP_EV_MAP);
	case IOREP_C_DMA_UNMAP:
		c->claim = false;
		return claim_held(a, c, ev, IOREP_EV_UNMAP);
	case IOREP_C_DMA_UNMAP_SG:
	case IOREP_C_DMA_FREE:
	case IOREP_C_DMA_FREE_SGT:
		ret = flush_cpu(a, c, NULL);
		if (ret < 0)
			return ret;
		c->claim = true;
		c->claim_dev = a->device;
		c->claim_any = d->cls == IOREP_C_DMA_UNMAP_SG;
		c->claim_start = ev->dma_addr;
		c->claim_end = ev->dma_addr + (ev->size ? ev->size : 1);
		return 0;
	case IOREP_C_GROUP_ADD:
	case IOREP_C_GROUP_REMOVE:
	case IOREP_C_ATTACH:
	case IOREP_C_DETACH:
		/* a domain change: every held map/unmap happened before it */
		for (i = 0; i < a->ncpus; i++)
			a->cpus[i].claim = false;
		return flush_all(a, d->cls == IOREP_C_ATTACH ? ev : NULL);
	case IOREP_C_FAULT:
		/* a fault is judged on the whole history: this CPU's first */
		c->claim = false;
		ret = flush_cpu(a, c, NULL);
		return ret < 0 ? ret : flush_all(a, NULL);
	default:
		c->claim = false;
		return flush_cpu(a, c, NULL);
	}
}

int iorep_attrib_push(void *self, const struct iorep_event *ev, iorep_stage_emit_fn emit, void *ctx)
{
	struct iorep_attrib *a = self;
	struct iorep_stage_note note;
	int ret;

	a->emit = emit;
	a->ctx = ctx;
	if (ev->type == IOREP_EV_STACK) {
		/*
		 * Not counted, and nothing held is let go for it: it is of an
		 * event before it, its CPU's last, which may be held yet
		 */
		struct iorep_event s = *ev;
		const struct attrib_cpu *c =
			ev->cpu >= 0 && (uint32_t)ev->cpu < a->ncpus ? &a->cpus[ev->cpu] : NULL;

		s.stack_held = c && c->n && c->q[c->n - 1].pos == ev->stack_of;
		note_of(a, &note, IOREP_STAGE_EVENT, NULL);
		return emit(ctx, &s, &note);
	}
	a->events++;
	if (ev->ts < a->first_ts)
		a->first_ts = ev->ts;
	if (ev->ts > a->last_ts || a->last_ts == 0)
		a->last_ts = ev->ts;
	ret = take(a, ev);
	if (ret)
		return ret < 0 ? ret : 0;
	note_of(a, &note, IOREP_STAGE_EVENT, NULL);
	return emit(ctx, ev, &note);
}

int iorep_attrib_end(void *self, iorep_stage_emit_fn emit, void *ctx)
{
	struct iorep_attrib *a = self;

	a->emit = emit;
	a->ctx = ctx;
	a->device = NULL;
	return flush_all(a, NULL);
}
