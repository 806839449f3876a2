// SPDX-License-Identifier: MIT
/*
 * The interval map's lookups and walks (the tree and its changes are in
 * src/ivmap.c): overlap iteration, containing and exact lookups, in-order
 * iteration, and the debug check of every invariant.
 *
 * While no two nodes overlap (m->overlap is 0), a node that starts at the
 * query's start is the first to overlap it (the table of nodes by start
 * answers that), and in start order the ends are in order too, so the next
 * overlap is the next node or none, and the first one is found with a
 * plain descent on the ends.  Such a descent that finds nothing ends where
 * the range would be linked, which iorep_ivmap_search() reports so that
 * an insert of the range can skip its own descent.  While nodes may
 * overlap, the searches use the subtrees' max_last.
 */
#include <stdint.h>
#include <stdlib.h>

#include "iorep-error.h"
#include "iorep-ivmap.h"
#include "ivmap-local.h"

struct iorep_ivmap_node *iorep_ivmap_first_any(const struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n = m->root;

	while (n && n->left)
		n = n->left;
	return n;
}

struct iorep_ivmap_node *iorep_ivmap_next_any(struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node *p;

	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return n;
	}
	for (p = n->parent; p && n == p->right; p = p->parent)
		n = p;
	return p;
}

struct iorep_ivmap_node *iorep_ivmap_prev_any(struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node *p;

	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return n;
	}
	for (p = n->parent; p && n == p->left; p = p->parent)
		n = p;
	return p;
}

/*
 * The first node of the subtree at @n overlapping [qs, ql], live or dead.
 * If the left subtree's max_last reaches qs but it holds no overlap, the
 * node holding that max_last starts past ql, and so does everything after
 * it: the search can commit to the left subtree.
 */
static struct iorep_ivmap_node *ivmap_subtree_first(struct iorep_ivmap_node *n, uint64_t qs,
						    uint64_t ql)
{
	for (;;) {
		if (n->left && n->left->max_last >= qs) {
			n = n->left;
			continue;
		}
		if (n->start > ql)
			return NULL;
		if (n->last >= qs)
			return n;
		if (n->right && n->right->max_last >= qs) {
			n = n->right;
			continue;
		}
		return NULL;
	}
}

struct iorep_ivmap_node *iorep_ivmap_search(const struct iorep_ivmap *m, uint64_t qs, uint64_t ql,
					    struct iorep_ivmap_pos *pos)
{
	struct iorep_ivmap_node *n, *cand = NULL, *p = NULL;
	uint64_t lo = 0;
	int right = 0;

	if (m->overlap) {
		if (!m->root || m->root->max_last < qs)
			return NULL;
		return ivmap_subtree_first(m->root, qs, ql);
	}
	/* Apart: a node starting at qs comes first; else the first to end at or past qs. */
	n = iorep_ivmap_slots_find(m, qs);
	if (n)
		return n;
	for (n = m->root; n;) {
		p = n;
		if (n->last >= qs) {
			cand = n;
			right = 0;
			n = n->left;
		} else {
			/* everything up to n ends below qs: the gap starts after it */
			lo = n->last + 1;
			right = 1;
			n = n->right;
		}
	}
	if (cand && cand->start <= ql)
		return cand;
	/*
	 * No overlap.  Each node on the way either ends below qs (the range
	 * goes right of it) or starts past ql (left of it), as an insert of
	 * the range would decide: it links below @p, in the gap from the last
	 * node passed on the left to @cand.
	 */
	if (pos) {
		pos->node = p;
		pos->after = right;
		pos->ok = 1;
		pos->lo = lo;
		pos->hi = cand ? cand->start - 1 : UINT64_MAX;
	}
	return NULL;
}

/* The next node after @n overlapping [qs, ql], everything up to @n done. */
static struct iorep_ivmap_node *ivmap_overlap_next(const struct iorep_ivmap *m,
						   struct iorep_ivmap_node *n, uint64_t qs,
						   uint64_t ql)
{
	struct iorep_ivmap_node *r = n->right;
	struct iorep_ivmap_node *prev;

	if (!m->overlap) {
		/* Apart: the next node starts after @n ends. */
		if (n->last >= ql)
			return NULL;
		n = iorep_ivmap_next_any(n);
		return n && n->start <= ql ? n : NULL;
	}
	for (;;) {
		if (r && r->max_last >= qs)
			return ivmap_subtree_first(r, qs, ql);
		/* Up until we arrive from a left child. */
		do {
			prev = n;
			n = n->parent;
			if (!n)
				return NULL;
		} while (prev == n->right);
		if (n->start > ql)
			return NULL;
		if (n->last >= qs)
			return n;
		r = n->right;
	}
}

/* @n, or the first overlapping node after it, whose state is @dead; NULL if none. */
static struct iorep_ivmap_node *ivmap_overlap_state(const struct iorep_ivmap *m,
						    struct iorep_ivmap_node *n, uint64_t qs,
						    uint64_t ql, unsigned int dead)
{
	while (n && n->dead != dead)
		n = ivmap_overlap_next(m, n, qs, ql);
	return n;
}

struct iorep_ivmap_node *iorep_ivmap_overlap_first(const struct iorep_ivmap *m, uint64_t start,
						   uint64_t end)
{
	uint64_t last;

	if (!iorep_ivmap_last_of(start, end, &last))
		return NULL;
	return ivmap_overlap_state(m, iorep_ivmap_search(m, start, last, NULL), start, last, 0);
}

struct iorep_ivmap_node *iorep_ivmap_overlap_next(const struct iorep_ivmap *m,
						  struct iorep_ivmap_node *n, uint64_t start,
						  uint64_t end)
{
	uint64_t last;

	if (!iorep_ivmap_last_of(start, end, &last))
		return NULL;
	return ivmap_overlap_state(m, ivmap_overlap_next(m, n, start, last), start, last, 0);
}

struct iorep_ivmap_node *iorep_ivmap_overlap_first_any(struct iorep_ivmap *m, uint64_t start,
						       uint64_t end)
{
	struct iorep_ivmap_pos pos;
	struct iorep_ivmap_node *n;
	uint64_t last;

	if (!iorep_ivmap_last_of(start, end, &last))
		return NULL;
	pos.ok = 0;
	n = iorep_ivmap_search(m, start, last, &pos);
	if (pos.ok)
		iorep_ivmap_hint(m, &pos);
	return n;
}

struct iorep_ivmap_node *iorep_ivmap_overlap_next_any(const struct iorep_ivmap *m,
						      struct iorep_ivmap_node *n, uint64_t start,
						      uint64_t end)
{
	uint64_t last;

	if (!iorep_ivmap_last_of(start, end, &last))
		return NULL;
	return ivmap_overlap_next(m, n, start, last);
}

int iorep_ivmap_overlap_each(const struct iorep_ivmap *m, uint64_t start, uint64_t end,
			     int (*fn)(struct iorep_ivmap_node *n, void *data), void *data)
{
	struct iorep_ivmap_node *n, *next;
	uint64_t last;
	int ret;

	if (!iorep_ivmap_last_of(start, end, &last))
		return 0;
	for (n = ivmap_overlap_state(m, iorep_ivmap_search(m, start, last, NULL), start, last, 0);
	     n; n = next) {
		next = ivmap_overlap_state(m, ivmap_overlap_next(m, n, start, last), start, last, 0);
		ret = fn(n, data);
		if (ret)
			return ret;
	}
	return 0;
}

struct iorep_ivmap_node *iorep_ivmap_find_containing(const struct iorep_ivmap *m, uint64_t addr)
{
	return ivmap_overlap_state(m, iorep_ivmap_search(m, addr, addr, NULL), addr, addr, 0);
}

struct iorep_ivmap_node *iorep_ivmap_dead_find_containing(const struct iorep_ivmap *m,
							  uint64_t addr)
{
	if (!m->ndead)
		return NULL;
	return ivmap_overlap_state(m, iorep_ivmap_search(m, addr, addr, NULL), addr, addr, 1);
}

struct iorep_ivmap_node *iorep_ivmap_dead_overlap_first(const struct iorep_ivmap *m,
							uint64_t start, uint64_t end)
{
	uint64_t last;

	if (!m->ndead || !iorep_ivmap_last_of(start, end, &last))
		return NULL;
	return ivmap_overlap_state(m, iorep_ivmap_search(m, start, last, NULL), start, last, 1);
}

struct iorep_ivmap_node *iorep_ivmap_find_exact(const struct iorep_ivmap *m, uint64_t start,
						uint64_t end)
{
	struct iorep_ivmap_node *n = m->root;
	struct iorep_ivmap_node *cand = NULL;
	uint64_t last;

	if (!iorep_ivmap_last_of(start, end, &last))
		return NULL;
	if (!m->overlap) {
		n = iorep_ivmap_slots_find(m, start);
		return n && n->last == last && !n->dead ? n : NULL;
	}
	/* The first node with n->start >= start. */
	while (n) {
		if (n->start >= start) {
			cand = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	for (n = cand; n && n->start == start; n = iorep_ivmap_next_any(n))
		if (n->last == last && !n->dead)
			return n;
	return NULL;
}

struct iorep_ivmap_node *iorep_ivmap_first(const struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n = iorep_ivmap_first_any(m);

	return n && n->dead ? iorep_ivmap_next(n) : n;
}

struct iorep_ivmap_node *iorep_ivmap_last(const struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n = m->root;

	while (n && n->right)
		n = n->right;
	return n && n->dead ? iorep_ivmap_prev(n) : n;
}

struct iorep_ivmap_node *iorep_ivmap_next(struct iorep_ivmap_node *n)
{
	do
		n = iorep_ivmap_next_any(n);
	while (n && n->dead);
	return n;
}

struct iorep_ivmap_node *iorep_ivmap_prev(struct iorep_ivmap_node *n)
{
	do
		n = iorep_ivmap_prev_any(n);
	while (n && n->dead);
	return n;
}

size_t iorep_ivmap_count(const struct iorep_ivmap *m)
{
	return m->count;
}

int iorep_ivmap_apart(const struct iorep_ivmap *m)
{
	return !m->overlap;
}

size_t iorep_ivmap_dead_count(const struct iorep_ivmap *m)
{
	return m->ndead;
}

uint64_t iorep_ivmap_bytes(const struct iorep_ivmap *m)
{
	return m->bytes_hi ? UINT64_MAX : m->bytes_lo;
}

struct ivmap_check {
	const struct iorep_ivmap *m;
	const struct iorep_ivmap_node *prev;
	size_t count;
	size_t ndead;
	uint64_t bytes_lo;
	uint64_t bytes_hi;
};

/* Checks the subtree at @n; *@height gets its height.  Returns 0 or -IOREP_EINVAL. */
static int ivmap_check_subtree(struct ivmap_check *c, const struct iorep_ivmap_node *n,
			       const struct iorep_ivmap_node *parent, unsigned int *height)
{
	unsigned int hl = 0, hr = 0;
	uint64_t max;
	int ret = -IOREP_EINVAL;

	*height = 0;
	if (!n)
		return 0;
	/* A broken tree may hold a cycle: never visit more nodes than counted. */
	if (n->parent != parent || c->count + c->ndead >= c->m->count + c->m->ndead)
		goto out;
	if (ivmap_check_subtree(c, n->left, n, &hl))
		goto out;
	if (n->start > n->last || n->seq >= c->m->next_seq)
		goto out;
	if (c->prev && (c->prev->start > n->start ||
			(c->prev->start == n->start && c->prev->seq >= n->seq)))
		goto out;
	c->prev = n;
	if (n->dead) {
		c->ndead++;
	} else {
		c->count++;
		c->bytes_lo += n->last - n->start;
		if (c->bytes_lo < n->last - n->start)
			c->bytes_hi++;
		if (++c->bytes_lo == 0)
			c->bytes_hi++;
	}
	if (ivmap_check_subtree(c, n->right, n, &hr))
		goto out;
	if (hl > hr + 1 || hr > hl + 1 || n->hl != hl || n->hr != hr)
		goto out;
	/* the augmentation is kept only while nodes may overlap */
	max = n->last;
	if (n->left && n->left->max_last > max)
		max = n->left->max_last;
	if (n->right && n->right->max_last > max)
		max = n->right->max_last;
	if (c->m->overlap && n->max_last != max)
		goto out;
	*height = 1 + (hl > hr ? hl : hr);
	ret = 0;
out:
	return ret;
}

int iorep_ivmap_validate(const struct iorep_ivmap *m)
{
	struct ivmap_check c = {.m = m};
	unsigned int height;
	const struct iorep_ivmap_node *n, *prev = NULL;
	struct iorep_ivmap_node *a;
	size_t ncache = 0, bad = 0;

	if (ivmap_check_subtree(&c, m->root, NULL, &height))
		return -IOREP_EINVAL;
	/* Apart: each node starts after the one before ends, and is in the table. */
	if (m->overlap ? m->nused || m->slots || m->hint_ok : m->nused != m->count + m->ndead)
		return -IOREP_EINVAL;
	for (a = iorep_ivmap_first_any(m); a; prev = a, a = iorep_ivmap_next_any(a)) {
		bad += iorep_ivmap_bad(prev, a);
		if (!m->overlap && iorep_ivmap_slots_find(m, a->start) != a)
			return -IOREP_EINVAL;
		/* a remembered gap holds no node */
		if (m->hint_ok && a->start <= m->hint_hi && a->last >= m->hint_lo)
			return -IOREP_EINVAL;
	}
	/* a remembered gap lies next to its node, on the side remembered */
	if (m->hint_ok) {
		a = m->hint_node;
		if (!a ? m->root != NULL :
		    m->hint_after ? a->last >= m->hint_lo ||
					    ((a = iorep_ivmap_next_any(a)) && a->start <= m->hint_hi) :
				    a->start <= m->hint_hi ||
					    ((a = iorep_ivmap_prev_any(a)) && a->last >= m->hint_lo))
			return -IOREP_EINVAL;
	}
	/* while overlapping, the count of overlapping neighbours is exact */
	if (m->overlap ? bad != m->nbad : bad != 0)
		return -IOREP_EINVAL;
	if (c.count != m->count || c.ndead != m->ndead || c.bytes_lo != m->bytes_lo ||
	    c.bytes_hi != m->bytes_hi)
		return -IOREP_EINVAL;
	for (n = m->cache; n && ncache <= m->ncache; n = n->right)
		ncache++;
	if (ncache != m->ncache || ncache > m->cache_max)
		return -IOREP_EINVAL;
	return 0;
}
