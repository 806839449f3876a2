// SPDX-License-Identifier: MIT
/*
 * The string table: equal strings give one pointer, through the cache too
 * (names that share their last 8 bytes and length, more names than the cache
 * holds, the empty string), and from two threads at once.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "iorep-strtab.h"
#include "test-util.h"

static void test_cached_is_interned(void)
{
	/* same length and same last 8 bytes, different starts */
	static const char *const names[] = {"0000:00:03.0", "0001:00:03.0", "1000:00:03.0", "", "a",
					    "0000:00:04.0"};
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_strtab_cache c = {0};
	const char *p, *q;
	char name[32];
	size_t i;
	int round;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	for (round = 0; round < 3; round++)
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			p = iorep_strtab_intern_cached(st, &c, names[i], strlen(names[i]));
			q = iorep_strtab_intern(st, names[i], strlen(names[i]));
			CU_ASSERT_PTR_EQUAL(p, q);
			CU_ASSERT_STRING_EQUAL(p, names[i]);
		}
	/* 40 names through a cache of 8, twice: every one found again, none confused */
	for (round = 0; round < 2; round++)
		for (i = 0; i < 40; i++) {
			snprintf(name, sizeof(name), "0000:%02zx:00.0", i);
			p = iorep_strtab_intern_cached(st, &c, name, strlen(name));
			CU_ASSERT_STRING_EQUAL(p, name);
			CU_ASSERT_PTR_EQUAL(p, iorep_strtab_intern(st, name, strlen(name)));
		}
	/* a part of a longer buffer: @len bytes, no NUL needed */
	p = iorep_strtab_intern_cached(st, &c, "0000:00:03.0 dir=TO_DEVICE", 12);
	CU_ASSERT_STRING_EQUAL(p, "0000:00:03.0");
	CU_ASSERT_EQUAL(iorep_strtab_count(st), 6 + 40);
	iorep_strtab_free(st);
}

struct worker {
	struct iorep_strtab *st;
	int offset;
	const char *got[3000];
};

static void *intern_many(void *arg)
{
	struct worker *w = arg;
	struct iorep_strtab_cache c = {0};
	char name[32];
	int i;

	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "comm-%d", (i + w->offset) % 3000);
		w->got[(i + w->offset) % 3000] =
			i % 2 ? iorep_strtab_intern(w->st, name, strlen(name))
			      : iorep_strtab_intern_cached(w->st, &c, name, strlen(name));
	}
	return NULL;
}

static void test_two_threads(void)
{
	static struct worker a, b;
	pthread_t t;
	int i;

	a.st = b.st = iorep_strtab_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(a.st);
	b.offset = 1500;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, intern_many, &a), 0);
	intern_many(&b);
	pthread_join(t, NULL);
	/* the table grew (256 slots at first) while both threads interned */
	CU_ASSERT_EQUAL(iorep_strtab_count(a.st), 3000);
	for (i = 0; i < 3000; i++)
		if (a.got[i] != b.got[i] || !a.got[i]) {
			CU_FAIL("two threads got different pointers for one string");
			break;
		}
	iorep_strtab_free(a.st);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"the cache gives the table's pointers", test_cached_is_interned},
		{"two threads, one table", test_two_threads},
		{NULL, NULL},
	};

	return iorep_test_main("strtab", tests);
}
