// SPDX-License-Identifier: MIT
/*
 * The domain of a map or unmap that the attribution stage let go (see
 * model-attrib.h): the domain of the device whose dma:* event claimed it,
 * its group's DMA domain for a direct map, else the user domain of the
 * process that made it, else the pool.
 */
#include "iorep-error.h"
#include "model-local.h"

/* A mapping of a user domain that the process rule put there: no device claimed it, no region. */
static bool placed_by_process(const struct iorep_ivmap_node *n)
{
	return n->val.owner == IOREP_NONE && !(n->val.flags & IOREP_MAP_DIRECT);
}

/* Whether mapping @n lies wholly inside the range of unmap @ev. */
static bool inside_unmap(const struct iorep_ivmap_node *n, const struct iorep_mapev *ev)
{
	uint64_t reach = ev->size, us = ev->unmapped_size, page;

	/* what the driver says it unmapped, as iommu_unmap() counts: from the IOVA
	 * on (a large page, or a whole virtio-iommu mapping), or the large page
	 * of that size that holds the IOVA (see driver_widened()) */
	if (ev->have & 1u << IOREP_F_UNMAPPED_SIZE && us > reach &&
	    iorep_ivmap_range_valid(ev->iova, ev->iova + us)) {
		reach = us;
		if (iorep_unmap_page(ev, &page) && n->start >= page && n->last <= page + us - 1)
			return true;
	}
	return n->start >= ev->iova && n->last <= ev->iova + reach - 1;
}

/* @n, a live mapping of domain @from, moved to domain @to, as if made there. */
static int move_mapping(struct iorep_model *m, uint32_t from, struct iorep_ivmap_node *n,
			uint32_t to)
{
	struct iorep_domain *d = &m->domains[from];
	struct iorep_mapev mv = {
		.type = IOREP_EV_MAP, .cpu = n->val.cpu, .pid = n->val.pid, .ts = n->val.ts,
		.pos = n->val.pos, .iova = n->start, .paddr = n->val.paddr,
		.size = n->last + 1 - n->start,
		.ctx = n->val.flags & IOREP_MAP_ATOMIC ? IOREP_CTX_ATOMIC : 0,
	};

	iorep_ivmap_remove(&d->live, n);
	d->maps--;
	d->bytes_mapped -= mv.size;
	if (d->kind == IOREP_DOM_USER)
		m->stats.pid_maps--;
	if (m->domains[to].kind == IOREP_DOM_USER)
		m->stats.pid_maps++;
	m->stats.moved_maps++;
	return iorep_model_map(m, &mv, to, IOREP_NONE, IOREP_MAP_MOVED);
}

/*
 * Whether @ev was made in atomic context: its flags say so, or its task is
 * the idle task (pid 0), which makes an event only when an interrupt comes
 * while it runs (trace-cmd report's text without -l has no flags).
 */
static bool in_interrupt(const struct iorep_mapev *ev)
{
	return (ev->ctx & IOREP_CTX_ATOMIC) || ev->pid == 0;
}

/*
 * @ev, an unmap made in atomic context: a mapping inside its range that the
 * process rule put in a user domain was the DMA API's, mapped in that
 * process's context (a disk's read that QEMU submits, say, unmapped in the
 * disk's interrupt, whatever task that interrupted), as VFIO and iommufd
 * map and unmap only where they may sleep.  Such mappings move to the pool.
 * One that reaches past the range stays (a large VFIO mapping of a BAR,
 * say, where a DMA domain's IOVA happens to fall).
 */
static int move_to_pool(struct iorep_model *m, const struct iorep_mapev *ev, uint32_t pool)
{
	struct iorep_ivmap_node *n, *tmp;
	uint32_t k, i;
	int ret;

	for (k = m->nuser_doms; k-- > 0;) {
		i = m->user_doms[k];
		if (m->domains[i].kind != IOREP_DOM_USER)
			continue;
		iorep_ivmap_for_each_overlap_safe(n, tmp, &m->domains[i].live, ev->iova,
						  ev->iova + ev->size) {
			if (placed_by_process(n) && inside_unmap(n, ev) &&
			    (ret = move_mapping(m, i, n, pool)) < 0)
				return ret;
		}
	}
	return 0;
}

/*
 * @ev, an unmap that the process owning user domain @dom made where VFIO
 * unmaps, of a range @dom does not hold: mappings inside it that the pool
 * holds, made where VFIO maps after @dom was created, were @dom's, made by
 * another thread of the process (QEMU maps from its vCPU threads too), which
 * an input without thread groups (trace.dat) could not tell.  They move to
 * @dom.  Returns how many did, or a negative error.
 */
static int move_from_pool(struct iorep_model *m, const struct iorep_mapev *ev, uint32_t dom)
{
	struct iorep_ivmap_node *n, *tmp;
	uint32_t pool = m->pool;
	int ret, moved = 0;

	if (pool == IOREP_NONE)
		return 0;
	iorep_ivmap_for_each_overlap_safe(n, tmp, &m->domains[pool].live, ev->iova,
					  ev->iova + ev->size) {
		if (n->val.flags & IOREP_MAP_ATOMIC || n->val.ts < m->domains[dom].created ||
		    !inside_unmap(n, ev))
			continue;
		if ((ret = move_mapping(m, pool, n, dom)) < 0)
			return ret;
		moved++;
	}
	return moved;
}

/* Whether @e was a stay in a blocking domain (what the model took for one). */
static bool blocked_stay(const struct iorep_model *m, const struct iorep_epoch *e)
{
	return e->domain != IOREP_NONE && m->domains[e->domain].kind == IOREP_DOM_BLOCKED;
}

/*
 * VFIO type1 attaches a group that joins a container to the domain that
 * already holds the container's mappings when it can (one IOMMU, as
 * QEMU's second assigned device): four attaches, the owner's blocking
 * domain, a trial domain, blocking again, the container's, that the trace
 * does not tell apart, so the last reads as a new user domain @fresh of the
 * process, with nothing in it, after three blocked stays.  A new container
 * has one blocked stay (its claim) before its domain, and its own domain.
 * The caller has an op of the process that @d, another user domain of the
 * process that devices are attached to and that has mappings, can take (an
 * unmap of its range; a map that overlaps nothing live there, as type1
 * refuses overlapping maps in a container: its probe of a new domain, or
 * its replay into one it could not join, lands on the container's
 * mappings).  With the join's three stays before it, @fresh was @d: its
 * devices are moved into @d, and @d is returned; else @fresh is.  Kernels
 * before the blocking domain (5.19) are not told so.
 */
static uint32_t settle_join(struct iorep_model *m, uint32_t fresh, uint32_t d)
{
	struct iorep_domain *f = &m->domains[fresh], *to = &m->domains[d];
	struct iorep_epoch *e;
	uint32_t k;

	if (fresh == d || f->kind != IOREP_DOM_USER || f->maps || f->unmaps || !f->attached ||
	    to->kind != IOREP_DOM_USER || !to->attached || !to->maps ||
	    f->owner_pid != to->owner_pid)
		return fresh;
	/* a join's three blocked stays (claim, trial domain, blocking again) */
	for (k = 0; k < m->ndevices; k++) {
		if (iorep_model_device_domain(m, k) != fresh)
			continue;
		e = &m->devices[k].epochs[m->devices[k].nepochs - 1];
		if (m->devices[k].nepochs < 4 || !blocked_stay(m, &e[-1]) ||
		    !blocked_stay(m, &e[-2]) || !blocked_stay(m, &e[-3]))
			return fresh;
	}
	for (k = 0; k < m->ndevices && f->attached; k++) {
		if (iorep_model_device_domain(m, k) != fresh)
			continue;
		e = &m->devices[k].epochs[m->devices[k].nepochs - 1];
		e->domain = d;
		e->ops_at_open = to->maps + to->unmaps;
		f->attached--;
		to->attached++;
	}
	/* what the model took for a domain was an attach to the container's: it
	 * holds nothing, as the trial and blocking domains before it */
	f->kind = IOREP_DOM_BLOCKED;
	f->owner_pid = -1;
	f->owner_comm = NULL;
	m->epoch_gen++;
	return d;
}

/* The process's user domain, other than @not, that devices are attached to and that has maps. */
static uint32_t container_domain(const struct iorep_model *m, int32_t proc, uint32_t not)
{
	const struct iorep_domain *d;
	uint32_t i, k;

	for (k = m->nuser_doms; k-- > 0;) {
		i = m->user_doms[k];
		d = &m->domains[i];
		if (i != not && d->kind == IOREP_DOM_USER && d->owner_pid == proc && d->attached &&
		    d->maps)
			return i;
	}
	return IOREP_NONE;
}

/*
 * A map or unmap nobody claimed: the process that owns a user domain, or
 * the pool.  A process is its thread group when the input names it (QEMU
 * maps from its vCPU threads too), else its task.
 */
static int process_unattributed(struct iorep_model *m, const struct iorep_mapev *ev)
{
	int32_t proc = iorep_event_proc(ev->pid, ev->tgid);
	struct iorep_domain *d;
	uint32_t i, k, dom = IOREP_NONE;
	int ret;

	/* user domains only: a machine may have a million DMA domains, VFIO few;
	 * and only for an event whose process the input names (dmesg does not),
	 * made where VFIO and iommufd map and unmap (they sleep: never in an
	 * interrupt, nor with interrupts or bottom halves off) */
	if (ev->ctx & IOREP_CTX_ATOMIC) {
		proc = -1;
	} else if (proc > 0 && ev->type == IOREP_EV_MAP) {
		for (k = m->nuser_doms; k-- > 0;) {
			i = m->user_doms[k];
			d = &m->domains[i];
			if (d->kind == IOREP_DOM_USER && d->owner_pid == proc && d->attached) {
				dom = i;
				break;
			}
		}
		/* a group that joined the container: see settle_join() */
		if (dom != IOREP_NONE && !m->domains[dom].maps &&
		    (i = container_domain(m, proc, dom)) != IOREP_NONE && ev->size &&
		    iorep_ivmap_range_valid(ev->iova, ev->iova + ev->size) &&
		    !iorep_ivmap_overlap_first(&m->domains[i].live, ev->iova, ev->iova + ev->size))
			dom = settle_join(m, dom, i);
		if (dom == IOREP_NONE)
			dom = iorep_model_user_from_appear(m, proc, ev->comm);
	} else if (proc > 0) {
		/* an unmap: a user domain of the process that holds the range (it may
		 * have been left: VFIO unmaps at container release), else the one
		 * attached now if the process mapped into it: one nothing was mapped
		 * into may be no user domain at all (a sysfs type change, see
		 * iorep_model_driver_dma()), and the unmap another's, made in the
		 * process's context */
		bool holds = false;

		for (k = m->nuser_doms; k-- > 0;) {
			i = m->user_doms[k];
			d = &m->domains[i];
			if (d->kind != IOREP_DOM_USER || d->owner_pid != proc)
				continue;
			if (iorep_ivmap_overlap_first(&d->live, ev->iova, ev->iova + ev->size)) {
				dom = i;
				holds = true;
				break;
			}
			if (d->attached && d->maps && dom == IOREP_NONE)
				dom = i;
		}
		if (dom != IOREP_NONE && !holds && ev->size &&
		    iorep_ivmap_range_valid(ev->iova, ev->iova + ev->size)) {
			if ((ret = move_from_pool(m, ev, dom)) < 0)
				return ret;
			/* nothing came: a mapping the pool holds there is the unmap's
			 * (the DMA API's, mapped in an interrupt, unmapped here) */
			if (!ret && m->pool != IOREP_NONE &&
			    iorep_ivmap_overlap_first(&m->domains[m->pool].live, ev->iova,
						      ev->iova + ev->size))
				dom = IOREP_NONE;
		}
		/* the unmap is the container's: a group that joined it is in it */
		for (k = m->nuser_doms; dom != IOREP_NONE && k-- > 0;) {
			i = m->user_doms[k];
			d = &m->domains[i];
			if (d->kind == IOREP_DOM_USER && d->owner_pid == proc && d->attached &&
			    !d->maps && !d->unmaps) {
				settle_join(m, i, dom);
				break;
			}
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
		if (in_interrupt(ev) && ev->type == IOREP_EV_UNMAP && ev->size &&
		    iorep_ivmap_range_valid(ev->iova, ev->iova + ev->size) &&
		    (ret = move_to_pool(m, ev, dom)) < 0)
			return ret;
	}
	return ev->type == IOREP_EV_MAP ? iorep_model_map(m, ev, dom, IOREP_NONE, 0)
					: iorep_model_unmap(m, ev, dom, IOREP_NONE);
}

int iorep_model_take_mapev(struct iorep_model *m, const struct iorep_mapev *ev, bool claimed,
			   uint32_t dev)
{
	uint32_t dom;

	/* a dma:* event without a device (a damaged record) names nobody */
	if (!claimed || dev == IOREP_NONE)
		return process_unattributed(m, ev);
	if (ev->type == IOREP_EV_MAP)
		iorep_model_driver_dma(m, dev, IOREP_DOM_DMA);
	dom = iorep_model_device_target(m, dev, ev->ts);
	if (dom == IOREP_NONE)
		return m->error ? m->error : process_unattributed(m, ev);
	if (ev->type == IOREP_EV_MAP)
		m->stats.attributed_maps++;
	else
		m->stats.attributed_unmaps++;
	return ev->type == IOREP_EV_MAP ? iorep_model_map(m, ev, dom, dev, 0)
					: iorep_model_unmap(m, ev, dom, dev);
}

int iorep_model_take_direct(struct iorep_model *m, const struct iorep_mapev *ev, uint32_t dev)
{
	int32_t group = m->devices[dev].group;
	uint32_t dom, gi = group < 0 ? IOREP_NONE : iorep_model_group_find(m, group);

	/*
	 * Its group's DMA domain, which the attach after it joins.  A group not
	 * named yet (6.1 names a hot-plugged device's after the attach, a trace
	 * may start after the add), or one whose last device was removed (it
	 * comes back new with the next add), has no domain to give: the map is
	 * nobody's.
	 */
	if (ev->type != IOREP_EV_MAP || gi == IOREP_NONE || m->groups[gi].emptied)
		return process_unattributed(m, ev);
	dom = m->groups[gi].domain;
	m->stats.direct_maps++;
	m->domains[dom].direct_maps++;
	/* the region is of a device of the group: the attach's, as near as the trace tells */
	return iorep_model_map(m, ev, dom, dev, IOREP_MAP_DIRECT);
}
