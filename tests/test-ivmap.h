/* SPDX-License-Identifier: MIT */
/* What the interval map's test programs (tests/test-ivmap*.c) share. */
#ifndef IOREP_TEST_IVMAP_H
#define IOREP_TEST_IVMAP_H

#include <stdint.h>

#include <CUnit/Basic.h>

#include "iorep-ivmap.h"

#define PAGE 4096ULL
#define TOP UINT64_MAX

/* A payload whose every field is derived from @paddr and @owner. */
static inline struct iorep_ivmap_val mkval(uint64_t paddr, uint32_t owner)
{
	struct iorep_ivmap_val v = {
		.paddr = paddr,
		.ts = paddr ^ 0x5a5a,
		.pos = owner * 3ULL,
		.cpu = (int32_t)(owner % 8),
		.pid = (int32_t)owner + 100,
		.owner = owner,
		.flags = owner ^ 0xf0,
	};

	return v;
}

/* Inserts [start, end) with mkval(@paddr, @owner); a failed insert ends the test. */
static inline struct iorep_ivmap_node *ins(struct iorep_ivmap *m, uint64_t start, uint64_t end,
					   uint64_t paddr, uint32_t owner)
{
	struct iorep_ivmap_val v = mkval(paddr, owner);
	struct iorep_ivmap_node *n = iorep_ivmap_insert(m, start, end, &v);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(m), 0);
	return n;
}

/* Collects the nodes overlapping [start, end) into @out; returns how many. */
static inline size_t collect(struct iorep_ivmap *m, uint64_t start, uint64_t end,
			     struct iorep_ivmap_node **out, size_t max)
{
	struct iorep_ivmap_node *n;
	size_t k = 0;

	iorep_ivmap_for_each_overlap(n, m, start, end) {
		if (k < max)
			out[k] = n;
		k++;
	}
	return k;
}

/* The randomized tests' numbers: a fixed seed gives the same run every time. */
struct rng {
	uint64_t s;
};

static inline uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL); /* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
