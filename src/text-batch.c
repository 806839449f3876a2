// SPDX-License-Identifier: MIT
/* Parsing a batch of text lines on one thread or several (see text-batch.h). */
#define _GNU_SOURCE /* SCHED_IDLE */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "text-batch.h"

#define ARENA_CHUNK (64 * 1024)

struct iorep_text_chunk {
	struct iorep_text_chunk *next;
	size_t used, cap;
	unsigned char data[];
};

/* Room for @bytes (8-byte aligned) in @a, or NULL: out of memory. */
static void *arena_take(struct iorep_text_arena *a, size_t bytes)
{
	struct iorep_text_chunk *c = a->first;
	size_t cap;

	if (!c || c->cap - c->used < bytes) {
		cap = bytes > ARENA_CHUNK ? bytes : ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = a->first;
		a->first = c;
	}
	c->used += bytes;
	return c->data + c->used - bytes;
}

/* Empties @a, keeping one chunk of the usual size for the next batch. */
static void arena_reset(struct iorep_text_arena *a, bool keep)
{
	struct iorep_text_chunk *c = a->first, *next, *kept = NULL;

	for (; c; c = next) {
		next = c->next;
		if (keep && !kept && c->cap == ARENA_CHUNK) {
			kept = c;
			kept->used = 0;
			kept->next = NULL;
		} else {
			free(c);
		}
	}
	a->first = kept;
}

/*
 * Parses @l with @p's parser: the header values its line sets are noted in
 * @l, and the event's arrays, which point into the parser until its next
 * line, are copied to @a.
 */
static void parse_line(struct iorep_text_parser *p, struct iorep_text_arena *a,
		       struct iorep_text_line *l)
{
	struct iorep_event *ev = &l->ev;
	size_t need;
	void *dst;

	l->cpus_header = -1;
	l->overrun = 0;
	l->perf = false;
	if (l->overlong) {
		l->kind = IOREP_LINE_UNKNOWN;
		return;
	}
	p->tp.cpus_header = -1;
	p->tp.overrun = 0;
	l->kind = iorep_textparse_line(&p->tp, l->p, l->len, ev);
	l->cpus_header = p->tp.cpus_header;
	l->overrun = p->tp.overrun;
	l->perf = p->tp.perf;
	if (l->kind < 0)
		return;
	need = iorep_event_arrays_size(ev);
	if (!need)
		return;
	dst = arena_take(a, need);
	if (dst)
		iorep_event_arrays_move(ev, dst);
	else
		l->kind = -IOREP_ENOMEM;
}

/* Takes runs of the lines of @sl until none is left. */
static void parse_runs(struct iorep_text_slot *sl, struct iorep_text_parser *p)
{
	uint32_t i, end;

	for (;;) {
		i = __atomic_fetch_add(&sl->claim, IOREP_TEXT_RUN, __ATOMIC_RELAXED);
		if (i >= sl->n)
			return;
		end = sl->n - i > IOREP_TEXT_RUN ? i + IOREP_TEXT_RUN : sl->n;
		for (; i < end; i++)
			parse_line(p, &sl->arena[p->id], &sl->lines[i]);
	}
}

/*
 * A helper runs only on a CPU nothing else wants (SCHED_IDLE).  The reader
 * parses whatever the helpers left when it gets to a batch, and the model's
 * thread takes what the reader gives, so at normal priority a helper only
 * took a CPU from one of them: with two CPUs, three threads ran by turns and
 * one CPU idled while the other two waited on each other (1.68 s for the
 * 10 M-line bench text, 2.79 s of CPU).  Idle, it parses while the reader
 * or the model waits, and the two CPUs stay busy: 1.45 s, 2.86 s of CPU
 * (bench/ab.py, medians of 5 rounds; nice 19 gave the same).  When it
 * cannot be set, the helper parses at normal priority.
 */
static void *helper_main(void *arg)
{
	struct iorep_text_parser *p = arg;
	struct iorep_text_batches *tb = p->tb;
	struct sched_param idle = { .sched_priority = 0 };
	struct iorep_text_slot *sl;

	pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
	pthread_mutex_lock(&tb->lock);
	for (;;) {
		while (!tb->stop && tb->gen == p->seen)
			pthread_cond_wait(&tb->go, &tb->lock);
		if (tb->stop)
			break;
		/* the batches in order, one posted while parsing the last included */
		sl = &tb->slot[tb->order[p->seen++ % 2]];
		pthread_mutex_unlock(&tb->lock);
		parse_runs(sl, p);
		pthread_mutex_lock(&tb->lock);
		if (--sl->busy == 0)
			pthread_cond_broadcast(&tb->done);
	}
	pthread_mutex_unlock(&tb->lock);
	return NULL;
}

int iorep_text_batches_init(struct iorep_text_batches *tb, struct iorep_strtab *st, int nparsers)
{
	int i;

	memset(tb, 0, sizeof(*tb));
	if (nparsers < 1)
		nparsers = 1;
	if (nparsers > IOREP_TEXT_MAX_PARSERS)
		nparsers = IOREP_TEXT_MAX_PARSERS;
	tb->nparsers = nparsers;
	for (i = 0; i < IOREP_TEXT_MAX_PARSERS; i++) {
		iorep_textparse_init(&tb->parsers[i].tp, st);
		tb->parsers[i].tb = tb;
		tb->parsers[i].id = i;
	}
	for (i = 0; i < 2; i++) {
		tb->slot[i].lines = malloc(IOREP_TEXT_BATCH_LINES * sizeof(*tb->slot[i].lines));
		if (!tb->slot[i].lines)
			return -IOREP_ENOMEM;
	}
	if (nparsers > 1) {
		if (pthread_mutex_init(&tb->lock, NULL))
			return -IOREP_ENOMEM;
		if (pthread_cond_init(&tb->go, NULL)) {
			pthread_mutex_destroy(&tb->lock);
			return -IOREP_ENOMEM;
		}
		if (pthread_cond_init(&tb->done, NULL)) {
			pthread_cond_destroy(&tb->go);
			pthread_mutex_destroy(&tb->lock);
			return -IOREP_ENOMEM;
		}
		tb->sync_ok = true;
	}
	return 0;
}

void iorep_text_batches_release(struct iorep_text_batches *tb)
{
	int i, k;

	if (tb->sync_ok) {
		pthread_mutex_lock(&tb->lock);
		tb->stop = true;
		pthread_cond_broadcast(&tb->go);
		pthread_mutex_unlock(&tb->lock);
		for (i = 1; i < tb->nparsers; i++)
			if (tb->parsers[i].started)
				pthread_join(tb->parsers[i].thread, NULL);
		pthread_cond_destroy(&tb->done);
		pthread_cond_destroy(&tb->go);
		pthread_mutex_destroy(&tb->lock);
	}
	for (i = 0; i < IOREP_TEXT_MAX_PARSERS; i++)
		iorep_textparse_release(&tb->parsers[i].tp);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < IOREP_TEXT_MAX_PARSERS; i++)
			arena_reset(&tb->slot[k].arena[i], false);
		free(tb->slot[k].lines);
	}
	memset(tb, 0, sizeof(*tb));
}

void iorep_text_slot_reset(struct iorep_text_batches *tb, int s)
{
	struct iorep_text_slot *sl = &tb->slot[s];
	int i;

	for (i = 0; i < tb->nparsers; i++)
		arena_reset(&sl->arena[i], true);
	sl->n = 0;
	sl->next = 0;
}

bool iorep_text_slot_add(struct iorep_text_batches *tb, int s, const char *p, size_t len,
			 uint64_t nr, bool overlong, bool cut)
{
	struct iorep_text_slot *sl = &tb->slot[s];
	struct iorep_text_line *l;

	if (sl->n == IOREP_TEXT_BATCH_LINES)
		return false;
	l = &sl->lines[sl->n++];
	l->p = p;
	l->len = len;
	l->nr = nr;
	l->overlong = overlong;
	l->cut = cut;
	return true;
}

/*
 * Starts the helpers a batch of @n lines has work for, once: each then
 * wakes for every batch.  One that cannot start leaves its share to the others.
 */
static void start_helpers(struct iorep_text_batches *tb, uint32_t n)
{
	int want = (int)((n + IOREP_TEXT_RUN - 1) / IOREP_TEXT_RUN) - 1, i;

	if (want > tb->nparsers - 1)
		want = tb->nparsers - 1;
	for (i = 1; i <= want; i++) {
		struct iorep_text_parser *p = &tb->parsers[i];

		if (p->started)
			continue;
		p->seen = tb->gen; /* the next batch is its first */
		p->started = !pthread_create(&p->thread, NULL, helper_main, p);
		if (p->started)
			tb->nhelpers++;
	}
}

void iorep_text_post(struct iorep_text_batches *tb, int s)
{
	struct iorep_text_slot *sl = &tb->slot[s];

	sl->claim = 0;
	sl->busy = 0;
	if (!tb->sync_ok)
		return;
	pthread_mutex_lock(&tb->lock);
	start_helpers(tb, sl->n);
	sl->busy = tb->nhelpers;
	tb->order[tb->gen++ % 2] = s;
	pthread_cond_broadcast(&tb->go);
	pthread_mutex_unlock(&tb->lock);
}

void iorep_text_wait(struct iorep_text_batches *tb, int s)
{
	struct iorep_text_slot *sl = &tb->slot[s];

	parse_runs(sl, &tb->parsers[0]);
	if (!tb->sync_ok)
		return;
	pthread_mutex_lock(&tb->lock);
	while (sl->busy)
		pthread_cond_wait(&tb->done, &tb->lock);
	pthread_mutex_unlock(&tb->lock);
}
