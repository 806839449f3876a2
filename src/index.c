// SPDX-License-Identifier: MIT
/* Hash index of array positions (see include/iorep-index.h). */
#include <stdlib.h>

#include "iorep-index.h"
#include "iorep-error.h"

#define EMPTY UINT32_MAX

void iorep_index_init(struct iorep_index *ix)
{
	ix->slots = NULL;
	ix->cap = 0;
	ix->n = 0;
}

void iorep_index_release(struct iorep_index *ix)
{
	free(ix->slots);
	iorep_index_init(ix);
}

static void put(struct iorep_index_slot *slots, uint32_t cap, uint32_t hash, uint32_t val)
{
	uint32_t i = hash & (cap - 1);

	while (slots[i].val != EMPTY)
		i = (i + 1) & (cap - 1);
	slots[i].hash = hash;
	slots[i].val = val;
}

int iorep_index_add(struct iorep_index *ix, uint32_t hash, uint32_t val)
{
	struct iorep_index_slot *slots;
	uint32_t cap, i;

	if (val == EMPTY)
		return -IOREP_EINVAL;
	if ((ix->n + 1) * 2 > ix->cap) {
		if (ix->cap >= 1u << 31)
			return -IOREP_ELIMIT;
		cap = ix->cap ? ix->cap * 2 : 64;
		slots = malloc((size_t)cap * sizeof(*slots));
		if (!slots)
			return -IOREP_ENOMEM;
		for (i = 0; i < cap; i++)
			slots[i].val = EMPTY;
		for (i = 0; i < ix->cap; i++)
			if (ix->slots[i].val != EMPTY)
				put(slots, cap, ix->slots[i].hash, ix->slots[i].val);
		free(ix->slots);
		ix->slots = slots;
		ix->cap = cap;
	}
	put(ix->slots, ix->cap, hash, val);
	ix->n++;
	return 0;
}

/* From slot it->pos on: the first value of it->hash, or EMPTY at a free slot. */
static uint32_t scan(const struct iorep_index *ix, struct iorep_index_iter *it)
{
	const struct iorep_index_slot *s;

	for (;;) {
		s = &ix->slots[it->pos];
		it->pos = (it->pos + 1) & (ix->cap - 1);
		if (s->val == EMPTY || s->hash == it->hash)
			return s->val;
	}
}

uint32_t iorep_index_first(const struct iorep_index *ix, uint32_t hash,
			   struct iorep_index_iter *it)
{
	it->hash = hash;
	it->pos = hash & (ix->cap - 1);
	return ix->cap ? scan(ix, it) : EMPTY;
}

uint32_t iorep_index_next(const struct iorep_index *ix, struct iorep_index_iter *it)
{
	return ix->cap ? scan(ix, it) : EMPTY;
}

uint32_t iorep_index_hash_str(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

uint32_t iorep_index_hash_u32(uint32_t v)
{
	v ^= v >> 16;
	v *= 0x7feb352du;
	v ^= v >> 15;
	v *= 0x846ca68bu;
	return v ^ (v >> 16);
}
