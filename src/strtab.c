// SPDX-License-Identifier: MIT
/*
 * String interning (iorep-strtab.h).  A table is shared by the reader thread
 * and the model (input-ahead.c): every call takes its lock, and a string,
 * once stored, never moves.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-strtab.h"

#define STRTAB_CHUNK (64 * 1024)

struct strtab_chunk {
	struct strtab_chunk *next;
	size_t used;
	size_t size;
	char data[];
};

struct strtab_slot {
	const char *str;
	uint32_t hash;
	uint32_t len;
};

struct iorep_strtab {
	struct strtab_slot *slots;
	size_t nslots;	/* power of two */
	size_t count;
	struct strtab_chunk *chunks;
	pthread_mutex_t lock;
};

static uint32_t strtab_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

struct iorep_strtab *iorep_strtab_new(void)
{
	struct iorep_strtab *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->nslots = 256;
	st->slots = calloc(st->nslots, sizeof(*st->slots));
	if (!st->slots || pthread_mutex_init(&st->lock, NULL)) {
		free(st->slots);
		free(st);
		return NULL;
	}
	return st;
}

void iorep_strtab_free(struct iorep_strtab *st)
{
	struct strtab_chunk *c, *next;

	if (!st)
		return;
	for (c = st->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(st->slots);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

size_t iorep_strtab_count(struct iorep_strtab *st)
{
	size_t n;

	pthread_mutex_lock(&st->lock);
	n = st->count;
	pthread_mutex_unlock(&st->lock);
	return n;
}

static char *strtab_store(struct iorep_strtab *st, const char *s, size_t len)
{
	struct strtab_chunk *c = st->chunks;
	char *p;

	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > STRTAB_CHUNK ? len + 1 : STRTAB_CHUNK;

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = st->chunks;
		st->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

static int strtab_grow(struct iorep_strtab *st)
{
	size_t n = st->nslots * 2, i, j;
	struct strtab_slot *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < st->nslots; i++) {
		if (!st->slots[i].str)
			continue;
		for (j = st->slots[i].hash & (n - 1); slots[j].str; j = (j + 1) & (n - 1))
			;
		slots[j] = st->slots[i];
	}
	free(st->slots);
	st->slots = slots;
	st->nslots = n;
	return 0;
}

static const char *strtab_intern(struct iorep_strtab *st, const char *s, size_t len)
{
	uint32_t h = strtab_hash(s, len);
	struct strtab_slot *slot;
	size_t i;

	if (len > UINT32_MAX)
		return NULL;
	for (i = h & (st->nslots - 1);; i = (i + 1) & (st->nslots - 1)) {
		slot = &st->slots[i];
		if (!slot->str)
			break;
		if (slot->hash == h && slot->len == len && !memcmp(slot->str, s, len))
			return slot->str;
	}
	slot->str = strtab_store(st, s, len);
	if (!slot->str)
		return NULL;
	slot->hash = h;
	slot->len = (uint32_t)len;
	st->count++;
	if (st->count * 2 > st->nslots) {
		const char *ret = slot->str;

		if (strtab_grow(st) < 0)
			return NULL;
		return ret;
	}
	return slot->str;
}

const char *iorep_strtab_intern(struct iorep_strtab *st, const char *s, size_t len)
{
	const char *ret;

	pthread_mutex_lock(&st->lock);
	ret = strtab_intern(st, s, len);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* The last (up to) 8 bytes of @s: device names share their start ("0000:00:"). */
static uint64_t strtab_tail(const char *s, size_t len)
{
	uint64_t t = 0;

	memcpy(&t, s + (len > 8 ? len - 8 : 0), len > 8 ? 8 : len);
	return t;
}

const char *iorep_strtab_intern_cached(struct iorep_strtab *st, struct iorep_strtab_cache *c,
				       const char *s, size_t len)
{
	uint64_t tail = strtab_tail(s, len);
	const char *ret;
	unsigned int i;

	for (i = 0; i < IOREP_STRTAB_CACHE; i++)
		if (c->tail[i] == tail && c->len[i] == len && c->str[i] &&
		    !memcmp(c->str[i], s, len))
			return c->str[i];
	ret = iorep_strtab_intern(st, s, len);
	if (ret) {
		i = c->next++ % IOREP_STRTAB_CACHE;
		c->str[i] = ret;
		c->tail[i] = tail;
		c->len[i] = (uint32_t)len;
	}
	return ret;
}
