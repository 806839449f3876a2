// SPDX-License-Identifier: MIT
/*
 * The topology graph: the domain each device is drawn in at a moment of
 * the vfio capture, the graph's structure read back with cgraph, names
 * that try to break out of a label, and the size limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>

#include "iorep-error.h"
#include "iorep-graph.h"
#include "test-run.h"
#include "test-util.h"

#define VFIO IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/vfio"

/* Times in the vfio capture (GROUND_TRUTH.md, and the epochs of 0000:00:06.0). */
#define T_BEFORE 18700000000ull	  /* e1000e still bound */
#define T_BLOCKED1 18794000000ull /* between the blocking and the VFIO attach */
#define T_USER 19000000000ull	  /* vfio_map_test running */
#define T_BLOCKED2 19113500000ull /* after VFIO let go, before the default domain */

static void apply_lspci(struct run *r, const char *capture)
{
	struct iorep_lspci l;
	char path[1024];

	iorep_lspci_init(&l);
	snprintf(path, sizeof(path), "%s/lspci.txt", capture);
	CU_ASSERT_TRUE_FATAL(iorep_lspci_read_file(&l, path) > 0);
	CU_ASSERT_TRUE(iorep_model_apply_lspci(&r->m, &l) > 0);
	iorep_lspci_release(&l);
}

static void test_state_over_time(void)
{
	struct run r;
	uint32_t nic, testdev;

	run_model(&r, VFIO, "trace.dat", 1);
	nic = iorep_model_device_find(&r.m, "0000:00:06.0");
	testdev = iorep_model_device_find(&r.m, "0000:00:05.1");
	CU_ASSERT_NOT_EQUAL_FATAL(nic, IOREP_NONE);
	CU_ASSERT_NOT_EQUAL_FATAL(testdev, IOREP_NONE);
	CU_ASSERT_EQUAL(iorep_graph_device_state(&r.m, nic, 0), IOREP_DOM_DMA);
	CU_ASSERT_EQUAL(iorep_graph_device_state(&r.m, nic, T_BEFORE), IOREP_DOM_DMA);
	CU_ASSERT_EQUAL(iorep_graph_device_state(&r.m, nic, T_BLOCKED1), IOREP_DOM_BLOCKED);
	CU_ASSERT_EQUAL(iorep_graph_device_state(&r.m, nic, T_USER), IOREP_DOM_USER);
	CU_ASSERT_EQUAL(iorep_graph_device_state(&r.m, nic, T_BLOCKED2), IOREP_DOM_BLOCKED);
	CU_ASSERT_EQUAL(iorep_graph_device_state(&r.m, nic, IOREP_TS_OPEN), IOREP_DOM_DMA);
	/* no event ever named it: its group's default domain all along */
	CU_ASSERT_EQUAL(iorep_graph_device_state(&r.m, testdev, T_USER), IOREP_DOM_DMA);
	free_run(&r);
}

/* Renders DOT and reads it back with cgraph. */
static Agraph_t *dot_of(const struct iorep_model *m, uint64_t at)
{
	struct iorep_graph_opts o = {.at = at};
	char *data = NULL, err[256] = "";
	size_t len = 0;
	Agraph_t *g;

	CU_ASSERT_EQUAL_FATAL(iorep_graph_render(NULL, m, &o, "dot", &data, &len, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL_FATAL(strlen(data), len);
	g = agmemread(data);
	free(data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	return g;
}

/* The node whose label starts with @name (device nodes are named by index). */
static Agnode_t *find_node(Agraph_t *g, const char *name)
{
	Agnode_t *n;

	for (n = agfstnode(g); n; n = agnxtnode(g, n))
		if (!strncmp(agget(n, "label"), name, strlen(name)))
			return n;
	return NULL;
}

static int count_subgraphs(Agraph_t *g)
{
	Agraph_t *s;
	int n = 0;

	for (s = agfstsubg(g); s; s = agnxtsubg(s))
		n++;
	return n;
}

static void test_vfio_graph(void)
{
	Agnode_t *nic, *dom, *bridge;
	Agedge_t *e;
	struct run r;
	Agraph_t *g;
	int n = 0;

	run_model(&r, VFIO, "trace.dat", 1);
	apply_lspci(&r, VFIO);
	g = dot_of(&r.m, T_USER);
	/* 15 devices, the legend and the one user domain of vfio_map_test */
	CU_ASSERT_EQUAL(agnnodes(g), 17);
	/* groups 0..9 */
	CU_ASSERT_EQUAL(count_subgraphs(g), 10);
	CU_ASSERT_PTR_NOT_NULL(agsubg(g, "cluster_g7", 0));
	nic = find_node(g, "0000:00:06.0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(nic);
	CU_ASSERT_PTR_NOT_NULL(strstr(agget(nic, "label"), "0000:00:06.0\\nIntel Corporation "
							   "82574L Gigabit Network Connection"));
	CU_ASSERT_PTR_NOT_NULL(strstr(agget(nic, "label"), "\\nuser\\n"));
	CU_ASSERT_STRING_EQUAL(agget(nic, "fillcolor"), "#ffbe7d");
	/* the user domain and the edge that shows who is in it */
	dom = agnode(g, "dom11", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dom);
	CU_ASSERT_PTR_NOT_NULL(strstr(agget(dom, "label"), "vfio_map_test (pid 407)"));
	CU_ASSERT_PTR_NOT_NULL(agedge(g, nic, dom, NULL, 0));
	/* the PCIe-to-PCI bridge 00:08.0 and the two devices behind it, in its group */
	bridge = find_node(g, "0000:00:08.0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(bridge);
	CU_ASSERT_PTR_NOT_NULL(strstr(agget(bridge, "label"), "0000:00:08.0"));
	CU_ASSERT_STRING_EQUAL(agget(bridge, "peripheries"), "2");
	for (e = agfstout(g, bridge); e; e = agnxtout(g, e)) {
		if (!strcmp(agget(e, "style"), "invis"))
			continue; /* the grid's */
		CU_ASSERT_STRING_EQUAL(agget(e, "style"), "dashed");
		CU_ASSERT_PTR_NOT_NULL(strstr(agget(aghead(e), "label"), "0000:01:0"));
		n++;
	}
	CU_ASSERT_EQUAL(n, 2);
	agclose(g);

	/* at the end the NIC is back in its DMA domain and no user domain is drawn */
	g = dot_of(&r.m, IOREP_TS_OPEN);
	CU_ASSERT_EQUAL(agnnodes(g), 16);
	CU_ASSERT_PTR_NULL(agnode(g, "dom11", 0));
	CU_ASSERT_STRING_EQUAL(agget(find_node(g, "0000:00:06.0"), "fillcolor"), "#a0cbe8");
	agclose(g);
	free_run(&r);
}

/* Device names that try to end a label, add attributes or use graphviz's escapes. */
static void test_hostile_names(void)
{
	static const char text[] = "init-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=1 "
				   "device=a\"];x[label=\"\\N\n"
				   "init-1 [000] ..... 1.1: add_device_to_group: IOMMU: groupID=2 "
				   "device=<b>x</b>&amp;\n"
				   "init-1 [000] ..... 1.2: add_device_to_group: IOMMU: groupID=3 "
				   "device=}subgraph_cluster_z{\\l\\G\n";
	struct iorep_graph_opts o = {.at = IOREP_TS_OPEN};
	struct iorep_graphviz *gv;
	char *data = NULL, err[256];
	Agnode_t *n;
	struct run r;
	Agraph_t *g;
	size_t len;

	run_text(&r, text);
	CU_ASSERT_EQUAL_FATAL(r.m.ndevices, 3);
	g = dot_of(&r.m, IOREP_TS_OPEN);
	CU_ASSERT_EQUAL(agnnodes(g), 4);
	CU_ASSERT_EQUAL(count_subgraphs(g), 3);
	n = agnode(g, "dev0", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	/* the quote stays in the label, the backslash is doubled: no \N escape */
	CU_ASSERT_STRING_EQUAL(agget(n, "label"), "a\"];x[label=\"\\\\\\\\N\\ndma");
	CU_ASSERT_PTR_NULL(agget(n, "x"));
	n = agnode(g, "dev2", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(agget(n, "label"), "}subgraph_cluster_z{\\\\\\\\l\\\\\\\\G\\ndma");
	n = agnode(g, "dev1", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(agget(n, "label"), "<b>x</b>&amp;amp;\\ndma");
	agclose(g);
	/* SVG: graphviz escapes the markup (the only graphviz context of this program) */
	gv = iorep_graphviz_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(gv);
	CU_ASSERT_EQUAL(iorep_graph_render(NULL, &r.m, &o, "svg", &data, &len, err, sizeof(err)),
			-IOREP_EINVAL);
	CU_ASSERT_EQUAL_FATAL(
		iorep_graph_render(gv, &r.m, &o, "svg", &data, &len, err, sizeof(err)), 0);
	iorep_graphviz_free(gv);
	CU_ASSERT_PTR_NULL(strstr(data, "<b>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(data, "&lt;b&gt;x&lt;/b&gt;&amp;amp;"));
	free(data);
	free_run(&r);
}

/* A group sysfs calls identity: its devices are drawn in the identity domain. */
static void test_identity_group(void)
{
	static const char groups[] = "/sys/kernel/iommu_groups/3/devices/0000:00:04.0\n"
				     "/sys/kernel/iommu_groups/3/type:identity\n"
				     "/sys/kernel/iommu_groups/4/devices/0000:00:05.0\n"
				     "/sys/kernel/iommu_groups/4/type:DMA-FQ\n";
	struct iorep_sysfs_groups g;
	struct iorep_model m;
	struct iorep_strtab *st = iorep_strtab_new();
	Agraph_t *gr;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	iorep_model_init(&m, st);
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL_FATAL(iorep_sysfs_groups_parse(&g, groups, sizeof(groups) - 1), 2);
	CU_ASSERT_EQUAL_FATAL(iorep_model_seed_groups(&m, &g), 0);
	CU_ASSERT_EQUAL(iorep_model_finish(&m), 0);
	CU_ASSERT_EQUAL(iorep_graph_device_state(&m, iorep_model_device_find(&m, "0000:00:04.0"),
						 IOREP_TS_OPEN),
			IOREP_DOM_IDENTITY);
	CU_ASSERT_EQUAL(iorep_graph_device_state(&m, iorep_model_device_find(&m, "0000:00:05.0"),
						 IOREP_TS_OPEN),
			IOREP_DOM_DMA);
	gr = dot_of(&m, IOREP_TS_OPEN);
	CU_ASSERT_STRING_EQUAL(agget(find_node(gr, "0000:00:04.0"), "fillcolor"), "#8cd17d");
	CU_ASSERT_PTR_NOT_NULL(strstr(agget(find_node(gr, "0000:00:04.0"), "label"), "identity"));
	agclose(gr);
	iorep_sysfs_groups_release(&g);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

/* Names longer than a label holds are cut, with a mark. */
static void test_long_name(void)
{
	char text[8192];
	struct run r;
	Agraph_t *g;
	const char *label;
	int len;

	len = snprintf(text, sizeof(text),
		       "init-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=1 device=");
	memset(text + len, 'x', 4096);
	strcpy(text + len + 4096, "\n");
	run_text(&r, text);
	CU_ASSERT_EQUAL_FATAL(r.m.ndevices, 1);
	g = dot_of(&r.m, IOREP_TS_OPEN);
	label = agget(agnode(g, "dev0", 0), "label");
	CU_ASSERT_PTR_NOT_NULL(strstr(label, "xxx..."));
	CU_ASSERT_TRUE(strlen(label) < 200);
	agclose(g);
	free_run(&r);
}

static void test_too_many_devices(void)
{
	struct iorep_graph_opts o = {.at = IOREP_TS_OPEN};
	char *data = NULL, err[256] = "";
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_model m;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	iorep_model_init(&m, st);
	m.ndevices = IOREP_GRAPH_MAX_DEVICES + 1; /* never read: refused first */
	CU_ASSERT_EQUAL(iorep_graph_render(NULL, &m, &o, "dot", &data, &len, err, sizeof(err)),
			-IOREP_ELIMIT);
	CU_ASSERT_PTR_NULL(data);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too many devices to draw: 4097"));
	m.ndevices = 0;
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"domain of a device over time (vfio)", test_state_over_time},
		{"graph of the vfio capture", test_vfio_graph},
		{"hostile device names stay labels", test_hostile_names},
		{"identity groups", test_identity_group},
		{"long names are cut", test_long_name},
		{"too many devices to draw", test_too_many_devices},
		{NULL, NULL},
	};

	return iorep_test_main("graph", tests);
}
