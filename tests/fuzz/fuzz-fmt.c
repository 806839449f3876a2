// SPDX-License-Identifier: MIT
/*
 * Fuzz target: one event format, as the reader's tep_parse_event() hands it
 * to libtraceevent 1.7.1 (src/tracecmd-open.c), when the reader's check
 * of an uncompressed file would not have refused it (src/dat-check.c,
 * iorep_dat_format_refusal(): the formats libtraceevent is known to crash
 * on), and through the format guard (src/fmt-guard.c).  tracedat reaches
 * the formats too, but at a few inputs a second (each one forks the probe
 * child); this target parses thousands a second, so it can look for what
 * the probe child cannot turn into a refusal: memory errors in
 * libtraceevent's format parser that do not crash, as the double free on
 * sizeof(int) was, which ASan reports here.  A SIGSEGV, SIGBUS or SIGFPE
 * inside libtraceevent is the probe's case (the file is refused): the
 * guard takes it (fuzz-guard.c), the handle is abandoned, and the next
 * input runs.
 *
 * It also holds the format guard to its contract: a copy exactly when it
 * rewrote a form, and nothing left to rewrite in that copy.
 */
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "dat-check.h"
#include "fmt-guard.h"
#include "fuzz-common.h"
#include "fuzz-guard.h"

#define MAX_ABANDONED 1024

/* The harness's state: libFuzzer calls the target in one thread, one input at a time. */
static struct tep_handle *abandoned[MAX_ABANDONED];
static unsigned int nabandoned;

/*
 * libtraceevent's pending lookup after __print_flags() and __print_symbolic()
 * is file-scope (dat-check.c): a format that ends with it pending makes the
 * next REC->FIELD look FIELD up.  This one, parsed after each input, takes it.
 */
static const char reset[] = "name: reset\nID: 1\nformat:\n"
			    "\tfield:int x;\toffset:0;\tsize:4;\tsigned:1;\n\n"
			    "print fmt: \"%d\", REC->x\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tep_handle *volatile tep;
	struct tep_event *event = NULL;
	char *volatile copy = NULL;
	char *again = NULL;
	bool pending = false;
	int n, sig;

	fuzz_guard_install();
	if (iorep_dat_format_refusal((const char *)data, size, &pending))
		return 0;
	n = iorep_fmt_guard((const char *)data, size, (char **)&copy);
	FUZZ_ASSERT(n >= 0);
	FUZZ_ASSERT((n > 0) == (copy != NULL));
	if (copy) {
		FUZZ_ASSERT(iorep_fmt_guard(copy, size, &again) == 0);
		FUZZ_ASSERT(again == NULL);
	}
	tep = tep_alloc();
	FUZZ_ASSERT(tep != NULL);
	tep_set_long_size(tep, 8); /* libtracecmd sets it from the header before the formats */
	sig = sigsetjmp(fuzz_guard_env, 1);
	if (sig) {
		if (nabandoned < MAX_ABANDONED)
			abandoned[nabandoned++] = tep;
		fuzz_guard_keep("fuzz-fmt", data, size, sig);
		free(copy);
		return 0;
	}
	fuzz_guard_arm(1);
	tep_parse_format(tep, &event, copy ? copy : (const char *)data, size, "fuzz");
	event = NULL;
	tep_parse_format(tep, &event, reset, sizeof(reset) - 1, "fuzz");
	fuzz_guard_arm(0);
	tep_free(tep);
	free(copy);
	return 0;
}
