// SPDX-License-Identifier: MIT
/*
 * The human report: what an engineer reads in an 80-column terminal.
 *
 *   warnings first: events lost, lines not understood, an input cut short
 *   (and from where findings are only suspected)
 *   the input: file, kernel, span, events per type, lost events
 *   the topology: groups and their devices, multi-device groups flagged
 *   each device's traffic and domain timeline
 *   the domains, the mapping statistics
 *   the findings by severity (errors first), then by type, in trace order
 *
 * Every string from the trace goes through iorep_put_inert(): a device
 * name or message with a newline or an escape sequence stays one inert
 * line.  Columns are laid out with "%-Ns"; only device names and messages
 * longer than their column run past 80.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-print.h"
#include "iorep-render.h"

#define TEXT_WIDTH 80
#define NS_PER_SEC UINT64_C(1000000000)

/* ------------------------------------------------------------------------ */
/* Inert strings */

/* Longest escaped form of one character: four bytes as \xNN. */
#define INERT_MAX 17

/*
 * Writes the inert form of the character at @s (not at its NUL) to @out
 * and its column count to *@cols; returns the bytes of @s it consumed.
 */
static size_t inert_char(const char *s, char out[INERT_MAX], int *cols)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	int n, i;

	*cols = 1;
	switch (u[0]) {
	case '\\':
		memcpy(out, "\\\\", 3);
		*cols = 2;
		return 1;
	case '\n':
		memcpy(out, "\\n", 3);
		*cols = 2;
		return 1;
	case '\r':
		memcpy(out, "\\r", 3);
		*cols = 2;
		return 1;
	case '\t':
		memcpy(out, "\\t", 3);
		*cols = 2;
		return 1;
	}
	if (u[0] < 0x20 || u[0] == 0x7f) {
		snprintf(out, INERT_MAX, "\\x%02x", u[0]);
		*cols = 4;
		return 1;
	}
	if (u[0] < 0x80) {
		out[0] = (char)u[0];
		out[1] = '\0';
		return 1;
	}
	n = iorep_utf8_char_len(s);
	if (!n) {
		snprintf(out, INERT_MAX, "\\x%02x", u[0]);
		*cols = 4;
		return 1;
	}
	cp = u[0] & (0xff >> (n + 1));
	for (i = 1; i < n; i++)
		cp = cp << 6 | (u[i] & 0x3f);
	/*
	 * C1 controls, the line and paragraph separators, bidirectional
	 * embeddings, overrides and isolates
	 */
	if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069)) {
		for (i = 0; i < n; i++)
			snprintf(out + 4 * i, INERT_MAX - 4 * (size_t)i, "\\x%02x", u[i]);
		*cols = 4 * n;
		return (size_t)n;
	}
	memcpy(out, s, (size_t)n);
	out[n] = '\0';
	return (size_t)n;
}

int iorep_put_inert(FILE *fp, const char *s)
{
	char out[INERT_MAX];
	int cols, total = 0;

	if (!s)
		s = "-";
	while (*s) {
		s += inert_char(s, out, &cols);
		fputs(out, fp);
		total += cols;
	}
	return total;
}

void iorep_put_instances(FILE *fp, const struct iorep_input_info *info)
{
	uint32_t i;

	for (i = 0; i < info->ninstances && i < IOREP_INPUT_MAX_INSTANCES; i++) {
		fputs(i ? ", " : " ", fp);
		iorep_put_inert(fp, info->instances[i]);
	}
}

size_t iorep_inert_width(const char *s)
{
	char out[INERT_MAX];
	size_t total = 0;
	int cols;

	if (!s)
		return 1;
	while (*s) {
		s += inert_char(s, out, &cols);
		total += (size_t)cols;
	}
	return total;
}

size_t iorep_inert_copy(char *buf, size_t size, const char *s)
{
	char out[INERT_MAX];
	size_t len = 0, n;
	int cols;

	if (!buf || !size)
		return 0;
	if (!s)
		s = "-";
	while (*s) {
		s += inert_char(s, out, &cols);
		n = strlen(out);
		if (len + n >= size)
			break;
		memcpy(buf + len, out, n);
		len += n;
	}
	buf[len] = '\0';
	return len;
}

/* Writes @s inert, then spaces up to @width columns; returns the columns written. */
static int put_col(FILE *fp, const char *s, int width)
{
	int cols = iorep_put_inert(fp, s);

	if (cols < width)
		fprintf(fp, "%*s", width - cols, "");
	return cols < width ? width : cols;
}

/* ------------------------------------------------------------------------ */
/* Numbers */

/* "4 KiB" when exact, else "1.5 MiB"; "512 B" below 1 KiB. */
static void fmt_size(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	unsigned int u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && n >> (10 * (u + 1)))
		u++;
	if (!u || !(n & ((1ULL << (10 * u)) - 1)))
		snprintf(buf, size, "%" PRIu64 " %s", n >> (10 * u), units[u]);
	else
		snprintf(buf, size, "%.1f %s", (double)n / (double)(1ULL << (10 * u)), units[u]);
}

static void fmt_duration(uint64_t ns, char *buf, size_t size)
{
	if (ns < 1000)
		snprintf(buf, size, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, size, "%.1f us", (double)ns / 1e3);
	else if (ns < NS_PER_SEC)
		snprintf(buf, size, "%.3f ms", (double)ns / 1e6);
	else
		snprintf(buf, size, "%.3f s", (double)ns / 1e9);
}

/* Seconds with @digits (3 or 6) decimals, truncated. */
static void fmt_ts(uint64_t ts, int digits, char *buf, size_t size)
{
	if (digits == 3)
		snprintf(buf, size, "%" PRIu64 ".%03" PRIu64, ts / NS_PER_SEC,
			 ts % NS_PER_SEC / 1000000);
	else
		snprintf(buf, size, "%" PRIu64 ".%06" PRIu64, ts / NS_PER_SEC,
			 ts % NS_PER_SEC / 1000);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ------------------------------------------------------------------------ */
/* Word wrapping: tokens separated by one space, wrapped at TEXT_WIDTH */

struct tw {
	FILE *fp;
	int col;    /* current column */
	int indent; /* of continuation lines */
	bool empty; /* no token on the line yet */
};

static void tw_begin(struct tw *t, FILE *fp, int col, int indent)
{
	t->fp = fp;
	t->col = col;
	t->indent = indent;
	t->empty = true;
}

/* Adds the token @pre (our own text), @raw (from the trace, inert), @post. */
static void tw_add(struct tw *t, const char *pre, const char *raw, const char *post)
{
	size_t w = strlen(pre) + (raw ? iorep_inert_width(raw) : 0) + strlen(post);

	if (!t->empty) {
		if ((size_t)t->col + 1 + w > TEXT_WIDTH) {
			fprintf(t->fp, "\n%*s", t->indent, "");
			t->col = t->indent;
		} else {
			fputc(' ', t->fp);
			t->col++;
		}
	}
	fputs(pre, t->fp);
	if (raw)
		iorep_put_inert(t->fp, raw);
	fputs(post, t->fp);
	t->col += (int)w;
	t->empty = false;
}

static void tw_end(struct tw *t)
{
	fputc('\n', t->fp);
}

/* ------------------------------------------------------------------------ */
/* Model lookups */

static const char *dev_name(const struct iorep_model *m, uint32_t dev)
{
	if (!m->devices || dev >= m->ndevices)
		return NULL;
	return m->devices[dev].name ? m->devices[dev].name : "";
}

/* Writes @text (from the trace or carrying its strings) word by word, wrapped at TEXT_WIDTH. */
static void tw_words(struct tw *t, const char *text)
{
	char word[256];
	size_t n;

	while (*text) {
		while (*text == ' ')
			text++;
		for (n = 0; text[n] && text[n] != ' '; n++)
			;
		if (!n)
			break;
		/* an overlong word is cut: it would not fit a line anyway */
		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) - 1 ? n : sizeof(word) - 1),
			 text);
		tw_add(t, "", word, "");
		text += n;
	}
}

/* iorep_inert_copy(), ending in "..." when @s does not fit in @size (at least 4). */
static void inert_cut(char *buf, size_t size, const char *s)
{
	char out[INERT_MAX];
	const char *p = s ? s : "-";
	size_t full = 0;
	int cols;

	while (*p) {
		p += inert_char(p, out, &cols);
		full += strlen(out);
	}
	if (iorep_inert_copy(buf, size, s) >= full)
		return;
	memcpy(buf + iorep_inert_copy(buf, size - 3, s), "...", 4);
}

/* "dma(g5)", "user(vfio_map_test/407)", "blocked", "pool": the domain as the timeline shows it. */
static void domain_label(const struct iorep_model *m, uint32_t idx, char *buf, size_t size)
{
	const struct iorep_domain *d;
	char comm[48];

	if (!m->domains || idx >= m->ndomains) {
		snprintf(buf, size, "unknown");
		return;
	}
	d = &m->domains[idx];
	switch (d->kind) {
	case IOREP_DOM_DMA:
	case IOREP_DOM_IDENTITY:
		if (d->group >= 0)
			snprintf(buf, size, "%s(g%" PRId32 ")", iorep_domain_kind_name(d->kind),
				 d->group);
		else
			snprintf(buf, size, "%s", iorep_domain_kind_name(d->kind));
		break;
	case IOREP_DOM_USER:
		inert_cut(comm, sizeof(comm), d->owner_comm);
		if (d->owner_comm && d->owner_pid >= 0)
			snprintf(buf, size, "user(%s/%" PRId32 ")", comm, d->owner_pid);
		else if (d->owner_pid >= 0)
			snprintf(buf, size, "user(%" PRId32 ")", d->owner_pid);
		else if (d->owner_comm)
			snprintf(buf, size, "user(%s)", comm);
		else
			snprintf(buf, size, "user");
		break;
	default:
		snprintf(buf, size, "%s", iorep_domain_kind_name(d->kind));
		break;
	}
}

/* ------------------------------------------------------------------------ */
/* Sections */

/* Did the ring buffer drop events (rather than the text lose lines)? */
static bool ring_drops(const struct iorep_model *m, const struct iorep_input_stats *st)
{
	bool any;

	if (!st)
		return iorep_render_lost(m, st, &any) || any;
	return st->lost_total || st->lost_unknown;
}

/* " (lines 3, 7 and 2 more)": the bad lines the reader kept */
static void print_bad_line_numbers(const struct iorep_input_stats *st, FILE *fp)
{
	uint64_t i, shown = st->bad_lines < IOREP_MAX_BAD_LINES ? st->bad_lines :
								   IOREP_MAX_BAD_LINES;

	fprintf(fp, "line%s", plural(st->bad_lines, "", "s"));
	for (i = 0; i < shown; i++)
		fprintf(fp, "%s %" PRIu64, i ? "," : "", st->bad_line_nr[i]);
	if (st->bad_lines > shown)
		fprintf(fp, " and %" PRIu64 " more", st->bad_lines - shown);
}

/*
 * What makes the findings less than certain, before anything else: events
 * the ring buffer dropped, lines of the input not understood (events lost
 * with some), an input cut short; and from where findings are suspected.
 */
static void print_warnings(const struct iorep_model *m, const struct iorep_input_info *info,
			   const struct iorep_input_stats *st, FILE *fp)
{
	bool any, said = false;
	uint64_t n = iorep_render_lost(m, st, &any), from;
	int32_t cpu;
	char ts[32];

	if (ring_drops(m, st)) {
		if (n)
			fprintf(fp, "WARNING: %" PRIu64 " %s lost (ring buffer overrun)%s.\n", n,
				plural(n, "event was", "events were"),
				st && st->lost_unknown ? ", and more of unknown count" : "");
		else
			fprintf(fp, "WARNING: events were lost (ring buffer overrun, count "
				    "unknown).\n");
		said = true;
	}
	if (st && st->bad_lines) {
		fprintf(fp, "WARNING: %" PRIu64 " %s not understood (", st->bad_lines,
			plural(st->bad_lines, "line was", "lines were"));
		print_bad_line_numbers(st, fp);
		if (st->first_lost_line)
			fprintf(fp, ");\n         iommu/dma events were lost with %s.\n",
				plural(st->bad_lines, "it", "some"));
		else
			fputs(").\n", fp);
		said = true;
	}
	if (st && st->damaged)
		fprintf(fp,
			"WARNING: damaged data was skipped %" PRIu64 " %s, the first at %s %" PRIu64
			";\n         the events there are lost.\n",
			st->damaged, plural(st->damaged, "time", "times"),
			info && info->pos_unit ? info->pos_unit : "position", st->damaged_at);
	if (st && st->truncated)
		fprintf(fp, "WARNING: the input is cut short at %s %" PRIu64 ".\n",
			info && info->pos_unit ? info->pos_unit : "position", st->truncated_at);
	if (st && (st->truncated || st->damaged)) {
		fprintf(fp, "         Every finding is only suspected.\n\n");
		return;
	}
	if (ring_drops(m, st) && m && iorep_model_whole_from(m, &from, &cpu)) {
		fmt_ts(from, 6, ts, sizeof(ts));
		if (cpu < 0)
			fprintf(fp, "         They were the oldest, overwritten: the trace is whole "
				    "from its\n         first event.\n");
		else
			fprintf(fp,
				"         They were each CPU's oldest, overwritten: the trace holds every\n"
				"         CPU's events from %s on (CPU %d's first). Findings before\n"
				"         then, or resting on an earlier event, are only suspected; those a\n"
				"         lost event could explain (a leak, an overlapping map, a double\n"
				"         unmap) are info.\n",
				ts, cpu);
	} else if (ring_drops(m, st)) {
		fprintf(fp, "         Findings after the first drop are only suspected.\n");
	} else if (st && st->first_lost_line) {
		fprintf(fp, "         Findings after line %" PRIu64 " are only suspected.\n",
			st->first_lost_line);
	} else if (any && !said) {
		fprintf(fp, "WARNING: events were lost; later findings are only suspected.\n");
	}
	if (said || any)
		fputc('\n', fp);
}

static void print_header(const struct iorep_model *m, const struct iorep_input_info *info,
			 const struct iorep_input_stats *st, FILE *fp)
{
	char a[48], b[32], c[32];
	uint64_t first, last, n, total = 0;
	bool any;
	struct tw t;
	int i;

	fprintf(fp, "iommu-report %s\n", IOREP_VERSION);
	fprintf(fp, "%-10s ", "input");
	iorep_put_inert(fp, info ? info->path : NULL);
	fputc('\n', fp);
	if (info && info->format) {
		fprintf(fp, "%-10s ", "format");
		iorep_put_inert(fp, info->format);
		if (info->variant) {
			fputs(", ", fp);
			iorep_put_inert(fp, info->variant);
		}
		if (info->compression) {
			fputs(", ", fp);
			iorep_put_inert(fp, info->compression);
		}
		fputc('\n', fp);
	}
	fprintf(fp, "%-10s ", "kernel");
	if (info && info->kernel)
		iorep_put_inert(fp, info->kernel);
	else
		fputs("unknown", fp);
	fputc('\n', fp);
	fprintf(fp, "%-10s ", "machine");
	if (m->machine)
		iorep_put_inert(fp, m->machine);
	else
		fputs("unknown (--machine names it)", fp);
	fputc('\n', fp);
	if (info && info->kernel_log && st) {
		fprintf(fp, "%-10s ", "log");
		iorep_put_inert(fp, info->kernel_log);
		fprintf(fp, ": %" PRIu64 " IOMMU %s merged in", st->kmsg_faults,
			plural(st->kmsg_faults, "fault", "faults"));
		if (st->kmsg_traced)
			fprintf(fp, ", %" PRIu64 " the trace has too", st->kmsg_traced);
		if (st->kmsg_outside)
			fprintf(fp, ", %" PRIu64 " outside the trace's span", st->kmsg_outside);
		fputc('\n', fp);
	}
	if (info && info->ninstances) {
		fprintf(fp, "%-10s %" PRIu32 " not read:", "instances", info->ninstances);
		iorep_put_instances(fp, info);
		fputs(" (trace-cmd report of the file, as text, has their events)\n", fp);
	}
	if (st && st->truncated)
		fprintf(fp, "%-10s the input is cut short at %s %" PRIu64 "\n", "truncated",
			info && info->pos_unit ? info->pos_unit : "position", st->truncated_at);
	if (st && st->damaged)
		fprintf(fp, "%-10s skipped %" PRIu64 " %s, the first at %s %" PRIu64 "\n",
			"damaged", st->damaged, plural(st->damaged, "time", "times"),
			info && info->pos_unit ? info->pos_unit : "position", st->damaged_at);
	if (st && st->bad_lines) {
		fprintf(fp, "%-10s %" PRIu64 " not understood: ", "bad lines", st->bad_lines);
		print_bad_line_numbers(st, fp);
		fputc('\n', fp);
	}
	if (iorep_render_span(m, st, &first, &last)) {
		fmt_ts(first, 6, a, sizeof(a));
		fmt_ts(last, 6, b, sizeof(b));
		fmt_ts(last - first, 6, c, sizeof(c));
		fprintf(fp, "%-10s %s - %s s (%s s)\n", "span", a, b, c);
	}
	for (i = 0; st && i < IOREP_EV__COUNT; i++)
		if (i != IOREP_EV_LOST)
			total += st->events[i];
	if (st) {
		fprintf(fp, "%-10s %" PRIu64 " iommu/dma, %" PRIu64 " other\n", "events", total,
			st->other_events);
		for (i = 0; i < IOREP_EV__COUNT; i++)
			if (i != IOREP_EV_LOST && st->events[i])
				fprintf(fp, "  %-34s %12" PRIu64 "\n", iorep_event_desc(i)->name,
					st->events[i]);
	} else {
		fprintf(fp, "%-10s %" PRIu64 " iommu/dma\n", "events", m->events);
	}
	n = iorep_render_lost(m, st, &any);
	fprintf(fp, "%-10s ", "lost");
	if (!ring_drops(m, st)) {
		fputs("none\n", fp);
		return;
	}
	for (i = 0, any = false; st && st->lost && i < st->ncpus; i++)
		any |= st->lost[i] != 0;
	tw_begin(&t, fp, 11, 11);
	snprintf(a, sizeof(a), "%" PRIu64 "%s", n, any || (st && st->lost_unknown) ? ":" : "");
	tw_add(&t, a, NULL, "");
	for (i = 0; st && st->lost && i < st->ncpus; i++) {
		if (!st->lost[i])
			continue;
		snprintf(a, sizeof(a), "cpu%d=%" PRIu64, i, st->lost[i]);
		tw_add(&t, a, NULL, "");
	}
	if (st && st->lost_unknown) {
		snprintf(a, sizeof(a), "+%" PRIu64, st->lost_unknown);
		tw_add(&t, a, NULL, " drops of unknown size");
	}
	tw_end(&t);
}

static void print_topology(const struct iorep_model *m, FILE *fp)
{
	uint32_t i, j, ngroups = m->groups ? m->ngroups : 0, nodev = 0;
	uint32_t *order;
	char buf[32];
	struct tw t;

	fprintf(fp, "\nTopology: %" PRIu32 " %s, %" PRIu32 " %s\n", ngroups,
		plural(ngroups, "group", "groups"), m->devices ? m->ndevices : 0,
		plural(m->devices ? m->ndevices : 0, "device", "devices"));
	/* groups in id order (model order if the memory for sorting is not there) */
	order = iorep_model_group_order(m);
	for (i = 0; i < ngroups; i++) {
		const struct iorep_group *g = &m->groups[order ? order[i] : i];
		uint32_t shown = 0, bridges = 0;

		snprintf(buf, sizeof(buf), "  group %-6" PRId32, g->id);
		fputs(buf, fp);
		tw_begin(&t, fp, (int)strlen(buf), 14);
		for (j = 0; g->devices && j < g->ndevices; j++) {
			const char *name = dev_name(m, g->devices[j]);

			if (!name)
				continue;
			tw_add(&t, "", name, m->devices[g->devices[j]].bridge ? " (bridge)" : "");
			shown++;
			bridges += m->devices[g->devices[j]].bridge;
		}
		if (!shown)
			tw_add(&t, "(no devices)", NULL, "");
		tw_end(&t);
		if (shown - bridges > 1)
			fprintf(fp,
				"%14s! %" PRIu32
				" devices in one group: VFIO needs %s\n",
				"", shown, bridges ? "all but the bridges" : "the whole group");
		if (g->domain < m->ndomains && m->domains[g->domain].direct_maps)
			/* VT-d refuses a device with a non-relaxable RMRR, Arm one with an RMR */
			fprintf(fp,
				"%14s! %" PRIu64 " reserved region%s mapped 1:1: VFIO may refuse "
				"its device\n",
				"", m->domains[g->domain].direct_maps,
				m->domains[g->domain].direct_maps == 1 ? "" : "s");
	}
	free(order);
	for (i = 0; m->devices && i < m->ndevices; i++)
		nodev += m->devices[i].group < 0;
	if (!nodev)
		return;
	fputs("  no group    ", fp);
	tw_begin(&t, fp, 14, 14);
	for (i = 0; i < m->ndevices; i++)
		if (m->devices[i].group < 0)
			tw_add(&t, "", m->devices[i].name ? m->devices[i].name : "", "");
	tw_end(&t);
}

static void print_timeline(const struct iorep_model *m, const struct iorep_device *d, FILE *fp)
{
	char label[96], ts[32], tok[160];
	const struct iorep_epoch *e;
	struct tw t;
	uint32_t i;

	fputs("    ", fp);
	tw_begin(&t, fp, 4, 4);
	if ((!d->epochs || !d->nepochs) && d->group >= 0) {
		/* no attach in the trace: in its group's DMA domain all along (a
		 * removal shows on the timeline, not in the table's row) */
		snprintf(tok, sizeof(tok), "dma(g%" PRId32 ") all along%s", d->group,
			 d->removed ? ", removed" : "");
		tw_add(&t, tok, NULL, "");
		tw_end(&t);
		return;
	}
	if (!d->epochs || !d->nepochs) {
		tw_add(&t, d->removed ? "(no domain seen), removed" : "(no domain seen)", NULL, "");
		tw_end(&t);
		return;
	}
	for (i = 0; i < d->nepochs; i++) {
		e = &d->epochs[i];
		domain_label(m, e->domain, label, sizeof(label));
		fmt_ts(e->start, 3, ts, sizeof(ts));
		snprintf(tok, sizeof(tok), "%s%s %s", i ? "-> " : "", label, ts);
		tw_add(&t, tok, NULL, "");
	}
	e = &d->epochs[d->nepochs - 1];
	if (e->end != IOREP_TS_OPEN) {
		fmt_ts(e->end, 3, ts, sizeof(ts));
		snprintf(tok, sizeof(tok), "-> %s %s", d->removed ? "removed" : "none", ts);
		tw_add(&t, tok, NULL, "");
	}
	tw_end(&t);
}

#define DEV_COL 13

static void print_devices(const struct iorep_model *m, FILE *fp)
{
	char mapped[32];
	uint32_t i;

	if (!m->devices || !m->ndevices)
		return;
	fprintf(fp, "\nDevices\n");
	fprintf(fp, "  %-*s %5s %3s %8s %8s %10s %8s %9s %5s\n", DEV_COL, "device", "group", "att",
		"maps", "unmaps", "mapped", "dma-map", "dma-unmap", "finds");
	for (i = 0; i < m->ndevices; i++) {
		const struct iorep_device *d = &m->devices[i];
		char group[16];

		fputs("  ", fp);
		if (iorep_inert_width(d->name) > DEV_COL) {
			/* a long name gets its own line; the numbers stay in their columns */
			iorep_put_inert(fp, d->name);
			fprintf(fp, "\n  %*s", DEV_COL, "");
		} else {
			put_col(fp, d->name, DEV_COL);
		}
		if (d->group >= 0)
			snprintf(group, sizeof(group), "%" PRId32, d->group);
		else
			snprintf(group, sizeof(group), "-");
		fmt_size(d->bytes_mapped, mapped, sizeof(mapped));
		fprintf(fp,
			" %5s %3" PRIu32 " %8" PRIu64 " %8" PRIu64 " %10s %8" PRIu64 " %9" PRIu64
			" %5" PRIu32 "\n",
			group, d->attaches, d->maps, d->unmaps, mapped, d->dma_maps, d->dma_unmaps,
			d->findings);
		if (d->description || d->class_name) {
			struct tw t;
			char ids[16];

			fputs("    ", fp);
			tw_begin(&t, fp, 4, 6);
			tw_words(&t, d->description ? d->description : "");
			if (d->has_ids) {
				snprintf(ids, sizeof(ids), "[%04x:%04x]", d->vendor, d->device_id);
				tw_add(&t, ids, NULL, "");
			}
			if (d->class_name)
				tw_add(&t, "(", d->class_name, ")");
			tw_end(&t);
		}
		print_timeline(m, d, fp);
	}
}

static void print_domains(const struct iorep_model *m, FILE *fp)
{
	char label[96], mapped[32];
	uint32_t i;

	if (!m->domains || !m->ndomains)
		return;
	fprintf(fp, "\nDomains\n");
	fprintf(fp, "  %4s  %-26s %8s %8s %10s %7s %7s\n", "id", "domain", "maps", "unmaps",
		"mapped", "peak", "live");
	for (i = 0; i < m->ndomains; i++) {
		const struct iorep_domain *d = &m->domains[i];

		domain_label(m, i, label, sizeof(label));
		fmt_size(d->bytes_mapped, mapped, sizeof(mapped));
		fprintf(fp, "  %4" PRIu32 "  ", i);
		if (strlen(label) > 26)
			/* a long label gets its own line; the numbers stay in their columns */
			fprintf(fp, "%s\n%34s", label, "");
		else
			fprintf(fp, "%-26s", label);
		fprintf(fp, " %8" PRIu64 " %8" PRIu64 " %10s %7" PRIu64 " %7zu\n", d->maps,
			d->unmaps, mapped, d->peak_live, iorep_ivmap_count(&d->live));
	}
}

/* The column of the attribution line's counts: after "  %-14s %12s   " */
#define ATTRIB_COL 32

static void print_mappings(const struct iorep_model *m, FILE *fp)
{
	const struct iorep_map_stats *s = &m->stats;
	char a[32], b[32], tok[64];
	struct tw t;
	uint64_t amaps, aunmaps;
	double pct;

	fprintf(fp, "\nMappings\n");
	fmt_size(s->bytes_mapped, a, sizeof(a));
	fprintf(fp, "  %-14s %12" PRIu64 "   %s mapped\n", "maps", s->maps, a);
	fmt_size(s->bytes_unmapped, a, sizeof(a));
	fprintf(fp, "  %-14s %12" PRIu64 "   %s unmapped\n", "unmaps", s->unmaps, a);
	fmt_size(s->peak_bytes, a, sizeof(a));
	fprintf(fp, "  %-14s %12" PRIu64 "   %s\n", "peak live", s->peak_live, a);
	fmt_size(s->live_bytes, a, sizeof(a));
	fprintf(fp, "  %-14s %12" PRIu64 "   %s\n", "live at end", s->live, a);
	if (iorep_map_stats_attributed(s, &amaps, &aunmaps, &pct)) {
		fprintf(fp, "  %-14s %11.1f%%   %" PRIu64 " %s, %" PRIu64 " %s\n", "attributed",
			pct, amaps, plural(amaps, "map", "maps"), aunmaps,
			plural(aunmaps, "unmap", "unmaps"));
		/* under "by dma:* events" what would not fit */
		fprintf(fp, "  %-14s %12s   ", "", "");
		tw_begin(&t, fp, ATTRIB_COL, ATTRIB_COL);
		snprintf(tok, sizeof(tok), "by dma:* events %" PRIu64 "/%" PRIu64 ",",
			 s->attributed_maps, s->attributed_unmaps);
		tw_add(&t, tok, NULL, "");
		snprintf(tok, sizeof(tok), "by process %" PRIu64 "/%" PRIu64 "%s", s->pid_maps,
			 s->pid_unmaps, s->direct_maps || s->moved_maps ? "," : "");
		tw_add(&t, tok, NULL, "");
		if (s->direct_maps) {
			snprintf(tok, sizeof(tok), "direct %" PRIu64 "%s", s->direct_maps,
				 s->moved_maps ? "," : "");
			tw_add(&t, tok, NULL, "");
		}
		if (s->moved_maps) {
			snprintf(tok, sizeof(tok), "moved %" PRIu64, s->moved_maps);
			tw_add(&t, tok, NULL, "");
		}
		tw_end(&t);
	} else {
		fprintf(fp, "  %-14s %12s\n", "attributed", "-");
	}
	if (s->lifetime_count) {
		fmt_duration(s->lifetime_sum_ns / s->lifetime_count, a, sizeof(a));
		fmt_duration(s->lifetime_max_ns, b, sizeof(b));
		fprintf(fp, "  %-14s %12" PRIu64 "   mean %s, max %s\n", "lifetimes",
			s->lifetime_count, a, b);
	} else {
		fprintf(fp, "  %-14s %12s\n", "lifetimes", "-");
	}
}

/* The frames of a finding's stack trace shown, innermost first; the rest are counted. */
#define STACK_SHOWN 8

/* "stack: f1 < f2 < ... (and N more)": a finding's stack trace, caller after callee. */
static void print_stack(FILE *fp, const char *stack)
{
	const char *p = stack, *nl;
	unsigned int shown = 0, more = 0;
	char frame[256], n[48];
	struct tw t;
	size_t len;

	fputs("      stack:", fp);
	tw_begin(&t, fp, 12, 8);
	t.empty = false;
	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (shown == STACK_SHOWN) {
			more++;
			continue;
		}
		len = (size_t)(nl - p) < sizeof(frame) - 1 ? (size_t)(nl - p) : sizeof(frame) - 1;
		memcpy(frame, p, len);
		frame[len] = '\0';
		tw_add(&t, shown ? "< " : "", frame, "");
		shown++;
	}
	if (more) {
		snprintf(n, sizeof(n), "(and %u more)", more);
		tw_add(&t, n, NULL, "");
	}
	tw_end(&t);
}

static void print_finding(const struct iorep_model *m, const struct iorep_finding *f, FILE *fp)
{
	char ts[32], tok[96], size[32];
	struct tw t;

	fmt_ts(f->ts, 6, ts, sizeof(ts));
	fprintf(fp, "    %s", ts);
	tw_begin(&t, fp, 4 + (int)strlen(ts), 8);
	t.empty = false;
	/* two spaces after the time: a NULL device prints as "-" */
	tw_add(&t, " ", dev_name(m, f->device) ? dev_name(m, f->device) : "-", "");
	if (f->has_iova && f->size)
		snprintf(tok, sizeof(tok), "[0x%" PRIx64 ", 0x%" PRIx64 ")", f->iova,
			 f->iova + f->size);
	else if (f->has_iova)
		snprintf(tok, sizeof(tok), "0x%" PRIx64, f->iova);
	else
		tok[0] = '\0';
	if (tok[0])
		tw_add(&t, tok, NULL, "");
	if (iorep_finding_has_size(f)) {
		iorep_print_bytes(size, sizeof(size), f->size);	/* exact, as events print */
		tw_add(&t, size, NULL, "");
	}
	if (iorep_finding_has_age(f)) {
		fmt_duration(f->age_ns, size, sizeof(size));
		tw_add(&t, "age ", NULL, size);
	}
	if (f->suspected)
		tw_add(&t, "(suspected)", NULL, "");
	tw_end(&t);
	fputs("      ", fp);
	tw_begin(&t, fp, 6, 6);
	tw_words(&t, f->message ? f->message : "");
	tw_end(&t);
	if (f->stack)
		print_stack(fp, f->stack);
}

static void print_findings(const struct iorep_model *m, FILE *fp)
{
	static const char *const titles[] = {"Info", "Warnings", "Errors"};
	uint64_t sev[3] = {0}, suspected = 0;
	uint32_t i, nf = m->findings ? m->nfindings : 0;
	int s, t;

	for (i = 0; i < nf; i++) {
		if ((unsigned int)m->findings[i].severity < 3)
			sev[m->findings[i].severity]++;
		suspected += m->findings[i].suspected;
	}
	fprintf(fp, "\nFindings: ");
	if (!nf) {
		fprintf(fp, "none\n");
		return;
	}
	fprintf(fp, "%" PRIu64 " %s, %" PRIu64 " %s, %" PRIu64 " info", sev[IOREP_SEV_ERROR],
		plural(sev[IOREP_SEV_ERROR], "error", "errors"), sev[IOREP_SEV_WARNING],
		plural(sev[IOREP_SEV_WARNING], "warning", "warnings"), sev[IOREP_SEV_INFO]);
	if (suspected)
		fprintf(fp, " (%" PRIu64 " suspected)", suspected);
	fputc('\n', fp);
	if (m->unlisted)
		fprintf(fp, "%" PRIu64 " more counted but not listed (over %u of one type)\n",
			m->unlisted, IOREP_FINDINGS_PER_TYPE);
	for (s = IOREP_SEV_ERROR; s >= IOREP_SEV_INFO; s--) {
		if (!sev[s])
			continue;
		fprintf(fp, "\n%s\n", titles[s]);
		for (t = 0; t < IOREP_FIND__COUNT; t++) {
			uint64_t count = 0, shown = 0;

			for (i = 0; i < nf; i++)
				count += (int)m->findings[i].severity == s &&
					 (int)m->findings[i].type == t;
			if (!count)
				continue;
			fprintf(fp, "  %s: %" PRIu64 "\n", iorep_finding_name(t), count);
			for (i = 0; i < nf && shown < IOREP_TEXT_FINDINGS_PER_TYPE; i++) {
				const struct iorep_finding *f = &m->findings[i];

				if ((int)f->severity != s || (int)f->type != t)
					continue;
				print_finding(m, f, fp);
				shown++;
			}
			if (count > shown)
				fprintf(fp, "    ... and %" PRIu64 " more\n", count - shown);
		}
	}
}

void iorep_report_text(const struct iorep_model *m, const struct iorep_input_info *info,
		       const struct iorep_input_stats *stats, FILE *fp)
{
	print_warnings(m, info, stats, fp);
	print_header(m, info, stats, fp);
	print_topology(m, fp);
	print_devices(m, fp);
	print_domains(m, fp);
	print_mappings(m, fp);
	print_findings(m, fp);
}
