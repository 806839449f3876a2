// SPDX-License-Identifier: MIT
/*
 * gen-trace --stacks: a stack trace after every event, as trace-cmd record
 * -T (options/stacktrace) leaves them: an ftrace kernel_stack record on the
 * event's CPU, by its task, right after it (at its time: the events' times
 * stay those of a trace without stacks), and in trace.txt the
 * kernel's "<stack trace>" line and its " => func" frames.  The frames are
 * trace_event_raw_event_NAME (the tracing code's own), gen_NAME (NAME the
 * event's: whose stack it is can be told) and gen_work, each named in the
 * file's kallsyms.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen-trace.h"

#define STACK_ID 4	/* the kernel's id of ftrace's kernel_stack */
#define SYM_WORK UINT64_C(0xffffffff81000000)
#define SYM_BASE UINT64_C(0xffffffff81100000)
#define STACK_SLOTS 8

/* Linux 6.18's format of the event (its tracefs on this project's build machine). */
const char gt_stack_format[] =
	"name: kernel_stack\n"
	"ID: 4\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int size;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long caller[8];\toffset:16;\tsize:64;\tsigned:0;\n"
	"\n"
	"print fmt: \"\\t=> %ps\\n\\t=> %ps\\n\\t=> %ps\\n\" \"\\t=> %ps\\n\\t=> %ps\\n\\t=> %ps\\n\" "
	"\"\\t=> %ps\\n\\t=> %ps\\n\", (void *)REC->caller[0], (void *)REC->caller[1], "
	"(void *)REC->caller[2], (void *)REC->caller[3], (void *)REC->caller[4], "
	"(void *)REC->caller[5], (void *)REC->caller[6], (void *)REC->caller[7]\n";

/* Event @t's two functions: its tracing code's at SYM_BASE + 0x200 t, gen_NAME 0x100 on. */
static uint64_t sym_of(uint32_t t, int own)
{
	return SYM_BASE + 0x200 * (uint64_t)t + (own ? 0x100 : 0);
}

char *gt_kallsyms(void)
{
	size_t cap = 128 * (2 * GT__COUNT + 1), n = 0;
	char *s = malloc(cap);
	uint32_t t;

	if (!s)
		return NULL;
	n += (size_t)snprintf(s + n, cap - n, "%016" PRIx64 " T gen_work\n", SYM_WORK);
	for (t = 0; t < GT__COUNT; t++) {
		n += (size_t)snprintf(s + n, cap - n, "%016" PRIx64 " T trace_event_raw_event_%s\n",
				      sym_of(t, 0), gt_types[t].name);
		n += (size_t)snprintf(s + n, cap - n, "%016" PRIx64 " T gen_%s\n", sym_of(t, 1),
				      gt_types[t].name);
	}
	return s;
}

void gt_emit_stack(struct gt *g, const struct gt_event *e)
{
	const struct gt_proc *pr = &g->procs[e->proc];
	/* return addresses inside each function, innermost first, then the list's end */
	const uint64_t calls[] = { sym_of(e->type, 0) + 0xa5, sym_of(e->type, 1) + 0x3c,
				   SYM_WORK + 0x2e };
	uint8_t rec[16 + 8 * STACK_SLOTS];
	uint64_t us;
	uint32_t i;
	int64_t lost;

	memset(rec, 0, sizeof(rec));
	put16(rec, STACK_ID);
	put32(rec + 4, (uint32_t)pr->pid);
	put32(rec + 8, 3);
	for (i = 0; i < STACK_SLOTS; i++)
		put64(rec + 16 + 8 * i, i < 3 ? calls[i] : UINT64_MAX);
	lost = gendat_write(g->dat, e->cpu, g->ts, rec, sizeof(rec), false);
	if (lost < 0) {
		gt_fail(g, (int)-lost, "writing trace.dat");
		return;
	}
	if (!g->txt)
		return;
	us = (g->ts + 500) / 1000;
	fprintf(g->txt,
		"%16s-%-7d [%03u] ..... %5" PRIu64 ".%06" PRIu64 ": <stack trace>\n"
		" => trace_event_raw_event_%s\n => gen_%s\n => gen_work\n",
		pr->comm, pr->pid, e->cpu, us / 1000000, us % 1000000, gt_types[e->type].name,
		gt_types[e->type].name);
}
