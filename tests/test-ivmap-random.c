// SPDX-License-Identifier: MIT
/*
 * A long randomized run of the interval map (inserts, removes, trims,
 * unmaps and every query) checked against a naive array after every
 * operation, with iorep_ivmap_validate() proving the AVL and max_last
 * invariants each time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "test-ivmap.h"
#include "test-util.h"

#include "iorep-error.h"
#include "iorep-ivmap.h"

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

int main(void)
{
	static const struct iorep_test tests[] = {
		{"randomized against a naive array", test_random},
		{ NULL, NULL },
	};

	return iorep_test_main("ivmap-random", tests);
}
