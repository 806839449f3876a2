/* SPDX-License-Identifier: MIT */
/* Small helpers the parsers share. */
#ifndef IOREP_UTIL_H
#define IOREP_UTIL_H

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

#endif
