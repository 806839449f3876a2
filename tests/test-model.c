// SPDX-License-Identifier: MIT
/*
 * The model and the checks against the ground truth of the real captures
 * (samples/.../GROUND_TRUTH.md): exact findings with their IOVAs on the
 * defects captures, no error on the clean ones, the topology of the boot
 * captures, the VFIO round trip, attribution on 6.12.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iorep-error.h"
#include "iorep-input.h"
#include "iorep-model.h"
#include "iorep-pci.h"
#include "model-attrib.h"
#include "model-local.h"
#include "test-run.h"
#include "test-util.h"

/* Asserts one error finding of @type at @iova/@size naming @dev, and marks it seen. */
static void expect(const struct iorep_model *m, bool *seen, enum iorep_finding_type type,
		   uint64_t iova, uint64_t size, const char *dev)
{
	uint32_t i;

	for (i = 0; i < m->nfindings; i++) {
		const struct iorep_finding *f = &m->findings[i];

		if (seen[i] || f->type != type || f->iova != iova || f->size != size)
			continue;
		CU_ASSERT_EQUAL(f->severity, IOREP_SEV_ERROR);
		CU_ASSERT_FALSE(f->suspected);
		CU_ASSERT_TRUE(f->device != IOREP_NONE &&
			       !strcmp(m->devices[f->device].name, dev));
		seen[i] = true;
		return;
	}
	fprintf(stderr, "missing %s at 0x%llx+0x%llx\n", iorep_finding_name(type),
		(unsigned long long)iova, (unsigned long long)size);
	CU_FAIL("expected finding missing");
}

static void no_other_errors(const struct iorep_model *m, const bool *seen)
{
	uint32_t i;

	for (i = 0; i < m->nfindings; i++) {
		if (seen[i] || m->findings[i].severity != IOREP_SEV_ERROR)
			continue;
		fprintf(stderr, "unexpected: %s %s\n", iorep_finding_name(m->findings[i].type),
			m->findings[i].message);
		CU_FAIL("an error finding the ground truth does not list");
	}
}

/* The IOMMU-API defects of the module, the same on both kernels. */
static void expect_iommu_api_defects(const struct iorep_model *m, bool *seen)
{
	const char *edu = "0000:00:07.0";

	expect(m, seen, IOREP_FIND_LEAK, 0x400000, 0x200000, edu);
	expect(m, seen, IOREP_FIND_LEAK, 0x2000000, 0x1000, edu);
	expect(m, seen, IOREP_FIND_DOUBLE_UNMAP, 0x1000000, 0x2000, edu);
	expect(m, seen, IOREP_FIND_UNMATCHED_UNMAP, 0x3000000, 0x1000, edu);
	expect(m, seen, IOREP_FIND_IO_PAGE_FAULT, 0x100000, 0, edu);
}

/*
 * The fault's history: the module mapped 0x100000 in its user domain,
 * unmapped it, then made the device read it.  The exact times are those of
 * trace.dat (trace.txt's buffer has its own clock readings).
 */
static void expect_fault_history(const struct iorep_model *m, bool exact)
{
	const struct iorep_finding *f = NULL;
	uint32_t i;

	for (i = 0; i < m->nfindings; i++)
		if (m->findings[i].type == IOREP_FIND_IO_PAGE_FAULT)
			f = &m->findings[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(f->nhistory, 2);
	CU_ASSERT_FALSE(f->history[0].unmap);
	CU_ASSERT_TRUE(f->history[1].unmap);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(f->history[i].start, 0x100000);
		CU_ASSERT_EQUAL(f->history[i].end, 0x101000);
		CU_ASSERT_EQUAL(f->history[i].domain, f->domain);
		CU_ASSERT_EQUAL(m->domains[f->history[i].domain].kind, IOREP_DOM_USER);
	}
	CU_ASSERT_TRUE(f->history[0].ts < f->history[1].ts && f->history[1].ts < f->ts);
	if (exact) {
		CU_ASSERT_EQUAL(f->history[0].ts, 15375531117ull);
		CU_ASSERT_EQUAL(f->history[1].ts, 15624677334ull);
		CU_ASSERT_EQUAL(f->history[1].pid, 386);
	}
}

/* The downsampled series adds up to the totals and reaches the peak. */
static void expect_series(const struct iorep_model *m)
{
	const struct iorep_series *s = &m->series;
	uint64_t maps = 0, unmaps = 0, peak = 0, peak_bytes = 0;
	uint32_t i;

	CU_ASSERT_TRUE(s->n > 0 && s->n <= IOREP_SERIES_POINTS);
	for (i = 0; i < s->n; i++) {
		maps += s->pts[i].maps;
		unmaps += s->pts[i].unmaps;
		if (s->pts[i].peak_live > peak)
			peak = s->pts[i].peak_live;
		if (s->pts[i].peak_bytes > peak_bytes)
			peak_bytes = s->pts[i].peak_bytes;
	}
	CU_ASSERT_EQUAL(maps, m->stats.maps);
	CU_ASSERT_EQUAL(unmaps, m->stats.unmaps);
	CU_ASSERT_EQUAL(peak, m->stats.peak_live);
	CU_ASSERT_EQUAL(peak_bytes, m->stats.peak_bytes);
	CU_ASSERT_EQUAL(s->pts[s->n - 1].live, m->stats.live);
	CU_ASSERT_EQUAL(s->pts[s->n - 1].bytes, m->stats.live_bytes);
	/* the last point holds the last event */
	CU_ASSERT_TRUE(s->start + (uint64_t)(s->n - 1) * s->width <= m->last_ts);
}

static void test_defects_612(void)
{
	static const char *const files[] = { "trace.dat", "trace.txt", "report.txt" };
	struct run r;
	bool *seen;
	size_t f;

	for (f = 0; f < 3; f++) {
		/* trace.txt without the sysfs snapshot: the same */
		run_model(&r, K612 "defects", files[f], f != 1);
		seen = calloc(r.m.nfindings + 1, sizeof(*seen));
		expect_iommu_api_defects(&r.m, seen);
		expect(&r.m, seen, IOREP_FIND_DMA_API_LEAK, 0xffff000, 0x1000, "0000:00:07.0");
		expect(&r.m, seen, IOREP_FIND_DMA_API_LEAK, 0xfff8000, 0x4000, "0000:00:07.0");
		expect(&r.m, seen, IOREP_FIND_DMA_API_DOUBLE_UNMAP, 0xfff7000, 0x1000,
		       "0000:00:07.0");
		no_other_errors(&r.m, seen);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 8);
		/* the fault is a use after unmap of A */
		CU_ASSERT_PTR_NOT_NULL(strstr(r.m.findings[2].message, "use after unmap"));
		expect_fault_history(&r.m, f == 0);
		free(seen);
		free_run(&r);
	}
}

static void test_defects_61(void)
{
	struct run r;
	bool *seen;

	run_model(&r, K61 "defects", "trace.dat", 1);
	seen = calloc(r.m.nfindings + 1, sizeof(*seen));
	expect_iommu_api_defects(&r.m, seen);
	no_other_errors(&r.m, seen);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 5);
	free(seen);
	free_run(&r);
	/* without the sysfs snapshot: the same (the attaching process maps) */
	run_model(&r, K61 "defects", "trace.txt", 0);
	seen = calloc(r.m.nfindings + 1, sizeof(*seen));
	expect_iommu_api_defects(&r.m, seen);
	no_other_errors(&r.m, seen);
	free(seen);
	free_run(&r);
}

static void test_clean_captures(void)
{
	static const char *const clean[] = {
		K612 "boot", K612 "dma-traffic", K612 "vfio", K61 "boot", K61 "dma-traffic",
		K612 "hotplug", K61 "hotplug", K612 "vfio-io", K61 "vfio-io",
		K612 "vfio-io-amd", K61 "vfio-io-amd", K612 "vfio-io-pt", K612 "vfio-io-lost",
		K612 "vfio-io-virtio", K612 "vfio-two", K61 "vfio-two",
		K612A "vfio-io-smmuv3", K61A "vfio-io-smmuv3",
	};
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
		if (!iorep_test_wanted(clean[i]))
			continue;
		run_model(&r, clean[i], "trace.dat", 1);
		if (count(&r.m, IOREP_SEV_ERROR))
			fprintf(stderr, "%s: %u errors\n", clean[i], count(&r.m, IOREP_SEV_ERROR));
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
		free_run(&r);
	}
}

/* Boot: the groups built from add_device_to_group equal the sysfs listing, exactly. */
static void test_boot_topology(void)
{
	static const char *const boots[] = { K612 "boot", K61 "boot" };
	struct iorep_sysfs_groups g;
	struct run r;
	char path[1024];
	size_t b, i;
	uint32_t gi, k, members = 0;

	for (b = 0; b < 2; b++) {
		run_model(&r, boots[b], "trace.dat", 0);
		iorep_sysfs_groups_init(&g);
		snprintf(path, sizeof(path), "%s/iommu_groups.txt", boots[b]);
		CU_ASSERT_EQUAL_FATAL(iorep_sysfs_groups_load(&g, path), 15);
		CU_ASSERT_EQUAL(r.m.ngroups, 10);
		for (i = 0; i < g.nr; i++) {
			uint32_t dev = iorep_model_device_find(&r.m, g.devs[i].name);

			CU_ASSERT_TRUE_FATAL(dev != IOREP_NONE);
			CU_ASSERT_EQUAL(r.m.devices[dev].group, (int32_t)g.devs[i].group);
			gi = iorep_model_group_find(&r.m, (int32_t)g.devs[i].group);
			CU_ASSERT_TRUE_FATAL(gi != IOREP_NONE);
			for (k = 0; k < r.m.groups[gi].ndevices; k++)
				if (r.m.groups[gi].devices[k] == dev)
					break;
			CU_ASSERT_TRUE(k < r.m.groups[gi].ndevices);
			/* every device booted into its group's DMA domain */
			CU_ASSERT_EQUAL(iorep_model_device_domain(&r.m, dev), r.m.groups[gi].domain);
		}
		for (gi = members = 0; gi < r.m.ngroups; gi++)
			members += r.m.groups[gi].ndevices;
		CU_ASSERT_EQUAL(members, 15);
		iorep_sysfs_groups_release(&g);
		free_run(&r);
	}
}

/* VFIO: host DMA -> (blocking) -> user -> (blocking) -> host DMA, maps in the user domain. */
static void test_vfio_round_trip(void)
{
	static const enum iorep_domain_kind want[] = { IOREP_DOM_DMA, IOREP_DOM_BLOCKED,
						       IOREP_DOM_USER, IOREP_DOM_BLOCKED,
						       IOREP_DOM_DMA };
	const struct iorep_device *d;
	const struct iorep_domain *user;
	struct run r;
	uint32_t dev, i;

	run_model(&r, K612 "vfio", "trace.dat", 1);
	dev = iorep_model_device_find(&r.m, "0000:00:06.0");
	CU_ASSERT_TRUE_FATAL(dev != IOREP_NONE);
	d = &r.m.devices[dev];
	CU_ASSERT_EQUAL(d->attaches, 4);
	CU_ASSERT_EQUAL_FATAL(d->nepochs, 5);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(r.m.domains[d->epochs[i].domain].kind, want[i]);
	CU_ASSERT_EQUAL(d->epochs[0].domain, d->epochs[4].domain);
	user = &r.m.domains[d->epochs[2].domain];
	CU_ASSERT_STRING_EQUAL(user->owner_comm, "vfio_map_test");
	/* VFIO's 8 KiB at 0, buf0, buf1 in 16 pages, buf2 in one 2 MiB map, buf3 in 4 pages */
	CU_ASSERT_EQUAL(user->maps, 1 + 1 + 16 + 1 + 4);
	CU_ASSERT_EQUAL(user->bytes_mapped, 0x2000 + 0x1000 + 0x10000 + 0x200000 + 0x4000);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&user->live), 0);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
	/* lspci -nn names the devices and finds the PCIe-to-PCI bridge of group 7 */
	{
		struct iorep_lspci l;
		uint32_t br = iorep_model_device_find(&r.m, "0000:00:08.0");

		iorep_lspci_init(&l);
		CU_ASSERT_EQUAL(iorep_lspci_read_file(&l, K612 "vfio/lspci.txt"), 15);
		CU_ASSERT_EQUAL(iorep_model_apply_lspci(&r.m, &l), 15);
		d = &r.m.devices[dev];
		CU_ASSERT_TRUE(d->has_ids && d->vendor == 0x8086 && d->device_id == 0x10d3);
		CU_ASSERT_STRING_EQUAL(d->class_name, "Ethernet controller");
		CU_ASSERT_FALSE(d->bridge);
		CU_ASSERT_TRUE_FATAL(br != IOREP_NONE);
		CU_ASSERT_TRUE(r.m.devices[br].bridge);
		CU_ASSERT_EQUAL(r.m.devices[br].class_code, 0x0604);
		iorep_lspci_release(&l);
	}
	free_run(&r);
}

static void test_attribution_612(void)
{
	struct run r;

	run_model(&r, K612 "dma-traffic", "trace.dat", 1);
	CU_ASSERT_EQUAL(r.m.stats.maps, 2128);
	CU_ASSERT_EQUAL(r.m.stats.unmaps, 1232);
	/* at least 99% of map/unmap attributed to a device */
	CU_ASSERT_TRUE((r.m.stats.attributed_maps + r.m.stats.attributed_unmaps) * 100 >=
		       99 * (r.m.stats.maps + r.m.stats.unmaps));
	fprintf(stderr, "attributed %llu/%llu maps, %llu/%llu unmaps\n",
		(unsigned long long)r.m.stats.attributed_maps,
		(unsigned long long)r.m.stats.maps,
		(unsigned long long)r.m.stats.attributed_unmaps,
		(unsigned long long)r.m.stats.unmaps);
	expect_series(&r.m);
	free_run(&r);
}

/* Runs the model on @text written to a temporary file. */
/* Two devices of one group, one of them given to a process: a split group. */
static void test_split_group(void)
{
	static const char text[] =
		"init-1 [000] ..... 1.000000: add_device_to_group: IOMMU: groupID=4 device=0000:00:05.0\n"
		"init-1 [000] ..... 1.000001: attach_device_to_domain: IOMMU: device=0000:00:05.0\n"
		"init-1 [000] ..... 1.000002: add_device_to_group: IOMMU: groupID=4 device=0000:00:05.1\n"
		"init-1 [000] ..... 1.000003: attach_device_to_domain: IOMMU: device=0000:00:05.1\n"
		"qemu-500 [001] ..... 9.000000: attach_device_to_domain: IOMMU: device=0000:00:05.0\n"
		"qemu-500 [001] ..... 9.000100: map: IOMMU: iova=0x100000 - 0x101000 paddr=0x5000 size=4096\n"
		"qemu-500 [001] ..... 9.000200: unmap: IOMMU: iova=0x100000 - 0x101000 size=4096 unmapped_size=4096\n";
	struct run r;
	uint32_t i, n = 0;

	run_text(&r, text);
	for (i = 0; i < r.m.nfindings; i++)
		if (r.m.findings[i].type == IOREP_FIND_SPLIT_GROUP) {
			n++;
			CU_ASSERT_EQUAL(r.m.findings[i].severity, IOREP_SEV_WARNING);
			CU_ASSERT_PTR_NOT_NULL(strstr(r.m.findings[i].message, "group 4 is split"));
		}
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
	free_run(&r);
}

/* A user domain of t-9 and a double unmap in it at 2.3, on CPU 0. */
#define LOST_HEAD                                                                                 \
	"init-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=6 device=0000:00:07.0\n"     \
	"init-1 [000] ..... 1.1: attach_device_to_domain: IOMMU: device=0000:00:07.0\n"           \
	"t-9 [000] ..... 2.0: attach_device_to_domain: IOMMU: device=0000:00:07.0\n"              \
	"t-9 [000] ..... 2.1: map: IOMMU: iova=0x100000 - 0x101000 paddr=0x5000 size=4096\n"      \
	"t-9 [000] ..... 2.2: unmap: IOMMU: iova=0x100000 - 0x101000 size=4096 unmapped_size=4096\n" \
	"t-9 [000] ..... 2.3: unmap: IOMMU: iova=0x100000 - 0x101000 size=4096 unmapped_size=4096\n"

/* The double unmaps at 0x100000 and 0x200000: the first definite, the second suspected. */
static void two_doubles_second_suspected(const struct run *r)
{
	uint32_t i, n = 0;

	for (i = 0; i < r->m.nfindings; i++) {
		if (r->m.findings[i].type != IOREP_FIND_DOUBLE_UNMAP)
			continue;
		CU_ASSERT_EQUAL(r->m.findings[i].suspected, n == 1);
		CU_ASSERT_EQUAL(r->m.findings[i].iova, n ? 0x200000 : 0x100000);
		n++;
	}
	CU_ASSERT_EQUAL(n, 2);
}

/* After a ring-buffer overrun, a double unmap is only suspected. */
static void test_lost_makes_suspected(void)
{
	static const char text[] =
		LOST_HEAD
		"CPU:0 [LOST 10 EVENTS]\n"
		"t-9 [000] ..... 3.1: map: IOMMU: iova=0x200000 - 0x201000 paddr=0x6000 size=4096\n"
		"t-9 [000] ..... 3.2: unmap: IOMMU: iova=0x200000 - 0x201000 size=4096 unmapped_size=4096\n"
		"t-9 [000] ..... 3.3: unmap: IOMMU: iova=0x200000 - 0x201000 size=4096 unmapped_size=4096\n";
	struct run r;

	run_text(&r, text);
	two_doubles_second_suspected(&r);
	CU_ASSERT_TRUE(r.m.lost_any);
	CU_ASSERT_EQUAL(r.m.lost, 10);
	free_run(&r);
}

/*
 * CPU 3's drop is told with its next event (at 4.0), after CPU 0's double
 * unmap at 3.3: the events dropped came after CPU 3's last one (3.0), so
 * that finding is suspected too; the one at 2.3, before 3.0, is not.
 */
static void test_lost_before_its_line(void)
{
	static const char text[] =
		LOST_HEAD
		"t-9 [003] ..... 3.0: map: IOMMU: iova=0x300000 - 0x301000 paddr=0x7000 size=4096\n"
		"t-9 [000] ..... 3.1: map: IOMMU: iova=0x200000 - 0x201000 paddr=0x6000 size=4096\n"
		"t-9 [000] ..... 3.2: unmap: IOMMU: iova=0x200000 - 0x201000 size=4096 unmapped_size=4096\n"
		"t-9 [000] ..... 3.3: unmap: IOMMU: iova=0x200000 - 0x201000 size=4096 unmapped_size=4096\n"
		"CPU:3 [LOST 10 EVENTS]\n"
		"t-9 [003] ..... 4.0: unmap: IOMMU: iova=0x300000 - 0x301000 size=4096 unmapped_size=4096\n";
	struct run r;

	run_text(&r, text);
	two_doubles_second_suspected(&r);
	free_run(&r);
}

/*
 * One interrupt completes an sg request and then a single page on the same
 * CPU: the unmap after dma_unmap_sg is the sg list's (the kernel makes one
 * iommu unmap per dma_unmap_sg or dma_free), the next unmap waits for its
 * own dma_unmap_page.  Both domains end empty, with nothing to report.
 */
static void test_claim_ends_after_one_unmap(void)
{
	static const char text[] =
		"init-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=2 device=0000:00:02.0\n"
		"init-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=3 device=0000:00:03.0\n"
		"init-1 [000] ..... 1.1: attach_device_to_domain: IOMMU: device=0000:00:02.0\n"
		"init-1 [000] ..... 1.1: attach_device_to_domain: IOMMU: device=0000:00:03.0\n"
		"dd-5 [000] ..... 2.0: map: IOMMU: iova=0x00000000fffa0000 - 0x00000000fffa1000 paddr=0x0000000103a75000 size=4096\n"
		"dd-5 [000] ..... 2.0: map: IOMMU: iova=0x00000000fffa1000 - 0x00000000fffa2000 paddr=0x0000000103ac6000 size=4096\n"
		"dd-5 [000] ..... 2.0: dma_map_sg: 0000:00:03.0 dir=FROM_DEVICE nents=2/2 ents=1/1 dma_addrs={0xfffa0000} sizes={0x2000} phys_addrs={0x103a75000,0x103ac6000} attrs=\n"
		"dd-6 [001] ..... 2.1: map: IOMMU: iova=0x00000000ffff7000 - 0x00000000ffff8000 paddr=0x0000000103a7e000 size=4096\n"
		"dd-6 [001] ..... 2.1: dma_map_page: 0000:00:02.0 dir=FROM_DEVICE dma_addr=ffff7000 size=4096 phys_addr=103a7e000 attrs=\n"
		"<idle>-0 [000] d.h1. 3.0: dma_unmap_sg: 0000:00:03.0 dir=FROM_DEVICE phys_addrs={0x103a75000,0x103ac6000} attrs=\n"
		"<idle>-0 [000] d.h1. 3.0: unmap: IOMMU: iova=0x00000000fffa0000 - 0x00000000fffa2000 size=8192 unmapped_size=8192\n"
		"<idle>-0 [000] d.h1. 3.1: unmap: IOMMU: iova=0x00000000ffff7000 - 0x00000000ffff8000 size=4096 unmapped_size=4096\n"
		"<idle>-0 [000] d.h1. 3.1: dma_unmap_page: 0000:00:02.0 dir=FROM_DEVICE dma_addr=ffff7000 size=4096 attrs=\n";
	struct run r;
	uint32_t i;

	run_text(&r, text);
	for (i = 0; i < r.m.nfindings; i++)
		fprintf(stderr, "unexpected: %s\n", r.m.findings[i].message);
	CU_ASSERT_EQUAL(r.m.nfindings, 0);
	CU_ASSERT_EQUAL(r.m.stats.attributed_maps, 3);
	CU_ASSERT_EQUAL(r.m.stats.attributed_unmaps, 2);
	CU_ASSERT_EQUAL(r.m.stats.live, 0);
	free_run(&r);
}

/* An event of @type on CPU 0 at @ts by @pid (the device's name where it has one). */
static struct iorep_event mkev(enum iorep_etype type, uint64_t ts, int32_t pid)
{
	struct iorep_event ev;

	iorep_event_reset(&ev, type);
	ev.ts = ts;
	ev.cpu = 0;
	ev.pid = pid;
	ev.comm = "t";
	ev.device = "0000:00:07.0";
	ev.gid = 6;
	ev.have = 1u << IOREP_F_DEVICE | 1u << IOREP_F_GID;
	return ev;
}

/* A device added and attached to its DMA domain, then to a user domain of pid 9. */
static void attach_user_domain(struct iorep_model *m)
{
	struct iorep_event ev;

	ev = mkev(IOREP_EV_ADD_DEVICE, 1000000000ull, 1);
	CU_ASSERT_EQUAL_FATAL(iorep_model_feed(m, &ev), 0);
	ev = mkev(IOREP_EV_ATTACH, 1100000000ull, 1);
	CU_ASSERT_EQUAL_FATAL(iorep_model_feed(m, &ev), 0);
	ev = mkev(IOREP_EV_ATTACH, 2000000000ull, 9);
	CU_ASSERT_EQUAL_FATAL(iorep_model_feed(m, &ev), 0);
}

/* The live map of @m's user domain (attach_user_domain()); ends the test when there is none. */
static struct iorep_ivmap *user_live(struct iorep_model *m)
{
	struct iorep_ivmap *live = NULL;
	uint32_t i;

	for (i = 0; i < m->ndomains; i++)
		if (m->domains[i].kind == IOREP_DOM_USER)
			live = &m->domains[i].live;
	CU_ASSERT_PTR_NOT_NULL_FATAL(live);
	return live;
}

/*
 * The unmapped history (dead nodes) of a long trace stays within
 * IOREP_HISTORY_MAX over all maps: old history is dropped, recent history
 * still proves a double unmap.
 */
static void test_history_bounded(void)
{
	const uint32_t n = IOREP_HISTORY_MAX + IOREP_HISTORY_MAX / 4;
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_model m;
	struct iorep_event ev;
	uint64_t ts = 3000000000ull, dead = 0;
	uint32_t i, doubles = 0;

	iorep_model_init(&m, st);
	attach_user_domain(&m);
	for (i = 0; i < n; i++) {
		ev = mkev(IOREP_EV_MAP, ts++, 9);
		ev.iova = 0x100000 + (uint64_t)i * 0x1000;
		ev.size = 0x1000;
		ev.have = 1u << IOREP_F_IOVA | 1u << IOREP_F_SIZE;
		CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&m, &ev), 0);
		ev.type = IOREP_EV_UNMAP;
		ev.ts = ts++;
		CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&m, &ev), 0);
	}
	/* the last range again: the recent history says it is a double unmap */
	ev.ts = ts++;
	CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&m, &ev), 0);
	CU_ASSERT_EQUAL(iorep_model_finish(&m), 0);
	for (i = 0; i < m.ndomains; i++)
		dead += iorep_ivmap_dead_count(&m.domains[i].live);
	CU_ASSERT_TRUE(dead <= IOREP_HISTORY_MAX);
	CU_ASSERT_TRUE(dead >= n - IOREP_HISTORY_MAX);
	CU_ASSERT_EQUAL(m.hist_sweeps, 1);
	CU_ASSERT_EQUAL(m.stats.unmaps, n + 1);
	for (i = 0; i < m.nfindings; i++)
		if (m.findings[i].type == IOREP_FIND_DOUBLE_UNMAP) {
			CU_ASSERT_EQUAL(m.findings[i].iova, 0x100000 + (uint64_t)(n - 1) * 0x1000);
			doubles++;
		}
	CU_ASSERT_EQUAL(doubles, 1);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

/*
 * A stack trace after every map and unmap (trace-cmd record -T): the table
 * of stacks stays about the size of the live mappings, however long the
 * trace; the outstanding mappings' finding has its oldest map's stack, and
 * a double unmap its own.
 */
static void test_stacks_bounded(void)
{
	const uint32_t n = 30000, live = 500;
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_model m;
	struct iorep_event ev, sev;
	uint64_t ts = 3000000000ull, pos = 10;
	char name[32];
	uint32_t i, checked = 0;
	int len;

	iorep_model_init(&m, st);
	attach_user_domain(&m);
	for (i = 0; i < n + 1; i++) {
		ev = mkev(IOREP_EV_MAP, ts++, 9);
		ev.type = i < n ? IOREP_EV_MAP : IOREP_EV_UNMAP; /* the last: the first's again */
		ev.iova = 0x100000 + (uint64_t)(i < n ? i : 0) * 0x1000;
		ev.size = 0x1000;
		ev.have = 1u << IOREP_F_IOVA | 1u << IOREP_F_SIZE;
		ev.pos = pos++;
		CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&m, &ev), 0);
		iorep_event_reset(&sev, IOREP_EV_STACK);
		sev.cpu = 0;
		sev.pid = 9;
		sev.ts = ev.ts;
		sev.pos = pos++;
		sev.stack_of = ev.pos;
		len = snprintf(name, sizeof(name), "%s_%u", i < n ? "mapper" : "unmapper", i);
		sev.stack = iorep_strtab_intern(st, name, (size_t)len);
		CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&m, &sev), 0);
		if (i >= live && i < n) { /* the map @live before, unmapped, its stack after it */
			ev = mkev(IOREP_EV_UNMAP, ts++, 9);
			ev.iova = 0x100000 + (uint64_t)(i - live) * 0x1000;
			ev.size = 0x1000;
			ev.have = 1u << IOREP_F_IOVA | 1u << IOREP_F_SIZE;
			ev.pos = pos++;
			CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&m, &ev), 0);
		}
	}
	CU_ASSERT_EQUAL(iorep_model_finish(&m), 0);
	CU_ASSERT_TRUE(m.stacks.cap <= 8 * 1024);
	for (i = 0; i < m.nfindings; i++) {
		if (m.findings[i].type == IOREP_FIND_OUTSTANDING) {
			snprintf(name, sizeof(name), "mapper_%u", n - live);
			CU_ASSERT_STRING_EQUAL(m.findings[i].stack ? m.findings[i].stack : "", name);
			checked++;
		} else if (m.findings[i].type == IOREP_FIND_DOUBLE_UNMAP) {
			snprintf(name, sizeof(name), "unmapper_%u", n);
			CU_ASSERT_STRING_EQUAL(m.findings[i].stack ? m.findings[i].stack : "", name);
			checked++;
		}
	}
	CU_ASSERT_EQUAL(checked, 2);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

/* Feeds a map or unmap of [iova, iova + size) by pid 9 at @ts, processed at once. */
static void feed_range(struct iorep_model *m, enum iorep_etype type, uint64_t ts, uint64_t iova,
		       uint64_t size)
{
	struct iorep_event ev = mkev(type, ts, 9);

	ev.iova = iova;
	ev.size = size;
	ev.have = 1u << IOREP_F_IOVA | 1u << IOREP_F_SIZE;
	CU_ASSERT_EQUAL_FATAL(iorep_model_feed(m, &ev), 0);
	/* no dma:* event claims it: what the model holds back goes to pid 9's domain */
	CU_ASSERT_EQUAL_FATAL(iorep_model_flush_held(m), 0);
}

/*
 * An unmap of several mappings keeps the node of the first as its record,
 * and a map over a smaller unmapped range takes that node over: the same
 * memory throughout, with the findings of a remove and an insert.
 */
static void test_unmap_record_reuses_a_node(void)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_model m;
	struct iorep_ivmap_node *first;
	struct iorep_ivmap *live;
	uint32_t i;

	iorep_model_init(&m, st);
	attach_user_domain(&m);
	for (i = 0; i < 3; i++)
		feed_range(&m, IOREP_EV_MAP, 3000000000ull + i, 0x100000 + i * 0x1000, 0x1000);
	live = user_live(&m);
	first = iorep_ivmap_find_containing(live, 0x100000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	/* the unmap of the three: the first page's node is the record of all */
	feed_range(&m, IOREP_EV_UNMAP, 3000000010ull, 0x100000, 0x3000);
	CU_ASSERT_EQUAL(iorep_ivmap_count(live), 0);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(live), 1);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_dead_find_containing(live, 0x102fff), first);
	CU_ASSERT(first->start == 0x100000 && first->last == 0x102fff);
	CU_ASSERT_EQUAL(first->val.ts, 3000000010ull);
	CU_ASSERT_EQUAL(first->val.paddr, 3000000000ull); /* when the oldest was mapped */
	/* a map over all of it and one page more: the record becomes the mapping */
	feed_range(&m, IOREP_EV_MAP, 3000000020ull, 0x100000, 0x4000);
	CU_ASSERT_EQUAL(iorep_ivmap_count(live), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(live), 0);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_containing(live, 0x103000), first);
	CU_ASSERT(first->start == 0x100000 && first->last == 0x103fff && !first->dead);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(live), 0);
	/* unmapped twice: the second is a double unmap, as before */
	feed_range(&m, IOREP_EV_UNMAP, 3000000030ull, 0x100000, 0x4000);
	CU_ASSERT_EQUAL(m.nfindings, 0);
	feed_range(&m, IOREP_EV_UNMAP, 3000000040ull, 0x100000, 0x4000);
	CU_ASSERT_EQUAL_FATAL(m.nfindings, 1);
	CU_ASSERT_EQUAL(m.findings[0].type, IOREP_FIND_DOUBLE_UNMAP);
	CU_ASSERT_EQUAL(m.stats.live, 0);
	CU_ASSERT_EQUAL(m.stats.lifetime_count, 4);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(live), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(live), 0);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

/*
 * An sg list mapped chunk by chunk over a longer unmapped range: the first
 * chunk takes the record's node, which keeps its start (its place in the
 * table of nodes by start), and the rest stays unmapped history as a trim
 * of the front would leave it, paddr (the map time) advanced by the cut.
 */
static void test_map_takes_front_of_record(void)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_model m;
	struct iorep_ivmap_node *rec, *rest;
	struct iorep_ivmap *live;

	iorep_model_init(&m, st);
	attach_user_domain(&m);
	feed_range(&m, IOREP_EV_MAP, 3000000000ull, 0x100000, 0x3000);
	live = user_live(&m);
	feed_range(&m, IOREP_EV_UNMAP, 3000000010ull, 0x100000, 0x3000);
	rec = iorep_ivmap_dead_find_containing(live, 0x100000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	/* the first chunk: the record's node, cut at the chunk's end */
	feed_range(&m, IOREP_EV_MAP, 3000000020ull, 0x100000, 0x2000);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_exact(live, 0x100000, 0x102000), rec);
	CU_ASSERT(rec->start == 0x100000 && rec->last == 0x101fff && !rec->dead);
	CU_ASSERT_EQUAL(rec->val.ts, 3000000020ull);
	CU_ASSERT_EQUAL(iorep_ivmap_count(live), 1);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(live), 1);
	rest = iorep_ivmap_dead_find_containing(live, 0x102000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rest);
	CU_ASSERT(rest->start == 0x102000 && rest->last == 0x102fff);
	CU_ASSERT_EQUAL(rest->val.ts, 3000000010ull);
	CU_ASSERT_EQUAL(rest->val.paddr, 3000000000ull + 0x2000);
	CU_ASSERT_TRUE(iorep_ivmap_apart(live));
	CU_ASSERT_EQUAL(iorep_ivmap_validate(live), 0);
	/* the second chunk revives the rest in place */
	feed_range(&m, IOREP_EV_MAP, 3000000030ull, 0x102000, 0x1000);
	CU_ASSERT_PTR_EQUAL(iorep_ivmap_find_exact(live, 0x102000, 0x103000), rest);
	CU_ASSERT_EQUAL(iorep_ivmap_count(live), 2);
	CU_ASSERT_EQUAL(iorep_ivmap_dead_count(live), 0);
	CU_ASSERT_EQUAL(m.stats.live, 2);
	CU_ASSERT_EQUAL(m.stats.live_bytes, 0x3000);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(live), 0);
	/* unmapped whole, then again: one double unmap */
	feed_range(&m, IOREP_EV_UNMAP, 3000000040ull, 0x100000, 0x3000);
	CU_ASSERT_EQUAL(m.nfindings, 0);
	feed_range(&m, IOREP_EV_UNMAP, 3000000050ull, 0x100000, 0x3000);
	CU_ASSERT_EQUAL_FATAL(m.nfindings, 1);
	CU_ASSERT_EQUAL(m.findings[0].type, IOREP_FIND_DOUBLE_UNMAP);
	CU_ASSERT_EQUAL(m.stats.live, 0);
	CU_ASSERT_EQUAL(iorep_ivmap_validate(live), 0);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

/* Past IOREP_FINDINGS_PER_TYPE of one type, findings are counted, not listed. */
static void test_findings_capped(void)
{
	const uint32_t n = IOREP_FINDINGS_PER_TYPE + 1500;
	char *text = malloc((size_t)n * 120 + 400), *p = text;
	struct run r;
	uint32_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	p += sprintf(p, "init-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=6 "
			"device=0000:00:07.0\n"
			"init-1 [000] ..... 1.1: attach_device_to_domain: IOMMU: device=0000:00:07.0\n"
			"t-9 [000] ..... 2.0: attach_device_to_domain: IOMMU: device=0000:00:07.0\n"
			/* its user domain: it maps into it */
			"t-9 [000] ..... 2.1: map: IOMMU: iova=0x10000000 - 0x10001000 "
			"paddr=0x20000000 size=4096\n");
	for (i = 0; i < n; i++)
		p += sprintf(p, "t-9 [000] ..... 3.%06u: unmap: IOMMU: iova=0x%x - 0x%x size=4096 "
				"unmapped_size=4096\n", i, 0x100000 + i * 4096, 0x101000 + i * 4096);
	run_text(&r, text);
	/* and the map, outstanding */
	CU_ASSERT_EQUAL_FATAL(r.m.nfindings, IOREP_FINDINGS_PER_TYPE + 1);
	CU_ASSERT_EQUAL(r.m.unlisted, 1500);
	CU_ASSERT_EQUAL(r.m.type_findings[IOREP_FIND_UNMATCHED_UNMAP], n);
	/* a domain made in the trace: every one is an error, listed or not */
	CU_ASSERT_EQUAL(r.m.findings_by_sev[IOREP_SEV_ERROR], n);
	for (i = 0; i < IOREP_FINDINGS_PER_TYPE; i++)
		CU_ASSERT_EQUAL(r.m.findings[i].iova, 0x100000 + (uint64_t)i * 4096);
	CU_ASSERT_EQUAL(r.m.findings[i].type, IOREP_FIND_OUTSTANDING);
	free_run(&r);
	free(text);
}

/* Devices and groups are found by name and id among many (hash indexes). */
static void test_many_devices(void)
{
	const uint32_t n = 50000;
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_model m;
	struct iorep_event ev;
	char name[32];
	uint32_t i, bad = 0;

	iorep_model_init(&m, st);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "0000:%02x:%02x.%u", i >> 8 & 0xff, i >> 3 & 0x1f,
			 i & 7);
		if (i >= 65536)
			snprintf(name, sizeof(name), "dev%u", i);
		ev = mkev(IOREP_EV_ADD_DEVICE, 1000 + i, 1);
		ev.device = iorep_strtab_intern(st, name, strlen(name));
		ev.gid = (int32_t)(i * 7 + 3);
		CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&m, &ev), 0);
	}
	CU_ASSERT_EQUAL(m.ndevices, n);
	CU_ASSERT_EQUAL(m.ngroups, n);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "0000:%02x:%02x.%u", i >> 8 & 0xff, i >> 3 & 0x1f,
			 i & 7);
		/* a copy, not the interned pointer: found by its bytes */
		bad += iorep_model_device_find(&m, name) != i;
		bad += iorep_model_group_find(&m, (int32_t)(i * 7 + 3)) != i;
		bad += m.devices[i].group != (int32_t)(i * 7 + 3);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(iorep_model_device_find(&m, "0000:ff:1f.8"), IOREP_NONE);
	CU_ASSERT_EQUAL(iorep_model_group_find(&m, 5), IOREP_NONE);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

/* An event of @type at @ts on CPU 0, with @iova / @dma_addr and @size, but no device. */
static void feed_nameless(struct iorep_model *m, enum iorep_etype type, uint64_t ts, uint64_t addr,
			  uint64_t size)
{
	struct iorep_event ev;

	iorep_event_reset(&ev, type);
	ev.ts = ts;
	ev.pid = 9;
	ev.comm = "t";
	ev.size = size;
	ev.have = 1u << IOREP_F_SIZE;
	if (type == IOREP_EV_MAP || type == IOREP_EV_UNMAP) {
		ev.iova = addr;
		ev.unmapped_size = size;
		ev.have |= 1u << IOREP_F_IOVA | 1u << IOREP_F_UNMAPPED_SIZE;
	} else {
		ev.dma_addr = addr;
		ev.have |= 1u << IOREP_F_DMA_ADDR;
	}
	CU_ASSERT_EQUAL(iorep_model_feed(m, &ev), 0);
}

/*
 * A dma:* event without its device (a damaged record a reader let through)
 * attributes nothing: neither the map it follows nor the unmap after a
 * free claims one (it used to index the devices with IOREP_NONE).
 */
static void test_dma_event_without_device(void)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_model m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	iorep_model_init(&m, st);
	feed_nameless(&m, IOREP_EV_MAP, 1000, 0x100000, 4096);
	feed_nameless(&m, IOREP_EV_DMA_MAP_PAGE, 1001, 0x100000, 4096);
	feed_nameless(&m, IOREP_EV_DMA_FREE, 2000, 0x100000, 4096);
	feed_nameless(&m, IOREP_EV_UNMAP, 2001, 0x100000, 4096);
	CU_ASSERT_EQUAL(iorep_model_finish(&m), 0);
	CU_ASSERT_EQUAL(m.stats.maps, 1);
	CU_ASSERT_EQUAL(m.stats.unmaps, 1);
	CU_ASSERT_EQUAL(m.stats.attributed_maps, 0);
	CU_ASSERT_EQUAL(m.stats.attributed_unmaps, 0);
	CU_ASSERT_EQUAL(m.ndevices, 0);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

/* An event of @type at @ts on CPU 0 by pid 1 of @dev, in group 4. */
static void feed_dev(struct iorep_model *m, enum iorep_etype type, uint64_t ts, const char *dev)
{
	struct iorep_event ev = mkev(type, ts, 1);

	ev.device = dev;
	ev.gid = 4;
	if (type == IOREP_EV_MAP) {
		ev.iova = 0xfffe0000;
		ev.paddr = 0x10509a000;
		ev.size = 4096;
		ev.have = 1u << IOREP_F_IOVA | 1u << IOREP_F_PADDR | 1u << IOREP_F_SIZE;
	} else if (type == IOREP_EV_DMA_MAP_PAGE) {
		ev.dma_addr = 0xfffe0000;
		ev.phys_addr = 0x10509a000;
		ev.size = 4096;
		ev.dir = IOREP_DIR_TO_DEVICE;
		ev.have |= 1u << IOREP_F_DMA_ADDR | 1u << IOREP_F_PHYS_ADDR | 1u << IOREP_F_SIZE |
			   1u << IOREP_F_DIR;
	}
	CU_ASSERT_EQUAL_FATAL(iorep_model_feed(m, &ev), 0);
}

/* Devices @a and @b added to group 4 and attached to its DMA domain, by pid 1. */
static void boot_group(struct iorep_model *m, const char *a, const char *b)
{
	feed_dev(m, IOREP_EV_ADD_DEVICE, 1000, a);
	feed_dev(m, IOREP_EV_ADD_DEVICE, 1001, b);
	feed_dev(m, IOREP_EV_ATTACH, 2000, a);
	feed_dev(m, IOREP_EV_ATTACH, 2001, b);
}

/*
 * A group's devices share its DMA domain: what is left mapped there is the
 * device's whose dma:* event claimed the map, not the device attached last
 * (the 6.12 boot capture's SATA and SMBus controllers, group 9).  Live at
 * the end, then left when the group goes.
 */
static void test_shared_domain_names_mapper(void)
{
	static const char sata[] = "0000:00:1f.2", smbus[] = "0000:00:1f.3";
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_model m;
	uint32_t i, n = 0, want;
	int removed;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	for (removed = 0; removed < 2; removed++) {
		iorep_model_init(&m, st);
		boot_group(&m, sata, smbus);
		feed_dev(&m, IOREP_EV_MAP, 3000, sata);
		feed_dev(&m, IOREP_EV_DMA_MAP_PAGE, 3001, sata);
		if (removed) {
			feed_dev(&m, IOREP_EV_REMOVE_DEVICE, 4000, sata);
			feed_dev(&m, IOREP_EV_REMOVE_DEVICE, 4001, smbus);
		}
		CU_ASSERT_EQUAL_FATAL(iorep_model_finish(&m), 0);
		CU_ASSERT_EQUAL(m.stats.attributed_maps, 1);
		want = removed ? IOREP_FIND_LEAK : IOREP_FIND_OUTSTANDING;
		for (i = n = 0; i < m.nfindings; i++) {
			if (m.findings[i].type != want)
				continue;
			n++;
			CU_ASSERT_TRUE_FATAL(m.findings[i].device != IOREP_NONE);
			CU_ASSERT_STRING_EQUAL(m.devices[m.findings[i].device].name, sata);
			CU_ASSERT_EQUAL(m.findings[i].iova, 0xfffe0000);
		}
		CU_ASSERT_EQUAL(n, 1);
		iorep_model_release(&m);
	}
	iorep_strtab_free(st);
}

/* A map of [@iova, +16 MiB) from @paddr at @ts by @pid on @cpu. */
static void feed_map_by(struct iorep_model *m, uint64_t ts, int32_t pid, int32_t cpu,
			uint64_t iova, uint64_t paddr)
{
	struct iorep_event ev = mkev(IOREP_EV_MAP, ts, pid);

	ev.cpu = cpu;
	ev.iova = iova;
	ev.paddr = paddr;
	ev.size = 16 << 20;
	ev.have = 1u << IOREP_F_IOVA | 1u << IOREP_F_PADDR | 1u << IOREP_F_SIZE;
	CU_ASSERT_EQUAL_FATAL(iorep_model_feed(m, &ev), 0);
}

/*
 * A reserved region mapped 1:1 by the task that then attaches a device (the
 * boot captures' ISA range, before 0000:00:1f.0's attach), on whichever CPU,
 * is a direct map of that device's group DMA domain: outstanding there at the end, no leak
 * when the group goes.  A map that is not 1:1, or by another task, stays
 * nobody's (the pool).
 */
static void test_direct_map_before_attach(void)
{
	static const char isa[] = "0000:00:1f.0";
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_model m;
	uint32_t dom, i, n;
	int removed;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	for (removed = 0; removed < 2; removed++) {
		iorep_model_init(&m, st);
		feed_dev(&m, IOREP_EV_ADD_DEVICE, 1000, isa);
		/* made on CPU 1, attached on CPU 0: the task moved in between */
		feed_map_by(&m, 2000, 1, 1, 0, 0);
		feed_dev(&m, IOREP_EV_ATTACH, 2001, isa);
		feed_map_by(&m, 3000, 1, 0, 0x10000000, 0x20000000);	/* not 1:1 */
		feed_dev(&m, IOREP_EV_ATTACH, 3001, isa);
		feed_map_by(&m, 4000, 7, 0, 0x40000000, 0x40000000);	/* another task's */
		feed_dev(&m, IOREP_EV_ATTACH, 4001, isa);
		if (removed)
			feed_dev(&m, IOREP_EV_REMOVE_DEVICE, 5000, isa);
		CU_ASSERT_EQUAL_FATAL(iorep_model_finish(&m), 0);
		CU_ASSERT_EQUAL(m.stats.direct_maps, 1);
		dom = m.groups[iorep_model_group_find(&m, 4)].domain;
		CU_ASSERT_EQUAL(m.domains[dom].maps, 1);
		CU_ASSERT_TRUE_FATAL(m.pool != IOREP_NONE);
		CU_ASSERT_EQUAL(m.domains[m.pool].maps, 2);
		for (i = n = 0; i < m.nfindings; i++) {
			CU_ASSERT_NOT_EQUAL(m.findings[i].type, IOREP_FIND_LEAK);
			if (m.findings[i].type != IOREP_FIND_OUTSTANDING || m.findings[i].domain != dom)
				continue;
			n++;
			CU_ASSERT_EQUAL(m.findings[i].iova, 0);
			CU_ASSERT_TRUE_FATAL(m.findings[i].device != IOREP_NONE);
			CU_ASSERT_STRING_EQUAL(m.devices[m.findings[i].device].name, isa);
			CU_ASSERT_PTR_NOT_NULL(strstr(m.findings[i].message, "reserved region"));
		}
		/* outstanding while its domain lives; gone with it, and no leak */
		CU_ASSERT_EQUAL(n, removed ? 0 : 1);
		iorep_model_release(&m);
	}
	iorep_strtab_free(st);
}

/* A map of [0xffffe000, +8 KiB) at @ts on CPU 0 and its dma_alloc by @dev. */
static void feed_alloc(struct iorep_model *m, uint64_t ts, const char *dev)
{
	struct iorep_event ev = mkev(IOREP_EV_MAP, ts, 1);

	ev.iova = 0xffffe000;
	ev.paddr = 0x104faa000;
	ev.size = 8192;
	ev.have = 1u << IOREP_F_IOVA | 1u << IOREP_F_PADDR | 1u << IOREP_F_SIZE;
	CU_ASSERT_EQUAL_FATAL(iorep_model_feed(m, &ev), 0);
	ev = mkev(IOREP_EV_DMA_ALLOC, ts + 1, 1);
	ev.device = dev;
	ev.dma_addr = 0xffffe000;
	ev.size = 6726;
	ev.dir = IOREP_DIR_BIDIRECTIONAL;
	ev.have |= 1u << IOREP_F_DMA_ADDR | 1u << IOREP_F_SIZE | 1u << IOREP_F_DIR;
	CU_ASSERT_EQUAL_FATAL(iorep_model_feed(m, &ev), 0);
}

/*
 * Hot-plug: a device removed (its group, of it alone, freed with its DMA
 * domain) and added again (a rescan) attaches to a new DMA domain of its
 * group, not to a user domain of the task that rescanned; what the removal
 * left mapped is a leak of the old domain, and the new domain's first map
 * of the same IOVA overlaps nothing.  A device removed from a group that
 * keeps others comes back to the same domain.
 */
static void test_hotplug_readd(void)
{
	static const char nic[] = "0000:00:02.0", other[] = "0000:00:1f.3";
	struct iorep_strtab *st = iorep_strtab_new();
	const struct iorep_device *d;
	uint32_t i, old, leaks = 0;
	struct iorep_model m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	iorep_model_init(&m, st);
	feed_dev(&m, IOREP_EV_ADD_DEVICE, 1000, nic);
	feed_dev(&m, IOREP_EV_ATTACH, 1001, nic);
	feed_alloc(&m, 2000, nic);
	feed_dev(&m, IOREP_EV_REMOVE_DEVICE, 3000, nic);
	feed_dev(&m, IOREP_EV_ADD_DEVICE, 4000, nic);
	feed_dev(&m, IOREP_EV_ATTACH, 4001, nic);
	feed_alloc(&m, 5000, nic);
	CU_ASSERT_EQUAL_FATAL(iorep_model_finish(&m), 0);
	d = &m.devices[iorep_model_device_find(&m, nic)];
	CU_ASSERT_EQUAL_FATAL(d->nepochs, 2);
	old = d->epochs[0].domain;
	CU_ASSERT_EQUAL(m.domains[d->epochs[1].domain].kind, IOREP_DOM_DMA);
	CU_ASSERT_NOT_EQUAL(d->epochs[1].domain, old);
	CU_ASSERT_EQUAL(m.groups[iorep_model_group_find(&m, 4)].domain, d->epochs[1].domain);
	for (i = 0; i < m.nfindings; i++) {
		CU_ASSERT_NOT_EQUAL(m.findings[i].type, IOREP_FIND_OVERLAPPING_MAP);
		if (m.findings[i].type == IOREP_FIND_LEAK) {
			leaks++;
			CU_ASSERT_EQUAL(m.findings[i].domain, old);
			CU_ASSERT_EQUAL(m.findings[i].iova, 0xffffe000);
		}
	}
	CU_ASSERT_EQUAL(leaks, 1);
	iorep_model_release(&m);

	/* the group keeps another device: the same domain, nothing leaked */
	iorep_model_init(&m, st);
	boot_group(&m, nic, other);
	feed_dev(&m, IOREP_EV_REMOVE_DEVICE, 3000, nic);
	feed_dev(&m, IOREP_EV_ADD_DEVICE, 4000, nic);
	feed_dev(&m, IOREP_EV_ATTACH, 4001, nic);
	CU_ASSERT_EQUAL_FATAL(iorep_model_finish(&m), 0);
	d = &m.devices[iorep_model_device_find(&m, nic)];
	CU_ASSERT_EQUAL_FATAL(d->nepochs, 2);
	CU_ASSERT_EQUAL(d->epochs[1].domain, d->epochs[0].domain);
	CU_ASSERT_EQUAL(m.domains[d->epochs[1].domain].kind, IOREP_DOM_DMA);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

/*
 * The same through the text reader, on the 6.12 boot capture with a hot-plug
 * of 0000:00:02.0 after it (a rescan by bash; the kernel's print formats of
 * the capture): the three mappings its driver left in the old domain are
 * leaks, the new domain holds the new one, and no user domain appears.
 */
static void test_hotplug_after_boot(void)
{
	static const char tail[] =
		"            bash-300     [000] .....     6.000000: remove_device_from_group: "
		"IOMMU: groupID=1 device=0000:00:02.0\n"
		"            bash-300     [000] .....     7.000000: add_device_to_group: "
		"IOMMU: groupID=1 device=0000:00:02.0\n"
		"            bash-300     [000] .....     7.000100: attach_device_to_domain: "
		"IOMMU: device=0000:00:02.0\n"
		"            bash-300     [000] .....     7.100000: map: IOMMU: "
		"iova=0x00000000ffffe000 - 0x0000000100000000 paddr=0x0000000104faa000 size=8192\n"
		"            bash-300     [000] .....     7.100001: dma_alloc: 0000:00:02.0 "
		"dir=BIDIRECTIONAL dma_addr=ffffe000 size=6726 virt_addr=000000006457103f "
		"flags=GFP_KERNEL attrs=\n";
	size_t len, i;
	char *boot = iorep_test_slurp(K612 "boot/trace.txt", &len), *text;
	const struct iorep_device *d;
	uint32_t leaks = 0, users = 0, old;
	struct run r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(boot);
	text = malloc(len + sizeof(tail));
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memcpy(text, boot, len);
	memcpy(text + len, tail, sizeof(tail));
	run_text(&r, text);
	d = &r.m.devices[iorep_model_device_find(&r.m, "0000:00:02.0")];
	CU_ASSERT_EQUAL_FATAL(d->nepochs, 2);
	old = d->epochs[0].domain;
	CU_ASSERT_NOT_EQUAL(d->epochs[1].domain, old);
	CU_ASSERT_EQUAL(r.m.domains[d->epochs[1].domain].kind, IOREP_DOM_DMA);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&r.m.domains[d->epochs[1].domain].live), 1);
	for (i = 0; i < r.m.ndomains; i++)
		users += r.m.domains[i].kind == IOREP_DOM_USER;
	CU_ASSERT_EQUAL(users, 0);
	for (i = 0; i < r.m.nfindings; i++) {
		CU_ASSERT_NOT_EQUAL(r.m.findings[i].type, IOREP_FIND_OVERLAPPING_MAP);
		if (r.m.findings[i].type == IOREP_FIND_LEAK) {
			leaks++;
			CU_ASSERT_EQUAL(r.m.findings[i].domain, old);
		}
	}
	CU_ASSERT_EQUAL(leaks, 3);
	free_run(&r);
	free(text);
	free(boot);
}

/*
 * The 6.12 hotplug capture (its GROUND_TRUTH.md): the e1000 at 01:00.0
 * removed and found again (a new DMA domain), its group's type set to
 * identity then DMA through sysfs with the driver unbound (each a new
 * default domain, attached by the writing task), and an e1000 hot-plugged
 * into group 7 and unplugged.  No user or blocking domain, no error.
 */
static void test_hotplug_capture_612(void)
{
	const struct iorep_device *d;
	uint32_t i, gi, dev;
	struct run r;

	run_model(&r, K612 "hotplug", "trace.dat", 1);
	dev = iorep_model_device_find(&r.m, "0000:01:00.0");
	CU_ASSERT_NOT_EQUAL_FATAL(dev, IOREP_NONE);
	d = &r.m.devices[dev];
	CU_ASSERT_EQUAL_FATAL(d->nepochs, 4);
	CU_ASSERT_EQUAL(epoch_kind(&r, d, 0), IOREP_DOM_DMA);
	CU_ASSERT_EQUAL(epoch_kind(&r, d, 1), IOREP_DOM_DMA);
	CU_ASSERT_EQUAL(epoch_kind(&r, d, 2), IOREP_DOM_IDENTITY);
	CU_ASSERT_EQUAL(epoch_kind(&r, d, 3), IOREP_DOM_DMA);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(r.m.domains[d->epochs[i].domain].group, 6);
	CU_ASSERT_NOT_EQUAL(d->epochs[0].domain, d->epochs[1].domain);
	CU_ASSERT_NOT_EQUAL(d->epochs[1].domain, d->epochs[3].domain);
	/* removed at 6.051519, back at 7.097878 (trace.txt's rounded microseconds) */
	CU_ASSERT_EQUAL((d->epochs[0].end + 500) / 1000, 6051519);
	CU_ASSERT_EQUAL((d->epochs[1].start + 500) / 1000, 7097878);
	CU_ASSERT_EQUAL((d->epochs[2].start + 500) / 1000, 9586307);
	CU_ASSERT_EQUAL((d->epochs[3].start + 500) / 1000, 12077171);
	gi = iorep_model_group_find(&r.m, 6);
	CU_ASSERT_EQUAL(r.m.groups[gi].domain, d->epochs[3].domain);
	/* the bound driver's receive ring, live at the end in the last domain */
	CU_ASSERT_EQUAL(iorep_ivmap_count(&r.m.domains[d->epochs[3].domain].live), 258);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(iorep_ivmap_count(&r.m.domains[d->epochs[i].domain].live), 0);

	dev = iorep_model_device_find(&r.m, "0000:02:00.0");
	CU_ASSERT_NOT_EQUAL_FATAL(dev, IOREP_NONE);
	d = &r.m.devices[dev];
	CU_ASSERT_TRUE(d->removed);
	CU_ASSERT_EQUAL_FATAL(d->nepochs, 1);
	CU_ASSERT_EQUAL(epoch_kind(&r, d, 0), IOREP_DOM_DMA);
	CU_ASSERT_EQUAL((d->epochs[0].end + 500) / 1000, 17941923);
	CU_ASSERT_EQUAL(r.m.domains[d->epochs[0].domain].group, 7);
	CU_ASSERT_EQUAL(r.m.domains[d->epochs[0].domain].maps, 258);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&r.m.domains[d->epochs[0].domain].live), 0);

	for (i = 0; i < r.m.ndomains; i++)
		CU_ASSERT_TRUE(r.m.domains[i].kind == IOREP_DOM_DMA ||
			       r.m.domains[i].kind == IOREP_DOM_IDENTITY);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_WARNING), 0);
	free_run(&r);
}

/*
 * Without dma:* events (an Arm SoC's 6.1, say) a driver's maps are nobody's:
 * a fault of its device says what those knew of the IOVA, and its history
 * has them.
 */
static void test_fault_reads_the_pool(void)
{
	static const char text[] =
		"swapper/0-1 [001] .... 1.240000: add_device_to_group: IOMMU: groupID=1 "
		"device=ff9c0000.mmc\n"
		"swapper/0-1 [001] .... 1.240100: attach_device_to_domain: IOMMU: "
		"device=ff9c0000.mmc\n"
		"mmc-cmdqd-88 [001] .... 2.100000: map: IOMMU: iova=0x00000000ffff0000 - "
		"0x00000000ffff8000 paddr=0x0000000041000000 size=32768\n"
		"mmc-cmdqd-88 [001] .... 2.100000: map: IOMMU: iova=0x00000000fffe0000 - "
		"0x00000000fffe1000 paddr=0x0000000042000000 size=4096\n"
		"mmc-cmdqd-88 [001] .... 2.150000: unmap: IOMMU: iova=0x00000000fffe0000 - "
		"0x00000000fffe1000 size=4096 unmapped_size=4096\n"
		"<idle>-0 [001] d.h. 2.200000: io_page_fault: IOMMU:dwmmc_rockchip ff9c0000.mmc "
		"iova=0x00000000ffff0000 flags=0x0001\n"
		"<idle>-0 [001] d.h. 2.200001: io_page_fault: IOMMU:dwmmc_rockchip ff9c0000.mmc "
		"iova=0x00000000fffe0000 flags=0x0001\n";
	const struct iorep_finding *f;
	struct run r;
	uint32_t i, n = 0;

	run_text(&r, text);
	for (i = 0; i < r.m.nfindings; i++) {
		f = &r.m.findings[i];
		if (f->type != IOREP_FIND_IO_PAGE_FAULT)
			continue;
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "never mapped in the dma domain"));
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, n ? "it was unmapped 50001 us before" :
							    "it is live since 2.100000"));
		CU_ASSERT_EQUAL(f->nhistory, n ? 2 : 1);
		n++;
	}
	CU_ASSERT_EQUAL(n, 2);
	free_run(&r);
}

/*
 * 4 KiB unmapped at the start of a 2 MiB superpage, the driver saying 2 MiB:
 * the whole page went (VT-d, AMD), and the rest unmapped again is a double
 * unmap; a never-mapped page the driver says 2 MiB of (VT-d, the real 6.12
 * defects capture) widens nothing.
 */
static void test_superpage_unmapped_whole(void)
{
	static const char text[] =
		"init-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=6 device=0000:00:07.0\n"
		"init-1 [000] ..... 1.1: attach_device_to_domain: IOMMU: device=0000:00:07.0\n"
		"t-9 [000] ..... 2.0: attach_device_to_domain: IOMMU: device=0000:00:07.0\n"
		"t-9 [000] ..... 2.1: map: IOMMU: iova=0x400000 - 0x600000 paddr=0x10ea00000 "
		"size=2097152\n"
		"t-9 [000] ..... 2.2: unmap: IOMMU: iova=0x400000 - 0x401000 size=4096 "
		"unmapped_size=2097152\n"
		"t-9 [000] ..... 2.3: unmap: IOMMU: iova=0x401000 - 0x600000 size=2093056 "
		"unmapped_size=2097152\n"
		"t-9 [000] ..... 2.4: unmap: IOMMU: iova=0x3000000 - 0x3001000 size=4096 "
		"unmapped_size=2097152\n"
		"t-9 [000] ..... 2.5: map: IOMMU: iova=0x3100000 - 0x3101000 paddr=0x1000000 "
		"size=4096\n";
	const struct iorep_finding *f;
	uint32_t i, doubles = 0, unmatched = 0;
	struct run r;

	run_text(&r, text);
	for (i = 0; i < r.m.nfindings; i++) {
		f = &r.m.findings[i];
		if (f->type == IOREP_FIND_DOUBLE_UNMAP) {
			doubles++;
			CU_ASSERT_EQUAL(f->iova, 0x401000);
			CU_ASSERT_EQUAL(f->size, 0x1ff000);
			CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "[0x401000, 0x600000)"));
		}
		if (f->type == IOREP_FIND_UNMATCHED_UNMAP) {
			unmatched++;
			CU_ASSERT_EQUAL(f->iova, 0x3000000);
			CU_ASSERT_EQUAL(f->size, 0x1000);
		}
		CU_ASSERT_NOT_EQUAL(f->type, IOREP_FIND_PARTIAL_UNMAP);
	}
	CU_ASSERT_EQUAL(doubles, 1);
	CU_ASSERT_EQUAL(unmatched, 1);
	/* only the last map is live: the superpage went whole */
	CU_ASSERT_EQUAL(r.m.stats.live, 1);
	CU_ASSERT_EQUAL(r.m.stats.live_bytes, 0x1000);
	free_run(&r);
}

/*
 * AMD-Vi maps a physically contiguous 96 KiB as six 16 KiB pages, and VFIO's
 * type1 unmaps it 4 KiB at a time, each unmap taking a whole page (the real
 * AMD-Vi capture on 6.1, samples/6.1.0-56-amd64/vfio-io-amd): each page of
 * the one mapping goes, nothing leaks when the domain is left, and each unmap
 * is an unmap_size_mismatch that names its page.  A page that would reach
 * past its mapping, or start before it, is not a page: that unmap takes what
 * it asked for.
 */
static void test_large_pages_of_one_mapping(void)
{
	static const char head[] =
		"init-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=7 device=0000:01:00.0\n"
		"init-1 [000] ..... 1.1: attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"vfio-163 [001] ..... 2.0: attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"vfio-163 [001] ..... 2.1: map: IOMMU: iova=0x100008000 - 0x100020000 "
		"paddr=0x5684000 size=98304\n"
		"vfio-163 [001] ..... 2.2: map: IOMMU: iova=0x200000 - 0x206000 "
		"paddr=0x6000000 size=24576\n";
	static const char tail[] =
		/* 16 KiB from 0x204000 would reach past its mapping: 4 KiB goes */
		"vfio-163 [001] ..... 2.4: unmap: IOMMU: iova=0x204000 - 0x205000 size=4096 "
		"unmapped_size=16384\n"
		"vfio-163 [001] ..... 2.5: unmap: IOMMU: iova=0x205000 - 0x206000 size=4096 "
		"unmapped_size=4096\n"
		"vfio-163 [001] ..... 2.6: unmap: IOMMU: iova=0x200000 - 0x204000 size=16384 "
		"unmapped_size=16384\n"
		"vfio-163 [001] ..... 2.9: attach_device_to_domain: IOMMU: device=0000:01:00.0\n";
	char text[4096], line[200];
	const struct iorep_finding *f;
	uint32_t i, mismatches = 0;
	uint64_t iova;
	struct run r;

	snprintf(text, sizeof(text), "%s", head);
	for (iova = 0x100008000; iova < 0x100020000; iova += 0x4000) {
		snprintf(line, sizeof(line),
			 "vfio-163 [001] ..... 2.3: unmap: IOMMU: iova=0x%llx - 0x%llx size=4096 "
			 "unmapped_size=16384\n",
			 (unsigned long long)iova, (unsigned long long)iova + 0x1000);
		strcat(text, line);
	}
	strcat(text, tail);
	run_text(&r, text);
	for (i = 0; i < r.m.nfindings; i++) {
		f = &r.m.findings[i];
		CU_ASSERT_NOT_EQUAL(f->severity, IOREP_SEV_ERROR);
		if (f->type != IOREP_FIND_UNMAP_SIZE_MISMATCH)
			continue;
		if (f->iova == 0x204000) {
			CU_ASSERT_PTR_NULL(strstr(f->message, "went whole"));
			continue;
		}
		CU_ASSERT_EQUAL(f->iova, 0x100008000 + 0x4000 * mismatches);
		CU_ASSERT_EQUAL(f->size, 0x1000);
		snprintf(line, sizeof(line),
			 ": [0x%llx, 0x%llx) of the mapping made at 2.100000 went whole",
			 (unsigned long long)f->iova, (unsigned long long)f->iova + 0x4000);
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, line));
		mismatches++;
	}
	CU_ASSERT_EQUAL(mismatches, 6);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_WARNING), 7);
	CU_ASSERT_EQUAL(r.m.stats.live, 0);
	CU_ASSERT_EQUAL(r.m.stats.live_bytes, 0);
	free_run(&r);
}

/*
 * virtio-iommu cannot split a mapping that one map request made: an unmap
 * that starts at a mapping removes every mapping that starts in its range,
 * whole, and says so in unmapped_size, and VFIO's type1 goes on past what
 * went (the real capture, samples/6.12.117+deb12-amd64/vfio-io-virtio: a
 * 4 KiB unmap took a 96 KiB mapping).  Whole mappings go, one or several,
 * whatever their size; nothing leaks when the domain is left.  A size that
 * ends inside a mapping is no whole mapping, and not a large page either:
 * that unmap takes what it asked for.
 */
static void test_whole_mappings_unmapped(void)
{
	static const char text[] =
		"init-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=4 device=0000:01:00.0\n"
		"init-1 [000] ..... 1.1: attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"vfio-198 [000] ..... 2.0: attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"vfio-198 [000] ..... 2.1: map: IOMMU: iova=0x28000 - 0x40000 "
		"paddr=0x4c7d000 size=98304\n"
		"vfio-198 [000] ..... 2.2: map: IOMMU: iova=0x100000 - 0x101000 "
		"paddr=0x5000000 size=4096\n"
		"vfio-198 [000] ..... 2.3: map: IOMMU: iova=0x101000 - 0x103000 "
		"paddr=0x5100000 size=8192\n"
		"vfio-198 [000] ..... 2.4: map: IOMMU: iova=0x200000 - 0x206000 "
		"paddr=0x6000000 size=24576\n"
		/* one mapping of 96 KiB, not a power of two */
		"vfio-198 [000] ..... 3.0: unmap: IOMMU: iova=0x28000 - 0x29000 size=4096 "
		"unmapped_size=98304\n"
		/* two mappings, the second reaching past the range */
		"vfio-198 [000] ..... 3.1: unmap: IOMMU: iova=0x100000 - 0x102000 size=8192 "
		"unmapped_size=12288\n"
		/* 12 KiB from 0x200000 ends inside its mapping: 4 KiB goes */
		"vfio-198 [000] ..... 3.2: unmap: IOMMU: iova=0x200000 - 0x201000 size=4096 "
		"unmapped_size=12288\n"
		"vfio-198 [000] ..... 3.3: unmap: IOMMU: iova=0x201000 - 0x206000 size=20480 "
		"unmapped_size=20480\n"
		"vfio-198 [000] ..... 4.0: attach_device_to_domain: IOMMU: device=0000:01:00.0\n";
	static const struct {
		uint64_t iova;
		const char *tail;
	} want[] = {
		{ 0x28000, ": [0x28000, 0x40000) of the mapping made at 2.100000 went whole" },
		{ 0x100000, ": [0x100000, 0x103000) of the mappings from the one made at "
			    "2.200000 on went whole" },
		{ 0x200000, "the driver unmapped 12288" },
	};
	const struct iorep_finding *f;
	uint32_t i, k = 0;
	struct run r;

	run_text(&r, text);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
	for (i = 0; i < r.m.nfindings; i++) {
		f = &r.m.findings[i];
		if (f->type != IOREP_FIND_UNMAP_SIZE_MISMATCH)
			continue;
		CU_ASSERT_FATAL(k < 3);
		CU_ASSERT_EQUAL(f->iova, want[k].iova);
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, want[k].tail));
		if (want[k].iova == 0x200000)
			CU_ASSERT_PTR_NULL(strstr(f->message, "went whole"));
		k++;
	}
	CU_ASSERT_EQUAL(k, 3);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_WARNING), 3);
	CU_ASSERT_EQUAL(r.m.stats.live, 0);
	CU_ASSERT_EQUAL(r.m.stats.live_bytes, 0);
	free_run(&r);
}

static int finding_key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The findings of @r as sorted "type severity device iova size" keys; the caller frees. */
static char **finding_keys(const struct run *r)
{
	char **k = calloc(r->m.nfindings + 1, sizeof(*k));
	uint32_t i;

	for (i = 0; i < r->m.nfindings; i++) {
		const struct iorep_finding *f = &r->m.findings[i];

		k[i] = malloc(160);
		snprintf(k[i], 160, "%s %s %s %llx %llx", iorep_finding_name(f->type),
			 iorep_severity_name(f->severity),
			 f->device == IOREP_NONE ? "-" : r->m.devices[f->device].name,
			 (unsigned long long)f->iova, (unsigned long long)f->size);
	}
	qsort(k, r->m.nfindings, sizeof(*k), finding_key_cmp);
	return k;
}

/* trace.dat, trace.txt and report.txt of every capture give the same findings. */
static void test_same_findings_every_form(void)
{
	static const char *const caps[] = { K612 "boot",	 K612 "defects", K612 "dma-traffic",
					     K612 "vfio",	 K612 "hotplug", K61 "boot",
					     K61 "defects",	 K61 "dma-traffic", K61 "hotplug",
					     K612 "vfio-io",	 K61 "vfio-io",
					     K612 "vfio-io-amd", K61 "vfio-io-amd",
					     K612 "vfio-io-pt", K612 "vfio-io-lost",
					     K612 "vfio-io-virtio", K612 "vfio-two",
					     K61 "vfio-two", K612A "vfio-io-smmuv3",
					     K61A "vfio-io-smmuv3", K612 "defects-amd",
					     K61 "defects-amd", K612 "defects-virtio",
					     K612A "defects-smmuv3", K612 "defects-vtd" };
	static const char *const files[] = { "report.txt", "trace.txt" };
	struct run dat, other;
	char **a, **b;
	size_t c, f;
	uint32_t i;

	for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		if (!iorep_test_wanted(caps[c]))
			continue;
		run_model(&dat, caps[c], "trace.dat", 1);
		a = finding_keys(&dat);
		for (f = 0; f < 2; f++) {
			run_model(&other, caps[c], files[f], 1);
			b = finding_keys(&other);
			if (other.m.nfindings != dat.m.nfindings)
				fprintf(stderr, "%s %s: %u findings, trace.dat %u\n", caps[c], files[f],
					other.m.nfindings, dat.m.nfindings);
			CU_ASSERT_EQUAL(other.m.nfindings, dat.m.nfindings);
			for (i = 0; i < dat.m.nfindings && i < other.m.nfindings; i++) {
				if (strcmp(a[i], b[i]))
					fprintf(stderr, "%s %s: %s vs %s\n", caps[c], files[f], a[i], b[i]);
				CU_ASSERT_STRING_EQUAL(a[i], b[i]);
			}
			for (i = 0; i < other.m.nfindings; i++)
				free(b[i]);
			free(b);
			free_run(&other);
		}
		for (i = 0; i < dat.m.nfindings; i++)
			free(a[i]);
		free(a);
		free_run(&dat);
	}
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{ "defects 6.12: exactly the ground truth", test_defects_612 },
		{ "defects 6.1: exactly the ground truth", test_defects_61 },
		{ "clean captures: no error", test_clean_captures },
		{ "boot: topology equals sysfs", test_boot_topology },
		{ "vfio: the round trip", test_vfio_round_trip },
		{ "6.12 dma-traffic: attribution", test_attribution_612 },
		{ "same findings from trace.dat, trace.txt, report.txt", test_same_findings_every_form },
		{ "split group", test_split_group },
		{ "lost events make findings suspected", test_lost_makes_suspected },
		{ "a drop is suspected from its CPU's last event", test_lost_before_its_line },
		{ "a dma event without a device attributes nothing", test_dma_event_without_device },
		{ "a shared domain's leftovers name their mapper", test_shared_domain_names_mapper },
		{ "a 1:1 map before an attach is a direct map", test_direct_map_before_attach },
		{ "hot-plug: a device added again gets a new DMA domain", test_hotplug_readd },
		{ "hot-plug after the 6.12 boot capture, as text", test_hotplug_after_boot },
		{ "hotplug capture 6.12: removal, type changes, hot-plug", test_hotplug_capture_612 },
		{ "a fault reads the unattributed mappings", test_fault_reads_the_pool },
		{ "a superpage unmapped whole by a 4 KiB unmap", test_superpage_unmapped_whole },
		{ "large pages of one mapping, unmapped one by one", test_large_pages_of_one_mapping },
		{ "whole mappings unmapped (virtio-iommu)", test_whole_mappings_unmapped },
		{ "unmapped history stays bounded", test_history_bounded },
		{ "stack traces stay bounded, each with its finding", test_stacks_bounded },
		{ "an unmap record reuses the first mapping's node", test_unmap_record_reuses_a_node },
		{ "a map takes the front of an unmapped record", test_map_takes_front_of_record },
		{ "an sg unmap's claim ends after its unmap", test_claim_ends_after_one_unmap },
		{ "findings past the limit are counted, not listed", test_findings_capped },
		{ "devices and groups found among many", test_many_devices },
		{ NULL, NULL },
	};

	return iorep_test_main("model", tests);
}
