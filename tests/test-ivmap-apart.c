// SPDX-License-Identifier: MIT
/*
 * An IOVA allocator's pattern, randomized: the interval map going between its
 * two ways of searching (apart, with the table; overlapping, tree walks only)
 * and back, checked against naive state all along.
 */
#include <stdint.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "test-ivmap.h"
#include "test-util.h"

#include "iorep-ivmap.h"

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
		{"randomized allocator pattern, apart and overlapping", test_random_apart},
		{ NULL, NULL },
	};

	return iorep_test_main("ivmap-apart", tests);
}
