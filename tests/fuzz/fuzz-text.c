// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the text input path, whole.  The input is a file of ftrace
 * text (the kernel's trace, trace-cmd report with or without plugin_iommu,
 * dmesg, plain or gzip/xz/zstd-compressed): input.c detects it, the text
 * reader splits it into lines, text-parse.c and text-plugin.c parse them,
 * and the events go through the model, the checks and the reports.
 */
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"

/*
 * The JSON document costs most of a run of a small input: it is checked for
 * inputs up to this size, where the strings a hostile input can put in it
 * are as hostile as anywhere.
 */
#define JSON_MAX_INPUT 2048

/* The magic of a trace.dat file: fuzz-tracedat's input, not this target's. */
static const char tracedat_magic[] = "\027\010\104tracing";

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
	return 0;
}
