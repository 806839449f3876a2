// SPDX-License-Identifier: MIT
/*
 * gen-trace: a synthetic Linux 6.12 IOMMU trace of any length, with known
 * defects, to measure and check iommu-report at scale.
 *
 *   gen-trace [options] OUTDIR
 *     -n, --events N        about N events (default 100000; the last operation completes)
 *     -d, --devices N       PCI devices (default 12)
 *     -c, --cpus N          CPUs (default 4)
 *     -l, --live N          live DMA-API mappings kept (default 2000)
 *     -D, --defects N       injected defects, types in turn (default 10)
 *         --vfio N          VFIO episodes (default 1)
 *     -s, --seed S          same seed, same bytes (default 1)
 *         --lost CPU:PAGE[:COUNT]  the ring buffer dropped COUNT (default 100) events
 *                           before page PAGE of CPU, or before the first later page
 *                           that starts an operation (repeatable)
 *         --ties            one operation in four starts at the very nanosecond
 *                           the one before ended, often on another CPU: the
 *                           readers must order such ties by CPU, as libtracecmd does
 *         --stacks          a stack trace after every event, as trace-cmd record -T
 *                           leaves them: ftrace's kernel_stack records, and the
 *                           kernel's "<stack trace>" lines in trace.txt; the frames
 *                           trace_event_raw_event_NAME, gen_NAME (NAME the event's),
 *                           gen_work, named in the file's kallsyms
 *         --no-text         no trace.txt
 *         --v7              also trace.v7.dat: trace-cmd convert --file-version 7
 *         --compress ALG    its --compression (zstd, zlib, none; default zstd;
 *                           Debian 12's trace-cmd 3.1.6 has zstd only)
 *
 * Writes OUTDIR/trace.dat (trace-cmd file version 6, uncompressed; see
 * gen-dat.c), OUTDIR/trace.txt (the same events as the kernel's
 * /sys/kernel/tracing/trace prints them, "CPU:N [LOST M EVENTS]" where a
 * page was marked) and OUTDIR/GROUND_TRUTH.json (the parameters, events per
 * name, lost events, and each injected defect with the findings iommu-report
 * must make of it; bench/check-truth.py compares).
 *
 * What a 6.12 kernel with VT-d in strict mode traces (samples/6.12.117+deb12-amd64):
 * add_device_to_group and attach_device_to_domain for every device at boot;
 * `map` right before dma_map_page/dma_map_sg/dma_alloc on the same CPU (one
 * map per sg entry or allocated chunk), `unmap` right before dma_unmap_page
 * but right after dma_unmap_sg/dma_free (one unmap for the whole range);
 * IOVAs from the top of the 32-bit space down per domain, freed ones reused
 * by size (the IOVA rcache).  Defects are traced as the defects capture
 * shows: an IOMMU-API user (iommu_attach_device, insmod) that leaves, double
 * unmaps, overlaps or unmaps what it never mapped in its own domain (VT-d
 * reports unmapped_size = size for a second unmap, 2 MiB for a hole in a
 * populated 1 GiB region and for a 4 KiB unmap of a superpage), DMA-API
 * misuse (no second iommu unmap for a double dma_unmap_page), and
 * io_page_fault from report_iommu_fault().
 *
 * The dropped events of --lost are notional: nothing modelled is removed,
 * so the findings stay exact; iommu-report only lowers their confidence.
 * A mark never splits an operation (iommu-report processes a map still
 * waiting for its dma event as unattributed when events were dropped).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gen-trace.h"

#define ENTRIES_WIDTH 72 /* the text's entries line, rewritten at the end */

static const struct gt_profile gt_profiles[] = {
	{"nvme", "fio", 45, 1, 0, 0, 4, 2, CTX_PROC, CTX_HARDIRQ},
	{"virtio-pci", "dd", 0, 1, 0, 0, 4, 2, CTX_IRQOFF, CTX_HARDIRQ},
	{"e1000e", "iperf3", 0, 1, 10, 1522, 0, 3, CTX_SOFTIRQ, CTX_SOFTIRQ},
	{"ahci", "kworker/u8:", 60, 1, 0, 0, 3, 1, CTX_PROC, CTX_HARDIRQ},
	{"xhci_hcd", "kworker/1:", 0, 3, 0, 0, 2, 3, CTX_PROC, CTX_HARDIRQ},
};

static const char *const defect_names[] = {
	"leak",
	"double_unmap",
	"unmatched_unmap",
	"overlapping_map",
	"unmap_size_mismatch",
	"partial_unmap",
	"dma_api_leak",
	"io_page_fault",
	"dma_api_double_unmap",
	"dma_api_size_mismatch",
	"dma_api_type_mismatch",
	"dma_api_dir_mismatch",
	"dma_api_error",
};

/* ---- topology, processes, boot ---- */

/* Root bus slots beyond 31 go to further PCI segments; a bridge's bus is numbered after its slot.
 */
static void add_dev(struct gt *g, unsigned int root_slot, unsigned int bus, unsigned int slot,
		    unsigned int fn, int32_t group, bool driver)
{
	struct gt_dev *d = &g->devs[g->ndevs++];

	d->seg = root_slot / 32;
	d->bus = bus;
	d->slot = bus ? slot : root_slot % 32;
	d->fn = fn;
	snprintf(d->name, sizeof(d->name), "%04x:%02x:%02x.%x", d->seg & 0xffff, d->bus & 0xff,
		 d->slot & 0x1f, d->fn & 7);
	d->group = group;
	d->prof = driver ? &gt_profiles[below(g, ARRAY_SIZE(gt_profiles))] : NULL;
}

/*
 * PCI devices in IOMMU groups: a host bridge, mostly devices alone in their
 * group, some multi-function slots (one group), some PCIe-to-PCI bridges with
 * conventional devices behind them (one group with the bridge).
 */
static void topology(struct gt *g)
{
	uint32_t n = g->o.devices, rem, k, i, *members;
	unsigned int slot = 0;
	int32_t gid = 0;

	if (n >= 4)
		add_dev(g, slot++, 0, 0, 0, gid++, false);
	add_dev(g, slot++, 0, 0, 0, gid++, true); /* one device alone in its group, with a driver */
	while (g->ndevs < n) {
		rem = n - g->ndevs;
		k = below(g, 100);
		if (k < 15 && rem >= 2) { /* a multi-function device */
			rem = rem < 3 ? rem : 2 + below(g, 2);
			for (i = 0; i < rem; i++)
				add_dev(g, slot, 0, 0, i, gid, !i || below(g, 2));
		} else if (k < 25 && rem >= 3) { /* a PCIe-to-PCI bridge */
			add_dev(g, slot, 0, 0, 0, gid, false);
			rem = rem < 4 ? rem - 1 : 2 + below(g, 2);
			for (i = 0; i < rem; i++)
				add_dev(g, slot, slot % 32 + 1, i + 1, 0, gid, true);
		} else {
			add_dev(g, slot, 0, 0, 0, gid, true);
		}
		slot++;
		gid++;
	}
	g->ngroups = gid;
	members = calloc(gid, sizeof(*members));
	if (!members) {
		gt_fail(g, ENOMEM, "topology");
		return;
	}
	for (i = 0; i < g->ndevs; i++)
		members[g->devs[i].group]++;
	for (i = 0; i < g->ndevs; i++)
		g->devs[i].single = members[g->devs[i].group] == 1;
	free(members);
}

static uint32_t add_proc(struct gt *g, int32_t pid, const char *comm)
{
	g->procs[g->nprocs].pid = pid;
	snprintf(g->procs[g->nprocs].comm, sizeof(g->procs[0].comm), "%s", comm);
	return g->nprocs++;
}

static void processes(struct gt *g)
{
	const struct gt_profile *p;
	char comm[16];
	uint32_t i;

	g->p_idle = add_proc(g, 0, "<idle>");
	g->p_init = add_proc(g, 1, "init");
	g->p_reprobe = add_proc(g, 57, "kworker/0:2");
	g->p_probe = add_proc(g, 150, "modprobe");
	for (i = 0; i < g->ndevs; i++) {
		p = g->devs[i].prof;
		if (!p)
			continue;
		snprintf(comm, sizeof(comm), "%s", p->comm);
		if (p->comm[strlen(p->comm) - 1] == ':') /* a kworker of its own */
			snprintf(comm, sizeof(comm), "%s%u", p->comm, i);
		g->devs[i].proc = add_proc(g, 380 + 7 * i, comm);
	}
	for (i = 0; i < g->nitems; i++)
		if (g->items[i].type < D_FAULT || g->items[i].type == D_VFIO)
			g->items[i].proc =
				add_proc(g, 1000 + 13 * i,
					 g->items[i].type == D_VFIO ? "qemu-system-x86" : "insmod");
}

/* "pid comm" lines, as saved_cmdlines; freed by the caller. */
static char *cmdlines(const struct gt *g)
{
	size_t cap = (size_t)g->nprocs * 32 + 1, n = 0;
	char *s = malloc(cap);
	uint32_t i;

	for (i = 0; s && i < g->nprocs; i++)
		if (g->procs[i].pid)
			n += snprintf(s + n, cap - n, "%d %s\n", g->procs[i].pid, g->procs[i].comm);
	return s;
}

static int bdf_cmp(const void *a, const void *b)
{
	const struct gt_dev *x = *(const struct gt_dev *const *)a,
			    *y = *(const struct gt_dev *const *)b;

	if (x->seg != y->seg)
		return x->seg < y->seg ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->fn < y->fn ? -1 : x->fn > y->fn;
}

/* Boot: every device joins its group and attaches to its default domain; then the drivers probe. */
static void boot(struct gt *g)
{
	const struct gt_dev **ord = malloc(g->ndevs * sizeof(*ord));
	bool identity = false;
	uint32_t i;

	if (!ord) {
		gt_fail(g, ENOMEM, "boot");
		return;
	}
	for (i = 0; i < g->ndevs; i++)
		ord[i] = &g->devs[i];
	qsort(ord, g->ndevs, sizeof(*ord), bdf_cmp);
	g->ts = 2234568000ull;
	for (i = 0; i < g->ndevs; i++) {
		gt_op_begin(g);
		gt_emit_dev(g, GT_ADD, 0, g->p_init, ord[i] - g->devs);
	}
	for (i = 0; i < g->ndevs; i++) {
		gt_op_begin(g);
		/* the ISA bridge's identity map (a reserved region, never unmapped) */
		if (ord[i]->group == (int32_t)g->ngroups - 1 && !identity) {
			gt_emit_map(g, 0, g->p_init, CTX_PROC, 0, 0, 16 << 20);
			identity = true;
		}
		gt_emit_dev(g, GT_ATTACH, 0, g->p_init, ord[i] - g->devs);
	}
	free(ord);
	g->ts = 3600000000ull;
	for (i = 0; i < g->ndevs; i++)
		if (g->devs[i].prof)
			gt_probe(g, i, g->p_probe);
	g->ts = 15000000000ull;
}

/* Defects (each type in turn, from a shuffled order) and VFIO episodes, spread over the trace. */
static int schedule(struct gt *g)
{
	uint32_t perm[D__COUNT], i, j, t;
	struct gt_item tmp;

	g->nitems = g->o.defects + g->o.vfio;
	g->items = calloc(g->nitems ? g->nitems : 1, sizeof(*g->items));
	if (!g->items)
		return -ENOMEM;
	for (i = 0; i < D__COUNT; i++)
		perm[i] = i;
	for (i = D__COUNT - 1; i > 0; i--) {
		j = below(g, i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < g->nitems; i++)
		g->items[i].type = i < g->o.defects ? perm[i % D__COUNT] : D_VFIO;
	for (i = g->nitems; i > 1; i--) { /* VFIO episodes among the defects */
		j = below(g, i);
		tmp = g->items[i - 1];
		g->items[i - 1] = g->items[j];
		g->items[j] = tmp;
	}
	for (i = 0; i < g->nitems; i++)
		g->items[i].at = (i + 1) * g->o.events / (g->nitems + 1);
	return 0;
}

/* ---- outputs ---- */

static const char text_header[] = "# tracer: nop\n"
				  "#\n"
				  "%-*s\n"
				  "#\n"
				  "#                                _-----=> irqs-off/BH-disabled\n"
				  "#                               / _----=> need-resched\n"
				  "#                              | / _---=> hardirq/softirq\n"
				  "#                              || / _--=> preempt-depth\n"
				  "#                              ||| / _-=> migrate-disable\n"
				  "#                              |||| /     delay\n"
				  "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
				  "#              | |         |   |||||     |         |\n";

/* The entries line once the counts are known (space-padded to the width reserved). */
static void text_entries(struct gt *g, FILE *f)
{
	char s[ENTRIES_WIDTH + 1];
	uint64_t lost = 0;
	uint32_t i;

	for (i = 0; i < g->nlost; i++)
		lost += g->lost[i].count;
	snprintf(s, sizeof(s),
		 "# entries-in-buffer/entries-written: %" PRIu64 "/%" PRIu64 "   #P:%u", g->events,
		 g->events + lost, g->o.cpus);
	fprintf(f, "%-*s", ENTRIES_WIDTH, s);
}

/* Writes the entries line and closes trace.txt; returns 0 or -1 (errno set). */
static int text_close(struct gt *g)
{
	int ret = 0;

	if (!g->err && (fseek(g->txt, strlen("# tracer: nop\n#\n"), SEEK_SET) < 0 ||
			(text_entries(g, g->txt), ferror(g->txt))))
		ret = -1;
	if (fclose(g->txt) == EOF)
		ret = -1;
	g->txt = NULL;
	return ret;
}

static void json_finding(FILE *f, const struct gt *g, const struct gt_finding *x, const char *sep)
{
	fprintf(f, "%s{\"type\": \"%s\", \"severity\": \"%s\", \"device\": \"%s\", ", sep, x->type,
		x->severity, g->devs[x->dev].name);
	if (x->has_iova)
		fprintf(f, "\"iova\": \"0x%" PRIx64 "\", ", x->iova);
	else
		fprintf(f, "\"iova\": null, ");
	fprintf(f, "\"size\": %" PRIu64 ", \"ts\": %" PRIu64 "}", x->size, x->ts);
}

/* What iommu-report reports as info at the end: live mappings per domain, handles per device. */
static void json_expected_info(FILE *f, const struct gt *g)
{
	uint8_t *grp = calloc(g->ngroups + g->ndevs, 1), *dev;
	uint32_t i, outstanding = 0, handles = 0;

	if (!grp)
		return;
	dev = grp + g->ngroups;
	/* the identity map boot() makes: a direct map of the last group's DMA domain */
	grp[g->ngroups - 1] = 1;
	for (i = 0; i < g->nh; i++)
		grp[g->devs[g->h[i].dev].group] = dev[g->h[i].dev] = 1;
	for (i = 0; i < g->ngroups; i++)
		outstanding += grp[i] || g->doms[i].stuck;
	for (i = 0; i < g->ndevs; i++)
		handles += dev[i];
	fprintf(f,
		"  \"expected_info\": {\"outstanding\": %u, \"dma_api_outstanding\": %u, "
		"\"unmatched_unmap\": 0, \"dma_api_unmatched_unmap\": 0},\n",
		outstanding, handles);
	free(grp);
}

static void json_truth(struct gt *g, FILE *f)
{
	const struct gendat_cpu_stats *st;
	uint32_t i, j;
	const char *sep = "";

	fprintf(f, "{\n  \"generator\": \"gen-trace\",\n  \"kernel\": \"6.12.117+deb12-amd64\",\n");
	fprintf(f,
		"  \"params\": {\"events\": %" PRIu64
		", \"devices\": %u, \"cpus\": %u, \"live\": %u, "
		"\"defects\": %u, \"vfio\": %u, \"seed\": %" PRIu64 ", \"text\": %s, \"v7\": %s, "
		"\"ties\": %s, \"stacks\": %s, \"compress\": \"%s\", \"lost\": [",
		g->o.events, g->o.devices, g->o.cpus, g->o.live, g->o.defects, g->o.vfio, g->o.seed,
		g->o.text ? "true" : "false", g->o.v7 ? "true" : "false",
		g->o.ties ? "true" : "false", g->o.stacks ? "true" : "false", g->o.compress);
	for (i = 0; i < g->o.nlost; i++)
		fprintf(f, "%s{\"cpu\": %u, \"page\": %" PRIu64 ", \"count\": %" PRIu64 "}",
			i ? ", " : "", g->o.lost[i].cpu, g->o.lost[i].page, g->o.lost[i].count);
	fprintf(f,
		"]},\n  \"total_events\": %" PRIu64 ",\n  \"span_ns\": [%" PRIu64 ", %" PRIu64
		"],\n",
		g->events, g->first_ts, g->ts);
	fprintf(f, "  \"event_counts\": {");
	for (i = 0; i < GT__COUNT; i++)
		if (g->counts[i])
			fprintf(f, "%s\"%s\": %" PRIu64, sep, gt_types[i].name, g->counts[i]),
				sep = ", ";
	fprintf(f, "},\n  \"cpus\": [");
	for (i = 0; i < g->o.cpus; i++) {
		st = gendat_cpu_stats(g->dat, i);
		fprintf(f,
			"%s{\"cpu\": %u, \"events\": %" PRIu64 ", \"pages\": %" PRIu64
			", \"bytes\": %" PRIu64 ", \"offset\": %" PRIu64
			", \"time_extends\": %" PRIu64 ", \"lost\": %" PRIu64 "}",
			i ? ", " : "", i, st->records, st->pages, st->pages * GENDAT_PAGE_SIZE,
			st->offset, st->extends, st->lost);
	}
	fprintf(f, "],\n  \"lost_events\": [");
	for (i = 0; i < g->nlost; i++)
		fprintf(f, "%s{\"cpu\": %u, \"count\": %" PRIu64 ", \"ts\": %" PRIu64 "}",
			i ? ", " : "", g->lost[i].cpu, g->lost[i].count, g->lost[i].ts);
	fprintf(f, "],\n  \"groups\": [");
	for (i = 0; i < g->ngroups; i++) {
		fprintf(f, "%s{\"id\": %u, \"devices\": [", i ? ", " : "", i);
		for (j = 0, sep = ""; j < g->ndevs; j++)
			if (g->devs[j].group == (int32_t)i)
				fprintf(f, "%s\"%s\"", sep, g->devs[j].name), sep = ", ";
		fprintf(f, "]}");
	}
	fprintf(f, "],\n  \"devices\": [");
	for (i = 0; i < g->ndevs; i++)
		fprintf(f, "%s{\"name\": \"%s\", \"group\": %d, \"driver\": %s%s%s}",
			i ? ",\n    " : "", g->devs[i].name, g->devs[i].group,
			g->devs[i].prof ? "\"" : "",
			g->devs[i].prof ? g->devs[i].prof->driver : "null",
			g->devs[i].prof ? "\"" : "");
	fprintf(f, "],\n  \"defects\": [");
	for (i = 0, sep = "\n    "; i < g->nitems; i++) {
		const struct gt_item *it = &g->items[i];
		const struct gt_finding *x = &it->f[0];

		if (it->type == D_VFIO || !it->nf)
			continue;
		for (j = 0; j < it->nf; j++) /* the finding of the defect's own name */
			if (!strcmp(it->f[j].type, defect_names[it->type]))
				x = &it->f[j];
		fprintf(f, "%s{\"type\": \"%s\", \"device\": \"%s\", \"iova\": ", sep,
			defect_names[it->type], g->devs[it->dev].name);
		if (x->has_iova)
			fprintf(f, "\"0x%" PRIx64 "\"", x->iova);
		else
			fprintf(f, "null");
		fprintf(f, ", \"size\": %" PRIu64 ", \"ts\": %" PRIu64 ", \"findings\": [", x->size,
			x->ts);
		for (j = 0; j < it->nf; j++)
			json_finding(f, g, &it->f[j], j ? ", " : "");
		fprintf(f, "]}");
		sep = ",\n    ";
	}
	fprintf(f, "],\n  \"vfio_episodes\": [");
	for (i = 0, sep = ""; i < g->nitems; i++)
		if (g->items[i].type == D_VFIO && g->items[i].done)
			fprintf(f, "%s\"%s\"", sep, g->devs[g->items[i].dev].name), sep = ", ";
	fprintf(f, "],\n");
	json_expected_info(f, g);
	fprintf(f, "  \"live_at_end\": %u\n}\n", g->nh);
}

/* trace-cmd convert to file version 7; both files stay.  Returns its exit status or -1. */
static int convert_v7(const struct gt_opts *o)
{
	char in[4096], out[4096], *argv[] = {"trace-cmd",
					     "convert",
					     "-i",
					     in,
					     "-o",
					     out,
					     "--file-version",
					     "7",
					     "--compression",
					     (char *)o->compress,
					     NULL};
	int status;
	pid_t pid;

	snprintf(in, sizeof(in), "%s/trace.dat", o->outdir);
	snprintf(out, sizeof(out), "%s/trace.v7.dat", o->outdir);
	if (posix_spawnp(&pid, "trace-cmd", NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static const char usage[] =
	"usage: gen-trace [options] OUTDIR\n"
	"  -n, --events N      about N events (default 100000)\n"
	"  -d, --devices N     PCI devices (default 12)\n"
	"  -c, --cpus N        CPUs (default 4)\n"
	"  -l, --live N        live DMA-API mappings kept (default 2000)\n"
	"  -D, --defects N     injected defects (default 10)\n"
	"      --vfio N        VFIO episodes (default 1)\n"
	"  -s, --seed S        seed (default 1)\n"
	"      --lost CPU:PAGE[:COUNT]  events dropped before that ring-buffer page\n"
	"      --ties          one operation in four starts at the time the last ended\n"
	"      --stacks        a stack trace after every event (trace-cmd record -T)\n"
	"      --no-text       no trace.txt\n"
	"      --v7            also trace.v7.dat (trace-cmd convert --file-version 7)\n"
	"      --compress ALG  its compression: zstd, zlib, none (default zstd)\n";

static int parse_num(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end || *v > max || *s == '-' ? -1 : 0;
}

static int parse_lost(struct gt_opts *o, const char *s)
{
	struct gendat_lost *l = &o->lost[o->nlost];
	unsigned long long cpu, page, count = 100;
	int n = 0;

	if (o->nlost == MAX_LOST ||
	    (sscanf(s, "%llu:%llu%n:%llu%n", &cpu, &page, &n, &count, &n) < 2) || s[n] || !count ||
	    count > UINT32_MAX)
		return -1;
	l->cpu = cpu;
	l->page = page;
	l->count = count;
	o->nlost++;
	return cpu < UINT32_MAX ? 0 : -1;
}

static int parse_opts(struct gt_opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{"events", 1, NULL, 'n'}, {"devices", 1, NULL, 'd'},  {"cpus", 1, NULL, 'c'},
		{"live", 1, NULL, 'l'},	  {"defects", 1, NULL, 'D'},  {"seed", 1, NULL, 's'},
		{"vfio", 1, NULL, 'V'},	  {"lost", 1, NULL, 'L'},     {"no-text", 0, NULL, 'T'},
		{"v7", 0, NULL, '7'},	  {"compress", 1, NULL, 'z'}, {"help", 0, NULL, 'h'},
		{"ties", 0, NULL, 't'},	  {"stacks", 0, NULL, 'S'},   {NULL, 0, NULL, 0}};
	uint64_t v = 0;
	int c, bad = 0;

	*o = (struct gt_opts){.events = 100000,
			      .seed = 1,
			      .devices = 12,
			      .cpus = 4,
			      .live = 2000,
			      .defects = 10,
			      .vfio = 1,
			      .text = true,
			      .compress = "zstd"};
	while ((c = getopt_long(argc, argv, "n:d:c:l:D:s:h", lopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			exit(0);
		}
		if (strchr("ndclDsV", c) && parse_num(optarg, 1ull << 40, &v) < 0) {
			bad = 1;
			continue;
		}
		switch (c) {
		case 'n':
			o->events = v;
			break;
		case 'd':
			bad |= !v || v > 4096;
			o->devices = v;
			break;
		case 'c':
			bad |= !v || v > 4096;
			o->cpus = v;
			break;
		case 'l':
			bad |= !v || v > 1u << 24;
			o->live = v;
			break;
		case 'D':
			bad |= v > 1u << 20;
			o->defects = v;
			break;
		case 's':
			o->seed = v;
			break;
		case 'V':
			bad |= v > 1u << 20;
			o->vfio = v;
			break;
		case 'L':
			bad |= parse_lost(o, optarg) < 0;
			break;
		case 'T':
			o->text = false;
			break;
		case 't':
			o->ties = true;
			break;
		case 'S':
			o->stacks = true;
			break;
		case '7':
			o->v7 = true;
			break;
		case 'z':
			o->compress = optarg;
			break;
		default:
			bad = 1;
			break;
		}
	}
	for (c = 0; c < (int)o->nlost; c++)
		bad |= o->lost[c].cpu >= o->cpus;
	if (bad || optind != argc - 1) {
		fputs(usage, stderr);
		return -1;
	}
	o->outdir = argv[optind];
	return 0;
}

static void gt_release(struct gt *g)
{
	uint32_t i, j;

	for (i = 0; g->doms && i < g->ngroups; i++)
		for (j = 0; j < ORDERS; j++)
			free(g->doms[i].free[j].v);
	free(g->doms);
	free(g->devs);
	free(g->procs);
	free(g->h);
	free(g->items);
}

/* Everything but the options: the files of OUTDIR.  Returns 0 or an errno. */
static int generate(struct gt *g)
{
	char path[4096], *cmd = NULL;
	struct gendat_params dp = {0};
	char *syms = NULL;
	uint32_t i, next = 0;
	int ret;
	FILE *f;

	g->rng = g->o.seed;
	g->devs = calloc(g->o.devices, sizeof(*g->devs));
	g->hcap = g->o.live + 4 * g->o.devices + 4 * SG_MAX;
	g->h = calloc(g->hcap, sizeof(*g->h));
	if (!g->devs || !g->h || schedule(g) < 0)
		return ENOMEM;
	topology(g);
	g->doms = calloc(g->ngroups, sizeof(*g->doms));
	g->procs = calloc(4 + g->o.devices + g->nitems, sizeof(*g->procs));
	if (!g->doms || !g->procs)
		return ENOMEM;
	for (i = 0; i < g->ngroups; i++)
		g->doms[i].top = IOVA_TOP;
	for (i = 0; i < GT__COUNT; i++)
		if ((g->ids[i] = gendat_event_id(gt_types[i].system, gt_types[i].name)) < 0)
			return EINVAL;
	processes(g);
	if (mkdir(g->o.outdir, 0755) < 0 && errno != EEXIST)
		return errno;
	cmd = cmdlines(g);
	snprintf(path, sizeof(path), "%s/trace.dat", g->o.outdir);
	dp = (struct gendat_params){
		path, g->o.outdir, g->o.cpus, "Linux gen-trace 6.12.117+deb12-amd64 x86_64",
		cmd,  g->o.lost,   g->o.nlost, NULL, NULL};
	if (g->o.stacks) {
		dp.ftrace_format = gt_stack_format;
		dp.kallsyms = syms = gt_kallsyms();
	}
	ret = cmd && (syms || !g->o.stacks) ? -gendat_open(&g->dat, &dp) : ENOMEM;
	free(cmd);
	free(syms);
	if (ret)
		return ret;
	if (g->o.text) {
		snprintf(path, sizeof(path), "%s/trace.txt", g->o.outdir);
		g->txt = fopen(path, "w");
		if (!g->txt)
			return errno;
		setvbuf(g->txt, NULL, _IOFBF, 1 << 20);
		fprintf(g->txt, text_header, ENTRIES_WIDTH, "#");
	}
	boot(g);
	while (!g->err && (g->events < g->o.events || next < g->nitems)) {
		if (next < g->nitems &&
		    (g->events >= g->items[next].at || g->events >= g->o.events)) {
			gt_run_item(g, &g->items[next]);
			next++;
		} else {
			gt_traffic(g);
		}
	}
	if (!g->err && (ret = gendat_finish(g->dat)) < 0)
		gt_fail(g, -ret, "finishing trace.dat");
	if (g->txt && text_close(g) < 0)
		gt_fail(g, errno ? errno : EIO, "writing trace.txt");
	if (g->err)
		return g->err;
	snprintf(path, sizeof(path), "%s/GROUND_TRUTH.json", g->o.outdir);
	f = fopen(path, "w");
	if (!f)
		return errno;
	json_truth(g, f);
	return fclose(f) ? errno : 0;
}

int main(int argc, char **argv)
{
	struct gt g = {0};
	struct timespec t0, t1;
	uint64_t bytes = 0;
	uint32_t i;
	int ret;

	if (parse_opts(&g.o, argc, argv) < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = generate(&g);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ret) {
		fprintf(stderr, "gen-trace: %s: %s\n", g.what ? g.what : g.o.outdir, strerror(ret));
		gendat_free(g.dat);
		gt_release(&g);
		return 1;
	}
	for (i = 0; i < g.o.cpus; i++)
		bytes += gendat_cpu_stats(g.dat, i)->pages * GENDAT_PAGE_SIZE;
	printf("%s: %" PRIu64 " events, %u CPUs, %" PRIu64 " bytes of ring-buffer pages, %.2f s\n",
	       g.o.outdir, g.events, g.o.cpus, bytes,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (g.nlost < g.o.nlost)
		fprintf(stderr, "gen-trace: %u --lost page(s) beyond the end of their CPU's data\n",
			g.o.nlost - g.nlost);
	gendat_free(g.dat);
	gt_release(&g);
	if (g.o.v7 && (ret = convert_v7(&g.o))) {
		fprintf(stderr, "gen-trace: trace-cmd convert failed (%d)\n", ret);
		return 1;
	}
	return 0;
}
