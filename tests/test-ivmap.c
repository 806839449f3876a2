// SPDX-License-Identifier: MIT
/*
 * Unit tests for the IOVA interval map: exact results for each operation,
 * then a long randomized run checked against a naive array after every
 * operation, with iorep_ivmap_validate() proving the AVL and max_last
 * invariants each time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "test-util.h"

#include "iorep-error.h"
#include "iorep-ivmap.h"

#define PAGE 4096ULL
#define TOP UINT64_MAX

static struct iorep_ivmap_val mkval(uint64_t paddr, uint32_t owner)
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

static struct iorep_ivmap_node *ins(struct iorep_ivmap *m, uint64_t start, uint64_t end,
				    uint64_t paddr, uint32_t owner)
{
	struct iorep_ivmap_val v = mkval(paddr, owner);
	struct iorep_ivmap_node *n = iorep_ivmap_insert(m, start, end, &v);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(m), 0);
	return n;
}

/* Collects the nodes overlapping [start, end) into @out; returns how many. */
static size_t collect(struct iorep_ivmap *m, uint64_t start, uint64_t end,
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

static void test_empty(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *n;

	iorep_ivmap_init(&m);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0);
	CU_ASSERT_PTR_NULL(iorep_ivmap_first(&m));
	CU_ASSERT_PTR_NULL(iorep_ivmap_last(&m));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, TOP));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_exact(&m, 0, PAGE));
	CU_ASSERT_PTR_NULL(iorep_ivmap_overlap_first(&m, 0, 0));
	iorep_ivmap_for_each(n, &m)
		CU_FAIL("iteration over an empty map");
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	iorep_ivmap_release(&m);
	iorep_ivmap_free(NULL);
}

static void test_insert_lookup(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *a, *b, *c, *n;

	iorep_ivmap_init(&m);
	b = ins(&m, 0x3000, 0x5000, 0x100000, 2);
	a = ins(&m, 0x1000, 0x2000, 0x200000, 1);
	c = ins(&m, 0x8000, 0x9000, 0x300000, 3);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 3);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x1000 + 0x2000 + 0x1000);
	CU_ASSERT_EQUAL(a->start, 0x1000);
	CU_ASSERT_EQUAL(a->last, 0x1fff);
	CU_ASSERT_EQUAL(iorep_ivmap_node_end(a), 0x2000);
	CU_ASSERT_EQUAL(a->val.paddr, 0x200000);
	CU_ASSERT_EQUAL(a->val.owner, 1);
	CU_ASSERT_EQUAL(a->val.pid, 101);

	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0x0fff));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0x1000), a);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0x1fff), a);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0x2000));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0x2fff));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0x4abc), b);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0x8fff), c);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0x9000));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, TOP));

	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_exact(&m, 0x3000, 0x5000), b);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_exact(&m, 0x3000, 0x4000));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_exact(&m, 0x3000, 0x5001));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_exact(&m, 0x2fff, 0x5000));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_exact(&m, 0x3000, 0x3000));

	/* In-order walk both ways. */
	n = iorep_ivmap_first(&m);
	CU_ASSERT_PTR_EQUAL(n, a);
	n = iorep_ivmap_next(n);
	CU_ASSERT_PTR_EQUAL(n, b);
	n = iorep_ivmap_next(n);
	CU_ASSERT_PTR_EQUAL(n, c);
	CU_ASSERT_PTR_NULL(iorep_ivmap_next(n));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_last(&m), c);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_prev(c), b);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_prev(b), a);
	CU_ASSERT_PTR_NULL(iorep_ivmap_prev(a));

	/* Invalid ranges are refused. */
	CU_ASSERT_FALSE(iorep_ivmap_range_valid(5, 5));
	CU_ASSERT_FALSE(iorep_ivmap_range_valid(6, 5));
	CU_ASSERT_TRUE(iorep_ivmap_range_valid(5, 6));
	CU_ASSERT_TRUE(iorep_ivmap_range_valid(5, 0));
	CU_ASSERT_TRUE(iorep_ivmap_range_valid(0, 0));
	CU_ASSERT_PTR_NULL(iorep_ivmap_insert(&m, 0x7000, 0x7000, &a->val));
	CU_ASSERT_PTR_NULL(iorep_ivmap_insert(&m, 0x7000, 0x6000, &a->val));
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 3);
	CU_ASSERT_PTR_NULL(iorep_ivmap_overlap_first(&m, 0x1800, 0x1800));
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	iorep_ivmap_release(&m);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
}

static void test_adjacent(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *a, *b, *out[4];

	iorep_ivmap_init(&m);
	a = ins(&m, 0, PAGE, 0, 1);
	b = ins(&m, PAGE, 2 * PAGE, PAGE, 2);

	CU_ASSERT_EQUAL(collect(&m, 0, PAGE, out, 4), 1);
	CU_ASSERT_PTR_EQUAL(out[0], a);
	CU_ASSERT_EQUAL(collect(&m, PAGE, 2 * PAGE, out, 4), 1);
	CU_ASSERT_PTR_EQUAL(out[0], b);
	CU_ASSERT_EQUAL(collect(&m, PAGE - 1, PAGE + 1, out, 4), 2);
	CU_ASSERT_PTR_EQUAL(out[0], a);
	CU_ASSERT_PTR_EQUAL(out[1], b);
	CU_ASSERT_EQUAL(collect(&m, 2 * PAGE, 3 * PAGE, out, 4), 0);
	CU_ASSERT_EQUAL(collect(&m, 0, 0, out, 4), 2);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, PAGE - 1), a);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, PAGE), b);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 2 * PAGE));
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 2 * PAGE);

	/* Trimming [PAGE, 2 PAGE) from a touches nothing. */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, PAGE, 2 * PAGE, NULL), IOREP_IVMAP_TRIM_NONE);
	CU_ASSERT_EQUAL(a->last, PAGE - 1);
	iorep_ivmap_release(&m);
}

static void test_top_of_space(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *a, *b, *full, *out[4];

	iorep_ivmap_init(&m);
	a = ins(&m, TOP - PAGE + 1, 0, 0xa000, 1);
	CU_ASSERT_EQUAL(a->start, 0xfffffffffffff000ULL);
	CU_ASSERT_EQUAL(a->last, TOP);
	CU_ASSERT_EQUAL(iorep_ivmap_node_end(a), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), PAGE);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, TOP), a);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, TOP - PAGE + 1), a);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, TOP - PAGE));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_exact(&m, TOP - PAGE + 1, 0), a);
	CU_ASSERT_EQUAL(collect(&m, TOP, 0, out, 4), 1);
	CU_ASSERT_EQUAL(collect(&m, TOP - PAGE, TOP - PAGE + 1, out, 4), 0);

	/* The single last byte, then the whole space. */
	b = ins(&m, TOP, 0, 0xb000, 2);
	CU_ASSERT_EQUAL(b->last, TOP);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), PAGE + 1);
	full = ins(&m, 0, 0, 0, 3);
	CU_ASSERT_EQUAL(full->start, 0);
	CU_ASSERT_EQUAL(full->last, TOP);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), UINT64_MAX); /* 2^64 + 4097, saturated */
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, TOP), full);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 12345), full);
	CU_ASSERT_EQUAL(collect(&m, TOP, 0, out, 4), 3);
	CU_ASSERT_PTR_EQUAL(out[0], full);
	CU_ASSERT_PTR_EQUAL(out[1], a);
	CU_ASSERT_PTR_EQUAL(out[2], b);

	/* Split the whole space around one page: both halves keep the payload. */
	{
		struct iorep_ivmap_node *tail;

		CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, full, 0x1000, 0x2000, &tail),
				IOREP_IVMAP_TRIM_SPLIT);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tail);
		CU_ASSERT_EQUAL(full->start, 0);
		CU_ASSERT_EQUAL(full->last, 0xfff);
		CU_ASSERT_EQUAL(tail->start, 0x2000);
		CU_ASSERT_EQUAL(tail->last, TOP);
		CU_ASSERT_EQUAL(tail->val.paddr, 0x2000);
		CU_ASSERT_EQUAL(tail->val.owner, 3);
		CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
		/* 0x1000 + (2^64 - 0x2000) + 4097 */
		CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), UINT64_MAX);
		CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, tail, TOP - 2 * PAGE + 1, 0, NULL),
				IOREP_IVMAP_TRIM_BACK);
		CU_ASSERT_EQUAL(tail->last, TOP - 2 * PAGE);
		CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m),
				0x1000 + (TOP - 2 * PAGE - 0x2000 + 1) + PAGE + 1);
		CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	}
	/* Remove [TOP, 2^64) from a: a shrinks by one byte; b is removed. */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, TOP, 0, NULL), IOREP_IVMAP_TRIM_BACK);
	CU_ASSERT_EQUAL(a->last, TOP - 1);
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, b, TOP - 5, 0, NULL), IOREP_IVMAP_TRIM_REMOVED);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, TOP));
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 3);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	iorep_ivmap_release(&m);
}

static void test_duplicates(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *d[3], *out[8];
	int i;

	iorep_ivmap_init(&m);
	for (i = 0; i < 3; i++)
		d[i] = ins(&m, 0x10000, 0x12000, 0x1000 * (uint64_t)i, (uint32_t)i);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 3);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 3 * 0x2000);
	CU_ASSERT_PTR_NOT_EQUAL(d[0], d[1]);
	CU_ASSERT_EQUAL(collect(&m, 0x11000, 0x11001, out, 8), 3);
	for (i = 0; i < 3; i++)
		CU_ASSERT_PTR_EQUAL(out[i], d[i]); /* insertion order */
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_exact(&m, 0x10000, 0x12000), d[0]);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0x11fff), d[0]);

	iorep_ivmap_remove(&m, d[0]);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_exact(&m, 0x10000, 0x12000), d[1]);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 2);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 2 * 0x2000);

	/* A newer duplicate goes after the older ones. */
	d[0] = ins(&m, 0x10000, 0x12000, 0x9000, 9);
	CU_ASSERT_EQUAL(collect(&m, 0, 0, out, 8), 3);
	CU_ASSERT_PTR_EQUAL(out[0], d[1]);
	CU_ASSERT_PTR_EQUAL(out[1], d[2]);
	CU_ASSERT_PTR_EQUAL(out[2], d[0]);
	iorep_ivmap_release(&m);
}

static void test_overlapping(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *a, *b, *c, *big, *out[8];

	iorep_ivmap_init(&m);
	a = ins(&m, 0, 100, 0, 1);
	b = ins(&m, 50, 150, 0, 2);
	c = ins(&m, 25, 75, 0, 3);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 250);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 60), a);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 100), b);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 149), b);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 150));
	CU_ASSERT_EQUAL(collect(&m, 60, 61, out, 8), 3);
	CU_ASSERT_PTR_EQUAL(out[0], a);
	CU_ASSERT_PTR_EQUAL(out[1], c);
	CU_ASSERT_PTR_EQUAL(out[2], b);
	CU_ASSERT_EQUAL(collect(&m, 75, 100, out, 8), 2);
	CU_ASSERT_PTR_EQUAL(out[0], a);
	CU_ASSERT_PTR_EQUAL(out[1], b);
	CU_ASSERT_EQUAL(collect(&m, 0, 25, out, 8), 1);
	CU_ASSERT_EQUAL(collect(&m, 100, 150, out, 8), 1);
	CU_ASSERT_PTR_EQUAL(out[0], b);

	/* A long early range must be found behind many short later ones. */
	big = ins(&m, 1000, 1000000, 0, 4);
	for (uint64_t s = 2000; s < 100000; s += 1000)
		ins(&m, s, s + 10, 0, 5);
	CU_ASSERT_EQUAL(collect(&m, 500000, 500001, out, 8), 1);
	CU_ASSERT_PTR_EQUAL(out[0], big);
	CU_ASSERT_EQUAL(collect(&m, 5005, 5006, out, 8), 2);
	CU_ASSERT_PTR_EQUAL(out[0], big);
	CU_ASSERT_EQUAL(out[1]->start, 5000);
	CU_ASSERT_EQUAL(collect(&m, 5010, 6000, out, 8), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 4 + 98);
	iorep_ivmap_release(&m);
}

static void test_remove(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *n[64], *it;
	int i, k;

	iorep_ivmap_init(&m);
	for (i = 0; i < 64; i++)
		n[i] = ins(&m, (uint64_t)i * PAGE, (uint64_t)(i + 1) * PAGE, 0, (uint32_t)i);
	/* Remove the odd ones: inner nodes with two children among them. */
	for (i = 1; i < 64; i += 2) {
		iorep_ivmap_remove(&m, n[i]);
		CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	}
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 32);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 32 * PAGE);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 3 * PAGE + 5));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 4 * PAGE + 5), n[4]);
	k = 0;
	iorep_ivmap_for_each(it, &m) {
		CU_ASSERT_EQUAL(it->val.owner, (uint32_t)(2 * k));
		k++;
	}
	CU_ASSERT_EQUAL(k, 32);
	/* Remove all via the safe iterator. */
	{
		struct iorep_ivmap_node *tmp;

		iorep_ivmap_for_each_safe(it, tmp, &m)
			iorep_ivmap_remove(&m, it);
	}
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0);
	CU_ASSERT_PTR_NULL(m.root);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	iorep_ivmap_release(&m);
}

static void test_trim(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *a, *b, *t, *out[8];

	iorep_ivmap_init(&m);
	a = ins(&m, 0x10000, 0x20000, 0x500000, 7);
	b = ins(&m, 0x18000, 0x19000, 0x900000, 8);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x11000);

	/* Disjoint and invalid sub-ranges. */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, 0x20000, 0x30000, &t), IOREP_IVMAP_TRIM_NONE);
	CU_ASSERT_PTR_NULL(t);
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, 0x0, 0x10000, &t), IOREP_IVMAP_TRIM_NONE);
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, 0x12000, 0x12000, &t), -IOREP_EINVAL);
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, 0x13000, 0x12000, &t), -IOREP_EINVAL);
	CU_ASSERT_EQUAL(a->start, 0x10000);
	CU_ASSERT_EQUAL(a->last, 0x1ffff);

	/* Back: [0x1e000, 0x30000) leaves [0x10000, 0x1e000). */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, 0x1e000, 0x30000, &t), IOREP_IVMAP_TRIM_BACK);
	CU_ASSERT_EQUAL(a->start, 0x10000);
	CU_ASSERT_EQUAL(a->last, 0x1dfff);
	CU_ASSERT_EQUAL(a->val.paddr, 0x500000);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0xe000 + 0x1000);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);

	/* Front: [0x8000, 0x12000) leaves [0x12000, 0x1e000), paddr + 0x2000. */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, 0x8000, 0x12000, &t), IOREP_IVMAP_TRIM_FRONT);
	CU_ASSERT_EQUAL(a->start, 0x12000);
	CU_ASSERT_EQUAL(a->last, 0x1dfff);
	CU_ASSERT_EQUAL(a->val.paddr, 0x502000);
	CU_ASSERT_EQUAL(a->val.owner, 7);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0xc000 + 0x1000);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0x11fff));
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);

	/* Front past b's start: a must move after b in the order. */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, 0x12000, 0x18800, &t), IOREP_IVMAP_TRIM_FRONT);
	CU_ASSERT_EQUAL(a->start, 0x18800);
	CU_ASSERT_EQUAL(a->val.paddr, 0x508800);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_first(&m), b);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_next(b), a);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0x18900), b);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x5800 + 0x1000);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);

	/* Split: [0x1a000, 0x1b000) out of [0x18800, 0x1e000). */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, 0x1a000, 0x1b000, &t), IOREP_IVMAP_TRIM_SPLIT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(a->start, 0x18800);
	CU_ASSERT_EQUAL(a->last, 0x19fff);
	CU_ASSERT_EQUAL(a->val.paddr, 0x508800);
	CU_ASSERT_EQUAL(t->start, 0x1b000);
	CU_ASSERT_EQUAL(t->last, 0x1dfff);
	CU_ASSERT_EQUAL(t->val.paddr, 0x508800 + (0x1b000 - 0x18800));
	CU_ASSERT_EQUAL(t->val.ts, a->val.ts);
	CU_ASSERT_EQUAL(t->val.owner, 7);
	CU_ASSERT_EQUAL(t->val.flags, a->val.flags);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 3);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x1800 + 0x3000 + 0x1000);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0x1a000));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0x1afff));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0x1b000), t);
	CU_ASSERT_EQUAL(collect(&m, 0x19000, 0x1c000, out, 8), 2);
	CU_ASSERT_PTR_EQUAL(out[0], a);
	CU_ASSERT_PTR_EQUAL(out[1], t);
	CU_ASSERT_EQUAL(collect(&m, 0x18f00, 0x1c000, out, 8), 3);
	CU_ASSERT_PTR_EQUAL(out[0], b);
	CU_ASSERT_PTR_EQUAL(out[1], a);
	CU_ASSERT_PTR_EQUAL(out[2], t);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);

	/* One-byte split at the edges. */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, t, 0x1b001, 0x1b002, NULL), IOREP_IVMAP_TRIM_SPLIT);
	CU_ASSERT_EQUAL(t->last, 0x1b000);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 4);

	/* Covering trims remove. */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, b, 0x18000, 0x19000, NULL), IOREP_IVMAP_TRIM_REMOVED);
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, t, 0, 0, NULL), IOREP_IVMAP_TRIM_REMOVED);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 2);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x1800 + 0x2ffe);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	iorep_ivmap_release(&m);
}

/* An unmap of [start, end) across every mapping it touches. */
static void test_unmap_range(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *n, *tmp, *out[16];
	int i, ret;

	iorep_ivmap_init(&m);
	for (i = 0; i < 8; i++)
		ins(&m, (uint64_t)i * PAGE, (uint64_t)(i + 1) * PAGE, 0x100000 + (uint64_t)i * PAGE,
		    (uint32_t)i);
	ins(&m, 0, 8 * PAGE, 0x800000, 100); /* overlapping double map */
	iorep_ivmap_for_each_overlap_safe(n, tmp, &m, 2 * PAGE + 16, 5 * PAGE - 16) {
		ret = iorep_ivmap_trim(&m, n, 2 * PAGE + 16, 5 * PAGE - 16, NULL);
		CU_ASSERT(ret > 0);
		CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	}
	CU_ASSERT_EQUAL(collect(&m, 2 * PAGE + 16, 5 * PAGE - 16, out, 16), 0);
	/* Pages 0,1,5,6,7 whole, 2 and 4 trimmed, 3 gone; the double map split. */
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 9);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 2 * (8 * PAGE - (3 * PAGE - 32)));
	n = iorep_ivmap_find_containing(&m, 5 * PAGE - 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(n->val.owner, 4);
	CU_ASSERT_EQUAL(n->val.paddr, 0x100000 + 5 * PAGE - 16);
	n = iorep_ivmap_next(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(n->val.owner, 100);
	CU_ASSERT_EQUAL(n->val.paddr, 0x800000 + 5 * PAGE - 16);
	iorep_ivmap_release(&m);
}

static int count_until(struct iorep_ivmap_node *n, void *data)
{
	int *k = data;

	(*k)++;
	return n->val.owner == 3 ? 42 : 0;
}

static void test_callback(void)
{
	struct iorep_ivmap m;
	int i, k = 0;

	iorep_ivmap_init(&m);
	for (i = 0; i < 6; i++)
		ins(&m, (uint64_t)i * 10, (uint64_t)i * 10 + 15, 0, (uint32_t)i);
	CU_ASSERT_EQUAL(iorep_ivmap_overlap_each(&m, 0, 0, count_until, &k), 42);
	CU_ASSERT_EQUAL(k, 4);
	k = 0;
	CU_ASSERT_EQUAL(iorep_ivmap_overlap_each(&m, 12, 14, count_until, &k), 0);
	CU_ASSERT_EQUAL(k, 2);
	k = 0;
	CU_ASSERT_EQUAL(iorep_ivmap_overlap_each(&m, 12, 12, count_until, &k), 0);
	CU_ASSERT_EQUAL(k, 0);
	iorep_ivmap_release(&m);
}

/* Sequential inserts are the degenerate case of an unbalanced tree. */
static void test_balance_and_cache(void)
{
	struct iorep_ivmap *m = iorep_ivmap_new();
	struct iorep_ivmap_node *n, *tmp;
	const size_t total = 100000;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (i = 0; i < total; i++) {
		struct iorep_ivmap_val v = mkval(i, 0);

		CU_ASSERT_PTR_NOT_NULL_FATAL(iorep_ivmap_insert(m, i * PAGE, (i + 1) * PAGE, &v));
	}
	CU_ASSERT_EQUAL(iorep_ivmap_validate(m), 0);
	/* AVL: height < 1.4405 log2(n + 2) - 0.3277 = 23.6 for n = 100000. */
	CU_ASSERT(m->root->hl < 23 && m->root->hr < 23);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(m), total * PAGE);

	iorep_ivmap_for_each_safe(n, tmp, m)
		iorep_ivmap_remove(m, n);
	CU_ASSERT_EQUAL(iorep_ivmap_count(m), 0);
	CU_ASSERT_EQUAL(m->ncache, IOREP_IVMAP_CACHE_DEFAULT);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(m), 0);

	/* Churn does not grow the cache. */
	for (i = 0; i < 10000; i++) {
		struct iorep_ivmap_val v = mkval(i, 0);

		n = iorep_ivmap_insert(m, i, i + 1, &v);
		CU_ASSERT_PTR_NOT_NULL_FATAL(n);
		if (i % 3)
			iorep_ivmap_remove(m, n);
	}
	CU_ASSERT(m->ncache <= IOREP_IVMAP_CACHE_DEFAULT);
	iorep_ivmap_set_cache_max(m, 0);
	CU_ASSERT_EQUAL(m->ncache, 0);
	CU_ASSERT_PTR_NULL(m->cache);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(m), 0);
	iorep_ivmap_free(m);
}

/* ---- Randomized comparison against a naive array ---- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL); /* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct ref_ent {
	struct iorep_ivmap_node *node;
	uint64_t start;
	uint64_t last;
	uint64_t seq;
	struct iorep_ivmap_val val;
};

struct ref {
	struct ref_ent *e;
	size_t n;
	size_t cap;
	uint64_t next_seq;
	size_t op;
};

#define RCHECK(r, cond)                                                                            \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "\nop %zu: %s:%d: %s\n", (r)->op, __FILE__, __LINE__,      \
				#cond);                                                            \
			CU_FAIL_FATAL(#cond);                                                      \
		}                                                                                  \
	} while (0)

static int ref_key_less(const struct ref_ent *a, const struct ref_ent *b)
{
	return a->start < b->start || (a->start == b->start && a->seq < b->seq);
}

static int ref_cmp(const void *pa, const void *pb)
{
	const struct ref_ent *a = pa, *b = pb;

	if (ref_key_less(a, b))
		return -1;
	return ref_key_less(b, a);
}

static void ref_push(struct ref *r, struct iorep_ivmap_node *n, uint64_t start, uint64_t last,
		     uint64_t seq, const struct iorep_ivmap_val *val)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->e = realloc(r->e, r->cap * sizeof(*r->e));
		CU_ASSERT_PTR_NOT_NULL_FATAL(r->e);
	}
	r->e[r->n].node = n;
	r->e[r->n].start = start;
	r->e[r->n].last = last;
	r->e[r->n].seq = seq;
	r->e[r->n].val = *val;
	r->n++;
}

static void ref_del(struct ref *r, size_t i)
{
	r->e[i] = r->e[--r->n];
}

static size_t ref_find(struct ref *r, const struct iorep_ivmap_node *n)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->e[i].node == n)
			return i;
	RCHECK(r, !"node not in the reference");
	return 0;
}

/* A random valid range; end is modulo 2^64. */
static void rnd_range(struct rng *g, uint64_t *start, uint64_t *end)
{
	uint64_t k = rnd(g) % 100, len;

	if (k < 70) {
		*start = rnd(g) % 16384;
		len = 1 + rnd(g) % 1024;
	} else if (k < 78) {
		*start = (rnd(g) % 8) * PAGE;
		len = (1 + rnd(g) % 4) * PAGE;
	} else if (k < 90) {
		*start = TOP - rnd(g) % 8192;
		len = 1 + rnd(g) % 8192;
	} else if (k < 97) {
		*start = rnd(g);
		len = 1 + (rnd(g) >> (rnd(g) % 64));
	} else {
		*start = (rnd(g) & 1) ? 0 : rnd(g) % 16384;
		len = 0; /* to the top */
	}
	if (len == 0 || len - 1 > TOP - *start)
		*end = 0;
	else
		*end = *start + len;
}

static void check_node(struct ref *r, const struct ref_ent *e)
{
	const struct iorep_ivmap_node *n = e->node;

	RCHECK(r, n->start == e->start);
	RCHECK(r, n->last == e->last);
	RCHECK(r, n->seq == e->seq);
	RCHECK(r, memcmp(&n->val, &e->val, sizeof(n->val)) == 0);
}

static void check_totals(struct ref *r, struct iorep_ivmap *m)
{
	unsigned __int128 sum = 0;
	uint64_t want;
	size_t i;

	for (i = 0; i < r->n; i++)
		sum += (unsigned __int128)(r->e[i].last - r->e[i].start) + 1;
	want = sum > UINT64_MAX ? UINT64_MAX : (uint64_t)sum;
	RCHECK(r, iorep_ivmap_count(m) == r->n);
	RCHECK(r, iorep_ivmap_bytes(m) == want);
	RCHECK(r, iorep_ivmap_validate(m) == 0);
}

static void check_all(struct ref *r, struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n;
	size_t i;

	qsort(r->e, r->n, sizeof(*r->e), ref_cmp);
	i = 0;
	iorep_ivmap_for_each(n, m) {
		RCHECK(r, i < r->n);
		RCHECK(r, n == r->e[i].node);
		check_node(r, &r->e[i]);
		i++;
	}
	RCHECK(r, i == r->n);
	n = iorep_ivmap_last(m);
	for (i = r->n; i > 0; i--) {
		RCHECK(r, n == r->e[i - 1].node);
		n = iorep_ivmap_prev(n);
	}
	RCHECK(r, n == NULL);
}

struct cb_state {
	struct ref *r;
	struct ref_ent *want;
	size_t k;
	size_t nwant;
};

static int cb_compare(struct iorep_ivmap_node *n, void *data)
{
	struct cb_state *s = data;

	RCHECK(s->r, s->k < s->nwant);
	RCHECK(s->r, n == s->want[s->k].node);
	s->k++;
	return 0;
}

static void check_overlap(struct ref *r, struct iorep_ivmap *m, uint64_t start, uint64_t end,
			  int with_cb)
{
	struct ref_ent *want = malloc((r->n + 1) * sizeof(*want));
	struct iorep_ivmap_node *n;
	uint64_t last = end - 1;
	size_t nwant = 0, i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	for (i = 0; i < r->n; i++)
		if (r->e[i].start <= last && r->e[i].last >= start)
			want[nwant++] = r->e[i];
	qsort(want, nwant, sizeof(*want), ref_cmp);
	i = 0;
	iorep_ivmap_for_each_overlap(n, m, start, end) {
		RCHECK(r, i < nwant);
		RCHECK(r, n == want[i].node);
		i++;
	}
	RCHECK(r, i == nwant);
	if (with_cb) {
		struct cb_state s = {.r = r, .want = want, .nwant = nwant};

		RCHECK(r, iorep_ivmap_overlap_each(m, start, end, cb_compare, &s) == 0);
		RCHECK(r, s.k == nwant);
	}
	free(want);
}

static void check_containing(struct ref *r, struct iorep_ivmap *m, uint64_t addr)
{
	const struct ref_ent *best = NULL;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->e[i].start <= addr && addr <= r->e[i].last &&
		    (!best || ref_key_less(&r->e[i], best)))
			best = &r->e[i];
	RCHECK(r, iorep_ivmap_find_containing(m, addr) == (best ? best->node : NULL));
}

static void check_exact(struct ref *r, struct iorep_ivmap *m, uint64_t start, uint64_t end)
{
	const struct ref_ent *best = NULL;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->e[i].start == start && r->e[i].last == end - 1 &&
		    (!best || r->e[i].seq < best->seq))
			best = &r->e[i];
	RCHECK(r, iorep_ivmap_find_exact(m, start, end) == (best ? best->node : NULL));
}

/* The reference trim of entry @i; mirrors the documented semantics. */
static int ref_trim(struct ref *r, size_t i, uint64_t start, uint64_t end, size_t *tail)
{
	struct ref_ent *e = &r->e[i];
	uint64_t last = end - 1;
	struct iorep_ivmap_val v;

	*tail = SIZE_MAX;
	if (last < e->start || start > e->last)
		return IOREP_IVMAP_TRIM_NONE;
	if (start <= e->start && last >= e->last) {
		ref_del(r, i);
		return IOREP_IVMAP_TRIM_REMOVED;
	}
	if (start <= e->start) {
		e->val.paddr += last + 1 - e->start;
		e->start = last + 1;
		return IOREP_IVMAP_TRIM_FRONT;
	}
	if (last >= e->last) {
		e->last = start - 1;
		return IOREP_IVMAP_TRIM_BACK;
	}
	v = e->val;
	v.paddr += last + 1 - e->start;
	ref_push(r, NULL, last + 1, e->last, r->next_seq++, &v);
	r->e[i].last = start - 1; /* e may have moved in ref_push() */
	*tail = r->n - 1;
	return IOREP_IVMAP_TRIM_SPLIT;
}

/* A sub-range around entry @e that hits each trim case now and then. */
static void rnd_trim_range(struct rng *g, const struct ref_ent *e, uint64_t *start, uint64_t *end)
{
	uint64_t size_m1 = e->last - e->start;
	uint64_t a, len, d;

	switch (rnd(g) % 4) {
	case 0:
		d = rnd(g) % 16;
		a = d <= e->start ? e->start - d : e->start;
		break;
	case 1:
		rnd_range(g, start, end);
		return;
	default:
		a = e->start + (size_m1 ? rnd(g) % size_m1 : 0);
		break;
	}
	len = 1 + rnd(g) % (size_m1 < 4096 ? size_m1 + 32 : 4096 + 32);
	if (rnd(g) % 8 == 0)
		len = 0;
	*start = a;
	*end = (len == 0 || len - 1 > TOP - a) ? 0 : a + len;
}

static void random_insert(struct ref *r, struct rng *g, struct iorep_ivmap *m)
{
	struct iorep_ivmap_val v = mkval(rnd(g), (uint32_t)rnd(g));
	struct iorep_ivmap_node *n;
	uint64_t start, end;

	if (r->n && rnd(g) % 10 == 0) {
		const struct ref_ent *e = &r->e[rnd(g) % r->n];

		start = e->start;
		end = e->last + 1;
	} else {
		rnd_range(g, &start, &end);
	}
	n = iorep_ivmap_insert(m, start, end, &v);
	RCHECK(r, n != NULL);
	ref_push(r, n, start, end - 1, r->next_seq++, &v);
	check_node(r, &r->e[r->n - 1]);
}

static void random_trim(struct ref *r, struct rng *g, struct iorep_ivmap *m)
{
	size_t i = rnd(g) % r->n, ti;
	struct iorep_ivmap_node *n = r->e[i].node, *tail;
	uint64_t start, end;
	int got, want;

	if (rnd(g) % 50 == 0) {
		start = rnd(g) % 16384 + 1;
		RCHECK(r,
		       iorep_ivmap_trim(m, n, start, start - (rnd(g) % 2), &tail) == -IOREP_EINVAL);
		RCHECK(r, tail == NULL);
		return;
	}
	rnd_trim_range(g, &r->e[i], &start, &end);
	got = iorep_ivmap_trim(m, n, start, end, &tail);
	want = ref_trim(r, i, start, end, &ti);
	RCHECK(r, got == want);
	if (want == IOREP_IVMAP_TRIM_SPLIT) {
		RCHECK(r, tail != NULL);
		r->e[ti].node = tail;
		check_node(r, &r->e[ti]);
		check_node(r, &r->e[i]);
	} else {
		RCHECK(r, tail == NULL);
		if (want != IOREP_IVMAP_TRIM_REMOVED)
			check_node(r, &r->e[i]);
	}
}

/* An unmap of a random range over every node it touches, in order. */
static void random_unmap(struct ref *r, struct rng *g, struct iorep_ivmap *m)
{
	struct iorep_ivmap_node *n, *tmp, *tail;
	uint64_t start, end;
	size_t ti;
	int got;

	rnd_range(g, &start, &end);
	iorep_ivmap_for_each_overlap_safe(n, tmp, m, start, end) {
		got = iorep_ivmap_trim(m, n, start, end, &tail);
		RCHECK(r, got == ref_trim(r, ref_find(r, n), start, end, &ti));
		RCHECK(r, got > 0);
		if (got == IOREP_IVMAP_TRIM_SPLIT)
			r->e[ti].node = tail;
	}
	check_overlap(r, m, start, end, 0);
}

static void test_random(void)
{
	struct iorep_ivmap m;
	struct ref r = {0};
	struct rng g = {0x10a7e57ULL};
	const size_t ops = 200000;
	uint64_t start, end;
	unsigned int p, p_ins;

	iorep_ivmap_init(&m);
	for (r.op = 0; r.op < ops; r.op++) {
		p = (unsigned int)(rnd(&g) % 100);
		/* Keep the live count wandering between a few hundred and ~1000. */
		p_ins = r.n < 200 ? 55 : r.n > 800 ? 20 : 33;
		if (p < p_ins || !r.n) {
			random_insert(&r, &g, &m);
		} else if (p < 50) {
			size_t i = rnd(&g) % r.n;

			iorep_ivmap_remove(&m, r.e[i].node);
			ref_del(&r, i);
		} else if (p < 62) {
			random_trim(&r, &g, &m);
		} else if (p < 75) {
			rnd_range(&g, &start, &end);
			check_overlap(&r, &m, start, end, p & 1);
		} else if (p < 85) {
			uint64_t k = rnd(&g) % 4;

			rnd_range(&g, &start, &end);
			check_containing(&r, &m, k == 0 ? start : k == 1 ? end - 1 : end);
		} else if (p < 93) {
			if (rnd(&g) % 4) {
				const struct ref_ent *e = &r.e[rnd(&g) % r.n];

				start = e->start;
				end = e->last + 1 + (rnd(&g) % 8 == 0);
			} else {
				rnd_range(&g, &start, &end);
			}
			check_exact(&r, &m, start, end);
		} else if (p < 97) {
			check_all(&r, &m);
		} else {
			random_unmap(&r, &g, &m);
		}
		check_totals(&r, &m);
		RCHECK(&r, m.ncache <= m.cache_max);
		if (r.op % 50000 == 49999) {
			/* Drain everything now and then: the empty tree is a case too. */
			struct iorep_ivmap_node *n, *tmp;

			iorep_ivmap_for_each_safe(n, tmp, &m)
				iorep_ivmap_remove(&m, n);
			r.n = 0;
			check_totals(&r, &m);
		}
	}
	check_all(&r, &m);
	iorep_ivmap_release(&m);
	free(r.e);
}

/*
 * Dead nodes: invisible to the live API, found by the dead and "any" calls,
 * turned dead and live in place, trimmed and split keeping their state,
 * swept by age.
 */
static void test_dead_nodes(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_node *a, *b, *c, *d, *n, *tail, *got[4];
	struct iorep_ivmap_val v = mkval(0x9000, 9);

	iorep_ivmap_init(&m);
	a = ins(&m, 0x1000, 0x3000, 0x100000, 1);
	b = ins(&m, 0x3000, 0x4000, 0x200000, 2);
	v.ts = 50;
	c = iorep_ivmap_insert_dead(&m, 0x8000, 0xa000, &v);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT(iorep_ivmap_node_dead(c));
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 2);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x3000);
	/* the live API does not see it */
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0x8000));
	CU_ASSERT_PTR_NULL(iorep_ivmap_overlap_first(&m, 0x4000, 0x10000));
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_exact(&m, 0x8000, 0xa000));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_last(&m), b);
	CU_ASSERT_EQUAL(collect(&m, 0, 0x10000, got, 4), 2);
	/* the dead and any calls do */
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_dead_find_containing(&m, 0x9fff), c);
	CU_ASSERT_PTR_NULL(iorep_ivmap_dead_find_containing(&m, 0x2000));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_dead_overlap_first(&m, 0, 0x8001), c);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_overlap_first_any(&m, 0x3fff, 0x9000), b);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_overlap_next_any(&m, b, 0x3fff, 0x9000), c);
	CU_ASSERT_PTR_NULL(iorep_ivmap_overlap_next_any(&m, c, 0x3fff, 0x9000));

	/* kill: same place in the tree, counts move, payload replaced */
	v.ts = 70;
	iorep_ivmap_kill(&m, a, &v);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 2);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x1000);
	CU_ASSERT_EQUAL(a->val.ts, 70);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_first(&m), b);
	CU_ASSERT_PTR_NULL(iorep_ivmap_prev(b));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_dead_find_containing(&m, 0x1000), a);
	/* killing a dead node only replaces its payload */
	v.ts = 80;
	iorep_ivmap_kill(&m, a, &v);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 2);
	CU_ASSERT_EQUAL(a->val.ts, 80);

	/* trim and split of a dead node keep it dead and leave the bytes alone */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, c, 0x8800, 0x9000, &tail), IOREP_IVMAP_TRIM_SPLIT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tail);
	CU_ASSERT(iorep_ivmap_node_dead(tail));
	CU_ASSERT_EQUAL(tail->start, 0x9000);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 3);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x1000);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, tail, 0x9000, 0xa000, NULL), IOREP_IVMAP_TRIM_REMOVED);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 2);

	/* revive: live again where it was */
	v = mkval(0x300000, 3);
	iorep_ivmap_revive(&m, a, &v);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 2);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x3000);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_first(&m), a);
	CU_ASSERT_EQUAL(a->val.paddr, 0x300000);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_exact(&m, 0x1000, 0x3000), a);

	/* sweep by age: c (ts 50) goes with a limit of 60, d (ts 90) stays */
	v.ts = 90;
	d = iorep_ivmap_insert_dead(&m, 0x20000, 0x21000, &v);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(iorep_ivmap_sweep_dead(&m, 60), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 1);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_dead_find_containing(&m, 0x20000), d);
	CU_ASSERT_EQUAL(iorep_ivmap_sweep_dead(&m, UINT64_MAX), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 2);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	/* removing a dead node */
	n = iorep_ivmap_insert_dead(&m, 0x5000, 0x6000, &v);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	iorep_ivmap_remove(&m, n);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	iorep_ivmap_release(&m);
}

/* A randomized run of live and dead nodes against naive state: every query agrees. */
static void test_random_dead(void)
{
	struct {
		struct iorep_ivmap_node *node;
		uint64_t start, last, seq;
		int dead;
	} e[600];
	struct iorep_ivmap m;
	struct iorep_ivmap_val v = { 0 };
	struct iorep_ivmap_node *n, *want;
	struct rng g = { 0xdeadULL };
	size_t ne = 0, i, live, dead, k;
	uint64_t seq = 0, start, end, addr, bytes;
	unsigned int op, step;
	int bad = 0;

	iorep_ivmap_init(&m);
	for (step = 0; step < 100000 && !bad; step++) {
		op = (unsigned int)(rnd(&g) % 10);
		if (op < 3 && ne < 600) {
			start = (rnd(&g) % 256) * 16;
			end = start + 1 + rnd(&g) % 64;
			v.ts = step;
			n = op ? iorep_ivmap_insert(&m, start, end, &v) :
				 iorep_ivmap_insert_dead(&m, start, end, &v);
			if (!n)
				break;
			e[ne].node = n;
			e[ne].start = start;
			e[ne].last = end - 1;
			e[ne].seq = seq++;
			e[ne].dead = !op;
			ne++;
		} else if (op < 5 && ne) {
			i = rnd(&g) % ne;
			v.ts = step;
			if (e[i].dead)
				iorep_ivmap_revive(&m, e[i].node, &v);
			else
				iorep_ivmap_kill(&m, e[i].node, &v);
			e[i].dead = !e[i].dead;
		} else if (op < 6 && ne) {
			i = rnd(&g) % ne;
			iorep_ivmap_remove(&m, e[i].node);
			e[i] = e[--ne];
		} else {
			/* queries: first live, first dead, first any, containing an address */
			addr = (rnd(&g) % 256) * 16 + rnd(&g) % 32;
			for (k = 0; k < 3; k++) {
				want = NULL;
				for (i = 0; i < ne; i++) {
					if (e[i].start > addr || e[i].last < addr)
						continue;
					if ((k == 0 && e[i].dead) || (k == 1 && !e[i].dead))
						continue;
					if (!want || e[i].start < want->start ||
					    (e[i].start == want->start && e[i].seq < want->seq))
						want = e[i].node;
				}
				n = k == 0 ? iorep_ivmap_find_containing(&m, addr) :
				    k == 1 ? iorep_ivmap_dead_find_containing(&m, addr) :
					     iorep_ivmap_overlap_first_any(&m, addr, addr + 1);
				bad |= n != want;
			}
		}
		for (i = live = dead = 0, bytes = 0; i < ne; i++) {
			dead += e[i].dead;
			live += !e[i].dead;
			bytes += e[i].dead ? 0 : e[i].last + 1 - e[i].start;
		}
		bad |= iorep_ivmap_count(&m) != live || iorep_ivmap_dead_count(&m) != dead ||
		       iorep_ivmap_bytes(&m) != bytes;
		if (step % 97 == 0)
			bad |= iorep_ivmap_validate(&m) != 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(step, 100000);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	iorep_ivmap_release(&m);
}

/* The nodes of @m in order, live or dead, into @out; returns how many. */
static size_t in_order(struct iorep_ivmap *m, struct iorep_ivmap_node **out, size_t max)
{
	struct iorep_ivmap_node *n;
	size_t k = 0;

	for (n = iorep_ivmap_overlap_first_any(m, 0, 0); n; n = iorep_ivmap_overlap_next_any(m, n, 0, 0))
		if (k < max)
			out[k++] = n;
	return k;
}

/*
 * A search that finds a range free, or a trim, remembers where the range
 * goes; the insert of it that follows links there.  iorep_ivmap_reset()
 * keeps its node in place, relinks it, or makes the map overlap.
 */
static void test_hint_and_reset(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_val v = mkval(0x77000, 7);
	struct iorep_ivmap_node *a, *b, *c, *d, *e, *o[8];
	uint64_t seq;

	iorep_ivmap_init(&m);
	a = ins(&m, 0x1000, 0x2000, 0x10000, 1);
	c = ins(&m, 0x8000, 0x9000, 0x80000, 3);
	/* free: the insert of that range goes where the search ended */
	CU_ASSERT_PTR_NULL(iorep_ivmap_overlap_first_any(&m, 0x4000, 0x5000));
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	b = ins(&m, 0x4000, 0x5000, 0x40000, 2);
	CU_ASSERT_EQUAL(in_order(&m, o, 8), 3);
	CU_ASSERT(o[0] == a && o[1] == b && o[2] == c);
	/* free, then an insert of another range: an ordinary one */
	CU_ASSERT_PTR_NULL(iorep_ivmap_overlap_first_any(&m, 0x6000, 0x7000));
	d = ins(&m, 0xa000, 0xb000, 0xa0000, 4);
	CU_ASSERT_EQUAL(in_order(&m, o, 8), 4);
	CU_ASSERT(o[2] == c && o[3] == d);
	/* a front trim leaves room before the node, a back trim after it */
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, c, 0x8000, 0x8800, NULL), IOREP_IVMAP_TRIM_FRONT);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	e = ins(&m, 0x8000, 0x8800, 0x80000, 5);
	CU_ASSERT_EQUAL(in_order(&m, o, 8), 5);
	CU_ASSERT(o[1] == b && o[2] == e && o[3] == c && o[4] == d);
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, a, 0x1800, 0x2000, NULL), IOREP_IVMAP_TRIM_BACK);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	iorep_ivmap_remove(&m, ins(&m, 0x1800, 0x2000, 0x18000, 6));
	CU_ASSERT_EQUAL(iorep_ivmap_trim(&m, d, 0xa400, 0xa800, &e), IOREP_IVMAP_TRIM_SPLIT);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0xa400), NULL);
	e = ins(&m, 0xa400, 0xa800, 0xa4000, 8);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0xa400), e);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_next(d), e);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 7);

	/* a reset between the same neighbours: in place, dead, a new sequence */
	seq = m.next_seq;
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_reset(&m, b, 0x3000, 0x6000, &v, 1), b);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT(b->start == 0x3000 && b->last == 0x5fff && b->seq == seq && b->dead);
	CU_ASSERT_EQUAL(b->val.paddr, 0x77000);
	CU_ASSERT_EQUAL(m.next_seq, seq + 1);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 6);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 1);
	/* a [1000, 1800), [8000, 8800), c, d [a000, a400), e, the tail [a800, b000) */
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 4 * 0x800 + 2 * 0x400);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_dead_find_containing(&m, 0x3000), b);
	CU_ASSERT_PTR_NULL(iorep_ivmap_find_containing(&m, 0x3000));
	/* past its neighbour: relinked, live again */
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_reset(&m, b, 0xc000, 0xd000, &v, 0), b);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_last(&m), b);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 7);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 0);
	CU_ASSERT(iorep_ivmap_apart(&m));
	/* onto its neighbour: the map overlaps, and the later sequence comes second */
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_reset(&m, b, 0x1000, 0x1400, &v, 0), b);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT(!iorep_ivmap_apart(&m));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0x1000), a);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_next(a), b);
	/* overlapping, between the same neighbours: in place, after a of the same start */
	seq = m.next_seq;
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_reset(&m, b, 0x1000, 0x3000, &v, 0), b);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT_EQUAL(b->seq, seq);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_overlap_first(&m, 0x2800, 0x2900), b);
	/* and apart from it again */
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_reset(&m, b, 0x2000, 0x3000, &v, 0), b);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_next(a), b);
	/* invalid range, nothing changed */
	CU_ASSERT_PTR_NULL(iorep_ivmap_reset(&m, b, 0x5000, 0x5000, &v, 1));
	CU_ASSERT(b->start == 0x2000 && b->last == 0x2fff && !b->dead);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	iorep_ivmap_release(&m);
}

/*
 * iorep_ivmap_reset_sole(): the caller vouches that the node is alone on the
 * range, and it stays where it is, apart (its entry in the table follows
 * its new start) and overlapping alike.
 */
static void test_reset_sole(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_val v = mkval(0x55000, 9);
	struct iorep_ivmap_node *a, *b, *c, *d, *o[8];
	uint64_t seq;

	iorep_ivmap_init(&m);
	a = ins(&m, 0x1000, 0x2000, 0x10000, 1);
	b = ins(&m, 0x4000, 0x5000, 0x40000, 2);
	c = ins(&m, 0x8000, 0x9000, 0x80000, 3);
	seq = m.next_seq;
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_reset_sole(&m, b, 0x3000, 0x6000, &v, 1), b);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT(b->start == 0x3000 && b->last == 0x5fff && b->seq == seq && b->dead);
	CU_ASSERT_EQUAL(b->val.paddr, 0x55000);
	CU_ASSERT_EQUAL(m.next_seq, seq + 1);
	CU_ASSERT(iorep_ivmap_apart(&m));
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 2);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_bytes(&m), 0x2000);
	/* found by its new start (the table), not by the old one */
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_dead_overlap_first(&m, 0x3000, 0x3001), b);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_dead_find_containing(&m, 0x5fff), b);
	CU_ASSERT_PTR_NULL(iorep_ivmap_dead_find_containing(&m, 0x6000));
	CU_ASSERT_EQUAL(in_order(&m, o, 8), 3);
	CU_ASSERT(o[0] == a && o[1] == b && o[2] == c);
	/* an invalid range changes nothing */
	CU_ASSERT_PTR_NULL(iorep_ivmap_reset_sole(&m, b, 0x3000, 0x3000, &v, 0));
	CU_ASSERT(b->start == 0x3000 && b->last == 0x5fff && b->dead);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);

	/* overlapping elsewhere: max_last follows, the pairs that overlap do not change */
	d = ins(&m, 0x8000, 0x8800, 0x80000, 4);
	CU_ASSERT(!iorep_ivmap_apart(&m));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_reset_sole(&m, b, 0x2800, 0x7800, &v, 0), b);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	CU_ASSERT(b->start == 0x2800 && b->last == 0x77ff && !b->dead);
	CU_ASSERT(!iorep_ivmap_apart(&m));
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_overlap_first(&m, 0x7000, 0x7100), b);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(&m, 0x2800), b);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&m), 4);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(&m), 0);
	CU_ASSERT_EQUAL(in_order(&m, o, 8), 4);
	CU_ASSERT(o[0] == a && o[1] == b && o[2] == c && o[3] == d);
	iorep_ivmap_release(&m);
}

/* The naive state of test_random_apart(). */
struct apart_ent {
	struct iorep_ivmap_node *node;
	uint64_t start, last, seq;
	int dead;
};

struct apart {
	struct apart_ent e[1024];
	size_t n;
	uint64_t seq;
	int bad;
};

static void apart_add(struct apart *a, struct iorep_ivmap_node *n, int dead)
{
	if (!n || a->n == 1024) {
		a->bad |= 1;
		return;
	}
	a->e[a->n++] = (struct apart_ent){ n, n->start, n->last, a->seq++, dead };
}

static size_t apart_find(struct apart *a, const struct iorep_ivmap_node *n)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->e[i].node == n)
			return i;
	a->bad |= 2;
	return 0;
}

/* iorep_ivmap_trim() of entry @i by [s, l], on the map and on the naive state. */
static void apart_trim(struct apart *a, struct iorep_ivmap *m, size_t i, uint64_t s, uint64_t l)
{
	struct apart_ent *e = &a->e[i];
	struct iorep_ivmap_node *tail;
	int ret = iorep_ivmap_trim(m, e->node, s, l + 1, &tail);

	if (s <= e->start && l >= e->last) {
		a->bad |= (ret != IOREP_IVMAP_TRIM_REMOVED) << 2;
		*e = a->e[--a->n];
	} else if (s <= e->start) {
		a->bad |= (ret != IOREP_IVMAP_TRIM_FRONT) << 2;
		e->start = l + 1;
	} else if (l >= e->last) {
		a->bad |= (ret != IOREP_IVMAP_TRIM_BACK) << 2;
		e->last = s - 1;
	} else {
		a->bad |= (ret != IOREP_IVMAP_TRIM_SPLIT || !tail) << 2;
		if (a->n < 1024 && tail)
			a->e[a->n++] = (struct apart_ent){ tail, l + 1, e->last, a->seq++, e->dead };
		e->last = s - 1;
	}
}

/* Every overlap query on [s, l] agrees with the naive state: any, live, dead, exact. */
static void apart_query(struct apart *a, struct iorep_ivmap *m, uint64_t s, uint64_t l)
{
	const struct apart_ent *best;
	struct iorep_ivmap_node *n, *prev = NULL, *want;
	size_t i, k, seen = 0;

	/* the "any" iteration: each node in (start, seq) order, once */
	for (n = iorep_ivmap_overlap_first_any(m, s, l + 1); n;
	     prev = n, n = iorep_ivmap_overlap_next_any(m, n, s, l + 1)) {
		i = apart_find(a, n);
		a->bad |= (a->e[i].start > l || a->e[i].last < s) << 3;
		if (prev)
			a->bad |= (prev->start > n->start ||
				   (prev->start == n->start && prev->seq > n->seq)) << 3;
		seen++;
	}
	for (i = k = 0; i < a->n; i++)
		k += a->e[i].start <= l && a->e[i].last >= s;
	a->bad |= (k != seen) << 4;
	/* first live, first dead containing s; first live node exactly [s, l] */
	for (k = 0; k < 3; k++) {
		best = NULL;
		for (i = 0; i < a->n; i++) {
			const struct apart_ent *e = &a->e[i];

			if (k < 2 ? e->start > s || e->last < s || e->dead != (int)k :
				    e->start != s || e->last != l || e->dead)
				continue;
			if (!best || e->start < best->start ||
			    (e->start == best->start && e->seq < best->seq))
				best = e;
		}
		want = best ? best->node : NULL;
		n = k == 0 ? iorep_ivmap_find_containing(m, s) :
		    k == 1 ? iorep_ivmap_dead_find_containing(m, s) :
			     iorep_ivmap_find_exact(m, s, l + 1);
		a->bad |= (n != want) << 5;
	}
}

/*
 * An IOVA allocator's pattern: page-aligned maps and unmaps, the unmapped
 * ranges kept dead, maps of exactly a dead range reviving it, and now and
 * then a map onto a live range or an unmap across several, which make nodes
 * overlap.  The map must go between its two ways of searching (apart, with
 * the table; overlapping, tree walks only) and agree with naive state in
 * both.
 */
static void test_random_apart(void)
{
	struct iorep_ivmap m;
	struct iorep_ivmap_val v = { 0 };
	struct iorep_ivmap_node *n, *tmp, *reuse, *spare;
	static struct apart a;
	struct rng g = { 0xa9a47ULL };
	unsigned int step, op, apart_steps = 0, to_overlap = 0, to_apart = 0, resets = 0;
	uint64_t s, l;
	size_t i;
	int was = 1, live_hit, use_spare;

	memset(&a, 0, sizeof(a));
	iorep_ivmap_init(&m);
	for (step = 0; step < 60000 && !a.bad; step++) {
		op = (unsigned int)(rnd(&g) % 100);
		s = (rnd(&g) % 768) * PAGE;
		l = s + (1 + rnd(&g) % 4) * PAGE - 1;
		v.ts = step;
		if (op < 35) {
			/* a map: skipped onto a live range, unless it is the rare overlapping one */
			reuse = NULL;
			live_hit = 0;
			iorep_ivmap_for_each_overlap_any_safe(n, tmp, &m, s, l + 1)
				live_hit |= !iorep_ivmap_node_dead(n);
			if (live_hit && rnd(&g) % 300)
				goto check;
			/* as the model does, half the time: a dead node inside the
			 * range is kept and becomes the new one */
			spare = NULL;
			use_spare = rnd(&g) % 2;
			iorep_ivmap_for_each_overlap_any_safe(n, tmp, &m, s, l + 1) {
				if (!iorep_ivmap_node_dead(n))
					continue;
				if (!reuse && n->start == s && n->last == l)
					reuse = n;
				else if (use_spare && !spare && n->start >= s && n->last <= l)
					spare = n;
				else
					apart_trim(&a, &m, apart_find(&a, n), s, l);
			}
			if (reuse && !live_hit) {
				if (spare)
					apart_trim(&a, &m, apart_find(&a, spare), s, l);
				iorep_ivmap_revive(&m, reuse, &v);
				a.e[apart_find(&a, reuse)].dead = 0;
			} else {
				if (reuse)
					apart_trim(&a, &m, apart_find(&a, reuse), s, l);
				if (spare) {
					/* with no live node, the walk left the spare alone */
					i = apart_find(&a, spare);
					n = !live_hit && rnd(&g) % 2 ?
						    iorep_ivmap_reset_sole(&m, spare, s, l + 1, &v, 0) :
						    iorep_ivmap_reset(&m, spare, s, l + 1, &v, 0);
					a.bad |= (n != spare) << 7;
					a.e[i] = (struct apart_ent){ spare, s, l, a.seq++, 0 };
					resets++;
				} else {
					apart_add(&a, iorep_ivmap_insert(&m, s, l + 1, &v), 0);
				}
			}
		} else if (op < 65 && a.n) {
			/* an unmap of a live entry's range, or of a few pages around it */
			i = rnd(&g) % a.n;
			s = a.e[i].start;
			l = a.e[i].last;
			if (rnd(&g) % 8 == 0) {
				s = s >= 2 * PAGE ? s - 2 * PAGE : 0;
				l += 2 * PAGE;
			}
			reuse = NULL;
			spare = NULL;
			use_spare = rnd(&g) % 2;
			iorep_ivmap_for_each_overlap_any_safe(n, tmp, &m, s, l + 1) {
				if (!reuse && !iorep_ivmap_node_dead(n) && n->start == s && n->last == l)
					reuse = n;
				else if (use_spare && !spare && n->start >= s && n->last <= l)
					spare = n;
				else
					apart_trim(&a, &m, apart_find(&a, n), s, l);
			}
			if (reuse) {
				if (spare)
					apart_trim(&a, &m, apart_find(&a, spare), s, l);
				iorep_ivmap_kill(&m, reuse, &v);
				a.e[apart_find(&a, reuse)].dead = 1;
			} else if (spare) {
				/* the walk trimmed every other node off the range */
				i = apart_find(&a, spare);
				n = rnd(&g) % 2 ? iorep_ivmap_reset_sole(&m, spare, s, l + 1, &v, 1) :
						  iorep_ivmap_reset(&m, spare, s, l + 1, &v, 1);
				a.bad |= (n != spare) << 7;
				a.e[i] = (struct apart_ent){ spare, s, l, a.seq++, 1 };
				resets++;
			} else {
				apart_add(&a, iorep_ivmap_insert_dead(&m, s, l + 1, &v), 1);
			}
		} else if (op < 70 && a.n) {
			i = rnd(&g) % a.n;
			iorep_ivmap_remove(&m, a.e[i].node);
			a.e[i] = a.e[--a.n];
		} else if (op < 72) {
			/* an old dead range swept */
			iorep_ivmap_sweep_dead(&m, step > 3000 ? step - 3000 : 0);
			for (i = 0; i < a.n;)
				if (a.e[i].dead && a.e[i].node->val.ts + 3000 < step)
					a.e[i] = a.e[--a.n];
				else
					i++;
		} else {
			apart_query(&a, &m, s, l);
		}
check:
		if (iorep_ivmap_apart(&m) != was) {
			to_overlap += was;
			to_apart += !was;
			was = !was;
		}
		apart_steps += was;
		if (step % 7 == 0)
			a.bad |= (iorep_ivmap_validate(&m) != 0) << 6;
	}
	CU_ASSERT_EQUAL(a.bad, 0);
	CU_ASSERT_EQUAL(step, 60000);
	CU_ASSERT(resets > 1000);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(&m), 0);
	/* both ways were taken, and back: most of the run apart */
	CU_ASSERT(to_overlap >= 5);
	CU_ASSERT(to_apart >= 5);
	CU_ASSERT(apart_steps > step / 2);
	CU_ASSERT(apart_steps < step);
	iorep_ivmap_release(&m);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"empty map", test_empty},
		{"insert and lookup", test_insert_lookup},
		{"adjacent ranges do not overlap", test_adjacent},
		{"ranges ending at 2^64", test_top_of_space},
		{"duplicates", test_duplicates},
		{"overlapping inserts", test_overlapping},
		{"remove", test_remove},
		{"trim and split", test_trim},
		{"unmap across nodes", test_unmap_range},
		{"overlap callback", test_callback},
		{"balance and node cache", test_balance_and_cache},
		{"randomized against a naive array", test_random},
		{"dead nodes", test_dead_nodes},
		{"randomized live and dead nodes", test_random_dead},
		{"randomized allocator pattern, apart and overlapping", test_random_apart},
		{"inserts where a search or trim left room; reset", test_hint_and_reset},
		{"reset of a node alone on its range", test_reset_sole},
		{ NULL, NULL },
	};

	return iorep_test_main("ivmap", tests);
}
