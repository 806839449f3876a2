// SPDX-License-Identifier: MIT
/*
 * IOVA interval map: an AVL tree keyed by (start, seq) with parent links,
 * and its changes (the lookups are in src/ivmap-find.c).  See
 * include/iorep-ivmap.h for the contract.
 *
 * While no two nodes overlap (m->overlap is 0), which is how an IOVA
 * allocator hands out ranges, a table of nodes by start is kept beside the
 * tree (src/ivmap-slots.c) and the lookups take shortcuts that need no
 * augmentation: every structural change ends in ivmap_retrace(), which
 * walks from the lowest changed node towards the root rebalancing, and
 * stops as soon as a subtree's height is what its parent last saw.  A
 * search that finds the range free, or a trim, remembers where that range
 * goes (m->hint_*), and the insert that usually follows links there.
 *
 * A link that overlaps a neighbour drops the table and computes each
 * node's max_last, the largest inclusive end in its subtree; from then on
 * ivmap_fixup() keeps height and max_last and stops when both are what the
 * parent saw, and the number of neighbours (in order) that overlap is
 * counted.  At zero no two nodes overlap, and the table is built again
 * once the map has seen as many changes as it has nodes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "iorep-error.h"
#include "iorep-ivmap.h"
#include "ivmap-local.h"

#define IVMAP_SEQ_MAX ((UINT64_C(1) << 47) - 1)

_Static_assert(sizeof(struct iorep_ivmap_node) <= 96, "ivmap node grew past 96 bytes");

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

/* A node of [@start, @last], dead or live, joins @m's counts and live bytes. */
static void ivmap_count_in(struct iorep_ivmap *m, int dead, uint64_t start, uint64_t last)
{
	if (dead) {
		m->ndead++;
	} else {
		m->count++;
		ivmap_bytes_add(m, start, last);
	}
}

/* @n leaves @m's counts and live bytes. */
static void ivmap_count_out(struct iorep_ivmap *m, const struct iorep_ivmap_node *n)
{
	if (n->dead) {
		m->ndead--;
	} else {
		m->count--;
		ivmap_bytes_sub(m, n->start, n->last);
	}
}

/* (a_start, a_seq) < (b_start, b_seq) */
static int ivmap_key_less(uint64_t a_start, uint64_t a_seq, uint64_t b_start, uint64_t b_seq)
{
	return a_start < b_start || (a_start == b_start && a_seq < b_seq);
}

/* The height of the subtree at @n (0 for none), from the children's heights kept in @n. */
static unsigned int ivmap_height(const struct iorep_ivmap_node *n)
{
	return n ? 1u + (n->hl > n->hr ? n->hl : n->hr) : 0;
}

/* Recomputes @n's max_last, while nodes may overlap, from its children. */
static void ivmap_update(const struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	uint64_t max = n->last;

	if (!m->overlap)
		return;
	if (n->left && n->left->max_last > max)
		max = n->left->max_last;
	if (n->right && n->right->max_last > max)
		max = n->right->max_last;
	n->max_last = max;
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
	/* x's new right subtree was y's left: the heights need no child read */
	x->hr = y->hl;
	y->hl = ivmap_height(x);
	ivmap_update(m, x);
	ivmap_update(m, y);
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
	x->hl = y->hr;
	y->hr = ivmap_height(x);
	ivmap_update(m, x);
	ivmap_update(m, y);
	return y;
}

/*
 * Restores the AVL balance at @n, whose subtrees are valid AVL trees with
 * heights differing by at most 2 (and kept right in n->hl, n->hr), and
 * updates its fields.  Returns the new root of the subtree.
 */
static struct iorep_ivmap_node *ivmap_rebalance(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	int bal = (int)n->hl - (int)n->hr;

	if (bal > 1) {
		if (n->left->hl < n->left->hr)
			n->hl = ivmap_height(ivmap_rotate_left(m, n->left));
		return ivmap_rotate_right(m, n);
	}
	if (bal < -1) {
		if (n->right->hr < n->right->hl)
			n->hr = ivmap_height(ivmap_rotate_right(m, n->right));
		return ivmap_rotate_left(m, n);
	}
	ivmap_update(m, n);
	return n;
}

/*
 * Walks from @n, whose hl and hr are right, to the root rebalancing, with
 * nodes apart: heights only.  Each node keeps the heights of its two
 * children, so the walk reads the path to the root and nothing beside it,
 * and once a subtree comes out as high as its parent has it, the
 * ancestors are right.
 */
static void ivmap_retrace(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node *p;
	unsigned int h;

	while (n) {
		if (n->hl > n->hr + 1 || n->hr > n->hl + 1)
			n = ivmap_rebalance(m, n);
		h = ivmap_height(n);
		p = n->parent;
		if (!p)
			return;
		if (p->left == n) {
			if (p->hl == h)
				return;
			p->hl = h;
		} else {
			if (p->hr == h)
				return;
			p->hr = h;
		}
		n = p;
	}
}

/* Sets max_last over the subtree at @n (not NULL); returns it. */
static uint64_t ivmap_augment(struct iorep_ivmap_node *n)
{
	uint64_t max = n->last, x;

	if (n->left && (x = ivmap_augment(n->left)) > max)
		max = x;
	if (n->right && (x = ivmap_augment(n->right)) > max)
		max = x;
	n->max_last = max;
	return max;
}

/*
 * Nodes overlap now (@bad pairs of neighbours), or the table has no
 * memory: the table goes and the tree is augmented.  O(n), after at least
 * n changes since the table was last built.
 */
static void ivmap_go_overlap(struct iorep_ivmap *m, size_t bad)
{
	iorep_ivmap_slots_clear(m);
	m->overlap = 1;
	m->nbad = bad;
	m->since_drop = 0;
	m->hint_ok = 0;
	if (m->root)
		ivmap_augment(m->root);
}

/*
 * Walks from @n to the root, rebalancing and updating each node.  A node's
 * stored height (from its hl and hr) and max_last are what its parent was
 * computed from, so once a subtree comes out with the same two values the
 * ancestors are already right and the walk stops, but never before @must
 * (a node whose own fields were changed above @n) has been visited.  With
 * nodes apart, ivmap_retrace(): @n's hl and hr must be right.
 */
static void ivmap_fixup(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
			const struct iorep_ivmap_node *must)
{
	struct iorep_ivmap_node *l, *r;
	unsigned int hl, hr, height;
	uint64_t max;

	/* apart, only heights are kept, and @must (which only max_last needs) is none */
	if (!m->overlap) {
		ivmap_retrace(m, n);
		return;
	}
	while (n) {
		l = n->left;
		r = n->right;
		hl = ivmap_height(l);
		hr = ivmap_height(r);
		height = ivmap_height(n);
		n->hl = hl;
		n->hr = hr;
		if (n == must)
			must = NULL;
		if (hl > hr + 1 || hr > hl + 1) {
			/* a rotation: compare the new subtree root with what the parent saw */
			max = n->max_last;
			n = ivmap_rebalance(m, n);
			if (!must && ivmap_height(n) == height && n->max_last == max)
				return;
			n = n->parent;
			continue;
		}
		/* balanced here: ivmap_update() without reading the children twice */
		max = n->last;
		if (l && l->max_last > max)
			max = l->max_last;
		if (r && r->max_last > max)
			max = r->max_last;
		if (!must && ivmap_height(n) == height && n->max_last == max)
			return;
		n->max_last = max;
		n = n->parent;
	}
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
	k = iorep_ivmap_bad(iorep_ivmap_prev_any(n), n) + iorep_ivmap_bad(n, iorep_ivmap_next_any(n));
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
	for (n = iorep_ivmap_first_any(m); n; n = iorep_ivmap_next_any(n))
		(void)iorep_ivmap_slots_put(m, n); /* reserved: cannot fail */
	m->overlap = 0;
}

/*
 * Hangs @n (start, last and seq set) as the right (@right) or left child of
 * @p (NULL: the root of an empty tree), where it has its place in the
 * order, and rebalances.  @bad is the number of its two neighbours in
 * order that it overlaps, @was 1 if those two overlapped each other.
 */
static void ivmap_attach(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
			 struct iorep_ivmap_node *p, int right, size_t bad, size_t was)
{
	n->left = NULL;
	n->right = NULL;
	n->parent = p;
	n->hl = 0;
	n->hr = 0;
	n->max_last = n->last;
	if (!p)
		m->root = n;
	else if (right)
		p->right = n;
	else
		p->left = n;
	m->hint_ok = 0;
	if (m->overlap) {
		ivmap_fixup(m, p, NULL);
		m->nbad = m->nbad + bad - was;
		ivmap_note_change(m);
		return;
	}
	if (p && right)
		p->hr = 1;
	else if (p)
		p->hl = 1;
	ivmap_retrace(m, p);
	/* nodes overlap (or the table has no memory): the table goes */
	if (bad || iorep_ivmap_slots_put(m, n) < 0)
		ivmap_go_overlap(m, bad);
}

/* Links @n (start, last and seq set) into the tree after any equal key. */
static void ivmap_link(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node *c = m->root;
	struct iorep_ivmap_node *p = NULL, *pred = NULL, *succ = NULL;
	int right = 0;

	while (c) {
		p = c;
		right = !ivmap_key_less(n->start, n->seq, p->start, p->seq);
		if (right) {
			pred = p;
			c = p->right;
		} else {
			succ = p;
			c = p->left;
		}
	}
	ivmap_attach(m, n, p, right, iorep_ivmap_bad(pred, n) + iorep_ivmap_bad(n, succ),
		     iorep_ivmap_bad(pred, succ));
}

/*
 * Links @n, whose range the hint covers, where the hint says: next to the
 * remembered node, in the gap that overlaps nothing.  No descent.
 */
static void ivmap_link_hinted(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node *p = m->hint_node;
	int right = m->hint_after;

	if (p && right && p->right) {
		/* just after p: the first node of its right subtree gets a left child */
		for (p = p->right; p->left;)
			p = p->left;
		right = 0;
	} else if (p && !right && p->left) {
		for (p = p->left; p->right;)
			p = p->right;
		right = 1;
	}
	ivmap_attach(m, n, p, right, 0, 0);
}

/* Takes @n out of the tree; its own fields other than the links are kept. */
static void ivmap_unlink_tree(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	struct iorep_ivmap_node *p = n->parent;
	struct iorep_ivmap_node *s, *from, *c;

	m->hint_ok = 0;
	if (!n->left || !n->right) {
		c = n->left ? n->left : n->right;
		if (c)
			c->parent = p;
		/* apart, @p's height of that side (@n had one subtree at most: hl + hr) */
		if (p && !m->overlap) {
			if (p->left == n)
				p->hl = n->hl + n->hr;
			else
				p->hr = n->hl + n->hr;
		}
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
		/* overlapping, ivmap_fixup() compares @s with what @p saw: @n */
		if (m->overlap)
			s->hr = n->hr;
	} else {
		from = s->parent;
		from->left = s->right;
		from->hl = s->hr;
		if (s->right)
			s->right->parent = from;
		s->right = n->right;
		n->right->parent = s;
		/* the height @n's right subtree had, which the walk from @from corrects */
		s->hr = n->hr;
	}
	s->left = n->left;
	s->hl = n->hl;
	n->left->parent = s;
	s->parent = p;
	ivmap_replace_child(m, p, n, s);
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
	pred = iorep_ivmap_prev_any(n);
	succ = iorep_ivmap_next_any(n);
	m->nbad = m->nbad + iorep_ivmap_bad(pred, succ) - iorep_ivmap_bad(pred, n) - iorep_ivmap_bad(n, succ);
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
	m->hint_node = NULL;
	m->hint_lo = 0;
	m->hint_hi = 0;
	m->hint_after = 0;
	m->hint_ok = 0;
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

	if (!iorep_ivmap_last_of(start, end, &last) || m->next_seq > IVMAP_SEQ_MAX)
		return NULL;
	n = ivmap_node_get(m);
	if (!n)
		return NULL;
	n->start = start;
	n->last = last;
	n->val = *val;
	n->seq = m->next_seq++;
	n->dead = dead;
	if (m->hint_ok && start >= m->hint_lo && last <= m->hint_hi)
		ivmap_link_hinted(m, n);
	else
		ivmap_link(m, n);
	ivmap_count_in(m, dead, start, last);
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
	ivmap_count_out(m, n);
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

/* Apart: @n takes [@start, @last] and a new seq where it is, its place in the order unchanged. */
static void ivmap_rekey_apart(struct iorep_ivmap *m, struct iorep_ivmap_node *n, uint64_t start,
			      uint64_t last)
{
	if (start != n->start) {
		iorep_ivmap_slots_del(m, n, 0);
		n->start = start;
		/* the entry just freed leaves room: cannot fail */
		(void)iorep_ivmap_slots_put(m, n);
	}
	n->last = last;
	n->seq = m->next_seq++;
	m->hint_ok = 0;
}

/*
 * iorep_ivmap_reset(), and with @sole iorep_ivmap_reset_sole(): the
 * caller's word that @n lies inside the range and no other node overlaps
 * it, so the neighbours are below and above the range and overlap @n
 * neither before nor after.  Then they need no look: @n stays, and the
 * count of overlapping neighbours with it.
 */
static struct iorep_ivmap_node *ivmap_reset(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
					    uint64_t start, uint64_t end,
					    const struct iorep_ivmap_val *val, int dead, int sole)
{
	struct iorep_ivmap_node *pred = NULL, *succ = NULL;
	uint64_t last;

	if (!iorep_ivmap_last_of(start, end, &last) || m->next_seq > IVMAP_SEQ_MAX)
		return NULL;
	ivmap_count_out(m, n);
	if (!sole) {
		pred = iorep_ivmap_prev_any(n);
		succ = iorep_ivmap_next_any(n);
	}
	/*
	 * The new key (start, newest seq) falls between the neighbours' when
	 * pred->start <= start < succ->start: then @n stays.  Apart, it must
	 * also stay apart from them (else the link drops the table).
	 */
	if ((pred && pred->start > start) || (succ && succ->start <= start) ||
	    (!m->overlap && ((pred && pred->last >= start) || (succ && last >= succ->start)))) {
		ivmap_unlink(m, n);
		n->start = start;
		n->last = last;
		n->seq = m->next_seq++;
		ivmap_link(m, n);
	} else if (m->overlap) {
		m->nbad -= iorep_ivmap_bad(pred, n) + iorep_ivmap_bad(n, succ);
		n->start = start;
		n->last = last;
		n->seq = m->next_seq++;
		m->nbad += iorep_ivmap_bad(pred, n) + iorep_ivmap_bad(n, succ);
		ivmap_fixup(m, n, NULL);
		ivmap_note_change(m);
	} else {
		ivmap_rekey_apart(m, n, start, last);
	}
	n->dead = dead;
	n->val = *val;
	ivmap_count_in(m, dead, start, last);
	return n;
}

struct iorep_ivmap_node *iorep_ivmap_reset(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
					   uint64_t start, uint64_t end,
					   const struct iorep_ivmap_val *val, int dead)
{
	return ivmap_reset(m, n, start, end, val, dead, 0);
}

struct iorep_ivmap_node *iorep_ivmap_reset_sole(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
						uint64_t start, uint64_t end,
						const struct iorep_ivmap_val *val, int dead)
{
	return ivmap_reset(m, n, start, end, val, dead, 1);
}

size_t iorep_ivmap_sweep_dead(struct iorep_ivmap *m, uint64_t before_ts)
{
	struct iorep_ivmap_node *n, *next;
	size_t removed = 0;

	if (!m->ndead)
		return 0;
	for (n = iorep_ivmap_first_any(m); n; n = next) {
		next = iorep_ivmap_next_any(n);
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
	m->hint_ok = 0;
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
	struct iorep_ivmap_node *next = iorep_ivmap_next_any(n);

	/* The key only grows: if it stays below the successor's, @n stays put. */
	if (!next || ivmap_key_less(start, n->seq, next->start, next->seq)) {
		ivmap_shrink(m, n, start, n->last);
		return;
	}
	ivmap_unlink(m, n);
	n->start = start;
	ivmap_link(m, n);
}

/*
 * [@lo, @hi], just cut from @n, is free if the nodes were apart before the
 * cut (@apart) and still are (a cut can end the overlap while another node
 * still covers part of it): an insert of it links next to @n.
 */
static void ivmap_hint_cut(struct iorep_ivmap *m, int apart, struct iorep_ivmap_node *n, int after,
			   uint64_t lo, uint64_t hi)
{
	struct iorep_ivmap_pos pos = { .node = n, .after = after, .ok = 1, .lo = lo, .hi = hi };

	if (apart && !m->overlap)
		iorep_ivmap_hint(m, &pos);
}

int iorep_ivmap_trim(struct iorep_ivmap *m, struct iorep_ivmap_node *n, uint64_t start,
		     uint64_t end, struct iorep_ivmap_node **tail)
{
	struct iorep_ivmap_node *t;
	uint64_t last, old;
	int apart = !m->overlap;

	if (tail)
		*tail = NULL;
	if (!iorep_ivmap_last_of(start, end, &last))
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
		old = n->start;
		ivmap_move_start(m, n, last + 1);
		ivmap_hint_cut(m, apart, n, 0, old, last);
		return IOREP_IVMAP_TRIM_FRONT;
	}
	if (last >= n->last) {
		/* Keep [n->start, start - 1]; start > n->start so start - 1 cannot wrap. */
		if (!n->dead)
			ivmap_bytes_sub(m, start, n->last);
		old = n->last;
		ivmap_shrink(m, n, n->start, start - 1);
		if (m->overlap)
			ivmap_fixup(m, n, NULL);
		ivmap_hint_cut(m, apart, n, 1, start, old);
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
	if (m->overlap)
		ivmap_fixup(m, n, NULL);
	ivmap_link(m, t);
	if (t->dead) {
		m->ndead++;
	} else {
		ivmap_bytes_sub(m, start, last);
		m->count++;
	}
	ivmap_hint_cut(m, apart, n, 1, start, last);
	if (tail)
		*tail = t;
	return IOREP_IVMAP_TRIM_SPLIT;
}
