// SPDX-License-Identifier: MIT
/*
 * What perf script's text has that ftrace's has not (see textparse-local.h):
 * its task, "comm tid [cpu]" where ftrace prints "comm-pid [cpu]"; its own
 * records among the events; the frames of a -g call chain.  perf prints
 * each event's payload through libtraceevent, as trace-cmd report does, so
 * text-parse.c reads the rest.  The forms are those of perf's
 * builtin-script.c (perf 6.1, Debian 12): "%16s %7d [%03d] %lu.%06lu: %*s: ".
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "iorep-textparse.h"
#include "iorep-util.h"
#include "textparse-local.h"

bool iorep_textparse_perf_task(struct iorep_textparse *tp, const char *p, size_t n,
			       struct iorep_event *ev)
{
	size_t i = n, slash = 0, start = 0, end;
	uint64_t v;

	/* back over the digits: ftrace's "comm-pid" stops at its dash, at once */
	while (i && (iorep_is_digit(p[i - 1]) || (p[i - 1] == '/' && !slash && i < n))) {
		if (p[i - 1] == '/')
			slash = i;
		i--;
	}
	if (i == n || !i || p[i - 1] != ' ' || (slash && slash == i + 1))
		return false;
	/* the comm, right-aligned: free to hold spaces, not to start or end with them */
	for (end = i; end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t'); end--)
		;
	while (start < end && (p[start] == ' ' || p[start] == '\t'))
		start++;
	if (start == end)
		return false;
	if (!slash)
		slash = i;
	if (iorep_textparse_u64(p + slash, n - slash, 0, &v) < 0 || v > INT32_MAX)
		return false;
	ev->pid = (int32_t)v;
	ev->comm = iorep_textparse_intern(tp, p + start, end - start);
	tp->perf = true;
	return true;
}

/*
 * "PERF_RECORD_LOST lost 555" (--show-lost-events: records the kernel
 * dropped on the line's CPU) is a drop marker; any other "PERF_RECORD_..."
 * (--show-task-events) is not read.
 */
int iorep_textparse_perf_record(const char *p, size_t n, struct iorep_event *ev)
{
	static const char lost[] = "PERF_RECORD_LOST lost ";
	int32_t cpu = ev->cpu;
	uint64_t count;

	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (!iorep_starts(p, n, "PERF_RECORD_"))
		return IOREP_LINE_OTHER_EVENT;
	if (!iorep_starts(p, n, "PERF_RECORD_LOST"))
		return IOREP_LINE_META;
	iorep_event_reset(ev, IOREP_EV_LOST);
	ev->cpu = cpu;
	ev->lost = -1; /* PERF_RECORD_LOST_SAMPLES, or a form not known: a count not known */
	if (iorep_starts(p, n, lost) &&
	    iorep_textparse_u64(p + sizeof(lost) - 1, n - (sizeof(lost) - 1), 0, &count) == 0 &&
	    count <= INT64_MAX)
		ev->lost = (int64_t)count;
	return IOREP_LINE_LOST;
}

/* "\tffffffff813a83e5 ttwu_do_activate+0x175 ([kernel.kallsyms])": a hex address, a space. */
bool iorep_textparse_perf_frame(const char *p, size_t n)
{
	size_t i = 0, start;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	for (start = i; i < n && iorep_hex_digit1[(unsigned char)p[i]]; i++)
		;
	return i > start && i < n && p[i] == ' ';
}
