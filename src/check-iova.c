// SPDX-License-Identifier: MIT
/*
 * Mappings of one domain, and the checks on them: overlapping maps, double,
 * partial, mismatched and unmatched unmaps, and page faults correlated with
 * the history of their IOVA.
 *
 * What the real captures taught: with Intel VT-d a second unmap of a range
 * reports unmapped_size equal to the request, and an unmap of a never
 * mapped page reported 0x200000, so a double unmap is decided by the
 * history this trace saw (live, then unmapped, not mapped again), not by
 * unmapped_size.  One map per contiguous chunk may be undone by one unmap
 * of the whole range, and a range may be unmapped page by page: neither is a
 * finding.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "iorep-print.h"
#include "model-local.h"

static const char *dev_name(const struct iorep_model *m, uint32_t dev)
{
	return dev == IOREP_NONE ? "-" : m->devices[dev].name;
}

static bool domain_in_trace(const struct iorep_model *m, const struct iorep_domain *d)
{
	/* a user domain created by an attach this trace saw: all its maps are in the trace */
	return d->kind == IOREP_DOM_USER;
}

static void update_peaks(struct iorep_model *m, struct iorep_domain *d)
{
	size_t live = iorep_ivmap_count(&d->live);
	uint64_t bytes = iorep_ivmap_bytes(&d->live);

	if (live > d->peak_live)
		d->peak_live = live;
	if (bytes > d->peak_bytes)
		d->peak_bytes = bytes;
	if (m->stats.live > m->stats.peak_live)
		m->stats.peak_live = m->stats.live;
	if (m->stats.live_bytes > m->stats.peak_bytes)
		m->stats.peak_bytes = m->stats.live_bytes;
}

/* The event of @mv in @buf, for a finding (made rarely: only then is it built). */
static const struct iorep_event *finding_ev(const struct iorep_mapev *mv, struct iorep_event *buf)
{
	iorep_mapev_event(mv, buf);
	return buf;
}

int iorep_model_map(struct iorep_model *m, const struct iorep_mapev *ev, uint32_t di, uint32_t dev,
		    uint32_t flags)
{
	struct iorep_domain *d = &m->domains[di];
	struct iorep_ivmap_val val = { 0 };
	struct iorep_ivmap_node *n, *tmp, *live = NULL, *reuse = NULL, *spare = NULL, *front = NULL;
	struct iorep_ivmap_val rest;
	struct iorep_event fev;
	uint64_t end = ev->iova + ev->size, rest_end;
	int ret;

	if (!ev->size || !iorep_ivmap_range_valid(ev->iova, end))
		return 0;
	/* One walk: the first live mapping the map lands on, and the unmapped
	 * history of the range, which the map ends.  A dead node of exactly the
	 * range (the IOVA allocator handing the same range out again) comes
	 * back to life in place; else the first dead node inside the range,
	 * which the trim would remove, is kept to become the new mapping.  A
	 * dead node that starts with the range and goes on past it (an sg list
	 * mapped chunk by chunk where a longer one was unmapped whole) is cut
	 * at the range's end instead: it keeps its start, so its place in the
	 * table of nodes by start, and the rest becomes a dead node of its
	 * own, as a trim of its front would have left it. */
	iorep_ivmap_for_each_overlap_any_safe(n, tmp, &d->live, ev->iova, end) {
		if (!iorep_ivmap_node_dead(n)) {
			if (!live)
				live = n;
		} else if (!reuse && n->start == ev->iova && n->last == end - 1) {
			reuse = n;
		} else if (!spare && n->start >= ev->iova && n->last <= end - 1) {
			spare = n;
		} else if (n->start == ev->iova && iorep_ivmap_apart(&d->live)) {
			front = n; /* apart: the only node on the range */
		} else {
			ret = iorep_ivmap_trim(&d->live, n, ev->iova, end, NULL);
			if (ret < 0)
				return m->error = ret;
		}
	}
	if (front) {
		/* the rest as a trim of the front leaves it: paddr advanced past the cut */
		rest = front->val;
		rest.paddr += ev->size;
		rest_end = front->last + 1;
		ret = iorep_ivmap_trim(&d->live, front, end, rest_end, NULL);
		if (ret < 0)
			return m->error = ret;
		if (!iorep_ivmap_insert_dead(&d->live, end, rest_end, &rest))
			return m->error = -IOREP_ENOMEM;
		reuse = front;
	}
	if (d->kind != IOREP_DOM_POOL) {
		uint32_t idx = m->nfindings;

		n = live;
		if (n) {
			iorep_model_add_finding(
				m, IOREP_FIND_OVERLAPPING_MAP, finding_ev(ev, &fev), 0, dev, di, true,
				ev->iova, ev->size,
				"map of [0x%" PRIx64 ", 0x%" PRIx64 ") onto the live mapping "
				"[0x%" PRIx64 ", 0x%" PRIx64 ") of the same %s domain, mapped at "
				"%" PRIu64 ".%06" PRIu64,
				ev->iova, end, n->start, n->last + 1, iorep_domain_kind_name(d->kind),
				n->val.ts / 1000000000, n->val.ts % 1000000000 / 1000);
			/* its unmap may be among events lost before it */
			iorep_model_finding_since(m, idx, IOREP_FIND_OVERLAPPING_MAP, n->val.ts);
		}
	}
	val.paddr = ev->paddr;
	val.ts = ev->ts;
	val.pos = ev->pos;
	val.cpu = ev->cpu;
	val.pid = ev->pid;
	val.owner = dev;
	val.flags = (flags & ~IOREP_MAP_MOVED) | (ev->ctx & IOREP_CTX_ATOMIC ? IOREP_MAP_ATOMIC : 0);
	if (reuse && !live) {
		/* with no live node on the range, the revived one is last in its order too */
		if (spare)
			iorep_ivmap_remove(&d->live, spare);
		iorep_ivmap_revive(&d->live, reuse, &val);
	} else {
		if (reuse)
			iorep_ivmap_remove(&d->live, reuse);
		/* the spare's removal and the insert, in one; with no live node on
		 * the range, the walk has left the spare alone on it */
		if (!iorep_model_place(&d->live, spare, !live, ev->iova, end, &val, 0))
			return m->error = -IOREP_ENOMEM;
	}
	d->maps++;
	d->bytes_mapped += ev->size;
	if (flags & IOREP_MAP_MOVED) {
		update_peaks(m, d);
		return 0;
	}
	m->stats.maps++;
	m->stats.bytes_mapped += ev->size;
	m->stats.live++;
	m->stats.live_bytes += ev->size;
	if (dev != IOREP_NONE) {
		m->devices[dev].maps++;
		m->devices[dev].bytes_mapped += ev->size;
	}
	update_peaks(m, d);
	iorep_series_note(&m->series, ev->ts, m->stats.live, m->stats.live_bytes, true);
	return 0;
}

/*
 * Records [start, end) as unmapped by @ev: @reuse (a live node of exactly
 * that range, now unmapped) turns dead in place, else @spare (a node inside
 * the range that the unmap would have removed, or NULL) becomes a dead
 * node of the range, else one is added.  @alone: no node but @spare and
 * @reuse is left on the range.
 */
static int remember_dead(struct iorep_model *m, struct iorep_domain *d,
			 const struct iorep_mapev *ev, uint64_t start, uint64_t end, uint64_t map_ts,
			 struct iorep_ivmap_node *reuse, struct iorep_ivmap_node *spare, bool alone)
{
	/* a dead range has no physical address: paddr keeps when it was mapped (0: unknown) */
	struct iorep_ivmap_val val = {
		.paddr = map_ts, .ts = ev->ts, .pos = ev->pos, .cpu = ev->cpu, .pid = ev->pid
	};

	if (reuse) {
		if (spare)
			iorep_ivmap_remove(&d->live, spare);
		iorep_ivmap_kill(&d->live, reuse, &val);
	} else if (!iorep_model_place(&d->live, spare, alone, start, end, &val, 1)) {
		return m->error = -IOREP_ENOMEM;
	}
	iorep_model_history_note(m);
	return 0;
}

/*
 * Whether the driver unmapped more than asked, and what, as the kernel's
 * iommu_unmap() counts it: [iova, iova + unmapped_size).  Two readings,
 * each checked against the live mappings of @d, the first that fits wins:
 *
 * - whole mappings (virtio-iommu cannot split what one map request made,
 *   and removes every mapping that starts in the range): a mapping starts
 *   at the IOVA, and the range ends where a live mapping ends (the real
 *   virtio-iommu capture: VFIO's 4 KiB unmap of a 96 KiB mapping took it
 *   whole, and VFIO went on past it); a mapping that was one large page
 *   reads so too;
 * - a large page (VT-d and AMD clear the whole page and say so in
 *   unmapped_size; Arm splits the block and does not): unmapped_size is a
 *   power of two that the IOVA is aligned to, and the page lies in the
 *   live mapping that holds the IOVA, or that mapping starts at the IOVA
 *   and ends inside the page.  A page is never wider than the map call
 *   that made it, so a mapping may hold many: AMD maps a physically
 *   contiguous 96 KiB as six 16 KiB pages, and VFIO's type1 unmaps them
 *   4 KiB at a time, each unmap taking a page (the real AMD-Vi capture
 *   on 6.1).  An IOVA inside the page, not at its start, took the page
 *   too: unmapped_size, a power of two, is then the page's size, and the
 *   page the one of that size, aligned, that holds the IOVA, inside the
 *   live mapping (AMD-Vi cleared the whole 16 KiB page of a 16 KiB
 *   mapping for a 4 KiB unmap of its second page: the defects capture).
 *
 * Returns the live mapping at the IOVA, or NULL; *@base is where what went
 * starts (the IOVA, or its page's start).  A never-mapped IOVA gets a large
 * unmapped_size from VT-d too, with nothing there: that does not widen.
 */
static const struct iorep_ivmap_node *driver_widened(const struct iorep_domain *d,
						     const struct iorep_mapev *ev, uint64_t *base)
{
	const struct iorep_ivmap_node *n, *e;
	uint64_t us = ev->unmapped_size, page;

	*base = ev->iova;
	if (us <= ev->size || !iorep_ivmap_range_valid(ev->iova, ev->iova + us))
		return NULL;
	n = iorep_ivmap_find_containing(&d->live, ev->iova);
	if (!n)
		return NULL; /* nothing there */
	if (n->start == ev->iova) {
		e = iorep_ivmap_find_containing(&d->live, ev->iova + us - 1);
		if (e && e->last == ev->iova + us - 1)
			return n;
	}
	if (us & (us - 1))
		return NULL;
	if (!(ev->iova & (us - 1)) && n->last - ev->iova >= ev->size &&
	    (n->last - ev->iova >= us - 1 || n->start == ev->iova))
		return n;
	/* inside its page: the whole page lies in the mapping */
	if (iorep_unmap_page(ev, &page) && page != ev->iova && n->start <= page &&
	    n->last - page >= us - 1) {
		*base = page;
		return n;
	}
	return NULL;
}

/*
 * virtio-iommu's unmap removes every mapping that starts inside the range,
 * whole, and says the sum of their sizes (it refuses, 0, when one starts
 * before the range and reaches into it).  When the live mappings that start
 * in [iova, iova + size) add up to unmapped_size and one reaches past the
 * range, they went whole: the walk then runs to the end of the furthest,
 * and takes only them.  A mapping that starts past the range stays, though
 * it lies under one of them (the defects-dma capture's G, inside F, which
 * the unmap of H took with H).  *@end: where the walk ends.
 */
static bool whole_by_start(struct iorep_domain *d, const struct iorep_mapev *ev,
			   uint64_t *end)
{
	struct iorep_ivmap_node *n;
	uint64_t req_end = ev->iova + ev->size, sum = 0, top = req_end;

	if (ev->unmapped_size <= ev->size || !iorep_ivmap_range_valid(ev->iova, req_end) ||
	    !req_end)
		return false;
	iorep_ivmap_for_each_overlap(n, &d->live, ev->iova, req_end) {
		if (n->start < ev->iova || n->last == UINT64_MAX)
			return false;
		sum += n->last + 1 - n->start;
		if (n->last + 1 > top)
			top = n->last + 1;
	}
	if (sum != ev->unmapped_size || top == req_end)
		return false;
	*end = top;
	return true;
}

static void count_unmap(struct iorep_model *m, struct iorep_domain *d,
			const struct iorep_mapev *ev, uint32_t dev)
{
	d->unmaps++;
	d->bytes_unmapped += ev->size;
	m->stats.unmaps++;
	m->stats.bytes_unmapped += ev->size;
	if (dev != IOREP_NONE)
		m->devices[dev].unmaps++;
}

/*
 * An unmap of live mappings that the driver says unmapped nothing
 * (unmapped_size 0): they stay mapped.  virtio-iommu refuses to split a
 * mapping, so a 4 KiB unmap inside a 16 KiB mapping unmaps nothing (the
 * defects capture), and a later unmap at its start takes it whole.
 */
static int refused_unmap(struct iorep_model *m, uint32_t di, const struct iorep_mapev *ev,
			 uint32_t dev, const struct iorep_ivmap_node *n)
{
	struct iorep_event fev;

	count_unmap(m, &m->domains[di], ev, dev);
	return iorep_model_add_finding(
		m, IOREP_FIND_UNMAP_SIZE_MISMATCH, finding_ev(ev, &fev), 0, dev, di, true,
		ev->iova, ev->size,
		"unmap of [0x%" PRIx64 ", 0x%" PRIx64 ") asked for %" PRIu64 " bytes, the driver "
		"unmapped 0: [0x%" PRIx64 ", 0x%" PRIx64 "), mapped at %" PRIu64 ".%06" PRIu64
		", stays mapped",
		ev->iova, ev->iova + ev->size, ev->size, n->start, n->last + 1,
		n->val.ts / 1000000000, n->val.ts % 1000000000 / 1000);
}

/*
 * An unmap of 0 bytes: how iommu_map() undoes a map that the driver
 * refused before it mapped a page (the rollback unmaps what was mapped,
 * nothing), with no map event.  At an IOVA this domain holds live, the
 * refused map was one onto it: the Arm SMMU refuses one with -EEXIST
 * where VT-d, AMD-Vi and virtio-iommu take it (the defects captures), so
 * it is the same overlapping_map, said as what the trace shows.
 */
static int refused_map(struct iorep_model *m, uint32_t di, const struct iorep_mapev *ev,
		       uint32_t dev)
{
	const struct iorep_ivmap_node *n = iorep_ivmap_find_containing(&m->domains[di].live,
								       ev->iova);
	struct iorep_event fev;
	uint32_t idx = m->nfindings;
	int ret;

	if (!n)
		return 0;
	ret = iorep_model_add_finding(
		m, IOREP_FIND_OVERLAPPING_MAP, finding_ev(ev, &fev), 0, dev, di, true, ev->iova, 0,
		"unmap of 0 bytes at 0x%" PRIx64 ", how the kernel undoes a map the driver "
		"refused: a map onto the live mapping [0x%" PRIx64 ", 0x%" PRIx64 ") of the same "
		"%s domain, mapped at %" PRIu64 ".%06" PRIu64,
		ev->iova, n->start, n->last + 1, iorep_domain_kind_name(m->domains[di].kind),
		n->val.ts / 1000000000, n->val.ts % 1000000000 / 1000);
	iorep_model_finding_since(m, idx, IOREP_FIND_OVERLAPPING_MAP, n->val.ts);
	return ret;
}

/*
 * An unmap of a range this domain never had (its whole life in the trace)
 * that the driver unmapped whole, ending where a live mapping starts: how
 * iommu_map() undoes a map that the driver refused part way, at that
 * mapping, after mapping the pages before it (no map event is traced for
 * it).  The Arm SMMU refuses a map onto a live page with -EEXIST (the
 * defects-dma capture's H, its second page on F's first).  Reported as the
 * overlapping_map it was; true when it was one.
 */
static bool rolled_back(struct iorep_model *m, uint32_t di, const struct iorep_mapev *ev,
			uint32_t dev)
{
	const struct iorep_domain *d = &m->domains[di];
	const struct iorep_ivmap_node *n;
	struct iorep_event fev;
	uint32_t idx = m->nfindings;
	uint64_t end = ev->iova + ev->size;

	if (d->kind == IOREP_DOM_POOL || !(ev->have & 1u << IOREP_F_UNMAPPED_SIZE) ||
	    ev->unmapped_size != ev->size || !end || !domain_in_trace(m, d))
		return false;
	n = iorep_ivmap_find_containing(&d->live, end);
	if (!n || n->start != end)
		return false;
	iorep_model_add_finding(
		m, IOREP_FIND_OVERLAPPING_MAP, finding_ev(ev, &fev), 0, dev, di, true, ev->iova,
		ev->size,
		"unmap of [0x%" PRIx64 ", 0x%" PRIx64 "), which no map made, unmapped whole just "
		"before the live mapping [0x%" PRIx64 ", 0x%" PRIx64 ") of the same %s domain "
		"(mapped at %" PRIu64 ".%06" PRIu64 "): how the kernel undoes a map the driver "
		"refused part way, a map onto that mapping",
		ev->iova, end, n->start, n->last + 1, iorep_domain_kind_name(d->kind),
		n->val.ts / 1000000000, n->val.ts % 1000000000 / 1000);
	iorep_model_finding_since(m, idx, IOREP_FIND_OVERLAPPING_MAP, n->val.ts);
	return true;
}

int iorep_model_unmap(struct iorep_model *m, const struct iorep_mapev *ev, uint32_t di,
		      uint32_t dev)
{
	struct iorep_domain *d = &m->domains[di];
	struct iorep_ivmap_node *n, *tmp, *reuse = NULL, *spare = NULL;
	uint64_t start = ev->iova, end = start + ev->size, req_end = end, covered = 0, lo, hi;
	uint64_t dead_ts = 0;
	uint64_t map_ts = 0, wide_ts = 0;
	bool pool = d->kind == IOREP_DOM_POOL, seen_dead = false, in_dead, done = false;
	const struct iorep_ivmap_node *wide;
	bool wide_one = false, by_start = false;
	bool has_unmapped = ev->have & 1u << IOREP_F_UNMAPPED_SIZE;
	struct iorep_event fev;
	char msg[300];
	int ret;

	if (!ev->size && !pool)
		return refused_map(m, di, ev, dev);
	if (!ev->size || !iorep_ivmap_range_valid(ev->iova, end))
		return 0;
	if (has_unmapped && !ev->unmapped_size && !pool &&
	    (n = iorep_ivmap_overlap_first(&d->live, ev->iova, end)))
		return refused_unmap(m, di, ev, dev, n);
	wide = !pool && has_unmapped ? driver_widened(d, ev, &start) : NULL;
	if (wide) {
		end = start + ev->unmapped_size;	/* what the driver took went */
		wide_ts = wide->val.ts;
		wide_one = wide->last >= end - 1;
	} else if (!pool && has_unmapped && whole_by_start(d, ev, &end)) {
		by_start = true;
	}
	/* One walk over the range: live mappings are unmapped, the unmapped
	 * history is read (the first dead node) and ended (the unmap's own
	 * record replaces it).  The first node that the walk would remove
	 * whole is kept as the @spare that becomes that record. */
	iorep_ivmap_for_each_overlap_any_safe(n, tmp, &d->live, start, end) {
		if (iorep_ivmap_node_dead(n)) {
			if (!seen_dead) {
				seen_dead = true;
				dead_ts = n->val.ts;
			}
			if (!spare && n->start >= start && n->last <= end - 1) {
				spare = n;
				continue;
			}
			ret = iorep_ivmap_trim(&d->live, n, start, end, NULL);
			if (ret < 0)
				return m->error = ret;
			continue;
		}
		if (done || (by_start && (n->start < ev->iova || n->start >= req_end)))
			continue;
		lo = n->start > start ? n->start : start;
		hi = n->last + 1 < end && n->last + 1 != 0 ? n->last + 1 : end;
		covered += hi - lo;
		if (!map_ts || n->val.ts < map_ts)
			map_ts = n->val.ts;
		if (n->start >= start && (n->last + 1 <= end || end == 0)) {
			uint64_t life = ev->ts - n->val.ts;

			m->stats.lifetime_count++;
			m->stats.lifetime_sum_ns += life;
			if (life > m->stats.lifetime_max_ns)
				m->stats.lifetime_max_ns = life;
			m->stats.live--;
		}
		m->stats.live_bytes -= hi - lo;
		if (!reuse && n->start == start && n->last == end - 1) {
			reuse = n;	/* becomes the unmap's dead record */
		} else if (!spare && n->start >= start && n->last <= end - 1) {
			spare = n;
		} else {
			ret = iorep_ivmap_trim(&d->live, n, start, end, NULL);
			if (ret < 0)
				return m->error = ret;
			if (ret == IOREP_IVMAP_TRIM_SPLIT)
				m->stats.live++;
		}
		if (pool && covered >= ev->size)
			done = true;	/* in the pool, one domain's mapping is enough */
	}
	/* In the pool, an earlier unmap of the range may have been another
	 * domain's (every DMA domain allocates from the top of the 32-bit space
	 * down): history proves nothing there, and is only told. */
	in_dead = seen_dead && !pool;
	count_unmap(m, d, ev, dev);

	/* the driver agreeing that nothing was there is no mismatch */
	if (has_unmapped && ev->unmapped_size != ev->size && (ev->unmapped_size || covered)) {
		msg[0] = '\0';
		if (by_start)
			snprintf(msg, sizeof(msg),
				 ": the mappings that start in it went whole, to 0x%" PRIx64, end);
		if (wide)
			snprintf(msg, sizeof(msg),
				 ": [0x%" PRIx64 ", 0x%" PRIx64 ") of the mapping%s made at %" PRIu64
				 ".%06" PRIu64 "%s went whole",
				 start, end, wide_one ? "" : "s from the one",
				 wide_ts / 1000000000, wide_ts % 1000000000 / 1000, wide_one ? "" : " on");
		iorep_model_add_finding(
			m, ev->unmapped_size && ev->unmapped_size < ev->size ?
				   IOREP_FIND_PARTIAL_UNMAP : IOREP_FIND_UNMAP_SIZE_MISMATCH,
			finding_ev(ev, &fev), 0, dev, di, true, ev->iova, ev->size,
			"unmap of [0x%" PRIx64 ", 0x%" PRIx64 ") asked for %" PRIu64
			" bytes, the driver unmapped %" PRIu64 "%s",
			ev->iova, req_end, ev->size, ev->unmapped_size, msg);
	}

	/* nothing unmapped: a double unmap, unless the domain's whole history
	 * is in the trace and never had the range (AMD-Vi says 0 for it) */
	if (covered == 0 && (in_dead || (has_unmapped && !ev->unmapped_size &&
					 !domain_in_trace(m, d)))) {
		uint32_t idx = m->nfindings;

		if (in_dead)
			snprintf(msg, sizeof(msg),
				 "unmap of [0x%" PRIx64 ", 0x%" PRIx64 ") in the %s domain, already "
				 "unmapped at %" PRIu64 ".%06" PRIu64 " and not mapped since",
				 ev->iova, req_end, iorep_domain_kind_name(d->kind), dead_ts / 1000000000,
				 dead_ts % 1000000000 / 1000);
		else
			snprintf(msg, sizeof(msg),
				 "unmap of [0x%" PRIx64 ", 0x%" PRIx64 ") in the %s domain: the "
				 "driver unmapped nothing",
				 ev->iova, req_end, iorep_domain_kind_name(d->kind));
		iorep_model_add_finding(m, IOREP_FIND_DOUBLE_UNMAP, finding_ev(ev, &fev), 0, dev,
					di, true, ev->iova, ev->size, "%s", msg);
		/* the driver said nothing was there, but the map may predate the trace */
		if (!in_dead && m->nfindings > idx)
			m->findings[idx].suspected = true;
		/* a map since the first unmap may be among events lost */
		if (in_dead)
			iorep_model_finding_since(m, idx, IOREP_FIND_DOUBLE_UNMAP, dead_ts);
	} else if (covered == 0 && rolled_back(m, di, ev, dev)) {
		/* told as the map it undid; its range is remembered as unmapped below */
	} else if (covered == 0) {
		uint32_t idx = m->nfindings;
		bool never = domain_in_trace(m, d);

		if (never)
			snprintf(msg, sizeof(msg),
				 "unmap of [0x%" PRIx64 ", 0x%" PRIx64 ") that was never mapped in "
				 "this %s domain (created at %" PRIu64 ".%06" PRIu64 ")%s",
				 ev->iova, req_end, iorep_domain_kind_name(d->kind),
				 d->created / 1000000000, d->created % 1000000000 / 1000,
				 has_unmapped && !ev->unmapped_size ?
					 ": the driver unmapped nothing" : "");
		else if (seen_dead)	/* in the pool: told, not judged */
			snprintf(msg, sizeof(msg),
				 "unmap of [0x%" PRIx64 ", 0x%" PRIx64 ") already unmapped at %" PRIu64
				 ".%06" PRIu64 " and not mapped since, among mappings no event "
				 "attributes (that unmap may have been another domain's)",
				 ev->iova, req_end, dead_ts / 1000000000, dead_ts % 1000000000 / 1000);
		else
			snprintf(msg, sizeof(msg),
				 "unmap of [0x%" PRIx64 ", 0x%" PRIx64 ") not mapped in this trace "
				 "(%s domain; the map may predate the trace)",
				 ev->iova, req_end, iorep_domain_kind_name(d->kind));
		iorep_model_add_finding(m, IOREP_FIND_UNMATCHED_UNMAP, finding_ev(ev, &fev), 0,
					dev, di, true, ev->iova, ev->size, "%s", msg);
		/* a domain whose whole life is in the trace: a real bug (counted as
		 * one when past the listing limit too) */
		if (never && !m->error && d->created >= m->complete_from) {
			m->findings_by_sev[m->nfindings > idx ? m->findings[idx].severity :
					   iorep_finding_default_severity(IOREP_FIND_UNMATCHED_UNMAP)]--;
			if (m->nfindings > idx)
				m->findings[idx].severity = IOREP_SEV_ERROR;
			m->findings_by_sev[IOREP_SEV_ERROR]++;
			/* back to info if its map may be among events lost since the
			 * domain's creation, when the trace turns out whole from later */
			iorep_model_finding_since(m, idx, IOREP_FIND_UNMATCHED_UNMAP, d->created);
		}
	} else if (covered < ev->size && !pool) {
		uint32_t idx = m->nfindings;

		iorep_model_add_finding(
			m, in_dead ? IOREP_FIND_DOUBLE_UNMAP : IOREP_FIND_PARTIAL_UNMAP,
			finding_ev(ev, &fev), 0, dev, di, true, ev->iova, ev->size,
			"unmap of [0x%" PRIx64 ", 0x%" PRIx64 ") found only %" PRIu64
			" of its %" PRIu64 " bytes mapped%s",
			ev->iova, req_end, covered, ev->size,
			in_dead ? "; the rest was already unmapped" : "");
		if (in_dead)
			iorep_model_finding_since(m, idx, IOREP_FIND_DOUBLE_UNMAP, dead_ts);
	}
	/* the walk trimmed every other node off the range, but in the pool once done */
	if (remember_dead(m, d, ev, start, end, map_ts, reuse, spare, !done) < 0)
		return m->error;
	update_peaks(m, d);
	iorep_series_note(&m->series, ev->ts, m->stats.live, m->stats.live_bytes, false);
	return 0;
}

/* Adds the live and the unmapped range of @dom that hold @iova to @h. */
static void history_of(const struct iorep_model *m, uint32_t dom, uint64_t iova,
		       struct iorep_iova_event *h, uint32_t *n)
{
	const struct iorep_domain *d = &m->domains[dom];
	struct iorep_ivmap_node *node;
	uint32_t i;
	int pass;

	for (i = 0; i < *n; i++)
		if (h[i].domain == dom)
			return; /* looked at already (a device returns to its domains) */
	for (pass = 0; pass < 2 && *n < IOREP_FAULT_HISTORY_MAX; pass++) {
		node = pass ? iorep_ivmap_dead_find_containing(&d->live, iova) :
			      iorep_ivmap_find_containing(&d->live, iova);
		if (!node)
			continue;
		if (pass == 1 && node->val.paddr && *n + 1 < IOREP_FAULT_HISTORY_MAX) {
			/* the map the unmap ended (its process is not kept) */
			h[(*n)++] = (struct iorep_iova_event){ .ts = node->val.paddr,
							       .start = node->start,
							       .end = node->last + 1,
							       .domain = dom,
							       .pid = -1 };
		}
		h[(*n)++] = (struct iorep_iova_event){ .ts = node->val.ts,
						       .start = node->start,
						       .end = node->last + 1,
						       .domain = dom,
						       .pid = node->val.pid,
						       .unmap = pass == 1 };
	}
}

static int history_cmp(const void *a, const void *b)
{
	const struct iorep_iova_event *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->domain < y->domain ? -1 : x->domain > y->domain;
}

/*
 * A fault's history: what the fault's domain, and every other domain the
 * device has been in, last knew of the IOVA.  Attached to the finding just
 * made (the model's last).
 */
static int fault_history(struct iorep_model *m, uint32_t dev, uint32_t di, uint64_t iova)
{
	struct iorep_iova_event h[IOREP_FAULT_HISTORY_MAX];
	struct iorep_finding *f = &m->findings[m->nfindings - 1];
	uint32_t n = 0, e, dom;

	if (di != IOREP_NONE)
		history_of(m, di, iova, h, &n);
	/* nothing there: what the unattributed mappings knew (see pool_state()) */
	if (!n && m->pool != IOREP_NONE && m->pool != di)
		history_of(m, m->pool, iova, h, &n);
	/* one lookup per epoch: a domain without the IOVA costs O(log n) again, no more */
	for (e = 0; dev != IOREP_NONE && e < m->devices[dev].nepochs; e++) {
		dom = m->devices[dev].epochs[e].domain;
		if (n == IOREP_FAULT_HISTORY_MAX)
			break;
		if (dom != IOREP_NONE)
			history_of(m, dom, iova, h, &n);
	}
	if (!n)
		return 0;
	qsort(h, n, sizeof(h[0]), history_cmp);
	f->history = malloc(sizeof(h[0]) * n);
	if (!f->history)
		return m->error = -IOREP_ENOMEM;
	memcpy(f->history, h, sizeof(h[0]) * n);
	f->nhistory = n;
	return 0;
}

/* The live mapping of @d that holds @iova (*@live), else its unmapped range there, else NULL. */
static const struct iorep_ivmap_node *iova_seen(const struct iorep_domain *d, uint64_t iova,
						bool *live)
{
	const struct iorep_ivmap_node *n = iorep_ivmap_find_containing(&d->live, iova);

	*live = n != NULL;
	return n ? n : iorep_ivmap_dead_find_containing(&d->live, iova);
}

/*
 * A fault at an IOVA its device's domain never had: what the pool, the
 * mappings no event attributes to a domain (all of them on a kernel without
 * dma:* events), knows of it, after @state.
 */
static void pool_state(const struct iorep_model *m, uint32_t di, const struct iorep_event *ev,
		       char *state, size_t size)
{
	const struct iorep_ivmap_node *n;
	size_t len = strlen(state);
	bool live;

	if (m->pool == IOREP_NONE || m->pool == di)
		return;
	n = iova_seen(&m->domains[m->pool], ev->iova, &live);
	if (n && live) {
		snprintf(state + len, size - len,
			 "; among mappings no event attributes it is live since %" PRIu64
			 ".%06" PRIu64,
			 n->val.ts / 1000000000, n->val.ts % 1000000000 / 1000);
	} else if (n) {
		snprintf(state + len, size - len,
			 "; among mappings no event attributes it was unmapped %" PRIu64 " us before",
			 (ev->ts - n->val.ts) / 1000);
	}
}

/*
 * The device a fault of the kernel log names, as the model knows it: VT-d
 * prints no PCI segment, and an endpoint or stream id was read as one of
 * segment 0, so a name the model does not know stands for the one device of
 * another segment with the same bus, slot and function, when there is
 * exactly one.
 */
static const char *log_device(const struct iorep_model *m, const char *name)
{
	struct iorep_pci_addr a;
	const char *hit = NULL;
	uint32_t i;

	if (iorep_model_device_find(m, name) != IOREP_NONE ||
	    !iorep_pci_name_is_pci(&a, name, strlen(name)))
		return name;
	for (i = 0; i < m->ndevices; i++) {
		const struct iorep_device *d = &m->devices[i];

		if (!d->is_pci || d->addr.bus != a.bus || d->addr.dev != a.dev ||
		    d->addr.fn != a.fn || d->addr.domain == a.domain)
			continue;
		if (hit)
			return name; /* two: which one cannot be told */
		hit = d->name;
	}
	return hit ? hit : name;
}

int iorep_check_fault(struct iorep_model *m, const struct iorep_event *ev)
{
	uint32_t dev = IOREP_NONE, di = IOREP_NONE, idx;
	const struct iorep_ivmap_node *n;
	char state[200], rw[64];
	bool live;

	if (iorep_event_has(ev, IOREP_F_DEVICE) && ev->device[0]) {
		dev = iorep_model_device_get(m, ev->source ? log_device(m, ev->device) : ev->device);
		if (dev == IOREP_NONE)
			return m->error;
		di = iorep_model_device_domain(m, dev);
	}
	if (di == IOREP_NONE && m->pool != IOREP_NONE)
		di = m->pool;
	iorep_print_fault_flags(rw, sizeof(rw), ev->fault_flags, false);
	snprintf(state, sizeof(state), "in no known domain");
	if (di != IOREP_NONE) {
		struct iorep_domain *d = &m->domains[di];

		n = iova_seen(d, ev->iova, &live);
		if (n && live) {
			snprintf(state, sizeof(state),
				 "live in the %s domain since %" PRIu64 ".%06" PRIu64
				 " (a permission fault)",
				 iorep_domain_kind_name(d->kind), n->val.ts / 1000000000,
				 n->val.ts % 1000000000 / 1000);
		} else if (n) {
			uint64_t ago = ev->ts - n->val.ts;

			snprintf(state, sizeof(state),
				 "unmapped %" PRIu64 " us before in the %s domain (use after unmap)",
				 ago / 1000, iorep_domain_kind_name(d->kind));
		} else {
			snprintf(state, sizeof(state), "never mapped in the %s domain in this trace",
				 iorep_domain_kind_name(d->kind));
			pool_state(m, di, ev, state, sizeof(state));
		}
	}
	idx = m->nfindings;
	if (iorep_model_add_finding(m, IOREP_FIND_IO_PAGE_FAULT, ev, 0, dev, di, true, ev->iova, 0,
				    "%s fault of %s at 0x%" PRIx64 " (flags 0x%x): %s%s%s", rw,
				    dev == IOREP_NONE ? "an unknown device" : dev_name(m, dev),
				    ev->iova, ev->fault_flags, state,
				    ev->source ? "; from the kernel log, " : "",
				    ev->source ? ev->source : "") < 0)
		return m->error;
	return m->nfindings > idx ? fault_history(m, dev, di, ev->iova) : 0;
}
