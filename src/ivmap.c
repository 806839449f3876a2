// SPDX-License-Identifier: MIT
/*
 * IOVA interval map: an AVL tree keyed by (start, seq) with parent links,
 * each node augmented with max_last, the largest inclusive end in its
 * subtree.  See include/iorep-ivmap.h for the contract.
 *
 * Every structural change ends in ivmap_fixup(), which walks from the lowest
 * changed node towards the root recomputing height and max_last and
 * rebalancing, and stops as soon as a subtree's height and max_last are what
 * its parent last saw.
 *
 * While no two nodes overlap (m->overlap is 0), which is how an IOVA
 * allocator hands out ranges, a table of nodes by start is kept beside the
 * tree (src/ivmap-slots.c).  The lookups then take shortcuts: a node that
 * starts at the query's start is the first to overlap it, and in start
 * order the ends are in order too, so the next overlap is the next node or
 * none, and the first one is found with a plain descent on the ends.  A
 * link that overlaps a neighbour drops the table.  From then on the number
 * of neighbours (in order) that overlap is counted; at zero no two nodes
 * overlap, and the table is built again once the map has seen as many
 * changes as it has nodes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "iorep-error.h"
#include "iorep-ivmap.h"
#include "ivmap-local.h"

#define IVMAP_SEQ_MAX ((UINT64_C(1) << 55) - 1)

_Static_assert(sizeof(struct iorep_ivmap_node) <= 96, "ivmap node grew past 96 bytes");

/* Inclusive last of [start, end), end read modulo 2^64; false for an empty range. */
static int ivmap_range(uint64_t start, uint64_t end, uint64_t *last)
{
	*last = end - 1;
	return *last >= start;
}

/* Adds last - start + 1 (which may be 2^64) to the 128-bit byte count. */
static void ivmap_bytes_add(struct iorep_ivmap *m, uint64_t start, uint64_t last)
{
	uint64_t d = last - start;

	m->bytes_lo += d;
	if (m->bytes_lo < d)
		m->bytes_hi++;
	m->bytes_lo++;
	if (m->bytes_lo == 0)
		m->bytes_hi++;
}

static void ivmap_bytes_sub(struct iorep_ivmap *m, uint64_t start, uint64_t last)
{
	uint64_t d = last - start;

	if (m->bytes_lo < d)
		m->bytes_hi--;
	m->bytes_lo -= d;
	if (m->bytes_lo == 0)
		m->bytes_hi--;
	m->bytes_lo--;
}

/* (a_start, a_seq) < (b_start, b_seq) */
static int ivmap_key_less(uint64_t a_start, uint64_t a_seq, uint64_t b_start, uint64_t b_seq)
{
	return a_start < b_start || (a_start == b_start && a_seq < b_seq);
}

static unsigned int ivmap_height(const struct iorep_ivmap_node *n)
{
	return n ? (unsigned int)n->height : 0;
}

/* Recomputes @n's height and max_last from its children. */
static void ivmap_update(struct iorep_ivmap_node *n)
{
	unsigned int hl = ivmap_height(n->left);
	unsigned int hr = ivmap_height(n->right);
	uint64_t max = n->last;

	if (n->left && n->left->max_last > max)
		max = n->left->max_last;
	if (n->right && n->right->max_last > max)
		max = n->right->max_last;
	n->max_last = max;
	n->height = 1 + (hl > hr ? hl : hr);
}

static void ivmap_replace_child(struct iorep_ivmap *m, struct iorep_ivmap_node *parent,
				struct iorep_ivmap_node *old, struct iorep_ivmap_node *repl)
{
	if (!parent)
		m->root = repl;
	else if (parent->left == old)
		parent->left = repl;
	else
		parent->right = repl;
}

static struct iorep_ivmap_node *ivmap_rotate_left(struct iorep_ivmap *m, struct iorep_ivmap_node *x)
{
	struct iorep_ivmap_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	ivmap_replace_child(m, x->parent, x, y);
	y->left = x;
	x->parent = y;
	ivmap_update(x);
	ivmap_update(y);
	return y;
}

static struct iorep_ivmap_node *ivmap_rotate_right(struct iorep_ivmap *m,
						   struct iorep_ivmap_node *x)
{
	struct iorep_ivmap_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	ivmap_replace_child(m, x->parent, x, y);
	y->right = x;
	x->parent = y;
	ivmap_update(x);
	ivmap_update(y);
	return y;
}

/*
 * Restores the AVL balance at @n, whose subtrees are valid AVL trees with
 * heights differing by at most 2, and updates its fields.  Returns the new
 * root of the subtree.
 */
static struct iorep_ivmap_node *ivmap_rebalance(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	int bal = (int)ivmap_height(n->left) - (int)ivmap_height(n->right);

	if (bal > 1) {
		if (ivmap_height(n->left->left) < ivmap_height(n->left->right))
			ivmap_rotate_left(m, n->left);
		return ivmap_rotate_right(m, n);
	}
	if (bal < -1) {
		if (ivmap_height(n->right->right) < ivmap_height(n->right->left))
			ivmap_rotate_right(m, n->right);
		return ivmap_rotate_left(m, n);
	}
	ivmap_update(n);
	return n;
}

/*
 * Walks from @n to the root, rebalancing and updating each node.  A node's
 * stored height and max_last are what its parent was computed from, so once
 * a subtree comes out with the same two values the ancestors are already
 * right and the walk stops, but never before @must (a node whose own
 * fields were changed above @n) has been visited.
 */
static void ivmap_fixup(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
			const struct iorep_ivmap_node *must)
{
	struct iorep_ivmap_node *l, *r;
	unsigned int hl, hr, height;
	uint64_t max;

	while (n) {
		l = n->left;
		r = n->right;
		hl = ivmap_height(l);
		hr = ivmap_height(r);
		if (n == must)
			must = NULL;
		if (hl > hr + 1 || hr > hl + 1) {
			/* a rotation: compare the new subtree root with what the parent saw */
			height = n->height;
			max = n->max_last;
			n = ivmap_rebalance(m, n);
			if (!must && n->height == height && n->max_last == max)
				return;
			n = n->parent;
			continue;
		}
		/* balanced here: ivmap_update() without reading the children twice */
		height = 1 + (hl > hr ? hl : hr);
		max = n->last;
		if (l && l->max_last > max)
			max = l->max_last;
		if (r && r->max_last > max)
			max = r->max_last;
		if (!must && n->height == height && n->max_last == max)
			return;
		n->height = height;
		n->max_last = max;
		n = n->parent;
	}
}

static struct iorep_ivmap_node *ivmap_next_any(struct iorep_ivmap_node *n);
static struct iorep_ivmap_node *ivmap_prev_any(struct iorep_ivmap_node *n);
static struct iorep_ivmap_node *ivmap_first_any(const struct iorep_ivmap *m);

/* 1 when @a, just before @b in order, overlaps it. */
static size_t ivmap_bad(const struct iorep_ivmap_node *a, const struct iorep_ivmap_node *b)
{
	return a && b && a->last >= b->start;
}

/*
 * The overlapping pairs of neighbours around @n: while nodes may overlap,
 * m->nbad is kept as their number over the whole map (0 exactly when no
 * two nodes overlap), so a change to @n's range is bracketed by
 * ivmap_pairs(m, n, -1) and ivmap_pairs(m, n, 1).
 */
static void ivmap_pairs(struct iorep_ivmap *m, struct iorep_ivmap_node *n, int sign)
{
	size_t k;

	if (!m->overlap)
		return;
	k = ivmap_bad(ivmap_prev_any(n), n) + ivmap_bad(n, ivmap_next_any(n));
	m->nbad = sign > 0 ? m->nbad + k : m->nbad - k;
}

/*
 * Counts a change to a map whose nodes may overlap.  When they no longer
 * do, the table is built again, once there have been as many changes as
 * nodes since it was dropped: O(1) amortized however often nodes overlap.
 */
static void ivmap_note_change(struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n;

	m->since_drop++;
	if (m->nbad || m->since_drop < m->count + m->ndead)
		return;
	/* an empty map needs no table until its first node */
	if (m->count + m->ndead && iorep_ivmap_slots_reserve(m, m->count + m->ndead) < 0)
		return;	/* tried again after as many changes */
	for (n = ivmap_first_any(m); n; n = ivmap_next_any(n))
		(void)iorep_ivmap_slots_put(m, n); /* reserved: cannot fail */
	m->overlap = 0;
}

/* Links @n (start, last and seq set) into the tree after any equal key. */
static void ivmap_link(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node **link = &m->root;
	struct iorep_ivmap_node *p = NULL, *pred = NULL, *succ = NULL;
	size_t bad;

	while (*link) {
		p = *link;
		if (ivmap_key_less(n->start, n->seq, p->start, p->seq)) {
			succ = p;
			link = &p->left;
		} else {
			pred = p;
			link = &p->right;
		}
	}
	n->left = NULL;
	n->right = NULL;
	n->parent = p;
	n->height = 1;
	n->max_last = n->last;
	*link = n;
	ivmap_fixup(m, p, NULL);
	bad = ivmap_bad(pred, n) + ivmap_bad(n, succ);
	if (m->overlap) {
		m->nbad = m->nbad + bad - ivmap_bad(pred, succ);
		ivmap_note_change(m);
	} else if (bad || iorep_ivmap_slots_put(m, n) < 0) {
		/* nodes overlap (or the table has no memory): the table goes */
		iorep_ivmap_slots_clear(m);
		m->overlap = 1;
		m->nbad = bad;
		m->since_drop = 0;
	}
}

/* Takes @n out of the tree; its own fields other than the links are kept. */
static void ivmap_unlink_tree(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node *p = n->parent;
	struct iorep_ivmap_node *s, *from, *c;

	if (!n->left || !n->right) {
		c = n->left ? n->left : n->right;
		if (c)
			c->parent = p;
		ivmap_replace_child(m, p, n, c);
		ivmap_fixup(m, p, NULL);
		return;
	}

	/* Two children: the in-order successor @s takes @n's place. */
	s = n->right;
	while (s->left)
		s = s->left;
	if (s == n->right) {
		from = s;
	} else {
		from = s->parent;
		from->left = s->right;
		if (s->right)
			s->right->parent = from;
		s->right = n->right;
		n->right->parent = s;
	}
	s->left = n->left;
	n->left->parent = s;
	s->parent = p;
	ivmap_replace_child(m, p, n, s);
	/* What @p was computed from, so that ivmap_fixup() compares against it. */
	s->height = n->height;
	s->max_last = n->max_last;
	ivmap_fixup(m, from, s);
}

/* Takes @n out of the tree and the table. */
static void ivmap_unlink(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node *pred, *succ;

	if (!m->overlap) {
		iorep_ivmap_slots_del(m, n, 1);
		ivmap_unlink_tree(m, n);
		return;
	}
	pred = ivmap_prev_any(n);
	succ = ivmap_next_any(n);
	m->nbad = m->nbad + ivmap_bad(pred, succ) - ivmap_bad(pred, n) - ivmap_bad(n, succ);
	ivmap_unlink_tree(m, n);
	ivmap_note_change(m);
}

/*
 * A node from the cache or malloc(); the caller sets every field.  It belongs
 * to @m: ivmap_node_put() or iorep_ivmap_release() frees it.
 */
static struct iorep_ivmap_node *ivmap_node_get(struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n = m->cache;

	if (!n)
		return malloc(sizeof(*n));
	m->cache = n->right;
	m->ncache--;
	return n;
}

static void ivmap_node_put(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	if (m->ncache >= m->cache_max) {
		free(n);
		return;
	}
	n->right = m->cache;
	m->cache = n;
	m->ncache++;
}

/* In-order neighbours and the first node, live or dead. */
static struct iorep_ivmap_node *ivmap_first_any(const struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n = m->root;

	while (n && n->left)
		n = n->left;
	return n;
}

static struct iorep_ivmap_node *ivmap_next_any(struct iorep_ivmap_node *n)
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

static struct iorep_ivmap_node *ivmap_prev_any(struct iorep_ivmap_node *n)
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

void iorep_ivmap_init(struct iorep_ivmap *m)
{
	m->root = NULL;
	m->cache = NULL;
	m->count = 0;
	m->ndead = 0;
	m->ncache = 0;
	m->cache_max = IOREP_IVMAP_CACHE_DEFAULT;
	m->next_seq = 0;
	m->bytes_lo = 0;
	m->bytes_hi = 0;
	m->slots = NULL;
	m->nslots = 0;
	m->nused = 0;
	m->slot_shift = 0;
	m->overlap = 0;
	m->nbad = 0;
	m->since_drop = 0;
}

void iorep_ivmap_release(struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n = m->root;
	struct iorep_ivmap_node *p;

	/* Post-order without a stack: free leaves, cutting them off their parent. */
	while (n) {
		if (n->left) {
			n = n->left;
			continue;
		}
		if (n->right) {
			n = n->right;
			continue;
		}
		p = n->parent;
		if (p && p->left == n)
			p->left = NULL;
		else if (p)
			p->right = NULL;
		free(n);
		n = p;
	}
	m->root = NULL;
	iorep_ivmap_slots_clear(m);
	iorep_ivmap_set_cache_max(m, 0);
	iorep_ivmap_init(m);
}

struct iorep_ivmap *iorep_ivmap_new(void)
{
	struct iorep_ivmap *m = malloc(sizeof(*m));

	if (m)
		iorep_ivmap_init(m);
	return m;
}

void iorep_ivmap_free(struct iorep_ivmap *m)
{
	if (!m)
		return;
	iorep_ivmap_release(m);
	free(m);
}

void iorep_ivmap_set_cache_max(struct iorep_ivmap *m, size_t max)
{
	struct iorep_ivmap_node *n;

	m->cache_max = max;
	while (m->ncache > max) {
		n = m->cache;
		m->cache = n->right;
		m->ncache--;
		free(n);
	}
}

static struct iorep_ivmap_node *ivmap_insert(struct iorep_ivmap *m, uint64_t start, uint64_t end,
					     const struct iorep_ivmap_val *val, unsigned int dead)
{
	struct iorep_ivmap_node *n;
	uint64_t last;

	if (!ivmap_range(start, end, &last) || m->next_seq > IVMAP_SEQ_MAX)
		return NULL;
	n = ivmap_node_get(m);
	if (!n)
		return NULL;
	n->start = start;
	n->last = last;
	n->val = *val;
	n->seq = m->next_seq++;
	n->dead = dead;
	ivmap_link(m, n);
	if (dead) {
		m->ndead++;
	} else {
		m->count++;
		ivmap_bytes_add(m, start, last);
	}
	return n;
}

struct iorep_ivmap_node *iorep_ivmap_insert(struct iorep_ivmap *m, uint64_t start, uint64_t end,
					    const struct iorep_ivmap_val *val)
{
	return ivmap_insert(m, start, end, val, 0);
}

struct iorep_ivmap_node *iorep_ivmap_insert_dead(struct iorep_ivmap *m, uint64_t start,
						 uint64_t end, const struct iorep_ivmap_val *val)
{
	return ivmap_insert(m, start, end, val, 1);
}

void iorep_ivmap_remove(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	ivmap_unlink(m, n);
	if (n->dead) {
		m->ndead--;
	} else {
		m->count--;
		ivmap_bytes_sub(m, n->start, n->last);
	}
	ivmap_node_put(m, n);
}

void iorep_ivmap_kill(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
		      const struct iorep_ivmap_val *val)
{
	if (!n->dead) {
		n->dead = 1;
		m->count--;
		m->ndead++;
		ivmap_bytes_sub(m, n->start, n->last);
	}
	n->val = *val;
}

void iorep_ivmap_revive(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
			const struct iorep_ivmap_val *val)
{
	if (n->dead) {
		n->dead = 0;
		m->ndead--;
		m->count++;
		ivmap_bytes_add(m, n->start, n->last);
	}
	n->val = *val;
}

size_t iorep_ivmap_sweep_dead(struct iorep_ivmap *m, uint64_t before_ts)
{
	struct iorep_ivmap_node *n, *next;
	size_t removed = 0;

	if (!m->ndead)
		return 0;
	for (n = ivmap_first_any(m); n; n = next) {
		next = ivmap_next_any(n);
		if (n->dead && n->val.ts < before_ts) {
			iorep_ivmap_remove(m, n);
			removed++;
		}
	}
	return removed;
}

/*
 * Gives @n the range [@start, @last], inside its own, where it keeps its
 * place in the order: the table and the count of overlapping neighbours
 * follow.  The caller fixes max_last.
 */
static void ivmap_shrink(struct iorep_ivmap *m, struct iorep_ivmap_node *n, uint64_t start,
			 uint64_t last)
{
	if (m->overlap) {
		ivmap_pairs(m, n, -1);
		n->start = start;
		n->last = last;
		ivmap_pairs(m, n, 1);
		ivmap_note_change(m);
	} else if (start != n->start) {
		iorep_ivmap_slots_del(m, n, 0);
		n->start = start;
		n->last = last;
		/* the entry just freed leaves room: cannot fail */
		(void)iorep_ivmap_slots_put(m, n);
	} else {
		n->last = last;
	}
}

/* Moves the start of @n up to @start (<= n->last), keeping its seq. */
static void ivmap_move_start(struct iorep_ivmap *m, struct iorep_ivmap_node *n, uint64_t start)
{
	struct iorep_ivmap_node *next = ivmap_next_any(n);

	/* The key only grows: if it stays below the successor's, @n stays put. */
	if (!next || ivmap_key_less(start, n->seq, next->start, next->seq)) {
		ivmap_shrink(m, n, start, n->last);
		return;
	}
	ivmap_unlink(m, n);
	n->start = start;
	ivmap_link(m, n);
}

int iorep_ivmap_trim(struct iorep_ivmap *m, struct iorep_ivmap_node *n, uint64_t start,
		     uint64_t end, struct iorep_ivmap_node **tail)
{
	struct iorep_ivmap_node *t;
	uint64_t last;

	if (tail)
		*tail = NULL;
	if (!ivmap_range(start, end, &last))
		return -IOREP_EINVAL;
	if (last < n->start || start > n->last)
		return IOREP_IVMAP_TRIM_NONE;
	if (start <= n->start && last >= n->last) {
		iorep_ivmap_remove(m, n);
		return IOREP_IVMAP_TRIM_REMOVED;
	}
	if (start <= n->start) {
		/* Keep [last + 1, n->last]; last < n->last so last + 1 cannot wrap. */
		if (!n->dead)
			ivmap_bytes_sub(m, n->start, last);
		n->val.paddr += last + 1 - n->start;
		ivmap_move_start(m, n, last + 1);
		return IOREP_IVMAP_TRIM_FRONT;
	}
	if (last >= n->last) {
		/* Keep [n->start, start - 1]; start > n->start so start - 1 cannot wrap. */
		if (!n->dead)
			ivmap_bytes_sub(m, start, n->last);
		ivmap_shrink(m, n, n->start, start - 1);
		ivmap_fixup(m, n, NULL);
		return IOREP_IVMAP_TRIM_BACK;
	}

	/* Strictly inside: n->start < start <= last < n->last. */
	if (m->next_seq > IVMAP_SEQ_MAX)
		return -IOREP_ELIMIT;
	t = ivmap_node_get(m);
	if (!t)
		return -IOREP_ENOMEM;
	t->start = last + 1;
	t->last = n->last;
	t->val = n->val;
	t->val.paddr += t->start - n->start;
	t->seq = m->next_seq++;
	t->dead = n->dead;
	ivmap_shrink(m, n, n->start, start - 1);
	ivmap_fixup(m, n, NULL);
	ivmap_link(m, t);
	if (t->dead) {
		m->ndead++;
	} else {
		ivmap_bytes_sub(m, start, last);
		m->count++;
	}
	if (tail)
		*tail = t;
	return IOREP_IVMAP_TRIM_SPLIT;
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

static struct iorep_ivmap_node *ivmap_overlap_first(const struct iorep_ivmap *m, uint64_t qs,
						    uint64_t ql)
{
	struct iorep_ivmap_node *n, *cand = NULL;

	if (!m->root || m->root->max_last < qs)
		return NULL;
	if (m->overlap)
		return ivmap_subtree_first(m->root, qs, ql);
	/* Apart: a node starting at qs comes first; else the first to end at or past qs. */
	n = iorep_ivmap_slots_find(m, qs);
	if (n)
		return n;
	for (n = m->root; n;) {
		if (n->last >= qs) {
			cand = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return cand && cand->start <= ql ? cand : NULL;
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
		n = ivmap_next_any(n);
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

	if (!ivmap_range(start, end, &last))
		return NULL;
	return ivmap_overlap_state(m, ivmap_overlap_first(m, start, last), start, last, 0);
}

struct iorep_ivmap_node *iorep_ivmap_overlap_next(const struct iorep_ivmap *m,
						  struct iorep_ivmap_node *n, uint64_t start,
						  uint64_t end)
{
	uint64_t last;

	if (!ivmap_range(start, end, &last))
		return NULL;
	return ivmap_overlap_state(m, ivmap_overlap_next(m, n, start, last), start, last, 0);
}

struct iorep_ivmap_node *iorep_ivmap_overlap_first_any(const struct iorep_ivmap *m,
						       uint64_t start, uint64_t end)
{
	uint64_t last;

	if (!ivmap_range(start, end, &last))
		return NULL;
	return ivmap_overlap_first(m, start, last);
}

struct iorep_ivmap_node *iorep_ivmap_overlap_next_any(const struct iorep_ivmap *m,
						      struct iorep_ivmap_node *n, uint64_t start,
						      uint64_t end)
{
	uint64_t last;

	if (!ivmap_range(start, end, &last))
		return NULL;
	return ivmap_overlap_next(m, n, start, last);
}

int iorep_ivmap_overlap_each(const struct iorep_ivmap *m, uint64_t start, uint64_t end,
			     int (*fn)(struct iorep_ivmap_node *n, void *data), void *data)
{
	struct iorep_ivmap_node *n, *next;
	uint64_t last;
	int ret;

	if (!ivmap_range(start, end, &last))
		return 0;
	for (n = ivmap_overlap_state(m, ivmap_overlap_first(m, start, last), start, last, 0); n;
	     n = next) {
		next = ivmap_overlap_state(m, ivmap_overlap_next(m, n, start, last), start, last, 0);
		ret = fn(n, data);
		if (ret)
			return ret;
	}
	return 0;
}

struct iorep_ivmap_node *iorep_ivmap_find_containing(const struct iorep_ivmap *m, uint64_t addr)
{
	return ivmap_overlap_state(m, ivmap_overlap_first(m, addr, addr), addr, addr, 0);
}

struct iorep_ivmap_node *iorep_ivmap_dead_find_containing(const struct iorep_ivmap *m,
							  uint64_t addr)
{
	if (!m->ndead)
		return NULL;
	return ivmap_overlap_state(m, ivmap_overlap_first(m, addr, addr), addr, addr, 1);
}

struct iorep_ivmap_node *iorep_ivmap_dead_overlap_first(const struct iorep_ivmap *m,
							uint64_t start, uint64_t end)
{
	uint64_t last;

	if (!m->ndead || !ivmap_range(start, end, &last))
		return NULL;
	return ivmap_overlap_state(m, ivmap_overlap_first(m, start, last), start, last, 1);
}

struct iorep_ivmap_node *iorep_ivmap_find_exact(const struct iorep_ivmap *m, uint64_t start,
						uint64_t end)
{
	struct iorep_ivmap_node *n = m->root;
	struct iorep_ivmap_node *cand = NULL;
	uint64_t last;

	if (!ivmap_range(start, end, &last))
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
	for (n = cand; n && n->start == start; n = ivmap_next_any(n))
		if (n->last == last && !n->dead)
			return n;
	return NULL;
}

struct iorep_ivmap_node *iorep_ivmap_first(const struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n = ivmap_first_any(m);

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
		n = ivmap_next_any(n);
	while (n && n->dead);
	return n;
}

struct iorep_ivmap_node *iorep_ivmap_prev(struct iorep_ivmap_node *n)
{
	do
		n = ivmap_prev_any(n);
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
	if (c->prev && !ivmap_key_less(c->prev->start, c->prev->seq, n->start, n->seq))
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
	if (hl > hr + 1 || hr > hl + 1 || n->height != 1 + (hl > hr ? hl : hr))
		goto out;
	max = n->last;
	if (n->left && n->left->max_last > max)
		max = n->left->max_last;
	if (n->right && n->right->max_last > max)
		max = n->right->max_last;
	if (n->max_last != max)
		goto out;
	*height = n->height;
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
	if (m->overlap ? m->nused || m->slots : m->nused != m->count + m->ndead)
		return -IOREP_EINVAL;
	for (a = ivmap_first_any(m); a; prev = a, a = ivmap_next_any(a)) {
		bad += ivmap_bad(prev, a);
		if (!m->overlap && iorep_ivmap_slots_find(m, a->start) != a)
			return -IOREP_EINVAL;
	}
	/* while overlapping, the count of overlapping neighbours is exact */
	if (m->overlap ? bad != m->nbad : bad != 0)
		return -IOREP_EINVAL;
	if (c.count != m->count || c.ndead != m->ndead || c.bytes_lo != m->bytes_lo || c.bytes_hi != m->bytes_hi)
		return -IOREP_EINVAL;
	for (n = m->cache; n && ncache <= m->ncache; n = n->right)
		ncache++;
	if (ncache != m->ncache || ncache > m->cache_max)
		return -IOREP_EINVAL;
	return 0;
}
