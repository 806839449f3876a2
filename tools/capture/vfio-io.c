// SPDX-License-Identifier: MIT
/*
 * vfio-io GROUP BDF DISK [GROUP2 BDF2]: the guest's program in the vfio-io
 * and vfio-two captures.
 *
 * A VFIO type1 user (as QEMU is) that also reads a disk behind the IOMMU
 * with O_DIRECT, from the thread that set the container up and from a
 * second thread that maps into the container too.  Before 6.12 the kernel
 * names no device in its map events, so a tool must tell the disk's
 * mappings, made in this process's context, from the container's.  Each
 * step is marked in the trace ("CAPTURE: ...").
 *
 * With a second group (vfio-two), that group joins the container once the
 * first has mappings, as QEMU's second assigned device does: type1 attaches
 * it to the domain that holds them, and maps nothing again.  It leaves the
 * container before the program ends, its device closed first.
 *
 * Built on the host: gcc -static -O2 -pthread -o vfio-io vfio-io.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KIB 1024u

struct ctx {
	int container;
	int disk;
	off_t at; /* next disk offset */
};

static void mark(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, n;

	/* one write, one marker event */
	n = snprintf(buf, sizeof(buf), "CAPTURE: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	printf("@@ %s (tid %d)\n", buf + 9, gettid());
	fflush(stdout);
	fd = open("/sys/kernel/tracing/trace_marker", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, buf, (size_t)n) < 0)
			perror("trace_marker");
		close(fd);
	}
}

static void die(const char *what)
{
	printf("@@ vfio-io: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void dma_map(struct ctx *c, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	memset(p, 0x5a, size);
	map.vaddr = (uintptr_t)p;
	map.iova = iova;
	map.size = size;
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	mark("vfio map iova 0x%llx size 0x%zx", (unsigned long long)iova, size);
	if (ioctl(c->container, VFIO_IOMMU_MAP_DMA, &map))
		die("VFIO_IOMMU_MAP_DMA");
}

static void dma_unmap(struct ctx *c, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };

	unmap.iova = iova;
	unmap.size = size;
	mark("vfio unmap iova 0x%llx size 0x%zx", (unsigned long long)iova, size);
	if (ioctl(c->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		die("VFIO_IOMMU_UNMAP_DMA");
}

/* @n reads of @len bytes with O_DIRECT, one after the other. */
static void disk_io(struct ctx *c, int n, size_t len)
{
	void *buf;
	int i;

	if (posix_memalign(&buf, 4096, len))
		die("posix_memalign");
	mark("disk reads: %d of %zu KiB", n, len / KIB);
	for (i = 0; i < n; i++) {
		if (pread(c->disk, buf, len, c->at) != (ssize_t)len)
			die("pread");
		c->at += len;
	}
	free(buf);
}

/* /dev/vfio/@name, opened, and viable (every device of the group bound to vfio-pci). */
static int open_group(const char *name)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int group;

	snprintf(path, sizeof(path), "/dev/vfio/%s", name);
	group = open(path, O_RDWR);
	if (group < 0)
		die(path);
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("group not viable");
	return group;
}

/*
 * The device's MSI turned on, with an eventfd, as QEMU does when a guest's
 * driver turns it on; nothing when the device has none (QEMU's e1000).  Where
 * the IOMMU translates MSI writes (an Arm SMMU: IOMMU_RESV_SW_MSI), the kernel
 * maps the interrupt controller's doorbell into the container's domain.
 */
static void msi_on(int device)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = VFIO_PCI_MSI_IRQ_INDEX };
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} irq = { .set = { .argsz = sizeof(irq), .index = VFIO_PCI_MSI_IRQ_INDEX, .count = 1,
			   .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER } };

	if (ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, &info) || !info.count) {
		mark("vfio-io: the device has no MSI");
		return;
	}
	irq.fd = eventfd(0, 0);
	if (irq.fd < 0)
		die("eventfd");
	mark("vfio-io: MSI on");
	if (ioctl(device, VFIO_DEVICE_SET_IRQS, &irq))
		die("VFIO_DEVICE_SET_IRQS");
}

static void *second_thread(void *arg)
{
	struct ctx *c = arg;

	dma_map(c, 0x200000, 64 * KIB);
	disk_io(c, 8, 16 * KIB);
	return NULL;
}

int main(int argc, char **argv)
{
	struct ctx c = { .at = 0 };
	int group, device, group2 = -1, device2 = -1;
	pthread_t t;

	if (argc != 4 && argc != 6) {
		fprintf(stderr, "usage: vfio-io GROUP BDF DISK [GROUP2 BDF2]\n");
		return 2;
	}
	c.disk = open(argv[3], O_RDONLY | O_DIRECT);
	if (c.disk < 0)
		die(argv[3]);
	c.container = open("/dev/vfio/vfio", O_RDWR);
	if (c.container < 0)
		die("/dev/vfio/vfio");
	if (ioctl(c.container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    !ioctl(c.container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU))
		die("type1v2");
	group = open_group(argv[1]);
	mark("vfio-io: group %s into a type1 container", argv[1]);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &c.container))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(c.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[2]);
	if (device < 0)
		die("VFIO_GROUP_GET_DEVICE_FD");
	/* "guest RAM": below 4 GiB and above it, as QEMU maps a guest's */
	dma_map(&c, 0x0, 256 * KIB);
	dma_map(&c, 0x100000000ull, 128 * KIB);
	disk_io(&c, 16, 32 * KIB);
	msi_on(device);
	if (argc == 6) {
		mark("group %s joins the container", argv[4]);
		group2 = open_group(argv[4]);
		if (ioctl(group2, VFIO_GROUP_SET_CONTAINER, &c.container))
			die("VFIO_GROUP_SET_CONTAINER (second group)");
		device2 = ioctl(group2, VFIO_GROUP_GET_DEVICE_FD, argv[5]);
		if (device2 < 0)
			die("VFIO_GROUP_GET_DEVICE_FD (second group)");
	}
	mark("second thread: a vfio map and disk reads");
	if (pthread_create(&t, NULL, second_thread, &c) || pthread_join(t, NULL))
		die("pthread");
	dma_unmap(&c, 0x200000, 64 * KIB);
	dma_unmap(&c, 0x0, 256 * KIB);
	if (argc == 6) {
		mark("group %s leaves the container", argv[4]);
		close(device2);
		if (ioctl(group2, VFIO_GROUP_UNSET_CONTAINER))
			die("VFIO_GROUP_UNSET_CONTAINER");
		close(group2);
	}
	disk_io(&c, 4, 8 * KIB);
	mark("vfio-io: exit, 0x100000000 still mapped (the container's release unmaps it)");
	close(device);
	close(group);
	close(c.container);
	close(c.disk);
	return 0;
}
