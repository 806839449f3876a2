// SPDX-License-Identifier: MIT
/*
 * iorep_ivmap_trim() with exact results: none, back, front (the payload's
 * paddr following the new start, the node moving in the order), split (both
 * halves keeping the payload) and removed, then an unmap of a range across
 * every mapping it touches, a double map among them.
 */
#include <stdint.h>

#include <CUnit/Basic.h>

#include "test-ivmap.h"
#include "test-util.h"

#include "iorep-error.h"
#include "iorep-ivmap.h"

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

int main(void)
{
	static const struct iorep_test tests[] = {
		{"trim and split", test_trim},
		{"unmap across nodes", test_unmap_range},
		{ NULL, NULL },
	};

	return iorep_test_main("ivmap-trim", tests);
}
