/* SPDX-License-Identifier: MIT */
/*
 * A hash index of uint32_t values (array positions) by a caller's 32-bit
 * hash: open addressing, linear probing, grown at half full.  The caller
 * tells equal keys apart: iorep_index_first()/_next() walk the values
 * whose hash matches, and the caller compares the keys.  Values are never
 * removed.  Memory: 8 bytes per slot, at most 4 slots per value.
 */
#ifndef IOREP_INDEX_H
#define IOREP_INDEX_H

#include <stdint.h>

struct iorep_index_slot {
	uint32_t hash;
	uint32_t val; /* UINT32_MAX: empty */
};

struct iorep_index {
	struct iorep_index_slot *slots;
	uint32_t cap; /* a power of two, or 0 */
	uint32_t n;
};

/* A cursor over the values of one hash. */
struct iorep_index_iter {
	uint32_t hash;
	uint32_t pos;
};

void iorep_index_init(struct iorep_index *ix);
void iorep_index_release(struct iorep_index *ix);

/* Adds @val under @hash.  Returns 0, -IOREP_ENOMEM or -IOREP_ELIMIT. */
int iorep_index_add(struct iorep_index *ix, uint32_t hash, uint32_t val);

/* The first value added under @hash, or UINT32_MAX; then the next one. */
uint32_t iorep_index_first(const struct iorep_index *ix, uint32_t hash,
			   struct iorep_index_iter *it);
uint32_t iorep_index_next(const struct iorep_index *ix, struct iorep_index_iter *it);

/* Hashes for the keys the model uses. */
uint32_t iorep_index_hash_str(const char *s);
uint32_t iorep_index_hash_u32(uint32_t v);

#endif
