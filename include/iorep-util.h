/* SPDX-License-Identifier: MIT */
/* Small helpers the parsers share. */
#ifndef IOREP_UTIL_H
#define IOREP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The value of a hex digit, or -1. */
static inline int iorep_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whether @c is a decimal digit (in any locale). */
static inline bool iorep_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether @c is a blank between the fields of a line of text: a space or a tab. */
static inline bool iorep_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether the @n bytes at @p start with the string @lit. */
static inline bool iorep_starts(const char *p, size_t n, const char *lit)
{
	size_t len = strlen(lit);

	return n >= len && !memcmp(p, lit, len);
}

#endif
