/* SPDX-License-Identifier: MIT */
/*
 * Writing an output file so that a failure never leaves half a file and
 * never destroys the old one: the output goes to a temporary file beside
 * PATH that is renamed over PATH only when it is complete.
 */
#ifndef IOREP_OUTPUT_H
#define IOREP_OUTPUT_H

#include <stdio.h>

/* Writes the output to @fp; returns 0 or a negative IOREP_E* code. */
typedef int (*iorep_output_fn)(FILE *fp, void *ctx);

/*
 * Calls @fn on a temporary file beside @path and renames it to @path when
 * @fn and the close succeed; "-" writes to standard output.  A @path that
 * is a symbolic link keeps it: the file it points to is the one replaced
 * (written in place when the link dangles).  A @path that is not a regular
 * file (/dev/null, /dev/stdout, a FIFO) is written in place: a rename over
 * it would replace the device node itself (as root, /dev/null with a
 * regular file).  Returns 0, or a negative IOREP_E* code with a one-line
 * reason naming @path in @err (@errlen bytes).
 */
int iorep_output_write(const char *path, iorep_output_fn fn, void *ctx, char *err, int errlen);

/* Whether @a and @b name the same existing file ("-" names none). */
int iorep_output_same_file(const char *a, const char *b);

#endif
