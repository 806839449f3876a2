/* SPDX-License-Identifier: MIT */
/*
 * String interning: device names, drivers and comms appear millions of
 * times in a trace but take a few hundred distinct values.  Each distinct
 * string is stored once; the returned pointers stay valid until the table is
 * freed, and equal strings give equal pointers.  Thread-safe: the reader
 * thread and the model intern into one table.
 */
#ifndef IOREP_STRTAB_H
#define IOREP_STRTAB_H

#include <stddef.h>
#include <stdint.h>

struct iorep_strtab;

/* Returns a new table, or NULL on allocation failure; iorep_strtab_free() frees it. */
struct iorep_strtab *iorep_strtab_new(void);
void iorep_strtab_free(struct iorep_strtab *st);

/*
 * Interns the @len bytes at @s (no NUL needed).  Returns the stored,
 * NUL-terminated copy owned by @st, or NULL on allocation failure.
 */
const char *iorep_strtab_intern(struct iorep_strtab *st, const char *s, size_t len);

/*
 * Strings one caller interned, found again without the table's lock or hash:
 * a reader interns a device name or a comm per event, and they repeat.  A
 * string has one place, picked from its length and last 8 bytes, and takes
 * it from the one there before.  Zero-initialize; one per thread.
 */
#define IOREP_STRTAB_CACHE_BITS 6
struct iorep_strtab_cache {
	struct {
		const char *str;
		uint64_t head, tail; /* the first and last 8 bytes (fewer: zero-padded) */
		size_t len;
	} e[1u << IOREP_STRTAB_CACHE_BITS];
};

/* As iorep_strtab_intern(), through @c. */
const char *iorep_strtab_intern_cached(struct iorep_strtab *st, struct iorep_strtab_cache *c,
				       const char *s, size_t len);

/* Number of distinct strings held. */
size_t iorep_strtab_count(struct iorep_strtab *st);

#endif
