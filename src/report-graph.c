// SPDX-License-Identifier: MIT
/*
 * The topology graph: cgraph builds it, gvc lays it out and renders it.
 *
 *   graph "iommu"          top to bottom, a title with the moment drawn
 *     cluster_gN           one per IOMMU group, in id order; bold when it
 *                          holds more than one device, red when it split;
 *                          its DMA domain's reserved regions mapped 1:1
 *       devN               one per device: BDF, names, domain; filled by
 *                          the kind of domain at that moment
 *     cluster_nogroup      devices whose group the trace never told
 *     domN                 user domains attached at that moment, with an
 *                          edge from each device in them (VFIO containers
 *                          shared by several groups show as one node)
 *     cluster_legend       what the colours and lines mean
 *   edges devA -> devB     a PCI bridge and a device behind it: solid when
 *                          lspci -PP said so, dashed when inferred from a
 *                          group that holds one bridge and devices on
 *                          another bus (a PCIe-to-PCI bridge aliases the
 *                          requester IDs behind it, which is why they share
 *                          its group)
 */
#define _GNU_SOURCE /* qsort_r, open_memstream */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "iorep-error.h"
#include "iorep-graph.h"
#include "iorep-render.h"

/* Clusters in one row of the grid, at most. */
#define GRID_COLS_MAX 6

/* Longest piece of a label taken from the trace, in characters. */
#define LABEL_PART_MAX 64

struct kind_style {
	const char *legend;
	const char *fill;
};

/* Index: enum iorep_domain_kind; the last entry is "not present / unknown". */
static const struct kind_style kind_styles[] = {
	[IOREP_DOM_DMA] = {"host DMA domain", "#a0cbe8"},
	[IOREP_DOM_USER] = {"user domain (VFIO)", "#ffbe7d"},
	[IOREP_DOM_BLOCKED] = {"blocked", "#ff9d9a"},
	[IOREP_DOM_POOL] = {"unattributed", "#d7d2cf"},
	[IOREP_DOM_IDENTITY] = {"identity (passthrough)", "#8cd17d"},
};
static const struct kind_style absent_style = {"not present / unknown", "#ffffff"};

static const struct kind_style *style_of(int kind)
{
	if (kind < 0 || (size_t)kind >= sizeof(kind_styles) / sizeof(kind_styles[0]))
		return &absent_style;
	return &kind_styles[kind];
}

/*
 * The domain a device is in at @at: that of its epoch then (an implicit
 * first epoch also covers the time before it), its group's default domain
 * when it never changed domain in the trace, or IOREP_NONE when it was not
 * there yet, had left for nowhere known, or its domain is unknown.
 */
static uint32_t domain_at(const struct iorep_model *m, uint32_t dev, uint64_t at)
{
	const struct iorep_device *d = &m->devices[dev];
	const struct iorep_epoch *e;
	uint32_t lo = 0, hi = d->nepochs, g;

	if (!d->nepochs) {
		g = d->group >= 0 ? iorep_model_group_find(m, d->group) : IOREP_NONE;
		return g == IOREP_NONE ? IOREP_NONE : m->groups[g].domain;
	}
	/* the last epoch that starts at or before @at */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (d->epochs[mid].start <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0) {
		e = &d->epochs[0];
		if (e->how == IOREP_EPOCH_APPEAR)
			return IOREP_NONE; /* it appears later */
	} else {
		e = &d->epochs[lo - 1];
		if (e->end != IOREP_TS_OPEN && e->end <= at)
			return IOREP_NONE; /* it left and went nowhere known */
	}
	return e->domain;
}

int iorep_graph_device_state(const struct iorep_model *m, uint32_t dev, uint64_t at)
{
	uint32_t dom = domain_at(m, dev, at);

	return dom == IOREP_NONE ? -1 : (int)m->domains[dom].kind;
}

/*
 * Appends @s to @buf as label text: inert (no control bytes), at most
 * LABEL_PART_MAX characters, with each backslash doubled so that
 * graphviz's escapes (\N, \G, \l ...) cannot be spelt by the trace, and
 * each '&' written as "&amp;" so that no entity can be either.
 */
static void label_add(char *buf, size_t size, const char *s)
{
	char inert[LABEL_PART_MAX * 4 + 8];
	size_t len = strlen(buf), n, i;

	n = iorep_inert_copy(inert, sizeof(inert), s);
	if (iorep_inert_width(s) > LABEL_PART_MAX) {
		/* cut at a character boundary, then mark the cut */
		size_t cols = 0;

		for (i = 0; i < n && cols < LABEL_PART_MAX - 3; cols++) {
			int cl = iorep_utf8_char_len(inert + i);

			i += cl > 0 ? (size_t)cl : 1;
		}
		n = i;
		memcpy(inert + n, "...", 4);
		n += 3;
	}
	for (i = 0; i < n && len + 6 < size; i++) {
		if (inert[i] == '&') {
			/* graphviz reads entities in labels: "&amp;" must stay five characters */
			memcpy(buf + len, "&amp;", 5);
			len += 5;
			continue;
		}
		if (inert[i] == '\\')
			buf[len++] = '\\';
		buf[len++] = inert[i];
	}
	buf[len] = '\0';
}

/* Ends a label line (graphviz's centred line break). */
static void label_nl(char *buf, size_t size)
{
	size_t len = strlen(buf);

	if (len + 3 <= size)
		memcpy(buf + len, "\\n", 3);
}

/*
 * Object names to ids, in creation order.  cgraph's default discipline uses
 * the address of the interned name as the id, and orders subgraphs by id:
 * the clusters would come out in an order that depends on the heap.  Here
 * named objects get even ids 2, 4, 6... as they are created (anonymous ones,
 * edges, odd ids), so the DOT output and the layout follow the order the
 * graph was built in: groups by id, devices by address.
 */
struct idmap {
	Agraph_t *g;
	char **names; /* names[id / 2 - 1], interned in g's strings */
	size_t n, cap;
	IDTYPE anon;
};

static void *id_open(Agraph_t *g, Agdisc_t *disc)
{
	struct idmap *im = calloc(1, sizeof(*im));

	if (im) {
		im->g = g;
		im->anon = 1;
	}
	return im;
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	struct idmap *im = state;
	size_t i;

	if (!str) {
		*id = im->anon;
		im->anon += 2;
		return 1;
	}
	/* graphs are small (MAX_DRAWN devices): a linear search is enough */
	for (i = 0; i < im->n; i++)
		if (!strcmp(im->names[i], str)) {
			*id = 2 * (IDTYPE)(i + 1);
			return 1;
		}
	if (!createflag)
		return 0;
	if (im->n == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 64;
		char **names = realloc(im->names, cap * sizeof(*names));

		if (!names)
			return 0;
		im->names = names;
		im->cap = cap;
	}
	/* cgraph's writer asks the interned string whether it is HTML */
	im->names[im->n] = agstrdup(im->g, str);
	if (!im->names[im->n])
		return 0;
	*id = 2 * (IDTYPE)++im->n;
	return 1;
}

static long id_alloc(void *state, int objtype, IDTYPE request)
{
	return 0; /* ids are never chosen by the caller here */
}

static void id_free(void *state, int objtype, IDTYPE id)
{
	/* names live until the graph is closed */
}

static char *id_print(void *state, int objtype, IDTYPE id)
{
	struct idmap *im = state;

	if (id % 2 || id / 2 - 1 >= im->n)
		return NULL;
	return im->names[id / 2 - 1];
}

static void id_close(void *state)
{
	struct idmap *im = state;
	size_t i;

	for (i = 0; i < im->n; i++)
		agstrfree(im->g, im->names[i]);
	free(im->names);
	free(im);
}

static void id_register(void *state, int objtype, void *obj)
{
}

/* cgraph keeps pointers to these for the life of each graph: never written */
static Agiddisc_t iddisc = {id_open, id_map, id_alloc, id_free, id_print, id_close, id_register};
static Agdisc_t disc = {&AgMemDisc, &iddisc, &AgIoDisc};

static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

struct builder {
	const struct iorep_model *m;
	const struct iorep_graph_opts *o;
	Agraph_t *g;
	Agnode_t **nodes; /* per device */
	Agnode_t **doms;  /* per domain, user domains drawn */
	/* the grid's cells (clusters, the legend) and their nodes, in order */
	Agnode_t **cell_nodes;
	uint32_t *cell_start; /* cell i holds cell_nodes[cell_start[i] .. cell_start[i + 1]) */
	uint32_t ncells, ncell_nodes;
	int err;
};

static void device_label(struct builder *b, uint32_t dev, int kind, char *buf, size_t size)
{
	const struct iorep_device *d = &b->m->devices[dev];
	const char *desc = d->description, *cls = d->class_name;
	char line[96];

	if (d->has_ids && b->o->ids && (!desc || !*desc)) {
		const char *v = iorep_pciids_vendor(b->o->ids, d->vendor);
		const char *n = iorep_pciids_device(b->o->ids, d->vendor, d->device_id);

		if (v && n) {
			snprintf(line, sizeof(line), "%.40s %.50s", v, n);
			desc = line;
		}
	}
	if (d->has_class && b->o->ids && (!cls || !*cls))
		cls = iorep_pciids_class(b->o->ids, d->class_code);
	buf[0] = '\0';
	label_add(buf, size, d->name);
	if (desc && *desc) {
		label_nl(buf, size);
		label_add(buf, size, desc);
	}
	if (cls && *cls) {
		label_nl(buf, size);
		label_add(buf, size, cls);
	}
	label_nl(buf, size);
	label_add(buf, size, kind < 0 ? "not present" : iorep_domain_kind_name(kind));
	if (d->findings) {
		snprintf(line, sizeof(line), "%" PRIu32 " finding%s", d->findings,
			 d->findings == 1 ? "" : "s");
		label_nl(buf, size);
		label_add(buf, size, line);
	}
}

static Agnode_t *device_node(struct builder *b, Agraph_t *sub, uint32_t dev)
{
	const struct iorep_device *d = &b->m->devices[dev];
	int kind = iorep_graph_device_state(b->m, dev, b->o->at);
	char name[32], label[1024];
	Agnode_t *n;

	snprintf(name, sizeof(name), "dev%" PRIu32, dev);
	n = agnode(sub, name, 1);
	if (!n)
		return NULL;
	device_label(b, dev, kind, label, sizeof(label));
	set(n, "label", label);
	set(n, "fillcolor", style_of(kind)->fill);
	if (kind < 0)
		set(n, "style", "rounded,dashed");
	if (d->bridge)
		set(n, "peripheries", "2");
	if (d->findings) {
		set(n, "color", "#d62728");
		set(n, "penwidth", "3");
	}
	b->nodes[dev] = n;
	return n;
}

static int dev_addr_cmp(const void *a, const void *b, void *arg)
{
	const struct iorep_model *m = arg;
	const struct iorep_device *x = &m->devices[*(const uint32_t *)a];
	const struct iorep_device *y = &m->devices[*(const uint32_t *)b];

	if (x->is_pci != y->is_pci)
		return x->is_pci ? -1 : 1;
	if (x->is_pci)
		return iorep_pci_addr_cmp(&x->addr, &y->addr);
	return strcmp(x->name, y->name);
}

static void group_cluster(struct builder *b, const struct iorep_group *grp)
{
	const struct iorep_model *m = b->m;
	uint64_t ndirect = grp->domain < m->ndomains ? m->domains[grp->domain].direct_maps : 0;
	char name[40], label[128], direct[64] = "";
	uint32_t *devs, i;
	Agraph_t *sub;

	snprintf(name, sizeof(name), "cluster_g%" PRId32, grp->id);
	sub = agsubg(b->g, name, 1);
	if (!sub) {
		b->err = -IOREP_ENOMEM;
		return;
	}
	/* a reserved region (an RMRR...) of its devices, which VFIO may refuse to assign */
	if (ndirect)
		snprintf(direct, sizeof(direct), "\\n%" PRIu64 " reserved region%s mapped 1:1",
			 ndirect, ndirect == 1 ? "" : "s");
	snprintf(label, sizeof(label), "IOMMU group %" PRId32 "%s%s", grp->id,
		 grp->split_reported ? " (split)" : "", direct);
	set(sub, "label", label);
	if (grp->ndevices > 1)
		set(sub, "penwidth", "2.5");
	if (grp->split_reported)
		set(sub, "color", "#d62728");
	devs = malloc(sizeof(*devs) * (grp->ndevices ? grp->ndevices : 1));
	if (!devs) {
		b->err = -IOREP_ENOMEM;
		return;
	}
	memcpy(devs, grp->devices, sizeof(*devs) * grp->ndevices);
	qsort_r(devs, grp->ndevices, sizeof(*devs), dev_addr_cmp, (void *)b->m);
	for (i = 0; i < grp->ndevices && !b->err; i++)
		if (!device_node(b, sub, devs[i]))
			b->err = -IOREP_ENOMEM;
	for (i = 0; i < grp->ndevices && !b->err; i++)
		b->cell_nodes[b->ncell_nodes++] = b->nodes[devs[i]];
	if (grp->ndevices)
		b->cell_start[++b->ncells] = b->ncell_nodes;
	free(devs);
}

/* Devices in no group at the end: hot-unplugged, or never placed. */
static void groupless_cluster(struct builder *b)
{
	Agraph_t *sub = NULL;
	uint32_t i;

	for (i = 0; i < b->m->ndevices && !b->err; i++) {
		if (b->nodes[i])
			continue;
		if (!sub) {
			sub = agsubg(b->g, (char *)"cluster_nogroup", 1);
			if (!sub) {
				b->err = -IOREP_ENOMEM;
				return;
			}
			set(sub, "label", "no IOMMU group (removed, or never told)");
			set(sub, "style", "dashed");
		}
		if (!device_node(b, sub, i))
			b->err = -IOREP_ENOMEM;
		else
			b->cell_nodes[b->ncell_nodes++] = b->nodes[i];
	}
	if (sub)
		b->cell_start[++b->ncells] = b->ncell_nodes;
}

/* The one bridge of a group, or IOREP_NONE when it has none or several. */
static uint32_t group_bridge(const struct iorep_model *m, const struct iorep_group *grp)
{
	uint32_t i, br = IOREP_NONE;

	for (i = 0; i < grp->ndevices; i++) {
		const struct iorep_device *d = &m->devices[grp->devices[i]];

		if (!d->bridge || !d->is_pci)
			continue;
		if (br != IOREP_NONE)
			return IOREP_NONE;
		br = grp->devices[i];
	}
	return br;
}

static void pci_edges(struct builder *b)
{
	const struct iorep_model *m = b->m;
	uint32_t gi, i;
	Agedge_t *e;

	for (gi = 0; gi < m->ngroups && !b->err; gi++) {
		const struct iorep_group *grp = &m->groups[gi];
		uint32_t br = group_bridge(m, grp);
		const struct iorep_device *bd;

		if (br == IOREP_NONE)
			continue;
		bd = &m->devices[br];
		for (i = 0; i < grp->ndevices; i++) {
			const struct iorep_device *d = &m->devices[grp->devices[i]];

			if (grp->devices[i] == br || !d->is_pci ||
			    d->addr.domain != bd->addr.domain || d->addr.bus <= bd->addr.bus)
				continue;
			e = agedge(b->g, b->nodes[br], b->nodes[grp->devices[i]], NULL, 1);
			if (!e) {
				b->err = -IOREP_ENOMEM;
				return;
			}
			set(e, "style", "dashed");
			set(e, "tooltip",
			    "behind the bridge (inferred: they share its IOMMU group)");
		}
	}
}

/* User domains attached at the moment, each a node the devices in it point to. */
static void user_domains(struct builder *b)
{
	const struct iorep_model *m = b->m;
	char name[32], label[512], line[96];
	uint32_t i, dom;
	Agnode_t *n;

	for (i = 0; i < m->ndevices && !b->err; i++) {
		dom = domain_at(m, i, b->o->at);
		if (dom == IOREP_NONE || m->domains[dom].kind != IOREP_DOM_USER || !b->nodes[i])
			continue;
		n = b->doms[dom];
		if (!n) {
			const struct iorep_domain *d = &m->domains[dom];

			snprintf(name, sizeof(name), "dom%" PRIu32, dom);
			n = agnode(b->g, name, 1);
			if (!n) {
				b->err = -IOREP_ENOMEM;
				return;
			}
			snprintf(label, sizeof(label), "user domain %" PRIu32, dom);
			label_nl(label, sizeof(label));
			label_add(label, sizeof(label), d->owner_comm ? d->owner_comm : "?");
			snprintf(line, sizeof(line), " (pid %" PRId32 ")", d->owner_pid);
			label_add(label, sizeof(label), line);
			set(n, "label", label);
			set(n, "shape", "ellipse");
			set(n, "style", "filled");
			set(n, "fillcolor", style_of(IOREP_DOM_USER)->fill);
			b->doms[dom] = n;
		}
		if (!agedge(b->g, b->nodes[i], n, NULL, 1))
			b->err = -IOREP_ENOMEM;
	}
}

/*
 * The legend: one node whose label is a table (an HTML-like label made of
 * fixed text only, no trace data).
 */
static void legend(struct builder *b)
{
	static const int kinds[] = {IOREP_DOM_DMA, IOREP_DOM_USER, IOREP_DOM_IDENTITY,
				    IOREP_DOM_BLOCKED, -1};
	char html[2048];
	size_t i, len;
	Agnode_t *n;
	char *h;

	len = (size_t)snprintf(html, sizeof(html),
			       "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"2\">"
			       "<TR><TD BORDER=\"0\"><B>legend</B></TD></TR>");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		len += (size_t)snprintf(html + len, sizeof(html) - len,
					"<TR><TD BGCOLOR=\"%s\" STYLE=\"rounded%s\">%s</TD></TR>",
					style_of(kinds[i])->fill, kinds[i] < 0 ? ",dashed" : "",
					style_of(kinds[i])->legend);
	snprintf(html + len, sizeof(html) - len,
		 "<TR><TD COLOR=\"#d62728\" STYLE=\"rounded\" BORDER=\"3\">device with "
		 "findings</TD></TR>"
		 "<TR><TD STYLE=\"rounded\">PCI bridge (double border)</TD></TR>"
		 "<TR><TD BORDER=\"0\">- - &gt; behind the bridge (inferred)</TD></TR>"
		 "<TR><TD BORDER=\"0\">bold frame: group of several devices</TD></TR>"
		 "</TABLE>");
	n = agnode(b->g, (char *)"legend", 1);
	h = agstrdup_html(b->g, html);
	if (!n || !h) {
		b->err = -IOREP_ENOMEM;
		return;
	}
	set(n, "shape", "plain");
	set(n, "style", "");
	agsafeset(n, (char *)"label", h, (char *)"");
	agstrfree(b->g, h);
	b->cell_nodes[b->ncell_nodes++] = n;
	b->cell_start[++b->ncells] = b->ncell_nodes;
}

/*
 * Lays the cells (group clusters, the legend) out as a grid, in the order
 * they were made, about as many to a row as there are rows: invisible edges
 * from every node of a cell to every node of the cell one row below put
 * the whole cell under it, on one rank.
 */
static void grid(struct builder *b)
{
	uint32_t cols = 1, c, u, v;
	Agedge_t *e;

	while (cols * cols < b->ncells)
		cols++;
	if (cols > GRID_COLS_MAX)
		cols = GRID_COLS_MAX;
	for (c = cols; c < b->ncells; c++)
		for (u = b->cell_start[c - cols]; u < b->cell_start[c - cols + 1]; u++)
			for (v = b->cell_start[c]; v < b->cell_start[c + 1]; v++) {
				e = agedge(b->g, b->cell_nodes[u], b->cell_nodes[v], NULL, 1);
				if (!e) {
					b->err = -IOREP_ENOMEM;
					return;
				}
				set(e, "style", "invis");
			}
}

static void title(struct builder *b)
{
	const struct iorep_model *m = b->m;
	char label[160];

	if (b->o->at == IOREP_TS_OPEN)
		snprintf(label, sizeof(label), "IOMMU topology at the end of the trace");
	else
		snprintf(label, sizeof(label), "IOMMU topology at %" PRIu64 ".%06" PRIu64 " s%s",
			 b->o->at / 1000000000, b->o->at % 1000000000 / 1000,
			 m->events && (b->o->at < m->first_ts || b->o->at > m->last_ts)
				 ? " (outside the trace)"
				 : "");
	set(b->g, "label", label);
	set(b->g, "labelloc", "t");
}

static Agraph_t *build(const struct iorep_model *m, const struct iorep_graph_opts *o, int *err)
{
	struct builder b = {.m = m, .o = o};
	uint32_t *order, i;

	if (m->ndevices > IOREP_GRAPH_MAX_DEVICES) {
		*err = -IOREP_ELIMIT;
		return NULL;
	}
	b.g = agopen((char *)"iommu", Agdirected, &disc);
	b.nodes = calloc(m->ndevices + 1, sizeof(*b.nodes));
	b.doms = calloc(m->ndomains + 1, sizeof(*b.doms));
	b.cell_nodes = calloc(m->ndevices + 1, sizeof(*b.cell_nodes));
	b.cell_start = calloc(m->ngroups + 3, sizeof(*b.cell_start));
	if (!b.g || !b.nodes || !b.doms || !b.cell_nodes || !b.cell_start) {
		b.err = -IOREP_ENOMEM;
		goto out;
	}
	agattr(b.g, AGRAPH, (char *)"rankdir", (char *)"TB");
	agattr(b.g, AGRAPH, (char *)"fontname", (char *)"Helvetica");
	agattr(b.g, AGRAPH, (char *)"newrank", (char *)"true");
	/* gvContext() declares this default for every later graph: say it always */
	agattr(b.g, AGNODE, (char *)"label", (char *)"\\N");
	agattr(b.g, AGNODE, (char *)"shape", (char *)"box");
	agattr(b.g, AGNODE, (char *)"style", (char *)"rounded,filled");
	agattr(b.g, AGNODE, (char *)"fontname", (char *)"Helvetica");
	agattr(b.g, AGNODE, (char *)"fontsize", (char *)"10");
	agattr(b.g, AGEDGE, (char *)"color", (char *)"#555555");
	title(&b);
	legend(&b);
	order = iorep_model_group_order(m);
	if (m->ngroups && !order)
		b.err = -IOREP_ENOMEM;
	for (i = 0; i < m->ngroups && !b.err; i++)
		group_cluster(&b, &m->groups[order[i]]);
	free(order);
	if (!b.err)
		groupless_cluster(&b);
	if (!b.err)
		pci_edges(&b);
	if (!b.err)
		user_domains(&b);
	if (!b.err)
		grid(&b);
out:
	free(b.nodes);
	free(b.doms);
	free(b.cell_nodes);
	free(b.cell_start);
	if (b.err && b.g) {
		agclose(b.g);
		b.g = NULL;
	}
	*err = b.err;
	return b.g;
}

/* The DOT of the graph as built, through cgraph's own writer. */
static int write_dot(Agraph_t *g, char **data, size_t *len)
{
	FILE *fp = open_memstream(data, len);
	int ret;

	if (!fp)
		return -IOREP_ENOMEM;
	ret = agwrite(g, fp);
	if (fclose(fp) != 0 || ret != 0) {
		free(*data);
		*data = NULL;
		return -IOREP_ENOMEM;
	}
	return 0;
}

/* graphviz's last complaint, as one line. */
static void graphviz_error(char *err, int errlen, const char *what, const char *format)
{
	char *msg = aglasterr();
	char *p;

	if (msg) {
		for (p = msg; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		while (p > msg && p[-1] == ' ')
			*--p = '\0';
	}
	snprintf(err, errlen, "graphviz cannot %s %s%s%s", what, format, msg && *msg ? ": " : "",
		 msg ? msg : "");
	free(msg);
}

struct iorep_graphviz {
	GVC_t *gvc;
};

struct iorep_graphviz *iorep_graphviz_new(void)
{
	struct iorep_graphviz *gv = calloc(1, sizeof(*gv));

	if (!gv)
		return NULL;
	gv->gvc = gvContext();
	if (!gv->gvc) {
		free(gv);
		return NULL;
	}
	return gv;
}

void iorep_graphviz_free(struct iorep_graphviz *gv)
{
	if (!gv)
		return;
	gvFreeContext(gv->gvc);
	free(gv);
}

int iorep_graph_render(struct iorep_graphviz *gv, const struct iorep_model *m,
		       const struct iorep_graph_opts *o, const char *format, char **data,
		       size_t *len, char *err, int errlen)
{
	unsigned int rlen = 0;
	char *rdata = NULL;
	Agraph_t *g;
	int ret;

	*data = NULL;
	*len = 0;
	/* keep graphviz quiet on stderr; aglasterr() has its message for ours */
	agseterr(AGMAX);
	g = build(m, o, &ret);
	if (!g) {
		if (ret == -IOREP_ELIMIT)
			snprintf(err, errlen,
				 "too many devices to draw: %" PRIu32 " (the graph stops at %d)",
				 m->ndevices, IOREP_GRAPH_MAX_DEVICES);
		return ret;
	}
	if (!strcmp(format, "dot")) {
		ret = write_dot(g, data, len);
		agclose(g);
		return ret;
	}
	if (!gv) {
		agclose(g);
		return -IOREP_EINVAL;
	}
	ret = 0;
	if (gvLayout(gv->gvc, g, "dot") != 0) {
		graphviz_error(err, errlen, "lay out the graph for", format);
		ret = -IOREP_EOUTPUT;
	} else {
		if (gvRenderData(gv->gvc, g, format, &rdata, &rlen) != 0 || !rdata) {
			graphviz_error(err, errlen, "render", format);
			ret = -IOREP_EOUTPUT;
		} else {
			*data = malloc(rlen + 1);
			if (*data) {
				memcpy(*data, rdata, rlen);
				(*data)[rlen] = '\0';
				*len = rlen;
			} else {
				ret = -IOREP_ENOMEM;
			}
		}
		gvFreeRenderData(rdata);
		gvFreeLayout(gv->gvc, g);
	}
	agclose(g);
	return ret;
}
