/* SPDX-License-Identifier: MIT */
/* Reporters: renderings of what the readers (and later the model) found. */
#ifndef IOREP_REPORT_H
#define IOREP_REPORT_H

#include <stdio.h>

#include "iorep-event.h"
#include "iorep-input.h"
#include "iorep-print.h"

struct cJSON;

/*
 * Returns a new cJSON object for @ev: ts (ns), cpu, pid, comm, event (the
 * kernel's name) and the event's fields under the kernel's field names.
 * Addresses are "0x..." strings, counts and sizes exact integers.  The caller
 * frees it with cJSON_Delete(); NULL on allocation failure.
 */
struct cJSON *iorep_event_to_json(const struct iorep_event *ev);

/* Writes @ev as one line of JSON to @fp.  Returns 0 or a negative IOREP_E* code. */
int iorep_event_write_json_line(const struct iorep_event *ev, FILE *fp);

/*
 * Writes @ev as one line the way `trace-cmd report` prints it with
 * plugin_iommu loaded: "comm-pid [cpu] seconds.micros: name: body", the
 * body from iorep_print_event() with @o; a drop marker as trace-cmd
 * prints it ("CPU:1 [12 EVENTS DROPPED]").  @s is scratch space the caller
 * keeps between calls (trace_seq_init() before, trace_seq_destroy() after).
 * Returns 0 or a negative IOREP_E* code.
 */
int iorep_event_write_text_line(const struct iorep_event *ev, const struct iorep_print_opts *o,
				struct trace_seq *s, FILE *fp);

/* The input summary: events per type, time span, CPUs, lost events. */
void iorep_summary_print(const struct iorep_input *in, FILE *fp);

#endif
