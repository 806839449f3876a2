/* SPDX-License-Identifier: MIT */
/* A trace.dat first opened by libtracecmd in a child process (see dat-probe.c). */
#ifndef IOREP_DAT_PROBE_H
#define IOREP_DAT_PROBE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Has libtracecmd open the trace.dat in @fd in a child process, as the
 * reader then opens it: a crash there is a refusal here, not a crash of the
 * reader.  When the file has compressed sections, the child also writes an
 * uncompressed copy of it (as `trace-cmd convert --compression none` does)
 * to an unnamed temporary file in $TMPDIR or /tmp, opened in *@out, and its
 * compression's name to @comp (@len bytes).  Returns 1 then; 0 when the
 * file opened (headers only: no compression, or instance buffers) or
 * libtracecmd cannot open it (the reader, reading @fd as it is, says why);
 * -errno when no copy can be made here (no temporary file, no process);
 * -IOREP_ETRACEDAT when libtracecmd or libtraceevent crashed on the file,
 * with the signal in *@out (or, a sanitizer's exit, minus the exit status),
 * or when libtracecmd could not copy its compressed data, with 0 in *@out;
 * -ETIMEDOUT when the child made no progress for IOREP_PROBE_STALL_MS
 * milliseconds (default below; 0 waits for ever) and was killed, with those
 * milliseconds in *@out.  What libtracecmd leaves
 * behind on a damaged file stays in the child too.
 */
#define IOREP_PROBE_STALL_DEFAULT_MS 30000

/*
 * With @zcpu (a compressed file's @nzcpu CPUs, from iorep_dat_check()), the
 * CPU data is not copied: the child copies the headers only, uncompressed,
 * to a memory file opened in *@out, sets up the CPU data as libtracecmd's
 * loop would (in memory), and fills in the first and last records it reads
 * of each CPU; 2 is returned when it could.
 */
/*
 * The instance buffers in *@inst (bit i: instance i; NULL or 0 for none) are
 * opened in the child too, after the top buffer, and their CPUs' first and
 * last records read: with @zcpu, into the entries @zb says are theirs (the
 * top buffer's are @zb->nztop first).  *@inst is then set to those it could
 * open; when libtracecmd crashes or stalls on them, to 0, and the file is
 * not refused: it is the top buffer that the rest of this says of.
 */
struct iorep_dat_zcpu;
struct iorep_dat_zbufs;

int iorep_dat_probe(int fd, char *comp, size_t len, int *out, struct iorep_dat_zcpu *zcpu,
		    uint32_t nzcpu, const struct iorep_dat_zbufs *zb, uint64_t *inst);

/*
 * The compression the header of the trace.dat in @fd names, and its
 * version: version 7 and later have them after the page size ("none" when
 * there is none).  Returns 1 with @name and @version filled in (each up to
 * its @..._len bytes with its NUL) and the name's file offset in *@offset;
 * 0 for a file before version 7, or one that names "none" (then filled in
 * too); -1 when the header is too short or damaged to tell, or a name is
 * longer than its buffer.
 */
int iorep_dat_compression(int fd, char *name, size_t name_len, char *version, size_t version_len,
			  size_t *offset);

#endif
