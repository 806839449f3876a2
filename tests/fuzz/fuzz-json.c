// SPDX-License-Identifier: MIT
/*
 * A JSON syntax check (RFC 8259) that allocates nothing: the fuzz targets
 * check every JSON document they make with it.  cJSON's parser, which it
 * replaces there, built and freed a tree of the whole document, a third of
 * a small text input's run under ASan.  It is also stricter: nothing but
 * white space may follow the value.
 */
#include <stdbool.h>

#include "fuzz-common.h"

/* Deeper than any document of ours, and cJSON's own limit is 1000. */
#define MAX_DEPTH 512

struct jscan {
	const char *p, *end;
};

static void skip_ws(struct jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool word(struct jscan *s, const char *w)
{
	for (; *w; w++, s->p++)
		if (s->p == s->end || *s->p != *w)
			return false;
	return true;
}

static bool digits(struct jscan *s)
{
	const char *start = s->p;

	while (s->p < s->end && is_digit(*s->p))
		s->p++;
	return s->p > start;
}

static bool number(struct jscan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (!digits(s))
		return false;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!digits(s))
			return false;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!digits(s))
			return false;
	}
	return true;
}

static bool string(struct jscan *s)
{
	int i;

	s->p++; /* the opening quote */
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p++;

		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (s->p == s->end)
			return false;
		c = (unsigned char)*s->p++;
		if (c == 'u') {
			for (i = 0; i < 4; i++, s->p++)
				if (s->p == s->end || !is_hex(*s->p))
					return false;
		} else if (!(c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' ||
			     c == 'n' || c == 'r' || c == 't')) {
			return false;
		}
	}
	return false;
}

static bool value(struct jscan *s, int depth);

/* An object's or an array's members, after its opening bracket. */
static bool members(struct jscan *s, int depth, char close, bool keys)
{
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return true;
	}
	for (;;) {
		if (keys) {
			skip_ws(s);
			if (s->p == s->end || *s->p != '"' || !string(s))
				return false;
			skip_ws(s);
			if (s->p == s->end || *s->p++ != ':')
				return false;
		}
		if (!value(s, depth + 1))
			return false;
		skip_ws(s);
		if (s->p == s->end)
			return false;
		if (*s->p == close) {
			s->p++;
			return true;
		}
		if (*s->p++ != ',')
			return false;
	}
}

static bool value(struct jscan *s, int depth)
{
	if (depth > MAX_DEPTH)
		return false;
	skip_ws(s);
	if (s->p == s->end)
		return false;
	switch (*s->p) {
	case '{':
		s->p++;
		return members(s, depth, '}', true);
	case '[':
		s->p++;
		return members(s, depth, ']', false);
	case '"':
		return string(s);
	case 't':
		return word(s, "true");
	case 'f':
		return word(s, "false");
	case 'n':
		return word(s, "null");
	default:
		return number(s);
	}
}

int fuzz_json_valid(const char *text, size_t len)
{
	struct jscan s = {.p = text, .end = text + len};

	if (!value(&s, 0))
		return 0;
	skip_ws(&s);
	return s.p == s.end;
}
