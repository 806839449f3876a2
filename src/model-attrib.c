// SPDX-License-Identifier: MIT
/*
 * Attribution of map/unmap to a domain (see model-attrib.h).  Map and unmap
 * events are held per CPU until the next event on that CPU says whose they
 * were.  A held event whose range another CPU's map or unmap touches is
 * processed first, so that two CPUs' events on one range keep their order.
 */
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "model-attrib.h"
#include "model-local.h"

#define ATTRIB_QUEUE_MAX 256	/* maps of one sg list or allocation, held at once */

struct iorep_model_cpu {
	struct iorep_mapev *q;	/* held map/unmap events, in order */
	uint32_t n, cap;
	/* after dma_unmap_sg/dma_free: the unmap that follows is this device's */
	bool claim;
	bool claim_any;		/* dma_unmap_sg: no dma address to match */
	uint32_t claim_dev;
	uint64_t claim_start, claim_end;
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

static struct iorep_model_cpu *cpu_state(struct iorep_model *m, int32_t cpu)
{
	uint32_t c = cpu < 0 ? 0 : (uint32_t)cpu, n;
	struct iorep_model_cpu *p;

	if (c >= 1u << 16)
		return NULL;
	if (c >= m->ncpus) {
		n = c + 1;
		p = realloc(m->cpus, n * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + m->ncpus, 0, (n - m->ncpus) * sizeof(*p));
		m->cpus = p;
		m->ncpus = n;
	}
	return &m->cpus[c];
}

/* A map or unmap nobody claimed: the process that owns a user domain, or the pool. */
static int process_unattributed(struct iorep_model *m, const struct iorep_mapev *ev)
{
	struct iorep_domain *d;
	uint32_t i, k, dom = IOREP_NONE;

	/* user domains only: a machine may have a million DMA domains, VFIO few */
	if (ev->type == IOREP_EV_MAP) {
		for (k = m->nuser_doms; k-- > 0;) {
			i = m->user_doms[k];
			d = &m->domains[i];
			if (d->kind == IOREP_DOM_USER && d->owner_pid == ev->pid && d->attached) {
				dom = i;
				break;
			}
		}
		if (dom == IOREP_NONE && ev->pid > 0)
			dom = iorep_model_user_from_appear(m, ev->pid, ev->comm);
	} else {
		/* an unmap: a user domain of the process that holds the range (it may
		 * have been left: VFIO unmaps at container release), else the one
		 * attached now */
		for (k = m->nuser_doms; k-- > 0;) {
			i = m->user_doms[k];
			d = &m->domains[i];
			if (d->kind != IOREP_DOM_USER || d->owner_pid != ev->pid)
				continue;
			if (iorep_ivmap_overlap_first(&d->live, ev->iova, ev->iova + ev->size)) {
				dom = i;
				break;
			}
			if (d->attached && dom == IOREP_NONE)
				dom = i;
		}
	}
	if (dom != IOREP_NONE) {
		if (ev->type == IOREP_EV_MAP)
			m->stats.pid_maps++;
		else
			m->stats.pid_unmaps++;
	} else {
		dom = iorep_model_pool(m, ev->ts);
		if (dom == IOREP_NONE)
			return m->error;
	}
	return ev->type == IOREP_EV_MAP ? iorep_model_map(m, ev, dom, IOREP_NONE) :
					  iorep_model_unmap(m, ev, dom, IOREP_NONE);
}

static int process_attributed(struct iorep_model *m, const struct iorep_mapev *ev, uint32_t dev)
{
	uint32_t dom;

	/* a dma:* event without a device (a damaged record) names nobody */
	if (dev == IOREP_NONE)
		return process_unattributed(m, ev);
	dom = iorep_model_device_target(m, dev, ev->ts);
	if (dom == IOREP_NONE)
		return m->error ? m->error : process_unattributed(m, ev);
	if (ev->type == IOREP_EV_MAP)
		m->stats.attributed_maps++;
	else
		m->stats.attributed_unmaps++;
	return ev->type == IOREP_EV_MAP ? iorep_model_map(m, ev, dom, dev) :
					  iorep_model_unmap(m, ev, dom, dev);
}

/* Forgets the events @c holds (processed, or given up on an error). */
static void drop_held(struct iorep_model *m, struct iorep_model_cpu *c)
{
	m->nheld -= c->n;
	c->n = 0;
}

static int flush_cpu(struct iorep_model *m, struct iorep_model_cpu *c)
{
	uint32_t i;
	int ret;

	for (i = 0; i < c->n; i++) {
		ret = process_unattributed(m, &c->q[i]);
		if (ret < 0)
			return ret;
	}
	drop_held(m, c);
	return 0;
}

/* Processes held events of other CPUs that touch [iova, iova + size). */
static int flush_conflicts(struct iorep_model *m, struct iorep_model_cpu *self, uint64_t iova,
			   uint64_t size)
{
	uint32_t c, i;

	/* usually each operation's events come together: no other CPU holds any */
	if (m->nheld == self->n)
		return 0;
	for (c = 0; c < m->ncpus; c++) {
		struct iorep_model_cpu *o = &m->cpus[c];

		if (o == self)
			continue;
		for (i = 0; i < o->n; i++)
			if (overlaps(o->q[i].iova, o->q[i].size, iova, size)) {
				int ret = flush_cpu(m, o);

				if (ret < 0)
					return ret;
				break;
			}
	}
	return 0;
}

static int hold(struct iorep_model *m, struct iorep_model_cpu *c, const struct iorep_event *ev)
{
	struct iorep_mapev *q;
	int ret;

	if (c->n == ATTRIB_QUEUE_MAX) {
		ret = process_unattributed(m, &c->q[0]);
		if (ret < 0)
			return ret;
		memmove(c->q, c->q + 1, (c->n - 1) * sizeof(*c->q));
		c->n--;
		m->nheld--;
	}
	if (c->n == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 8;

		q = realloc(c->q, cap * sizeof(*q));
		if (!q)
			return m->error = -IOREP_ENOMEM;
		c->q = q;
		c->cap = cap;
	}
	iorep_mapev_of(&c->q[c->n++], ev);
	m->nheld++;
	return 0;
}

/*
 * What the claim reads first, fetched at once so that the waits overlap: the
 * slots of the held events' ranges in the device's domain, and of the dma
 * address in its DMA-API handles (iorep_check_dma_event() looks it up next).
 */
static void claim_prefetch(const struct iorep_model *m, const struct iorep_model_cpu *c,
			   const struct iorep_event *ev, uint32_t dev, enum iorep_etype want)
{
	uint32_t i, dom;

	if (dev == IOREP_NONE)
		return;
	iorep_ivmap_prefetch(&m->devices[dev].dma_live, ev->dma_addr);
	dom = iorep_model_device_domain(m, dev);
	if (dom == IOREP_NONE)
		return;
	for (i = 0; i < c->n; i++)
		if (c->q[i].type == want)
			iorep_ivmap_prefetch(&m->domains[dom].live, c->q[i].iova);
	for (i = 0; i < c->n; i++)
		if (c->q[i].type == want)
			iorep_ivmap_prefetch_node(&m->domains[dom].live, c->q[i].iova);
	iorep_ivmap_prefetch_node(&m->devices[dev].dma_live, ev->dma_addr);
}

/*
 * The held events of CPU @c that a dma:* event of @dev claims (maps for a
 * map, unmaps for an unmap, overlapping one of its ranges) are processed as
 * the device's, the others as unattributed, in their order.
 */
static int claim_held(struct iorep_model *m, struct iorep_model_cpu *c, const struct iorep_event *ev,
		      uint32_t dev, enum iorep_etype want)
{
	const struct iorep_mapev *h;
	uint32_t i, k;
	bool mine;
	int ret;

	claim_prefetch(m, c, ev, dev, want);
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
		ret = mine ? process_attributed(m, h, dev) : process_unattributed(m, h);
		if (ret < 0)
			return ret;
	}
	drop_held(m, c);
	return 0;
}

int iorep_attrib_feed(struct iorep_model *m, const struct iorep_event *ev)
{
	const struct iorep_event_desc *d = iorep_event_desc(ev->type);
	struct iorep_model_cpu *c = cpu_state(m, ev->cpu);
	struct iorep_mapev mv;
	uint32_t dev = IOREP_NONE;
	uint32_t i;
	int ret;

	if (!c)
		return m->error = -IOREP_ENOMEM;
	/* the dma:* events are the classes from IOREP_C_DMA_MAP to IOREP_C_DMA_SYNC_SG */
	if (d->cls >= IOREP_C_DMA_MAP && d->cls <= IOREP_C_DMA_SYNC_SG &&
	    iorep_event_has(ev, IOREP_F_DEVICE)) {
		dev = iorep_model_device_get(m, ev->device);
		if (dev == IOREP_NONE)
			return m->error;
	}
	switch (d->cls) {
	case IOREP_C_MAP:
		ret = flush_conflicts(m, c, ev->iova, ev->size);
		if (ret < 0)
			return ret;
		c->claim = false;
		ret = hold(m, c, ev);
		return ret < 0 ? ret : 1;
	case IOREP_C_UNMAP:
		ret = flush_conflicts(m, c, ev->iova, ev->size);
		if (ret < 0)
			return ret;
		if (c->claim && (c->claim_any || overlaps(ev->iova, ev->size, c->claim_start,
							   c->claim_end - c->claim_start))) {
			/* one iommu unmap per dma_unmap_sg or dma_free: the claim ends
			 * with it, and an unmap after it waits for its own dma_* event */
			c->claim = false;
			ret = flush_cpu(m, c);
			if (ret == 0) {
				iorep_mapev_of(&mv, ev);
				ret = process_attributed(m, &mv, c->claim_dev);
			}
			return ret < 0 ? ret : 1;
		}
		c->claim = false;
		ret = hold(m, c, ev);
		return ret < 0 ? ret : 1;
	case IOREP_C_DMA_MAP:
	case IOREP_C_DMA_MAP_SG:
	case IOREP_C_DMA_ALLOC:
	case IOREP_C_DMA_ALLOC_SGT:
		c->claim = false;
		return claim_held(m, c, ev, dev, IOREP_EV_MAP);
	case IOREP_C_DMA_UNMAP:
		c->claim = false;
		return claim_held(m, c, ev, dev, IOREP_EV_UNMAP);
	case IOREP_C_DMA_UNMAP_SG:
	case IOREP_C_DMA_FREE:
	case IOREP_C_DMA_FREE_SGT:
		ret = flush_cpu(m, c);
		if (ret < 0)
			return ret;
		c->claim = true;
		c->claim_dev = dev;
		c->claim_any = d->cls == IOREP_C_DMA_UNMAP_SG;
		c->claim_start = ev->dma_addr;
		c->claim_end = ev->dma_addr + (ev->size ? ev->size : 1);
		return 0;
	case IOREP_C_GROUP_ADD:
	case IOREP_C_GROUP_REMOVE:
	case IOREP_C_ATTACH:
	case IOREP_C_DETACH:
		/* a domain change: every held map/unmap happened before it */
		for (i = 0; i < m->ncpus; i++) {
			m->cpus[i].claim = false;
			ret = flush_cpu(m, &m->cpus[i]);
			if (ret < 0)
				return ret;
		}
		return 0;
	default:
		c->claim = false;
		ret = flush_cpu(m, c);
		return ret < 0 ? ret : 0;
	}
}

int iorep_attrib_flush_all(struct iorep_model *m)
{
	uint32_t i;
	int ret;

	for (i = 0; i < m->ncpus; i++) {
		ret = flush_cpu(m, &m->cpus[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void iorep_attrib_release(struct iorep_model *m)
{
	uint32_t i;

	for (i = 0; i < m->ncpus; i++)
		free(m->cpus[i].q);
	free(m->cpus);
	m->cpus = NULL;
	m->ncpus = 0;
}
