// SPDX-License-Identifier: MIT
/*
 * The JSON document (--json): the model as DESIGN.md section 4 promises it,
 * validated by docs/iommu-report.schema.json.
 *
 * The document is written member by member, and its arrays one element a
 * line, each element built as a small cJSON object, printed and freed: the
 * output is diff-friendly (golden files) and memory does not grow with the
 * number of findings.  Exact 64-bit integers go in as raw numbers (cJSON's
 * numbers are doubles), addresses as "0x..." strings.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "iorep-error.h"
#include "json-util.h"
#include "iorep-render.h"

/* ------------------------------------------------------------------------ */
/* UTF-8 */

int iorep_utf8_char_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	int n, i;

	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* The caller frees the result (NULL: @s is valid, or *@err says ENOMEM). */
char *iorep_utf8_sanitize(const char *s, int *err)
{
	const char *p;
	size_t bad = 0, len, j = 0;
	char *out;
	int n;

	*err = 0;
	for (p = s; *p; p += n) {
		n = iorep_utf8_char_len(p);
		if (!n) {
			bad++;
			n = 1;
		}
	}
	if (!bad)
		return NULL;
	len = (size_t)(p - s);
	/* each bad byte becomes 3 bytes */
	out = malloc(len + 2 * bad + 1);
	if (!out) {
		*err = -IOREP_ENOMEM;
		return NULL;
	}
	for (p = s; *p; p += n) {
		n = iorep_utf8_char_len(p);
		if (n) {
			memcpy(out + j, p, (size_t)n);
			j += (size_t)n;
		} else {
			memcpy(out + j, "\xef\xbf\xbd", 3);
			j += 3;
			n = 1;
		}
	}
	out[j] = '\0';
	return out;
}

/* ------------------------------------------------------------------------ */
/* Building one object: each helper returns 0, or -1 when cJSON failed */

static int add_null(cJSON *o, const char *key)
{
	return cJSON_AddNullToObject(o, key) ? 0 : -1;
}

static int add_bool(cJSON *o, const char *key, bool v)
{
	return cJSON_AddBoolToObject(o, key, v) ? 0 : -1;
}

/* An integer that is null when @v is @none. */
static int add_u64_or_null(cJSON *o, const char *key, uint64_t v, uint64_t none)
{
	return v == none ? add_null(o, key) : iorep_json_add_u64(o, key, v);
}

static int add_i32_or_null(cJSON *o, const char *key, int32_t v, bool present)
{
	return present ? iorep_json_add_i64(o, key, v) : add_null(o, key);
}

/* A string from the trace or the command line: NULL gives null, bad UTF-8 U+FFFD. */
static int add_str(cJSON *o, const char *key, const char *s)
{
	return iorep_json_add_str(o, key, s);
}

static int append(cJSON *a, cJSON *item)
{
	if (!item)
		return -1;
	if (!cJSON_AddItemToArray(a, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

/* A string of the trace appended to @a, invalid UTF-8 as U+FFFD (iorep_json_add_str()'s rule). */
static int append_str(cJSON *a, const char *s)
{
	char *fixed;
	int e, ret;

	fixed = iorep_utf8_sanitize(s, &e);
	if (e)
		return -1;
	ret = append(a, cJSON_CreateString(fixed ? fixed : s));
	free(fixed);
	return ret;
}

/* Returns @o, or NULL (after freeing it) when @err says a helper failed. */
static cJSON *done(cJSON *o, int err)
{
	if (err) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* ------------------------------------------------------------------------ */
/* The members: each returns a new object the caller frees, NULL on ENOMEM */

static cJSON *tool_json(void)
{
	cJSON *o = cJSON_CreateObject();
	int err = 0;

	if (!o)
		return NULL;
	err |= add_str(o, "name", "iommu-report");
	err |= add_str(o, "version", IOREP_VERSION);
	return done(o, err);
}

static cJSON *input_json(const struct iorep_input_info *info, const struct iorep_input_stats *st,
			 const char *machine)
{
	cJSON *o = cJSON_CreateObject(), *a;
	uint64_t i, shown = 0;
	char buf[24];
	int err = 0;

	if (!o)
		return NULL;
	err |= add_str(o, "path", info ? info->path : NULL);
	err |= add_str(o, "format", info ? info->format : NULL);
	err |= add_str(o, "variant", info ? info->variant : NULL);
	err |= add_str(o, "kernel", info ? info->kernel : NULL);
	err |= add_str(o, "machine", machine);
	err |= add_str(o, "compression", info ? info->compression : NULL);
	err |= add_str(o, "pos_unit", info ? info->pos_unit : NULL);
	err |= add_bool(o, "truncated", st && st->truncated);
	if (st && st->truncated)
		err |= iorep_json_add_u64(o, "truncated_at", st->truncated_at);
	else
		err |= add_null(o, "truncated_at");
	err |= iorep_json_add_u64(o, "damaged", st ? st->damaged : 0);
	if (st && st->damaged)
		err |= iorep_json_add_u64(o, "damaged_at", st->damaged_at);
	else
		err |= add_null(o, "damaged_at");
	err |= iorep_json_add_u64(o, "bad_lines", st ? st->bad_lines : 0);
	/* the first ones, as the text report names them */
	a = cJSON_AddArrayToObject(o, "bad_line_numbers");
	if (!a)
		return done(o, -1);
	if (st)
		shown = st->bad_lines < IOREP_MAX_BAD_LINES ? st->bad_lines : IOREP_MAX_BAD_LINES;
	for (i = 0; i < shown; i++) {
		snprintf(buf, sizeof(buf), "%" PRIu64, st->bad_line_nr[i]);
		err |= append(a, cJSON_CreateRaw(buf));
	}
	err |= iorep_json_add_u64(o, "other_events", st ? st->other_events : 0);
	/* a trace.dat's instance buffers, not read: their events are not in this document */
	err |= iorep_json_add_u64(o, "instances_unread", info ? info->ninstances : 0);
	a = cJSON_AddArrayToObject(o, "instance_names");
	if (!a)
		return done(o, -1);
	for (i = 0; info && i < info->ninstances && i < IOREP_INPUT_MAX_INSTANCES; i++)
		err |= append_str(a, info->instances[i]);
	if (info && info->kernel_log && st) {
		a = cJSON_AddObjectToObject(o, "kernel_log");
		if (!a)
			return done(o, -1);
		err |= add_str(a, "path", info->kernel_log);
		err |= iorep_json_add_u64(a, "faults", st->kmsg_faults);
		err |= iorep_json_add_u64(a, "traced", st->kmsg_traced);
		err |= iorep_json_add_u64(a, "outside", st->kmsg_outside);
	} else {
		err |= add_null(o, "kernel_log");
	}
	return done(o, err);
}

static cJSON *events_json(const struct iorep_input_stats *st)
{
	cJSON *o = cJSON_CreateObject();
	int err = 0, i;

	if (!o)
		return NULL;
	for (i = 0; st && i < IOREP_EV__COUNT; i++) {
		if (i == IOREP_EV_LOST || !st->events[i])
			continue;
		err |= iorep_json_add_u64(o, iorep_event_desc(i)->name, st->events[i]);
	}
	return done(o, err);
}

static cJSON *lost_json(const struct iorep_model *m, const struct iorep_input_stats *st)
{
	cJSON *o = cJSON_CreateObject(), *a;
	uint64_t total, from;
	int32_t cpu;
	bool any;
	char buf[24];
	int err = 0, i;

	if (!o)
		return NULL;
	total = iorep_render_lost(m, st, &any);
	err |= iorep_json_add_u64(o, "total", total);
	err |= iorep_json_add_u64(o, "unknown_drops", st ? st->lost_unknown : 0);
	err |= add_bool(o, "any", any);
	a = cJSON_AddArrayToObject(o, "per_cpu");
	if (!a)
		return done(o, -1);
	for (i = 0; st && st->lost && i < st->ncpus; i++) {
		snprintf(buf, sizeof(buf), "%" PRIu64, st->lost[i]);
		err |= append(a, cJSON_CreateRaw(buf));
	}
	if (iorep_model_whole_from(m, &from, &cpu)) {
		err |= iorep_json_add_u64(o, "complete_from", from);
		err |= !cJSON_AddNumberToObject(o, "complete_cpu", cpu);
	} else {
		err |= !cJSON_AddNullToObject(o, "complete_from");
		err |= !cJSON_AddNullToObject(o, "complete_cpu");
	}
	return done(o, err);
}

static cJSON *span_json(const struct iorep_model *m, const struct iorep_input_stats *st)
{
	cJSON *o = cJSON_CreateObject();
	uint64_t first, last;
	int err = 0;

	if (!o)
		return NULL;
	if (iorep_render_span(m, st, &first, &last)) {
		err |= iorep_json_add_u64(o, "first_ts", first);
		err |= iorep_json_add_u64(o, "last_ts", last);
	} else {
		err |= add_null(o, "first_ts");
		err |= add_null(o, "last_ts");
	}
	return done(o, err);
}

static const char *device_name(const struct iorep_model *m, uint32_t dev)
{
	if (dev >= m->ndevices || !m->devices)
		return NULL;
	return m->devices[dev].name ? m->devices[dev].name : "";
}

static cJSON *group_json(const struct iorep_model *m, const struct iorep_group *g)
{
	cJSON *o = cJSON_CreateObject(), *a;
	uint32_t i;
	int err = 0;

	if (!o)
		return NULL;
	err |= iorep_json_add_i64(o, "id", g->id);
	a = cJSON_AddArrayToObject(o, "devices");
	if (!a)
		return done(o, -1);
	for (i = 0; i < g->ndevices && g->devices; i++) {
		const char *name = device_name(m, g->devices[i]);

		if (name)
			err |= append_str(a, name);
	}
	err |= add_bool(o, "multi_device", cJSON_GetArraySize(a) > 1);
	err |= add_u64_or_null(o, "domain", g->domain < m->ndomains ? g->domain : IOREP_NONE,
			       IOREP_NONE);
	return done(o, err);
}

static cJSON *epoch_json(const struct iorep_model *m, const struct iorep_epoch *e)
{
	cJSON *o = cJSON_CreateObject();
	bool known = e->domain < m->ndomains;
	int err = 0;

	if (!o)
		return NULL;
	err |= add_u64_or_null(o, "domain", known ? e->domain : IOREP_NONE, IOREP_NONE);
	if (known)
		err |= add_str(o, "kind", iorep_domain_kind_name(m->domains[e->domain].kind));
	else
		err |= add_null(o, "kind");
	err |= iorep_json_add_u64(o, "start", e->start);
	err |= add_u64_or_null(o, "end", e->end, IOREP_TS_OPEN);
	err |= add_i32_or_null(o, "pid", e->pid, e->pid >= 0);
	return done(o, err);
}

static cJSON *device_json(const struct iorep_model *m, const struct iorep_device *d)
{
	cJSON *o = cJSON_CreateObject(), *a;
	uint32_t i;
	int err = 0;

	if (!o)
		return NULL;
	err |= add_str(o, "name", d->name ? d->name : "");
	err |= add_i32_or_null(o, "group", d->group, d->group >= 0);
	err |= add_bool(o, "pci", d->is_pci);
	err |= add_bool(o, "removed", d->removed);
	if (d->has_ids) {
		char id[16];

		snprintf(id, sizeof(id), "%04x:%04x", d->vendor, d->device_id);
		err |= add_str(o, "pci_id", id);
	} else {
		err |= add_null(o, "pci_id");
	}
	if (d->has_class) {
		char cls[8];

		snprintf(cls, sizeof(cls), "%04x", d->class_code);
		err |= add_str(o, "class", cls);
	} else {
		err |= add_null(o, "class");
	}
	err |= d->description ? add_str(o, "description", d->description) :
				add_null(o, "description");
	err |= d->class_name ? add_str(o, "class_name", d->class_name) :
			       add_null(o, "class_name");
	err |= add_bool(o, "bridge", d->bridge);
	err |= iorep_json_add_u64(o, "attaches", d->attaches);
	a = cJSON_AddArrayToObject(o, "domains");
	if (!a)
		return done(o, -1);
	for (i = 0; i < d->nepochs && d->epochs; i++)
		err |= append(a, epoch_json(m, &d->epochs[i]));
	err |= iorep_json_add_u64(o, "maps", d->maps);
	err |= iorep_json_add_u64(o, "unmaps", d->unmaps);
	err |= iorep_json_add_u64(o, "bytes_mapped", d->bytes_mapped);
	err |= iorep_json_add_u64(o, "dma_maps", d->dma_maps);
	err |= iorep_json_add_u64(o, "dma_unmaps", d->dma_unmaps);
	err |= iorep_json_add_u64(o, "dma_live_at_end", iorep_ivmap_count(&d->dma_live));
	err |= iorep_json_add_u64(o, "findings", d->findings);
	return done(o, err);
}

static cJSON *domain_json(uint32_t id, const struct iorep_domain *d)
{
	cJSON *o = cJSON_CreateObject();
	bool user = d->kind == IOREP_DOM_USER;
	int err = 0;

	if (!o)
		return NULL;
	err |= iorep_json_add_u64(o, "id", id);
	err |= add_str(o, "kind", iorep_domain_kind_name(d->kind));
	err |= add_i32_or_null(o, "group", d->group, d->group >= 0);
	err |= add_i32_or_null(o, "owner_pid", d->owner_pid, user && d->owner_pid >= 0);
	err |= add_str(o, "owner_comm", user ? d->owner_comm : NULL);
	err |= iorep_json_add_u64(o, "created", d->created);
	err |= add_u64_or_null(o, "left", d->left, IOREP_TS_OPEN);
	err |= iorep_json_add_u64(o, "attached", d->attached);
	err |= iorep_json_add_u64(o, "maps", d->maps);
	err |= iorep_json_add_u64(o, "unmaps", d->unmaps);
	err |= iorep_json_add_u64(o, "bytes_mapped", d->bytes_mapped);
	err |= iorep_json_add_u64(o, "bytes_unmapped", d->bytes_unmapped);
	err |= iorep_json_add_u64(o, "peak_live", d->peak_live);
	err |= iorep_json_add_u64(o, "peak_bytes", d->peak_bytes);
	err |= iorep_json_add_u64(o, "live_at_end", iorep_ivmap_count(&d->live));
	err |= iorep_json_add_u64(o, "live_bytes_at_end", iorep_ivmap_bytes(&d->live));
	err |= iorep_json_add_u64(o, "direct_maps", d->direct_maps);
	return done(o, err);
}

/* mappings.timeline: the model's downsampled series of live mappings. */
static int timeline_json(cJSON *o, const struct iorep_series *s)
{
	cJSON *t = cJSON_AddObjectToObject(o, "timeline"), *a, *p;
	uint32_t i;
	int err = 0;

	if (!t)
		return -1;
	err |= iorep_json_add_u64(t, "bucket_ns", s->width);
	err |= iorep_json_add_u64(t, "start", s->start);
	a = cJSON_AddArrayToObject(t, "points");
	if (!a)
		return -1;
	for (i = 0; i < s->n && !err; i++) {
		const struct iorep_series_point *pt = &s->pts[i];

		p = cJSON_CreateObject();
		if (!p)
			return -1;
		err |= iorep_json_add_u64(p, "t", s->start + (uint64_t)i * s->width);
		err |= iorep_json_add_u64(p, "live", pt->live);
		err |= iorep_json_add_u64(p, "bytes", pt->bytes);
		err |= iorep_json_add_u64(p, "peak_live", pt->peak_live);
		err |= iorep_json_add_u64(p, "peak_bytes", pt->peak_bytes);
		err |= iorep_json_add_u64(p, "maps", pt->maps);
		err |= iorep_json_add_u64(p, "unmaps", pt->unmaps);
		if (err)
			cJSON_Delete(p);
		else
			err = append(a, p);
	}
	return err;
}

static cJSON *mappings_json(const struct iorep_model *m)
{
	const struct iorep_map_stats *s = &m->stats;
	cJSON *o = cJSON_CreateObject(), *sub;
	uint64_t amaps, aunmaps;
	char buf[32];
	double pct;
	int err = 0;

	if (!o)
		return NULL;
	err |= iorep_json_add_u64(o, "maps", s->maps);
	err |= iorep_json_add_u64(o, "unmaps", s->unmaps);
	err |= iorep_json_add_u64(o, "bytes_mapped", s->bytes_mapped);
	err |= iorep_json_add_u64(o, "bytes_unmapped", s->bytes_unmapped);
	err |= iorep_json_add_u64(o, "peak_live", s->peak_live);
	err |= iorep_json_add_u64(o, "peak_bytes", s->peak_bytes);
	err |= iorep_json_add_u64(o, "live_at_end", s->live);
	err |= iorep_json_add_u64(o, "live_bytes_at_end", s->live_bytes);
	if (iorep_map_stats_attributed(s, &amaps, &aunmaps, &pct)) {
		err |= iorep_json_add_u64(o, "attributed_maps", amaps);
		err |= iorep_json_add_u64(o, "attributed_unmaps", aunmaps);
		snprintf(buf, sizeof(buf), "%.1f", pct);
		err |= cJSON_AddRawToObject(o, "attributed_pct", buf) ? 0 : -1;
	} else {
		err |= iorep_json_add_u64(o, "attributed_maps", amaps);
		err |= iorep_json_add_u64(o, "attributed_unmaps", aunmaps);
		err |= add_null(o, "attributed_pct");
	}
	err |= timeline_json(o, &m->series);
	sub = cJSON_AddObjectToObject(o, "attribution");
	if (!sub)
		return done(o, -1);
	err |= iorep_json_add_u64(sub, "dma_api_maps", s->attributed_maps);
	err |= iorep_json_add_u64(sub, "dma_api_unmaps", s->attributed_unmaps);
	err |= iorep_json_add_u64(sub, "process_maps", s->pid_maps);
	err |= iorep_json_add_u64(sub, "process_unmaps", s->pid_unmaps);
	err |= iorep_json_add_u64(sub, "direct_maps", s->direct_maps);
	err |= iorep_json_add_u64(sub, "moved_maps", s->moved_maps);
	sub = cJSON_AddObjectToObject(o, "lifetime");
	if (!sub)
		return done(o, -1);
	err |= iorep_json_add_u64(sub, "count", s->lifetime_count);
	if (s->lifetime_count) {
		err |= iorep_json_add_u64(sub, "mean_ns", s->lifetime_sum_ns / s->lifetime_count);
		err |= iorep_json_add_u64(sub, "max_ns", s->lifetime_max_ns);
	} else {
		err |= add_null(sub, "mean_ns");
		err |= add_null(sub, "max_ns");
	}
	return done(o, err);
}

/* A fault's history: the maps and unmaps of its IOVA that were known. */
static int history_json(const struct iorep_model *m, cJSON *o, const struct iorep_finding *f)
{
	cJSON *a = cJSON_AddArrayToObject(o, "history"), *e;
	uint32_t i;
	int err = 0;

	if (!a)
		return -1;
	for (i = 0; i < f->nhistory && !err; i++) {
		const struct iorep_iova_event *h = &f->history[i];

		e = cJSON_CreateObject();
		if (!e)
			return -1;
		err |= add_str(e, "event", h->unmap ? "unmap" : "map");
		err |= iorep_json_add_u64(e, "ts", h->ts);
		err |= iorep_json_add_u64(e, "domain", h->domain);
		err |= add_str(e, "kind", iorep_domain_kind_name(m->domains[h->domain].kind));
		err |= iorep_json_add_hex(e, "iova", h->start);
		err |= iorep_json_add_u64(e, "size", h->end - h->start);
		err |= add_i32_or_null(e, "pid", h->pid, h->pid >= 0);
		if (err)
			cJSON_Delete(e);
		else
			err = append(a, e);
	}
	return err;
}

/* A finding's stack trace: its frames, innermost first. */
static int stack_json(cJSON *o, const char *stack)
{
	cJSON *a = cJSON_AddArrayToObject(o, "stack");
	const char *p = stack, *nl;
	char *frame, *fixed;
	int err = 0;

	if (!a)
		return -1;
	for (; *p && !err; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		frame = strndup(p, (size_t)(nl - p));
		if (!frame)
			return -1;
		fixed = iorep_utf8_sanitize(frame, &err);
		if (!err)
			err = append(a, cJSON_CreateString(fixed ? fixed : frame));
		free(fixed);
		free(frame);
	}
	return err;
}

static cJSON *finding_json(const struct iorep_model *m, const struct iorep_finding *f)
{
	cJSON *o = cJSON_CreateObject();
	int err = 0;

	if (!o)
		return NULL;
	err |= add_str(o, "type", iorep_finding_name(f->type));
	err |= add_str(o, "severity", iorep_severity_name(f->severity));
	err |= add_str(o, "confidence", f->suspected ? "suspected" : "definite");
	err |= iorep_json_add_u64(o, "ts", f->ts);
	err |= iorep_json_add_i64(o, "cpu", f->cpu);
	err |= iorep_json_add_u64(o, "pos", f->pos);
	err |= add_str(o, "device", device_name(m, f->device));
	err |= add_u64_or_null(o, "domain", f->domain < m->ndomains ? f->domain : IOREP_NONE,
			       IOREP_NONE);
	if (f->has_iova)
		err |= iorep_json_add_hex(o, "iova", f->iova);
	else
		err |= add_null(o, "iova");
	if (iorep_finding_has_size(f))
		err |= iorep_json_add_u64(o, "size", f->size);
	else
		err |= add_null(o, "size");
	if (iorep_finding_has_age(f))
		err |= iorep_json_add_u64(o, "age_ns", f->age_ns);
	else
		err |= add_null(o, "age_ns");
	err |= add_str(o, "message", f->message ? f->message : "");
	if (f->type == IOREP_FIND_IO_PAGE_FAULT)
		err |= history_json(m, o, f);
	if (f->stack)
		err |= stack_json(o, f->stack);
	return done(o, err);
}

static cJSON *summary_json(const struct iorep_model *m)
{
	uint64_t sev[3] = {0}, by_type[IOREP_FIND__COUNT] = {0}, suspected = 0;
	cJSON *o = cJSON_CreateObject(), *t;
	uint32_t i;
	int err = 0;

	if (!o)
		return NULL;
	for (i = 0; i < m->nfindings && m->findings; i++) {
		const struct iorep_finding *f = &m->findings[i];

		if ((unsigned int)f->severity < 3)
			sev[f->severity]++;
		if ((unsigned int)f->type < IOREP_FIND__COUNT)
			by_type[f->type]++;
		suspected += f->suspected;
	}
	err |= iorep_json_add_u64(o, "error", sev[IOREP_SEV_ERROR]);
	err |= iorep_json_add_u64(o, "warning", sev[IOREP_SEV_WARNING]);
	err |= iorep_json_add_u64(o, "info", sev[IOREP_SEV_INFO]);
	err |= iorep_json_add_u64(o, "total", m->findings ? m->nfindings : 0);
	err |= iorep_json_add_u64(o, "suspected", suspected);
	if (m->unlisted)	/* past IOREP_FINDINGS_PER_TYPE of one type */
		err |= iorep_json_add_u64(o, "unlisted", m->unlisted);
	t = cJSON_AddObjectToObject(o, "by_type");
	if (!t)
		return done(o, -1);
	for (i = 0; i < IOREP_FIND__COUNT; i++)
		if (by_type[i])
			err |= iorep_json_add_u64(t, iorep_finding_name(i), by_type[i]);
	return done(o, err);
}

/* ------------------------------------------------------------------------ */
/* Writing: members one a line, arrays one element a line */

struct jw {
	FILE *fp;
	int err;	/* first error, sticky */
	bool first;	/* no member written yet */
	uint64_t nelem; /* elements of the open array */
};

static void jw_put(struct jw *w, const char *s)
{
	if (!w->err && fputs(s, w->fp) == EOF)
		w->err = -IOREP_EOUTPUT;
}

/* Prints and frees @v; NULL (a failed build) sets ENOMEM. */
static void jw_value(struct jw *w, cJSON *v)
{
	char *s, *fixed;

	if (!v) {
		if (!w->err)
			w->err = -IOREP_ENOMEM;
		return;
	}
	s = w->err ? NULL : cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	if (!s) {
		if (!w->err)
			w->err = -IOREP_ENOMEM;
		return;
	}
	if (iorep_json_inert(s, &fixed) < 0 && !w->err)
		w->err = -IOREP_ENOMEM;
	jw_put(w, fixed ? fixed : s);
	free(fixed);
	cJSON_free(s);
}

static void jw_key(struct jw *w, const char *key)
{
	jw_put(w, w->first ? "\n\t\"" : ",\n\t\"");
	w->first = false;
	jw_put(w, key);
	jw_put(w, "\": ");
}

static void jw_member(struct jw *w, const char *key, cJSON *v)
{
	jw_key(w, key);
	jw_value(w, v);
}

static void jw_array_begin(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_put(w, "[");
	w->nelem = 0;
}

static void jw_array_elem(struct jw *w, cJSON *v)
{
	jw_put(w, w->nelem++ ? ",\n\t\t" : "\n\t\t");
	jw_value(w, v);
}

static void jw_array_end(struct jw *w)
{
	jw_put(w, w->nelem ? "\n\t]" : "]");
}

int iorep_report_json(const struct iorep_model *m, const struct iorep_input_info *info,
		      const struct iorep_input_stats *stats, FILE *fp)
{
	struct jw w = {.fp = fp, .first = true};
	uint32_t *groups = NULL;
	uint32_t i, ngroups = m->groups ? m->ngroups : 0;
	cJSON *v;

	if (ngroups) {
		/* groups in id order, whatever order the model found them in */
		groups = iorep_model_group_order(m);
		if (!groups) {
			w.err = -IOREP_ENOMEM;
			goto out;
		}
	}

	jw_put(&w, "{");
	v = cJSON_CreateString(IOREP_JSON_SCHEMA_VERSION);
	jw_member(&w, "schema_version", v);
	jw_member(&w, "tool", tool_json());
	jw_member(&w, "input", input_json(info, stats, m->machine));
	jw_member(&w, "events", events_json(stats));
	jw_member(&w, "lost_events", lost_json(m, stats));
	jw_member(&w, "span", span_json(m, stats));

	jw_array_begin(&w, "groups");
	for (i = 0; i < ngroups && !w.err; i++)
		jw_array_elem(&w, group_json(m, &m->groups[groups[i]]));
	jw_array_end(&w);

	jw_array_begin(&w, "devices");
	for (i = 0; m->devices && i < m->ndevices && !w.err; i++)
		jw_array_elem(&w, device_json(m, &m->devices[i]));
	jw_array_end(&w);

	jw_array_begin(&w, "domains");
	for (i = 0; m->domains && i < m->ndomains && !w.err; i++)
		jw_array_elem(&w, domain_json(i, &m->domains[i]));
	jw_array_end(&w);

	jw_member(&w, "mappings", mappings_json(m));

	jw_array_begin(&w, "findings");
	for (i = 0; m->findings && i < m->nfindings && !w.err; i++)
		jw_array_elem(&w, finding_json(m, &m->findings[i]));
	jw_array_end(&w);

	jw_member(&w, "summary", summary_json(m));
	jw_put(&w, "\n}\n");
	if (!w.err && (fflush(fp) == EOF || ferror(fp)))
		w.err = -IOREP_EOUTPUT;
out:
	free(groups);
	return w.err;
}
