// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the IOVA interval map (ivmap.c) against a naive model, an
 * unsorted array of the live ranges searched in full.  The input is a
 * program: each operation is an opcode byte and its arguments (addresses
 * drawn mostly from a few pages near 0 and near the top of the space, so
 * that ranges collide, touch and wrap).  After every operation the map must
 * agree with the array (count, bytes, every query) and pass
 * iorep_ivmap_validate(); the whole map is compared node by node every few
 * operations and at the end.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "iorep-error.h"
#include "iorep-ivmap.h"

#define MAX_LIVE 128

/* One live range of the naive model. */
struct ent {
	uint64_t start, last, seq, paddr;
	uint32_t tag;
	struct iorep_ivmap_node *node;
};

struct prog {
	const uint8_t *p, *end;
	struct iorep_ivmap map;
	struct ent e[MAX_LIVE];
	size_t n;
	uint64_t next_seq;
	uint32_t next_tag;
};

static uint8_t byte(struct prog *g)
{
	return g->p < g->end ? *g->p++ : 0;
}

static uint64_t u64(struct prog *g)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | byte(g);
	return v;
}

/* An address: a page near 0, a page near the top, a small unaligned value, or any. */
static uint64_t addr(struct prog *g)
{
	uint8_t b = byte(g);
	uint64_t k = b >> 2;

	switch (b & 3) {
	case 0:
		return k << 12;
	case 1:
		return 0 - (k << 12);
	case 2:
		return k;
	default:
		return u64(g);
	}
}

/* The end of a range from @start: a few pages on, or any address. */
static uint64_t end_from(struct prog *g, uint64_t start)
{
	uint8_t b = byte(g);

	if (b & 0x80)
		return start + ((uint64_t)(b & 0x7f) << 12);
	if (b & 0x40)
		return start + (b & 0x3f);
	return addr(g);
}

static bool valid(uint64_t start, uint64_t end)
{
	return end - 1 >= start;
}

static bool ent_less(const struct ent *a, const struct ent *b)
{
	return a->start < b->start || (a->start == b->start && a->seq < b->seq);
}

static int ent_cmp(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;

	return ent_less(a, b) ? -1 : ent_less(b, a) ? 1 : 0;
}

/* The model's entries in (start, seq) order, in @out. */
static void sorted(const struct prog *g, struct ent *out)
{
	memcpy(out, g->e, g->n * sizeof(*out));
	qsort(out, g->n, sizeof(*out), ent_cmp);
}

static void check_node(const struct ent *e, const struct iorep_ivmap_node *n)
{
	FUZZ_ASSERT(n == e->node);
	FUZZ_ASSERT(n->start == e->start && n->last == e->last && n->seq == e->seq);
	FUZZ_ASSERT(n->val.paddr == e->paddr && n->val.owner == e->tag);
}

static void check_totals(struct prog *g)
{
	unsigned __int128 bytes = 0;
	size_t i;

	FUZZ_ASSERT(iorep_ivmap_validate(&g->map) == 0);
	FUZZ_ASSERT(iorep_ivmap_count(&g->map) == g->n);
	for (i = 0; i < g->n; i++)
		bytes += (unsigned __int128)(g->e[i].last - g->e[i].start) + 1;
	FUZZ_ASSERT(iorep_ivmap_bytes(&g->map) ==
		    (bytes > UINT64_MAX ? UINT64_MAX : (uint64_t)bytes));
}

/* Every node, forwards and backwards. */
static void check_all(struct prog *g)
{
	static struct ent s[MAX_LIVE];
	struct iorep_ivmap_node *n;
	size_t i = 0;

	sorted(g, s);
	iorep_ivmap_for_each (n, &g->map) {
		FUZZ_ASSERT(i < g->n);
		check_node(&s[i++], n);
	}
	FUZZ_ASSERT(i == g->n);
	for (n = iorep_ivmap_last(&g->map); n; n = iorep_ivmap_prev(n)) {
		FUZZ_ASSERT(i > 0);
		check_node(&s[--i], n);
	}
	FUZZ_ASSERT(i == 0);
}

static struct ent *find_ent(struct prog *g, const struct iorep_ivmap_node *n)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->e[i].node == n)
			return &g->e[i];
	FUZZ_ASSERT(0);
	return NULL;
}

static void drop_ent(struct prog *g, struct ent *e)
{
	*e = g->e[--g->n];
}

/* The first entry overlapping [start, end) in order, or NULL. */
static const struct ent *first_overlap(const struct prog *g, uint64_t start, uint64_t end)
{
	const struct ent *best = NULL;
	size_t i;

	for (i = 0; valid(start, end) && i < g->n; i++)
		if (g->e[i].start <= end - 1 && start <= g->e[i].last &&
		    (!best || ent_less(&g->e[i], best)))
			best = &g->e[i];
	return best;
}

/* With @probe, the insert follows a search of its range (which may leave it a place). */
static void op_insert(struct prog *g, bool probe)
{
	uint64_t start = addr(g), end = end_from(g, start);
	struct iorep_ivmap_val v = {.paddr = u64(g), .owner = g->next_tag};
	struct iorep_ivmap_node *n;
	const struct ent *want;
	struct ent *e;

	if (g->n == MAX_LIVE)
		return;
	if (probe) {
		want = first_overlap(g, start, end);
		n = iorep_ivmap_overlap_first_any(&g->map, start, end);
		if (want)
			check_node(want, n);
		else
			FUZZ_ASSERT(n == NULL);
		FUZZ_ASSERT(iorep_ivmap_validate(&g->map) == 0);
	}
	n = iorep_ivmap_insert(&g->map, start, end, &v);
	if (!valid(start, end)) {
		FUZZ_ASSERT(n == NULL);
		return;
	}
	FUZZ_ASSERT(n != NULL);
	e = &g->e[g->n++];
	e->start = start;
	e->last = end - 1;
	e->seq = g->next_seq++;
	e->paddr = v.paddr;
	e->tag = g->next_tag++;
	e->node = n;
	check_node(e, n);
}

/* True when @e is the only entry overlapping [start, last] and lies inside it. */
static bool alone_on(const struct prog *g, const struct ent *e, uint64_t start, uint64_t last)
{
	size_t i;

	if (e->start < start || e->last > last)
		return false;
	for (i = 0; i < g->n; i++)
		if (&g->e[i] != e && g->e[i].start <= last && g->e[i].last >= start)
			return false;
	return true;
}

/*
 * A node given a new range (near its own, or anywhere), payload and
 * sequence; iorep_ivmap_reset_sole() when the node is alone on the new range
 * (or the range is invalid) and the program says so.
 */
static void op_reset(struct prog *g)
{
	struct iorep_ivmap_val v = {.paddr = u64(g), .owner = g->next_tag};
	struct iorep_ivmap_node *(*reset)(struct iorep_ivmap *, struct iorep_ivmap_node *,
					  uint64_t, uint64_t, const struct iorep_ivmap_val *, int);
	uint64_t start, end;
	struct ent *e;
	uint8_t how;

	if (!g->n)
		return;
	e = &g->e[byte(g) % g->n];
	how = byte(g);
	start = how & 1 ? e->start + (addr(g) & 0xffff) : addr(g);
	end = end_from(g, start);
	reset = how & 2 && (!valid(start, end) || alone_on(g, e, start, end - 1)) ?
			iorep_ivmap_reset_sole :
			iorep_ivmap_reset;
	if (!valid(start, end)) {
		FUZZ_ASSERT(reset(&g->map, e->node, start, end, &v, 0) == NULL);
		check_node(e, e->node);
		return;
	}
	FUZZ_ASSERT(reset(&g->map, e->node, start, end, &v, 0) == e->node);
	e->start = start;
	e->last = end - 1;
	e->seq = g->next_seq++;
	e->paddr = v.paddr;
	e->tag = g->next_tag++;
	check_node(e, e->node);
}

static void op_remove(struct prog *g)
{
	struct ent *e;

	if (!g->n)
		return;
	e = &g->e[byte(g) % g->n];
	iorep_ivmap_remove(&g->map, e->node);
	drop_ent(g, e);
}

/* The model's side of a trim of @e by [start, end); returns what ivmap must answer. */
static int model_trim(struct prog *g, struct ent *e, uint64_t start, uint64_t end,
		      struct ent **tail)
{
	uint64_t last = end - 1;
	struct ent *t;

	*tail = NULL;
	if (!valid(start, end))
		return -IOREP_EINVAL;
	if (last < e->start || start > e->last)
		return IOREP_IVMAP_TRIM_NONE;
	if (start <= e->start && last >= e->last) {
		drop_ent(g, e);
		return IOREP_IVMAP_TRIM_REMOVED;
	}
	if (start <= e->start) {
		e->paddr += last + 1 - e->start;
		e->start = last + 1;
		return IOREP_IVMAP_TRIM_FRONT;
	}
	if (last >= e->last) {
		e->last = start - 1;
		return IOREP_IVMAP_TRIM_BACK;
	}
	t = &g->e[g->n++];
	*t = *e;
	t->start = last + 1;
	t->paddr = e->paddr + (t->start - e->start);
	t->seq = g->next_seq++;
	t->node = NULL;
	e->last = start - 1;
	*tail = t;
	return IOREP_IVMAP_TRIM_SPLIT;
}

/* Trims node @n (of entry @e) by [start, end) on both sides. */
static void trim_both(struct prog *g, struct ent *e, uint64_t start, uint64_t end)
{
	struct iorep_ivmap_node *n = e->node, *tail;
	struct ent *t;
	int want, got;

	if (g->n == MAX_LIVE)
		return;
	want = model_trim(g, e, start, end, &t);
	got = iorep_ivmap_trim(&g->map, n, start, end, &tail);
	FUZZ_ASSERT(got == want);
	if (want == IOREP_IVMAP_TRIM_SPLIT) {
		FUZZ_ASSERT(tail != NULL);
		t->node = tail;
		check_node(t, tail);
	} else {
		FUZZ_ASSERT(tail == NULL);
	}
	if (want != IOREP_IVMAP_TRIM_REMOVED && want >= 0)
		check_node(e, n);
}

static void op_trim(struct prog *g)
{
	uint64_t start, end;
	struct ent *e;

	if (!g->n)
		return;
	e = &g->e[byte(g) % g->n];
	/* mostly a sub-range that touches the node */
	start = byte(g) & 1 ? e->start + (addr(g) & 0xffff) : addr(g);
	end = end_from(g, start);
	trim_both(g, e, start, end);
}

static void op_containing(struct prog *g)
{
	uint64_t a = byte(g) & 1 && g->n ? g->e[byte(g) % g->n].start + (byte(g) << 8) : addr(g);
	const struct ent *best = NULL;
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->e[i].start <= a && a <= g->e[i].last && (!best || ent_less(&g->e[i], best)))
			best = &g->e[i];
	if (best)
		check_node(best, iorep_ivmap_find_containing(&g->map, a));
	else
		FUZZ_ASSERT(iorep_ivmap_find_containing(&g->map, a) == NULL);
}

static void op_exact(struct prog *g)
{
	const struct ent *best = NULL;
	uint64_t start, end;
	size_t i;

	if (byte(g) & 1 && g->n) {
		i = byte(g) % g->n;
		start = g->e[i].start;
		end = g->e[i].last + 1;
	} else {
		start = addr(g);
		end = end_from(g, start);
	}
	for (i = 0; valid(start, end) && i < g->n; i++)
		if (g->e[i].start == start && g->e[i].last == end - 1 &&
		    (!best || g->e[i].seq < best->seq))
			best = &g->e[i];
	if (best)
		check_node(best, iorep_ivmap_find_exact(&g->map, start, end));
	else
		FUZZ_ASSERT(iorep_ivmap_find_exact(&g->map, start, end) == NULL);
}

/* Overlap iteration; with @unmap, each overlapping node is trimmed by the range as it goes. */
static void op_overlap(struct prog *g, bool unmap)
{
	static struct ent s[MAX_LIVE];
	struct iorep_ivmap_node *n, *tmp;
	uint64_t start = addr(g), end = end_from(g, start);
	size_t i = 0, ns = g->n;

	sorted(g, s);
	iorep_ivmap_for_each_overlap_safe (n, tmp, &g->map, start, end) {
		while (i < ns && !(s[i].start <= end - 1 && start <= s[i].last))
			i++;
		FUZZ_ASSERT(valid(start, end) && i < ns);
		check_node(&s[i++], n);
		if (unmap)
			trim_both(g, find_ent(g, n), start, end);
	}
	for (; valid(start, end) && i < ns; i++)
		FUZZ_ASSERT(!(s[i].start <= end - 1 && start <= s[i].last));
}

struct stop_after {
	unsigned int limit, seen;
};

/* Stops the iteration at the limit-th node with a value the caller must get back. */
static int count_until(struct iorep_ivmap_node *n, void *data)
{
	struct stop_after *s = data;

	return ++s->seen == s->limit ? 7 : 0;
}

static void op_overlap_each(struct prog *g)
{
	uint64_t start = addr(g), end = end_from(g, start);
	struct stop_after s = {.limit = byte(g) % 8 + 1};
	size_t i, overlapping = 0;
	int ret;

	for (i = 0; valid(start, end) && i < g->n; i++)
		overlapping += g->e[i].start <= end - 1 && start <= g->e[i].last;
	ret = iorep_ivmap_overlap_each(&g->map, start, end, count_until, &s);
	if (overlapping >= s.limit)
		FUZZ_ASSERT(ret == 7 && s.seen == s.limit);
	else
		FUZZ_ASSERT(ret == 0 && s.seen == overlapping);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prog *g = calloc(1, sizeof(*g));
	unsigned int ops = 0;

	FUZZ_ASSERT(g != NULL);
	g->p = data;
	g->end = data + size;
	iorep_ivmap_init(&g->map);
	while (g->p < g->end) {
		switch (byte(g) % 12) {
		case 0:
			op_insert(g, false);
			break;
		case 1:
			op_insert(g, true);
			break;
		case 10:
			op_reset(g);
			break;
		case 2:
			op_remove(g);
			break;
		case 3:
			op_trim(g);
			break;
		case 4:
			op_containing(g);
			break;
		case 5:
			op_exact(g);
			break;
		case 6:
			op_overlap(g, false);
			break;
		case 7:
			op_overlap(g, true);
			break;
		case 8:
			op_overlap_each(g);
			break;
		default:
			iorep_ivmap_set_cache_max(&g->map, byte(g) % 4);
			break;
		}
		check_totals(g);
		if (++ops % 16 == 0)
			check_all(g);
	}
	check_all(g);
	iorep_ivmap_release(&g->map);
	FUZZ_ASSERT(iorep_ivmap_count(&g->map) == 0 && iorep_ivmap_validate(&g->map) == 0);
	free(g);
	return 0;
}
