// SPDX-License-Identifier: MIT
/*
 * Reading ahead: the reader runs on a thread of its own and hands its
 * events over in blocks, while the caller's thread feeds the model.
 *
 * A few blocks go round between the two threads.  The reader fills a free
 * block (its events, the arrays they point to copied into the block, how far
 * the input was read when it was full) and publishes it; the caller takes
 * the blocks in order and gives each back when it has used every event.
 * The lock is taken once per block, not per event.  The reader thread is
 * the only one that touches the input's reader state from the start to the
 * end of the stream (or until iorep_input_free() stops it), so the readers
 * need no change: they are called as in one thread, in the same order, and
 * give the same events, statistics and errors.
 *
 * A stage (iorep-stage.h) may run on the reader's thread too: each event
 * read goes to it, and what it lets go fills the blocks, with its notes.
 */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input-local.h"
#include "iorep-error.h"

/*
 * A thread that waits sleeps: each side sleeps only when the ring is full
 * (the reader) or empty (the caller), and is woken as soon as the other
 * side has filled or freed AHEAD_WAKE blocks.  With the two sides about as
 * fast as each other (the model's stage on the reader's thread), waiting
 * for more (half the ring) left one of them asleep while the other filled
 * or emptied it alone: 1.36 s against 1.23 s on 10 M events.
 *
 * A block of 1,024 events (about 350 KB with its notes) keeps the ring
 * inside the second-level cache the reader writes it through: with 4,096
 * (11 MB in all) the 10 M trace.dat took 1.27 s against 1.22 s (medians
 * of 11 interleaved rounds; 2.39 s and 2.31 s of CPU), and 512 or 16
 * blocks did no better.
 *
 * Text wants a deeper ring (struct iorep_input_ops.ahead_blocks): there the
 * reader has a helper parsing beside it, so three threads share two CPUs
 * and the scheduler runs each for a few milliseconds at a time, longer than
 * eight blocks last; the side left running then soon waits on the ring.
 */
#define AHEAD_BLOCKS 8
#define AHEAD_EVENTS 1024
#define AHEAD_ARENA (256 * 1024)
#define AHEAD_WAKE 1

struct ahead_block {
	struct iorep_event ev[AHEAD_EVENTS];
	/*
	 * With a stage: what it let go, in order, n notes.  Each note of kind
	 * IOREP_STAGE_EVENT goes with the next of the nev events; the others
	 * carry their map or unmap.
	 */
	struct iorep_stage_note *notes;
	uint32_t nev;
	uint32_t n;
	int ret;	      /* after the n events: 1 more follow, 0 the end, < 0 an error */
	uint64_t done, total; /* the input's progress when the block was full */
	unsigned char *arena; /* the events' arrays */
	size_t used, cap;
};

struct iorep_input_ahead {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ahead_block *blocks;
	uint32_t nblocks; /* in the ring: AHEAD_BLOCKS or what the input asks */
	/* under the lock: blocks published by the reader and given back by the caller */
	uint64_t published, returned;
	bool stop;
	bool reader_waits, caller_waits;
	/* the caller's: the block it reads, the next event in it, the errbuf it gave to open */
	struct ahead_block *cur;
	uint32_t next;
	uint32_t nev; /* with a stage: the next event in it */
	bool staged;
	int end;
	char *user_errbuf;
	int user_errlen;
	/* the reader's errors go here until the caller takes them */
	char errbuf[512];
	/*
	 * The stage, when there is one: the reader's alone, on a cache line of
	 * its own, which the caller's side (staged, cur, next, nev) does not
	 * share.
	 */
	struct iorep_stage stage __attribute__((aligned(64)));
};

/*
 * Moves the arrays of the block's event @i into its arena.  Returns 0, 1 when
 * they do not fit (the block must be published first), or -IOREP_ENOMEM.
 */
static int keep_arrays(struct ahead_block *b, uint32_t i)
{
	struct iorep_event *ev = &b->ev[i];
	size_t need = iorep_event_arrays_size(ev);

	if (!need)
		return 0;
	if (b->cap - b->used < need) {
		unsigned char *p;
		size_t cap;

		if (i)
			return 1; /* the events before point into the arena: no realloc */
		cap = need > AHEAD_ARENA ? need : AHEAD_ARENA;
		p = realloc(b->arena, cap);
		if (!p)
			return -IOREP_ENOMEM;
		b->arena = p;
		b->cap = cap;
	}
	iorep_event_arrays_move(ev, b->arena + b->used);
	b->used += need;
	return 0;
}

/* The reader's side: waits for a free block; NULL when told to stop. */
static struct ahead_block *take_free(struct iorep_input_ahead *a)
{
	struct ahead_block *b = NULL;

	pthread_mutex_lock(&a->lock);
	while (!a->stop && a->published - a->returned >= a->nblocks) {
		a->reader_waits = true;
		pthread_cond_wait(&a->cond, &a->lock);
	}
	a->reader_waits = false;
	if (!a->stop)
		b = &a->blocks[a->published % a->nblocks];
	pthread_mutex_unlock(&a->lock);
	if (b) {
		b->n = 0;
		b->nev = 0;
		b->used = 0;
		b->ret = 1;
	}
	return b;
}

static void publish(struct iorep_input *in, struct iorep_input_ahead *a, struct ahead_block *b)
{
	if (in->ops->progress)
		in->ops->progress(in, &b->done, &b->total);
	pthread_mutex_lock(&a->lock);
	a->published++;
	if (a->caller_waits && (a->published - a->returned >= AHEAD_WAKE || b->ret <= 0))
		pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

/* Where the reader thread puts what it read: the block it fills. */
struct ahead_out {
	struct iorep_input *in;
	struct iorep_input_ahead *a;
	struct ahead_block *b; /* NULL once told to stop */
};

/*
 * Keeps @ev as event @slot of the block being filled, its arrays in the
 * block's arena; when they do not fit beside the events before, the block
 * is published and @ev goes first in the next.  Returns 0, -ECANCELED when
 * told to stop, or -IOREP_ENOMEM.
 */
static int keep_event(struct ahead_out *o, const struct iorep_event *ev, uint32_t slot)
{
	struct ahead_block *b = o->b;
	int ret;

	/* an event read into its place stays there */
	if (ev != &b->ev[slot])
		b->ev[slot] = *ev;
	ret = keep_arrays(b, slot);
	if (ret != 1)
		return ret;
	/* the slot is past the published events: @ev stays readable */
	publish(o->in, o->a, b);
	b = o->b = take_free(o->a);
	if (!b)
		return -ECANCELED;
	b->ev[0] = *ev;
	return keep_arrays(b, 0);
}

/* Counts one more entry in the block; a full one is published. */
static int count_in(struct ahead_out *o)
{
	if (++o->b->n < AHEAD_EVENTS)
		return 0;
	publish(o->in, o->a, o->b);
	o->b = take_free(o->a);
	return o->b ? 0 : -ECANCELED;
}

static void *reader_thread(void *arg)
{
	struct iorep_input *in = arg;
	struct iorep_input_ahead *a = in->ahead;
	struct ahead_out o = {in, a, take_free(a)};
	struct iorep_event *ev;
	int ret;

	while (o.b) {
		ev = &o.b->ev[o.b->n];
		ret = iorep_input_next_here(in, ev);
		if (ret > 0) {
			ret = keep_event(&o, ev, o.b->n);
			if (ret == 0)
				ret = count_in(&o);
			if (!o.b)
				break; /* told to stop */
			if (ret == 0)
				continue;
			ret = iorep_input_error(in, ret, "%s", iorep_strerror(ret));
		}
		o.b->ret = ret;
		publish(in, a, o.b);
		break;
	}
	return NULL;
}

/*
 * The note's fields before its map, which the stage has just written one
 * by one: copied a word at a time.  A copy by 16-byte loads (what the
 * compiler makes of memcpy() or an assignment) spans two of those stores
 * and waits for them to reach the cache, since it cannot be forwarded from
 * the store buffer: perf put 56% of this function's samples on two such
 * loads.  The volatile keeps the compiler from merging the loads again.
 */
static void copy_note_head(struct iorep_stage_note *dst, const struct iorep_stage_note *src)
{
	typedef uint64_t word __attribute__((may_alias));
	const volatile word *s = (const volatile word *)(const void *)src;
	word *d = (word *)(void *)dst;
	unsigned int i;

	_Static_assert(offsetof(struct iorep_stage_note, map) % sizeof(word) == 0,
		       "a note's head is a whole number of words");
	for (i = 0; i < offsetof(struct iorep_stage_note, map) / sizeof(word); i++)
		d[i] = s[i];
}

static int emit_into_block(void *ctx, const struct iorep_event *ev,
			   const struct iorep_stage_note *note)
{
	struct ahead_out *o = ctx;
	struct iorep_stage_note *dst;
	int ret;

	if (ev) {
		ret = keep_event(o, ev, o->b->nev);
		if (ret < 0)
			return ret;
		o->b->nev++;
	}
	dst = &o->b->notes[o->b->n];
	copy_note_head(dst, note);
	/* the note's map is not read with an event: not copied */
	if (!ev)
		dst->map = note->map;
	return count_in(o);
}

static void *staged_reader_thread(void *arg)
{
	struct iorep_input *in = arg;
	struct iorep_input_ahead *a = in->ahead;
	struct ahead_out o = {in, a, take_free(a)};
	struct iorep_event *ev;
	int ret, got;

	while (o.b) {
		/* read into the next event's place: one that is let go at once stays */
		ev = &o.b->ev[o.b->nev];
		got = iorep_input_next_here(in, ev);
		if (got > 0)
			ret = a->stage.push(a->stage.self, ev, emit_into_block, &o);
		else if (got == 0)
			ret = a->stage.end(a->stage.self, emit_into_block, &o);
		else
			ret = got; /* the reader's own error, in errbuf already */
		if (!o.b)
			break; /* told to stop */
		if (ret < 0 && got >= 0)
			ret = iorep_input_error(in, ret, "%s", iorep_strerror(ret));
		if (got > 0 && ret == 0)
			continue;
		o.b->ret = ret;
		publish(in, a, o.b);
		break;
	}
	return NULL;
}

static int start(struct iorep_input *in, const struct iorep_stage *stage)
{
	struct iorep_input_ahead *a;
	uint32_t i;

	if (in->ahead)
		return 0;
	/* aligned as its members are: the reader's lines apart from the caller's */
	a = aligned_alloc(_Alignof(struct iorep_input_ahead), sizeof(*a));
	if (!a)
		return -IOREP_ENOMEM;
	memset(a, 0, sizeof(*a));
	a->nblocks = in->ops->ahead_blocks ? in->ops->ahead_blocks : AHEAD_BLOCKS;
	a->blocks = calloc(a->nblocks, sizeof(*a->blocks));
	if (!a->blocks)
		goto fail;
	for (i = 0; i < a->nblocks; i++) {
		a->blocks[i].arena = malloc(AHEAD_ARENA);
		if (!a->blocks[i].arena)
			goto fail;
		a->blocks[i].cap = AHEAD_ARENA;
		if (stage) {
			a->blocks[i].notes = malloc(AHEAD_EVENTS * sizeof(*a->blocks[i].notes));
			if (!a->blocks[i].notes)
				goto fail;
		}
	}
	if (stage) {
		a->staged = true;
		a->stage = *stage;
	}
	a->end = 1;
	if (pthread_mutex_init(&a->lock, NULL))
		goto fail;
	if (pthread_cond_init(&a->cond, NULL)) {
		pthread_mutex_destroy(&a->lock);
		goto fail;
	}
	/* the reader's errors go to a buffer of its own; the caller's gets them in turn */
	a->user_errbuf = in->errbuf;
	a->user_errlen = in->errlen;
	in->errbuf = a->errbuf;
	in->errlen = sizeof(a->errbuf);
	in->ahead = a;
	if (pthread_create(&a->thread, NULL, stage ? staged_reader_thread : reader_thread, in)) {
		in->ahead = NULL;
		in->errbuf = a->user_errbuf;
		in->errlen = a->user_errlen;
		pthread_cond_destroy(&a->cond);
		pthread_mutex_destroy(&a->lock);
		goto fail;
	}
	return 0;
fail:
	if (a->blocks)
		for (i = 0; i < a->nblocks; i++) {
			free(a->blocks[i].arena);
			free(a->blocks[i].notes);
		}
	free(a->blocks);
	free(a);
	return -IOREP_ENOMEM;
}

int iorep_input_read_ahead(struct iorep_input *in)
{
	return start(in, NULL);
}

int iorep_input_read_ahead_staged(struct iorep_input *in, const struct iorep_stage *stage)
{
	return in->ahead ? -IOREP_EINVAL : start(in, stage);
}

/* The caller's side: gives the block read back, and waits for the next one. */
static struct ahead_block *take_next(struct iorep_input_ahead *a)
{
	struct ahead_block *b;

	pthread_mutex_lock(&a->lock);
	if (a->cur) {
		a->returned++;
		if (a->reader_waits && a->nblocks - (a->published - a->returned) >= AHEAD_WAKE)
			pthread_cond_broadcast(&a->cond);
	}
	while (a->published == a->returned) {
		a->caller_waits = true;
		pthread_cond_wait(&a->cond, &a->lock);
	}
	a->caller_waits = false;
	b = &a->blocks[a->returned % a->nblocks];
	pthread_mutex_unlock(&a->lock);
	a->cur = b;
	a->next = 0;
	a->nev = 0;
	return b;
}

/*
 * The block with the caller's next event in it, waiting for the reader if
 * need be; NULL at the end of the stream or on the reader's error (*@ret
 * says which: 0 or the negative code).
 */
static struct ahead_block *current(struct iorep_input_ahead *a, int *ret)
{
	struct ahead_block *b = a->cur;

	while (!b || a->next == b->n) {
		if (a->end <= 0) {
			*ret = a->end;
			return NULL;
		}
		if (b && b->ret <= 0) {
			a->end = b->ret;
			if (a->end < 0 && a->user_errbuf && a->user_errlen > 0)
				snprintf(a->user_errbuf, a->user_errlen, "%s", a->errbuf);
			*ret = a->end;
			return NULL;
		}
		b = take_next(a);
	}
	return b;
}

int iorep_input_ahead_next(struct iorep_input *in, const struct iorep_event **ev,
			   const struct iorep_stage_note **note)
{
	struct iorep_input_ahead *a = in->ahead;
	struct ahead_block *b;
	int ret;

	if (a->staged != !!note)
		return -IOREP_EINVAL; /* a stage's events go with their notes, and only they */
	b = current(a, &ret);
	if (!b)
		return ret;
	if (note) {
		iorep_stage_prefetch_notes(b->notes, a->next, b->n);
		*note = &b->notes[a->next++];
		if ((*note)->kind != IOREP_STAGE_EVENT) {
			*ev = NULL;
			return 1;
		}
		iorep_stage_prefetch_events(b->ev, a->nev, b->nev);
		*ev = &b->ev[a->nev++];
		return 1;
	}
	iorep_stage_prefetch_events(b->ev, a->next, b->n);
	*ev = &b->ev[a->next++];
	return 1;
}

int iorep_input_ahead_batch(struct iorep_input *in, struct iorep_stage_batch *out)
{
	struct iorep_input_ahead *a = in->ahead;
	struct ahead_block *b;
	int ret;

	if (!a->staged)
		return -IOREP_EINVAL;
	b = current(a, &ret);
	if (!b)
		return ret;
	out->notes = &b->notes[a->next];
	out->evs = &b->ev[a->nev];
	out->n = b->n - a->next;
	out->nev = b->nev - a->nev;
	a->next = b->n;
	a->nev = b->nev;
	return 1;
}

void iorep_input_ahead_progress(const struct iorep_input *in, uint64_t *done, uint64_t *total)
{
	const struct ahead_block *b = in->ahead->cur;

	*done = b ? b->done : 0;
	*total = b ? b->total : 0;
}

void iorep_input_ahead_stop(struct iorep_input *in)
{
	struct iorep_input_ahead *a = in->ahead;
	uint32_t i;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	in->errbuf = a->user_errbuf;
	in->errlen = a->user_errlen;
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	for (i = 0; i < a->nblocks; i++) {
		free(a->blocks[i].arena);
		free(a->blocks[i].notes);
	}
	free(a->blocks);
	free(a);
	in->ahead = NULL;
}
