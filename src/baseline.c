// SPDX-License-Identifier: MIT
/*
 * --baseline: compares the model with the JSON document of an earlier run
 * and says what is new or worse, so that CI can fail on regressions only.
 *
 * Findings are a multiset keyed by (type, severity, device, iova, size):
 * timestamps, positions and messages differ between runs of the same
 * workload and are not part of the key.  A key the model has more often
 * than the old document gives that many new findings (the later ones in
 * trace order); fewer is an improvement and says nothing.  Both sides are
 * sorted, so the comparison is O(n log n) whatever the old document holds.
 *
 * The old document is untrusted input: every member is type-checked, and a
 * document that is not ours is refused with a reason, never half-read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "iorep-error.h"
#include "iorep-pci.h"
#include "iorep-render.h"

/* "new:" lines printed before "... and K more". */
#define BASELINE_MAX_LINES 1000

struct bkey {
	int type;	 /* enum iorep_finding_type */
	int sev;	 /* enum iorep_severity */
	const char *dev; /* NULL: no device */
	char *owned;	 /* @dev when it had to be made valid UTF-8 */
	bool has_iova;
	bool has_size;
	bool fresh; /* model side: beyond the old document's count */
	uint64_t iova;
	double size;  /* as a JSON number, on both sides */
	uint32_t idx; /* position in its findings list */
};

struct baseline {
	const char *path;
	char *errbuf;
	int errlen;
	struct bkey *old, *cur;
	size_t nold, ncur;
};

static int fail(struct baseline *b, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes "PATH: reason" to the caller's errbuf; returns @err. */
static int fail(struct baseline *b, int err, const char *fmt, ...)
{
	char path[256], reason[256];
	va_list ap;

	if (!b->errbuf || b->errlen <= 0)
		return err;
	iorep_inert_copy(path, sizeof(path), b->path);
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	snprintf(b->errbuf, (size_t)b->errlen, "%s: %s", path, reason);
	return err;
}

static int key_cmp(const struct bkey *x, const struct bkey *y)
{
	int c;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->sev != y->sev)
		return x->sev < y->sev ? -1 : 1;
	if (!x->dev != !y->dev)
		return !x->dev ? -1 : 1;
	if (x->dev && (c = strcmp(x->dev, y->dev)))
		return c < 0 ? -1 : 1;
	if (x->has_iova != y->has_iova)
		return x->has_iova ? 1 : -1;
	if (x->has_iova && x->iova != y->iova)
		return x->iova < y->iova ? -1 : 1;
	if (x->has_size != y->has_size)
		return x->has_size ? 1 : -1;
	if (x->has_size && x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return 0;
}

/* Key order, then list order: equal keys stay in trace order. */
static int key_qsort_cmp(const void *a, const void *b)
{
	const struct bkey *x = a, *y = b;
	int c = key_cmp(x, y);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int finding_type_lookup(const char *s)
{
	int t;

	for (t = 0; t < IOREP_FIND__COUNT; t++)
		if (!strcmp(s, iorep_finding_name(t)))
			return t;
	return -1;
}

/* "0x..." (at most 16 hex digits, nothing else) into @v. */
static bool parse_hex_addr(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	size_t n = 0;
	int d;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (s += 2; *s; s++, n++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (n >= 16 && x >> 60)
			return false;
		x = x << 4 | (uint64_t)d;
	}
	if (!n)
		return false;
	*v = x;
	return true;
}

/* The keys of the old document's findings; those of unknown type or severity are left out. */
static int old_keys(struct baseline *b, const cJSON *findings)
{
	const cJSON *f, *v;
	size_t n = 0, i = 0;

	cJSON_ArrayForEach(f, findings) n++;
	b->old = n ? calloc(n, sizeof(*b->old)) : NULL;
	if (n && !b->old)
		return fail(b, -IOREP_ENOMEM, "out of memory");
	cJSON_ArrayForEach(f, findings)
	{
		struct bkey *k = &b->old[b->nold];

		memset(k, 0, sizeof(*k));
		if (!cJSON_IsObject(f))
			return fail(b, -IOREP_EPARSE, "findings[%zu] is not an object", i);
		v = cJSON_GetObjectItemCaseSensitive(f, "type");
		if (!cJSON_IsString(v) || !v->valuestring)
			return fail(b, -IOREP_EPARSE, "findings[%zu].type is not a string", i);
		k->type = finding_type_lookup(v->valuestring);
		v = cJSON_GetObjectItemCaseSensitive(f, "severity");
		if (!cJSON_IsString(v) || !v->valuestring)
			return fail(b, -IOREP_EPARSE, "findings[%zu].severity is not a string", i);
		k->sev = iorep_severity_parse(v->valuestring);
		v = cJSON_GetObjectItemCaseSensitive(f, "device");
		if (cJSON_IsString(v) && v->valuestring)
			k->dev = v->valuestring;
		else if (v && !cJSON_IsNull(v))
			return fail(b, -IOREP_EPARSE,
				    "findings[%zu].device is not a string or null", i);
		v = cJSON_GetObjectItemCaseSensitive(f, "iova");
		if (cJSON_IsString(v) && v->valuestring) {
			if (!parse_hex_addr(v->valuestring, &k->iova))
				return fail(b, -IOREP_EPARSE,
					    "findings[%zu].iova is not a 0x... address", i);
			k->has_iova = true;
		} else if (v && !cJSON_IsNull(v)) {
			return fail(b, -IOREP_EPARSE, "findings[%zu].iova is not a string or null",
				    i);
		}
		v = cJSON_GetObjectItemCaseSensitive(f, "size");
		if (cJSON_IsNumber(v)) {
			k->size = v->valuedouble;
			k->has_size = true;
		} else if (v && !cJSON_IsNull(v)) {
			return fail(b, -IOREP_EPARSE, "findings[%zu].size is not a number or null",
				    i);
		}
		k->idx = (uint32_t)i++;
		if (k->type >= 0 && k->sev >= 0)
			b->nold++;
	}
	return 0;
}

/* The keys of the model's findings, built as report-json.c renders them. */
static int cur_keys(struct baseline *b, const struct iorep_model *m)
{
	uint32_t i, n = m->findings ? m->nfindings : 0;
	int err;

	b->cur = n ? calloc(n, sizeof(*b->cur)) : NULL;
	if (n && !b->cur)
		return fail(b, -IOREP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const struct iorep_finding *f = &m->findings[i];
		struct bkey *k = &b->cur[b->ncur];

		if ((unsigned int)f->type >= IOREP_FIND__COUNT || (unsigned int)f->severity > 2)
			continue;
		k->type = f->type;
		k->sev = f->severity;
		if (m->devices && f->device < m->ndevices) {
			k->dev = m->devices[f->device].name ? m->devices[f->device].name : "";
			k->owned = iorep_utf8_sanitize(k->dev, &err);
			if (err)
				return fail(b, err, "out of memory");
			if (k->owned)
				k->dev = k->owned;
		}
		k->has_iova = f->has_iova;
		k->iova = f->has_iova ? f->iova : 0;
		k->has_size = iorep_finding_has_size(f);
		k->size = k->has_size ? (double)f->size : 0;
		k->idx = i;
		b->ncur++;
	}
	return 0;
}

/* Marks the model's findings beyond the old counts; returns how many. */
static uint64_t mark_fresh(struct baseline *b)
{
	size_t i = 0, j = 0, j2, i2, have, had;
	uint64_t fresh = 0;

	if (b->nold)
		qsort(b->old, b->nold, sizeof(*b->old), key_qsort_cmp);
	if (b->ncur)
		qsort(b->cur, b->ncur, sizeof(*b->cur), key_qsort_cmp);
	while (j < b->ncur) {
		for (j2 = j + 1; j2 < b->ncur && !key_cmp(&b->cur[j], &b->cur[j2]); j2++)
			;
		while (i < b->nold && key_cmp(&b->old[i], &b->cur[j]) < 0)
			i++;
		for (i2 = i; i2 < b->nold && !key_cmp(&b->old[i2], &b->cur[j]); i2++)
			;
		have = j2 - j;
		had = i2 - i;
		/* the later ones in trace order are the new ones */
		for (; have > had; have--) {
			b->cur[j + have - 1].fresh = true;
			fresh++;
		}
		i = i2;
		j = j2;
	}
	return fresh;
}

static void print_new(const struct iorep_model *m, const struct iorep_finding *f, FILE *out)
{
	fprintf(out, "new: %s (%s)", iorep_finding_name(f->type), iorep_severity_name(f->severity));
	if (m->devices && f->device < m->ndevices) {
		fputs(" device ", out);
		iorep_put_inert(out, m->devices[f->device].name);
	}
	if (f->has_iova)
		fprintf(out, " iova 0x%" PRIx64, f->iova);
	if (iorep_finding_has_size(f))
		fprintf(out, " size %" PRIu64, f->size);
	fprintf(out, " at %" PRIu64 ".%06" PRIu64 ": ", f->ts / 1000000000,
		f->ts % 1000000000 / 1000);
	iorep_put_inert(out, f->message ? f->message : "");
	fputc('\n', out);
}

/* The "new:" lines in trace order, then the per-type counts that grew. */
static void print_findings(struct baseline *b, const struct iorep_model *m, uint64_t fresh,
			   bool *is_fresh, FILE *out)
{
	uint64_t old_by_type[IOREP_FIND__COUNT] = {0}, cur_by_type[IOREP_FIND__COUNT] = {0};
	uint64_t printed = 0;
	size_t i;
	int t;

	for (i = 0; i < b->ncur; i++)
		if (b->cur[i].fresh)
			is_fresh[b->cur[i].idx] = true;
	for (i = 0; i < m->nfindings && printed < fresh; i++) {
		if (!is_fresh[i])
			continue;
		if (printed++ < BASELINE_MAX_LINES)
			print_new(m, &m->findings[i], out);
	}
	if (printed > BASELINE_MAX_LINES)
		fprintf(out, "new: ... and %" PRIu64 " more\n", printed - BASELINE_MAX_LINES);
	for (i = 0; i < b->nold; i++)
		old_by_type[b->old[i].type]++;
	for (i = 0; i < b->ncur; i++)
		cur_by_type[b->cur[i].type]++;
	for (t = 0; t < IOREP_FIND__COUNT; t++)
		if (cur_by_type[t] > old_by_type[t])
			fprintf(out, "more: %s %" PRIu64 " -> %" PRIu64 "\n", iorep_finding_name(t),
				old_by_type[t], cur_by_type[t]);
}

/* schema_version "1", "1.0", "1.7", ...: the major number, or -1. */
static long schema_major(const char *s)
{
	long v = 0;
	int n = 0;

	for (; *s >= '0' && *s <= '9' && n < 9; s++, n++)
		v = v * 10 + (*s - '0');
	if (!n || (*s && *s != '.'))
		return -1;
	return v;
}

/* Reads and parses @path; the caller frees *@doc with cJSON_Delete(). */
static int load(struct baseline *b, cJSON **doc)
{
	const char *end = NULL;
	char *buf = NULL;
	size_t len = 0;
	int ret, e;

	errno = 0;
	ret = iorep_snapshot_read(b->path, IOREP_BASELINE_MAX, &buf, &len);
	e = errno;
	if (ret == -IOREP_EOPEN) {
		ret = fail(b, ret, "cannot open baseline%s%s", e ? ": " : "", e ? strerror(e) : "");
		goto out;
	}
	if (ret == -IOREP_ELIMIT) {
		ret = fail(b, ret, "baseline larger than %u MiB", IOREP_BASELINE_MAX >> 20);
		goto out;
	}
	if (ret < 0) {
		ret = fail(b, ret, "cannot read baseline: %s", iorep_strerror(ret));
		goto out;
	}
	*doc = cJSON_ParseWithLengthOpts(buf, len, &end, false);
	if (!*doc) {
		ret = fail(b, -IOREP_EPARSE, "not JSON (%s at byte %zu)",
			   len ? "syntax error" : "empty file",
			   end && end >= buf && end <= buf + len ? (size_t)(end - buf) : len);
		goto out;
	}
	/* nothing but white space may follow the document */
	while (end && end < buf + len &&
	       (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (!end || end != buf + len) {
		cJSON_Delete(*doc);
		*doc = NULL;
		ret = fail(b, -IOREP_EPARSE, "not JSON (garbage after the document at byte %zu)",
			   end ? (size_t)(end - buf) : len);
		goto out;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

int iorep_baseline_compare(const struct iorep_model *m, const char *path, FILE *out, char *errbuf,
			   int errlen)
{
	struct baseline b = {.path = path ? path : "-", .errbuf = errbuf, .errlen = errlen};
	const cJSON *v, *findings, *lost;
	uint64_t fresh, old_lost, cur_lost;
	bool *is_fresh = NULL, any;
	char shown[40];
	cJSON *doc = NULL;
	long major;
	size_t i;
	int ret;

	if (errbuf && errlen > 0)
		errbuf[0] = '\0';
	ret = load(&b, &doc);
	if (ret < 0)
		goto out;

	v = cJSON_GetObjectItemCaseSensitive(doc, "schema_version");
	if (!cJSON_IsObject(doc) || !v) {
		ret = fail(&b, -IOREP_EPARSE,
			   "not an iommu-report JSON document (schema_version missing)");
		goto out;
	}
	if (!cJSON_IsString(v) || !v->valuestring) {
		ret = fail(&b, -IOREP_EPARSE,
			   "not an iommu-report JSON document (schema_version is not a string)");
		goto out;
	}
	major = schema_major(v->valuestring);
	if (major != IOREP_JSON_SCHEMA_MAJOR) {
		iorep_inert_copy(shown, sizeof(shown), v->valuestring);
		ret = fail(&b, -IOREP_EPARSE,
			   "not an iommu-report JSON document (schema_version \"%s\", need %d.x)",
			   shown, IOREP_JSON_SCHEMA_MAJOR);
		goto out;
	}
	findings = cJSON_GetObjectItemCaseSensitive(doc, "findings");
	if (!cJSON_IsArray(findings)) {
		ret = fail(&b, -IOREP_EPARSE,
			   "not an iommu-report JSON document (findings is not an array)");
		goto out;
	}
	lost = cJSON_GetObjectItemCaseSensitive(doc, "lost_events");
	v = cJSON_GetObjectItemCaseSensitive(lost, "total");
	if (!cJSON_IsObject(lost) || !cJSON_IsNumber(v) || v->valuedouble < 0) {
		ret = fail(&b, -IOREP_EPARSE,
			   "not an iommu-report JSON document (lost_events.total is not a count)");
		goto out;
	}
	old_lost = v->valuedouble >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)v->valuedouble;

	ret = old_keys(&b, findings);
	if (ret < 0)
		goto out;
	ret = cur_keys(&b, m);
	if (ret < 0)
		goto out;
	fresh = mark_fresh(&b);
	if (m->findings && m->nfindings) {
		is_fresh = calloc(m->nfindings, sizeof(*is_fresh));
		if (!is_fresh) {
			ret = fail(&b, -IOREP_ENOMEM, "out of memory");
			goto out;
		}
	}
	print_findings(&b, m, fresh, is_fresh, out);

	cur_lost = iorep_render_lost(m, NULL, &any);
	if (cur_lost > old_lost) {
		fprintf(out, "more: lost events %" PRIu64 " -> %" PRIu64 "\n", old_lost, cur_lost);
		fresh++;
	}
	fputs("baseline ", out);
	iorep_put_inert(out, b.path);
	if (fresh)
		fprintf(out, ": %" PRIu64 " new or worse\n", fresh);
	else
		fputs(": nothing new or worse\n", out);
	ret = fresh > INT32_MAX ? INT32_MAX : (int)fresh;
out:
	for (i = 0; i < b.ncur; i++)
		free(b.cur[i].owned);
	free(b.cur);
	free(b.old);
	free(is_fresh);
	cJSON_Delete(doc);
	return ret;
}
