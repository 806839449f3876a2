// SPDX-License-Identifier: MIT
/*
 * libtraceevent 1.7.1 (Debian 12) frees a token twice when a print format
 * holds sizeof(int), sizeof(unsigned int), sizeof(long long), sizeof(unsigned
 * long long) or sizeof(REC->field) (process_sizeof(): it frees the type's
 * last word, reads the ')' into another pointer, then compares and frees the
 * freed one; upstream fixed it in 1.7.2).  glibc seldom notices, so the file
 * is read on a corrupted heap; ASan stops the program.  Kernels print such
 * forms (6.12's dma_map_sg has sizeof(unsigned int), reached only because an
 * earlier sizeof(u64), which 1.7.1 does not know, stops the parse first), in
 * trace.dat files of every version and compression, so the guard is on the
 * text libtraceevent is given, not on the file.
 *
 * Each such form, up to its ')', becomes its value padded with spaces: what
 * libtraceevent would have made of it (int is 4 bytes and long long 8 on
 * every Linux ABI; a field's size is its format's "size:"), with the
 * format's length unchanged.  A form whose value cannot be known (no ')', a
 * field not found or an array) gets its "sizeof" renamed "Sizeof", a function
 * libtraceevent does not know: the print format then fails to parse, as it
 * would have after the double free, and the event's fields still read.
 * Scanning mirrors libtraceevent's tokens: items are runs of [A-Za-z0-9_],
 * quoted text is skipped as its tokenizer skips it, and spaces separate.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt-guard.h"
#include "iorep-error.h"

/* A format being scanned: its text, and the copy once one is needed. */
struct guard {
	const char *b;
	size_t len;
	char *copy;
	int forms;
};

static bool item_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* libtraceevent's spaces: isspace() in the C locale */
static bool space_char(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static size_t skip_spaces(const struct guard *g, size_t i)
{
	while (i < g->len && space_char(g->b[i]))
		i++;
	return i;
}

static size_t item_end(const struct guard *g, size_t i)
{
	while (i < g->len && item_char(g->b[i]))
		i++;
	return i;
}

/* Whether the item at @i (ending at @end) is @word. */
static bool item_is(const struct guard *g, size_t i, size_t end, const char *word)
{
	return end - i == strlen(word) && !memcmp(g->b + i, word, end - i);
}

/*
 * Past the quoted text that starts at @i, as libtraceevent's tokenizer
 * reads it: to the closing quote not after a backslash (whose own
 * backslash cancels it only for the character after it), to a character
 * that is neither printable nor a newline, or to the end.
 */
static size_t skip_quote(const struct guard *g, size_t i)
{
	int q = g->b[i], ch = q, last;

	for (i++; i < g->len;) {
		last = ch;
		ch = (signed char)g->b[i++];
		if (ch == '\\' && last == '\\')
			last = 0;
		if (ch <= 0)
			break;
		if (!((ch != q && isprint(ch)) || last == '\\' || ch == '\n'))
			break;
	}
	return i;
}

const char *iorep_fmt_field(const char *f, size_t len, const char *name, size_t n,
			    const char **semi)
{
	const char *p = f, *end = f + len, *decl, *q, *name_end;
	int depth;

	while ((p = memmem(p, (size_t)(end - p), "field:", 6)) != NULL) {
		decl = p += 6;
		q = memchr(p, ';', (size_t)(end - p));
		if (!q)
			return NULL;
		if (semi)
			*semi = q;
		while (q > p && isspace((unsigned char)q[-1]))
			q--;
		for (depth = 0; q > p && (depth || q[-1] == ']'); q--)
			depth += q[-1] == ']' ? 1 : q[-1] == '[' ? -1 : 0;
		while (q > p && isspace((unsigned char)q[-1]))
			q--;
		name_end = q;
		while (q > p && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
			q--;
		if ((size_t)(name_end - q) == n && !memcmp(q, name, n))
			return decl;
		p = name_end;
	}
	return NULL;
}

/*
 * The size of the field @name (@n bytes) that libtraceevent would find
 * (iorep_fmt_field()), read from its "size:" on the same line; -1 when there
 * is none, or when it is an array (a '[' in its declaration), which
 * libtraceevent's sizeof() refuses.
 */
static long field_size(const struct guard *g, const char *name, size_t n)
{
	const char *semi, *decl = iorep_fmt_field(g->b, g->len, name, n, &semi), *w, *line_end;
	long size;

	if (!decl || memchr(decl, '[', (size_t)(semi - decl)))
		return -1;
	line_end = memchr(semi, '\n', (size_t)(g->b + g->len - semi));
	if (!line_end)
		line_end = g->b + g->len;
	w = memmem(semi, (size_t)(line_end - semi), "size:", 5);
	if (!w || w + 5 >= line_end || !isdigit((unsigned char)w[5]))
		return -1;
	for (size = 0, w += 5; w < line_end && isdigit((unsigned char)*w) && size < 1 << 24; w++)
		size = size * 10 + (*w - '0');
	return size < 1 << 24 ? size : -1;
}

/*
 * The value of the sizeof() whose type starts at @i, and in *@close where
 * its ')' is, when libtraceevent 1.7.1 would free a token twice on it:
 * a value (or -1 when it cannot be known) and true; false for a form it
 * reads safely (or refuses safely).
 */
static bool risky(const struct guard *g, size_t i, long *value, size_t *close)
{
	size_t e = item_end(g, i), j;

	*value = -1;
	if (item_is(g, i, e, "unsigned")) {
		j = skip_spaces(g, e);
		if (item_end(g, j) == j)
			return false; /* "unsigned" alone: 4, read safely */
		i = j;
		e = item_end(g, i);
	}
	if (item_is(g, i, e, "int")) {
		*value = 4;
	} else if (item_is(g, i, e, "long")) {
		j = skip_spaces(g, e);
		e = item_end(g, j);
		if (!item_is(g, j, e, "long"))
			return false; /* "long" and something else: the ABI's long, safe */
		*value = 8;
	} else if (item_is(g, i, e, "REC")) {
		j = skip_spaces(g, e);
		if (j + 2 > g->len || memcmp(g->b + j, "->", 2))
			return false;
		/* the field's name is read past spaces, not past a newline */
		for (i = j + 2; i < g->len && space_char(g->b[i]) && g->b[i] != '\n'; i++)
			;
		e = item_end(g, i);
		if (e == i)
			return false;
		*value = field_size(g, g->b + i, e - i);
	} else {
		return false; /* refused by libtraceevent, each token freed once */
	}
	j = skip_spaces(g, e);
	*close = j;
	if (j >= g->len || g->b[j] != ')')
		*value = -1;
	return true;
}

/* The sizeof at @at (its item ends at @end), made safe if it is risky. */
static int guard_sizeof(struct guard *g, size_t at, size_t end)
{
	size_t open = skip_spaces(g, end), close;
	long value;
	int n;

	if (open >= g->len || g->b[open] != '(' ||
	    !risky(g, skip_spaces(g, open + 1), &value, &close))
		return 0;
	if (!g->copy) {
		g->copy = malloc(g->len);
		if (!g->copy)
			return -IOREP_ENOMEM;
		memcpy(g->copy, g->b, g->len);
	}
	g->forms++;
	/* a value wider than its form (sizeof(int) has 11 bytes) is renamed too */
	n = value < 0 ? -1 : snprintf(NULL, 0, "%ld", value);
	if (n < 0 || (size_t)n > close - at) {
		g->copy[at] = 'S';
		return 0;
	}
	snprintf(g->copy + at, (size_t)n + 1, "%ld", value);
	memset(g->copy + at + n, ' ', close + 1 - at - (size_t)n);
	return 0;
}

int iorep_fmt_guard(const char *buf, size_t len, char **copy)
{
	struct guard g = {.b = buf, .len = len};
	const char *print = memmem(buf, len, "print fmt:", 10);
	size_t i = print ? (size_t)(print - buf) : 0, e;
	int ret;

	*copy = NULL;
	while (i < len) {
		if (buf[i] == '"' || buf[i] == '\'') {
			i = skip_quote(&g, i);
			continue;
		}
		if (!item_char(buf[i])) {
			i++;
			continue;
		}
		e = item_end(&g, i);
		if (item_is(&g, i, e, "sizeof") && (ret = guard_sizeof(&g, i, e)) < 0)
			return ret;
		i = e;
	}
	*copy = g.copy;
	return g.forms;
}
