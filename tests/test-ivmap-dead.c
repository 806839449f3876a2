// SPDX-License-Identifier: MIT
/*
 * The interval map's dead nodes (ranges kept after their unmap): exact
 * results of each call that makes, finds, trims, revives, sweeps and removes
 * them, then a randomized run of live and dead nodes against naive state.
 */
#include <stdint.h>

#include <CUnit/Basic.h>

#include "test-ivmap.h"
#include "test-util.h"

#include "iorep-ivmap.h"

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

int main(void)
{
	static const struct iorep_test tests[] = {
		{"dead nodes", test_dead_nodes},
		{"randomized live and dead nodes", test_random_dead},
		{ NULL, NULL },
	};

	return iorep_test_main("ivmap-dead", tests);
}
