// SPDX-License-Identifier: MIT
/*
 * The kernel's stack traces joined to the findings (the input's stack
 * events: see struct iorep_event's stack).
 *
 * A stack is of an event before it, by its input position.  A finding an
 * event made takes that event's stack: the stack comes after the event, so
 * it is set on the findings the event made when it arrives, unless the
 * stage still held the event back (a map waiting for its dma:* event), when
 * it waits in the table, pending, and is found as the event's findings are
 * made.  A leak or an outstanding mapping takes the stack of the map that
 * made it, from the table, where a stack stays while a live mapping is of
 * its event.
 *
 * The table is swept when it is full and has grown past twice what the
 * last sweep kept and past the number of live mappings: a stack stays while
 * its event is held (at most the stage's queues) or a live mapping is of it.
 * So it holds about one stack per live mapping at most, and a sweep's walk
 * of the live mappings costs O(1) a stack added.
 */
#include <stdlib.h>

#include "iorep-error.h"
#include "model-local.h"

#define STACK_TABLE_MIN 1024u	/* entries before the first sweep */
#define STACK_RECENT 64u	/* findings looked back at for the event's own */

/* Findings whose stack is of the map that made their range, not of their event. */
static bool stack_of_map(enum iorep_finding_type type)
{
	return type == IOREP_FIND_LEAK || type == IOREP_FIND_OUTSTANDING ||
	       type == IOREP_FIND_DMA_API_LEAK || type == IOREP_FIND_DMA_API_OUTSTANDING;
}

static uint32_t slot_of(uint64_t pos, uint32_t cap)
{
	pos ^= pos >> 29;
	pos *= UINT64_C(0xbf58476d1ce4e5b9);
	pos ^= pos >> 32;
	return (uint32_t)pos & (cap - 1);
}

static struct iorep_stack_entry *find(const struct iorep_stacks *t, uint64_t pos)
{
	uint32_t i;

	if (!t->cap)
		return NULL;
	for (i = slot_of(pos, t->cap); t->e[i].stack; i = (i + 1) & (t->cap - 1))
		if (t->e[i].pos == pos)
			return &t->e[i];
	return NULL;
}

/* Puts @pos -> @stack into a table with room (a quarter free at least). */
static void put(struct iorep_stacks *t, uint64_t pos, const char *stack, bool pending)
{
	uint32_t i;

	for (i = slot_of(pos, t->cap); t->e[i].stack; i = (i + 1) & (t->cap - 1))
		if (t->e[i].pos == pos)
			break;
	if (!t->e[i].stack)
		t->n++;
	t->e[i] = (struct iorep_stack_entry){ pos, stack, pending, 0 };
}

/* Marks the entries a live node of @map is of. */
static void mark_live(struct iorep_stacks *t, const struct iorep_ivmap *map)
{
	struct iorep_ivmap_node *n;
	struct iorep_stack_entry *e;

	iorep_ivmap_for_each(n, map)
		if ((e = find(t, n->val.pos)))
			e->keep = 1;
}

static size_t live_mappings(const struct iorep_model *m)
{
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < m->ndomains; i++)
		n += iorep_ivmap_count(&m->domains[i].live);
	for (i = 0; i < m->ndevices; i++)
		n += iorep_ivmap_count(&m->devices[i].dma_live);
	return n;
}

/* Into a table of @cap entries: what the old one keeps.  0 or -IOREP_ENOMEM. */
static int rebuild(struct iorep_model *m, uint32_t cap)
{
	struct iorep_stacks *t = &m->stacks, nt = { 0 };
	uint32_t i;

	nt.e = calloc(cap, sizeof(*nt.e));
	if (!nt.e)
		return -IOREP_ENOMEM;
	nt.cap = cap;
	for (i = 0; i < t->cap; i++)
		if (t->e[i].stack && (t->e[i].pending || t->e[i].keep))
			put(&nt, t->e[i].pos, t->e[i].stack, t->e[i].pending);
	nt.kept = nt.n;
	free(t->e);
	*t = nt;
	return 0;
}

/* Room for one more entry: the table swept, or grown, or made. */
static int make_room(struct iorep_model *m)
{
	struct iorep_stacks *t = &m->stacks;
	uint32_t i, cap;
	size_t live;

	if (t->cap && (t->n + 1) * 4 <= (uint64_t)t->cap * 3)
		return 0;
	live = t->cap ? live_mappings(m) : 0;
	if (t->cap && t->n >= STACK_TABLE_MIN && t->n >= 2 * t->kept && t->n >= live) {
		for (i = 0; i < t->cap; i++)
			t->e[i].keep = 0;
		for (i = 0; i < m->ndomains; i++)
			mark_live(t, &m->domains[i].live);
		for (i = 0; i < m->ndevices; i++)
			mark_live(t, &m->devices[i].dma_live);
		cap = t->cap;
	} else {
		if (t->cap > UINT32_MAX / 4)
			return -IOREP_ENOMEM;
		cap = t->cap ? t->cap * 2 : 2 * STACK_TABLE_MIN;
		for (i = 0; i < t->cap; i++)
			t->e[i].keep = 1;
	}
	return rebuild(m, cap);
}

int iorep_model_stack(struct iorep_model *m, const struct iorep_event *ev)
{
	struct iorep_finding *f;
	uint32_t i, seen;
	int ret;

	if (!ev->stack || ev->stack_of == IOREP_STACK_NONE)
		return 0;
	/* the findings its event made, when the stage did not hold it back */
	for (i = m->nfindings, seen = 0; !ev->stack_held && i > 0 && seen < STACK_RECENT;
	     i--, seen++) {
		f = &m->findings[i - 1];
		if (f->pos == ev->stack_of && !f->stack && !stack_of_map(f->type))
			f->stack = ev->stack;
	}
	ret = make_room(m);
	if (ret < 0)
		return ret;
	put(&m->stacks, ev->stack_of, ev->stack, ev->stack_held);
	return 0;
}

void iorep_model_stack_applied(struct iorep_model *m, uint64_t pos)
{
	struct iorep_stack_entry *e = find(&m->stacks, pos);

	if (e)
		e->pending = 0;
}

const char *iorep_model_stack_at(const struct iorep_model *m, uint64_t pos)
{
	const struct iorep_stack_entry *e = find(&m->stacks, pos);

	return e ? e->stack : NULL;
}

void iorep_model_stack_finding(struct iorep_model *m, struct iorep_finding *f,
			       const struct iorep_event *ev)
{
	if (ev && !stack_of_map(f->type))
		f->stack = iorep_model_stack_at(m, ev->pos);
}

void iorep_model_stacks_release(struct iorep_model *m)
{
	free(m->stacks.e);
	m->stacks = (struct iorep_stacks){ 0 };
}
