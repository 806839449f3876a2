/* SPDX-License-Identifier: MIT */
/*
 * Copies of a damaged trace.dat that libtracecmd can read, each a memory
 * file: the events before and after the damage are then used, and the
 * user's file is never written.
 */
#ifndef IOREP_DAT_COPY_H
#define IOREP_DAT_COPY_H

#include <sys/types.h>

#include "dat-check.h"

/*
 * @fd (@size bytes) with the commit word of each page at c->bad made 0: an
 * empty page to libtracecmd.  Returns the new fd, or -1.
 */
int iorep_dat_blank_copy(int fd, off_t size, const struct iorep_dat_check *c);

/*
 * A version 6 trace.dat cut short at @size, padded with zeros (empty pages)
 * so that libtracecmd reads the CPU data it has.  Every CPU's data that runs
 * past @size (@cpus: the flyrecord table, iorep_dat_check() found it) ends at
 * the page holding @size: past it are only zeros, which libtracecmd would
 * walk one by one, a gigabyte of them for a damaged size (memory, too).
 * Returns the new fd, or -1.
 */
int iorep_dat_pad_copy(int fd, off_t size, const struct iorep_dat_cpus *cpus);

#endif
