// SPDX-License-Identifier: MIT
/* The event stream as JSON lines (--events), through cJSON. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "iorep-error.h"
#include "json-util.h"
#include "iorep-report.h"

int iorep_event_write_text_line(const struct iorep_event *ev, const struct iorep_print_opts *o,
				struct trace_seq *s, FILE *fp)
{
	const char *name = iorep_event_desc(ev->type)->name;
	int len = (int)strlen(name);
	size_t width;
	uint64_t us;

	trace_seq_reset(s);
	if (ev->type == IOREP_EV_LOST) {
		/* a count of 0: a text line lost with its event, how many unknown */
		if (ev->cpu < 0)
			trace_seq_puts(s, "CPU:*");	/* a text trace's overrun, of no one CPU */
		else
			trace_seq_printf(s, "CPU:%d", ev->cpu);
		if (ev->lost > 0)
			trace_seq_printf(s, " [%" PRId64 " EVENTS DROPPED]\n", ev->lost);
		else
			trace_seq_puts(s, " [EVENTS DROPPED]\n");
	} else {
		/* trace-cmd's columns: tracecmd/trace-read.c print_event() */
		width = iorep_print_inert_width(ev->comm);
		trace_seq_printf(s, "%*s", width < 16 ? 16 - (int)width : 0, "");
		iorep_print_inert(s, ev->comm);
		/* microseconds, rounded as libtraceevent's "%6.1000d" rounds them */
		us = ev->ts / 1000 + (ev->ts % 1000 >= 500);
		if (ev->cpu < 0) /* a fault of the kernel log (--dmesg): no task, no CPU */
			trace_seq_printf(s, "-%-5s [%3s] %5" PRIu64 ".%06" PRIu64 ": %s: %*s", "",
					 "*", us / 1000000, us % 1000000, name,
					 len < 20 ? 20 - len : 0, "");
		else
			trace_seq_printf(s, "-%-5d [%03d] %5" PRIu64 ".%06" PRIu64 ": %s: %*s",
					 ev->pid, ev->cpu, us / 1000000, us % 1000000, name,
					 len < 20 ? 20 - len : 0, "");
		iorep_print_event(s, ev, o);
		if (ev->source) {
			trace_seq_puts(s, " [");
			iorep_print_inert(s, ev->source);
			trace_seq_putc(s, ']');
		}
		trace_seq_putc(s, '\n');
	}
	trace_seq_terminate(s);
	if (s->state != TRACE_SEQ__GOOD)
		return -IOREP_ENOMEM;
	return fwrite(s->buffer, 1, s->len, fp) == s->len ? 0 : -IOREP_EOUTPUT;
}

/* Adds an exact unsigned integer (cJSON numbers are doubles: 2^53 is not enough for ns). */
static int add_array(cJSON *o, const char *key, const uint64_t *v64, const uint32_t *v32,
		     uint32_t n, int hex)
{
	cJSON *a = cJSON_AddArrayToObject(o, key), *item;
	char buf[24];
	uint32_t i;

	if (!a)
		return -1;
	for (i = 0; i < n; i++) {
		uint64_t x = v64 ? v64[i] : v32[i];

		if (hex) {
			snprintf(buf, sizeof(buf), "0x%" PRIx64, x);
			item = cJSON_CreateString(buf);
		} else {
			snprintf(buf, sizeof(buf), "%" PRIu64, x);
			item = cJSON_CreateRaw(buf);
		}
		if (!item || !cJSON_AddItemToArray(a, item)) {
			cJSON_Delete(item);
			return -1;
		}
	}
	return 0;
}

static int add_field(cJSON *o, const struct iorep_event *ev, int f)
{
	const char *name = iorep_field_descs[f].name;
	char attrs[256];
	const char *dir;

	switch (f) {
	case IOREP_F_GID:
		return iorep_json_add_i64(o, name, ev->gid);
	case IOREP_F_DEVICE:
		return iorep_json_add_str(o, name, ev->device ? ev->device : "");
	case IOREP_F_DRIVER:
		return iorep_json_add_str(o, name, ev->driver ? ev->driver : "");
	case IOREP_F_IOVA:
		return iorep_json_add_hex(o, name, ev->iova);
	case IOREP_F_PADDR:
		return iorep_json_add_hex(o, name, ev->paddr);
	case IOREP_F_SIZE:
		return iorep_json_add_u64(o, name, ev->size);
	case IOREP_F_UNMAPPED_SIZE:
		return iorep_json_add_u64(o, name, ev->unmapped_size);
	case IOREP_F_FAULT_FLAGS:
		return iorep_json_add_hex(o, name, ev->fault_flags);
	case IOREP_F_PHYS_ADDR:
		return iorep_json_add_hex(o, name, ev->phys_addr);
	case IOREP_F_DMA_ADDR:
	case IOREP_F_ADDR:
		return iorep_json_add_hex(o, name, ev->dma_addr);
	case IOREP_F_VIRT_ADDR:
		return iorep_json_add_hex(o, name, ev->virt_addr);
	case IOREP_F_DIR:
		dir = iorep_dma_dir_name(ev->dir);
		if (!dir)
			return iorep_json_add_i64(o, name, ev->dir);
		return cJSON_AddStringToObject(o, name, dir) ? 0 : -1;
	case IOREP_F_ATTRS:
		iorep_dma_attrs_format(ev->attrs, attrs, sizeof(attrs));
		return cJSON_AddStringToObject(o, name, attrs) ? 0 : -1;
	case IOREP_F_GFP:
		return iorep_json_add_str(o, name, ev->gfp ? ev->gfp : "");
	case IOREP_F_FULL_NENTS:
		return iorep_json_add_i64(o, name, ev->full_nents);
	case IOREP_F_FULL_ENTS:
		return iorep_json_add_i64(o, name, ev->full_ents);
	case IOREP_F_TRUNCATED:
		return cJSON_AddBoolToObject(o, name, ev->truncated) ? 0 : -1;
	case IOREP_F_ERR:
		return iorep_json_add_i64(o, name, ev->err);
	case IOREP_F_PHYS_ADDRS:
	case IOREP_F_ADDRS:
		return add_array(o, name, ev->phys_addrs.v, NULL, ev->phys_addrs.n, 1);
	case IOREP_F_DMA_ADDRS:
		return add_array(o, name, ev->dma_addrs.v, NULL, ev->dma_addrs.n, 1);
	case IOREP_F_LENGTHS:
		return add_array(o, name, NULL, ev->lengths.v, ev->lengths.n, 0);
	default:
		return 0;
	}
}

cJSON *iorep_event_to_json(const struct iorep_event *ev)
{
	const struct iorep_event_desc *d = iorep_event_desc(ev->type);
	cJSON *o = cJSON_CreateObject();
	int i, err = 0;

	if (!o)
		return NULL;
	err |= iorep_json_add_u64(o, "ts", ev->ts);
	err |= iorep_json_add_i64(o, "cpu", ev->cpu);
	err |= iorep_json_add_i64(o, "pid", ev->pid);
	err |= iorep_json_add_str(o, "comm", ev->comm ? ev->comm : "") ? 1 : 0;
	err |= !cJSON_AddStringToObject(o, "event", d->name);
	if (ev->type == IOREP_EV_LOST) {
		/* 0: a text line lost with its event(s), how many unknown */
		if (ev->lost > 0)
			err |= iorep_json_add_i64(o, "count", ev->lost);
		else
			err |= !cJSON_AddNullToObject(o, "count");
	}
	for (i = 0; i < IOREP_MAX_EVENT_FIELDS && d->fields[i] != IOREP_F__COUNT; i++)
		if (iorep_event_has(ev, d->fields[i]))
			err |= add_field(o, ev, d->fields[i]);
	/* a fault of the kernel log (--dmesg): where it says so */
	if (ev->source)
		err |= iorep_json_add_str(o, "source", ev->source) ? 1 : 0;
	if (err) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int iorep_event_write_json_line(const struct iorep_event *ev, FILE *fp)
{
	cJSON *o = iorep_event_to_json(ev);
	char *s, *fixed;
	int ret = 0;

	if (!o)
		return -IOREP_ENOMEM;
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		return -IOREP_ENOMEM;
	if (iorep_json_inert(s, &fixed) < 0)
		ret = -IOREP_ENOMEM;
	else if (fputs(fixed ? fixed : s, fp) == EOF || fputc('\n', fp) == EOF)
		ret = -IOREP_EOUTPUT;
	free(fixed);
	cJSON_free(s);
	return ret;
}
