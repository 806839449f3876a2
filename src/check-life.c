// SPDX-License-Identifier: MIT
/*
 * Checks on lifetimes: domains left with mappings (leaks), groups whose
 * devices sit in different domains (split groups), and what is still
 * mapped at the end of the trace (outstanding).
 *
 * A user domain left by its last device is not torn down at once: VFIO
 * unmaps what the program left mapped when the container is released,
 * after the device went back.  So a left domain's mappings are leaks only
 * if they are still live at the end of the trace.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>

#include "iorep-error.h"
#include "iorep-print.h"
#include "model-local.h"

#define LEAKS_PER_DOMAIN 100	/* leak findings per domain; the rest are summed up */

void iorep_check_domain_left(struct iorep_model *m, uint32_t dom, uint32_t dev, uint64_t ts)
{
	m->domains[dom].left = ts;
}

void iorep_model_mark_group_dirty(struct iorep_model *m, int32_t group)
{
	uint32_t gi = group < 0 ? IOREP_NONE : iorep_model_group_find(m, group);

	if (gi == IOREP_NONE || m->groups[gi].dirty)
		return;
	if (iorep_model_list_add(m, &m->dirty, &m->ndirty, &m->dirty_cap, gi) == 0)
		m->groups[gi].dirty = true;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Devices of one group in different (non-blocking) domains once the attaches settle. */
void iorep_check_groups(struct iorep_model *m)
{
	struct iorep_group *g;
	uint32_t gi, i, k, first, dom;

	/* the groups marked since the last call, in group order */
	if (m->ndirty > 1)
		qsort(m->dirty, m->ndirty, sizeof(*m->dirty), u32_cmp);
	for (k = 0; k < m->ndirty; k++) {
		gi = m->dirty[k];
		g = &m->groups[gi];
		if (!g->dirty)
			continue;
		g->dirty = false;
		first = IOREP_NONE;
		for (i = 0; i < g->ndevices; i++) {
			dom = iorep_model_device_domain(m, g->devices[i]);
			if (dom == IOREP_NONE || m->domains[dom].kind == IOREP_DOM_BLOCKED)
				continue;
			if (first == IOREP_NONE) {
				first = dom;
				continue;
			}
			if (dom != first && !g->split_reported) {
				g->split_reported = true;
				iorep_model_add_finding(
					m, IOREP_FIND_SPLIT_GROUP, NULL, m->last_ts, g->devices[i], dom,
					false, 0, 0,
					"group %d is split: %s is in a %s domain while %s is in a %s "
					"domain; a group can only be assigned whole",
					g->id, m->devices[g->devices[i]].name,
					iorep_domain_kind_name(m->domains[dom].kind),
					m->devices[g->devices[0]].name,
					iorep_domain_kind_name(m->domains[first].kind));
			}
		}
	}
	m->ndirty = 0;
}

/*
 * The device a mapping is of: the one whose dma:* event claimed its map
 * (a group's devices share its domain), else @dev, the domain's.
 */
static uint32_t maker(const struct iorep_ivmap_node *n, uint32_t dev)
{
	return n->val.owner != IOREP_NONE ? n->val.owner : dev;
}

/*
 * The Arm SMMUs and virtio-iommu reserve [0x8000000, +1 MiB) for MSIs the
 * kernel maps itself (IOMMU_RESV_SW_MSI).  When a device of an unmanaged
 * domain (VFIO's) turns MSIs on, the kernel maps the interrupt controller's
 * doorbell page there (iommu_dma_get_msi_page(): one IOMMU page, 4 to 64
 * KiB), in the task that asked, and never unmaps it: it goes with the
 * domain.  A DMA domain's doorbell is mapped at an IOVA of its allocator.
 */
#define SW_MSI_BASE 0x8000000ULL
#define SW_MSI_LAST (SW_MSI_BASE + 0x100000ULL - 1)
#define MSI_PAGE_MAX 0x10000ULL

enum doorbell { NOT_DOORBELL, MAYBE_DOORBELL, DOORBELL };

/*
 * Whether live mapping @n of domain @di is such a doorbell: one page in
 * the window, that no dma:* event claimed, on an Arm machine or, where the
 * machine is not known, of a physical page the kernel also mapped in a
 * domain no process owns (the doorbell of a device with a kernel driver).
 * Maybe: such a page, the machine not known, and no other mapping of it.
 */
static enum doorbell msi_doorbell(const struct iorep_model *m, uint32_t di,
				  const struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node *o;
	uint32_t i;

	if (n->start < SW_MSI_BASE || n->last > SW_MSI_LAST || n->last - n->start >= MSI_PAGE_MAX ||
	    n->val.owner != IOREP_NONE)
		return NOT_DOORBELL;
	if (m->machine)
		return m->sw_msi ? DOORBELL : NOT_DOORBELL;
	if (!n->val.paddr)
		return MAYBE_DOORBELL; /* no physical address to find elsewhere */
	for (i = 0; i < m->ndomains; i++) {
		if (i == di ||
		    (m->domains[i].kind != IOREP_DOM_DMA && m->domains[i].kind != IOREP_DOM_POOL))
			continue;
		iorep_ivmap_for_each(o, &m->domains[i].live) {
			if (o->val.paddr == n->val.paddr && o->val.owner == IOREP_NONE &&
			    o->last - o->start < MSI_PAGE_MAX)
				return DOORBELL;
		}
	}
	return MAYBE_DOORBELL;
}

/*
 * The leak of mapping @n of domain @di (its device @dev), listed; as info
 * when @maybe_doorbell, which the message then says.
 */
static void leak_finding(struct iorep_model *m, uint32_t di, struct iorep_ivmap_node *n,
			 uint32_t dev, bool maybe_doorbell)
{
	const struct iorep_domain *d = &m->domains[di];
	uint64_t len = n->last + 1 - n->start;
	uint32_t idx = m->nfindings;
	char size[32];

	iorep_print_bytes(size, sizeof(size), len);
	if (iorep_model_add_finding(
		    m, IOREP_FIND_LEAK, NULL, d->left, maker(n, dev), di, true, n->start, len,
		    "[0x%" PRIx64 ", 0x%" PRIx64 ") (%s, mapped at %" PRIu64 ".%06" PRIu64
		    ") still mapped when the %s domain%s%s was left at %" PRIu64 ".%06" PRIu64
		    ", never unmapped%s",
		    n->start, n->last + 1, size, n->val.ts / 1000000000,
		    n->val.ts % 1000000000 / 1000, iorep_domain_kind_name(d->kind),
		    d->owner_comm ? " of " : "", d->owner_comm ? d->owner_comm : "",
		    d->left / 1000000000, d->left % 1000000000 / 1000,
		    maybe_doorbell ? "; on an Arm machine, which the input does not name (--machine), it "
				     "would be the MSI doorbell the kernel maps in this window "
				     "for as long as the domain lives" : "") < 0)
		return;
	iorep_model_finding_of_map(m, idx, IOREP_FIND_LEAK, n, d->left);
	if (maybe_doorbell)
		iorep_model_finding_as_info(m, idx, IOREP_FIND_LEAK, n->val.ts);
}

static void report_leaks(struct iorep_model *m, uint32_t di)
{
	struct iorep_domain *d = &m->domains[di];
	struct iorep_ivmap_node *n;
	uint32_t dev = iorep_model_domain_device(m, di), count = 0, idx;
	uint64_t bytes = 0, newest = 0;
	enum doorbell door;
	char size[32];

	iorep_ivmap_for_each(n, &d->live) {
		/* a reserved region is mapped as long as its domain lives, an MSI doorbell too */
		if (n->val.flags & IOREP_MAP_DIRECT)
			continue;
		door = msi_doorbell(m, di, n);
		if (door == DOORBELL)
			continue;
		if (door == MAYBE_DOORBELL) {
			leak_finding(m, di, n, dev, true);
			continue;
		}
		count++;
		bytes += n->last + 1 - n->start;
		if (count > LEAKS_PER_DOMAIN) {
			if (n->val.ts > newest)
				newest = n->val.ts;
			continue;
		}
		leak_finding(m, di, n, dev, false);
	}
	if (count > LEAKS_PER_DOMAIN) {
		iorep_print_bytes(size, sizeof(size), bytes);
		idx = m->nfindings;
		iorep_model_add_finding(m, IOREP_FIND_LEAK, NULL, d->left, dev, di, false, 0, bytes,
					"and %u more leaked mappings of the same domain (%s in all)",
					count - LEAKS_PER_DOMAIN, size);
		/* they rest on their maps: when even the last of them is before the
		 * trace is whole, each may have its unmap among events lost */
		iorep_model_finding_since(m, idx, IOREP_FIND_LEAK, newest);
	}
}

/* What of @count live mappings @ndirect direct maps made (a reserved region's each), or "". */
static void direct_note(char *buf, size_t len, size_t ndirect, size_t count)
{
	if (!ndirect)
		buf[0] = '\0';
	else if (count == 1)
		snprintf(buf, len, ", a reserved region mapped 1:1");
	else if (ndirect == count)
		snprintf(buf, len, ", all of them reserved regions mapped 1:1");
	else if (ndirect == 1)
		snprintf(buf, len, ", 1 of them a reserved region mapped 1:1");
	else
		snprintf(buf, len, ", %zu of them reserved regions mapped 1:1", ndirect);
}

static void report_outstanding(struct iorep_model *m, uint32_t di)
{
	struct iorep_domain *d = &m->domains[di];
	struct iorep_ivmap_node *n, *oldest = NULL;
	uint64_t bytes = iorep_ivmap_bytes(&d->live);
	size_t count = iorep_ivmap_count(&d->live), ndirect = 0;
	bool oldest_direct = false;
	uint32_t idx, dev;
	char size[32], direct[64];

	if (!count)
		return;
	/* the oldest a driver made, before any direct one (those live as long as the domain) */
	iorep_ivmap_for_each(n, &d->live) {
		bool is_direct = n->val.flags & IOREP_MAP_DIRECT;

		ndirect += is_direct;
		if (!oldest || (oldest_direct && !is_direct) ||
		    (oldest_direct == is_direct && n->val.ts < oldest->val.ts)) {
			oldest = n;
			oldest_direct = is_direct;
		}
	}
	direct_note(direct, sizeof(direct), ndirect, count);
	dev = d->kind == IOREP_DOM_POOL ? IOREP_NONE :
					  maker(oldest, iorep_model_domain_device(m, di));
	iorep_print_bytes(size, sizeof(size), bytes);
	idx = m->nfindings;
	if (iorep_model_add_finding(
		    m, IOREP_FIND_OUTSTANDING, NULL, m->last_ts, dev, di, true, oldest->start,
		    oldest->last + 1 - oldest->start,
		    "%zu mapping%s (%s%s) live at the end of the trace in the %s domain%s; oldest "
		    "[0x%" PRIx64 ", 0x%" PRIx64 ") mapped %" PRIu64 ".%06" PRIu64 " s before the end",
		    count, count == 1 ? "" : "s", size, direct, iorep_domain_kind_name(d->kind),
		    d->group >= 0 ? " of its group" : "", oldest->start, oldest->last + 1,
		    (m->last_ts - oldest->val.ts) / 1000000000,
		    (m->last_ts - oldest->val.ts) % 1000000000 / 1000) == 0)
		iorep_model_finding_of_map(m, idx, IOREP_FIND_OUTSTANDING, oldest, m->last_ts);
}

static void report_dma_outstanding(struct iorep_model *m, uint32_t dev)
{
	struct iorep_device *d = &m->devices[dev];
	struct iorep_ivmap_node *n, *oldest = NULL;
	uint64_t bytes = 0;
	uint32_t count = 0, idx;
	char size[32];

	iorep_ivmap_for_each(n, &d->dma_live) {
		if (n->val.flags & 4u)	/* reported as a leak already */
			continue;
		count++;
		bytes += n->last + 1 - n->start;
		if (!oldest || n->val.ts < oldest->val.ts)
			oldest = n;
	}
	if (!count)
		return;
	iorep_print_bytes(size, sizeof(size), bytes);
	idx = m->nfindings;
	if (iorep_model_add_finding(m, IOREP_FIND_DMA_API_OUTSTANDING, NULL, m->last_ts, dev,
				IOREP_NONE, true, oldest->start, oldest->last + 1 - oldest->start,
				"%u DMA-API handle%s (%s) of %s live at the end of the trace; oldest "
				"0x%" PRIx64 " made at %" PRIu64 ".%06" PRIu64,
				count, count == 1 ? "" : "s", size, d->name, oldest->start,
				oldest->val.ts / 1000000000, oldest->val.ts % 1000000000 / 1000) == 0)
		iorep_model_finding_of_map(m, idx, IOREP_FIND_DMA_API_OUTSTANDING, oldest,
					   m->last_ts);
}

/*
 * Whether DMA domain @di was freed with its group: every device of the group
 * was removed, and the group is empty still or came back with a new domain.
 */
static bool dma_domain_freed(const struct iorep_model *m, uint32_t di)
{
	const struct iorep_domain *d = &m->domains[di];
	uint32_t gi = d->group >= 0 ? iorep_model_group_find(m, d->group) : IOREP_NONE;

	if ((d->kind != IOREP_DOM_DMA && d->kind != IOREP_DOM_IDENTITY) || d->attached ||
	    d->left == IOREP_TS_OPEN || gi == IOREP_NONE)
		return false;
	return !m->groups[gi].ndevices || m->groups[gi].domain != di;
}

void iorep_check_finish(struct iorep_model *m)
{
	struct iorep_domain *d;
	uint32_t i;

	for (i = 0; i < m->ndomains; i++) {
		d = &m->domains[i];
		if (!iorep_ivmap_count(&d->live))
			continue;
		if (d->kind == IOREP_DOM_USER && !d->attached && d->left != IOREP_TS_OPEN)
			report_leaks(m, i);
		else if (dma_domain_freed(m, i))
			report_leaks(m, i);
		else
			report_outstanding(m, i);
	}
	for (i = 0; i < m->ndevices; i++)
		report_dma_outstanding(m, i);
}
