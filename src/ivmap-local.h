/* SPDX-License-Identifier: MIT */
/*
 * Private to the interval map (src/ivmap.c, src/ivmap-slots.c): the table
 * of nodes by start, kept while no two nodes of a map overlap.
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

#endif
