/* SPDX-License-Identifier: MIT */
/*
 * Error codes shared by every module of iommu-report.
 *
 * Functions return 0 (or a positive count) on success and a negative
 * IOREP_E* code on failure, as libtraceevent does with TEP_ERRORS.  Only
 * main.c turns an error into an exit status.
 */
#ifndef IOREP_ERROR_H
#define IOREP_ERROR_H

#define IOREP_ERRORS                                                           \
	_E(NOMEM, "out of memory")                                             \
	_E(IO, "input/output error")                                          \
	_E(OPEN, "cannot open file")                                           \
	_E(EMPTY, "file is empty")                                             \
	_E(FORMAT, "not a trace.dat file nor ftrace text")                    \
	_E(TRACEDAT, "libtracecmd cannot read this trace.dat")                \
	_E(TRUNCATED, "file is cut short")                                     \
	_E(DECOMPRESS, "compressed stream is corrupt")                         \
	_E(NOEVENTS, "no iommu or dma events in the input")                    \
	_E(PARSE, "cannot parse input")                                        \
	_E(INVAL, "invalid argument")                                          \
	_E(LIMIT, "a resource limit was reached")                              \
	_E(OUTPUT, "cannot write output")

#undef _E
#define _E(code, str) IOREP_E##code,
enum iorep_errno {
	IOREP_E__START = 1000,
	IOREP_ERRORS IOREP_E__END
};
#undef _E

/* Returns a static string for a negative IOREP_E* code (or a negative errno). */
const char *iorep_strerror(int err);

#endif
