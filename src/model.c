// SPDX-License-Identifier: MIT
/*
 * The model's core: devices, groups, domains and each device's timeline of
 * domain epochs, rebuilt from add/remove/attach/detach events.
 *
 * attach_device_to_domain names no domain, so the domain an attach leads
 * to is inferred: a device toggles between its group's DMA domain and a
 * user domain owned by the attaching process (VFIO, iommu_attach_device).
 * An epoch entered by an attach and left by the next attach with no map or
 * unmap in between was a blocking domain (VFIO claims ownership through
 * one) and does not toggle.  See DESIGN.md in docs/ for the captures this
 * was derived from.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "model-attrib.h"
#include "model-local.h"

static int epoch_open(struct iorep_model *m, uint32_t dev, uint32_t dom, uint64_t ts, int32_t pid,
		      uint64_t pos, uint8_t how);

void iorep_model_init(struct iorep_model *m, struct iorep_strtab *st)
{
	memset(m, 0, sizeof(*m));
	m->st = st;
	m->first_ts = UINT64_MAX;
	m->pool = IOREP_NONE;
	m->epoch_gen = 1;
	iorep_index_init(&m->dev_index);
	iorep_index_init(&m->group_index);
}

static void domain_release(struct iorep_domain *d)
{
	iorep_ivmap_release(&d->live);
}

static size_t history_count(const struct iorep_model *m)
{
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < m->ndomains; i++)
		n += iorep_ivmap_dead_count(&m->domains[i].live);
	for (i = 0; i < m->ndevices; i++)
		n += iorep_ivmap_dead_count(&m->devices[i].dma_live);
	return n;
}

static void history_sweep(struct iorep_model *m, uint64_t before_ts)
{
	uint32_t i;

	for (i = 0; i < m->ndomains; i++)
		iorep_ivmap_sweep_dead(&m->domains[i].live, before_ts);
	for (i = 0; i < m->ndevices; i++)
		iorep_ivmap_sweep_dead(&m->devices[i].dma_live, before_ts);
}

void iorep_model_history_note(struct iorep_model *m)
{
	size_t n;

	/* counted again only every IOREP_HISTORY_MAX - n additions: O(1) amortized */
	if (++m->hist_added < IOREP_HISTORY_MAX)
		return;
	n = history_count(m);
	if (n >= IOREP_HISTORY_MAX) {
		history_sweep(m, m->hist_sweep_ts);
		n = history_count(m);
		if (n > IOREP_HISTORY_MAX / 2) {
			history_sweep(m, UINT64_MAX);
			n = 0;
		}
		m->hist_sweep_ts = m->last_ts;
		m->hist_sweeps++;
	}
	m->hist_added = n;
}

void iorep_model_release(struct iorep_model *m)
{
	uint32_t i;

	for (i = 0; i < m->ndevices; i++) {
		free(m->devices[i].epochs);
		iorep_ivmap_release(&m->devices[i].dma_live);
		iorep_ivmap_release(&m->devices[i].sg_by_phys);
	}
	for (i = 0; i < m->ndomains; i++)
		domain_release(&m->domains[i]);
	for (i = 0; i < m->ngroups; i++)
		free(m->groups[i].devices);
	for (i = 0; i < m->nfindings; i++) {
		free(m->findings[i].message);
		free(m->findings[i].history);
	}
	iorep_attrib_free(m->attrib);
	iorep_model_stacks_release(m);
	free(m->devices);
	free(m->domains);
	free(m->groups);
	free(m->findings);
	free(m->cpu_seen);
	free(m->dirty);
	free(m->user_doms);
	free(m->appear);
	iorep_index_release(&m->dev_index);
	iorep_index_release(&m->group_index);
	memset(m, 0, sizeof(*m));
}

int iorep_model_list_add(struct iorep_model *m, uint32_t **list, uint32_t *n, uint32_t *cap,
			 uint32_t v)
{
	uint32_t ncap;
	void *p;

	if (*n == *cap) {
		if (*cap > (UINT32_MAX - 1) / 2)
			return m->error = -IOREP_ELIMIT;
		ncap = *cap ? *cap * 2 : 16;
		p = realloc(*list, (size_t)ncap * sizeof(**list));
		if (!p)
			return m->error = -IOREP_ENOMEM;
		*list = p;
		*cap = ncap;
	}
	(*list)[(*n)++] = v;
	return 0;
}

/* Grows an array of @size-byte items to hold one more; returns 0 or -IOREP_ENOMEM. */
static int grow(void **arr, uint32_t n, uint32_t *cap, size_t size)
{
	uint32_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (*cap > (UINT32_MAX - 1) / 2)
		return -IOREP_ELIMIT;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, (size_t)ncap * size);
	if (!p)
		return -IOREP_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

uint32_t iorep_model_domain_new(struct iorep_model *m, enum iorep_domain_kind kind, int32_t group,
				uint64_t ts)
{
	struct iorep_domain *d;

	if (grow((void **)&m->domains, m->ndomains, &m->domains_cap, sizeof(*d)) < 0) {
		m->error = -IOREP_ENOMEM;
		return IOREP_NONE;
	}
	d = &m->domains[m->ndomains];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->group = group;
	d->owner_pid = -1;
	d->created = ts;
	d->left = IOREP_TS_OPEN;
	d->dev_cache = IOREP_NONE;
	iorep_ivmap_init(&d->live);
	if (kind == IOREP_DOM_USER) {
		if (iorep_model_list_add(m, &m->user_doms, &m->nuser_doms, &m->user_doms_cap,
					 m->ndomains) < 0)
			return IOREP_NONE;
	}
	return m->ndomains++;
}

uint32_t iorep_model_device_find(const struct iorep_model *m, const char *name)
{
	struct iorep_index_iter it;
	uint32_t i;

	for (i = iorep_index_first(&m->dev_index, iorep_index_hash_str(name), &it); i != IOREP_NONE;
	     i = iorep_index_next(&m->dev_index, &it))
		if (m->devices[i].name == name || !strcmp(m->devices[i].name, name))
			return i;
	return IOREP_NONE;
}

uint32_t iorep_model_device_lookup(struct iorep_model *m, const char *name)
{
	/* past the hint that iorep_model_device_get() tried (model-local.h) */
	uint32_t *hint = iorep_model_dev_hint(m, name);
	struct iorep_device *d;
	uint32_t i;
	int ret;

	i = iorep_model_device_find(m, name);
	if (i != IOREP_NONE) {
		*hint = i;
		return i;
	}
	if (grow((void **)&m->devices, m->ndevices, &m->devices_cap, sizeof(*d)) < 0) {
		m->error = -IOREP_ENOMEM;
		return IOREP_NONE;
	}
	d = &m->devices[m->ndevices];
	memset(d, 0, sizeof(*d));
	d->name = iorep_strtab_intern(m->st, name, strlen(name));
	if (!d->name) {
		m->error = -IOREP_ENOMEM;
		return IOREP_NONE;
	}
	d->is_pci = iorep_pci_name_is_pci(&d->addr, name, strlen(name));
	d->group = -1;
	d->own_domain = IOREP_NONE;
	iorep_ivmap_init(&d->dma_live);
	iorep_ivmap_init(&d->sg_by_phys);
	if (m->ndevices >= IOREP_DEVICES_MAX) {
		m->error = -IOREP_ELIMIT;
		m->limit = "devices";
		m->limit_max = IOREP_DEVICES_MAX;
		return IOREP_NONE;
	}
	ret = iorep_index_add(&m->dev_index, iorep_index_hash_str(d->name), m->ndevices);
	if (ret < 0) {
		m->error = ret;
		return IOREP_NONE;
	}
	return m->ndevices++;
}

uint32_t iorep_model_group_find(const struct iorep_model *m, int32_t id)
{
	struct iorep_index_iter it;
	uint32_t i;

	for (i = iorep_index_first(&m->group_index, iorep_index_hash_u32((uint32_t)id), &it);
	     i != IOREP_NONE; i = iorep_index_next(&m->group_index, &it))
		if (m->groups[i].id == id)
			return i;
	return IOREP_NONE;
}

static uint32_t group_get(struct iorep_model *m, int32_t id, uint64_t ts)
{
	struct iorep_group *g;
	uint32_t i = iorep_model_group_find(m, id), dom;
	int ret;

	if (i != IOREP_NONE)
		return i;
	dom = iorep_model_domain_new(m, IOREP_DOM_DMA, id, ts);
	if (dom == IOREP_NONE)
		return IOREP_NONE;
	if (grow((void **)&m->groups, m->ngroups, &m->groups_cap, sizeof(*g)) < 0) {
		m->error = -IOREP_ENOMEM;
		return IOREP_NONE;
	}
	g = &m->groups[m->ngroups];
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->domain = dom;
	ret = iorep_index_add(&m->group_index, iorep_index_hash_u32((uint32_t)id), m->ngroups);
	if (ret < 0) {
		m->error = ret;
		return IOREP_NONE;
	}
	return m->ngroups++;
}

static int group_add_device(struct iorep_model *m, uint32_t gi, uint32_t dev)
{
	struct iorep_group *g = &m->groups[gi];
	uint32_t i;

	for (i = 0; i < g->ndevices; i++)
		if (g->devices[i] == dev)
			return 0;
	if (grow((void **)&g->devices, g->ndevices, &g->cap, sizeof(*g->devices)) < 0)
		return m->error = -IOREP_ENOMEM;
	g->devices[g->ndevices++] = dev;
	return 0;
}

static void group_remove_device(struct iorep_model *m, int32_t id, uint32_t dev)
{
	uint32_t gi = iorep_model_group_find(m, id), i;
	struct iorep_group *g;

	if (gi == IOREP_NONE)
		return;
	g = &m->groups[gi];
	for (i = 0; i < g->ndevices; i++)
		if (g->devices[i] == dev) {
			g->devices[i] = g->devices[--g->ndevices];
			g->emptied = !g->ndevices;
			return;
		}
}

static int group_index_cmp(const void *a, const void *b, void *arg)
{
	const struct iorep_model *m = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (m->groups[x].id != m->groups[y].id)
		return m->groups[x].id < m->groups[y].id ? -1 : 1;
	return x < y ? -1 : x > y;
}

uint32_t *iorep_model_group_order(const struct iorep_model *m)
{
	uint32_t *order, i;

	if (!m->groups || !m->ngroups)
		return NULL;
	order = malloc(m->ngroups * sizeof(*order));
	if (!order)
		return NULL;
	for (i = 0; i < m->ngroups; i++)
		order[i] = i;
	qsort_r(order, m->ngroups, sizeof(*order), group_index_cmp, (void *)m);
	return order;
}

uint32_t iorep_model_dma_domain(struct iorep_model *m, uint32_t dev, uint64_t ts)
{
	struct iorep_device *d = &m->devices[dev];
	uint32_t gi;

	if (d->group >= 0) {
		gi = group_get(m, d->group, ts);
		return gi == IOREP_NONE ? IOREP_NONE : m->groups[gi].domain;
	}
	if (d->own_domain == IOREP_NONE)
		d->own_domain = iorep_model_domain_new(m, IOREP_DOM_DMA, -1, ts);
	return d->own_domain;
}

uint32_t iorep_model_pool(struct iorep_model *m, uint64_t ts)
{
	if (m->pool == IOREP_NONE)
		m->pool = iorep_model_domain_new(m, IOREP_DOM_POOL, -1, ts);
	return m->pool;
}

uint32_t iorep_model_device_target(struct iorep_model *m, uint32_t dev, uint64_t ts)
{
	struct iorep_device *d = &m->devices[dev];
	uint32_t dom = iorep_model_device_domain(m, dev);

	if (dom != IOREP_NONE)
		return dom;
	if (d->nepochs)
		/* detached (old kernels) or appeared with no group yet */
		return iorep_model_dma_domain(m, dev, ts);
	dom = iorep_model_dma_domain(m, dev, m->first_ts);
	if (epoch_open(m, dev, dom, m->first_ts, -1, 0, IOREP_EPOCH_IMPLICIT) < 0)
		return IOREP_NONE;
	return dom;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The open epoch of @dev if it is an appearance with no domain yet, else NULL. */
static struct iorep_epoch *appearing(struct iorep_model *m, uint32_t dev)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_epoch *e;

	if (!d->nepochs || d->known)
		return NULL;
	e = &d->epochs[d->nepochs - 1];
	if (e->how != IOREP_EPOCH_APPEAR || e->end != IOREP_TS_OPEN || e->domain != IOREP_NONE)
		return NULL;
	return e;
}

uint32_t iorep_model_user_from_appear(struct iorep_model *m, int32_t pid, const char *comm)
{
	struct iorep_device *d;
	struct iorep_epoch *e;
	uint32_t i, k, n = 0, dom = IOREP_NONE;

	/* the devices that appeared with no domain, not every device: keep those
	 * still waiting, in device order, once each */
	for (k = 0; k < m->nappear; k++)
		if (appearing(m, m->appear[k]))
			m->appear[n++] = m->appear[k];
	if (n > 1)
		qsort(m->appear, n, sizeof(*m->appear), u32_cmp);
	for (k = 0, m->nappear = 0; k < n; k++)
		if (!m->nappear || m->appear[m->nappear - 1] != m->appear[k])
			m->appear[m->nappear++] = m->appear[k];
	for (k = 0; k < m->nappear; k++) {
		i = m->appear[k];
		d = &m->devices[i];
		e = appearing(m, i);
		if (!e || e->pid != pid)
			continue;
		/*
		 * A device nobody added to a group, attached by a process that
		 * now maps: not a boot attach but a user domain
		 * (iommu_attach_device on a kernel without dma:* events).
		 */
		if (dom == IOREP_NONE) {
			dom = iorep_model_domain_new(m, IOREP_DOM_USER, -1, e->start);
			if (dom == IOREP_NONE)
				return dom;
			m->domains[dom].owner_pid = pid;
			m->domains[dom].owner_comm = comm && *comm ? comm : NULL;
		}
		e->domain = dom;
		e->how = IOREP_EPOCH_TOGGLE;
		m->domains[dom].attached++;
		d->known = true;
		m->epoch_gen++;
	}
	return dom;
}

uint32_t iorep_model_domain_device(struct iorep_model *m, uint32_t dom)
{
	struct iorep_domain *d = &m->domains[dom];
	uint32_t i, e, best = IOREP_NONE;
	uint64_t best_ts = 0;

	/* a walk over every device's epochs, done again only after an epoch changed */
	if (d->dev_gen == m->epoch_gen)
		return d->dev_cache;
	for (i = 0; i < m->ndevices; i++)
		for (e = 0; e < m->devices[i].nepochs; e++)
			if (m->devices[i].epochs[e].domain == dom &&
			    (best == IOREP_NONE || m->devices[i].epochs[e].start >= best_ts)) {
				best = i;
				best_ts = m->devices[i].epochs[e].start;
			}
	d->dev_cache = best;
	d->dev_gen = m->epoch_gen;
	return best;
}

static int finding_cmp(const void *a, const void *b)
{
	const struct iorep_finding *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	/* qsort is not stable: the order they were found in breaks ties */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

uint32_t iorep_model_device_domain(const struct iorep_model *m, uint32_t dev)
{
	const struct iorep_device *d = &m->devices[dev];

	if (!d->nepochs || d->epochs[d->nepochs - 1].end != IOREP_TS_OPEN)
		return IOREP_NONE;
	return d->epochs[d->nepochs - 1].domain;
}

static int epoch_open(struct iorep_model *m, uint32_t dev, uint32_t dom, uint64_t ts, int32_t pid,
		      uint64_t pos, uint8_t how)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_epoch *e;

	if (grow((void **)&d->epochs, d->nepochs, &d->epochs_cap, sizeof(*e)) < 0)
		return m->error = -IOREP_ENOMEM;
	e = &d->epochs[d->nepochs++];
	memset(e, 0, sizeof(*e));
	e->start = ts;
	e->end = IOREP_TS_OPEN;
	e->domain = dom;
	e->pid = pid;
	e->pos = pos;
	e->how = how;
	m->epoch_gen++;
	if (how == IOREP_EPOCH_APPEAR && dom == IOREP_NONE &&
	    iorep_model_list_add(m, &m->appear, &m->nappear, &m->appear_cap, dev) < 0)
		return m->error;
	if (dom != IOREP_NONE) {
		struct iorep_domain *dm = &m->domains[dom];

		if (!dm->attached++)
			dm->left = IOREP_TS_OPEN;
		e->ops_at_open = dm->maps + dm->unmaps;
	}
	return 0;
}

/* Closes the device's open epoch at @ts; the domain may be left with no device. */
static void epoch_close(struct iorep_model *m, uint32_t dev, uint64_t ts)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_epoch *e;
	struct iorep_domain *dom;

	if (!d->nepochs || d->epochs[d->nepochs - 1].end != IOREP_TS_OPEN)
		return;
	e = &d->epochs[d->nepochs - 1];
	e->end = ts;
	if (e->domain == IOREP_NONE)
		return;
	dom = &m->domains[e->domain];
	e->traffic = dom->maps + dom->unmaps != e->ops_at_open;
	if (dom->attached && !--dom->attached)
		iorep_check_domain_left(m, e->domain, dev, ts);
}

/* A user domain of @pid that devices are attached to now (a VFIO container), or a new one. */
static uint32_t user_domain(struct iorep_model *m, const struct iorep_event *ev)
{
	int32_t proc = iorep_event_proc(ev->pid, ev->tgid);
	struct iorep_domain *d;
	uint32_t i, k;

	/* a line without its process (dmesg, tp_printk) shares with no other */
	for (k = m->nuser_doms; proc >= 0 && k-- > 0;) {
		i = m->user_doms[k];
		d = &m->domains[i];
		if (d->kind == IOREP_DOM_USER && d->owner_pid == proc && d->attached && !d->maps)
			return i;
	}
	i = iorep_model_domain_new(m, IOREP_DOM_USER, -1, ev->ts);
	if (i == IOREP_NONE || proc < 0)
		return i;
	m->domains[i].owner_pid = proc;
	/* a kernel log names the task by its id only (the caller, "[  T191]") */
	m->domains[i].owner_comm = ev->comm && *ev->comm ? ev->comm : NULL;
	return i;
}

/*
 * Decides what the epoch being closed was.  Returns true when it was a real
 * stay (boot, implicit, or with mapping traffic), false for a blocking one,
 * which is moved to a domain of kind BLOCKED of its own.
 */
static bool epoch_was_real(struct iorep_model *m, uint32_t dev)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_epoch *e = &d->epochs[d->nepochs - 1];
	struct iorep_domain *dom;
	uint32_t blk;

	if (e->how != IOREP_EPOCH_TOGGLE || e->traffic)
		return true;
	if (e->domain != IOREP_NONE && m->domains[e->domain].kind == IOREP_DOM_USER &&
	    (m->domains[e->domain].maps || m->domains[e->domain].unmaps))
		return true;
	if (e->domain != IOREP_NONE) {
		dom = &m->domains[e->domain];
		if (dom->kind == IOREP_DOM_USER && !dom->maps && !dom->unmaps) {
			/* its own: it was the blocking domain */
			dom->kind = IOREP_DOM_BLOCKED;
			return false;
		}
	}
	/* a tentative return to the DMA domain that was a blocking domain */
	blk = iorep_model_domain_new(m, IOREP_DOM_BLOCKED, -1, e->start);
	if (blk != IOREP_NONE)
		m->domains[blk].left = e->end;
	e->domain = blk;
	m->epoch_gen++;
	return false;
}

/* Whether group @id lost its last device, so that the kernel freed it. */
static bool group_emptied(const struct iorep_model *m, int32_t id)
{
	uint32_t gi = id < 0 ? IOREP_NONE : iorep_model_group_find(m, id);

	return gi != IOREP_NONE && m->groups[gi].emptied;
}

static int on_attach(struct iorep_model *m, const struct iorep_event *ev)
{
	uint32_t dev = iorep_model_device_get(m, ev->device), dom;
	struct iorep_device *d;
	struct iorep_epoch *e;
	bool real;

	if (dev == IOREP_NONE)
		return m->error;
	d = &m->devices[dev];
	d->attaches++;
	if (d->probe_attach_due) {
		/*
		 * 6.1's iommu_probe_device(): a device joining a group that has a
		 * domain is attached to it when added (iommu_group_add_device()),
		 * then by the same task to the group's default domain: no move
		 */
		d->probe_attach_due = false;
		e = &d->epochs[d->nepochs - 1];
		if (e->end == IOREP_TS_OPEN && e->pid == iorep_event_proc(ev->pid, ev->tgid) &&
		    e->domain != IOREP_NONE && e->domain == iorep_model_dma_domain(m, dev, ev->ts))
			return 0;
	}
	if ((!d->known && !d->nepochs) || d->removed || d->readded || (d->added && !d->nepochs)) {
		/* appearing now (boot, hot-plug): its group's DMA domain once
		 * add_device_to_group names the group (6.1 sends it after) */
		bool renewing = d->removed && group_emptied(m, d->group);

		epoch_close(m, dev, ev->ts);
		d->removed = false;
		d->readded = false;
		d->real_user = false;
		/* a group of its own that went with it comes back new, with the add */
		return epoch_open(m, dev, d->group >= 0 && d->known && !renewing ?
				  iorep_model_dma_domain(m, dev, ev->ts) : IOREP_NONE,
				  ev->ts, iorep_event_proc(ev->pid, ev->tgid), ev->pos,
				  IOREP_EPOCH_APPEAR);
	}
	if (!d->nepochs) {
		/* known before the trace, in its DMA domain since */
		if (epoch_open(m, dev, iorep_model_dma_domain(m, dev, m->first_ts), m->first_ts, -1, 0,
			       IOREP_EPOCH_IMPLICIT) < 0)
			return m->error;
	}
	epoch_close(m, dev, ev->ts);
	real = epoch_was_real(m, dev);
	if (real) {
		e = &d->epochs[d->nepochs - 1];
		d->real_user = e->domain != IOREP_NONE &&
			       m->domains[e->domain].kind == IOREP_DOM_USER;
	}
	if (d->real_user) {
		dom = iorep_model_dma_domain(m, dev, ev->ts);
	} else {
		/* leaving the DMA domain: DMA-API handles still live are leaks */
		iorep_check_dma_leaving(m, dev, ev);
		dom = user_domain(m, ev);
	}
	iorep_model_mark_group_dirty(m, d->group);
	return epoch_open(m, dev, dom, ev->ts, iorep_event_proc(ev->pid, ev->tgid), ev->pos,
			  IOREP_EPOCH_TOGGLE);
}

/*
 * A driver's DMA-API call on @dev, a map through the IOMMU when @kind is
 * IOREP_DOM_DMA, a handle with none when IOREP_DOM_IDENTITY.  If the device's
 * last attach moved it to what was taken for a user domain with nothing
 * mapped in it yet, that attach was to a new default domain of its group:
 * writing a type to /sys/kernel/iommu_groups/N/type, with the group's drivers
 * unbound, attaches each of its devices from the writing task.  VFIO's
 * domains see no DMA-API call, the kernel having no driver on the device.
 * The group's old DMA domain was freed; what it still held is leaked.
 */
void iorep_model_driver_dma(struct iorep_model *m, uint32_t dev, enum iorep_domain_kind kind)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_epoch *e;
	struct iorep_domain *dom;
	uint32_t gi, k, di;

	if (!d->nepochs)
		return;
	e = &d->epochs[d->nepochs - 1];
	di = e->domain;
	if (e->end != IOREP_TS_OPEN || e->how != IOREP_EPOCH_TOGGLE || di == IOREP_NONE)
		return;
	dom = &m->domains[di];
	if (dom->kind != IOREP_DOM_USER || dom->maps || dom->unmaps)
		return;
	dom->kind = kind;
	dom->group = d->group;
	dom->owner_pid = -1;
	dom->owner_comm = NULL;
	gi = d->group < 0 ? IOREP_NONE : iorep_model_group_find(m, d->group);
	if (gi != IOREP_NONE)
		m->groups[gi].domain = di;
	else
		d->own_domain = di;
	/* every device the writing task attached to it changed with it */
	for (k = 0; k < m->ndevices; k++)
		if (iorep_model_device_domain(m, k) == di)
			m->devices[k].epochs[m->devices[k].nepochs - 1].how = IOREP_EPOCH_DEFAULT;
	m->epoch_gen++;
}

/*
 * In a translated domain the DMA API maps every handle through the IOMMU
 * (the map comes first and claims the domain, iorep_model_driver_dma()), at
 * an IOVA the IOVA allocator chose; dma-direct gives the physical address
 * itself and maps nothing: with iommu.passthrough=1 (iommu=pt), the
 * default domains are identity.  A domain that has held a mapping, or
 * whose device is not in its default domain, is left alone.
 */
void iorep_model_dma_direct(struct iorep_model *m, uint32_t dev)
{
	const struct iorep_device *d = &m->devices[dev];
	const struct iorep_epoch *e;
	struct iorep_domain *dom;

	if (!d->nepochs)
		return;
	e = &d->epochs[d->nepochs - 1];
	if (e->end != IOREP_TS_OPEN || e->domain == IOREP_NONE)
		return;
	dom = &m->domains[e->domain];
	if (dom->kind == IOREP_DOM_DMA && !dom->maps && !dom->unmaps &&
	    !iorep_ivmap_count(&dom->live))
		dom->kind = IOREP_DOM_IDENTITY;
}

static int on_detach(struct iorep_model *m, const struct iorep_event *ev)
{
	uint32_t dev = iorep_model_device_get(m, ev->device);

	if (dev == IOREP_NONE)
		return m->error;
	/* old kernels: the next attach decides where the device goes */
	epoch_close(m, dev, ev->ts);
	return 0;
}

/*
 * Group @gi's devices were all removed, so the kernel freed it and its
 * default domain; a device added under its id (the id is free again) is in
 * a new group, with a new DMA domain.  The old one keeps what was left in
 * it, the leaks of the removal.
 */
static int group_renew(struct iorep_model *m, uint32_t gi, uint64_t ts)
{
	struct iorep_group *g = &m->groups[gi];
	uint32_t dom = iorep_model_domain_new(m, m->domains[g->domain].kind, g->id, ts);

	if (dom == IOREP_NONE)
		return m->error;
	g->domain = dom;
	g->emptied = false;
	g->split_reported = false;
	return 0;
}

/*
 * Device @dev of a sysfs listing (the seed) is added to its group by @ev,
 * the task of its one attach so far, which was taken for a move from the
 * listing's group (6.1 attaches a device joining a group that has a domain
 * before it says it added it; a listing taken after the trace has it).  It
 * appeared with that attach: its stays become one, from the attach, in the
 * group's domain, which the move's new domain, empty, goes with.
 */
static void appeared_at_attach(struct iorep_model *m, uint32_t dev, const struct iorep_event *ev)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_domain *u;
	struct iorep_epoch *e;
	uint32_t di;

	if (d->added || d->nepochs != 2 || d->attaches != 1)
		return;
	e = &d->epochs[1];
	if (d->epochs[0].how != IOREP_EPOCH_IMPLICIT || e->how != IOREP_EPOCH_TOGGLE ||
	    e->end != IOREP_TS_OPEN || e->pid != iorep_event_proc(ev->pid, ev->tgid) ||
	    d->group != ev->gid)
		return;
	di = e->domain;
	u = di == IOREP_NONE ? NULL : &m->domains[di];
	if (!u || u->kind != IOREP_DOM_USER || u->maps || u->unmaps || u->attached != 1)
		return;
	u->attached = 0;
	u->left = e->start;
	if (di + 1 == m->ndomains && m->nuser_doms && m->user_doms[m->nuser_doms - 1] == di) {
		iorep_ivmap_release(&u->live);
		m->ndomains--;
		m->nuser_doms--;
	} else {
		u->kind = IOREP_DOM_BLOCKED;
	}
	d->epochs[0] = *e;
	d->epochs[0].how = IOREP_EPOCH_APPEAR;
	d->epochs[0].domain = IOREP_NONE; /* the group's: filled in as 6.1's hot-plug's is */
	d->nepochs = 1;
	d->real_user = false;
	m->epoch_gen++;
}

static int on_group_add(struct iorep_model *m, const struct iorep_event *ev)
{
	uint32_t dev = iorep_model_device_get(m, ev->device), gi;
	struct iorep_device *d;
	struct iorep_epoch *e;

	if (dev == IOREP_NONE)
		return m->error;
	d = &m->devices[dev];
	appeared_at_attach(m, dev, ev);
	if (d->group >= 0 && d->group != ev->gid && !d->removed)
		group_remove_device(m, d->group, dev);
	gi = group_get(m, ev->gid, ev->ts);
	if (gi == IOREP_NONE)
		return m->error;
	if (m->groups[gi].emptied && group_renew(m, gi, ev->ts) < 0)
		return m->error;
	/* back after a hot-unplug: its next attach is to its group's DMA domain */
	d->readded = d->removed && d->nepochs;
	d->group = ev->gid;
	d->known = true;
	d->added = true;
	d->removed = false;
	if (group_add_device(m, gi, dev) < 0)
		return m->error;
	/* an attach that came first (6.1 hot-plug) now has its domain */
	if (d->nepochs) {
		e = &d->epochs[d->nepochs - 1];
		if (e->end == IOREP_TS_OPEN && e->domain == IOREP_NONE) {
			d->probe_attach_due = e->how == IOREP_EPOCH_APPEAR;
			e->domain = m->groups[gi].domain;
			m->epoch_gen++;
			if (!m->domains[e->domain].attached++)
				m->domains[e->domain].left = IOREP_TS_OPEN;
			e->ops_at_open = m->domains[e->domain].maps + m->domains[e->domain].unmaps;
		}
	}
	return 0;
}

static int on_group_remove(struct iorep_model *m, const struct iorep_event *ev)
{
	uint32_t dev = iorep_model_device_get(m, ev->device);
	struct iorep_device *d;

	if (dev == IOREP_NONE)
		return m->error;
	d = &m->devices[dev];
	group_remove_device(m, ev->gid, dev);
	epoch_close(m, dev, ev->ts);
	iorep_check_dma_leaving(m, dev, ev);
	d->removed = true;
	d->real_user = false;
	d->probe_attach_due = false;
	return 0;
}

int iorep_model_apply_lspci(struct iorep_model *m, const struct iorep_lspci *l)
{
	const struct iorep_lspci_dev *ld;
	struct iorep_device *d;
	uint32_t i;
	int named = 0;

	for (i = 0; i < m->ndevices; i++) {
		d = &m->devices[i];
		if (!d->is_pci || !(ld = iorep_lspci_find(l, &d->addr)))
			continue;
		d->has_ids = ld->has_ids;
		d->vendor = ld->vendor;
		d->device_id = ld->device;
		d->has_class = ld->has_class;
		d->class_code = ld->class_code;
		d->bridge = ld->has_class && iorep_pci_class_is_bridge(ld->class_code);
		if (ld->desc && ld->desc[0] &&
		    !(d->description = iorep_strtab_intern(m->st, ld->desc, strlen(ld->desc))))
			return -IOREP_ENOMEM;
		if (ld->class_name && ld->class_name[0] &&
		    !(d->class_name = iorep_strtab_intern(m->st, ld->class_name,
							  strlen(ld->class_name))))
			return -IOREP_ENOMEM;
		named++;
	}
	return named;
}

int iorep_model_seed_groups(struct iorep_model *m, const struct iorep_sysfs_groups *g)
{
	uint32_t dev, gi;
	size_t i;

	for (i = 0; i < g->nr; i++) {
		dev = iorep_model_device_get(m, g->devs[i].name);
		if (dev == IOREP_NONE)
			return m->error;
		gi = group_get(m, (int32_t)g->devs[i].group, 0);
		if (gi == IOREP_NONE)
			return m->error;
		m->groups[gi].seeded = true;
		m->devices[dev].group = (int32_t)g->devs[i].group;
		m->devices[dev].known = true;
		if (group_add_device(m, gi, dev) < 0)
			return m->error;
	}
	/* groups whose default domain is the identity (passthrough) domain */
	for (i = 0; i < g->ntypes; i++) {
		if (strcmp(g->types[i].type, "identity"))
			continue;
		gi = group_get(m, (int32_t)g->types[i].group, 0);
		if (gi == IOREP_NONE)
			return m->error;
		m->domains[m->groups[gi].domain].kind = IOREP_DOM_IDENTITY;
	}
	return 0;
}

/* CPUs past this are not followed: a lost event of theirs makes every finding suspected */
#define CPU_SEEN_MAX 65536

/* @cpu's place in m->cpu_seen (0: no event yet), or NULL past the CPUs followed. */
static uint64_t *cpu_slot(struct iorep_model *m, int32_t cpu)
{
	uint32_t c = (uint32_t)cpu;

	if (cpu < 0 || c >= CPU_SEEN_MAX)
		return NULL;
	if (c >= m->ncpu_seen) {
		while (c >= m->cpu_seen_cap)
			if (grow((void **)&m->cpu_seen, m->cpu_seen_cap, &m->cpu_seen_cap,
				 sizeof(*m->cpu_seen)) < 0) {
				m->error = -IOREP_ENOMEM;
				return NULL;
			}
		memset(m->cpu_seen + m->ncpu_seen, 0, (c + 1 - m->ncpu_seen) * sizeof(*m->cpu_seen));
		m->ncpu_seen = c + 1;
	}
	return &m->cpu_seen[c];
}

/*
 * @cpu's first event, at @ts, after its older ones were dropped: the trace
 * holds every CPU's events from the latest such time on.  What was found
 * before it, or rests on an event before it, is judged again.
 */
static void head_ends(struct iorep_model *m, int32_t cpu, uint64_t ts)
{
	uint32_t i;

	if (ts <= m->complete_from)
		return;
	m->complete_from = ts;
	m->complete_cpu = cpu;
	for (i = 0; i < m->nfindings; i++)
		iorep_model_window(m, &m->findings[i]);
}

/* Notes that @cpu had an event at @ts. */
static inline void cpu_seen(struct iorep_model *m, int32_t cpu, uint64_t ts)
{
	uint64_t *seen = cpu_slot(m, cpu);

	if (!seen)
		return;
	if (*seen == IOREP_CPU_HEAD_DROPPED) {
		head_ends(m, cpu, ts);
		*seen = ts;
	} else if (ts > *seen) {
		*seen = ts;
	}
}

/*
 * Events of @ev->cpu were dropped.  Before its first event here, they were
 * its oldest, overwritten (the kernel's buffer in overwrite mode, its
 * default): its events are whole from its first one on, which sets
 * m->complete_from.  After it, they are a gap, after its last event, so
 * every finding since then may be wrong, even one found on another CPU
 * before the drop was told (the kernel says so with the CPU's next event).
 * Later ones are suspected as they come.  A gap (@ev->lost 0: an event the
 * input damaged, or the text's "##### CPU N buffer started ####" whose count
 * its header gave) is where it stands in the stream, and only later findings
 * are.  A drop of no CPU's before any event is of the oldest events too
 * (the text's "entries-in-buffer/entries-written" header).
 */
static void lost_on(struct iorep_model *m, const struct iorep_event *ev)
{
	uint64_t *seen = cpu_slot(m, ev->cpu), since;
	uint32_t i;

	m->lost_any = true;
	if (seen && (!*seen || *seen == IOREP_CPU_HEAD_DROPPED)) {
		*seen = IOREP_CPU_HEAD_DROPPED;
		return;
	}
	if (ev->cpu < 0 && ev->lost && !m->ncpu_seen)
		return;
	m->lost_mid = true;
	if (!ev->lost)
		return;
	since = seen ? *seen : 0;
	for (i = m->nfindings; i-- > 0;)
		if (m->findings[i].ts > since)
			m->findings[i].suspected = true;
}

int iorep_model_apply(struct iorep_model *m, const struct iorep_event *ev,
		      const struct iorep_stage_note *note)
{
	uint32_t dev = IOREP_NONE;
	int ret = 0;

	if (m->error)
		return m->error;
	m->events = note->events;
	m->first_ts = note->first_ts;
	m->last_ts = note->last_ts;
	if (note->kind != IOREP_STAGE_EVENT) {
		cpu_seen(m, note->map.cpu, note->map.ts);
		/* a map or unmap, let go by the dma:* event (or, direct, the attach)
		 * of note->device if any */
		if (note->device) {
			dev = iorep_model_device_get(m, note->device);
			if (dev == IOREP_NONE)
				return m->error;
		}
		if (note->kind == IOREP_STAGE_DIRECT && dev != IOREP_NONE)
			ret = iorep_model_take_direct(m, &note->map, dev);
		else
			ret = iorep_model_take_mapev(m, &note->map,
						     note->kind == IOREP_STAGE_ATTRIBUTED, dev);
		if (m->stacks.n)	/* its stack, if it came while it was held, no longer waits */
			iorep_model_stack_applied(m, note->map.pos);
		return ret < 0 ? ret : m->error;
	}
	if (ev->type != IOREP_EV_LOST)
		cpu_seen(m, ev->cpu, ev->ts);
	switch (iorep_event_desc(ev->type)->cls) {
	case IOREP_C_STACK:
		ret = iorep_model_stack(m, ev);
		return ret < 0 ? ret : m->error;
	case IOREP_C_LOST:
		lost_on(m, ev);
		if (ev->lost > 0)
			m->lost += ev->lost;
		return 0;
	case IOREP_C_GROUP_ADD:
		ret = on_group_add(m, ev);
		break;
	case IOREP_C_GROUP_REMOVE:
		ret = on_group_remove(m, ev);
		break;
	case IOREP_C_ATTACH:
		ret = on_attach(m, ev);
		break;
	case IOREP_C_DETACH:
		ret = on_detach(m, ev);
		break;
	case IOREP_C_FAULT:
		/* a fault is judged on the whole history: the stage held nothing back */
		iorep_check_groups(m);
		ret = iorep_check_fault(m, ev);
		break;
	default:
		iorep_check_groups(m);
		ret = iorep_check_dma_event(m, ev);
		break;
	}
	return ret < 0 ? ret : m->error;
}

static int apply_emit(void *ctx, const struct iorep_event *ev, const struct iorep_stage_note *note)
{
	return iorep_model_apply(ctx, ev, note);
}

int iorep_model_stage_new(struct iorep_stage *stage)
{
	stage->push = iorep_attrib_push;
	stage->end = iorep_attrib_end;
	stage->self = iorep_attrib_new();
	return stage->self ? 0 : -IOREP_ENOMEM;
}

void iorep_model_stage_free(struct iorep_stage *stage)
{
	iorep_attrib_free(stage->self);
	stage->self = NULL;
}

int iorep_model_flush_held(struct iorep_model *m)
{
	return m->attrib ? iorep_attrib_end(m->attrib, apply_emit, m) : 0;
}

int iorep_model_feed(struct iorep_model *m, const struct iorep_event *ev)
{
	if (m->error)
		return m->error;
	if (!m->attrib) {
		m->attrib = iorep_attrib_new();
		if (!m->attrib)
			return m->error = -IOREP_ENOMEM;
	}
	return iorep_attrib_push(m->attrib, ev, apply_emit, m);
}

int iorep_model_set_machine(struct iorep_model *m, const char *machine)
{
	m->machine = NULL;
	m->sw_msi = false;
	if (!machine || !*machine)
		return 0;
	/* aarch64, arm64 (some kernels' uname), armv7l and the other 32-bit ones */
	m->sw_msi = !strncmp(machine, "aarch64", 7) || !strncmp(machine, "arm", 3);
	m->machine = iorep_strtab_intern(m->st, machine, strlen(machine));
	return m->machine ? 0 : (m->error = -IOREP_ENOMEM);
}

void iorep_model_set_incomplete(struct iorep_model *m)
{
	uint32_t i;

	m->lost_any = true;
	m->lost_mid = true;
	for (i = 0; i < m->nfindings; i++)
		m->findings[i].suspected = true;
}

/*
 * With only overwrite drops, where the trace is whole from: at its first
 * event when no CPU's first event came later (a drop the text's header told
 * of alone).  A CPU dropped before its first event that never had one lost
 * all it had: nothing of the trace is whole.
 */
static void trace_whole_from(struct iorep_model *m)
{
	uint32_t c;

	if (!m->lost_any || m->lost_mid)
		return;
	for (c = 0; c < m->ncpu_seen; c++)
		if (m->cpu_seen[c] == IOREP_CPU_HEAD_DROPPED) {
			iorep_model_set_incomplete(m);
			return;
		}
	if (!m->complete_from) {
		m->complete_from = m->first_ts;
		m->complete_cpu = -1;
	}
}

bool iorep_model_whole_from(const struct iorep_model *m, uint64_t *ts, int32_t *cpu)
{
	if (!m->complete_from || m->lost_mid)
		return false;
	*ts = m->complete_from;
	*cpu = m->complete_cpu;
	return true;
}

int iorep_model_finish(struct iorep_model *m)
{
	int ret;

	if (m->first_ts == UINT64_MAX)
		m->first_ts = m->last_ts = 0;
	ret = iorep_model_flush_held(m);
	if (ret < 0)
		return ret;
	trace_whole_from(m);
	iorep_check_groups(m);
	iorep_check_finish(m);
	/* leaks are found at the end but happened when their domain was left */
	if (m->nfindings > 1)
		qsort(m->findings, m->nfindings, sizeof(*m->findings), finding_cmp);
	return m->error;
}
