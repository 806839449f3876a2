// SPDX-License-Identifier: MIT
/*
 * ftrace's kernel_stack records (trace-cmd record -T, a "stacktrace" event
 * trigger, options/stacktrace) as stack events (see struct iorep_event's
 * stack).  The record holds the return addresses, innermost first, in its
 * "caller" array, as many as its size, up to a -1; each is named by the
 * file's kallsyms, as trace-cmd report names them, else printed as a number.
 */
#include <inttypes.h>
#include <stdio.h>

#include <event-parse.h>

#include "iorep-error.h"
#include "input-local.h"
#include "tep-decode.h"
#include "tracecmd-reader.h"

void iorep_tracecmd_stack_setup(struct iorep_tracecmd_reader *tr)
{
	struct tep_event *event = tep_find_event_by_name(tr->tep, "ftrace", "kernel_stack");

	tr->stack_id = -1;
	if (!event)
		return;
	tr->stack_caller = tep_find_any_field(event, "caller");
	if (tr->stack_caller)
		tr->stack_id = event->id;
}

int iorep_tracecmd_stack(struct iorep_input *in, struct iorep_tracecmd_reader *tr,
			 const struct tep_record *rec, struct iorep_event *ev)
{
	const struct tep_format_field *f = tr->stack_caller;
	const unsigned char *p, *end;
	unsigned int word = (unsigned int)tep_get_long_size(tr->tep);
	const char *name;
	uint64_t addr;
	char hex[24];
	int swap = tep_is_file_bigendian(tr->tep) != tep_is_local_bigendian(tr->tep);

	iorep_event_reset(ev, IOREP_EV_STACK);
	ev->ts = rec->ts;
	ev->cpu = rec->cpu;
	ev->pos = rec->offset;
	iorep_stack_build_start(&tr->frames);
	if (word != 4 && word != 8)
		word = 8;
	if (rec->size < 0 || (unsigned int)f->offset > (unsigned int)rec->size)
		return 0;
	p = (const unsigned char *)rec->data + f->offset;
	for (end = (const unsigned char *)rec->data + rec->size; p + word <= end; p += word) {
		addr = iorep_tep_read_number(p, word, swap);
		if (addr == (word == 8 ? UINT64_MAX : UINT32_MAX))
			break;
		name = addr ? tep_find_function(tr->tep, addr) : NULL;
		if (name) {
			iorep_stack_build_frame(&tr->frames, name, strlen(name));
		} else if (addr) {
			snprintf(hex, sizeof(hex), "0x%" PRIx64, addr);
			iorep_stack_build_frame(&tr->frames, hex, strlen(hex));
		}
	}
	return iorep_stack_build_intern(&tr->frames, in->st, &ev->stack);
}
