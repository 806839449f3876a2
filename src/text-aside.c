// SPDX-License-Identifier: MIT
/*
 * What trace-cmd report's options print beside the events (see
 * textparse-local.h; stack traces are text-parse.c's and input-stack.c's):
 *
 *  - trace-cmd report --ts-diff's column, " %-8s" of "(+delta)" after the
 *    timestamp, empty on the first event;
 *  - trace-cmd report --debug's notes: "CPU:0 [SUBBUFFER START] [ts:0xoff]"
 *    where a page starts, " TIME EXTEND: delta:N length:N" lines, and
 *    " [delta:0xoff:size]" after each event.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "iorep-util.h"
#include "textparse-local.h"

/* Digits from @p[*i], at least one, an optional minus before them. */
static bool digits(const char *p, size_t n, size_t *i)
{
	size_t start;

	if (*i < n && p[*i] == '-')
		(*i)++;
	for (start = *i; *i < n && iorep_is_digit(p[*i]); (*i)++)
		;
	return *i > start;
}

bool iorep_textparse_aside_line(const char *p, size_t n)
{
	size_t i = 4;

	if (iorep_starts(p, n, "TIME EXTEND:") || iorep_starts(p, n, "TIME STAMP:"))
		return true;
	if (!iorep_starts(p, n, "CPU:"))
		return false;
	while (i < n && iorep_is_digit(p[i]))
		i++;
	return i > 4 && iorep_starts(p + i, n - i, " [SUBBUFFER START]");
}

size_t iorep_textparse_tsdiff(const char *p, size_t n)
{
	size_t i = 2;

	if (n < 4 || p[0] != '(' || p[1] != '+' || !digits(p, n, &i) || i >= n || p[i] != ')')
		return 0;
	for (i++; i < n && p[i] == ' '; i++)
		;
	return i;
}

size_t iorep_textparse_debug_tail(const char *p, size_t n)
{
	size_t i, open;

	if (!n || p[n - 1] != ']')
		return n;
	for (open = n - 1; open > 0 && p[open - 1] != '['; open--)
		;
	if (open < 2 || p[open - 2] != ' ')
		return n;
	i = open;
	if (!digits(p, n, &i) || !iorep_starts(p + i, n - i, ":0x"))
		return n;
	for (i += 3; i < n && iorep_hex_val(p[i]) >= 0; i++)
		;
	if (p[i - 1] == 'x' || i >= n || p[i] != ':')
		return n;
	i++;
	if (!digits(p, n, &i) || i != n - 1)
		return n;
	return open - 2;
}
