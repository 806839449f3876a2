// SPDX-License-Identifier: MIT
/*
 * Topology inputs: PCI addresses and classes, the sysfs IOMMU group listing
 * (text and directory), lspci output and pci.ids, checked against the real
 * captures in IOREP_SAMPLES_DIR and against hostile input.
 */
#define _GNU_SOURCE
#include <CUnit/Basic.h>

#include "test-util.h"
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iorep-error.h"
#include "iorep-pci.h"

#ifndef IOREP_SAMPLES_DIR
#error "build with -DIOREP_SAMPLES_DIR=\"/path/to/samples\""
#endif

#define BOOT_612 IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/boot"

/* GROUND_TRUTH.md of 6.12.117+deb12-amd64/boot, and its lspci.txt */
struct truth {
	const char *bdf;
	uint16_t vendor;
	uint16_t device;
	uint32_t class24;
	uint32_t group;
	int rev; /* -1: lspci prints none */
	const char *class_name;
	const char *desc;
};

static const struct truth truth[] = {
	{"0000:00:00.0", 0x8086, 0x29c0, 0x060000, 0, -1, "Host bridge",
	 "Intel Corporation 82G33/G31/P35/P31 Express DRAM Controller"},
	{"0000:00:02.0", 0x1af4, 0x1042, 0x010000, 1, 0x01, "SCSI storage controller",
	 "Red Hat, Inc. Virtio 1.0 block device"},
	{"0000:00:03.0", 0x1b36, 0x0010, 0x010802, 2, 0x02, "Non-Volatile memory controller",
	 "Red Hat, Inc. QEMU NVM Express Controller"},
	{"0000:00:04.0", 0x8086, 0x10d3, 0x020000, 3, -1, "Ethernet controller",
	 "Intel Corporation 82574L Gigabit Network Connection"},
	{"0000:00:05.0", 0x8086, 0x100e, 0x020000, 4, 0x03, "Ethernet controller",
	 "Intel Corporation 82540EM Gigabit Ethernet Controller"},
	{"0000:00:05.1", 0x1b36, 0x0005, 0x00ff00, 4, -1, "Unclassified device",
	 "Red Hat, Inc. QEMU PCI Test Device"},
	{"0000:00:06.0", 0x8086, 0x10d3, 0x020000, 5, -1, "Ethernet controller",
	 "Intel Corporation 82574L Gigabit Network Connection"},
	{"0000:00:07.0", 0x1234, 0x11e8, 0x00ff00, 6, 0x10, "Unclassified device", "Device"},
	{"0000:00:08.0", 0x1b36, 0x000e, 0x060400, 7, -1, "PCI bridge", "Red Hat, Inc. Device"},
	{"0000:00:10.0", 0x1af4, 0x1001, 0x010000, 8, -1, "SCSI storage controller",
	 "Red Hat, Inc. Virtio block device"},
	{"0000:00:1f.0", 0x8086, 0x2918, 0x060100, 9, 0x02, "ISA bridge",
	 "Intel Corporation 82801IB (ICH9) LPC Interface Controller"},
	{"0000:00:1f.2", 0x8086, 0x2922, 0x010601, 9, 0x02, "SATA controller",
	 "Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]"},
	{"0000:00:1f.3", 0x8086, 0x2930, 0x0c0500, 9, 0x02, "SMBus",
	 "Intel Corporation 82801I (ICH9 Family) SMBus Controller"},
	{"0000:01:01.0", 0x1af4, 0x1042, 0x010000, 7, 0x01, "SCSI storage controller",
	 "Red Hat, Inc. Virtio 1.0 block device"},
	{"0000:01:02.0", 0x8086, 0x100e, 0x020000, 7, 0x03, "Ethernet controller",
	 "Intel Corporation 82540EM Gigabit Ethernet Controller"},
};

#define NTRUTH (sizeof(truth) / sizeof(truth[0]))

/* Parses a literal; the length excludes the terminating NUL of the literal only. */
#define PARSE_LIT(a, lit) iorep_pci_addr_parse(a, lit, sizeof(lit) - 1)

static char *read_all(const char *path, size_t *len)
{
	char *buf = NULL;

	if (iorep_snapshot_read(path, IOREP_SNAPSHOT_MAX, &buf, len) < 0)
		return NULL;
	return buf;
}

/* ------------------------------------------------------------------------ */
/* PCI addresses */

static void test_addr_parse(void)
{
	struct iorep_pci_addr a;

	CU_ASSERT_EQUAL(PARSE_LIT(&a, "0000:00:1f.2"), 0);
	CU_ASSERT(a.domain == 0 && a.bus == 0 && a.dev == 0x1f && a.fn == 2);
	CU_ASSERT_EQUAL(PARSE_LIT(&a, "00:1f.2"), 0);
	CU_ASSERT(a.domain == 0 && a.bus == 0 && a.dev == 0x1f && a.fn == 2);
	CU_ASSERT_EQUAL(PARSE_LIT(&a, "abcd:ef:1e.7"), 0);
	CU_ASSERT(a.domain == 0xabcd && a.bus == 0xef && a.dev == 0x1e && a.fn == 7);
	CU_ASSERT_EQUAL(PARSE_LIT(&a, "ABCD:EF:1E.7"), 0);
	CU_ASSERT(a.domain == 0xabcd && a.bus == 0xef && a.dev == 0x1e && a.fn == 7);
	/* VMD domains have 5 digits; the domain is 32 bits */
	CU_ASSERT_EQUAL(PARSE_LIT(&a, "10000:e0:1d.0"), 0);
	CU_ASSERT(a.domain == 0x10000 && a.bus == 0xe0 && a.dev == 0x1d && a.fn == 0);
	CU_ASSERT_EQUAL(PARSE_LIT(&a, "ffffffff:ff:1f.7"), 0);
	CU_ASSERT_EQUAL(a.domain, 0xffffffffu);
	/* only part of a string: len rules */
	CU_ASSERT_EQUAL(iorep_pci_addr_parse(&a, "0000:01:02.0 trailing", 12), 0);
	CU_ASSERT(a.bus == 1 && a.dev == 2 && a.fn == 0);
}

static void test_addr_reject(void)
{
	static const char *const bad[] = {
		"",
		"0",
		"00:20.0",
		"00:1f.8",
		"00:1f.f",
		"0000:00:1f",
		"0000:00:1f.",
		"0000:00:1f.20",
		"000:00:1f.2",
		"0:00:1f.2",
		"0000:0:1f.2",
		"0000:000:1f.2",
		"0000:00:1.2",
		"0000:00:001f.2",
		"0000-00:1f.2",
		"0000:00-1f.2",
		"0000:00:1f:2",
		"0000.00:1f.2",
		"g000:00:1f.2",
		"0000:0g:1f.2",
		"0000:00:1g.2",
		"0000:00:1f.g",
		" 0000:00:1f.2",
		"0000:00:1f.2 ",
		"+000:00:1f.2",
		"0x00:00:1f.2",
		"100000000:00:00.0",
		"0000:00:1f.2\n",
		"::.",
		"0000::00:1f.2",
		"ff200000.iommu",
		"a0000000.usb",
		"platform",
		"0000:00:1f.-1",
		"0000:-0:1f.2",
	};
	struct iorep_pci_addr a = {.domain = 0x1234, .bus = 5, .dev = 6, .fn = 7};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(iorep_pci_addr_parse(&a, bad[i], strlen(bad[i])), -IOREP_EPARSE);
		if (iorep_pci_addr_parse(&a, bad[i], strlen(bad[i])) != -IOREP_EPARSE)
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
	}
	/* failure leaves the output alone */
	CU_ASSERT(a.domain == 0x1234 && a.bus == 5 && a.dev == 6 && a.fn == 7);
	/* a NUL inside the length */
	CU_ASSERT_EQUAL(iorep_pci_addr_parse(&a, "0000:00:1f\0002", 12), -IOREP_EPARSE);
	CU_ASSERT_EQUAL(iorep_pci_addr_parse(&a, "00\0000:00:1f.2", 12), -IOREP_EPARSE);
}

static void test_addr_format(void)
{
	struct iorep_pci_addr a, b;
	char buf[IOREP_PCI_ADDR_BUFSZ];
	char small[12];
	unsigned int bus, dev, fn;

	CU_ASSERT_EQUAL(PARSE_LIT(&a, "00:1f.2"), 0);
	CU_ASSERT_EQUAL(iorep_pci_addr_format(&a, buf, sizeof(buf)), 12);
	CU_ASSERT_STRING_EQUAL(buf, "0000:00:1f.2");
	CU_ASSERT_EQUAL(PARSE_LIT(&a, "ABCD:EF:1E.7"), 0);
	CU_ASSERT_EQUAL(iorep_pci_addr_format(&a, buf, sizeof(buf)), 12);
	CU_ASSERT_STRING_EQUAL(buf, "abcd:ef:1e.7");
	CU_ASSERT_EQUAL(PARSE_LIT(&a, "10000:e0:1d.0"), 0);
	CU_ASSERT_EQUAL(iorep_pci_addr_format(&a, buf, sizeof(buf)), 13);
	CU_ASSERT_STRING_EQUAL(buf, "10000:e0:1d.0");
	a.domain = 0xffffffff;
	CU_ASSERT_EQUAL(iorep_pci_addr_format(&a, buf, sizeof(buf)), 16);
	/* too small: 12 characters need 13 bytes */
	CU_ASSERT_EQUAL(PARSE_LIT(&a, "0000:00:1f.2"), 0);
	CU_ASSERT_EQUAL(iorep_pci_addr_format(&a, small, sizeof(small)), -IOREP_EINVAL);
	CU_ASSERT_EQUAL(iorep_pci_addr_format(&a, buf, 0), -IOREP_EINVAL);

	/* every bus/dev/fn round-trips */
	for (bus = 0; bus < 256; bus += 17)
		for (dev = 0; dev < 32; dev++)
			for (fn = 0; fn < 8; fn++) {
				a.domain = bus * 3;
				a.bus = (uint8_t)bus;
				a.dev = (uint8_t)dev;
				a.fn = (uint8_t)fn;
				CU_ASSERT_EQUAL_FATAL(iorep_pci_addr_format(&a, buf, sizeof(buf)),
						      12);
				CU_ASSERT_EQUAL_FATAL(iorep_pci_addr_parse(&b, buf, 12), 0);
				CU_ASSERT_EQUAL_FATAL(iorep_pci_addr_cmp(&a, &b), 0);
			}
}

static void test_addr_cmp_and_names(void)
{
	struct iorep_pci_addr a, b;

	CU_ASSERT_EQUAL(PARSE_LIT(&a, "0000:00:1f.2"), 0);
	CU_ASSERT_EQUAL(PARSE_LIT(&b, "0000:01:00.0"), 0);
	CU_ASSERT(iorep_pci_addr_cmp(&a, &b) < 0);
	CU_ASSERT(iorep_pci_addr_cmp(&b, &a) > 0);
	CU_ASSERT_EQUAL(PARSE_LIT(&b, "0000:00:1f.3"), 0);
	CU_ASSERT(iorep_pci_addr_cmp(&a, &b) < 0);
	CU_ASSERT_EQUAL(PARSE_LIT(&b, "0001:00:00.0"), 0);
	CU_ASSERT(iorep_pci_addr_cmp(&a, &b) < 0);

	CU_ASSERT_TRUE(iorep_pci_name_is_pci(&a, "0000:00:05.1", 12));
	CU_ASSERT(a.dev == 5 && a.fn == 1);
	CU_ASSERT_TRUE(iorep_pci_name_is_pci(NULL, "0000:00:05.1", 12));
	CU_ASSERT_FALSE(iorep_pci_name_is_pci(&a, "ff200000.iommu", 14));
	CU_ASSERT_FALSE(iorep_pci_name_is_pci(&a, "a0000000.usb", 12));
	CU_ASSERT_FALSE(iorep_pci_name_is_pci(&a, "Fixed MDIO bus.0", 16));
	CU_ASSERT_FALSE(iorep_pci_name_is_pci(NULL, "", 0));
	CU_ASSERT_FALSE(iorep_pci_name_is_pci(NULL, "0000:00:1f.2", 11));
}

static void test_class(void)
{
	CU_ASSERT_TRUE(iorep_pci_class_is_bridge(0x0604));
	CU_ASSERT_TRUE(iorep_pci_class_is_bridge(0x0609));
	CU_ASSERT_FALSE(iorep_pci_class_is_bridge(0x0600));
	CU_ASSERT_FALSE(iorep_pci_class_is_bridge(0x0601));
	CU_ASSERT_FALSE(iorep_pci_class_is_bridge(0x0607));
	CU_ASSERT_FALSE(iorep_pci_class_is_bridge(0x0680));
	CU_ASSERT_FALSE(iorep_pci_class_is_bridge(0x0106));
	CU_ASSERT_FALSE(iorep_pci_class_is_bridge(0x060400 & 0xffff)); /* 24-bit misuse */
	CU_ASSERT_TRUE(iorep_pci_class_is_bridge(0x060400 >> 8));
	CU_ASSERT_TRUE(iorep_pci_class_is_host_bridge(0x0600));
	CU_ASSERT_FALSE(iorep_pci_class_is_host_bridge(0x0604));
	CU_ASSERT_TRUE(iorep_pci_class_is_isa_bridge(0x0601));
	CU_ASSERT_FALSE(iorep_pci_class_is_isa_bridge(0x0600));
}

/* ------------------------------------------------------------------------ */
/* sysfs groups */

/* Asserts that @g holds exactly the ground-truth table. */
static void check_groups_truth(const struct iorep_sysfs_groups *g)
{
	const struct iorep_group_dev *d;
	char buf[IOREP_PCI_ADDR_BUFSZ];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(g->nr, NTRUTH);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_count(g), 10);
	CU_ASSERT_EQUAL(g->bad, 0);
	CU_ASSERT_EQUAL(g->first_bad_line, 0);
	CU_ASSERT_EQUAL(g->duplicates, 0);
	CU_ASSERT_EQUAL(g->conflicts, 0);
	for (i = 0; i < NTRUTH; i++) {
		d = iorep_sysfs_groups_find(g, truth[i].bdf, strlen(truth[i].bdf));
		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_EQUAL(d->group, truth[i].group);
		CU_ASSERT_TRUE(d->is_pci);
		CU_ASSERT_STRING_EQUAL(d->name, truth[i].bdf);
		CU_ASSERT_EQUAL(iorep_pci_addr_format(&d->addr, buf, sizeof(buf)), 12);
		CU_ASSERT_STRING_EQUAL(buf, truth[i].bdf);
	}
	/* sorted: by group, then address */
	for (i = 1; i < g->nr; i++)
		CU_ASSERT(g->devs[i - 1].group < g->devs[i].group ||
			  (g->devs[i - 1].group == g->devs[i].group &&
			   iorep_pci_addr_cmp(&g->devs[i - 1].addr, &g->devs[i].addr) < 0));
	/* the multi-device groups of GROUND_TRUTH.md, in order */
	CU_ASSERT_STRING_EQUAL(g->devs[4].name, "0000:00:05.0");
	CU_ASSERT_STRING_EQUAL(g->devs[5].name, "0000:00:05.1");
	CU_ASSERT_EQUAL(g->devs[5].group, 4);
	CU_ASSERT_STRING_EQUAL(g->devs[8].name, "0000:00:08.0");
	CU_ASSERT_STRING_EQUAL(g->devs[9].name, "0000:01:01.0");
	CU_ASSERT_STRING_EQUAL(g->devs[10].name, "0000:01:02.0");
	CU_ASSERT_EQUAL(g->devs[10].group, 7);
	CU_ASSERT_STRING_EQUAL(g->devs[11].name, "0000:00:10.0");
	CU_ASSERT_EQUAL(g->devs[11].group, 8);
	CU_ASSERT_STRING_EQUAL(g->devs[14].name, "0000:00:1f.3");
	CU_ASSERT_EQUAL(g->devs[14].group, 9);
}

static void test_groups_sample(void)
{
	struct iorep_sysfs_groups g;

	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_read_file(&g, BOOT_612 "/iommu_groups.txt"), 15);
	CU_ASSERT_EQUAL(g.lines, 15);
	check_groups_truth(&g);
	CU_ASSERT_PTR_NULL(iorep_sysfs_groups_find(&g, "0000:00:1f.4", 12));
	/* reading it again appends nothing: all duplicates, not an error */
	CU_ASSERT_EQUAL(iorep_sysfs_groups_read_file(&g, BOOT_612 "/iommu_groups.txt"), 0);
	CU_ASSERT_EQUAL(g.nr, 15);
	CU_ASSERT_EQUAL(g.duplicates, 15);
	CU_ASSERT_EQUAL(g.conflicts, 0);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_parse(&g, "junk\n/x/1/devices/0000:00:02.0", 30), 0);
	CU_ASSERT_EQUAL(g.duplicates, 16);
	CU_ASSERT_EQUAL(g.bad, 1);
	CU_ASSERT_EQUAL(g.first_bad_line, 1);
	iorep_sysfs_groups_release(&g);

	/* load() on a file */
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_load(&g, BOOT_612 "/iommu_groups.txt"), 15);
	check_groups_truth(&g);
	iorep_sysfs_groups_release(&g);
}

/* Whether column @col (0: the first) of the table row @line reads @want. */
static bool column_is(const char *line, int col, const char *want)
{
	const char *p = line;
	size_t len = strlen(want);

	while (col-- > 0 && p)
		p = strchr(p + 1, '|');
	if (!p)
		return false;
	while (*++p == ' ')
		;
	return !strncmp(p, want, len) && (p[len] == ' ' || p[len] == '|');
}

/*
 * The rows of the device table of a GROUND_TRUTH.md: bdf, vendor:device,
 * class, group, or "none" for a device in lspci that the IOMMU does not
 * cover (virtio-iommu covers what the firmware's VIOT table lists).
 * Returns the number of rows with a group checked against @g and @l;
 * *@outside counts the others.
 */
static int check_ground_truth_md(const char *md, const struct iorep_sysfs_groups *g,
				 const struct iorep_lspci *l, size_t *outside)
{
	char *buf, *line, *nl;
	bool in_table = false;
	size_t len;
	int rows = 0;

	buf = read_all(md, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (line = buf; line; line = nl ? nl + 1 : NULL) {
		char bdf[32];
		unsigned int vendor, device, class24, group;
		int n;
		struct iorep_pci_addr a;
		const struct iorep_group_dev *gd;
		const struct iorep_lspci_dev *ld;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		/* only the device table: "| BDF | vendor:device | ..." up to its end */
		if (!strncmp(line, "| BDF | vendor:device |", 23)) {
			in_table = true;
			continue;
		}
		if (line[0] != '|')
			in_table = false;
		if (!in_table || strncmp(line, "| 0000:", 7))
			continue;
		n = sscanf(line, "| %31s | %x:%x | %x | %u |", bdf, &vendor, &device, &class24,
			   &group);
		gd = iorep_sysfs_groups_find(g, bdf, strlen(bdf));
		if (n == 4 && column_is(line, 3, "none")) {
			CU_ASSERT_PTR_NULL(gd);
			++*outside;
		} else if (n != 5) {
			CU_FAIL("unreadable GROUND_TRUTH.md row");
			continue;
		} else {
			rows++;
			CU_ASSERT_PTR_NOT_NULL(gd);
			if (gd)
				CU_ASSERT_EQUAL(gd->group, group);
		}
		CU_ASSERT_EQUAL_FATAL(iorep_pci_addr_parse(&a, bdf, strlen(bdf)), 0);
		ld = iorep_lspci_find(l, &a);
		CU_ASSERT_PTR_NOT_NULL(ld);
		if (ld) {
			CU_ASSERT_TRUE(ld->has_ids && ld->has_class);
			CU_ASSERT_EQUAL(ld->vendor, vendor);
			CU_ASSERT_EQUAL(ld->device, device);
			CU_ASSERT_EQUAL(ld->class_code, class24 >> 8);
		}
	}
	free(buf);
	return rows;
}

/*
 * Whether @trace (a trace.txt) adds PCI device @a to a group: it joined one
 * during the capture (a device joins when its driver probes it on an Arm
 * SMMU, after a "before" listing taken before the modules).
 */
static bool added_in_trace(const char *trace, const struct iorep_pci_addr *a)
{
	char bdf[32], want[64], *buf = iorep_test_slurp(trace, NULL), *p, *eol;
	bool found = false;
	size_t n;

	iorep_pci_addr_format(a, bdf, sizeof(bdf));
	n = (size_t)snprintf(want, sizeof(want), " device=%s", bdf);
	for (p = buf; !found && (p = strstr(p, "add_device_to_group: ")); p = eol) {
		eol = strchrnul(p, '\n');
		found = (size_t)(eol - p) > n && !strncmp(eol - n, want, n);
	}
	free(buf);
	return found;
}

/*
 * A "before" listing @g beside its @l: each PCI device in no group is an
 * IOMMU unit, joins one during the capture (@trace), or is in none at its
 * end either (@end, the capture's iommu_groups.txt).
 */
static void check_before_listing(const struct iorep_sysfs_groups *g, const struct iorep_lspci *l,
				 const char *trace, const char *end)
{
	struct iorep_sysfs_groups e;
	size_t j, k;
	bool in_g, in_end;

	iorep_sysfs_groups_init(&e);
	CU_ASSERT(iorep_sysfs_groups_read_file(&e, end) > 0);
	for (j = 0; j < l->nr; j++) {
		for (k = 0, in_g = false; k < g->nr && !in_g; k++)
			in_g = !iorep_pci_addr_cmp(&g->devs[k].addr, &l->devs[j].addr);
		for (k = 0, in_end = false; k < e.nr && !in_end; k++)
			in_end = !iorep_pci_addr_cmp(&e.devs[k].addr, &l->devs[j].addr);
		if (!in_g && l->devs[j].class_code != 0x0806)
			CU_ASSERT(!in_end || added_in_trace(trace, &l->devs[j].addr));
	}
	iorep_sysfs_groups_release(&e);
}

/* Every iommu_groups*.txt beside its lspci*.txt, in every capture. */
static void test_all_samples(void)
{
	glob_t gl;
	size_t i, j, units, outside, nfiles = 0, nmd = 0, empty = 0;

	CU_ASSERT_EQUAL_FATAL(glob(IOREP_SAMPLES_DIR "/*/*/iommu_groups*.txt", 0, NULL, &gl), 0);
	CU_ASSERT(gl.gl_pathc >= 7);
	for (i = 0; i < gl.gl_pathc; i++) {
		const char *path = gl.gl_pathv[i];
		const char *base = strrchr(path, '/') + 1;
		char lspath[4096], mdpath[4096], trpath[4096], endpath[4096];
		struct iorep_sysfs_groups g;
		struct iorep_lspci l;
		int n, n2;

		/* iommu_groups<suffix>.txt goes with lspci<suffix>.txt */
		snprintf(lspath, sizeof(lspath), "%.*slspci%s", (int)(base - path), path,
			 base + strlen("iommu_groups"));
		snprintf(mdpath, sizeof(mdpath), "%.*sGROUND_TRUTH.md", (int)(base - path), path);
		snprintf(trpath, sizeof(trpath), "%.*strace.txt", (int)(base - path), path);
		snprintf(endpath, sizeof(endpath), "%.*siommu_groups.txt", (int)(base - path), path);
		iorep_sysfs_groups_init(&g);
		iorep_lspci_init(&l);
		n = iorep_sysfs_groups_read_file(&g, path);
		CU_ASSERT_EQUAL(g.bad, 0);
		CU_ASSERT_EQUAL(g.conflicts, 0);
		n2 = iorep_lspci_read_file(&l, lspath);
		CU_ASSERT(n2 > 0);
		CU_ASSERT_EQUAL(l.bad, 0);
		CU_ASSERT_EQUAL(l.duplicates, 0);
		/* the table in GROUND_TRUTH.md describes the end of the capture */
		outside = 0;
		if (!strcmp(base, "iommu_groups.txt") && access(mdpath, R_OK) == 0) {
			CU_ASSERT_EQUAL(check_ground_truth_md(mdpath, &g, &l, &outside), (int)g.nr);
			nmd++;
		}
		/* every PCI device of a group is in lspci and the other way round,
		 * but for an IOMMU that is a PCI function (AMD-Vi, class 0x0806),
		 * itself in no group, and what the table says the IOMMU does not
		 * cover; no group at all before a modular IOMMU driver (virtio-iommu)
		 * is loaded, and before the modules on an Arm SMMU only the devices
		 * whose driver probed them */
		if (n == 0) {
			CU_ASSERT_PTR_NOT_NULL(strstr(path, "-before.txt"));
			empty++;
		} else if (strstr(base, "-before.txt")) {
			check_before_listing(&g, &l, trpath, endpath);
		} else {
			for (j = units = 0; j < l.nr; j++)
				units += l.devs[j].class_code == 0x0806;
			CU_ASSERT_EQUAL(g.nr + units + outside, l.nr);
		}
		for (j = 0; j < g.nr; j++) {
			CU_ASSERT_TRUE(g.devs[j].is_pci);
			CU_ASSERT_PTR_NOT_NULL(iorep_lspci_find(&l, &g.devs[j].addr));
		}
		/* the shared captures (boot, defects, dma-traffic, vfio) ran on one
		 * emulated machine; the others (tools/capture) on others, which their
		 * table above checks */
		if (strstr(path, "/boot/") || strstr(path, "/defects/") ||
		    strstr(path, "/dma-traffic/") || strstr(path, "/vfio/"))
			check_groups_truth(&g);
		nfiles++;
		iorep_lspci_release(&l);
		iorep_sysfs_groups_release(&g);
	}
	CU_ASSERT_EQUAL(nfiles, gl.gl_pathc);
	CU_ASSERT(nmd >= 7);
	CU_ASSERT_EQUAL(empty, 2); /* vfio-io-virtio, defects-virtio: virtio-iommu is a module */
	globfree(&gl);
}

static void test_groups_shapes(void)
{
	/* shuffled, CRLF, blanks, doubled and trailing slashes, relative, no final newline */
	static const char text[] = "\r\n"
				   "/sys/kernel/iommu_groups/9/devices/0000:00:1f.3\r\n"
				   "/sys/kernel/iommu_groups//9/devices/0000:00:1f.0/\r\n"
				   "\n"
				   "   \t\n"
				   "./7/devices/0000:01:02.0\n"
				   "7/devices/0000:00:08.0\n"
				   "/tmp/copy/iommu_groups/12/devices/a0000000.usb\n"
				   "/tmp/copy/iommu_groups/12/devices/ff200000.dma\n"
				   "/tmp/copy/iommu_groups/12/devices/0000:00:02.0\n"
				   "  /sys/kernel/iommu_groups/0/devices/Fixed MDIO bus.0  \n"
				   "/sys/kernel/iommu_groups/9/devices/0000:00:1f.2";
	struct iorep_sysfs_groups g;

	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_parse(&g, text, sizeof(text) - 1), 9);
	CU_ASSERT_EQUAL(g.bad, 0);
	CU_ASSERT_EQUAL(g.lines, 12);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_count(&g), 4);
	CU_ASSERT_EQUAL_FATAL(g.nr, 9);
	CU_ASSERT_STRING_EQUAL(g.devs[0].name, "Fixed MDIO bus.0");
	CU_ASSERT_FALSE(g.devs[0].is_pci);
	CU_ASSERT_EQUAL(g.devs[0].group, 0);
	CU_ASSERT_STRING_EQUAL(g.devs[1].name, "0000:00:08.0");
	CU_ASSERT_STRING_EQUAL(g.devs[2].name, "0000:01:02.0");
	CU_ASSERT_STRING_EQUAL(g.devs[3].name, "0000:00:1f.0");
	CU_ASSERT_STRING_EQUAL(g.devs[4].name, "0000:00:1f.2");
	CU_ASSERT_STRING_EQUAL(g.devs[5].name, "0000:00:1f.3");
	CU_ASSERT_EQUAL(g.devs[5].group, 9);
	/* group 12: PCI first, then platform devices by name */
	CU_ASSERT_STRING_EQUAL(g.devs[6].name, "0000:00:02.0");
	CU_ASSERT_TRUE(g.devs[6].is_pci);
	CU_ASSERT_STRING_EQUAL(g.devs[7].name, "a0000000.usb");
	CU_ASSERT_FALSE(g.devs[7].is_pci);
	CU_ASSERT_STRING_EQUAL(g.devs[8].name, "ff200000.dma");
	CU_ASSERT_EQUAL(g.devs[8].group, 12);
	iorep_sysfs_groups_release(&g);

	/* empty and blank inputs: nothing, and no error */
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_parse(&g, "", 0), 0);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_parse(&g, "\n\r\n  \n", 6), 0);
	CU_ASSERT_EQUAL(g.nr, 0);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_count(&g), 0);
	iorep_sysfs_groups_release(&g);
}

static void test_groups_bad_lines(void)
{
	static const char text[] =
		"/sys/kernel/iommu_groups/1/devices/0000:00:02.0\n"
		"find: '/sys/kernel/iommu_groups/': Permission denied\n" /* 2 */
		"/sys/kernel/iommu_groups/1/devices/\n"			 /* 3: no name */
		"/sys/kernel/iommu_groups/1/0000:00:02.0\n"		 /* 4: no devices */
		"/sys/kernel/iommu_groups/x/devices/0000:00:02.0\n"	 /* 5 */
		"/sys/kernel/iommu_groups/-1/devices/0000:00:02.0\n"	 /* 6 */
		"/sys/kernel/iommu_groups/+1/devices/0000:00:02.0\n"	 /* 7 */
		"/sys/kernel/iommu_groups/01/devices/0000:00:02.0\n"	 /* 8 */
		"/sys/kernel/iommu_groups/2147483648/devices/a\n"	 /* 9 */
		"/sys/kernel/iommu_groups/99999999999/devices/a\n"	 /* 10 */
		"devices/0000:00:02.0\n"				 /* 11 */
		"/sys/kernel/iommu_groups/3/devices/..\n"		 /* 12 */
		"/sys/kernel/iommu_groups/3/devices/bad\tname\n"	 /* 13 */
		"/sys/kernel/iommu_groups/2147483647/devices/0000:00:03.0\n"
		"/sys/kernel/iommu_groups/1/devices/0000:00:02.0\n"  /* duplicate */
		"/sys/kernel/iommu_groups/5/devices/0000:00:02.0\n"; /* conflict */
	struct iorep_sysfs_groups g;

	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_parse(&g, text, sizeof(text) - 1), 3);
	CU_ASSERT_EQUAL(g.lines, 16);
	CU_ASSERT_EQUAL(g.bad, 12);
	CU_ASSERT_EQUAL(g.first_bad_line, 2);
	CU_ASSERT_EQUAL(g.duplicates, 1);
	CU_ASSERT_EQUAL(g.conflicts, 1);
	CU_ASSERT_EQUAL_FATAL(g.nr, 3);
	CU_ASSERT_EQUAL(g.devs[0].group, 1);
	CU_ASSERT_EQUAL(g.devs[1].group, 5);
	CU_ASSERT_EQUAL(g.devs[2].group, 2147483647u);
	iorep_sysfs_groups_release(&g);

	/* nothing parsed from a non-empty input */
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_parse(&g, "garbage\n\nmore garbage", 21), -IOREP_EPARSE);
	CU_ASSERT_EQUAL(g.bad, 2);
	CU_ASSERT_EQUAL(g.first_bad_line, 1);
	CU_ASSERT_EQUAL(g.nr, 0);
	iorep_sysfs_groups_release(&g);

	/* files: missing, a directory given to read_file */
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_read_file(&g, "/nonexistent/iommu_groups.txt"),
			-IOREP_EOPEN);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_load(&g, "/nonexistent/iommu_groups"), -IOREP_EOPEN);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_read_dir(&g, "/nonexistent/iommu_groups"), -IOREP_EOPEN);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_read_dir(&g, BOOT_612 "/iommu_groups.txt"),
			-IOREP_EOPEN);
	CU_ASSERT(iorep_sysfs_groups_read_file(&g, BOOT_612) < 0);
	CU_ASSERT_EQUAL(g.nr, 0);
	iorep_sysfs_groups_release(&g);
}

static void test_groups_hostile(void)
{
	struct iorep_sysfs_groups g;
	size_t cap = 16 * 1024, len = 0, i;
	char *buf = malloc(cap);
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	/* 1: a 4 KiB name */
	len += (size_t)snprintf(buf + len, cap - len, "/sys/kernel/iommu_groups/3/devices/");
	memset(buf + len, 'x', 4096);
	len += 4096;
	buf[len++] = '\n';
	/* 2: NAME_MAX is fine */
	len += (size_t)snprintf(buf + len, cap - len, "/sys/kernel/iommu_groups/3/devices/");
	memset(buf + len, 'y', IOREP_DEV_NAME_MAX);
	len += IOREP_DEV_NAME_MAX;
	buf[len++] = '\n';
	/* 3: one more is not */
	len += (size_t)snprintf(buf + len, cap - len, "/sys/kernel/iommu_groups/3/devices/");
	memset(buf + len, 'z', IOREP_DEV_NAME_MAX + 1);
	len += IOREP_DEV_NAME_MAX + 1;
	buf[len++] = '\n';
	/* 4: a NUL in the middle of the line */
	memcpy(buf + len, "/sys/kernel/iommu_groups/9/devices/0000:00:1f.2\0evil\n", 53);
	len += 53;
	/* 5: a 4 KiB group number */
	len += (size_t)snprintf(buf + len, cap - len, "/sys/kernel/iommu_groups/");
	memset(buf + len, '7', 4096);
	len += 4096;
	len += (size_t)snprintf(buf + len, cap - len, "/devices/0000:00:1f.2\n");
	/* 6: a NUL at the start, 7: just slashes, 8: a lone NUL, 9: fine, no newline */
	memcpy(buf + len, "\0/sys/kernel/iommu_groups/1/devices/0000:00:02.0\n", 49);
	len += 49;
	memcpy(buf + len, "////////\n\0\n", 11);
	len += 11;
	len += (size_t)snprintf(buf + len, cap - len, "/sys/kernel/iommu_groups/1/devices/x");

	iorep_sysfs_groups_init(&g);
	n = iorep_sysfs_groups_parse(&g, buf, len);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(g.lines, 9);
	CU_ASSERT_EQUAL(g.bad, 7);
	CU_ASSERT_EQUAL(g.first_bad_line, 1);
	CU_ASSERT_EQUAL_FATAL(g.nr, 2);
	CU_ASSERT_STRING_EQUAL(g.devs[0].name, "x");
	CU_ASSERT_EQUAL(strlen(g.devs[1].name), IOREP_DEV_NAME_MAX);
	iorep_sysfs_groups_release(&g);

	/* every prefix of the input (cut anywhere) parses without harm */
	for (i = 0; i <= len; i += 7) {
		iorep_sysfs_groups_init(&g);
		n = iorep_sysfs_groups_parse(&g, buf, i);
		CU_ASSERT(n >= 0 || n == -IOREP_EPARSE);
		iorep_sysfs_groups_release(&g);
	}
	free(buf);
}

/* ------------------------------------------------------------------------ */
/* sysfs groups from a directory */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* mkdir -p of @rel below @root; 0 on success. */
static int mkdirs(const char *root, const char *rel)
{
	char path[4096];
	size_t i, n;

	n = (size_t)snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (n >= sizeof(path))
		return -1;
	for (i = strlen(root) + 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && access(path, F_OK) < 0)
			return -1;
		if (i < n)
			path[i] = '/';
	}
	return 0;
}

/* A copy of /sys/kernel/iommu_groups with the sample's entries as dangling symlinks. */
/* `grep -H . /sys/kernel/iommu_groups/[0-9]*\/type` lines mixed with the links. */
static void test_groups_types(void)
{
	static const char text[] =
		"/sys/kernel/iommu_groups/5/type:identity\n"
		"/sys/kernel/iommu_groups/5/devices/0000:00:06.0\n"
		"/sys/kernel/iommu_groups/3/type:DMA-FQ\r\n"
		"/sys/kernel/iommu_groups/3/type:DMA\n"	/* a later one wins */
		"/sys/kernel/iommu_groups/7/type:bad type\n"
		"/sys/kernel/iommu_groups/x/type:DMA\n"
		"/sys/kernel/iommu_groups/8/type:<script>\n"
		"/sys/kernel/iommu_groups/9/type:\n";
	struct iorep_sysfs_groups g;

	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_parse(&g, text, sizeof(text) - 1), 1);
	CU_ASSERT_EQUAL(g.nr, 1);
	CU_ASSERT_EQUAL(g.ntypes, 3);
	CU_ASSERT_STRING_EQUAL(iorep_sysfs_groups_type(&g, 5), "identity");
	CU_ASSERT_STRING_EQUAL(iorep_sysfs_groups_type(&g, 3), "DMA");
	CU_ASSERT_PTR_NULL(iorep_sysfs_groups_type(&g, 7));
	CU_ASSERT_PTR_NULL(iorep_sysfs_groups_type(&g, 8));
	CU_ASSERT_PTR_NULL(iorep_sysfs_groups_type(&g, 9));
	CU_ASSERT_EQUAL(g.bad, 4);
	CU_ASSERT_EQUAL(g.first_bad_line, 5);
	iorep_sysfs_groups_release(&g);
}

static void test_groups_dir(void)
{
	char root[] = "/tmp/iorep-groups-XXXXXX";
	char top[4096], rel[512], link[4096], target[512], file[4096];
	struct iorep_sysfs_groups ref, g;
	FILE *fp;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
	iorep_sysfs_groups_init(&ref);
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL_FATAL(iorep_sysfs_groups_read_file(&ref, BOOT_612 "/iommu_groups.txt"), 15);
	snprintf(top, sizeof(top), "%s/iommu_groups", root);
	for (i = 0; i < ref.nr; i++) {
		snprintf(rel, sizeof(rel), "iommu_groups/%u/devices", ref.devs[i].group);
		CU_ASSERT_EQUAL_FATAL(mkdirs(root, rel), 0);
		snprintf(link, sizeof(link), "%s/%s/%s", root, rel, ref.devs[i].name);
		snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s",
			 ref.devs[i].name);
		CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
		/* the files sysfs has beside devices/ */
		snprintf(file, sizeof(file), "%s/iommu_groups/%u/type", root, ref.devs[i].group);
		fp = fopen(file, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		fputs(ref.devs[i].group == 5 ? "identity\n" : "DMA-FQ\n", fp);
		fclose(fp);
	}

	CU_ASSERT_EQUAL(iorep_sysfs_groups_read_dir(&g, top), 15);
	check_groups_truth(&g);
	/* each group's type file */
	CU_ASSERT_STRING_EQUAL(iorep_sysfs_groups_type(&g, 5), "identity");
	CU_ASSERT_STRING_EQUAL(iorep_sysfs_groups_type(&g, 9), "DMA-FQ");
	CU_ASSERT_PTR_NULL(iorep_sysfs_groups_type(&g, 10));
	iorep_sysfs_groups_release(&g);

	/* a trailing slash, and load() on a directory */
	snprintf(file, sizeof(file), "%s/iommu_groups/", root);
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_load(&g, file), 15);
	check_groups_truth(&g);
	iorep_sysfs_groups_release(&g);

	/* stray entries: counted, the rest still read */
	CU_ASSERT_EQUAL(mkdirs(root, "iommu_groups/not-a-group"), 0);
	CU_ASSERT_EQUAL(mkdirs(root, "iommu_groups/42"), 0);	     /* no devices/ */
	CU_ASSERT_EQUAL(mkdirs(root, "iommu_groups/43/devices"), 0); /* empty */
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_read_dir(&g, top), 15);
	CU_ASSERT_EQUAL(g.bad, 2);
	CU_ASSERT_EQUAL(g.first_bad_line, 0);
	CU_ASSERT_EQUAL(g.nr, 15);
	iorep_sysfs_groups_release(&g);

	/* a directory with nothing but strays */
	CU_ASSERT_EQUAL(mkdirs(root, "junk/foo"), 0);
	snprintf(file, sizeof(file), "%s/junk", root);
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_read_dir(&g, file), -IOREP_EPARSE);
	iorep_sysfs_groups_release(&g);
	/* an empty directory: nothing, no error */
	CU_ASSERT_EQUAL(mkdirs(root, "empty"), 0);
	snprintf(file, sizeof(file), "%s/empty", root);
	iorep_sysfs_groups_init(&g);
	CU_ASSERT_EQUAL(iorep_sysfs_groups_read_dir(&g, file), 0);
	iorep_sysfs_groups_release(&g);

	/* the live one, when there is one (may be empty without an IOMMU) */
	iorep_sysfs_groups_init(&g);
	if (access("/sys/kernel/iommu_groups", R_OK) == 0)
		CU_ASSERT(iorep_sysfs_groups_read_dir(&g, "/sys/kernel/iommu_groups") >= 0);
	iorep_sysfs_groups_release(&g);

	iorep_sysfs_groups_release(&ref);
	CU_ASSERT_EQUAL(nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* ------------------------------------------------------------------------ */
/* lspci */

static void test_lspci_sample(void)
{
	const struct iorep_lspci_dev *d;
	struct iorep_pci_addr a;
	struct iorep_lspci l;
	size_t i;

	iorep_lspci_init(&l);
	CU_ASSERT_EQUAL(iorep_lspci_read_file(&l, BOOT_612 "/lspci.txt"), 15);
	CU_ASSERT_EQUAL(l.lines, 15);
	CU_ASSERT_EQUAL(l.bad, 0);
	CU_ASSERT_EQUAL(l.ignored, 0);
	CU_ASSERT_EQUAL(l.duplicates, 0);
	CU_ASSERT_EQUAL_FATAL(l.nr, NTRUTH);
	for (i = 0; i < NTRUTH; i++) {
		CU_ASSERT_EQUAL_FATAL(iorep_pci_addr_parse(&a, truth[i].bdf, 12), 0);
		d = iorep_lspci_find(&l, &a);
		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_PTR_EQUAL(d, &l.devs[i]); /* the table is in address order */
		CU_ASSERT_FALSE(d->has_domain);
		CU_ASSERT_TRUE(d->has_class);
		CU_ASSERT_EQUAL(d->class_code, truth[i].class24 >> 8);
		CU_ASSERT_STRING_EQUAL(d->class_name, truth[i].class_name);
		CU_ASSERT_STRING_EQUAL(d->desc, truth[i].desc);
		CU_ASSERT_TRUE(d->has_ids);
		CU_ASSERT_EQUAL(d->vendor, truth[i].vendor);
		CU_ASSERT_EQUAL(d->device, truth[i].device);
		CU_ASSERT_EQUAL(d->has_rev, truth[i].rev >= 0);
		if (truth[i].rev >= 0)
			CU_ASSERT_EQUAL(d->rev, truth[i].rev);
		CU_ASSERT_FALSE(d->has_prog_if);
		CU_ASSERT_EQUAL(iorep_pci_class_is_bridge(d->class_code),
				!strcmp(truth[i].bdf, "0000:00:08.0"));
		CU_ASSERT_EQUAL(iorep_pci_class_is_host_bridge(d->class_code),
				!strcmp(truth[i].bdf, "0000:00:00.0"));
		CU_ASSERT_EQUAL(iorep_pci_class_is_isa_bridge(d->class_code),
				!strcmp(truth[i].bdf, "0000:00:1f.0"));
	}
	CU_ASSERT_EQUAL(PARSE_LIT(&a, "0000:00:1f.4"), 0);
	CU_ASSERT_PTR_NULL(iorep_lspci_find(&l, &a));
	iorep_lspci_release(&l);
}

static void test_lspci_forms(void)
{
	static const char sata[] = "0000:00:1f.2 SATA controller [0106]: Intel Corporation "
				   "82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI "
				   "mode] [8086:2922] (rev 02)";
	static const char vmd[] = "10000:e0:1d.0 PCI bridge [0604]: Intel Corporation Device "
				  "[8086:a0b0] (rev 20) (prog-if 00 [Normal decode])\r";
	static const char ahci[] = "00:1f.2 SATA controller [0106]: Intel Corporation Device "
				   "[8086:2922] (prog-if 01 [AHCI 1.0])";
	static const char num[] = "00:1f.2 0106: 8086:2922 (rev 02)";
	static const char num2[] = "01:00.0 0604: 1b36:000e";
	static const char plain[] = "00:1f.2 SATA controller: Intel Corporation 82801IR/IO/IH "
				    "(ICH9R/DO/DH) 6 port SATA Controller [AHCI mode] (rev 02)";
	static const char nocode[] = "00:07.0 Unclassified device: Foo [1111:2222] Bar "
				     "[1234:11e8] (rev 10)";
	static const char colon[] = "03:00.0 Ethernet controller [0200]: ACME: Turbo NIC "
				    "[abcd:ef01] (rev 0a) (something new)";
	static const char subsys[] = "\tSubsystem: Red Hat, Inc. Device [1af4:1100]";
	static const char driver[] = "\tKernel driver in use: ahci";
	struct iorep_lspci_dev d;

	/* -nn -D */
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, sata, sizeof(sata) - 1), 1);
	CU_ASSERT_TRUE(d.has_domain);
	CU_ASSERT(d.addr.bus == 0 && d.addr.dev == 0x1f && d.addr.fn == 2);
	CU_ASSERT_STRING_EQUAL(d.class_name, "SATA controller");
	CU_ASSERT(d.has_class && d.class_code == 0x0106);
	CU_ASSERT_STRING_EQUAL(d.desc, "Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA "
				       "Controller [AHCI mode]");
	CU_ASSERT(d.has_ids && d.vendor == 0x8086 && d.device == 0x2922);
	CU_ASSERT(d.has_rev && d.rev == 2);
	iorep_lspci_dev_release(&d);

	/* a VMD domain, -v first line with prog-if, CRLF */
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, vmd, sizeof(vmd) - 1), 1);
	CU_ASSERT(d.has_domain && d.addr.domain == 0x10000 && d.addr.bus == 0xe0);
	CU_ASSERT(d.has_class && iorep_pci_class_is_bridge(d.class_code));
	CU_ASSERT_STRING_EQUAL(d.desc, "Intel Corporation Device");
	CU_ASSERT(d.has_rev && d.rev == 0x20);
	CU_ASSERT(d.has_prog_if && d.prog_if == 0);
	iorep_lspci_dev_release(&d);

	/* prog-if without rev, and a name with brackets in it */
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, ahci, sizeof(ahci) - 1), 1);
	CU_ASSERT(!d.has_rev && d.has_prog_if && d.prog_if == 1);
	iorep_lspci_dev_release(&d);

	/* -n: numbers only */
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, num, sizeof(num) - 1), 1);
	CU_ASSERT_STRING_EQUAL(d.class_name, "");
	CU_ASSERT(d.has_class && d.class_code == 0x0106);
	CU_ASSERT_STRING_EQUAL(d.desc, "");
	CU_ASSERT(d.has_ids && d.vendor == 0x8086 && d.device == 0x2922);
	CU_ASSERT(d.has_rev && d.rev == 2);
	iorep_lspci_dev_release(&d);

	/* -n without a revision */
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, num2, sizeof(num2) - 1), 1);
	CU_ASSERT(d.has_ids && d.vendor == 0x1b36 && d.device == 0x000e && !d.has_rev);
	iorep_lspci_dev_release(&d);

	/* plain lspci: no numbers at all */
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, plain, sizeof(plain) - 1), 1);
	CU_ASSERT_STRING_EQUAL(d.class_name, "SATA controller");
	CU_ASSERT_FALSE(d.has_class);
	CU_ASSERT_FALSE(d.has_ids);
	CU_ASSERT_STRING_EQUAL(d.desc, "Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA "
				       "Controller [AHCI mode]");
	CU_ASSERT(d.has_rev && d.rev == 2);
	iorep_lspci_dev_release(&d);

	/* -nn where the class has no code; the LAST [vvvv:dddd] counts */
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, nocode, sizeof(nocode) - 1), 1);
	CU_ASSERT_STRING_EQUAL(d.class_name, "Unclassified device");
	CU_ASSERT_FALSE(d.has_class);
	CU_ASSERT(d.has_ids && d.vendor == 0x1234 && d.device == 0x11e8);
	CU_ASSERT_STRING_EQUAL(d.desc, "Foo [1111:2222] Bar");
	CU_ASSERT(d.has_rev && d.rev == 0x10);
	iorep_lspci_dev_release(&d);

	/* ": " inside the device name; unknown text after the numbers is skipped */
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, colon, sizeof(colon) - 1), 1);
	CU_ASSERT_STRING_EQUAL(d.class_name, "Ethernet controller");
	CU_ASSERT_STRING_EQUAL(d.desc, "ACME: Turbo NIC");
	CU_ASSERT(d.vendor == 0xabcd && d.device == 0xef01 && d.has_rev && d.rev == 0x0a);
	iorep_lspci_dev_release(&d);

	/* continuation and blank lines are not devices, and not errors */
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, subsys, strlen(subsys)), 0);
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, driver, strlen(driver)), 0);
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, "", 0), 0);
	CU_ASSERT_EQUAL(iorep_lspci_parse_line(&d, "\r", 1), 0);
	CU_ASSERT_PTR_NULL(d.class_name);
}

static void test_lspci_verbose(void)
{
	static const char text[] =
		"00:1f.2 SATA controller [0106]: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 "
		"port SATA Controller [AHCI mode] [8086:2922] (rev 02) (prog-if 01 [AHCI 1.0])\n"
		"\tSubsystem: Red Hat, Inc. QEMU Virtual Machine [1af4:1100]\n"
		"\tFlags: bus master, fast devsel, latency 0, IRQ 30\n"
		"\tRegion 4: I/O ports at c040 [size=32]\n"
		"\tKernel driver in use: ahci\n"
		"\n"
		"00:1f.0 ISA bridge [0601]: Intel Corporation 82801IB (ICH9) LPC Interface "
		"Controller [8086:2918] (rev 02)\n"
		"\tSubsystem: Red Hat, Inc. QEMU Virtual Machine [1af4:1100]\n"
		"\n";
	struct iorep_lspci l;

	iorep_lspci_init(&l);
	CU_ASSERT_EQUAL(iorep_lspci_parse(&l, text, sizeof(text) - 1), 2);
	CU_ASSERT_EQUAL(l.lines, 9);
	CU_ASSERT_EQUAL(l.ignored, 7);
	CU_ASSERT_EQUAL(l.bad, 0);
	CU_ASSERT_EQUAL_FATAL(l.nr, 2);
	/* sorted by address; line numbers kept */
	CU_ASSERT(l.devs[0].addr.fn == 0 && l.devs[0].class_code == 0x0601 && l.devs[0].line == 7);
	CU_ASSERT(l.devs[1].addr.fn == 2 && l.devs[1].vendor == 0x8086 &&
		  l.devs[1].device == 0x2922 && l.devs[1].line == 1);
	CU_ASSERT(l.devs[1].has_prog_if && l.devs[1].prog_if == 1);
	iorep_lspci_release(&l);
}

static void test_lspci_hostile(void)
{
	struct iorep_lspci_dev d;
	struct iorep_lspci l;
	size_t cap = 16 * 1024, len = 0, i;
	char *buf = malloc(cap);
	int n;

	/* missing fields */
	static const char *const bad[] = {
		"00:1f.2",
		"00:1f.2 ",
		"00:1f.2 SATA controller [0106]",
		"00:1f.2 SATA controller [0106]:",
		"00:1f.2 SATA controller [0106]: ",
		"00:1f.2 : Intel [8086:2922]",
		"00:1f.2 SATA controller [0106]: (rev 02)",
		"00:1f.2: SATA controller [0106]: Intel [8086:2922]",
		"0000:00:1f.20 SATA controller [0106]: Intel [8086:2922]",
		"00:20.0 SATA controller [0106]: Intel [8086:2922]",
		"SATA controller [0106]: Intel [8086:2922]",
		"00: 86 80 22 29 07 04 10 00 02 01 06 01 00 00 00 00",
		"00:1f.2 SATA controller [0106]\x01: Intel [8086:2922]",
	};

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = iorep_lspci_parse_line(&d, bad[i], strlen(bad[i]));
		CU_ASSERT_EQUAL(n, -IOREP_EPARSE);
		if (n != -IOREP_EPARSE) {
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
			iorep_lspci_dev_release(&d);
		}
	}

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	/* 1: a 4 KiB device name */
	len += (size_t)snprintf(buf + len, cap - len, "00:02.0 SCSI storage controller [0100]: ");
	memset(buf + len, 'n', 4096);
	len += 4096;
	len += (size_t)snprintf(buf + len, cap - len, " [1af4:1042] (rev 01)\n");
	/* 2: a 4 KiB class name */
	len += (size_t)snprintf(buf + len, cap - len, "00:03.0 ");
	memset(buf + len, 'c', 4096);
	len += 4096;
	len += (size_t)snprintf(buf + len, cap - len, " [0108]: Red Hat, Inc. NVMe [1b36:0010]\n");
	/* 3: a NUL in the middle of a good line */
	static const char nul[] =
		"00:04.0 Ethernet controller [0200]: Intel\0 82574L [8086:10d3]\n";
	memcpy(buf + len, nul, sizeof(nul) - 1);
	len += sizeof(nul) - 1;
	/* 4: a good one, 5: a duplicate address, 6: good, no final newline */
	len += (size_t)snprintf(
		buf + len, cap - len,
		"00:05.0 Ethernet controller [0200]: Intel Corporation 82540EM "
		"Gigabit Ethernet Controller [8086:100e] (rev 03)\n"
		"00:05.0 Ethernet controller [0200]: again [8086:100e]\n"
		"00:1f.3 SMBus [0c05]: Intel Corporation 82801I (ICH9 Family) SMBus "
		"Controller [8086:2930] (rev 02)");

	iorep_lspci_init(&l);
	n = iorep_lspci_parse(&l, buf, len);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(l.lines, 6);
	CU_ASSERT_EQUAL(l.bad, 3);
	CU_ASSERT_EQUAL(l.first_bad_line, 1);
	CU_ASSERT_EQUAL(l.duplicates, 1);
	CU_ASSERT_EQUAL_FATAL(l.nr, 3);
	CU_ASSERT_EQUAL(l.devs[0].line, 4);
	CU_ASSERT_EQUAL(l.devs[1].line, 5);
	CU_ASSERT_STRING_EQUAL(l.devs[1].desc, "again");
	CU_ASSERT_EQUAL(l.devs[2].class_code, 0x0c05);
	CU_ASSERT(l.devs[2].has_rev && l.devs[2].rev == 2);
	CU_ASSERT_PTR_EQUAL(iorep_lspci_find(&l, &l.devs[1].addr), &l.devs[0]);
	iorep_lspci_release(&l);

	/* every prefix parses without harm */
	for (i = 0; i <= len; i += 5) {
		iorep_lspci_init(&l);
		n = iorep_lspci_parse(&l, buf, i);
		CU_ASSERT(n >= 0 || n == -IOREP_EPARSE);
		iorep_lspci_release(&l);
	}

	/* nothing but garbage */
	iorep_lspci_init(&l);
	CU_ASSERT_EQUAL(iorep_lspci_parse(&l, "no\nlspci\nhere", 13), -IOREP_EPARSE);
	CU_ASSERT_EQUAL(l.bad, 3);
	CU_ASSERT_EQUAL(iorep_lspci_parse(&l, "\n\t\n", 3), 0);
	CU_ASSERT_EQUAL(iorep_lspci_read_file(&l, "/nonexistent/lspci.txt"), -IOREP_EOPEN);
	iorep_lspci_release(&l);
	free(buf);
}

/* Random mutations of real lines: no crash, no leak, sane results (ASan does the rest). */
static void test_mutations(void)
{
	static const char *const seeds[] = {
		"/sys/kernel/iommu_groups/9/devices/0000:00:1f.2\n"
		"/sys/kernel/iommu_groups/7/devices/0000:01:02.0\n",
		"00:1f.2 SATA controller [0106]: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 "
		"port "
		"SATA Controller [AHCI mode] [8086:2922] (rev 02) (prog-if 01 [AHCI 1.0])\n"
		"00:07.0 Unclassified device [00ff]: Device [1234:11e8] (rev 10)\n",
	};
	static const char alphabet[] = "0123456789abcdef:./[]() \t\r\n\0-x";
	uint64_t state = 0x9e3779b97f4a7c15ull;
	char buf[512];
	size_t s, len, k;
	int iter, n;

	for (iter = 0; iter < 20000; iter++) {
		struct iorep_sysfs_groups g;
		struct iorep_lspci l;

		s = (size_t)iter % 2;
		len = strlen(seeds[s]);
		memcpy(buf, seeds[s], len);
		for (k = 0; k < 4; k++) {
			state = state * 6364136223846793005ull + 1442695040888963407ull;
			buf[(state >> 33) % len] = alphabet[(state >> 17) % (sizeof(alphabet) - 1)];
		}
		state = state * 6364136223846793005ull + 1442695040888963407ull;
		len -= (state >> 40) % 8; /* sometimes cut the end */

		iorep_sysfs_groups_init(&g);
		n = iorep_sysfs_groups_parse(&g, buf, len);
		CU_ASSERT_FATAL(n == -IOREP_EPARSE || (n >= 0 && (size_t)n == g.nr));
		for (k = 0; k < g.nr; k++)
			CU_ASSERT_FATAL(strlen(g.devs[k].name) > 0 && !strchr(g.devs[k].name, '/'));
		iorep_sysfs_groups_release(&g);

		iorep_lspci_init(&l);
		n = iorep_lspci_parse(&l, buf, len);
		CU_ASSERT_FATAL(n == -IOREP_EPARSE || (n >= 0 && (size_t)n == l.nr));
		for (k = 0; k < l.nr; k++)
			CU_ASSERT_FATAL(l.devs[k].addr.dev <= 0x1f && l.devs[k].addr.fn <= 7);
		iorep_lspci_release(&l);
	}
}

/* ------------------------------------------------------------------------ */
/* pci.ids */

static void test_pciids_synthetic(void)
{
	static const char text[] =
		"#\n#\tList of PCI ID's\n#\n\n"
		"# Syntax:\n# vendor  vendor_name\n#\tdevice  device_name\n"
		"#\t\tsubvendor subdevice  subsystem_name\n\n"
		"1af4  Red Hat, Inc.\n"
		"\t1042  Virtio 1.0 block device\n"
		"\t\t1af4 1100  QEMU Virtual Machine\n"
		"\t1001  Virtio block device\n"
		"# a comment between devices\n"
		"\t1000  Virtio network device\n"
		"8086  Intel Corporation\n"
		"\t2922  82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]\r\n"
		"1234  Technical Corp.\n"
		"bogus line\n"
		"\tzzzz  not a device\n"
		"\n"
		"# List of known device classes, subclasses and programming interfaces\n"
		"C 01  Mass storage controller\n"
		"\t06  SATA controller\n"
		"\t\t01  AHCI 1.0\n"
		"C 06  Bridge\n"
		"\t04  PCI bridge\n"
		"\t\t01  Subtractive decode\n"
		"\tff  Odd sub-class\n"
		"C ff  Unassigned class\n";
	char path[] = "/tmp/iorep-pciids-XXXXXX";
	struct iorep_pciids *ids;
	int fd;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);

	ids = iorep_pciids_new(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
	/* lazily loaded on the first lookup */
	CU_ASSERT_STRING_EQUAL(iorep_pciids_vendor(ids, 0x1af4), "Red Hat, Inc.");
	CU_ASSERT_EQUAL(iorep_pciids_load(ids), 0);
	CU_ASSERT_STRING_EQUAL(iorep_pciids_device(ids, 0x1af4, 0x1042), "Virtio 1.0 block device");
	CU_ASSERT_STRING_EQUAL(iorep_pciids_device(ids, 0x1af4, 0x1000), "Virtio network device");
	CU_ASSERT_STRING_EQUAL(iorep_pciids_device(ids, 0x8086, 0x2922),
			       "82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]");
	CU_ASSERT_STRING_EQUAL(iorep_pciids_vendor(ids, 0x1234), "Technical Corp.");
	CU_ASSERT_PTR_NULL(iorep_pciids_device(ids, 0x1234, 0x11e8));
	CU_ASSERT_PTR_NULL(iorep_pciids_device(ids, 0x1af4, 0x1100)); /* a subsystem */
	CU_ASSERT_PTR_NULL(iorep_pciids_vendor(ids, 0x10de));
	CU_ASSERT_STRING_EQUAL(iorep_pciids_class(ids, 0x0106), "SATA controller");
	CU_ASSERT_STRING_EQUAL(iorep_pciids_class(ids, 0x0604), "PCI bridge");
	CU_ASSERT_STRING_EQUAL(iorep_pciids_class(ids, 0x06ff), "Odd sub-class");
	CU_ASSERT_STRING_EQUAL(iorep_pciids_class(ids, 0x0680), "Bridge"); /* base only */
	CU_ASSERT_STRING_EQUAL(iorep_pciids_class(ids, 0xff00), "Unassigned class");
	CU_ASSERT_PTR_NULL(iorep_pciids_class(ids, 0x1300));
	iorep_pciids_free(ids);
	unlink(path);

	ids = iorep_pciids_new("/nonexistent/pci.ids");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
	CU_ASSERT_PTR_NULL(iorep_pciids_vendor(ids, 0x8086));
	CU_ASSERT_EQUAL(iorep_pciids_load(ids), -IOREP_EOPEN);
	CU_ASSERT_PTR_NULL(iorep_pciids_class(ids, 0x0106));
	iorep_pciids_free(ids);
	iorep_pciids_free(NULL);
}

/* The system's pci.ids names the sample's devices as the guest's lspci did. */
static void test_pciids_system(void)
{
	struct iorep_pciids *ids = iorep_pciids_new(NULL);
	struct iorep_lspci l;
	const char *v, *d, *c;
	char want[600];
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
	if (iorep_pciids_load(ids) < 0) {
		fprintf(stderr, "\n  (no pci.ids on this system: skipped) ");
		iorep_pciids_free(ids);
		return;
	}
	CU_ASSERT_STRING_EQUAL(iorep_pciids_vendor(ids, 0x8086), "Intel Corporation");
	CU_ASSERT_STRING_EQUAL(iorep_pciids_class(ids, 0x0604), "PCI bridge");
	iorep_lspci_init(&l);
	CU_ASSERT_EQUAL_FATAL(iorep_lspci_read_file(&l, BOOT_612 "/lspci.txt"), 15);
	for (i = 0; i < l.nr; i++) {
		c = iorep_pciids_class(ids, l.devs[i].class_code);
		CU_ASSERT_PTR_NOT_NULL(c);
		if (c)
			CU_ASSERT_STRING_EQUAL(c, l.devs[i].class_name);
		/* lspci prints "vendor device", "vendor Device", or "Device" */
		v = iorep_pciids_vendor(ids, l.devs[i].vendor);
		d = iorep_pciids_device(ids, l.devs[i].vendor, l.devs[i].device);
		snprintf(want, sizeof(want), "%s%s%s", v ? v : "", v ? " " : "", d ? d : "Device");
		/* pci.ids versions differ: only insist where this one knows the device */
		if (d)
			CU_ASSERT_STRING_EQUAL(want, l.devs[i].desc);
	}
	iorep_lspci_release(&l);
	iorep_pciids_free(ids);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"pci address parse", test_addr_parse},
		{"pci address reject", test_addr_reject},
		{"pci address format", test_addr_format},
		{"pci address cmp, device names", test_addr_cmp_and_names},
		{"pci class", test_class},
		{"groups: 6.12 boot sample", test_groups_sample},
		{"groups+lspci: every sample", test_all_samples},
		{"groups: line shapes", test_groups_shapes},
		{"groups: bad lines", test_groups_bad_lines},
		{"groups: hostile input", test_groups_hostile},
		{"groups: directory tree", test_groups_dir},
		{"groups: default domain types", test_groups_types},
		{"lspci: 6.12 boot sample", test_lspci_sample},
		{"lspci: line forms", test_lspci_forms},
		{"lspci: -v output", test_lspci_verbose},
		{"lspci: hostile input", test_lspci_hostile},
		{"groups+lspci: mutations", test_mutations},
		{"pci.ids: synthetic", test_pciids_synthetic},
		{"pci.ids: system", test_pciids_system},
		{ NULL, NULL },
	};

	return iorep_test_main("topology inputs", tests);
}
