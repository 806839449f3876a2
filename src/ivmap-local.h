/* SPDX-License-Identifier: MIT */
/*
 * Private to the interval map (src/ivmap*.c): the in-order walk, the table
 * of nodes by start kept while no two nodes of a map overlap, and the place
 * a search remembers for the next insert.
 */
#ifndef IOREP_IVMAP_LOCAL_H
#define IOREP_IVMAP_LOCAL_H

#include <stdint.h>

#include "iorep-ivmap.h"

/* One slot of the open-addressing table; node NULL: empty. */
struct iorep_ivmap_slot {
	uint64_t start;
	struct iorep_ivmap_node *node;
};

/* The node that starts at @start, or NULL. */
struct iorep_ivmap_node *iorep_ivmap_slots_find(const struct iorep_ivmap *m, uint64_t start);

/* Adds @n under n->start (no node may start there yet): 0 or -IOREP_ENOMEM. */
int iorep_ivmap_slots_put(struct iorep_ivmap *m, struct iorep_ivmap_node *n);

/*
 * Takes @n (present under n->start) out; with @shrink, the table shrinks
 * when it is mostly empty.
 */
void iorep_ivmap_slots_del(struct iorep_ivmap *m, struct iorep_ivmap_node *n, int shrink);

/* Frees the table. */
void iorep_ivmap_slots_clear(struct iorep_ivmap *m);

/* Makes room for @want nodes without growing: 0 or -IOREP_ENOMEM (the table is kept). */
int iorep_ivmap_slots_reserve(struct iorep_ivmap *m, size_t want);

/* In-order neighbours and the first node, live or dead (src/ivmap-find.c). */
struct iorep_ivmap_node *iorep_ivmap_first_any(const struct iorep_ivmap *m);
struct iorep_ivmap_node *iorep_ivmap_next_any(struct iorep_ivmap_node *n);
struct iorep_ivmap_node *iorep_ivmap_prev_any(struct iorep_ivmap_node *n);

/*
 * Where a search that found no overlap ended, in a map whose nodes are
 * apart: a new node of a range inside [lo, hi] has its place just before
 * (@after 0) or just after @node (NULL: the tree is empty), and overlaps
 * no node.  @ok is 0 when the search found an overlap.
 */
struct iorep_ivmap_pos {
	struct iorep_ivmap_node *node;
	int after;
	int ok;
	uint64_t lo, hi;
};

/* Remembers @p for the next insert; any change to the tree forgets it.  Apart maps only. */
static inline void iorep_ivmap_hint(struct iorep_ivmap *m, const struct iorep_ivmap_pos *p)
{
	m->hint_node = p->node;
	m->hint_after = p->after;
	m->hint_lo = p->lo;
	m->hint_hi = p->hi;
	m->hint_ok = p->ok;
}

/*
 * The first node overlapping [@qs, @ql], live or dead, or NULL; when there
 * is none and the nodes are apart, *@pos (if not NULL) says where such a
 * range would go.
 */
struct iorep_ivmap_node *iorep_ivmap_search(const struct iorep_ivmap *m, uint64_t qs, uint64_t ql,
					    struct iorep_ivmap_pos *pos);

/* Inclusive last of [start, end), end read modulo 2^64; false for an empty range. */
static inline int iorep_ivmap_last_of(uint64_t start, uint64_t end, uint64_t *last)
{
	*last = end - 1;
	return *last >= start;
}

/* 1 when @a, just before @b in order, overlaps it. */
static inline size_t iorep_ivmap_bad(const struct iorep_ivmap_node *a,
				     const struct iorep_ivmap_node *b)
{
	return a && b && a->last >= b->start;
}

#endif
