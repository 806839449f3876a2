/* SPDX-License-Identifier: MIT */
/* trace.dat options and texts that libtracecmd 1.3.1 cannot be given (see dat-option.c). */
#ifndef IOREP_DAT_OPTION_H
#define IOREP_DAT_OPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libtracecmd's option ids (trace-cmd-private.h, not installed). */
enum iorep_dat_opt {
	IOREP_OPT_DONE = 0,
	IOREP_OPT_DATE = 1,
	IOREP_OPT_CPUSTAT = 2,
	IOREP_OPT_BUFFER = 3,
	IOREP_OPT_TRACECLOCK = 4,
	IOREP_OPT_UNAME = 5,
	IOREP_OPT_HOOK = 6,
	IOREP_OPT_OFFSET = 7,
	IOREP_OPT_CPUCOUNT = 8,
	IOREP_OPT_VERSION = 9,
	IOREP_OPT_PROCMAPS = 10,
	IOREP_OPT_TIME_SHIFT = 12,
	IOREP_OPT_GUEST = 13,
	IOREP_OPT_TSC2NSEC = 14,
	IOREP_OPT_KALLSYMS = 19,
	IOREP_OPT_PRINTK = 20,
	IOREP_OPT_BUFFER_TEXT = 22,
};

/* CPUs a trace.dat may say it has (kernels have 8192 at most), and the refusal past it. */
#define IOREP_DAT_CPUS_MAX (1u << 20)
#define IOREP_DAT_CPUS_TOO_MANY                                                                    \
	"a CPU count over 1048576 (libtracecmd would spend seconds looping over them)"

/* The @n-byte number (n <= 8) of a trace.dat at @p, big-endian if @big. */
static inline uint64_t iorep_dat_num(const unsigned char *p, size_t n, bool big)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

/* Whether dat-option.c looks into the payload of option @id. */
bool iorep_dat_option_checked(unsigned int id);

/*
 * Why libtracecmd cannot read option @id, whose payload is the @size bytes
 * at @p, of a file of version 7 or later if @v7, big-endian if @big; NULL
 * when it can.
 */
const char *iorep_dat_option_trap(unsigned int id, const unsigned char *p, size_t size, bool v7,
				  bool big);

/*
 * Why libtracecmd cannot parse the list of trace clocks @text (a C string:
 * the TRACECLOCK option, or the text after version 6's CPU table); NULL
 * when it can.
 */
const char *iorep_dat_clock_trap(const char *text);

/*
 * Why libtraceevent cannot parse the printk formats @text (a C string: the
 * printk section's text, "ADDRESS : \"FORMAT\"" a line); NULL when it can.
 */
const char *iorep_dat_printk_trap(const char *text);

#endif
