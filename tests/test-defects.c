// SPDX-License-Identifier: MIT
/*
 * The defects module (tools/capture/defects/iommu_defects.c) on four IOMMUs:
 * AMD-Vi (6.12, 6.1), virtio-iommu, an Arm SMMUv3 and VT-d (6.12), the
 * defects-* samples and their GROUND_TRUTH.md.  The same calls
 * get different answers from each driver, and every one of them must give
 * exactly the module's defects, with their IOVAs, on every form of the
 * trace.  Then the rules those answers taught, on a few lines of text.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-model.h"
#include "test-run.h"
#include "test-util.h"

/* "severity type iova" of each finding of @m, sorted, one a line, into @buf. */
static void finding_lines(const struct iorep_model *m, char *buf, size_t len)
{
	char(*lines)[96] = calloc(m->nfindings ? m->nfindings : 1, sizeof(*lines));
	size_t used = 0;
	uint32_t i, j;

	CU_ASSERT_PTR_NOT_NULL_FATAL(lines);
	for (i = 0; i < m->nfindings; i++)
		snprintf(lines[i], sizeof(lines[i]), "%s %s 0x%" PRIx64,
			 iorep_severity_name(m->findings[i].severity),
			 iorep_finding_name(m->findings[i].type),
			 m->findings[i].has_iova ? m->findings[i].iova : 0);
	qsort(lines, m->nfindings, sizeof(*lines), (int (*)(const void *, const void *))strcmp);
	buf[0] = '\0';
	for (j = 0; j < m->nfindings && used + 100 < len; j++)
		used += (size_t)snprintf(buf + used, len - used, "%s\n", lines[j]);
	free(lines);
}

/* The message of the finding of @type at @iova, or "" when there is none. */
static const char *message_at(const struct iorep_model *m, enum iorep_finding_type type,
			      uint64_t iova)
{
	uint32_t i;

	for (i = 0; i < m->nfindings; i++)
		if (m->findings[i].type == type && m->findings[i].has_iova &&
		    m->findings[i].iova == iova)
			return m->findings[i].message;
	return "";
}

/* What each capture must give: its GROUND_TRUTH.md's findings, sorted as finding_lines(). */
static const char amd_612[] = "error dma_api_double_unmap 0xfff7000\n"
			      "error dma_api_leak 0xfff8000\n"
			      "error dma_api_leak 0xffff000\n"
			      "error double_unmap 0x1000000\n"
			      "error double_unmap 0x5001000\n"
			      "error double_unmap 0x6000000\n"
			      "error double_unmap 0x6002000\n"
			      "error io_page_fault 0x100000\n"
			      "error leak 0x2000000\n"
			      "error leak 0x400000\n"
			      "error overlapping_map 0x5001000\n"
			      "error unmatched_unmap 0x3000000\n"
			      "info outstanding 0xffff000\n"
			      "warning unmap_size_mismatch 0x6001000\n";

/* no dma:* events on 6.1: the DMA-API maps are the pool's, live at the end */
static const char amd_61[] = "error double_unmap 0x1000000\n"
			     "error double_unmap 0x5001000\n"
			     "error double_unmap 0x6000000\n"
			     "error double_unmap 0x6002000\n"
			     "error io_page_fault 0x100000\n"
			     "error leak 0x2000000\n"
			     "error leak 0x400000\n"
			     "error overlapping_map 0x5001000\n"
			     "error unmatched_unmap 0x3000000\n"
			     "info outstanding 0xffff000\n"
			     "warning unmap_size_mismatch 0x6001000\n";

static const char virtio_612[] = "error dma_api_double_unmap 0xfff7000\n"
				 "error dma_api_leak 0xfff8000\n"
				 "error dma_api_leak 0xffff000\n"
				 "error double_unmap 0x1000000\n"
				 "error double_unmap 0x5001000\n"
				 "error double_unmap 0x6002000\n"
				 "error io_page_fault 0x100000\n"
				 "error leak 0x2000000\n"
				 "error leak 0x400000\n"
				 "error overlapping_map 0x5001000\n"
				 "error unmatched_unmap 0x3000000\n"
				 "info outstanding 0xffff000\n"
				 "warning unmap_size_mismatch 0x5000000\n"
				 "warning unmap_size_mismatch 0x6000000\n"
				 "warning unmap_size_mismatch 0x6001000\n";

/* VT-d took G (and WARNed), said 2 MiB for the never-mapped page, unmapped P page by page */
static const char vtd_612[] = "error dma_api_double_unmap 0xfff7000\n"
			      "error dma_api_leak 0xfff8000\n"
			      "error dma_api_leak 0xffff000\n"
			      "error double_unmap 0x1000000\n"
			      "error double_unmap 0x5001000\n"
			      "error io_page_fault 0x100000\n"
			      "error leak 0x2000000\n"
			      "error leak 0x400000\n"
			      "error overlapping_map 0x5001000\n"
			      "error unmatched_unmap 0x3000000\n"
			      "info outstanding 0x0\n"
			      "info outstanding 0xffff000\n"
			      "warning unmap_size_mismatch 0x3000000\n";

/* the SMMU refused G (its rollback: an unmap of 0 bytes) and unmapped P page by page */
static const char smmu_612[] = "error dma_api_double_unmap 0xfff7000\n"
			       "error dma_api_leak 0xfff8000\n"
			       "error dma_api_leak 0xffff000\n"
			       "error double_unmap 0x1000000\n"
			       "error io_page_fault 0x100000\n"
			       "error leak 0x2000000\n"
			       "error leak 0x400000\n"
			       "error overlapping_map 0x5001000\n"
			       "error unmatched_unmap 0x3000000\n"
			       "info dma_api_outstanding 0x7ad00000\n"
			       "info outstanding 0xffff000\n"
			       "info outstanding 0xfffff000\n";

static void test_defects_captures(void)
{
	static const char *const files[] = { "trace.dat", "trace.v6.dat", "trace.txt",
					     "report.txt" };
	static const struct {
		const char *cap, *want;
		int nfiles;
	} caps[] = {
		{ K612 "defects-amd", amd_612, 4 },
		{ K61 "defects-amd", amd_61, 4 },
		{ K612 "defects-virtio", virtio_612, 4 },
		{ K612A "defects-smmuv3", smmu_612, 4 },
		{ K612 "defects-vtd", vtd_612, 4 },
	};
	char got[4096];
	struct run r;
	size_t c;
	int f;

	for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		if (!iorep_test_wanted(caps[c].cap))
			continue;
		for (f = 0; f < caps[c].nfiles; f++) {
			run_model(&r, caps[c].cap, files[f], 1);
			finding_lines(&r.m, got, sizeof(got));
			if (strcmp(got, caps[c].want))
				fprintf(stderr, "%s/%s:\n%s", caps[c].cap, files[f], got);
			CU_ASSERT_STRING_EQUAL(got, caps[c].want);
			/* the never-mapped IOVA: the driver's 0 (AMD, virtio, Arm) is said */
			CU_ASSERT_PTR_NOT_NULL(strstr(message_at(&r.m, IOREP_FIND_UNMATCHED_UNMAP,
								 0x3000000),
						      "never mapped in this user domain"));
			free_run(&r);
		}
	}
}

/*
 * What each driver did to P, [0x6000000, +16 KiB): AMD-Vi mapped it as one
 * 16 KiB page and cleared the page for an unmap of its middle; virtio-iommu
 * refused that unmap and took P whole at the unmap of its front.
 */
static void test_partial_unmaps(void)
{
	struct run r;

	if (iorep_test_wanted(K612 "defects-amd")) {
		run_model(&r, K612 "defects-amd", "trace.dat", 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(message_at(&r.m, IOREP_FIND_UNMAP_SIZE_MISMATCH,
							 0x6001000),
					      "[0x6000000, 0x6004000) of the mapping made at "
					      "3.886552 went whole"));
		CU_ASSERT_PTR_NOT_NULL(strstr(message_at(&r.m, IOREP_FIND_DOUBLE_UNMAP, 0x6000000),
					      "already unmapped at 3.887427"));
		free_run(&r);
	}
	if (iorep_test_wanted(K612 "defects-virtio")) {
		run_model(&r, K612 "defects-virtio", "trace.dat", 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(message_at(&r.m, IOREP_FIND_UNMAP_SIZE_MISMATCH,
							 0x6001000),
					      "unmapped 0: [0x6000000, 0x6004000), mapped at "
					      "4.212219, stays mapped"));
		CU_ASSERT_PTR_NOT_NULL(strstr(message_at(&r.m, IOREP_FIND_UNMAP_SIZE_MISMATCH,
							 0x6000000),
					      "[0x6000000, 0x6004000) of the mapping made at "
					      "4.212219 went whole"));
		free_run(&r);
	}
}

/* A user domain of process 500 with [0x6000000, +16 KiB) mapped, then @unmaps. */
static void user_domain_run(struct run *r, const char *unmaps)
{
	char text[4096];
	int n;

	n = snprintf(text, sizeof(text),
		     "kworker/0:1-20 [000] ..... 1.000000: add_device_to_group: IOMMU: groupID=0 "
		     "device=0000:00:08.0\n"
		     "kworker/0:1-20 [000] ..... 1.000100: attach_device_to_domain: IOMMU: "
		     "device=0000:00:08.0\n"
		     "insmod-500 [001] ..... 10.000000: attach_device_to_domain: IOMMU: "
		     "device=0000:00:08.0\n"
		     "insmod-500 [001] ..... 10.100000: map: IOMMU: iova=0x0000000006000000 - "
		     "0x0000000006004000 paddr=0x0000000043c0000 size=16384\n"
		     "%s",
		     unmaps);
	CU_ASSERT_FATAL(n > 0 && (size_t)n < sizeof(text));
	run_text(r, text);
}

#define UNMAP(ts, iova, end, size, us)                                                             \
	"insmod-500 [001] ..... " ts ": unmap: IOMMU: iova=" iova " - " end " size=" size          \
	" unmapped_size=" us "\n"

/*
 * The rules: an unmapped_size, a power of two, from an IOVA inside a page
 * of that size within the mapping took the page; from one whose request
 * runs past that page, or whose page is not inside the mapping, it took
 * what was asked.  An unmapped_size of 0 on a live mapping unmapped
 * nothing; on a range never mapped in a domain born in the trace, it is
 * the never-mapped error alone (the driver agrees: no mismatch warning).
 * An unmap of 0 bytes is the rollback of a refused map: at a live IOVA, a
 * map onto it.
 */
static void test_unmap_rules(void)
{
	static const struct {
		const char *unmaps;
		size_t live;	  /* mappings of the user domain live at the end */
		uint32_t errors, warnings;
		enum iorep_finding_type type; /* of the first finding */
	} cases[] = {
		/* the middle page took the 16 KiB page: the front is gone */
		{ UNMAP("10.200000", "0x0000000006001000", "0x0000000006002000", "4096", "16384")
			  UNMAP("10.300000", "0x0000000006000000", "0x0000000006001000", "4096",
				"4096"),
		  0, 1, 1, IOREP_FIND_UNMAP_SIZE_MISMATCH },
		/* a 8 KiB request from the last page runs past the 16 KiB page: not
		 * widened (and past the mapping: partial) */
		{ UNMAP("10.200000", "0x0000000006003000", "0x0000000006005000", "8192", "16384"),
		  1, 0, 2, IOREP_FIND_UNMAP_SIZE_MISMATCH },
		/* a 32 KiB page would reach outside the mapping: not widened */
		{ UNMAP("10.200000", "0x0000000006001000", "0x0000000006002000", "4096", "32768"),
		  2, 0, 1, IOREP_FIND_UNMAP_SIZE_MISMATCH },
		/* 0 unmapped: nothing went, and the whole of it can still be unmapped */
		{ UNMAP("10.200000", "0x0000000006001000", "0x0000000006002000", "4096", "0")
			  UNMAP("10.300000", "0x0000000006000000", "0x0000000006004000", "16384",
				"16384"),
		  0, 0, 1, IOREP_FIND_UNMAP_SIZE_MISMATCH },
		/* 0 unmapped where nothing was ever mapped: the never-mapped error only */
		{ UNMAP("10.200000", "0x0000000003000000", "0x0000000003001000", "4096", "0"), 1, 1,
		  0, IOREP_FIND_UNMATCHED_UNMAP },
		/* 0 bytes unmapped at a live IOVA: a refused map onto it, nothing changes */
		{ UNMAP("10.200000", "0x0000000006001000", "0x0000000006001000", "0", "0"), 1, 1, 0,
		  IOREP_FIND_OVERLAPPING_MAP },
		/* ... and where nothing is mapped, nothing to say (the map was refused for
		 * another reason) */
		{ UNMAP("10.200000", "0x0000000003000000", "0x0000000003000000", "0", "0")
			  UNMAP("10.300000", "0x0000000006000000", "0x0000000006004000", "16384",
				"16384"),
		  0, 0, 0, IOREP_FIND__COUNT },
	};
	const struct iorep_domain *user;
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		user_domain_run(&r, cases[i].unmaps);
		user = &r.m.domains[r.m.devices[0].epochs[1].domain];
		CU_ASSERT_EQUAL(user->kind, IOREP_DOM_USER);
		if (iorep_ivmap_count(&user->live) != cases[i].live ||
		    count(&r.m, IOREP_SEV_ERROR) != cases[i].errors ||
		    count(&r.m, IOREP_SEV_WARNING) != cases[i].warnings)
			fprintf(stderr, "case %zu: %zu live, %u errors, %u warnings\n", i,
				iorep_ivmap_count(&user->live), count(&r.m, IOREP_SEV_ERROR),
				count(&r.m, IOREP_SEV_WARNING));
		CU_ASSERT_EQUAL(iorep_ivmap_count(&user->live), cases[i].live);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), cases[i].errors);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_WARNING), cases[i].warnings);
		if (cases[i].type == IOREP_FIND__COUNT) {
			CU_ASSERT_EQUAL(r.m.nfindings, 0);
		} else {
			CU_ASSERT_FATAL(r.m.nfindings > 0);
			CU_ASSERT_EQUAL(r.m.findings[0].type, cases[i].type);
		}
		free_run(&r);
	}
}

/*
 * A process's map that an interrupt unmaps was the DMA API's (VFIO unmaps
 * only where it may sleep): it leaves the user domain.  An unmap from
 * inside an AMD-Vi large page takes the page, so the mapping that is that
 * page leaves too: no leak when the domain is left.
 */
static void test_interrupt_unmap_inside_page(void)
{
	static const char text[] =
		"init-1 (1) [000] ..... 1.000000: add_device_to_group: IOMMU: groupID=5 "
		"device=0000:01:00.0\n"
		"init-1 (1) [000] ..... 1.000100: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 (500) [001] ..... 10.000000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 (500) [001] ..... 10.000100: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 (500) [001] ..... 10.100000: map: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000040000 paddr=0x0000000100000000 size=262144\n"
		"qemu-500 (500) [001] ..... 10.200000: map: IOMMU: iova=0x0000000006000000 - "
		"0x0000000006004000 paddr=0x00000000043c0000 size=16384\n"
		"<idle>-0 (-------) [000] d.h1. 10.300000: unmap: IOMMU: iova=0x0000000006001000 - "
		"0x0000000006002000 size=4096 unmapped_size=16384\n"
		"qemu-500 (500) [001] ..... 11.000000: unmap: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000040000 size=262144 unmapped_size=262144\n"
		"qemu-500 (500) [001] ..... 11.100000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 (500) [001] ..... 11.200000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n";
	const struct iorep_domain *user;
	struct run r;

	run_text(&r, text);
	user = &r.m.domains[r.m.devices[0].epochs[2].domain];
	CU_ASSERT_EQUAL(user->kind, IOREP_DOM_USER);
	CU_ASSERT_EQUAL(user->maps, 1);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&user->live), 0);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(r.m.stats.moved_maps, 1);
	free_run(&r);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{ "defects on AMD-Vi, virtio-iommu, SMMUv3, VT-d: exactly the ground truth",
		  test_defects_captures },
		{ "partial unmaps: a large page, a refused split", test_partial_unmaps },
		{ "unmap rules: page inside, 0 unmapped", test_unmap_rules },
		{ "an interrupt's unmap inside a large page", test_interrupt_unmap_inside_page },
		{ NULL, NULL },
	};

	return iorep_test_main("defects", tests);
}
