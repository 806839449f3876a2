/* SPDX-License-Identifier: MIT */
/*
 * An event format made safe for libtraceevent 1.7.1's parser before it
 * reads it: the sizeof() forms on which that parser frees a token twice
 * are replaced by their value (fmt-guard.c says which and why).
 */
#ifndef IOREP_FMT_GUARD_H
#define IOREP_FMT_GUARD_H

#include <stddef.h>

/*
 * The event format @buf (@len bytes, not NUL-terminated).  When it holds a
 * sizeof() form that libtraceevent 1.7.1 mishandles, *@copy is set to a
 * malloc()ed copy of the same length with every such form rewritten (the
 * caller frees it) and the number of forms is returned; otherwise *@copy is
 * NULL and 0 is returned.  -IOREP_ENOMEM when the copy cannot be made.
 */
int iorep_fmt_guard(const char *buf, size_t len, char **copy);

/*
 * The declaration of field @name (@n bytes) in event format @f (@len bytes)
 * as libtraceevent names fields: the first "field:" line whose last
 * identifier before its ';', past any "[...]", is @name.  Returns where the
 * declaration starts (past "field:") and, unless @semi is NULL, sets *@semi
 * to its ';'; NULL when there is none.
 */
const char *iorep_fmt_field(const char *f, size_t len, const char *name, size_t n,
			    const char **semi);

#endif
