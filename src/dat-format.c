// SPDX-License-Identifier: MIT
/*
 * The damage in one event format that libtraceevent 1.7.1 crashes on
 * (iorep_dat_format_refusal(), dat-check.h): found by fuzz-tracedat, kept
 * in tests/fuzz/crashes/tracedat/.  dat-check.c asks it of every format of
 * a trace.dat before libtracecmd parses them.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "dat-check.h"
#include "fmt-guard.h"

/* Whether @c can be in a C identifier (libtraceevent's "item" tokens). */
static bool is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * libtraceevent's parse of a print format, as far as __print_flags() and
 * __print_symbolic() go: after either, the next "REC->FIELD" looks FIELD up
 * and writes to it.  Returns false when FIELD is not a field of event
 * format @f (@len bytes).  The pending lookup carries from one format to
 * the next, as libtraceevent's file-scope flag does.
 */
static bool print_flags_ok(bool *flag_pending, const char *f, size_t len)
{
	const char *p = memmem(f, len, "print fmt:", 10), *end = f + len, *tok;
	size_t n;

	if (!p)
		return true;
	for (p += 10; p < end;) {
		if (*p == '"' || *p == '\'') {
			/* a string or a character: no tokens in it */
			char quote = *p++;

			while (p < end && *p != quote)
				p += *p == '\\' ? 2 : 1;
			p++;
			continue;
		}
		if (!is_ident(*p)) {
			p++;
			continue;
		}
		for (tok = p; p < end && is_ident(*p); p++)
			;
		n = (size_t)(p - tok);
		if ((n == 13 && !memcmp(tok, "__print_flags", 13)) ||
		    (n == 16 && !memcmp(tok, "__print_symbolic", 16))) {
			*flag_pending = true;
			continue;
		}
		if (!*flag_pending || n != 3 || memcmp(tok, "REC", 3))
			continue;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (end - p < 2 || memcmp(p, "->", 2))
			continue; /* libtraceevent fails there, the flag still set */
		for (p += 2; p < end && isspace((unsigned char)*p); p++)
			;
		for (tok = p; p < end && is_ident(*p); p++)
			;
		if (p == tok)
			continue;
		*flag_pending = false;
		if (!iorep_fmt_field(f, len, tok, (size_t)(p - tok), NULL))
			return false;
	}
	return true;
}

/*
 * libtraceevent reads the token after a '[' in a field's declaration and
 * compares it with "]" before it looks whether there was one: a byte it
 * cannot read as a token (not printable, not white space), or the end of
 * the format, there is a NULL strcmp().  Returns false for such a '['.
 */
static bool field_brackets_ok(const char *f, size_t len)
{
	const char *p = f, *end = f + len, *decl_end;

	while ((p = memmem(p, (size_t)(end - p), "field:", 6)) != NULL) {
		p += 6;
		decl_end = memchr(p, ';', (size_t)(end - p));
		if (!decl_end)
			decl_end = end;
		for (; p < decl_end; p++) {
			const char *q = p + 1;

			if (*p != '[')
				continue;
			while (q < end && isspace((unsigned char)*q))
				q++;
			if (q == end || !isprint((unsigned char)*q))
				return false;
		}
	}
	return true;
}

const char *iorep_dat_format_refusal(const char *f, size_t len, bool *flag_pending)
{
	if (!print_flags_ok(flag_pending, f, len))
		return "an event format prints flags of a field it does not have";
	if (!field_brackets_ok(f, len))
		return "an event format has a field whose '[' is followed by an unreadable byte or "
		       "by nothing";
	return NULL;
}
