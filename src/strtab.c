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

/* The first and last (up to) 8 bytes of @s: device names share their start ("0000:00:"). */
static void strtab_ends(const char *s, size_t len, uint64_t *head, uint64_t *tail)
{
	uint64_t w = 0;
	size_t i;

	/* two loads of 8 bytes; a byte at a time only for a short string (a comm) */
	if (len >= 8) {
		memcpy(head, s, 8);
		memcpy(tail, s + len - 8, 8);
		return;
	}
	/* in a register: a word read back from the bytes just stored would wait for them */
	for (i = 0; i < len; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	*head = w;
	*tail = w;
}

const char *iorep_strtab_intern_cached(struct iorep_strtab *st, struct iorep_strtab_cache *c,
				       const char *s, size_t len)
{
	uint64_t head, tail;
	unsigned int i;
	const char *ret;

	strtab_ends(s, len, &head, &tail);
	i = (unsigned int)(((tail ^ len) * 0x9e3779b97f4a7c15ull) >> (64 - IOREP_STRTAB_CACHE_BITS));
	/* up to 16 bytes, the two words are the whole string */
	if (c->e[i].str && c->e[i].tail == tail && c->e[i].head == head && c->e[i].len == len &&
	    (len <= 16 || !memcmp(c->e[i].str + 8, s + 8, len - 16)))
		return c->e[i].str;
	ret = iorep_strtab_intern(st, s, len);
	if (ret) {
		c->e[i].str = ret;
		c->e[i].head = head;
		c->e[i].tail = tail;
		c->e[i].len = len;
	}
	return ret;
}
