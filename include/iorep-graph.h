/* SPDX-License-Identifier: MIT */
/*
 * The topology graph of a model, built with graphviz's cgraph and laid out
 * and rendered with gvc: IOMMU groups are clusters, devices are nodes
 * (labelled with the BDF, and the vendor/device/class names when known),
 * PCI bridges are linked to the devices behind them, and each device is
 * coloured by the kind of domain it is attached to at one moment of the
 * trace.  A legend explains the colours.
 *
 * Strings from the trace reach graphviz only as label text, made inert
 * first (iorep_inert_copy()) and with graphviz's own escapes (backslash)
 * neutralised, so no device name can change the graph's structure; node
 * and cluster names are generated ("dev3", "cluster_g7").
 */
#ifndef IOREP_GRAPH_H
#define IOREP_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "iorep-model.h"
#include "iorep-pci.h"

/* A model with more devices is not drawn (-IOREP_ELIMIT): no one could read it. */
#define IOREP_GRAPH_MAX_DEVICES 4096

struct iorep_graph_opts {
	uint64_t at;		  /* trace time (ns) to draw; IOREP_TS_OPEN: end of trace */
	struct iorep_pciids *ids; /* names for devices lspci did not name; may be NULL */
};

/*
 * What a device was attached to at @at, for the colour of its node: the
 * kind of its domain (IOREP_DOM_*), or -1 when it was not present (it
 * appears later in the trace) or its domain is unknown.
 */
int iorep_graph_device_state(const struct iorep_model *m, uint32_t dev, uint64_t at);

/*
 * graphviz's layout and rendering engine (a gvc context with its plugins).
 * graphviz 2.42 keeps font caches for the whole process that the end of one
 * context leaves dangling for the next (its pango plugin then reads freed
 * memory), so a program makes one, renders everything with it, and frees it
 * when it is done drawing for good.  Returns NULL on allocation failure.
 */
struct iorep_graphviz;
struct iorep_graphviz *iorep_graphviz_new(void);
void iorep_graphviz_free(struct iorep_graphviz *gv);

/*
 * Renders the graph of @m in @format ("dot", "svg", "png", or any output
 * format of the installed gvc plugins) into a malloc()ed buffer the caller
 * frees with free(): *@data and *@len.  DOT output is the graph as built
 * (no layout), so it is deterministic, and needs no @gv (it may be NULL);
 * the others are laid out with dot by @gv.
 * Returns 0, or -IOREP_ENOMEM, or -IOREP_EOUTPUT with a one-line reason in
 * @err (@errlen bytes) when graphviz cannot lay out or render, or
 * -IOREP_ELIMIT (with a reason) beyond IOREP_GRAPH_MAX_DEVICES devices.
 */
int iorep_graph_render(struct iorep_graphviz *gv, const struct iorep_model *m,
		       const struct iorep_graph_opts *o, const char *format, char **data,
		       size_t *len, char *err, int errlen);

#endif
