/* SPDX-License-Identifier: MIT */
/*
 * Attribution of iommu map/unmap events, which name no device, to a
 * domain.  Strongest first:
 *   1. the dma:* event next to it on the same CPU (6.12+): `map` comes right
 *      before dma_map_page/dma_map_sg/dma_alloc, `unmap` right before
 *      dma_unmap_page but right after dma_unmap_sg/dma_free (one unmap each);
 *   2. the process that attached a device to a user domain;
 *   3. else the pool of unattributed mappings.
 */
#ifndef IOREP_MODEL_ATTRIB_H
#define IOREP_MODEL_ATTRIB_H

#include "iorep-model.h"

/*
 * Sees every event first.  Returns 1 when it took the event (a map or unmap
 * it holds or has processed), 0 when the model should go on with it, or a
 * negative IOREP_E* code.
 */
int iorep_attrib_feed(struct iorep_model *m, const struct iorep_event *ev);

/* Processes every held event as unattributed (end of trace). */
int iorep_attrib_flush_all(struct iorep_model *m);

void iorep_attrib_release(struct iorep_model *m);

#endif
