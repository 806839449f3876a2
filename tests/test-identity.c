// SPDX-License-Identifier: MIT
/*
 * Identity (passthrough) default domains, told by the DMA API: where the
 * default domain translates, every dma:* handle is an IOVA that an iommu
 * map made first; under iommu.passthrough=1 dma-direct hands out the
 * physical address itself and nothing is mapped.  On a few lines of text
 * and on the vfio-io-pt capture.
 */
#include <stdio.h>
#include <string.h>

#include "iorep-model.h"
#include "test-run.h"
#include "test-util.h"

#define LINE "            t-9     [000] .....     "

static const struct iorep_domain *domain_of(const struct run *r, const char *name)
{
	uint32_t dev = iorep_model_device_find(&r->m, name);
	const struct iorep_device *d;

	CU_ASSERT_NOT_EQUAL_FATAL(dev, IOREP_NONE);
	d = &r->m.devices[dev];
	CU_ASSERT_TRUE_FATAL(d->nepochs > 0);
	return &r->m.domains[d->epochs[d->nepochs - 1].domain];
}

/*
 * 00:02.0's handles are physical addresses with no map: identity.  00:03.0's
 * IOVA follows its map: DMA.  00:04.0's domain has held a mapping, so a
 * handle equal to its physical address later (an IOVA can be one) changes
 * nothing; nor does 00:05.0's handle that is not its physical address.
 */
static void test_direct_handles(void)
{
	static const char text[] =
		LINE "1.0: add_device_to_group: IOMMU: groupID=2 device=0000:00:02.0\n"
		LINE "1.0: add_device_to_group: IOMMU: groupID=3 device=0000:00:03.0\n"
		LINE "1.0: add_device_to_group: IOMMU: groupID=4 device=0000:00:04.0\n"
		LINE "1.0: add_device_to_group: IOMMU: groupID=5 device=0000:00:05.0\n"
		LINE "1.1: attach_device_to_domain: IOMMU: device=0000:00:02.0\n"
		LINE "1.1: attach_device_to_domain: IOMMU: device=0000:00:03.0\n"
		LINE "1.1: attach_device_to_domain: IOMMU: device=0000:00:04.0\n"
		LINE "1.1: attach_device_to_domain: IOMMU: device=0000:00:05.0\n"
		LINE "2.0: dma_map_page: 0000:00:02.0 dir=FROM_DEVICE dma_addr=3e6a000 "
		"size=4096 phys_addr=3e6a000 attrs=\n"
		LINE "2.1: map: IOMMU: iova=0x00000000ffffe000 - 0x00000000fffff000 "
		"paddr=0x0000000003e6b000 size=4096\n"
		LINE "2.1: dma_map_page: 0000:00:03.0 dir=FROM_DEVICE dma_addr=ffffe000 "
		"size=4096 phys_addr=3e6b000 attrs=\n"
		LINE "2.2: map: IOMMU: iova=0x00000000ffffd000 - 0x00000000ffffe000 "
		"paddr=0x0000000003e6c000 size=4096\n"
		LINE "2.2: dma_map_page: 0000:00:04.0 dir=FROM_DEVICE dma_addr=ffffd000 "
		"size=4096 phys_addr=3e6c000 attrs=\n"
		LINE "2.3: dma_map_page: 0000:00:04.0 dir=FROM_DEVICE dma_addr=4000000 "
		"size=4096 phys_addr=4000000 attrs=\n"
		LINE "2.4: dma_map_page: 0000:00:05.0 dir=FROM_DEVICE dma_addr=ffffc000 "
		"size=4096 phys_addr=3e6d000 attrs=\n";
	struct run r;

	run_text(&r, text);
	CU_ASSERT_EQUAL(domain_of(&r, "0000:00:02.0")->kind, IOREP_DOM_IDENTITY);
	CU_ASSERT_EQUAL(domain_of(&r, "0000:00:03.0")->kind, IOREP_DOM_DMA);
	CU_ASSERT_EQUAL(domain_of(&r, "0000:00:04.0")->kind, IOREP_DOM_DMA);
	CU_ASSERT_EQUAL(domain_of(&r, "0000:00:05.0")->kind, IOREP_DOM_DMA);
	free_run(&r);
}

/* An sg list whose first DMA address is its first page's physical address. */
static void test_direct_sg(void)
{
	static const char text[] =
		LINE "1.0: add_device_to_group: IOMMU: groupID=5 device=0000:00:07.0\n"
		LINE "1.1: attach_device_to_domain: IOMMU: device=0000:00:07.0\n"
		LINE "2.0: dma_map_sg: 0000:00:07.0 dir=FROM_DEVICE nents=2/2 ents=2/2 "
		"dma_addrs={0x513c000,0x5156000} sizes={0x2000,0x2000} "
		"phys_addrs={0x513c000,0x5156000} attrs=NO_WARN\n";
	struct run r;

	run_text(&r, text);
	CU_ASSERT_EQUAL(domain_of(&r, "0000:00:07.0")->kind, IOREP_DOM_IDENTITY);
	CU_ASSERT_EQUAL(r.m.devices[iorep_model_device_find(&r.m, "0000:00:07.0")].dma_maps, 1);
	free_run(&r);
}

/* The capture (its GROUND_TRUTH.md), on every form. */
static void test_vfio_io_pt(void)
{
	static const char *const files[] = { "trace.txt", "trace.dat", "trace.v6.dat",
					     "report.txt" };
	static const enum iorep_domain_kind kinds[] = { IOREP_DOM_IDENTITY, IOREP_DOM_BLOCKED,
							IOREP_DOM_USER, IOREP_DOM_BLOCKED,
							IOREP_DOM_IDENTITY };
	const struct iorep_device *d;
	const struct iorep_domain *user;
	uint32_t k, identity;
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]) && iorep_test_wanted(K612 "vfio-io-pt");
	     i++) {
		run_model(&r, K612 "vfio-io-pt", files[i], 1);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_WARNING), 0);
		CU_ASSERT_EQUAL(r.m.stats.maps, 25);
		CU_ASSERT_EQUAL(r.m.stats.unmaps, 26);
		/* groups 5 and 7 identity; the others did no DMA in the trace */
		for (k = identity = 0; k < r.m.ndomains; k++)
			if (r.m.domains[k].kind == IOREP_DOM_IDENTITY) {
				CU_ASSERT_TRUE(r.m.domains[k].group == 5 ||
					       r.m.domains[k].group == 7);
				identity++;
			}
		CU_ASSERT_EQUAL(identity, 2);
		CU_ASSERT_EQUAL(domain_of(&r, "0000:00:07.0")->kind, IOREP_DOM_IDENTITY);
		d = epochs_are(&r, "0000:01:00.0", kinds, 5);
		user = &r.m.domains[d->epochs[2].domain];
		CU_ASSERT_EQUAL(user->maps, 25);
		CU_ASSERT_EQUAL(user->unmaps, 26);
		CU_ASSERT_EQUAL(iorep_ivmap_count(&user->live), 0);
		free_run(&r);
	}
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{ "handles that are physical addresses, no map", test_direct_handles },
		{ "an sg list at its physical addresses", test_direct_sg },
		{ "vfio-io-pt capture: identity default domains", test_vfio_io_pt },
		{ NULL, NULL },
	};

	return iorep_test_main("identity", tests);
}
