/* SPDX-License-Identifier: MIT */
/* A compressed trace.dat read through an uncompressed copy (see dat-uncompress.c). */
#ifndef IOREP_DAT_UNCOMPRESS_H
#define IOREP_DAT_UNCOMPRESS_H

#include <stddef.h>

/*
 * When the trace.dat in @fd has compressed sections, writes an uncompressed
 * copy of it (as `trace-cmd convert --compression none` does) to an unnamed
 * temporary file in $TMPDIR or /tmp, opened in *@out, and its compression's
 * name to @comp (@len bytes).  Returns 1 then; 0 when there is nothing to
 * do (no compression, instance buffers) or libtracecmd cannot copy the file
 * (the reader, reading @fd as it is, says why); -errno when no copy can be
 * made here (no temporary file, no process); -IOREP_ETRACEDAT when
 * libtracecmd or libtraceevent crashed on the file, with the signal in
 * *@out (or, a sanitizer's exit, minus the exit status).
 * libtracecmd works in a child process: a crash, or what it leaves behind
 * on a damaged file, stays there.  A file without compression is read there
 * too, its headers only (0, or -IOREP_ETRACEDAT when that crashed).
 */
int iorep_dat_uncompress(int fd, char *comp, size_t len, int *out);

#endif
