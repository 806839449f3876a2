// SPDX-License-Identifier: MIT
/*
 * Where an insert links after a search or a trim left room for its range,
 * and iorep_ivmap_reset() and iorep_ivmap_reset_sole(), which give a node a
 * new range, in place or relinked.
 */
#include <stdint.h>

#include <CUnit/Basic.h>

#include "test-ivmap.h"
#include "test-util.h"

#include "iorep-ivmap.h"

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

int main(void)
{
	static const struct iorep_test tests[] = {
		{"inserts where a search or trim left room; reset", test_hint_and_reset},
		{"reset of a node alone on its range", test_reset_sole},
		{ NULL, NULL },
	};

	return iorep_test_main("ivmap-reset", tests);
}
