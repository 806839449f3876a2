// SPDX-License-Identifier: MIT
/*
 * The domain of a map or unmap that the attribution stage let go (see
 * model-attrib.h): the domain of the device whose dma:* event claimed it,
 * its group's DMA domain for a direct map, else the user domain of the
 * process that made it, else the pool.
 */
#include "iorep-error.h"
#include "model-local.h"

/* A map or unmap nobody claimed: the process that owns a user domain, or the pool. */
static int process_unattributed(struct iorep_model *m, const struct iorep_mapev *ev)
{
	struct iorep_domain *d;
	uint32_t i, k, dom = IOREP_NONE;

	/* user domains only: a machine may have a million DMA domains, VFIO few;
	 * and only for an event whose process the input names (dmesg does not) */
	if (ev->pid > 0 && ev->type == IOREP_EV_MAP) {
		for (k = m->nuser_doms; k-- > 0;) {
			i = m->user_doms[k];
			d = &m->domains[i];
			if (d->kind == IOREP_DOM_USER && d->owner_pid == ev->pid && d->attached) {
				dom = i;
				break;
			}
		}
		if (dom == IOREP_NONE)
			dom = iorep_model_user_from_appear(m, ev->pid, ev->comm);
	} else if (ev->pid > 0) {
		/* an unmap: a user domain of the process that holds the range (it may
		 * have been left: VFIO unmaps at container release), else the one
		 * attached now if the process mapped into it: one nothing was mapped
		 * into may be no user domain at all (a sysfs type change, see
		 * iorep_model_driver_dma()), and the unmap another's, made in the
		 * process's context */
		for (k = m->nuser_doms; k-- > 0;) {
			i = m->user_doms[k];
			d = &m->domains[i];
			if (d->kind != IOREP_DOM_USER || d->owner_pid != ev->pid)
				continue;
			if (iorep_ivmap_overlap_first(&d->live, ev->iova, ev->iova + ev->size)) {
				dom = i;
				break;
			}
			if (d->attached && d->maps && dom == IOREP_NONE)
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
