// SPDX-License-Identifier: GPL-2.0
/*
 * iommu_defects: known IOMMU and DMA-API misuse, made on purpose through the
 * kernel's own APIs on a device that no driver holds (QEMU's edu device), so
 * that a trace of iommu:* and dma:* events holds defects whose ground truth
 * is known.  Each step is logged as one "IOMMUDEF: step=N op=... " line.
 *
 * Load with bdf=DDDD:BB:DD.F.  The module does its work at load and stays
 * loaded (unloading undoes nothing: the leaks are the point).
 *
 * DMA API, in the device's default domain:
 *   a dma_map_single() never unmapped (leak), a correct map/unmap pair,
 *   a dma_alloc_coherent() never freed (leak), and at the end a
 *   dma_map_single() unmapped twice (double unmap; dma-iommu WARNs).
 * IOMMU API, in an unmanaged paging domain attached to the device:
 *   maps A..E; A, B, D unmapped; D unmapped again (double unmap); an IOVA
 *   never mapped unmapped; F mapped and G mapped over its second page
 *   (overlap: some IOMMU drivers refuse it, some do not); the middle page of
 *   P unmapped, then the rest of P (partial unmaps); a synthetic fault
 *   report at A after its unmap; detached and freed with C and E still
 *   mapped (leaks).
 */
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/version.h>

static char *bdf;
module_param(bdf, charp, 0444);
MODULE_PARM_DESC(bdf, "the device, DDDD:BB:DD.F, with no driver bound");

static int step;

#define LOG(fmt, ...) pr_info("IOMMUDEF: step=%d " fmt "\n", ++step, ##__VA_ARGS__)

struct region {
	const char *name;
	unsigned long iova;
	size_t size;
	struct page *pages;
	bool mapped;
};

static struct region regions[] = {
	{ "A", 0x100000, 0x1000 },   { "B", 0x200000, 0x10000 },  { "C", 0x400000, 0x200000 },
	{ "D", 0x1000000, 0x2000 },  { "E", 0x2000000, 0x1000 },  { "F", 0x5000000, 0x2000 },
	{ "G", 0x5001000, 0x1000 },  { "P", 0x6000000, 0x4000 },
};

static struct region *region(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(regions); i++)
		if (!strcmp(regions[i].name, name))
			return &regions[i];
	return NULL;
}

static struct iommu_domain *domain_alloc(struct device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	struct iommu_domain *d = iommu_paging_domain_alloc(dev);

	return IS_ERR(d) ? NULL : d;
#else
	return iommu_domain_alloc(dev->bus);
#endif
}

static int map_region(struct iommu_domain *dom, struct region *r)
{
	int ret;

	r->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(r->size));
	if (!r->pages) {
		LOG("op=alloc_pages name=%s size=0x%zx ret=-ENOMEM", r->name, r->size);
		return -ENOMEM;
	}
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	ret = iommu_map(dom, r->iova, page_to_phys(r->pages), r->size,
			IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
#else
	ret = iommu_map(dom, r->iova, page_to_phys(r->pages), r->size, IOMMU_READ | IOMMU_WRITE);
#endif
	r->mapped = !ret;
	LOG("op=iommu_map name=%s iova=0x%lx size=0x%zx paddr=0x%llx ret=%d", r->name, r->iova,
	    r->size, (unsigned long long)page_to_phys(r->pages), ret);
	return ret;
}

static void unmap(struct iommu_domain *dom, const char *name, unsigned long iova, size_t size,
		  const char *note)
{
	size_t got = iommu_unmap(dom, iova, size);

	LOG("op=iommu_unmap name=%s iova=0x%lx size=0x%zx returned=0x%zx note=%s", name, iova,
	    size, got, note);
}

static void iommu_api(struct device *dev)
{
	struct iommu_domain *dom = domain_alloc(dev);
	struct region *p = region("P");
	int ret, i;

	if (!dom) {
		LOG("op=iommu_domain_alloc ret=NULL");
		return;
	}
	LOG("op=iommu_domain_alloc domain=%px", dom);
	ret = iommu_attach_device(dom, dev);
	LOG("op=iommu_attach_device ret=%d", ret);
	if (ret) {
		iommu_domain_free(dom);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(regions); i++)
		if (strcmp(regions[i].name, "G"))
			map_region(dom, &regions[i]);
	unmap(dom, "A", 0x100000, 0x1000, "correct");
	ret = report_iommu_fault(dom, dev, 0x100000, IOMMU_FAULT_READ);
	LOG("op=report_iommu_fault iova=0x100000 flags=IOMMU_FAULT_READ ret=%d "
	    "note=SYNTHETIC_fault_after_unmap", ret);
	unmap(dom, "B", 0x200000, 0x10000, "correct");
	unmap(dom, "D", 0x1000000, 0x2000, "first_unmap");
	unmap(dom, "D", 0x1000000, 0x2000, "DOUBLE_UNMAP");
	unmap(dom, "never_mapped", 0x3000000, 0x1000, "UNMAP_OF_NEVER_MAPPED_IOVA");
	map_region(dom, region("G"));
	if (region("G")->mapped)
		LOG("op=note OVERLAP_G_over_F_accepted_by_driver");
	unmap(dom, "F", 0x5000000, 0x2000, "unmap_F_whole");
	if (region("G")->mapped)
		unmap(dom, "G", 0x5001000, 0x1000, "G_inside_F_already_unmapped");
	unmap(dom, "P_middle", p->iova + 0x1000, 0x1000, "PARTIAL_UNMAP_middle_of_P");
	unmap(dom, "P_front", p->iova, 0x1000, "PARTIAL_UNMAP_front_of_P");
	unmap(dom, "P_back", p->iova + 0x2000, 0x2000, "PARTIAL_UNMAP_back_of_P");
	iommu_detach_device(dom, dev);
	LOG("op=iommu_detach_device note=C_and_E_still_mapped");
	iommu_domain_free(dom);
	LOG("op=iommu_domain_free note=LEAK_C_0x400000+0x200000_and_E_0x2000000+0x1000");
}

static int __init iommu_defects_init(void)
{
	unsigned int dom_nr, bus, slot, fn;
	struct pci_dev *pdev;
	struct device *dev;
	dma_addr_t h, h2, hc;
	void *buf, *buf2, *cpu;
	int ret;

	if (!bdf || sscanf(bdf, "%x:%x:%x.%x", &dom_nr, &bus, &slot, &fn) != 4)
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(dom_nr, bus, PCI_DEVFN(slot, fn));
	if (!pdev)
		return -ENODEV;
	dev = &pdev->dev;
	LOG("op=start dev=%s vendor=%04x device=%04x driver=%s", pci_name(pdev), pdev->vendor,
	    pdev->device, dev->driver ? dev->driver->name : "none");
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(28));
	LOG("op=dma_set_mask bits=28 ret=%d", ret);

	buf = kzalloc(0x1000, GFP_KERNEL);
	buf2 = kzalloc(0x2000, GFP_KERNEL);
	if (!buf || !buf2)
		goto out;
	h = dma_map_single(dev, buf, 0x1000, DMA_TO_DEVICE);
	LOG("op=dma_map_single handle=0x%llx size=0x1000 dir=TO_DEVICE phys=0x%llx "
	    "note=LEAK_never_unmapped", (unsigned long long)h,
	    (unsigned long long)virt_to_phys(buf));
	h2 = dma_map_single(dev, buf2, 0x2000, DMA_FROM_DEVICE);
	LOG("op=dma_map_single handle=0x%llx size=0x2000 dir=FROM_DEVICE",
	    (unsigned long long)h2);
	if (!dma_mapping_error(dev, h2)) {
		dma_unmap_single(dev, h2, 0x2000, DMA_FROM_DEVICE);
		LOG("op=dma_unmap_single handle=0x%llx size=0x2000 note=correct_pair",
		    (unsigned long long)h2);
	}
	cpu = dma_alloc_coherent(dev, 0x4000, &hc, GFP_KERNEL);
	LOG("op=dma_alloc_coherent handle=0x%llx size=0x4000 ok=%d note=LEAK_never_freed",
	    (unsigned long long)hc, !!cpu);

	iommu_api(dev);

	h = dma_map_single(dev, buf2, 0x1000, DMA_BIDIRECTIONAL);
	LOG("op=dma_map_single handle=0x%llx size=0x1000 dir=BIDIRECTIONAL",
	    (unsigned long long)h);
	if (!dma_mapping_error(dev, h)) {
		dma_unmap_single(dev, h, 0x1000, DMA_BIDIRECTIONAL);
		LOG("op=dma_unmap_single handle=0x%llx size=0x1000 note=first_unmap",
		    (unsigned long long)h);
		dma_unmap_single(dev, h, 0x1000, DMA_BIDIRECTIONAL);
		LOG("op=dma_unmap_single handle=0x%llx size=0x1000 note=DOUBLE_UNMAP",
		    (unsigned long long)h);
	}
out:
	LOG("op=done");
	pci_dev_put(pdev);
	/* buf, buf2, cpu and the regions' pages stay allocated: the device may hold them */
	return 0;
}

static void __exit iommu_defects_exit(void)
{
}

module_init(iommu_defects_init);
module_exit(iommu_defects_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Known IOMMU and DMA-API defects, for trace captures");
