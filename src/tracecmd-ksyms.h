/* SPDX-License-Identifier: MIT */
/* A trace.dat's kallsyms, read only for stack traces (tracecmd-ksyms.c). */
#ifndef IOREP_TRACECMD_KSYMS_H
#define IOREP_TRACECMD_KSYMS_H

struct tracecmd_input;

/*
 * Frees what is kept of the kallsyms of @h, a handle libtracecmd opened on
 * a file (its instances' handles share it): before tracecmd_close(@h).
 */
void iorep_tracecmd_ksyms_free(struct tracecmd_input *h);

#endif
