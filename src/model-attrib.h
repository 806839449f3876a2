/* SPDX-License-Identifier: MIT */
/*
 * Attribution of iommu map/unmap events, which name no device, to a
 * domain.  Strongest first:
 *   1. the dma:* event next to it on the same CPU (6.12+): `map` comes right
 *      before dma_map_page/dma_map_sg/dma_alloc, `unmap` right before
 *      dma_unmap_page but right after dma_unmap_sg/dma_free (one unmap each);
 *   2. a map 1:1 (IOVA = physical address) right before an attach by the same
 *      task: a reserved region of that device, in its group's DMA domain (a
 *      direct map);
 *   3. the process that attached a device to a user domain;
 *   4. else the pool of unattributed mappings.
 *
 * The first step needs nothing but the event stream, so it is a stage
 * (iorep-stage.h) of its own: it holds map/unmap events back per CPU and
 * lets them go, claimed by a device or not, in the order the model must
 * take them.  The model (iorep_model_apply()) does the rest.  In one thread
 * iorep_model_feed() runs both; with the input read ahead, the stage runs on
 * the reader's thread.
 */
#ifndef IOREP_MODEL_ATTRIB_H
#define IOREP_MODEL_ATTRIB_H

#include "iorep-stage.h"

struct iorep_attrib;

/* A new stage, or NULL when out of memory; iorep_attrib_free() frees it. */
struct iorep_attrib *iorep_attrib_new(void);
void iorep_attrib_free(struct iorep_attrib *a);

/* The stage's push() and end(), for struct iorep_stage. */
int iorep_attrib_push(void *a, const struct iorep_event *ev, iorep_stage_emit_fn emit, void *ctx);
int iorep_attrib_end(void *a, iorep_stage_emit_fn emit, void *ctx);

#endif
