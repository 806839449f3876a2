// SPDX-License-Identifier: MIT
/*
 * The IOVA interval map's basic contract, with exact results on hand-picked
 * ranges (adjacent, overlapping, duplicated, ending at 2^64): insert, lookup,
 * the in-order walk, overlap queries and their callback, remove, balance and
 * the node cache; iorep_ivmap_validate() proves the AVL and max_last
 * invariants after each insert.  The rest of the map's tests are in
 * tests/test-ivmap-*.c: trims, dead nodes, resets, and randomized runs
 * checked against naive state.
 */
#include <stdint.h>

#include <CUnit/Basic.h>

#include "test-ivmap.h"
#include "test-util.h"

#include "iorep-ivmap.h"

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
		{"overlap callback", test_callback},
		{"balance and node cache", test_balance_and_cache},
		{ NULL, NULL },
	};

	return iorep_test_main("ivmap", tests);
}
