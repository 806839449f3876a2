/* SPDX-License-Identifier: MIT */
/*
 * Renderings of the model: the JSON document (the contract of DESIGN.md
 * section 4, schema in docs/iommu-report.schema.json), the human text
 * report, and the comparison of a model with an older JSON document.
 *
 * All of them read the model only; none changes it.  Strings that come from
 * the trace (device names, comms, messages, paths) are escaped: in JSON by
 * cJSON (invalid UTF-8 replaced by U+FFFD), in text by iorep_put_inert(), so
 * no input can break a line, a column or the terminal.
 */
#ifndef IOREP_RENDER_H
#define IOREP_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "iorep-input.h"
#include "iorep-model.h"

/* The tool's version; the build may define it (main.c has the same value). */
#ifndef IOREP_VERSION
#define IOREP_VERSION "0.1.0"
#endif

/* Version of the JSON document; a reader accepts every 1.x. */
#define IOREP_JSON_SCHEMA_VERSION "1.9"
#define IOREP_JSON_SCHEMA_MAJOR 1

/* Findings of one type the text report lists before "... and K more". */
#define IOREP_TEXT_FINDINGS_PER_TYPE 20

/* Baseline documents larger than this are refused with -IOREP_ELIMIT. */
#define IOREP_BASELINE_MAX (256u << 20)

/*
 * Writes the JSON document of @m to @fp: schema_version, tool, input,
 * events, lost_events, span, groups, devices, domains, mappings, findings
 * (in model order) and summary.  @info and @stats may be NULL (then input is
 * mostly null, events empty and lost_events taken from the model).  The
 * output is deterministic: it depends on the model and @info/@stats only.
 * Large arrays are written one element at a time, so memory does not grow
 * with the number of findings.  Returns 0, -IOREP_ENOMEM or -IOREP_EOUTPUT.
 */
int iorep_report_json(const struct iorep_model *m, const struct iorep_input_info *info,
		      const struct iorep_input_stats *stats, FILE *fp);

/*
 * Writes the human report of @m to @fp, for an 80-column terminal: a lost
 * events warning first when events were lost, the input, the topology,
 * each device's domain timeline, the domains, mapping statistics and the
 * findings by severity, at most IOREP_TEXT_FINDINGS_PER_TYPE per type.
 * @info and @stats may be NULL.
 */
void iorep_report_text(const struct iorep_model *m, const struct iorep_input_info *info,
		       const struct iorep_input_stats *stats, FILE *fp);

/*
 * Writes one self-contained HTML page of @m to @fp: summary cards, the
 * topology drawing @svg (@svg_len bytes of graphviz SVG output, may be
 * NULL), a timeline (one lane per device with its domain epochs, and the
 * live mappings over time from the model's downsampled series) and a
 * sortable, filterable findings table.  The page's data is the JSON
 * document of iorep_report_json(), embedded inert; the page loads nothing
 * (a Content-Security-Policy forbids it).  Returns 0, -IOREP_ENOMEM or
 * -IOREP_EOUTPUT.
 */
int iorep_report_html(const struct iorep_model *m, const struct iorep_input_info *info,
		      const struct iorep_input_stats *stats, const char *svg, size_t svg_len,
		      FILE *fp);

/*
 * Compares @m with the JSON document at @path ("-" for stdin) that an
 * earlier run wrote with iorep_report_json() (schema_version 1.x), and
 * prints to @out, one line each, what is new or worse:
 *   "new: TYPE (SEVERITY) device D iova 0x... size N at S.ssssss: MESSAGE"
 *       one line per finding of the model beyond those of the old
 *       document; findings are a multiset keyed by (type, severity, device,
 *       iova, size), timestamps are not part of the key;
 *   "more: TYPE A -> B"  a finding type whose count grew (a summary of the
 *       "new:" lines, not counted again);
 *   "more: lost events A -> B"  lost_events.total grew;
 * then "baseline PATH: N new or worse" or "baseline PATH: nothing new or
 * worse".  Returns N (0 = not worse), or a negative IOREP_E* code with a
 * one-line reason naming the file in @errbuf (@errlen bytes): cannot open,
 * too large, not JSON, not an iommu-report JSON document (schema_version
 * missing or of another major version, or a field of the wrong type).
 * Old findings of unknown type or severity can match nothing (they are
 * ignored).  Sizes are compared as JSON numbers (doubles) on both sides.
 */
int iorep_baseline_compare(const struct iorep_model *m, const char *path, FILE *out, char *errbuf,
			   int errlen);

/* ------------------------------------------------------------------------ */
/* Helpers the renderers share */

/*
 * Length of the valid UTF-8 sequence at @s (1 to 4 bytes; overlongs,
 * surrogates and code points past U+10FFFF are invalid), or 0 when @s does
 * not start one.  @s must be NUL-terminated; *s == 0 gives 0.
 */
int iorep_utf8_char_len(const char *s);

/*
 * Returns NULL when @s is valid UTF-8, else a malloc()ed copy with every
 * invalid byte replaced by U+FFFD; the caller frees it.  *@err is set to
 * -IOREP_ENOMEM when the copy cannot be made (and NULL returned).
 */
char *iorep_utf8_sanitize(const char *s, int *err);

/*
 * Writes @s (NULL prints as "-") to @fp so that it stays inert on a
 * terminal: control bytes as \n, \r, \t, \xNN, a backslash as "\\", invalid
 * UTF-8 bytes, C1 controls, the separators U+2028/U+2029 and bidirectional
 * overrides as \xNN.  Returns the number of columns written (one per
 * character).
 */
int iorep_put_inert(FILE *fp, const char *s);

/* Writes " NAME, NAME": the instance buffers of @info not read (at most the first 8), inert. */
void iorep_put_instances(FILE *fp, const struct iorep_input_info *info);

/* Columns iorep_put_inert() would write for @s. */
size_t iorep_inert_width(const char *s);

/*
 * Writes the inert form of @s to @buf (@size bytes, always NUL-terminated
 * when @size > 0), cutting it at a character boundary when it does not fit.
 * Returns the length written.
 */
size_t iorep_inert_copy(char *buf, size_t size, const char *s);

/*
 * Finding fields that JSON renders as null when they do not apply: a size
 * of 0 (a fault, a group split), the age of a finding of a type that has
 * none and an age of 0.
 */
static inline bool iorep_finding_has_size(const struct iorep_finding *f)
{
	return f->size != 0;
}

static inline bool iorep_finding_has_age(const struct iorep_finding *f)
{
	switch (f->type) {
	case IOREP_FIND_LEAK:
	case IOREP_FIND_OUTSTANDING:
	case IOREP_FIND_DMA_API_LEAK:
	case IOREP_FIND_DMA_API_OUTSTANDING:
		return true;
	default:
		return f->age_ns != 0;
	}
}

/*
 * Maps and unmaps attributed to a domain by any rule (dma:* events or the
 * attaching process), and their share of all maps and unmaps in percent
 * (0..100); returns false when there were no maps or unmaps.
 */
static inline bool iorep_map_stats_attributed(const struct iorep_map_stats *s, uint64_t *maps,
					      uint64_t *unmaps, double *pct)
{
	uint64_t total = s->maps + s->unmaps;
	uint64_t a;

	*maps = s->attributed_maps + s->pid_maps + s->direct_maps;
	*unmaps = s->attributed_unmaps + s->pid_unmaps;
	a = *maps + *unmaps;
	if (!total) {
		*pct = 0;
		return false;
	}
	if (a > total)
		a = total;
	*pct = (double)a * 100.0 / (double)total;
	return true;
}

/*
 * The time span of the trace: the model's when it saw events, else the
 * reader's when @stats is given and counted iommu/dma events.  Returns false
 * when there is none.
 */
static inline bool iorep_render_span(const struct iorep_model *m,
				     const struct iorep_input_stats *stats, uint64_t *first,
				     uint64_t *last)
{
	uint64_t n = 0;
	int i;

	if (m->events && m->first_ts <= m->last_ts) {
		*first = m->first_ts;
		*last = m->last_ts;
		return true;
	}
	if (!stats)
		return false;
	for (i = 0; i < IOREP_EV__COUNT; i++)
		n += stats->events[i];
	if (!n || stats->first_ts > stats->last_ts)
		return false;
	*first = stats->first_ts;
	*last = stats->last_ts;
	return true;
}

/* Events lost: the reader's count when @stats is given, else the model's. */
static inline uint64_t iorep_render_lost(const struct iorep_model *m,
					 const struct iorep_input_stats *stats, bool *any)
{
	uint64_t n = stats ? stats->lost_total : m->lost;

	*any = n || m->lost_any || (stats && stats->lost_unknown);
	return n;
}

#endif
