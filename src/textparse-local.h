/* SPDX-License-Identifier: MIT */
/* Between the ftrace text parser (text-parse.c) and its plugin-form reader (text-plugin.c). */
#ifndef IOREP_TEXTPARSE_LOCAL_H
#define IOREP_TEXTPARSE_LOCAL_H

#include "iorep-textparse.h"

/* Appends to array scratch @which (0 phys_addrs, 1 dma_addrs) or the lengths; 0 or -IOREP_ENOMEM.
 */
int iorep_textparse_push_u64(struct iorep_textparse *tp, int which, uint64_t v);
int iorep_textparse_push_u32(struct iorep_textparse *tp, uint32_t v);

/* Interns a comm, device, driver or gfp name through the parser's cache; NULL: no memory. */
const char *iorep_textparse_intern(struct iorep_textparse *tp, const char *s, size_t len);

/* Stores the printed value @p/@n of field @f: 0, -1 when malformed, or -IOREP_ENOMEM. */
int iorep_textparse_set_field(struct iorep_textparse *tp, struct iorep_event *ev, int f,
			      const char *p, size_t n);

/*
 * Reads the payload @p/@n of a map, unmap, dma_map_page or dma_unmap_page
 * (@ev reset to its type) by the kernel's print format (text-fast.c).
 * Returns 0 (read, @ev filled as the generic parser fills it) or 1 (not
 * exactly that form: @ev as it was, for the generic parser).
 */
int iorep_textparse_fast(struct iorep_textparse *tp, struct iorep_event *ev, const char *p,
			 size_t n);

/*
 * Reads a payload printed by plugin_iommu (include/iorep-print.h), as
 * `trace-cmd report` prints it when the plugin is installed.  Returns 0
 * (parsed), -1 (the plugin's form, but broken), 1 (not the plugin's form:
 * try the kernel's) or -IOREP_ENOMEM.
 */
int iorep_textparse_plugin(struct iorep_textparse *tp, struct iorep_event *ev, const char *p,
			   size_t n);

#endif
