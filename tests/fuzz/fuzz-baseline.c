// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the --baseline reader (baseline.c).  The input is the old
 * JSON document; it is compared with one fixed model, built once from the
 * event lines of the 6.12 defects capture below (findings of several types,
 * with devices, addresses and sizes), so that matching keys and new ones
 * both occur.  The report goes to /dev/null; a refusal must be one line
 * naming the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "iorep-render.h"

static const char defects_text[] =
	"init-1 [000] ..... 15.208468: tracing_mark_write: CAPTURE: recording started (scenario "
	"defects)\n"
	"init-1 [000] ..... 15.217033: tracing_mark_write: CAPTURE: insmod iommu_defects.ko "
	"bdf=0000:00:07.0\n"
	"insmod-386 [001] ..... 15.253208: map: IOMMU: iova=0x000000000ffff000 - "
	"0x0000000010000000 paddr=0x00000001038a0000 size=4096\n"
	"insmod-386 [001] ..... 15.253567: dma_map_page: 0000:00:07.0 dir=TO_DEVICE "
	"dma_addr=ffff000 size=4096 phys_addr=1038a0000 attrs=\n"
	"insmod-386 [001] ..... 15.372536: map: IOMMU: iova=0x000000000fffc000 - "
	"0x000000000fffe000 paddr=0x000000010e91c000 size=8192\n"
	"insmod-386 [001] ..... 15.372585: dma_map_page: 0000:00:07.0 dir=FROM_DEVICE "
	"dma_addr=fffc000 size=8192 phys_addr=10e91c000 attrs=\n"
	"insmod-386 [001] ..... 15.372866: unmap: IOMMU: iova=0x000000000fffc000 - "
	"0x000000000fffe000 size=8192 unmapped_size=8192\n"
	"insmod-386 [001] ..... 15.373078: dma_unmap_page: 0000:00:07.0 dir=FROM_DEVICE "
	"dma_addr=fffc000 size=8192 attrs=\n"
	"insmod-386 [001] ..... 15.373417: map: IOMMU: iova=0x000000000fff8000 - "
	"0x000000000fffc000 paddr=0x00000001142ca000 size=16384\n"
	"insmod-386 [001] ..... 15.373788: dma_alloc: 0000:00:07.0 dir=BIDIRECTIONAL "
	"dma_addr=fff8000 size=16384 virt_addr=00000000c360db34 flags=GFP_KERNEL attrs=\n"
	"insmod-386 [001] ..... 15.375210: attach_device_to_domain: IOMMU: device=0000:00:07.0\n"
	"insmod-386 [001] ..... 15.375529: map: IOMMU: iova=0x0000000000100000 - "
	"0x0000000000101000 paddr=0x00000001142cf000 size=4096\n"
	"insmod-386 [001] ..... 15.376200: map: IOMMU: iova=0x0000000000200000 - "
	"0x0000000000210000 paddr=0x000000010e950000 size=65536\n"
	"insmod-386 [001] ..... 15.386397: map: IOMMU: iova=0x0000000000400000 - "
	"0x0000000000600000 paddr=0x000000010ea00000 size=2097152\n"
	"insmod-386 [001] ..... 15.386653: map: IOMMU: iova=0x0000000001000000 - "
	"0x0000000001002000 paddr=0x0000000100bd2000 size=8192\n"
	"insmod-386 [001] ..... 15.386783: map: IOMMU: iova=0x0000000002000000 - "
	"0x0000000002001000 paddr=0x00000001142d4000 size=4096\n"
	"insmod-386 [001] ..... 15.624580: unmap: IOMMU: iova=0x0000000000100000 - "
	"0x0000000000101000 size=4096 unmapped_size=4096\n"
	"insmod-386 [000] ..... 15.848495: io_page_fault: IOMMU:pci 0000:00:07.0 "
	"iova=0x0000000000100000 flags=0x0000\n"
	"insmod-386 [000] ..... 15.848921: unmap: IOMMU: iova=0x0000000000200000 - "
	"0x0000000000210000 size=65536 unmapped_size=65536\n"
	"insmod-386 [000] ..... 15.849083: unmap: IOMMU: iova=0x0000000001000000 - "
	"0x0000000001002000 size=8192 unmapped_size=8192\n"
	"insmod-386 [000] ..... 15.849203: unmap: IOMMU: iova=0x0000000001000000 - "
	"0x0000000001002000 size=8192 unmapped_size=8192\n"
	"insmod-386 [000] ..... 15.849317: unmap: IOMMU: iova=0x0000000003000000 - "
	"0x0000000003001000 size=4096 unmapped_size=2097152\n"
	"insmod-386 [000] ..... 15.849746: attach_device_to_domain: IOMMU: device=0000:00:07.0\n"
	"insmod-386 [000] ..... 15.850435: map: IOMMU: iova=0x000000000fff7000 - "
	"0x000000000fff8000 paddr=0x00000001038a7000 size=4096\n"
	"insmod-386 [000] ..... 15.850456: dma_map_page: 0000:00:07.0 dir=BIDIRECTIONAL "
	"dma_addr=fff7000 size=4096 phys_addr=1038a7000 attrs=\n"
	"insmod-386 [000] ..... 15.850604: unmap: IOMMU: iova=0x000000000fff7000 - "
	"0x000000000fff8000 size=4096 unmapped_size=4096\n"
	"insmod-386 [000] ..... 15.850619: dma_unmap_page: 0000:00:07.0 dir=BIDIRECTIONAL "
	"dma_addr=fff7000 size=4096 attrs=\n"
	"insmod-386 [000] ..... 15.858089: dma_unmap_page: 0000:00:07.0 dir=BIDIRECTIONAL "
	"dma_addr=fff7000 size=4096 attrs=\n"
	"init-1 [001] ..... 16.882327: tracing_mark_write: CAPTURE: iommu_defects loaded\n"
	"init-1 [001] ..... 16.887028: tracing_mark_write: CAPTURE: recording stopping (scenario "
	"defects)\n";

/* The model, built on the first call and kept for the process (a fuzz target's only state). */
static struct iorep_model *model(void)
{
	static struct iorep_strtab *st;
	static struct iorep_model m;
	struct fuzz_run r;
	char path[64];
	int fd;

	if (st)
		return &m;
	st = iorep_strtab_new();
	FUZZ_ASSERT(st != NULL);
	iorep_model_init(&m, st);
	fd = fuzz_memfile((const uint8_t *)defects_text, sizeof(defects_text) - 1, path,
			  sizeof(path));
	FUZZ_ASSERT(fd >= 0);
	fuzz_pipeline(path, st, &m, 0, &r);
	close(fd);
	FUZZ_ASSERT(r.ret == 0 && m.nfindings > 5);
	return &m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct iorep_model *m = model();
	char path[64], err[512];
	FILE *null;
	int fd, ret;

	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	null = fopen("/dev/null", "w");
	FUZZ_ASSERT(null != NULL);
	ret = iorep_baseline_compare(m, path, null, err, sizeof(err));
	if (ret < 0) {
		FUZZ_ASSERT(err[0] != '\0' && strchr(err, '\n') == NULL);
		FUZZ_ASSERT(strncmp(err, path, strlen(path)) == 0);
	}
	fclose(null);
	close(fd);
	return 0;
}
