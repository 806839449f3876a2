/* SPDX-License-Identifier: MIT */
/* Between the ftrace text parser (text-parse.c) and its plugin-form reader (text-plugin.c). */
#ifndef IOREP_TEXTPARSE_LOCAL_H
#define IOREP_TEXTPARSE_LOCAL_H

#include "iorep-textparse.h"

/* A hex digit's value plus one, 0 for any other byte: one load, no branch per range. */
#define IOREP_HEX_DIGITS_(c, v) [c] = v + 1, [c + 1] = v + 2, [c + 2] = v + 3, [c + 3] = v + 4, \
				[c + 4] = v + 5, [c + 5] = v + 6
static const unsigned char iorep_hex_digit1[256] = {
	IOREP_HEX_DIGITS_('0', 0), ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	IOREP_HEX_DIGITS_('a', 10), IOREP_HEX_DIGITS_('A', 10),
};
#undef IOREP_HEX_DIGITS_

/*
 * Eight digits' values (0-9), one a byte, the first digit in the lowest
 * byte: their number, by pairs, fours and the whole in three multiplications.
 * Leading zero bytes are leading zeros.
 */
static inline uint64_t iorep_eight_digits(uint64_t d)
{
	d = d * 10 + (d >> 8);
	return ((d & 0x000000ff000000ffull) * (100 + (1000000ull << 32)) +
		((d >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32))) >>
	       32;
}

/*
 * Parses the @n bytes at @p as an unsigned number: hex with or without 0x
 * when @hex, else decimal or 0x-hex.  Returns 0, or -1 (not a number, or past
 * 64 bits).  The one rule of every number the text parsers read (inline: the
 * template reader, text-fast.c, calls it per field).
 */
static inline int iorep_textparse_u64(const char *p, size_t n, int hex, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	int d;

	if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		hex = 1;
		i = 2;
	}
	if (i == n)
		return -1;
	/* one loop per base, so that no digit costs a division for the overflow check */
	if (hex) {
		for (; i < n; i++) {
			d = iorep_hex_digit1[(unsigned char)p[i]] - 1;
			if (d < 0 || v >> 60)
				return -1;
			v = v << 4 | (uint64_t)d;
		}
	} else {
		for (; i < n; i++) {
			if (p[i] < '0' || p[i] > '9' || __builtin_mul_overflow(v, 10, &v) ||
			    __builtin_add_overflow(v, (uint64_t)(p[i] - '0'), &v))
				return -1;
		}
	}
	*out = v;
	return 0;
}

/* Appends to array scratch @which (0 phys_addrs, 1 dma_addrs) or the lengths; 0 or -IOREP_ENOMEM.
 */
int iorep_textparse_push_u64(struct iorep_textparse *tp, int which, uint64_t v);
int iorep_textparse_push_u32(struct iorep_textparse *tp, uint32_t v);

/* Interns a comm, device, driver or gfp name through the parser's cache; NULL: no memory. */
const char *iorep_textparse_intern(struct iorep_textparse *tp, const char *s, size_t len);

/* Stores the printed value @p/@n of field @f: 0, -1 when malformed, or -IOREP_ENOMEM. */
int iorep_textparse_set_field(struct iorep_textparse *tp, struct iorep_event *ev, int f,
			      const char *p, size_t n);

/*
 * Resets @ev to an empty event of @type, keeping what its line's head set
 * (ts, cpu, pid, comm), and empties the array scratch: where a payload's
 * reading starts, and starts again when the template gives up.
 */
void iorep_textparse_restart(struct iorep_textparse *tp, struct iorep_event *ev,
			     enum iorep_etype type);

/*
 * Reads the payload @p/@n of a map, unmap, dma_map_page or dma_unmap_page
 * (@ev reset to its type) by the kernel's print format (text-fast.c).
 * Returns 0 (read, @ev filled as the generic parser fills it) or 1 (not
 * exactly that form: @ev as it was, for the generic parser).
 */
int iorep_textparse_fast(struct iorep_textparse *tp, struct iorep_event *ev, const char *p,
			 size_t n);

/*
 * Reads the head of the line @line/@len (its '\r' gone) in the usual form,
 * "comm-pid [cpu] flags sec.usec: " (text-head.c): returns 0 with @ev's ts,
 * cpu, ctx, pid and comm set and the rest after the timestamp's ':' in
 * *@payload (*@payload_len bytes), exactly as the generic rule reads them; 1 when
 * the head is not exactly that form (@ev untouched); or -IOREP_ENOMEM.
 */
int iorep_textparse_fast_head(struct iorep_textparse *tp, const char *line, size_t len,
			      struct iorep_event *ev, const char **payload, size_t *payload_len);

/*
 * What ftrace's flags column @p/@n ("d.h1.", "dNh1" before 4.19) says of the
 * context: IOREP_CTX_ATOMIC with interrupts or bottom halves off, or in an
 * interrupt or NMI; else 0.
 */
uint32_t iorep_textparse_flags_ctx(const char *p, size_t n);

/*
 * Reads a payload printed by plugin_iommu (include/iorep-print.h), as
 * `trace-cmd report` prints it when the plugin is installed.  Returns 0
 * (parsed), -1 (the plugin's form, but broken), 1 (not the plugin's form:
 * try the kernel's) or -IOREP_ENOMEM.
 */
int iorep_textparse_plugin(struct iorep_textparse *tp, struct iorep_event *ev, const char *p,
			   size_t n);

/*
 * perf script's forms (text-perf.c).  Whether the task @p/@n, before its
 * "[cpu]", is perf's "comm tid" or "comm pid/tid": then @ev's comm (NULL:
 * no memory) and pid are set, and tp->perf.
 */
bool iorep_textparse_perf_task(struct iorep_textparse *tp, const char *p, size_t n,
			       struct iorep_event *ev);

/*
 * perf's own record @p/@n after a task's time (not an event of the trace):
 * IOREP_LINE_LOST for a PERF_RECORD_LOST (@ev a drop marker on its CPU),
 * IOREP_LINE_META for another PERF_RECORD_*, else IOREP_LINE_OTHER_EVENT.
 */
int iorep_textparse_perf_record(const char *p, size_t n, struct iorep_event *ev);

/* Whether the line @p/@n is a frame of a perf script -g call chain. */
bool iorep_textparse_perf_frame(const char *p, size_t n);

/*
 * What is printed beside the events (text-aside.c).  Whether the line @p/@n,
 * trimmed, is a note of trace-cmd report --debug ("CPU:0 [SUBBUFFER START]",
 * "TIME EXTEND: ...").
 */
bool iorep_textparse_aside_line(const char *p, size_t n);

/* The length of trace-cmd report --ts-diff's "(+123)" and its spaces at @p, or 0. */
size_t iorep_textparse_tsdiff(const char *p, size_t n);

/* The length of the payload @p/@n without trace-cmd report --debug's " [1:0x2:3]". */
size_t iorep_textparse_debug_tail(const char *p, size_t n);

#endif
