// SPDX-License-Identifier: MIT
/*
 * The trace.dat options whose payload libtracecmd 1.3.1 reads past its
 * buffer, writes before it or dereferences NULL on, as its
 * handle_options() reads them (tests/fuzz/make-option-crashes.py makes one
 * of each; tests/fuzz/crashes/tracedat/ keeps them):
 *  - an empty CPUSTAT or PROCMAPS: written or read at size - 1;
 *  - a DATE, TRACECLOCK, UNAME, HOOK, OFFSET or VERSION without a NUL: read
 *    as a C string (and strtok_r() writes) past the buffer;
 *  - a TRACECLOCK whose first "[" word has nothing but brackets in it:
 *    strtok_r() finds no clock name there, and sscanf() reads NULL (the
 *    same list follows version 6's CPU table);
 *  - a HOOK that is not "[sys:]event,match[,pid]/[sys:]event,match[,flags]":
 *    tracecmd_create_event_hook() returns NULL, which is dereferenced;
 *  - a BUFFER or BUFFER_TEXT whose name (or, version 7, clock) runs to the
 *    option's end: strdup() reads on past it;
 *  - a CPUCOUNT of fewer than 4 bytes: 4 are read; or of over 2^20 CPUs:
 *    tracecmd_close() loops over each (two seconds for 1.8 G);
 *  - a GUEST whose name runs to the option's end (the size left goes
 *    negative and is compared unsigned: read on), or with a negative CPU
 *    id (written before the array of PIDs: glibc aborts);
 *  - a TIME_SHIFT with a CPU of no samples: every timestamp read of that
 *    CPU looks at sample 0 and sample -1 of an empty array.
 * Anything else in these options libtracecmd checks by itself.  One text
 * outside the options has the same kind of trap: the printk formats, whose
 * line without a format after its ':' makes libtraceevent's
 * tep_parse_printk_formats() strdup() from past the line (past the buffer,
 * on the last line), and whose format of under 3 characters (after its
 * opening quote) makes tep_register_print_string() read before its copy.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dat-option.h"

static int32_t num32(const unsigned char *p, bool big)
{
	return (int32_t)(uint32_t)iorep_dat_num(p, 4, big);
}

/* The length of the C string at @p, if it ends within @size bytes; -1 if not. */
static long str_in(const unsigned char *p, size_t size)
{
	const unsigned char *nul = memchr(p, '\0', size);

	return nul ? (long)(nul - p) : -1;
}

bool iorep_dat_option_checked(unsigned int id)
{
	switch (id) {
	case IOREP_OPT_DATE:
	case IOREP_OPT_CPUSTAT:
	case IOREP_OPT_BUFFER:
	case IOREP_OPT_TRACECLOCK:
	case IOREP_OPT_UNAME:
	case IOREP_OPT_HOOK:
	case IOREP_OPT_OFFSET:
	case IOREP_OPT_CPUCOUNT:
	case IOREP_OPT_VERSION:
	case IOREP_OPT_PROCMAPS:
	case IOREP_OPT_TIME_SHIFT:
	case IOREP_OPT_GUEST:
	case IOREP_OPT_BUFFER_TEXT:
		return true;
	}
	return false;
}

const char *iorep_dat_clock_trap(const char *text)
{
	const char *w = text;
	size_t n;

	/* libtracecmd's words: split at spaces only; the first starting with '[' is read */
	for (;;) {
		w += strspn(w, " ");
		if (!*w)
			return NULL;
		n = strcspn(w, " ");
		if (*w == '[')
			break;
		w += n;
	}
	if (strspn(w, "[]") >= n)
		return "its trace clock list has a \"[\" word with no clock name in it";
	return NULL;
}

const char *iorep_dat_printk_trap(const char *text)
{
	const char *line = text, *end, *colon, *fmt;

	for (; *line; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		if (end == line)
			continue; /* strtok_r() skips empty lines */
		/* the address: strtok_r() skips leading ':'s, then up to the next */
		colon = line + strspn(line, ":");
		if (colon >= end)
			return NULL; /* libtraceevent stops at a line of only ':'s */
		colon += strcspn(colon, ":\n");
		/* the format is read from 2 bytes past the ':' (past ": ") */
		if (colon >= end || colon + 1 >= end)
			return "a printk format line with nothing after its address (libtraceevent "
			       "would read past it)";
		fmt = colon + 2;
		if (fmt < end && *fmt == '"')
			fmt++;
		if (end - fmt < 3)
			return "a printk format of under 3 characters (libtraceevent would read "
			       "before it)";
	}
	return NULL;
}

/*
 * One token of strtok_r(): past the delimiters in @delim at *@s, then up to
 * the next one, which becomes a NUL; NULL when only delimiters are left.
 */
static char *token(char **s, const char *delim)
{
	char *t = *s + strspn(*s, delim);

	if (!*t) {
		*s = t;
		return NULL;
	}
	*s = t + strcspn(t, delim);
	if (**s)
		*(*s)++ = '\0';
	return t;
}

/*
 * Whether tracecmd_create_event_hook() parses @arg: two events, each an
 * optional "system:", a name and a match, the first with an optional
 * ",pid" before the "/", the second with optional ",flags".  Which
 * separator follows a word is read in @arg at the word's end, as there:
 * for the first word, at its length counted from the start (not from the
 * word).
 */
static bool hook_parses(const char *arg)
{
	char *str = strdup(arg), *s = str, *t;
	bool ok = false;

	if (!str)
		return true; /* not checked: libtracecmd's strdup() fails the same way */
	if (!(t = token(&s, ":,")))
		goto out;
	if (arg[strlen(t)] == ':' && !token(&s, ","))
		goto out;
	if (!(t = token(&s, ",/")))
		goto out;
	if (arg[t - str + strlen(t)] == ',' && !token(&s, "/"))
		goto out;
	if (!(t = token(&s, ":,")))
		goto out;
	if (arg[t - str + strlen(t)] == ':' && !token(&s, ","))
		goto out;
	if (!(t = token(&s, ",")))
		goto out;
	if (arg[t - str + strlen(t)] == ',' && !token(&s, ""))
		goto out;
	ok = true;
out:
	free(str);
	return ok;
}

/* BUFFER and BUFFER_TEXT: the offset, the name, and (version 7) the clock. */
static const char *buffer_trap(const unsigned char *p, size_t size, bool v7)
{
	long n;
	int strings = v7 ? 2 : 1;

	if (size < 8)
		return NULL; /* refused by libtracecmd */
	for (p += 8, size -= 8; strings-- && size; p += n + 1, size -= (size_t)n + 1) {
		n = str_in(p, size);
		if (n < 0)
			return "a buffer option whose name or clock has no terminating NUL";
	}
	return NULL;
}

static const char *guest_trap(const unsigned char *p, size_t size, bool big)
{
	long n = str_in(p, size);
	int32_t ncpus, cpu, i;

	if (n < 0)
		return "a guest option whose name has no terminating NUL";
	p += n + 1;
	size -= (size_t)n + 1;
	if (size < 12)
		return NULL;
	ncpus = num32(p + 8, big);
	for (p += 12, size -= 12, i = 0; i < ncpus && size >= 8; i++, p += 8, size -= 8) {
		cpu = num32(p, big);
		if (cpu >= ncpus)
			return NULL; /* libtracecmd stops there */
		if (cpu < 0)
			return "a guest option with a negative CPU number";
	}
	return NULL;
}

/* TIME_SHIFT: id (8), flags (4), CPUs (4), then per CPU a count and three arrays of 8 bytes. */
static const char *time_shift_trap(const unsigned char *p, size_t size, bool big)
{
	int32_t ncpus, count, i;

	if (size < 16)
		return NULL; /* ignored by libtracecmd */
	ncpus = num32(p + 12, big);
	for (p += 16, size -= 16, i = 0; i < ncpus && size >= 4; i++) {
		count = num32(p, big);
		if (!count)
			return "a time shift option with a CPU of no samples";
		if (count < 0 || (uint64_t)count * 24 > size - 4)
			return NULL; /* libtracecmd fails there */
		p += 4 + (size_t)count * 24;
		size -= 4 + (size_t)count * 24;
	}
	return NULL;
}

const char *iorep_dat_option_trap(unsigned int id, const unsigned char *p, size_t size, bool v7,
				  bool big)
{
	switch (id) {
	case IOREP_OPT_CPUSTAT:
	case IOREP_OPT_PROCMAPS:
		if (!size)
			return "an empty option that libtracecmd cannot read";
		break;
	case IOREP_OPT_DATE:
	case IOREP_OPT_TRACECLOCK:
	case IOREP_OPT_UNAME:
	case IOREP_OPT_HOOK:
	case IOREP_OPT_OFFSET:
	case IOREP_OPT_VERSION:
		if (str_in(p, size) < 0)
			return "a text option without its terminating NUL";
		if (id == IOREP_OPT_TRACECLOCK)
			return iorep_dat_clock_trap((const char *)p);
		if (id == IOREP_OPT_HOOK && !hook_parses((const char *)p))
			return "a hook option that libtracecmd cannot parse";
		break;
	case IOREP_OPT_BUFFER:
	case IOREP_OPT_BUFFER_TEXT:
		return buffer_trap(p, size, v7);
	case IOREP_OPT_CPUCOUNT:
		if (size < 4)
			return "a CPU count option shorter than 4 bytes";
		if (iorep_dat_num(p, 4, big) > IOREP_DAT_CPUS_MAX)
			return IOREP_DAT_CPUS_TOO_MANY;
		break;
	case IOREP_OPT_GUEST:
		return guest_trap(p, size, big);
	case IOREP_OPT_TIME_SHIFT:
		return time_shift_trap(p, size, big);
	}
	return NULL;
}
