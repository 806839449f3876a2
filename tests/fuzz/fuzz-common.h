/* SPDX-License-Identifier: MIT */
/*
 * What the fuzz targets share: the libFuzzer entry point they define, an
 * in-memory file for the readers that take a path, and the whole pipeline
 * of the command line (reader, model, checks, text and JSON reports).
 *
 * A target is linked either with libFuzzer (-DIOREP_FUZZ=ON, clang) or with
 * replay-main.c, which runs it on the files named on its command line.
 */
#ifndef IOREP_FUZZ_COMMON_H
#define IOREP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "iorep-input.h"
#include "iorep-model.h"
#include "iorep-strtab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the run (a crash to libFuzzer) when @cond is false: a broken contract, not a bug
 * found by a sanitizer. */
#define FUZZ_ASSERT(cond) fuzz_assert((cond), #cond, __FILE__, __LINE__)
void fuzz_assert(int cond, const char *what, const char *file, int line);

/*
 * Writes @data to an anonymous memory file and its "/proc/self/fd/N" name
 * to @path.  Returns the descriptor (the caller closes it), or -1.
 */
int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t len);

/* 1 if @text (@len bytes) is one JSON value (RFC 8259) and white space, else 0 (fuzz-json.c). */
int fuzz_json_valid(const char *text, size_t len);

/* What fuzz_pipeline() did. */
struct fuzz_run {
	int ret;		/* 0, or the negative IOREP_E* code that stopped it */
	int opened;		/* iorep_input_open() succeeded */
	uint64_t events;	/* read */
	int truncated;		/* or damaged: the findings are only suspected */
	int stalled;		/* refused: libtracecmd made no progress (dat-probe.c) */
	struct iorep_input *in; /* while it is opened and open */
};

/*
 * Reads @path as the command line does: iorep_input_open(), every event into
 * @m (initialized by the caller on @st), iorep_model_finish(), then the
 * warnings and the text report to /dev/null and, with @json, the JSON
 * document, which must be valid JSON (it costs most of a small input's run).
 * Checks the error contract on the way: a failure leaves exactly one line
 * naming @path in the error buffer.
 */
void fuzz_pipeline(const char *path, struct iorep_strtab *st, struct iorep_model *m, int json,
		   struct fuzz_run *r);

#endif
