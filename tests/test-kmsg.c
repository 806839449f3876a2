// SPDX-License-Identifier: MIT
/*
 * --dmesg: IOMMU faults read from the kernel log and merged into the trace.
 * The captures in tests/data/defects-dma-* are tools/capture/capture.py's
 * defects-dma scenario (the edu device's own DMA after unmaps) on 6.12 with
 * VT-d, virtio-iommu and an SMMUv3: their drivers log faults and trace none,
 * and the kernel rate-limits the lines.  Formats no capture here has (AMD-Vi,
 * 4.x-5.x VT-d, /dev/kmsg, journalctl) are lines as the kernel prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "iorep-kmsg.h"
#include "iorep-pci.h"
#include "test-run.h"
#include "test-util.h"

#define DATA IOREP_SOURCE_DIR "/tests/data/"

static struct iorep_kmsg parse(struct iorep_strtab *st, const char *text)
{
	struct iorep_kmsg k = { 0 };

	CU_ASSERT_EQUAL(iorep_kmsg_parse(&k, text, strlen(text), st), 0);
	return k;
}

static void test_dmar(void)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_kmsg k = parse(
		st,
		"[    4.340337] DMAR: DRHD: handling fault status reg 2\n"
		"[    4.341967] DMAR: [DMA Read NO_PASID] Request device [00:08.0] fault addr "
		"0xfff7000 [fault reason 0x06] PTE Read access is not set\n"
		"[   12.5] DMAR: [DMA Write] Request device [02:00.1] fault addr 7ff0000 "
		"[fault reason 05] PTE Write access is not set\n"
		"[   13.000001] DMAR: [DMA Write PASID 0x2] Request device [0001:03:00.0] fault "
		"addr 0x1000 [fault reason 0x05] PTE Write access is not set\n"
		"[   14.000000] DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x0 "
		"[fault reason 0x25] Blocked a compatibility format interrupt request\n");

	CU_ASSERT_EQUAL_FATAL(k.n, 3);
	CU_ASSERT_EQUAL(k.v[0].ts, 4341967000ull);
	CU_ASSERT_EQUAL(k.v[0].iova, 0xfff7000);
	CU_ASSERT_STRING_EQUAL(k.v[0].device, "0000:00:08.0");
	CU_ASSERT_EQUAL(k.v[0].flags, 0);
	CU_ASSERT_EQUAL(k.v[0].line, 2);
	CU_ASSERT_STRING_EQUAL(k.v[0].what,
			       "DMAR fault reason 0x06: PTE Read access is not set");
	CU_ASSERT_EQUAL(k.v[1].ts, 12500000000ull);
	CU_ASSERT_EQUAL(k.v[1].iova, 0x7ff0000);
	CU_ASSERT_STRING_EQUAL(k.v[1].device, "0000:02:00.1");
	CU_ASSERT_EQUAL(k.v[1].flags, 2);
	CU_ASSERT_STRING_EQUAL(k.v[2].device, "0001:03:00.0");
	CU_ASSERT_EQUAL(k.v[2].iova, 0x1000);
	iorep_kmsg_release(&k);
	iorep_strtab_free(st);
}

static void test_amd_virtio_smmu(void)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_kmsg k = parse(
		st,
		"[   20.000100] vfio-pci 0000:00:08.0: AMD-Vi: Event logged [IO_PAGE_FAULT "
		"domain=0x000e address=0xfe00f000 flags=0x0020]\n"
		"[   21.000000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 "
		"domain=0x0000 address=0x2000 flags=0x0000]\n"
		"[   22.000000] virtio_iommu virtio0: page fault from EP 64 at 0x300000 [RW]\n"
		"[   22.500000] virtio_iommu virtio0: domain fault from EP 8\n"
		"[   23.000000] arm-smmu-v3 9050000.smmuv3: event 0x13 received:\n"
		"[   23.000001] arm-smmu-v3 9050000.smmuv3: \t0x0000001000000013\n"
		"[   23.000002] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000\n"
		"[   23.000003] arm-smmu-v3 9050000.smmuv3: \t0x0000000007000000\n"
		"[   23.000004] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000\n"
		"[   24.000000] arm-smmu-v3 9050000.smmuv3: event 0x31 received:\n"
		"[   24.000001] arm-smmu-v3 9050000.smmuv3: \t0x0000001000000031\n"
		"[   24.000002] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000\n"
		"[   24.000003] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000\n"
		"[   24.000004] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000\n"
		/* 6.15 on: the record, then its client by name */
		"[   25.000000] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:\n"
		"[   25.000001] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000002100000010\n"
		"[   25.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000800000000\n"
		"[   25.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000010000\n"
		"[   25.000004] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000\n"
		"[   25.000005] arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: "
		"ff200000.gpu sid: 0x21 ssid: 0x0 iova: 0x10000 ipa: 0x0\n"
		"[   25.000006] arm-smmu-v3 arm-smmu-v3.0.auto: unpriv data read s1 \"Input "
		"address caused fault\" stag: 0x0\n"
		"[   26.000000] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:\n"
		"[   26.000001] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000002200000010\n"
		"[   26.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000800000000\n"
		"[   26.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000020000\n"
		"[   26.000004] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000\n"
		"[   26.000005] arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: "
		"(unassigned sid) sid: 0x22 ssid: 0x0 iova: 0x20000 ipa: 0x0\n");

	CU_ASSERT_EQUAL_FATAL(k.n, 6);
	CU_ASSERT_STRING_EQUAL(k.v[4].device, "ff200000.gpu");
	CU_ASSERT_EQUAL(k.v[4].iova, 0x10000);
	CU_ASSERT_EQUAL(k.v[4].flags, 0);
	CU_ASSERT_STRING_EQUAL(k.v[5].device, "0000:00:04.2"); /* the stream id's guess */
	CU_ASSERT_STRING_EQUAL(k.v[0].device, "0000:00:08.0");
	CU_ASSERT_STRING_EQUAL(k.v[0].driver, "vfio-pci");
	CU_ASSERT_EQUAL(k.v[0].iova, 0xfe00f000);
	CU_ASSERT_EQUAL(k.v[0].flags, 2);
	CU_ASSERT_EQUAL(k.v[0].source, IOREP_KMSG_AMD);
	CU_ASSERT_STRING_EQUAL(k.v[1].device, "0000:01:00.0");
	CU_ASSERT_EQUAL(k.v[1].flags, 0);
	CU_ASSERT_STRING_EQUAL(k.v[2].device, "0000:00:08.0");
	CU_ASSERT_EQUAL(k.v[2].iova, 0x300000);
	CU_ASSERT_EQUAL(k.v[2].flags, 2);
	CU_ASSERT_STRING_EQUAL(k.v[2].what,
			       "virtio-iommu page fault from endpoint 64, flags [RW]");
	/* F_PERMISSION of a write (RnW 0) by stream 0x10, 00:02.0 */
	CU_ASSERT_STRING_EQUAL(k.v[3].device, "0000:00:02.0");
	CU_ASSERT_EQUAL(k.v[3].iova, 0x7000000);
	CU_ASSERT_EQUAL(k.v[3].flags, 2);
	CU_ASSERT_EQUAL(k.v[3].ts, 23000000000ull);
	CU_ASSERT_EQUAL(k.v[3].line, 5);
	iorep_kmsg_release(&k);
	iorep_strtab_free(st);
}

/* Prefixes: a level, /dev/kmsg's record, journalctl's host, a caller id; none. */
static void test_prefixes(void)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_kmsg k = parse(
		st,
		"<3>[    5.000000] DMAR: [DMA Read NO_PASID] Request device [00:01.0] fault addr "
		"0x1000 [fault reason 0x06] PTE Read access is not set\n"
		"3,812,6000000,-;DMAR: [DMA Read NO_PASID] Request device [00:01.0] fault addr "
		"0x9000 [fault reason 0x06] PTE Read access is not set\n"
		"[    7.000000] host kernel: DMAR: [DMA Read NO_PASID] Request device [00:01.0] "
		"fault addr 0x11000 [fault reason 0x06] PTE Read access is not set\n"
		"[    8.000000] [  T215] DMAR: [DMA Read NO_PASID] Request device [00:01.0] fault "
		"addr 0x21000 [fault reason 0x06] PTE Read access is not set\n"
		"Nov 24 04:34:01 host kernel: DMAR: [DMA Read NO_PASID] Request device [00:01.0] "
		"fault addr 0x31000 [fault reason 0x06] PTE Read access is not set\n");

	CU_ASSERT_EQUAL_FATAL(k.n, 4);
	CU_ASSERT_EQUAL(k.v[0].ts, 5000000000ull);
	CU_ASSERT_EQUAL(k.v[1].ts, 6000000000ull);
	CU_ASSERT_EQUAL(k.v[1].iova, 0x9000);
	CU_ASSERT_EQUAL(k.v[2].ts, 7000000000ull);
	CU_ASSERT_EQUAL(k.v[3].iova, 0x21000);
	CU_ASSERT_EQUAL(k.untimed, 1);
	CU_ASSERT_EQUAL(k.first_untimed, 5);
	iorep_kmsg_release(&k);
	iorep_strtab_free(st);
}

/* One burst is one fault; another page, another direction or a pause is another. */
static void test_bursts_and_order(void)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_kmsg k = parse(
		st,
		"[ 9.000000] virtio_iommu virtio0: page fault from EP 64 at 0x5000 []\n"
		"[ 9.000100] virtio_iommu virtio0: page fault from EP 64 at 0x5004 []\n"
		"[ 9.009000] virtio_iommu virtio0: page fault from EP 64 at 0x5008 []\n"
		"[ 9.009100] virtio_iommu virtio0: page fault from EP 64 at 0x6000 []\n"
		"[ 9.009200] virtio_iommu virtio0: page fault from EP 64 at 0x6004 [W]\n"
		"[ 9.100000] virtio_iommu virtio0: page fault from EP 64 at 0x6008 [W]\n"
		"[ 1.000000] virtio_iommu virtio0: page fault from EP 8 at 0x1000 []\n");

	CU_ASSERT_EQUAL_FATAL(k.n, 5);
	CU_ASSERT_EQUAL(k.v[0].ts, 1000000000ull); /* sorted by time */
	CU_ASSERT_EQUAL(k.v[1].iova, 0x5000);
	CU_ASSERT_EQUAL(k.v[1].reports, 3);
	CU_ASSERT_EQUAL(k.v[1].last_ts, 9009000000ull);
	CU_ASSERT_EQUAL(k.v[2].iova, 0x6000);
	CU_ASSERT_EQUAL(k.v[3].iova, 0x6004);
	CU_ASSERT_EQUAL(k.v[4].iova, 0x6008);
	iorep_kmsg_release(&k);
	iorep_strtab_free(st);
}

/*
 * A log is read a chunk (64 KiB) at a time: what it gives is what the whole
 * buffer gives, faults straddling chunks and line numbers too, a line longer
 * than a chunk counted and passed over, empty lines and a last line without
 * a newline counted.
 */
static void test_streamed(void)
{
	char dir[] = "/tmp/iorep-kmsg-XXXXXX", path[64];
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_kmsg whole = { 0 }, streamed = { 0 };
	size_t cap = 1u << 20, len = 0, i;
	char *text = malloc(cap);
	uint64_t line, nr = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	for (i = 0; i < 3000; i++, nr++) {
		if (i % 97 == 0)
			len += (size_t)snprintf(text + len, cap - len,
						"[    5.%06zu] DMAR: [DMA Read NO_PASID] Request device "
						"[00:08.0] fault addr 0x%zx000 [fault reason 0x06] "
						"PTE Read access is not set\n", i, i + 1);
		else
			len += (size_t)snprintf(text + len, cap - len,
						"[    5.%06zu] e1000 0000:00:02.0: some other line\n", i);
	}
	memset(text + len, 'x', 96 * 1024);	/* line nr + 1: longer than a chunk */
	len += 96 * 1024;
	len += (size_t)snprintf(text + len, cap - len,
				"\n[    6.000000] DMAR: [DMA Write NO_PASID] Request device [00:08.0] "
				"fault addr 0x900000 [fault reason 0x05] PTE Write access is not set"
				"\n\n\n[    6.100000] DMAR: [DMA Read NO_PASID] Request device [00:08.0] "
				"fault addr 0xa00000 [fault reason 0x06] PTE Read access is not set");
	CU_ASSERT_EQUAL(iorep_kmsg_parse(&whole, text, len, st), 0);
	iorep_test_put_file(dir, "log", text);
	snprintf(path, sizeof(path), "%s/log", dir);
	CU_ASSERT_EQUAL(iorep_kmsg_read_file(&streamed, path, st, &line), 0);
	CU_ASSERT_EQUAL(whole.lines, nr + 5);
	CU_ASSERT_EQUAL(streamed.lines, nr + 5);
	CU_ASSERT_EQUAL(streamed.timed, whole.timed);
	CU_ASSERT_EQUAL_FATAL(whole.n, 31 + 2);
	CU_ASSERT_EQUAL_FATAL(streamed.n, whole.n);
	for (i = 0; i < whole.n; i++) {
		CU_ASSERT_EQUAL(streamed.v[i].line, whole.v[i].line);
		CU_ASSERT_EQUAL(streamed.v[i].ts, whole.v[i].ts);
		CU_ASSERT_EQUAL(streamed.v[i].iova, whole.v[i].iova);
	}
	CU_ASSERT_EQUAL(streamed.v[30].line, 2911);
	CU_ASSERT_EQUAL(streamed.v[31].line, nr + 2);
	CU_ASSERT_EQUAL(streamed.v[31].flags, 2);
	CU_ASSERT_EQUAL(streamed.v[32].line, nr + 5);
	CU_ASSERT_EQUAL(streamed.v[32].iova, 0xa00000);
	iorep_kmsg_release(&whole);
	iorep_kmsg_release(&streamed);
	iorep_strtab_free(st);
	free(text);
	iorep_test_remove_dir(dir);
}

static uint32_t faults_with(const char *dir, const char *trace, const char *logname,
			    struct run *r, const struct iorep_finding **out, uint32_t max,
			    struct iorep_input_stats *stats, int64_t *ts_offset);

/* The io_page_fault findings of @dir/@trace with @dir/dmesg.txt, in @out[]. */
static uint32_t faults_in(const char *dir, const char *trace, struct run *r,
			  const struct iorep_finding **out, uint32_t max,
			  struct iorep_input_stats *stats)
{
	return faults_with(dir, trace, "dmesg.txt", r, out, max, stats, NULL);
}

/*
 * The io_page_fault findings of @dir/@trace with the log @dir/@logname, in
 * @out[]; the trace's time offset in *@ts_offset unless it is NULL.
 */
static uint32_t faults_with(const char *dir, const char *trace, const char *logname,
			    struct run *r, const struct iorep_finding **out, uint32_t max,
			    struct iorep_input_stats *stats, int64_t *ts_offset)
{
	struct iorep_input *in = NULL;
	struct iorep_kmsg k = { 0 };
	struct iorep_event ev;
	char path[1024], log[1024], err[512];
	uint64_t line;
	uint32_t i, n = 0;
	int ret;

	r->st = iorep_strtab_new();
	iorep_model_init(&r->m, r->st);
	snprintf(log, sizeof(log), "%s/%s", dir, logname);
	CU_ASSERT_EQUAL_FATAL(iorep_kmsg_read_file(&k, log, r->st, &line), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, trace);
	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, path, r->st, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(iorep_input_add_kmsg(in, &k, logname), 0);
	CU_ASSERT_FALSE(iorep_input_info(in)->ts_offset_unknown);
	if (ts_offset)
		*ts_offset = iorep_input_info(in)->ts_offset;
	while ((ret = iorep_input_next(in, &ev)) > 0)
		CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&r->m, &ev), 0);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(iorep_model_finish(&r->m), 0);
	*stats = *iorep_input_stats(in);
	stats->lost = NULL;
	iorep_input_free(in);
	iorep_kmsg_release(&k);
	for (i = 0; i < r->m.nfindings && n < max; i++)
		if (r->m.findings[i].type == IOREP_FIND_IO_PAGE_FAULT)
			out[n++] = &r->m.findings[i];
	return n;
}

/* The io_page_fault findings of tests/data/@dir's trace.txt with its dmesg.txt. */
static uint32_t faults_of(const char *dir, struct run *r, const struct iorep_finding **out,
			  uint32_t max, struct iorep_input_stats *stats)
{
	char path[1024];

	snprintf(path, sizeof(path), DATA "%s", dir);
	return faults_in(path, "trace.txt", r, out, max, stats);
}

static void run_free(struct run *r)
{
	iorep_model_release(&r->m);
	iorep_strtab_free(r->st);
}

/*
 * VT-d (module-log.txt): the edu read a buffer 0xfff7000 after its
 * dma_unmap_single, the never-mapped 0x300000, and A (0x100000) after its
 * iommu_unmap in the module's domain; the kernel logged those three (its
 * write to read-only R got a status line only); the trace holds the
 * module's synthetic report_iommu_fault at A.
 */
/* What a VT-d defects-dma run's log must add: its three reads' faults, as judged. */
struct vtd_reads {
	uint64_t ts;	       /* the first read's fault, after dma_unmap_single() */
	const char *first;     /* its judgement */
	const char *first_at;  /* and its log line */
	const char *second;    /* the never-mapped 0x300000's log line */
	const char *third;     /* A's (0x100000) judgement */
	const char *third_at;  /* and its log line */
};

static void expect_vtd_reads(const struct iorep_finding **f, uint32_t n,
			     const struct iorep_input_stats *s, const struct vtd_reads *w)
{
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_EQUAL(s->kmsg_faults, 3);
	CU_ASSERT_EQUAL(s->kmsg_traced, 0);
	CU_ASSERT_EQUAL(s->kmsg_outside, 0);
	CU_ASSERT_EQUAL(f[0]->iova, 0xfff7000);
	CU_ASSERT_EQUAL(f[0]->ts, w->ts);
	CU_ASSERT_PTR_NOT_NULL(strstr(f[0]->message, w->first));
	CU_ASSERT_PTR_NOT_NULL(strstr(f[0]->message, w->first_at));
	CU_ASSERT_EQUAL(f[1]->iova, 0x300000);
	CU_ASSERT_PTR_NOT_NULL(strstr(f[1]->message, "never mapped in the dma domain"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f[1]->message, w->second));
	CU_ASSERT_EQUAL(f[2]->iova, 0x100000);
	CU_ASSERT_PTR_NOT_NULL(strstr(f[2]->message, w->third));
	CU_ASSERT_PTR_NOT_NULL(strstr(f[2]->message, w->third_at));
	/* the module's own report_iommu_fault(), traced: no log line */
	CU_ASSERT_EQUAL(f[3]->iova, 0x100000);
	CU_ASSERT_PTR_NULL(strstr(f[3]->message, "kernel log"));
}

static void test_vtd_capture(void)
{
	static const struct vtd_reads want = {
		3685660000ull,
		"unmapped 107034 us before in the dma domain (use after unmap); from the "
		"kernel log, ",
		" dmesg.txt:460: DMAR fault reason 0x06",
		" dmesg.txt:463",
		"unmapped 100009 us before in the user domain (use after unmap); from the "
		"kernel log, ",
		" dmesg.txt:478",
	};
	const struct iorep_finding *f[8];
	struct iorep_input_stats s;
	struct run r;
	uint32_t n = faults_of("defects-dma-vtd", &r, f, 8, &s);

	expect_vtd_reads(f, n, &s, &want);
	run_free(&r);
}

/*
 * virtio-iommu and SMMUv3 logged each 4-byte access of the first read after
 * unmap, 10 lines, then rate-limited the rest (the never-mapped read and A's
 * read are not in the log).
 */
static void test_virtio_smmu_captures(void)
{
	const struct iorep_finding *f[8];
	struct iorep_input_stats s;
	struct run r;
	uint32_t n = faults_of("defects-dma-virtio", &r, f, 8, &s);

	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(s.kmsg_faults, 1);
	CU_ASSERT_EQUAL(f[0]->iova, 0xfff7000);
	CU_ASSERT_PTR_NOT_NULL(strstr(f[0]->message, "(use after unmap); from the kernel log, "
						     "dmesg.txt:447: virtio-iommu page fault "
						     "from endpoint 64, flags [] (10 reports in "
						     "1392 us)"));
	run_free(&r);
	n = faults_of("defects-dma-smmuv3", &r, f, 8, &s);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(s.kmsg_faults, 1);
	CU_ASSERT_EQUAL(f[0]->iova, 0xfff7000);
	CU_ASSERT_PTR_NOT_NULL(strstr(f[0]->message, "unmapped 106883 us before in the dma "
						     "domain (use after unmap); from the kernel "
						     "log, dmesg.txt:341: SMMUv3 event 0x10 "
						     "F_TRANSLATION, stream id 0x40 (10 reports "
						     "in 513 us)"));
	run_free(&r);
}

/*
 * VT-d prints no PCI segment: a DMAR line's 00:08.0 is the trace's one
 * device at bus 0, slot 8, function 0, 0001:00:08.0 here; with two such
 * devices in two segments, it cannot be told, and stays 0000:00:08.0.
 */
static void test_segment(void)
{
	static const char trace[] =
		"kworker-20 [000] ..... 1.000000: add_device_to_group: IOMMU: groupID=3 "
		"device=0001:00:08.0\n"
		"kworker-20 [000] ..... 1.000100: attach_device_to_domain: IOMMU: "
		"device=0001:00:08.0\n"
		"drv-30 [001] ..... 2.000000: map: IOMMU: iova=0x00000000fff00000 - "
		"0x00000000fff01000 paddr=0x0000000001000000 size=4096\n"
		"drv-30 [001] ..... 2.000010: dma_map_page: 0001:00:08.0 dir=TO_DEVICE "
		"dma_addr=fff00000 size=4096 phys_addr=1000000 attrs=\n"
		"drv-30 [001] ..... 3.000000: unmap: IOMMU: iova=0x00000000fff00000 - "
		"0x00000000fff01000 size=4096 unmapped_size=4096\n"
		"drv-30 [001] ..... 3.000010: dma_unmap_page: 0001:00:08.0 dir=TO_DEVICE "
		"dma_addr=fff00000 size=4096 attrs=\n"
		"drv-30 [001] ..... 5.000000: map: IOMMU: iova=0x00000000ffe00000 - "
		"0x00000000ffe01000 paddr=0x0000000002000000 size=4096\n"
		"drv-30 [001] ..... 5.000010: dma_map_page: 0001:00:08.0 dir=TO_DEVICE "
		"dma_addr=ffe00000 size=4096 phys_addr=2000000 attrs=\n";
	static const char second[] =
		"kworker-20 [000] ..... 1.000200: add_device_to_group: IOMMU: groupID=4 "
		"device=0002:00:08.0\n";
	char dir[] = "/tmp/iorep-kmsg-XXXXXX", both[4096];
	const struct iorep_finding *f[4];
	struct iorep_input_stats s;
	struct run r;
	uint32_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	iorep_test_put_file(dir, "dmesg.txt",
	    "[    4.000000] DMAR: [DMA Read NO_PASID] Request device [00:08.0] fault addr "
	    "0xfff00000 [fault reason 0x06] PTE Read access is not set\n");
	iorep_test_put_file(dir, "trace.txt", trace);
	n = faults_in(dir, "trace.txt", &r, f, 4, &s);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(r.m.devices[f[0]->device].name, "0001:00:08.0");
	CU_ASSERT_PTR_NOT_NULL(strstr(f[0]->message, "read fault of 0001:00:08.0 at 0xfff00000 "
						     "(flags 0x0): unmapped 1000000 us before in "
						     "the dma domain (use after unmap)"));
	run_free(&r);
	/* 0002:00:08.0 too: which one cannot be told */
	snprintf(both, sizeof(both), "%s%s", second, trace);
	iorep_test_put_file(dir, "trace.txt", both);
	n = faults_in(dir, "trace.txt", &r, f, 4, &s);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(r.m.devices[f[0]->device].name, "0000:00:08.0");
	run_free(&r);
	iorep_test_remove_dir(dir);
}

/*
 * virtio-iommu removes the mappings that start in an unmap's range, whole:
 * H's unmap ([0x4fff000, +0x2000), after F's and G's were refused) took H
 * and F, 0x4000, and kept G, which lies inside F (module-log.txt: G is never
 * unmapped).  The domain is freed with C, E, R and G: four leaks, and no
 * piece of F.
 */
static void test_virtio_whole(void)
{
	static const uint64_t leaks[] = { 0x400000, 0x2000000, 0x5001000, 0x7000000 };
	const struct iorep_finding *f;
	struct run r;
	uint32_t i, n = 0, mism = 0;

	run_model(&r, DATA "defects-dma-virtio", "trace.txt", 0);
	for (i = 0; i < r.m.nfindings; i++) {
		f = &r.m.findings[i];
		if (f->type == IOREP_FIND_LEAK) {
			CU_ASSERT_FATAL(n < 4);
			CU_ASSERT_EQUAL(f->iova, leaks[n]);
			if (f->iova == 0x5001000)
				CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "mapped at 4.397312"));
			n++;
		}
		if (f->type == IOREP_FIND_UNMAP_SIZE_MISMATCH && f->iova == 0x4fff000) {
			mism++;
			CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "the driver unmapped 16384: the "
							     "mappings that start in it went "
							     "whole, to 0x5002000"));
		}
	}
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(mism, 1);
	run_free(&r);
}

/*
 * The shared defects captures (6.1, 6.12, VT-d): their module had the edu
 * read A after its iommu_unmap(), and GROUND_TRUTH.md quotes the DMAR line
 * VT-d logged for it; the trace's io_page_fault is the module's synthetic
 * report_iommu_fault() after it.  Their trace.txt (microseconds: the
 * trace.dat's nanoseconds make it 100855 and 100517 us).
 */
static void test_defects_samples(void)
{
	static const struct {
		const char *dir;
		uint64_t ts;
		const char *msg;
	} want[] = {
		{ K61 "defects", 16186609000ull,
		  "unmapped 101106 us before in the user domain (use after unmap); from the "
		  "kernel log, dmesg.txt:554: DMAR fault reason 0x06: PTE Read "
		  "access is not set" },
		{ K612 "defects", 15725195000ull,
		  "unmapped 100615 us before in the user domain (use after unmap); from the "
		  "kernel log, dmesg.txt:565: DMAR fault reason 0x06: PTE Read "
		  "access is not set" },
	};
	const struct iorep_finding *f[8];
	struct iorep_input_stats s;
	struct run r;
	uint32_t n;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		n = faults_in(want[i].dir, "trace.txt", &r, f, 8, &s);
		CU_ASSERT_EQUAL_FATAL(n, 2);
		CU_ASSERT_EQUAL(s.kmsg_faults, 1);
		CU_ASSERT_EQUAL(f[0]->iova, 0x100000);
		CU_ASSERT_EQUAL(f[0]->ts, want[i].ts);
		CU_ASSERT_PTR_NOT_NULL(strstr(f[0]->message, want[i].msg));
		CU_ASSERT_EQUAL(f[1]->iova, 0x100000);
		CU_ASSERT_PTR_NULL(strstr(f[1]->message, "kernel log"));
		run_free(&r);
	}
}

/*
 * The module's H, mapped over F's front while F is live: VT-d and
 * virtio-iommu took it (a map onto a live mapping), the SMMUv3 mapped its
 * first page, refused the second (-EEXIST) and iommu_map() unmapped the
 * first again, with no map event: an unmap of a range never mapped that
 * ends at F's start, unmapped whole.
 */
static void test_rollback(void)
{
	const struct iorep_finding *f;
	struct run r;
	uint32_t i, n = 0;

	run_model(&r, DATA "defects-dma-smmuv3", "trace.txt", 0);
	for (i = 0; i < r.m.nfindings; i++) {
		f = &r.m.findings[i];
		if (f->type == IOREP_FIND_OVERLAPPING_MAP && f->iova == 0x4fff000) {
			n++;
			CU_ASSERT_EQUAL(f->size, 0x1000);
			CU_ASSERT_EQUAL(f->severity, IOREP_SEV_ERROR);
			CU_ASSERT_PTR_NOT_NULL(strstr(
				f->message, "unmap of [0x4fff000, 0x5000000), which no map made, "
					    "unmapped whole just before the live mapping [0x5000000, "
					    "0x5002000) of the same user domain (mapped at 3.725072)"));
		}
		/* not a never-mapped unmap */
		CU_ASSERT_FALSE(f->type == IOREP_FIND_UNMATCHED_UNMAP && f->iova == 0x4fff000);
	}
	CU_ASSERT_EQUAL(n, 1);
	run_free(&r);
	/* VT-d took H: the map itself overlaps */
	run_model(&r, DATA "defects-dma-vtd", "trace.txt", 0);
	for (n = i = 0; i < r.m.nfindings; i++)
		n += r.m.findings[i].type == IOREP_FIND_OVERLAPPING_MAP &&
		     r.m.findings[i].iova == 0x4fff000 && r.m.findings[i].size == 0x2000;
	CU_ASSERT_EQUAL(n, 1);
	run_free(&r);
}

/*
 * The io_page_fault findings of the kernel log @path read as the input,
 * its own fault lines merged in (iorep_input_own_kmsg()), in @f[].
 */
static uint32_t own_log_faults(const char *path, struct run *r, const struct iorep_finding **f,
			       uint32_t max, struct iorep_input_stats *stats)
{
	struct iorep_input *in = NULL;
	struct iorep_event ev;
	char err[512];
	uint32_t i, n = 0;
	int ret;

	r->st = iorep_strtab_new();
	iorep_model_init(&r->m, r->st);
	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, path, r->st, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(iorep_input_own_kmsg(in), 0);
	while ((ret = iorep_input_next(in, &ev)) > 0)
		CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&r->m, &ev), 0);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(iorep_model_finish(&r->m), 0);
	CU_ASSERT_STRING_EQUAL(iorep_input_info(in)->variant, "dmesg");
	CU_ASSERT_STRING_EQUAL(iorep_input_info(in)->kernel_log, path);
	*stats = *iorep_input_stats(in);
	stats->lost = NULL;
	iorep_input_free(in);
	for (i = 0; i < r->m.nfindings && n < max; i++)
		if (r->m.findings[i].type == IOREP_FIND_IO_PAGE_FAULT)
			f[n++] = &r->m.findings[i];
	return n;
}

/*
 * The kernel log @path of a run whose first read after dma_unmap_single()
 * faulted in a burst of reports, and which the rate limit then silenced:
 * one fault at @ts, 0xfff7000, judged @why, from @line; then the module's
 * own traced report.
 */
static void own_log_burst(const char *path, uint64_t ts, const char *why, const char *line)
{
	const struct iorep_finding *f[8];
	struct iorep_input_stats s;
	struct run r;
	uint32_t n = own_log_faults(path, &r, f, 8, &s);

	CU_ASSERT_EQUAL(s.kmsg_faults, 1);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(f[0]->iova, 0xfff7000);
	CU_ASSERT_EQUAL(f[0]->ts, ts);
	CU_ASSERT_PTR_NOT_NULL(strstr(f[0]->message, why));
	CU_ASSERT_PTR_NOT_NULL(strstr(f[0]->message, line));
	CU_ASSERT_PTR_NULL(strstr(f[1]->message, "kernel log"));
	run_free(&r);
}

/*
 * The defects-dma scenario again with tp_printk (capture.py --tp-printk):
 * the kernel log alone holds the events and the fault lines
 * (tp-printk.dmesg.xz).  Read as the input, its own faults are merged in,
 * as --dmesg merges another log's.  VT-d: the same three reads as
 * test_vtd_capture, at the log's times, with the module's traced report
 * after them.  No process names A's user domain in a kernel log, so A's
 * fault is judged among the mappings no event attributes.  virtio-iommu
 * and the SMMUv3 (arm64): ten reports of the first read, rate-limited after.
 */
static void test_own_log(void)
{
	static const struct vtd_reads want = {
		4405091000ull,
		"unmapped 101357 us before in the dma domain (use after unmap); from the "
		"kernel log, ",
		":498: DMAR fault reason 0x06: PTE Read access is not set",
		":501: DMAR fault",
		"among mappings no event attributes it was unmapped 100436 us before; from the "
		"kernel log, ",
		":526: DMAR fault",
	};
	const struct iorep_finding *f[8];
	struct iorep_input_stats s;
	struct iorep_input *in = NULL;
	struct iorep_event ev;
	char err[512];
	struct run r;
	uint32_t n;
	int ret;

	n = own_log_faults(DATA "defects-dma-vtd/tp-printk.dmesg.xz", &r, f, 8, &s);
	expect_vtd_reads(f, n, &s, &want);
	CU_ASSERT_EQUAL(s.events[IOREP_EV_IO_PAGE_FAULT], 4);
	CU_ASSERT_EQUAL(f[3]->ts, 4879996000ull);
	run_free(&r);

	/* the same log as journalctl -k -o short-monotonic gives it: the same faults */
	{
		char dir[] = "/tmp/iorep-kmsg-XXXXXX", path[64];
		char *text = NULL, *journal, *o;
		const char *p, *q, *close;
		size_t len = 0, lines = 1;

		CU_ASSERT_EQUAL_FATAL(iorep_snapshot_read(DATA "defects-dma-vtd/tp-printk.dmesg.xz",
							  IOREP_SNAPSHOT_MAX, &text, &len), 0);
		for (p = text; (p = memchr(p, '\n', (size_t)(text + len - p))); p++)
			lines++;
		journal = malloc(len + lines * 16 + 1);	/* " guest kernel:" on each line */
		CU_ASSERT_PTR_NOT_NULL_FATAL(journal);
		for (p = text, o = journal; p < text + len; p = q) {
			q = memchr(p, '\n', (size_t)(text + len - p));
			q = q ? q + 1 : text + len;
			if (*p == '[' && (close = memchr(p, ']', (size_t)(q - p)))) {
				memcpy(o, p, (size_t)(close + 1 - p));
				o += close + 1 - p;
				o += sprintf(o, " guest kernel:");
				p = close + 1;
			}
			memcpy(o, p, (size_t)(q - p));
			o += q - p;
		}
		*o = '\0';
		CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
		iorep_test_put_file(dir, "journal.txt", journal);
		snprintf(path, sizeof(path), "%s/journal.txt", dir);
		n = own_log_faults(path, &r, f, 8, &s);
		expect_vtd_reads(f, n, &s, &want);
		run_free(&r);
		iorep_test_remove_dir(dir);
		free(journal);
		free(text);
	}

	/* virtio-iommu and SMMUv3 (arm64, raw records of five lines each) among the events */
	own_log_burst(DATA "defects-dma-virtio/tp-printk.dmesg.xz", 4552428000ull,
		      "unmapped 100179 us before in the dma domain (use after unmap); from the "
		      "kernel log, ",
		      "tp-printk.dmesg.xz:474: virtio-iommu page fault from endpoint 64, flags [] "
		      "(10 reports in 1312 us)");
	own_log_burst(DATA "defects-dma-smmuv3/tp-printk.dmesg.xz", 3755640000ull,
		      "unmapped 100254 us before in the dma domain (use after unmap); from the "
		      "kernel log, ",
		      "tp-printk.dmesg.xz:381: SMMUv3 event 0x10 F_TRANSLATION, stream id 0x40 "
		      "(10 reports in 514 us)");

	/* a trace that is not a kernel log is read as before */
	r.st = iorep_strtab_new();
	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, DATA "defects-dma-vtd/trace.txt", r.st, err,
					       sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(iorep_input_own_kmsg(in), 0);
	while ((ret = iorep_input_next(in, &ev)) > 0)
		;
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_PTR_NULL(iorep_input_info(in)->kernel_log);
	CU_ASSERT_EQUAL(iorep_input_stats(in)->events[IOREP_EV_IO_PAGE_FAULT], 1);
	iorep_input_free(in);
	iorep_strtab_free(r.st);
}

/*
 * The defects-dma scenario on VT-d once more, its trace.dat written by
 * trace-cmd extract --date (capture.py --date): a DATE option, which makes
 * libtracecmd add the time of day to every time, 1795505070.847269 s.  The
 * log's times are the kernel's: the same offset places its faults.
 */
static void test_dated(void)
{
	static const struct vtd_reads want = {
		1795505077622872000ull,
		"unmapped 101445 us before in the dma domain (use after unmap); from the "
		"kernel log, ",
		"dated-dmesg.txt.xz:466: DMAR fault",
		"dated-dmesg.txt.xz:469: ",
		"unmapped 99997 us before in the user domain (use after unmap); from the "
		"kernel log, ",
		"dated-dmesg.txt.xz:484: ",
	};
	const struct iorep_finding *f[8];
	struct iorep_input_stats s;
	struct run r;
	int64_t offset = 0;
	uint32_t n = faults_with(DATA "defects-dma-vtd", "dated.dat", "dated-dmesg.txt.xz", &r, f,
				 8, &s, &offset);

	CU_ASSERT_EQUAL(offset, 1795505070847269000ll);
	expect_vtd_reads(f, n, &s, &want);
	run_free(&r);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{ "DMAR lines", test_dmar },
		{ "AMD-Vi, virtio-iommu, SMMUv3 lines", test_amd_virtio_smmu },
		{ "line prefixes", test_prefixes },
		{ "bursts and order", test_bursts_and_order },
		{ "VT-d capture", test_vtd_capture },
		{ "virtio-iommu and SMMUv3 captures", test_virtio_smmu_captures },
		{ "a map the SMMUv3 refused part way", test_rollback },
		{ "virtio-iommu takes mappings whole by their start", test_virtio_whole },
		{ "the shared defects captures' DMAR fault", test_defects_samples },
		{ "a DMAR line's device in another PCI segment", test_segment },
		{ "a tp_printk kernel's log: its own faults", test_own_log },
		{ "a log read a chunk at a time", test_streamed },
		{ "a trace.dat of wall-clock times (--date)", test_dated },
		{ NULL, NULL },
	};

	return iorep_test_main("kmsg", tests);
}
