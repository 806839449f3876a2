/* SPDX-License-Identifier: MIT */
/* A trace.dat's kallsyms, read only for stack traces (tracecmd-ksyms.c). */
#ifndef IOREP_TRACECMD_KSYMS_H
#define IOREP_TRACECMD_KSYMS_H

struct tep_handle;
struct tracecmd_input;

/*
 * Frees what is kept of the kallsyms of @h, a handle libtracecmd opened on
 * a file (its instances' handles share it): before tracecmd_close(@h).
 */
void iorep_tracecmd_ksyms_free(struct tracecmd_input *h);

/* The same for a handle given its kallsyms by tep_parse_kallsyms() directly. */
void iorep_ksyms_free(struct tep_handle *tep);

#endif
