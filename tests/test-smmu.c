// SPDX-License-Identifier: MIT
/*
 * An Arm SMMU's ways, on the real arm64 captures (vfio-io-smmuv3 of
 * samples/6.12.117+deb12-arm64 and samples/6.1.0-56-arm64, their
 * GROUND_TRUTH.md) and on a few lines of text: the
 * interrupt controller's doorbell that the kernel maps into a VFIO domain
 * when its device turns MSIs on, and never unmaps, is no leak; 6.1 attaches
 * a device that joins a group with a domain twice, to that one domain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-model.h"
#include "test-run.h"
#include "test-util.h"

/* Leak findings of @m. */
static uint32_t leaks(const struct iorep_model *m)
{
	uint32_t i, n = 0;

	for (i = 0; i < m->nfindings; i++)
		n += m->findings[i].type == IOREP_FIND_LEAK;
	return n;
}

/*
 * The vfio-io scenario with an e1000e, whose MSI the program turns on: the
 * kernel maps the GICv3 ITS doorbell (0x8090000) at 0x8000000 of the user
 * domain, the start of the SMMU's software MSI window, and it is still
 * there when the domain is left.  No error, no warning; the domain holds
 * the container's mappings and the doorbell.  On 6.1, 01:00.0 joins group 0
 * (its root port's) attached twice, and stays in the group's DMA domain.
 */
static void test_smmuv3_captures(void)
{
	static const enum iorep_domain_kind kinds[] = {
		IOREP_DOM_DMA, IOREP_DOM_BLOCKED, IOREP_DOM_USER, IOREP_DOM_BLOCKED, IOREP_DOM_DMA};
	static const struct {
		const char *cap, *file;
		uint64_t maps;
		bool arm;
	} want[] = {
		{K612A "vfio-io-smmuv3", "trace.dat", 64, true},
		{K612A "vfio-io-smmuv3", "trace.txt", 64, false},
		{K612A "vfio-io-smmuv3", "report.txt", 64, false},
		{K61A "vfio-io-smmuv3", "trace.dat", 31, true},
		{K61A "vfio-io-smmuv3", "trace.txt", 31, false},
	};
	const struct iorep_domain *user;
	const struct iorep_device *d;
	struct iorep_ivmap_node *n;
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!iorep_test_wanted(want[i].cap))
			continue;
		run_model(&r, want[i].cap, want[i].file, 1);
		CU_ASSERT_EQUAL(r.m.sw_msi, want[i].arm);
		CU_ASSERT_EQUAL(r.m.machine != NULL, want[i].arm);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_WARNING), 0);
		CU_ASSERT_EQUAL(leaks(&r.m), 0);
		d = epochs_are(&r, "0000:01:00.0", kinds, 5);
		user = &r.m.domains[d->epochs[2].domain];
		CU_ASSERT_STRING_EQUAL(user->owner_comm, "vfio-io");
		CU_ASSERT_EQUAL(user->maps, want[i].maps);
		CU_ASSERT_EQUAL(user->unmaps, want[i].maps);
		CU_ASSERT_EQUAL(user->bytes_mapped, 466944 + 4096);
		CU_ASSERT_EQUAL_FATAL(iorep_ivmap_count(&user->live), 1);
		n = iorep_ivmap_first(&user->live);
		CU_ASSERT_EQUAL(n->start, 0x8000000);
		CU_ASSERT_EQUAL(n->last, 0x8000fff);
		CU_ASSERT_EQUAL(n->val.paddr, 0x8090000);
		free_run(&r);
	}
	/* an x86 trace.dat names its machine too: no Arm, no doorbell window */
	if (iorep_test_wanted(K612 "vfio-io")) {
		run_model(&r, K612 "vfio-io", "trace.dat", 1);
		CU_ASSERT_PTR_NOT_NULL(r.m.machine);
		CU_ASSERT_FALSE(r.m.sw_msi);
		free_run(&r);
	}
}

/*
 * A VFIO program's user domain left with one page at @iova (@size bytes) of
 * physical page 0x8090000 mapped by the kernel, after a driver's MSI setup
 * mapped @dma_paddr in the device's DMA domain (0: none in the trace).
 */
static void doorbell_run(struct run *r, uint64_t iova, uint64_t size, uint64_t dma_paddr,
			 const char *machine)
{
	char text[4096], dma[256] = "";
	int n;

	if (dma_paddr)
		snprintf(dma, sizeof(dma),
			 "kworker/0:1-20 [000] ..... 1.000200: map: IOMMU: iova=0x00000000fffff000 "
			 "- "
			 "0x0000000100000000 paddr=0x%016llx size=4096\n",
			 (unsigned long long)dma_paddr);
	n = snprintf(text, sizeof(text),
		     "kworker/0:1-20 [000] ..... 1.000000: add_device_to_group: IOMMU: groupID=0 "
		     "device=0000:01:00.0\n"
		     "kworker/0:1-20 [000] ..... 1.000100: attach_device_to_domain: IOMMU: "
		     "device=0000:01:00.0\n"
		     "%s"
		     "qemu-500 [001] ..... 10.000000: attach_device_to_domain: IOMMU: "
		     "device=0000:01:00.0\n"
		     "qemu-500 [001] ..... 10.000100: attach_device_to_domain: IOMMU: "
		     "device=0000:01:00.0\n"
		     "qemu-500 [001] ..... 10.100000: map: IOMMU: iova=0x0000000000000000 - "
		     "0x0000000000040000 paddr=0x0000000200000000 size=262144\n"
		     "qemu-500 [001] ..... 10.200000: map: IOMMU: iova=0x%016llx - 0x%016llx "
		     "paddr=0x0000000008090000 size=%llu\n"
		     "qemu-500 [001] ..... 11.000000: attach_device_to_domain: IOMMU: "
		     "device=0000:01:00.0\n"
		     "qemu-500 [001] ..... 11.000100: unmap: IOMMU: iova=0x0000000000000000 - "
		     "0x0000000000040000 size=262144 unmapped_size=262144\n"
		     "qemu-500 [001] ..... 11.000200: attach_device_to_domain: IOMMU: "
		     "device=0000:01:00.0\n",
		     dma, (unsigned long long)iova, (unsigned long long)(iova + size),
		     (unsigned long long)size);
	CU_ASSERT_FATAL(n > 0 && (size_t)n < sizeof(text));
	run_text_on(r, text, machine);
	CU_ASSERT_EQUAL(r->m.domains[r->m.devices[0].epochs[2].domain].kind, IOREP_DOM_USER);
}

/*
 * The doorbell is a page in the software MSI window, [0x8000000, +1 MiB),
 * on an Arm machine, or, the machine not known, of the physical page a
 * driver's DMA domain (here the pool: no dma:* event) has mapped too.  A
 * page elsewhere, larger than 64 KiB, or on a machine that is not an Arm
 * is a leak; such a page, the machine not known and no other mapping of it
 * seen, a leak that counts as info and says it may be the doorbell.
 */
static void test_msi_doorbell(void)
{
	static const struct {
		uint64_t iova, size, dma_paddr;
		const char *machine;
		uint32_t leaks, errors;
	} cases[] = {
		{0x8000000, 0x1000, 0, "aarch64", 0, 0},	  /* Arm: the window says */
		{0x80ff000, 0x1000, 0, "armv7l", 0, 0},		  /* 32-bit, the last page */
		{0x8000000, 0x10000, 0, "aarch64", 0, 0},	  /* a 64 KiB granule */
		{0x8000000, 0x1000, 0x8090000, NULL, 0, 0},	  /* not known: the same page */
		{0x8000000, 0x1000, 0, NULL, 1, 0},		  /* not known, no other */
		{0x8000000, 0x1000, 0x9000000, NULL, 1, 0},	  /* not known, another page */
		{0x8000000, 0x1000, 0x8090000, "x86_64", 1, 1},	  /* guest RAM at 128 MiB */
		{0x8100000, 0x1000, 0, "aarch64", 1, 1},	  /* past the window */
		{0x7fff000, 0x1000, 0, "aarch64", 1, 1},	  /* before it */
		{0x8000000, 0x20000, 0x8090000, "aarch64", 1, 1}, /* no single page */
		{0x8000000, 0x20000, 0x8090000, NULL, 1, 1},	  /* nor here */
	};
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doorbell_run(&r, cases[i].iova, cases[i].size, cases[i].dma_paddr,
			     cases[i].machine);
		if (leaks(&r.m) != cases[i].leaks)
			fprintf(stderr, "case %zu: %u leaks\n", i, leaks(&r.m));
		CU_ASSERT_EQUAL(leaks(&r.m), cases[i].leaks);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), cases[i].errors);
		CU_ASSERT_EQUAL(r.m.findings_by_sev[IOREP_SEV_ERROR], cases[i].errors);
		if (cases[i].leaks && !cases[i].errors)
			CU_ASSERT_PTR_NOT_NULL(strstr(r.m.findings[0].message, "MSI doorbell"));
		free_run(&r);
	}
}

/*
 * 6.1's iommu_probe_device() of a device joining a group whose domain
 * exists: attached to it by iommu_group_add_device() before the add event,
 * then by the same task to the group's default domain, the same: one stay
 * in the DMA domain.  Another task's attach after the add is a move.
 */
static void test_probe_attach_61(void)
{
	static const char head[] =
		"kworker/u4:0-9 [000] ..... 1.690970: add_device_to_group: IOMMU: groupID=0 "
		"device=0000:00:04.0\n"
		"kworker/u4:0-9 [000] ..... 1.693690: attach_device_to_domain: IOMMU: "
		"device=0000:00:04.0\n"
		"insmod-103 [000] ..... 2.407954: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"insmod-103 [000] ..... 2.407981: add_device_to_group: IOMMU: groupID=0 "
		"device=0000:01:00.0\n";
	static const char *const second[] = {
		"insmod-103 [000] ..... 2.408234: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n",
		"qemu-500 [000] ..... 3.000000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n",
	};
	const struct iorep_device *port, *nic;
	char text[2048];
	struct run r;
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(text, sizeof(text), "%s%s", head, second[i]);
		run_text(&r, text);
		port = &r.m.devices[iorep_model_device_find(&r.m, "0000:00:04.0")];
		nic = &r.m.devices[iorep_model_device_find(&r.m, "0000:01:00.0")];
		CU_ASSERT_EQUAL(nic->attaches, 2);
		CU_ASSERT_EQUAL_FATAL(nic->nepochs, i ? 2 : 1);
		CU_ASSERT_EQUAL(nic->epochs[0].domain, port->epochs[0].domain);
		CU_ASSERT_EQUAL(r.m.domains[nic->epochs[0].domain].kind, IOREP_DOM_DMA);
		if (i)
			CU_ASSERT_NOT_EQUAL(nic->epochs[1].domain, port->epochs[0].domain);
		free_run(&r);
	}
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"vfio-io-smmuv3 captures: the doorbell is no leak", test_smmuv3_captures},
		{"the MSI doorbell: a page of the software MSI window", test_msi_doorbell},
		{"6.1's second attach of a device joining a group", test_probe_attach_61},
		{NULL, NULL},
	};

	return iorep_test_main("smmu", tests);
}
