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
 *
 * With rollback=1, H is mapped over F's front while F is mapped: its first
 * page is free, so a driver that refuses its second (the Arm SMMU) has
 * mapped the first, and iommu_map() unmaps it again with no map event.
 *
 * With device_dma=1, the edu device itself does DMA (its engine reads host
 * memory into its buffer, or writes it out), so that the IOMMU reports real
 * faults: in the default domain, a buffer read while mapped, read again
 * after dma_unmap_single() (use after unmap) and an IOVA never mapped; in
 * the unmanaged domain, C read (mapped), A read after its unmap, and R
 * (mapped read-only) written.  Whether a fault reaches the iommu trace
 * depends on the IOMMU driver (AMD-Vi calls report_iommu_fault()).
 */
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/version.h>

static char *bdf;
module_param(bdf, charp, 0444);
MODULE_PARM_DESC(bdf, "the device, DDDD:BB:DD.F, with no driver bound");

static bool device_dma;
module_param(device_dma, bool, 0444);
MODULE_PARM_DESC(device_dma, "have the edu device do DMA, before and after unmaps");

static bool rollback;
module_param(rollback, bool, 0444);
MODULE_PARM_DESC(rollback, "map H, whose second page is F's first, while F is mapped");

static int step;
static void __iomem *edu_regs;

/* QEMU's edu (docs/specs/edu.rst): its DMA engine's registers and buffer */
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_RUN 0x1
#define EDU_DMA_TO_HOST 0x2
#define EDU_BUF 0x40000
/* a transfer's size: QEMU 7.2's edu refuses one that ends at its buffer's end */
#define EDU_XFER 0x800

#define LOG(fmt, ...) pr_info("IOMMUDEF: step=%d " fmt "\n", ++step, ##__VA_ARGS__)

struct region {
	const char *name;
	unsigned long iova;
	size_t size;
	struct page *pages;
	bool mapped;
};

/*
 * The edu device reads @size bytes at @iova into its buffer (or, @to_host,
 * writes them there) and the module waits for the engine (QEMU runs it
 * 100 ms after the command).
 */
static void edu_dma(unsigned long iova, size_t size, bool to_host, const char *name,
		    const char *note)
{
	unsigned long t;
	u64 cmd = 0;

	if (!edu_regs)
		return;
	writeq(to_host ? EDU_BUF : iova, edu_regs + EDU_DMA_SRC);
	writeq(to_host ? iova : EDU_BUF, edu_regs + EDU_DMA_DST);
	writeq(size, edu_regs + EDU_DMA_CNT);
	writeq(EDU_DMA_RUN | (to_host ? EDU_DMA_TO_HOST : 0), edu_regs + EDU_DMA_CMD);
	for (t = 0; t < 200; t++) {
		msleep(10);
		cmd = readq(edu_regs + EDU_DMA_CMD);
		if (!(cmd & EDU_DMA_RUN))
			break;
	}
	LOG("op=device_dma_%s name=%s iova=0x%lx size=0x%zx done=%d note=%s",
	    to_host ? "write" : "read", name, iova, size, !(cmd & EDU_DMA_RUN), note);
}

static struct region regions[] = {
	{ "A", 0x100000, 0x1000 },   { "B", 0x200000, 0x10000 },  { "C", 0x400000, 0x200000 },
	{ "D", 0x1000000, 0x2000 },  { "E", 0x2000000, 0x1000 },  { "F", 0x5000000, 0x2000 },
	{ "G", 0x5001000, 0x1000 },  { "P", 0x6000000, 0x4000 },  { "R", 0x7000000, 0x1000 },
	{ "H", 0x4fff000, 0x2000 },
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
	int prot = strcmp(r->name, "R") ? IOMMU_READ | IOMMU_WRITE : IOMMU_READ;
	int ret;

	r->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(r->size));
	if (!r->pages) {
		LOG("op=alloc_pages name=%s size=0x%zx ret=-ENOMEM", r->name, r->size);
		return -ENOMEM;
	}
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	ret = iommu_map(dom, r->iova, page_to_phys(r->pages), r->size, prot, GFP_KERNEL);
#else
	ret = iommu_map(dom, r->iova, page_to_phys(r->pages), r->size, prot);
#endif
	r->mapped = !ret;
	LOG("op=iommu_map name=%s iova=0x%lx size=0x%zx paddr=0x%llx prot=%s ret=%d", r->name,
	    r->iova, r->size, (unsigned long long)page_to_phys(r->pages),
	    prot & IOMMU_WRITE ? "rw" : "r", ret);
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
		if (strcmp(regions[i].name, "G") && strcmp(regions[i].name, "H") &&
		    (strcmp(regions[i].name, "R") || edu_regs))
			map_region(dom, &regions[i]);
	edu_dma(0x400000, EDU_XFER, false, "C", "mapped_read_ok");
	unmap(dom, "A", 0x100000, 0x1000, "correct");
	edu_dma(0x100000, EDU_XFER, false, "A", "FAULT_read_after_unmap");
	if (region("R")->mapped)
		edu_dma(0x7000000, EDU_XFER, true, "R", "FAULT_write_to_read_only");
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
	if (rollback) {
		/* its first page is free, its second F's: a driver that refuses the
		 * second has mapped the first, which iommu_map() unmaps again */
		map_region(dom, region("H"));
		if (region("H")->mapped)
			LOG("op=note OVERLAP_H_onto_F_front_accepted_by_driver");
		else
			LOG("op=note OVERLAP_H_onto_F_front_refused_first_page_rolled_back");
	}
	unmap(dom, "F", 0x5000000, 0x2000, "unmap_F_whole");
	if (region("G")->mapped)
		unmap(dom, "G", 0x5001000, 0x1000, "G_inside_F_already_unmapped");
	if (region("H")->mapped)
		unmap(dom, "H", 0x4fff000, 0x2000, "H_second_page_F_already_unmapped");
	unmap(dom, "P_middle", p->iova + 0x1000, 0x1000, "PARTIAL_UNMAP_middle_of_P");
	unmap(dom, "P_front", p->iova, 0x1000, "PARTIAL_UNMAP_front_of_P");
	unmap(dom, "P_back", p->iova + 0x2000, 0x2000, "PARTIAL_UNMAP_back_of_P");
	iommu_detach_device(dom, dev);
	LOG("op=iommu_detach_device note=C_and_E_still_mapped");
	iommu_domain_free(dom);
	LOG("op=iommu_domain_free note=LEAK_C_0x400000+0x200000_and_E_0x2000000+0x1000");
}

/*
 * The edu's registers mapped and its bus mastering on; then its DMA, in the
 * default domain, of a buffer while mapped, after its unmap, and of an IOVA
 * the DMA API never gave out (its allocator works down from the mask's top).
 */
static void default_domain_dma(struct pci_dev *pdev, void *buf)
{
	struct device *dev = &pdev->dev;
	dma_addr_t h;
	int ret;

	ret = pci_enable_device_mem(pdev);
	LOG("op=pci_enable_device ret=%d", ret);
	if (ret)
		return;
	pci_set_master(pdev);
	edu_regs = pci_iomap(pdev, 0, 0);
	LOG("op=pci_iomap bar=0 ok=%d", !!edu_regs);
	if (!edu_regs)
		return;
	h = dma_map_single(dev, buf, 0x1000, DMA_TO_DEVICE);
	LOG("op=dma_map_single handle=0x%llx size=0x1000 dir=TO_DEVICE note=for_device_dma",
	    (unsigned long long)h);
	if (dma_mapping_error(dev, h))
		return;
	edu_dma(h, EDU_XFER, false, "buf", "mapped_read_ok");
	dma_unmap_single(dev, h, 0x1000, DMA_TO_DEVICE);
	LOG("op=dma_unmap_single handle=0x%llx size=0x1000 note=correct", (unsigned long long)h);
	edu_dma(h, EDU_XFER, false, "buf", "FAULT_read_after_unmap");
	edu_dma(0x300000, EDU_XFER, false, "never_mapped", "FAULT_read_of_never_mapped_iova");
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
	if (device_dma)
		default_domain_dma(pdev, buf2);

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
