// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the text input path, whole.  The input is a file of ftrace
 * text (the kernel's trace, trace-cmd report with or without plugin_iommu,
 * dmesg, plain or gzip/xz/zstd-compressed): input.c detects it, the text
 * reader splits it into lines, text-parse.c and text-plugin.c parse them,
 * and the events go through the model, the checks and the reports.  Each
 * line of the input as it is (not decompressed) is also parsed twice, by
 * the templates of the usual head and the frequent payloads (text-head.c,
 * text-fast.c) and by the generic parser alone: the two must agree, kind
 * and event.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "fuzz-common.h"
#include "iorep-report.h"
#include "iorep-textparse.h"

/*
 * The JSON document costs most of a run of a small input: it is checked for
 * inputs up to this size, where the strings a hostile input can put in it
 * are as hostile as anywhere.
 */
#define JSON_MAX_INPUT 2048

/* The magic of a trace.dat file: fuzz-tracedat's input, not this target's. */
static const char tracedat_magic[] = "\027\010\104tracing";

static char *event_json(const struct iorep_event *ev)
{
	cJSON *o = iorep_event_to_json(ev);
	char *s;

	FUZZ_ASSERT(o != NULL);
	s = cJSON_PrintUnformatted(o);
	FUZZ_ASSERT(s != NULL);
	cJSON_Delete(o);
	return s;
}

static void template_agrees(const uint8_t *data, size_t size)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_textparse fast, generic;
	struct iorep_event a, b;
	const char *line = (const char *)data;
	size_t i, start;
	char *ja, *jb;
	int ka;

	FUZZ_ASSERT(st != NULL);
	iorep_textparse_init(&fast, st);
	iorep_textparse_init(&generic, st);
	generic.generic_only = true;
	for (start = i = 0; i <= size; i++) {
		if (i < size && line[i] != '\n')
			continue;
		ka = iorep_textparse_line(&fast, line + start, i - start, &a);
		FUZZ_ASSERT(ka == iorep_textparse_line(&generic, line + start, i - start, &b));
		if (ka == IOREP_LINE_EVENT) {
			ja = event_json(&a);
			jb = event_json(&b);
			FUZZ_ASSERT(!strcmp(ja, jb) && a.have == b.have);
			/* the head's fields, which the JSON does not all carry */
			FUZZ_ASSERT(a.ts == b.ts && a.cpu == b.cpu && a.pid == b.pid &&
				    a.tgid == b.tgid && a.ctx == b.ctx && a.comm == b.comm);
			cJSON_free(ja);
			cJSON_free(jb);
		}
		start = i + 1;
	}
	iorep_textparse_release(&fast);
	iorep_textparse_release(&generic);
	iorep_strtab_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iorep_strtab *st;
	struct iorep_model m;
	struct fuzz_run r;
	char path[64];
	int fd;

	if (size >= sizeof(tracedat_magic) - 1 &&
	    !memcmp(data, tracedat_magic, sizeof(tracedat_magic) - 1))
		return -1;
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	st = iorep_strtab_new();
	FUZZ_ASSERT(st != NULL);
	iorep_model_init(&m, st);
	fuzz_pipeline(path, st, &m, size <= JSON_MAX_INPUT, &r);
	iorep_model_release(&m);
	iorep_strtab_free(st);
	close(fd);
	template_agrees(data, size);
	return 0;
}
