/* SPDX-License-Identifier: MIT */
/*
 * The guard of the fuzz targets that run libtraceevent and libtracecmd in
 * their own process (fuzz-guard.c): a SIGSEGV, SIGBUS or SIGFPE whose
 * faulting instruction is in one of those libraries jumps back to the
 * target, which abandons what the input had allocated and goes on with
 * the next input.  The reader turns such a crash into a refusal (its probe
 * child, src/dat-probe.c); memory errors that do not crash are what the
 * targets look for, and ASan still reports those.
 *
 *	fuzz_guard_install();
 *	if ((sig = sigsetjmp(fuzz_guard_env, 1))) {
 *		fuzz_guard_keep("fuzz-NAME", data, size, sig);
 *		return 0;
 *	}
 *	fuzz_guard_arm(1);
 *	... the libraries ...
 *	fuzz_guard_arm(0);
 */
#ifndef IOREP_FUZZ_GUARD_H
#define IOREP_FUZZ_GUARD_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

extern sigjmp_buf fuzz_guard_env;

/* Installs the handlers, once (after the sanitizers', which it falls back to). */
void fuzz_guard_install(void);

/* Whether a fault in the libraries jumps to fuzz_guard_env now. */
void fuzz_guard_arm(int on);

/*
 * A guarded crash on @data (@sig), or with @sig 0 an input the target judged
 * stuck: a crash is said on stderr by @who (the 1st, 2nd, 4th, 8th...), and
 * either is kept as $IOREP_FUZZ_GUARDED/SIG-HASH with a line in
 * $IOREP_FUZZ_GUARDED/log when that is set (run.sh sets it).
 */
void fuzz_guard_keep(const char *who, const uint8_t *data, size_t size, int sig);

#endif
