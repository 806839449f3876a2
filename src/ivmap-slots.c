// SPDX-License-Identifier: MIT
/*
 * The interval map's table of nodes by start: open addressing with linear
 * probing and backward-shift deletion, at most half full.  It is kept only
 * while no two nodes overlap, where a start names at most one node; the
 * map's exact and containing lookups then cost a probe instead of a walk
 * down the tree (see src/ivmap.c).
 */
#include <stdlib.h>

#include "iorep-error.h"
#include "ivmap-local.h"

#define SLOTS_MIN 16

/* The home slot of @start in a table of 2^(64 - @shift) slots (at least SLOTS_MIN). */
static size_t slot_home(uint64_t start, unsigned int shift)
{
	/* Fibonacci hashing: IOVAs are page-aligned, their low bits all zero. */
	return (size_t)((start * UINT64_C(0x9e3779b97f4a7c15)) >> shift);
}

/* Places @n in the first free slot from its home; the table has room. */
static void slot_place(struct iorep_ivmap_slot *slots, size_t nslots, unsigned int shift,
		       struct iorep_ivmap_node *n)
{
	size_t i = slot_home(n->start, shift);

	while (slots[i].node)
		i = (i + 1) & (nslots - 1);
	slots[i].start = n->start;
	slots[i].node = n;
}

/* Moves every node into a new table of @nslots: 0 or -IOREP_ENOMEM (nothing changed). */
static int slots_resize(struct iorep_ivmap *m, size_t nslots)
{
	struct iorep_ivmap_slot *slots = calloc(nslots, sizeof(*slots));
	unsigned int shift = 64 - (unsigned int)__builtin_ctzll(nslots);
	size_t i;

	if (!slots)
		return -IOREP_ENOMEM;
	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].node)
			slot_place(slots, nslots, shift, m->slots[i].node);
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	m->slot_shift = shift;
	return 0;
}

struct iorep_ivmap_node *iorep_ivmap_slots_find(const struct iorep_ivmap *m, uint64_t start)
{
	const struct iorep_ivmap_slot *s;
	size_t i;

	if (!m->nused)
		return NULL;
	for (i = slot_home(start, m->slot_shift);; i = (i + 1) & (m->nslots - 1)) {
		s = &m->slots[i];
		if (!s->node)
			return NULL;
		if (s->start == start)
			return s->node;
	}
}

int iorep_ivmap_slots_reserve(struct iorep_ivmap *m, size_t want)
{
	size_t nslots = m->nslots ? m->nslots : SLOTS_MIN;

	while (want > nslots / 2)
		nslots *= 2;
	return nslots == m->nslots ? 0 : slots_resize(m, nslots);
}

int iorep_ivmap_slots_put(struct iorep_ivmap *m, struct iorep_ivmap_node *n)
{
	int ret;

	if (m->nused + 1 > m->nslots / 2) {
		ret = iorep_ivmap_slots_reserve(m, m->nused + 1);
		if (ret < 0)
			return ret;
	}
	slot_place(m->slots, m->nslots, m->slot_shift, n);
	m->nused++;
	return 0;
}

void iorep_ivmap_slots_del(struct iorep_ivmap *m, struct iorep_ivmap_node *n, int shrink)
{
	size_t mask = m->nslots - 1;
	size_t i = slot_home(n->start, m->slot_shift), j, k;

	while (m->slots[i].node != n)
		i = (i + 1) & mask;
	/* Backward shift: pull up each later entry of the run whose home is not after the hole. */
	for (j = i;;) {
		j = (j + 1) & mask;
		if (!m->slots[j].node)
			break;
		k = slot_home(m->slots[j].start, m->slot_shift);
		if (i <= j ? i < k && k <= j : i < k || k <= j)
			continue;
		m->slots[i] = m->slots[j];
		i = j;
	}
	m->slots[i].node = NULL;
	m->nused--;
	if (!m->nused) {
		iorep_ivmap_slots_clear(m);
	} else if (shrink && m->nslots > SLOTS_MIN && m->nused * 8 < m->nslots) {
		/* a failed shrink keeps the larger table, which is still right */
		(void)slots_resize(m, m->nslots / 4 > SLOTS_MIN ? m->nslots / 4 : SLOTS_MIN);
	}
}

void iorep_ivmap_slots_clear(struct iorep_ivmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->nslots = 0;
	m->nused = 0;
	m->slot_shift = 0;
}
