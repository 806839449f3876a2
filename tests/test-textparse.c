// SPDX-License-Identifier: MIT
/*
 * The text line parser on hand-written lines, one test per shape: every
 * text form and every print-format generation the readers claim to know.
 */
#include <string.h>

#include "iorep-error.h"
#include "iorep-strtab.h"
#include "iorep-textparse.h"
#include "test-util.h"

static struct iorep_strtab *st;
static struct iorep_textparse tp;
static struct iorep_event ev;

static int parse(const char *line)
{
	return iorep_textparse_line(&tp, line, strlen(line), &ev);
}

static bool names(const char *line)
{
	return iorep_textparse_names_event(line, strlen(line));
}

static void setup(void)
{
	if (!st) {
		st = iorep_strtab_new();
		iorep_textparse_init(&tp, st);
	}
}

static void test_ftrace_plain(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("          insmod-386     [001]    15.253208: map: IOMMU: "
			      "iova=0x000000000ffff000 - 0x0000000010000000 "
			      "paddr=0x00000001038a0000 size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_MAP);
	CU_ASSERT_STRING_EQUAL(ev.comm, "insmod");
	CU_ASSERT_EQUAL(ev.pid, 386);
	CU_ASSERT_EQUAL(ev.cpu, 1);
	CU_ASSERT_EQUAL(ev.ts, 15253208000ull);
	CU_ASSERT_EQUAL(ev.iova, 0xffff000);
	CU_ASSERT_EQUAL(ev.paddr, 0x1038a0000ull);
	CU_ASSERT_EQUAL(ev.size, 4096);
	CU_ASSERT_TRUE(iorep_event_has(&ev, IOREP_F_PADDR));
	/* no flags, no thread group: nothing said */
	CU_ASSERT_EQUAL(ev.ctx, 0);
	CU_ASSERT_EQUAL(ev.tgid, 0);
}

static void test_ftrace_irqinfo(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("          <idle>-0       [000] d.h1.    15.394708: unmap: IOMMU: "
			      "iova=0x00000000fffa0000 - 0x00000000fffb0000 size=65536 "
			      "unmapped_size=65536"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_UNMAP);
	CU_ASSERT_STRING_EQUAL(ev.comm, "<idle>");
	CU_ASSERT_EQUAL(ev.pid, 0);
	CU_ASSERT_EQUAL(ev.cpu, 0);
	CU_ASSERT_EQUAL(ev.iova, 0xfffa0000);
	CU_ASSERT_EQUAL(ev.size, 65536);
	CU_ASSERT_EQUAL(ev.unmapped_size, 65536);
	/* in a hardirq: atomic; so with interrupts off, bottom halves off, softirq, NMI */
	CU_ASSERT_EQUAL(ev.ctx, IOREP_CTX_ATOMIC);
	{
		static const char *const atomic[] = { "d....", "D....", "b..1.", "..s1.", "..H2.",
						      ".Nz1.", "..Z1.", "d.h1" };
		static const char *const process[] = { ".....", ".N...", "...1.", "X....", "....",
						       "..." };
		char line[256];
		size_t i;

		for (i = 0; i < sizeof(atomic) / sizeof(atomic[0]); i++) {
			snprintf(line, sizeof(line),
				 "t-5 [000] %s 1.0: unmap: IOMMU: iova=0x1000 - 0x2000 "
				 "size=4096 unmapped_size=4096",
				 atomic[i]);
			CU_ASSERT_EQUAL(parse(line), IOREP_LINE_EVENT);
			CU_ASSERT_EQUAL(ev.ctx, IOREP_CTX_ATOMIC);
		}
		for (i = 0; i < sizeof(process) / sizeof(process[0]); i++) {
			snprintf(line, sizeof(line),
				 "t-5 [000] %s 1.0: unmap: IOMMU: iova=0x1000 - 0x2000 "
				 "size=4096 unmapped_size=4096",
				 process[i]);
			CU_ASSERT_EQUAL(parse(line), IOREP_LINE_EVENT);
			CU_ASSERT_EQUAL(ev.ctx, 0);
		}
	}
}

static void test_ftrace_tgid(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("           <...>-2817    (   2810) [003] ..... 98.000001: "
			      "attach_device_to_domain: IOMMU: device=0000:00:06.0"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_ATTACH);
	CU_ASSERT_STRING_EQUAL(ev.comm, "<...>");
	CU_ASSERT_EQUAL(ev.pid, 2817);
	CU_ASSERT_EQUAL(ev.tgid, 2810);
	CU_ASSERT_EQUAL(ev.cpu, 3);
	CU_ASSERT_STRING_EQUAL(ev.device, "0000:00:06.0");
	CU_ASSERT_EQUAL(ev.ctx, 0);
	/* the kernel did not know the thread group (the idle task) */
	CU_ASSERT_EQUAL(parse("          <idle>-0       (-------) [000] d.h1.     8.028845: unmap: "
			      "IOMMU: iova=0x00000000fffb0000 - 0x00000000fffb8000 size=32768 "
			      "unmapped_size=32768"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.pid, 0);
	CU_ASSERT_EQUAL(ev.tgid, 0);
	CU_ASSERT_EQUAL(ev.ctx, IOREP_CTX_ATOMIC);
	CU_ASSERT_STRING_EQUAL(ev.comm, "<idle>");
}

static void test_comm_spaces_dashes(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("  my worker-thread-x-4242 [002] ..... 7.5: "
			      "add_device_to_group: IOMMU: groupID=12 device=0000:01:02.0"),
			IOREP_LINE_EVENT);
	CU_ASSERT_STRING_EQUAL(ev.comm, "my worker-thread-x");
	CU_ASSERT_EQUAL(ev.pid, 4242);
	CU_ASSERT_EQUAL(ev.ts, 7500000000ull);
	CU_ASSERT_EQUAL(ev.gid, 12);
	CU_ASSERT_STRING_EQUAL(ev.device, "0000:01:02.0");
	CU_ASSERT_EQUAL(parse("    kworker/u8:2-123     [000] .....   402.194310: "
			      "remove_device_from_group: IOMMU: groupID=3 device=0000:00:04.0"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_REMOVE_DEVICE);
	CU_ASSERT_STRING_EQUAL(ev.comm, "kworker/u8:2");
	CU_ASSERT_EQUAL(ev.pid, 123);
	/* trace-cmd report of a trace with an instance buffer: its name first */
	CU_ASSERT_EQUAL(parse("iommu:               dd-345   [001]    16.026163: map:                  "
			      "IOMMU: iova=0x00000000ffff7000 - 0x00000000ffff8000 "
			      "paddr=0x0000000103522000 size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_STRING_EQUAL(ev.comm, "dd");
	CU_ASSERT_EQUAL(ev.pid, 345);
	CU_ASSERT_EQUAL(parse("my-inst: my worker-thread-x-4242 [002] 7.5: "
			      "add_device_to_group: IOMMU: groupID=12 device=0000:01:02.0"),
			IOREP_LINE_EVENT);
	CU_ASSERT_STRING_EQUAL(ev.comm, "my worker-thread-x");
	CU_ASSERT_EQUAL(ev.pid, 4242);
}

static void test_tracecmd_report(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("cpus=4"), IOREP_LINE_META);
	CU_ASSERT_EQUAL(tp.cpus_header, 4);
	CU_ASSERT_EQUAL(parse("CPU 3 is empty"), IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse("          insmod-386   [001]    15.253646: dma_map_page:         "
			      "0000:00:07.0 dir=TO_DEVICE dma_addr=ffff000 size=4096 "
			      "phys_addr=1038a0000 attrs="),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_MAP_PAGE);
	CU_ASSERT_STRING_EQUAL(ev.device, "0000:00:07.0");
	CU_ASSERT_EQUAL(ev.dir, IOREP_DIR_TO_DEVICE);
	CU_ASSERT_EQUAL(ev.dma_addr, 0xffff000);
	CU_ASSERT_EQUAL(ev.phys_addr, 0x1038a0000ull);
	CU_ASSERT_EQUAL(ev.size, 4096);
	CU_ASSERT_EQUAL(ev.attrs, 0);
	CU_ASSERT_TRUE(iorep_event_has(&ev, IOREP_F_ATTRS));
	/* -t: nanoseconds */
	CU_ASSERT_EQUAL(parse("init-1     [000]    15.207112931: print:                "
			      "tracing_mark_write: CAPTURE: recording started"),
			IOREP_LINE_OTHER_EVENT);
	CU_ASSERT_EQUAL(ev.ts, 15207112931ull);
}

/*
 * Stack traces and trace-cmd report's --ts-diff and --debug: the forms are
 * real, from Linux 6.18 and trace-cmd 3.1.6 on the build machine (a stack
 * trace of sched_process_exec); the events' lines from the captures.
 */
static void test_beside_events(void)
{
	setup();
	/* options/stacktrace, and sym-offset, sym-addr, userstacktrace */
	CU_ASSERT_EQUAL(parse("            true-11373   [001] ..... 69407.428675: <stack trace>"),
			IOREP_LINE_STACK);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_STACK);
	CU_ASSERT_EQUAL(ev.cpu, 1);
	CU_ASSERT_EQUAL(ev.pid, 11373);
	CU_ASSERT_EQUAL(ev.ts, 69407428675000ull);
	CU_ASSERT_EQUAL(parse(" => trace_event_raw_event_sched_process_exec"), IOREP_LINE_FRAME);
	CU_ASSERT_EQUAL(parse(" => do_execveat_common.isra.0+0x1a6/0x1b0 <ffffffff816c4e96>"),
			IOREP_LINE_FRAME);
	CU_ASSERT_EQUAL(parse("            true-11435   [001] ..... 69423.144741: "
			      "<user stack trace>"),
			IOREP_LINE_OTHER_EVENT);
	CU_ASSERT_EQUAL(parse(" =>  <00007fd6c887cb70>"), IOREP_LINE_FRAME);
	/* trace-cmd record -T, reported with and without (-N) plugins */
	CU_ASSERT_EQUAL(parse("            true-11410 [001] 69412.064064: kernel_stack:         "
			      "<stack trace >"),
			IOREP_LINE_STACK);
	CU_ASSERT_EQUAL(ev.pid, 11410);
	CU_ASSERT_EQUAL(parse("            true-11410 [001] 69412.064064: kernel_stack:         "
			      "\t=> trace_event_raw_event_sched_process_exec"),
			IOREP_LINE_STACK);
	CU_ASSERT_EQUAL(parse("=> bprm_execve (ffffffff816c3a05)"), IOREP_LINE_FRAME);
	CU_ASSERT_EQUAL(parse("\t=> __traceiter_sched_process_exec"), IOREP_LINE_FRAME);
	CU_ASSERT_EQUAL(parse("\t=> 0x0"), IOREP_LINE_FRAME);
	/* --ts-diff: "(+delta)" in 8 columns, blank on the first event */
	CU_ASSERT_EQUAL(parse("          insmod-386   [001]    15.253402: (+36647) map:                  "
			      "IOMMU: iova=0x000000000ffff000 - 0x0000000010000000 "
			      "paddr=0x00000001038a0000 size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_MAP);
	CU_ASSERT_EQUAL(ev.iova, 0xffff000);
	CU_ASSERT_EQUAL(parse("          insmod-386   [001]    15.253646: (+244)   dma_map_page:         "
			      "0000:00:07.0 dir=TO_DEVICE dma_addr=ffff000 size=4096 "
			      "phys_addr=1038a0000 attrs="),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_MAP_PAGE);
	CU_ASSERT_EQUAL(parse("            init-1     [000]    15.207113:          print:"
			      "                tracing_mark_write: CAPTURE: recording started"),
			IOREP_LINE_OTHER_EVENT);
	CU_ASSERT_EQUAL(parse("  insmod-386 [001] 15.2: (+12 map: IOMMU: iova=0x1000 - 0x2000 "
			      "paddr=0x1000 size=4096"),
			IOREP_LINE_BAD);
	/* --debug: a page's first record, the time extends, each event's delta:offset:size */
	CU_ASSERT_EQUAL(parse("CPU:1 [SUBBUFFER START] [15253402482:0x2000]"), IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse(" TIME EXTEND: delta:631866492 length:0"), IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse("          insmod-386   [001]    15.373868: dma_alloc:            "
			      "0000:00:07.0 dir=BIDIRECTIONAL dma_addr=fff8000 size=16384 "
			      "virt_addr=0xff58c41fc0684000 flags=GFP_KERNEL attrs= [448:0x158:56]"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_ALLOC);
	CU_ASSERT_EQUAL(ev.attrs, 0);
	CU_ASSERT_EQUAL(parse("          insmod-386   [001]    15.372911: unmap:                IOMMU: "
			      "iova=0x000000000fffc000 - 0x000000000fffe000 size=8192 "
			      "unmapped_size=8192 [321:0xf4:36]"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.unmapped_size, 8192);
	/* not --debug's note: a payload's own brackets stay */
	CU_ASSERT_EQUAL(parse("          insmod-386   [001]    15.372911: unmap:                IOMMU: "
			      "iova=0x000000000fffc000 - 0x000000000fffe000 size=8192 "
			      "unmapped_size=8192 [321:0x:36]"),
			IOREP_LINE_BAD);
}

static void test_tracecmd_latency(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("  insmod-386     1.....    15.253402: map:                  IOMMU: "
			      "iova=0x000000000ffff000 - 0x0000000010000000 "
			      "paddr=0x00000001038a0000 size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.cpu, 1);
	CU_ASSERT_EQUAL(ev.pid, 386);
	CU_ASSERT_EQUAL(ev.size, 4096);
	CU_ASSERT_EQUAL(ev.ctx, 0);
	CU_ASSERT_EQUAL(parse("  <idle>-0      12d.h1.   1.000000: unmap: IOMMU: iova=0x1000 "
			      "size=4096 unmapped_size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.cpu, 12);
	CU_ASSERT_EQUAL(ev.ctx, IOREP_CTX_ATOMIC);
}

static void test_tracecmd_raw(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("  insmod-386   [001]    15.253646: dma_map_page:          "
			      "device=0000:00:07.0 phys_addr=1038a0000 dma_addr=ffff000 size=4096 "
			      "dir=1 attrs=0x100"),
			IOREP_LINE_EVENT);
	CU_ASSERT_STRING_EQUAL(ev.device, "0000:00:07.0");
	CU_ASSERT_EQUAL(ev.dir, IOREP_DIR_TO_DEVICE);
	CU_ASSERT_EQUAL(ev.attrs, 0x100);
	CU_ASSERT_EQUAL(ev.phys_addr, 0x1038a0000ull);
}

static void test_failed_to_parse_arrays(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("  dd-384   [000]    15.384948: dma_map_sg:           [FAILED TO PARSE] "
			      "device=0000:00:03.0 full_nents=2 full_ents=1 truncated=0 "
			      "phys_addrs=ARRAY[00, 50, a7, 03, 01, 00, 00, 00, 00, 60, ac, 03, 01, "
			      "00, 00, 00] dma_addrs=ARRAY[00, 00, fa, ff, 00, 00, 00, 00] "
			      "lengths=ARRAY[00, 00, 01, 00] dir=2 attrs=0x100"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_MAP_SG);
	CU_ASSERT_EQUAL(ev.full_nents, 2);
	CU_ASSERT_EQUAL(ev.full_ents, 1);
	CU_ASSERT_FALSE(ev.truncated);
	CU_ASSERT_EQUAL(ev.phys_addrs.n, 2);
	CU_ASSERT_EQUAL(ev.phys_addrs.v[0], 0x103a75000ull);
	CU_ASSERT_EQUAL(ev.phys_addrs.v[1], 0x103ac6000ull);
	CU_ASSERT_EQUAL(ev.dma_addrs.n, 1);
	CU_ASSERT_EQUAL(ev.dma_addrs.v[0], 0xfffa0000ull);
	CU_ASSERT_EQUAL(ev.lengths.n, 1);
	CU_ASSERT_EQUAL(ev.lengths.v[0], 0x10000);
	CU_ASSERT_EQUAL(ev.dir, IOREP_DIR_FROM_DEVICE);
	CU_ASSERT_EQUAL(ev.attrs, 0x100);
	/* dma_unmap_sg's field is "addrs" */
	CU_ASSERT_EQUAL(parse("<idle>-0 [000] 15.394866: dma_unmap_sg: [FAILED TO PARSE] "
			      "device=0000:00:03.0 addrs=ARRAY[00, 50, a7, 03, 01, 00, 00, 00] "
			      "dir=2 attrs=0x0"),
			IOREP_LINE_EVENT);
	CU_ASSERT_TRUE(iorep_event_has(&ev, IOREP_F_ADDRS));
	CU_ASSERT_EQUAL(ev.phys_addrs.n, 1);
	CU_ASSERT_EQUAL(ev.phys_addrs.v[0], 0x103a75000ull);
	/* an odd number of bytes is a bad line, not a guess */
	CU_ASSERT_EQUAL(parse("x-1 [000] 1.0: dma_unmap_sg: [FAILED TO PARSE] device=a "
			      "addrs=ARRAY[00, 50, a7] dir=2 attrs=0x0"),
			IOREP_LINE_BAD);
}

static void test_kernel_dma_sg(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("  dd-384     [000] .....    15.384594: dma_map_sg: 0000:00:03.0 "
			      "dir=FROM_DEVICE nents=130/130 ents=1/1 [TRUNCATED] "
			      "dma_addrs={0xfffa0000} sizes={0x10000} "
			      "phys_addrs={0x103a75000,0x103ac6000} attrs=NO_WARN|SKIP_CPU_SYNC"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.full_nents, 130);
	CU_ASSERT_EQUAL(ev.full_ents, 1);
	CU_ASSERT_TRUE(ev.truncated);
	CU_ASSERT_TRUE(iorep_event_has(&ev, IOREP_F_TRUNCATED));
	CU_ASSERT_EQUAL(ev.phys_addrs.n, 2);
	CU_ASSERT_EQUAL(ev.phys_addrs.v[1], 0x103ac6000ull);
	CU_ASSERT_EQUAL(ev.dma_addrs.v[0], 0xfffa0000ull);
	CU_ASSERT_EQUAL(ev.lengths.v[0], 0x10000);
	CU_ASSERT_EQUAL(ev.attrs, (1u << 8) | (1u << 5));
	CU_ASSERT_EQUAL(parse("<idle>-0 [000] d.h1. 15.394708: dma_unmap_sg: 0000:00:03.0 "
			      "dir=FROM_DEVICE phys_addrs={0x103a75000,0x103ac6000} attrs="),
			IOREP_LINE_EVENT);
	CU_ASSERT_TRUE(iorep_event_has(&ev, IOREP_F_ADDRS));
	CU_ASSERT_EQUAL(ev.phys_addrs.n, 2);
	/* dma_map_sg_err prints its phys_addrs as dma_addrs= */
	CU_ASSERT_EQUAL(parse("fio-9 [001] ..... 3.0: dma_map_sg_err: 0000:00:03.0 "
			      "dir=TO_DEVICE dma_addrs={0x1000,0x2000} err=-12 attrs="),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_MAP_SG_ERR);
	CU_ASSERT_EQUAL(ev.err, -12);
	CU_ASSERT_TRUE(iorep_event_has(&ev, IOREP_F_PHYS_ADDRS));
	CU_ASSERT_EQUAL(ev.phys_addrs.n, 2);
}

static void test_dma_families(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("insmod-386 [001] ..... 15.373788: dma_alloc: 0000:00:07.0 "
			      "dir=BIDIRECTIONAL dma_addr=fff8000 size=16384 "
			      "virt_addr=00000000c360db34 flags=GFP_KERNEL|__GFP_ZERO attrs="),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_ALLOC);
	CU_ASSERT_STRING_EQUAL(ev.gfp, "GFP_KERNEL|__GFP_ZERO");
	CU_ASSERT_EQUAL(ev.virt_addr, 0xc360db34ull);
	CU_ASSERT_EQUAL(ev.size, 16384);
	CU_ASSERT_EQUAL(parse("init-1 [000] ..... 18.651496: dma_free: 0000:00:06.0 "
			      "dir=BIDIRECTIONAL dma_addr=fffff000 size=4096 "
			      "virt_addr=000000006cdb8aff attrs="),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_FREE);
	CU_ASSERT_EQUAL(ev.dma_addr, 0xfffff000ull);
	/* 6.17 names */
	CU_ASSERT_EQUAL(parse("a-1 [000] ..... 1.0: dma_map_phys: 0000:00:02.0 dir=TO_DEVICE "
			      "dma_addr=ffff73f8 size=16 phys_addr=1030ec3f8 attrs=MMIO"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_MAP_PHYS);
	CU_ASSERT_EQUAL(ev.attrs, 1u << 10);
	/* 6.18 prints bit 11 as CACHE_CLEAN; a name newer still keeps the event, not its bit */
	CU_ASSERT_EQUAL(parse("a-1 [000] ..... 1.0: dma_map_phys: 0000:00:02.0 dir=TO_DEVICE "
			      "dma_addr=ffff73f8 size=16 phys_addr=1030ec3f8 "
			      "attrs=CACHE_CLEAN|SOME_LATER_ATTR_2|NO_WARN|0x1000"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.attrs, 1u << 11 | 1u << 8 | 0x1000);
	CU_ASSERT_EQUAL(ev.size, 16);
	/* what no kernel prints stays a bad line */
	CU_ASSERT_EQUAL(parse("a-1 [000] ..... 1.0: dma_map_phys: 0000:00:02.0 dir=TO_DEVICE "
			      "dma_addr=ffff73f8 size=16 phys_addr=1030ec3f8 attrs=NO_WARN|no-warn"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("a-1 [000] ..... 1.1: dma_unmap_phys: 0000:00:02.0 dir=TO_DEVICE "
			      "dma_addr=ffff73f8 size=16 attrs="),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_UNMAP_PHYS);
	CU_ASSERT_TRUE(iorep_event_has(&ev, IOREP_F_ADDR));
	CU_ASSERT_EQUAL(ev.dma_addr, 0xffff73f8ull);
	CU_ASSERT_EQUAL(parse("a-1 [000] ..... 1.2: dma_sync_single_for_cpu: 0000:00:04.0 "
			      "dir=FROM_DEVICE dma_addr=fffc0000 size=1522"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_SYNC_SINGLE_FOR_CPU);
	CU_ASSERT_EQUAL(ev.size, 1522);
	CU_ASSERT_EQUAL(parse("a-1 [000] ..... 1.3: dma_sync_sg_for_device: 0000:00:03.0 "
			      "dir=TO_DEVICE dma_addrs={0xfffa0000,0xfffb0000} sizes={0x1000,0x200}"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.lengths.n, 2);
	CU_ASSERT_EQUAL(ev.lengths.v[1], 0x200);
	CU_ASSERT_EQUAL(parse("a-1 [000] ..... 1.4: dma_alloc_sgt: 0000:00:03.0 dir=TO_DEVICE "
			      "dma_addr=fff00000 size=8192 phys_addrs={0x1000,0x5000} flags=GFP_KERNEL "
			      "attrs="),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_ALLOC_SGT);
	CU_ASSERT_EQUAL(ev.phys_addrs.n, 2);
}

/* Numbers at the edge of 64 bits: the largest parses, one more is a bad line, not a wrap. */
static void test_u64_limits(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("m-1 [000] .... 3.000001: map: IOMMU: iova=0xffffffffffffffff "
			      "paddr=0xFFFFFFFFFFFFF000 size=18446744073709551615"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.iova, UINT64_MAX);
	CU_ASSERT_EQUAL(ev.paddr, 0xfffffffffffff000ull);
	CU_ASSERT_EQUAL(ev.size, UINT64_MAX);
	/* leading zeros past 16 digits are still the same value */
	CU_ASSERT_EQUAL(parse("m-1 [000] .... 3.000001: map: IOMMU: iova=0x000000000000000001000 "
			      "paddr=0x0 size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.iova, 0x1000ull);
	CU_ASSERT_EQUAL(parse("m-1 [000] .... 3.000001: map: IOMMU: iova=0x10000000000000000 "
			      "paddr=0x0 size=4096"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("m-1 [000] .... 3.000001: map: IOMMU: iova=0x1000 "
			      "paddr=0x0 size=18446744073709551616"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("m-1 [000] .... 3.000001: map: IOMMU: iova=0x1000 "
			      "paddr=0x0 size=99999999999999999999"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("m-1 [000] .... 3.000001: map: IOMMU: iova=0x10g0 "
			      "paddr=0x0 size=4096"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("m-1 [000] .... 3.000001: map: IOMMU: iova=0x "
			      "paddr=0x0 size=4096"),
			IOREP_LINE_BAD);
}

static void test_old_formats(void)
{
	setup();
	/* 3.13 .. 5.16: no "- end" range */
	CU_ASSERT_EQUAL(parse("modprobe-77 [000] .... 3.000001: map: IOMMU: iova=0x00000000fffff000 "
			      "paddr=0x0000000012345000 size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.iova, 0xfffff000ull);
	CU_ASSERT_EQUAL(ev.paddr, 0x12345000ull);
	CU_ASSERT_EQUAL(parse("modprobe-77 [000] .... 3.000002: unmap: IOMMU: iova=0x00000000fffff000 "
			      "size=4096 unmapped_size=0"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.unmapped_size, 0);
	CU_ASSERT_TRUE(iorep_event_has(&ev, IOREP_F_UNMAPPED_SIZE));
	CU_ASSERT_EQUAL(parse("qemu-kvm-900 [002] .... 50.0: detach_device_from_domain: IOMMU: "
			      "device=0000:03:00.0"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DETACH);
	CU_ASSERT_STRING_EQUAL(ev.device, "0000:03:00.0");
}

static void test_io_page_fault(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("insmod-386 [000] ..... 15.848495: io_page_fault: IOMMU:pci "
			      "0000:00:07.0 iova=0x0000000000100000 flags=0x0020"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_IO_PAGE_FAULT);
	CU_ASSERT_STRING_EQUAL(ev.driver, "pci");
	CU_ASSERT_STRING_EQUAL(ev.device, "0000:00:07.0");
	CU_ASSERT_EQUAL(ev.iova, 0x100000);
	CU_ASSERT_EQUAL(ev.fault_flags, 0x20);
}

static void test_dmesg_tp_printk(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("[    2.234568] add_device_to_group: IOMMU: groupID=0 "
			      "device=0000:00:00.0"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.ts, 2234568000ull);
	CU_ASSERT_EQUAL(ev.pid, -1);
	CU_ASSERT_EQUAL(ev.cpu, -1);
	CU_ASSERT_STRING_EQUAL(ev.device, "0000:00:00.0");
	CU_ASSERT_EQUAL(parse("<6>[   12.5] map: IOMMU: iova=0x1000 - 0x2000 paddr=0x5000 size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.size, 4096);
	CU_ASSERT_EQUAL(parse("[    0.289470] DMAR: DRHD base: 0x000000fed90000 flags: 0x0"),
			IOREP_LINE_UNKNOWN);
	/* CONFIG_PRINTK_CALLER: a task on the console, an interrupt in util-linux's dmesg */
	CU_ASSERT_EQUAL(parse("[    6.147789][  T198] map: IOMMU: iova=0x0 - 0x2000 "
			      "paddr=0x3ce0000 size=8192"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.pid, 198);
	CU_ASSERT_EQUAL(ev.cpu, -1);
	CU_ASSERT_EQUAL(ev.ctx, 0);
	CU_ASSERT_STRING_EQUAL(ev.comm, "");
	CU_ASSERT_EQUAL(ev.size, 8192);
	CU_ASSERT_EQUAL(parse("[    6.169277] [     C1] unmap: IOMMU: iova=0xfffb0000 - 0xfffb8000 "
			      "size=32768 unmapped_size=32768"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.pid, -1);
	CU_ASSERT_EQUAL(ev.cpu, 1);
	CU_ASSERT_EQUAL(ev.ctx, IOREP_CTX_ATOMIC);
	CU_ASSERT_EQUAL(ev.unmapped_size, 32768);
	/* no caller: a bracket that is not one, or a caller with no id, stays in the text */
	CU_ASSERT_EQUAL(parse("[    6.2][  X198] map: IOMMU: iova=0x0 - 0x2000 paddr=0x0 size=8192"),
			IOREP_LINE_UNKNOWN);
	CU_ASSERT_EQUAL(parse("[    6.2][ T] map: IOMMU: iova=0x0 - 0x2000 paddr=0x0 size=8192"),
			IOREP_LINE_UNKNOWN);
	CU_ASSERT_EQUAL(parse("[    6.2][  T99999999999] map: IOMMU: iova=0x0 - 0x2000 paddr=0x0 "
			      "size=8192"),
			IOREP_LINE_UNKNOWN);
	CU_ASSERT_EQUAL(parse("[    6.2][  T12"), IOREP_LINE_UNKNOWN);
	/* journalctl -k -o short-monotonic: the host's name and "kernel:" after the time */
	CU_ASSERT_EQUAL(parse("[    4.405091] guest kernel: unmap: IOMMU: iova=0x100000 - 0x101000 "
			      "size=4096 unmapped_size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.ts, 4405091000ull);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_UNMAP);
	CU_ASSERT_EQUAL(ev.iova, 0x100000);
	CU_ASSERT_EQUAL(parse("[    4.405091] guest kernel: DMAR: [DMA Read NO_PASID] Request "
			      "device [00:08.0] fault addr 0xfff7000"),
			IOREP_LINE_UNKNOWN);
	CU_ASSERT_EQUAL(parse("[    4.405091] guest kernel:"), IOREP_LINE_UNKNOWN);
	CU_ASSERT_EQUAL(parse("[    4.405091]  kernel: map: IOMMU: iova=0x0 - 0x2000 paddr=0x0 "
			      "size=8192"),
			IOREP_LINE_UNKNOWN);
}

static void test_lost_markers(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("CPU:1 [LOST 123 EVENTS]"), IOREP_LINE_LOST);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_LOST);
	CU_ASSERT_EQUAL(ev.cpu, 1);
	CU_ASSERT_EQUAL(ev.lost, 123);
	CU_ASSERT_EQUAL(parse("CPU:12 [4567 EVENTS DROPPED]"), IOREP_LINE_LOST);
	CU_ASSERT_EQUAL(ev.cpu, 12);
	CU_ASSERT_EQUAL(ev.lost, 4567);
	CU_ASSERT_EQUAL(parse("CPU:0 [EVENTS DROPPED]"), IOREP_LINE_LOST);
	CU_ASSERT_EQUAL(ev.lost, -1);
	CU_ASSERT_EQUAL(parse("CPU:x [LOST 1 EVENTS]"), IOREP_LINE_UNKNOWN);
	/* the trace file's form when the writer overran the reader: no count */
	CU_ASSERT_EQUAL(parse("CPU:3 [LOST EVENTS]"), IOREP_LINE_LOST);
	CU_ASSERT_EQUAL(ev.cpu, 3);
	CU_ASSERT_EQUAL(ev.lost, -1);
	/* --events=text of a drop of no one CPU */
	CU_ASSERT_EQUAL(parse("CPU:* [100 EVENTS DROPPED]"), IOREP_LINE_LOST);
	CU_ASSERT_EQUAL(ev.cpu, -1);
	CU_ASSERT_EQUAL(ev.lost, 100);
	CU_ASSERT_EQUAL(parse("CPU:*x [100 EVENTS DROPPED]"), IOREP_LINE_UNKNOWN);
}

/* What a trace file says of an overrun in its comments. */
static void test_overrun_comments(void)
{
	setup();
	tp.overrun = 0;
	CU_ASSERT_EQUAL(parse("# entries-in-buffer/entries-written: 26/26   #P:2"),
			IOREP_LINE_META);
	CU_ASSERT_EQUAL(tp.overrun, 0);
	CU_ASSERT_EQUAL(parse("# entries-in-buffer/entries-written: 3001/3101   #P:2"),
			IOREP_LINE_META);
	CU_ASSERT_EQUAL(tp.overrun, 100);
	tp.overrun = 0;
	CU_ASSERT_EQUAL(parse("# entries-in-buffer/entries-written: x/3101   #P:2"),
			IOREP_LINE_META);
	CU_ASSERT_EQUAL(tp.overrun, 0);
	CU_ASSERT_EQUAL(parse("##### CPU 2 buffer started ####"), IOREP_LINE_LOST);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_LOST);
	CU_ASSERT_EQUAL(ev.cpu, 2);
	CU_ASSERT_EQUAL(ev.lost, -1);
	CU_ASSERT_EQUAL(parse("##### CPU x buffer started ####"), IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse("##### CPU 2 buffer ####"), IOREP_LINE_META);
}

/* A line cut short, or damaged where it matters, is not an event. */
static void test_not_whole(void)
{
	static const char map[] = "insmod-386 [001] 15.253402: map: IOMMU: "
				  "iova=0x000000000ffff000 - 0x0000000010000000 "
				  "paddr=0x00000001038a0000 size=4096";
	static const char unmap[] = "insmod-386 [001] 15.372911: unmap: IOMMU: "
				    "iova=0x000000000fffc000 - 0x000000000fffe000 size=8192 "
				    "unmapped_size=8192";
	static const char dma[] = "insmod-386 [001] 15.253646: dma_map_page: 0000:00:07.0 "
				  "dir=TO_DEVICE dma_addr=ffff000 size=4096 phys_addr=1038a0000 "
				  "attrs=";
	size_t n, name;

	setup();
	CU_ASSERT_EQUAL(parse(map), IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(parse(unmap), IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(parse(dma), IOREP_LINE_EVENT);
	/*
	 * Every cut after the event name: of a map even in its last number ("size=4"
	 * of 4096 gives an end that is not iova + size); of an unmap, not in its
	 * last number; of a dma event, not right after its last "attrs=".
	 */
	for (name = (size_t)(strstr(map, "map:") - map), n = strlen(map) - 1; n > name + 4; n--)
		CU_ASSERT_EQUAL(iorep_textparse_line(&tp, map, n, &ev), IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(iorep_textparse_line(&tp, unmap, strlen(unmap) - 1, &ev),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.unmapped_size, 819);
	for (name = (size_t)(strstr(unmap, "unmap:") - unmap), n = strlen(unmap) - 4; n > name + 6;
	     n--)
		CU_ASSERT_EQUAL(iorep_textparse_line(&tp, unmap, n, &ev), IOREP_LINE_BAD);
	for (name = (size_t)(strstr(dma, "dma_map_page:") - dma), n = strlen(dma) - 1; n > name + 13;
	     n--)
		CU_ASSERT_EQUAL(iorep_textparse_line(&tp, dma, n, &ev), IOREP_LINE_BAD);
	/* an end that disagrees with the size */
	CU_ASSERT_EQUAL(parse("x-1 [000] 1.0: map: IOMMU: iova=0x1000 - 0x3000 paddr=0x5000 "
			      "size=4096"),
			IOREP_LINE_BAD);
	/* a damaged event name with an iommu payload is not another system's event */
	CU_ASSERT_EQUAL(parse("x-1 [000] 1.0: m\xffp: IOMMU: iova=0x1000 - 0x2000 paddr=0x5000 "
			      "size=4096"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("x-1 [000] 1.0: mapx: IOMMU: iova=0x1000 - 0x2000 paddr=0x5000 "
			      "size=4096"),
			IOREP_LINE_BAD);
	/* the names of the events, for a line whose prefix is damaged */
	CU_ASSERT_TRUE(names("x-1 [0\xff" "0] 1.0: unmap: IOMMU: "));
	CU_ASSERT_TRUE(names("dma_unmap_page: 0000:00:07.0"));
	CU_ASSERT_FALSE(names("x-1 [000] 1.0: sched_switch: a=b"));
	CU_ASSERT_FALSE(names("x-1 [000] 1.0: xmap: a"));
	CU_ASSERT_FALSE(names("garbage \x01\x02" " line 3"));
}

static void test_meta_other_bad(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("# tracer: nop"), IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse(""), IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse("   \r"), IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse("version = 6"), IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse("bash-1 [000] ..... 1.0: do_sys_open <-__x64_sys_openat"),
			IOREP_LINE_OTHER_EVENT);
	CU_ASSERT_EQUAL(parse("bash-1 [000] ..... 1.0: sched_switch: prev_comm=bash"),
			IOREP_LINE_OTHER_EVENT);
	CU_ASSERT_EQUAL(ev.ts, 1000000000ull);
	CU_ASSERT_EQUAL(parse("hello world"), IOREP_LINE_UNKNOWN);
	/* iommu event lines that lack what every generation has */
	CU_ASSERT_EQUAL(parse("x-1 [000] ..... 1.0: map: IOMMU: paddr=0x1000 size=4096"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("x-1 [000] ..... 1.0: unmap: IOMMU: iova=0xZZ size=4096"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("x-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=x "
			      "device=a"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("x-1 [000] ..... 1.0: map: IOMMU: iova=0xffffffffffffffffff "
			      "size=1"),
			IOREP_LINE_BAD);
}

static void test_crlf_and_hostile(void)
{
	static const char nul_line[] = "x-1 [000] ..... 1.0: attach_device_to_domain: IOMMU: "
				       "device=ab\0cd";
	static const char pre[] = "x-1 [000] ..... 1.0: attach_device_to_domain: IOMMU: device=";
	char big[5000];

	setup();
	CU_ASSERT_EQUAL(parse("  insmod-386 [001] ..... 15.2: attach_device_to_domain: IOMMU: "
			      "device=0000:00:07.0\r"),
			IOREP_LINE_EVENT);
	CU_ASSERT_STRING_EQUAL(ev.device, "0000:00:07.0");
	/* a NUL inside a line: damage (ftrace text has none), nothing reads past the line */
	CU_ASSERT_EQUAL(iorep_textparse_line(&tp, nul_line, sizeof(nul_line) - 1, &ev),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(iorep_textparse_line(&tp, nul_line, sizeof(pre) + 1, &ev), IOREP_LINE_EVENT);
	CU_ASSERT_STRING_EQUAL(ev.device, "ab");
	/* the device is the last field of the group and attach events: spaces and tabs stay */
	CU_ASSERT_EQUAL(parse("x-1 [000] ..... 1.0: add_device_to_group: IOMMU: groupID=3 "
			      "device=a b\tc \r"),
			IOREP_LINE_EVENT);
	CU_ASSERT_STRING_EQUAL(ev.device, "a b\tc");
	CU_ASSERT_EQUAL(ev.gid, 3);
	CU_ASSERT_EQUAL(parse("x-1 [000] ..... 1.0: attach_device_to_domain: IOMMU: device=a b"),
			IOREP_LINE_EVENT);
	CU_ASSERT_STRING_EQUAL(ev.device, "a b");
	/* not in a dma event, whose device is its first word */
	CU_ASSERT_EQUAL(parse("x-1 [000] 1.0: dma_unmap_page: a b dir=TO_DEVICE dma_addr=1000 "
			      "size=4096 attrs="),
			IOREP_LINE_BAD);
	memset(big, 'A', sizeof(big));
	memcpy(big, pre, sizeof(pre) - 1);
	CU_ASSERT_EQUAL(iorep_textparse_line(&tp, big, sizeof(big), &ev), IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(strlen(ev.device), sizeof(big) - (sizeof(pre) - 1));
}

/* The index by length finds every event the plain lookup finds, and nothing else. */
/*
 * perf script's text.  The lines not of iommu/dma events are perf 6.1's own
 * (Debian 12), recorded on this project's build machine with
 * `perf record -e sched:sched_switch -e syscalls:sys_enter_close ...` and
 * `perf record -g -e sched:sched_wakeup`; the iommu/dma ones are the 6.12
 * captures' events with the head perf prints (tests/perf-form.py).
 */
static void test_perf_script(void)
{
	setup();
	CU_ASSERT_EQUAL(parse("          insmod     386 [001] 15.253402:       iommu:map: IOMMU: "
			      "iova=0x000000000ffff000 - 0x0000000010000000 "
			      "paddr=0x00000001038a0000 size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_TRUE(tp.perf);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_MAP);
	CU_ASSERT_STRING_EQUAL(ev.comm, "insmod");
	CU_ASSERT_EQUAL(ev.pid, 386);
	CU_ASSERT_EQUAL(ev.cpu, 1);
	CU_ASSERT_EQUAL(ev.ts, 15253402000ull);
	CU_ASSERT_EQUAL(ev.iova, 0xffff000);
	CU_ASSERT_EQUAL(ev.size, 4096);
	/* -F ...,pid,tid: the thread's id, as ftrace's; a comm with spaces; --ns */
	CU_ASSERT_EQUAL(parse("     Web Content    2044/2051    [003] 18.646715123: "
			      "dma:dma_unmap_page: 0000:00:06.0 dir=FROM_DEVICE "
			      "dma_addr=fffcb040 size=1522 attrs="),
			IOREP_LINE_EVENT);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_UNMAP_PAGE);
	CU_ASSERT_STRING_EQUAL(ev.comm, "Web Content");
	CU_ASSERT_EQUAL(ev.pid, 2051);
	CU_ASSERT_EQUAL(ev.cpu, 3);
	CU_ASSERT_EQUAL(ev.ts, 18646715123ull);
	CU_ASSERT_EQUAL(ev.dma_addr, 0xfffcb040);
	/* a comm that ends like ftrace's comm-pid: the last word alone is the tid */
	CU_ASSERT_EQUAL(parse("        worker-7    42 [000] 1.000000: iommu:unmap: IOMMU: "
			      "iova=0x0000000000001000 - 0x0000000000002000 size=4096 "
			      "unmapped_size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_STRING_EQUAL(ev.comm, "worker-7");
	CU_ASSERT_EQUAL(ev.pid, 42);
	/* an event of the same name in another system is not ours */
	CU_ASSERT_EQUAL(parse("          insmod     386 [001] 15.253402: xen:map: IOMMU: "
			      "iova=0x000000000ffff000 - 0x0000000010000000 "
			      "paddr=0x00000001038a0000 size=4096"),
			IOREP_LINE_BAD);
	/* an iommu or dma event's name damaged: a bad line, as in ftrace text */
	CU_ASSERT_EQUAL(parse("          insmod     386 [001] 15.253402: iommu:ma p: IOMMU: "
			      "iova=0x000000000ffff000 - 0x0000000010000000 "
			      "paddr=0x00000001038a0000 size=4096"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("          insmod     386 [001] 15.253567: dma:dma_map_pa#ge: "
			      "0000:00:07.0 dir=TO_DEVICE dma_addr=ffff000 size=4096"),
			IOREP_LINE_BAD);
	CU_ASSERT_EQUAL(parse("            true  9628 [001] 60266.796763:       sched:sched_switch: "
			      "prev_comm=true prev_pid=9628 prev_prio=120 prev_state=Z ==> "
			      "next_comm=sh next_pid=9395 next_prio=120"),
			IOREP_LINE_OTHER_EVENT);
	CU_ASSERT_EQUAL(parse("     migration/0    18 [000] 60266.663263:       sched:sched_switch: "
			      "prev_comm=migration/0 prev_pid=18 prev_prio=0 prev_state=S ==> "
			      "next_comm=sh next_pid=9396 next_prio=120"),
			IOREP_LINE_OTHER_EVENT);
	CU_ASSERT_EQUAL(ev.pid, 18);
	/* --show-lost-events: records the kernel dropped on that CPU */
	CU_ASSERT_EQUAL(parse("            perf  9398 [001] 60266.663433: PERF_RECORD_LOST lost 555"),
			IOREP_LINE_LOST);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_LOST);
	CU_ASSERT_EQUAL(ev.cpu, 1);
	CU_ASSERT_EQUAL(ev.lost, 555);
	CU_ASSERT_EQUAL(parse("           :9630  9630 [001] 60266.799425: PERF_RECORD_LOST lost 22"),
			IOREP_LINE_LOST);
	CU_ASSERT_EQUAL(ev.lost, 22);
	CU_ASSERT_EQUAL(parse("            perf  9398 [000] 60266.7: PERF_RECORD_LOST_SAMPLES: "
			      "lost 3"),
			IOREP_LINE_LOST);
	CU_ASSERT_EQUAL(ev.lost, -1);
	CU_ASSERT_EQUAL(ev.cpu, 0);
	/* --show-task-events; a -g call chain's frames and the blank line after */
	CU_ASSERT_EQUAL(parse("         swapper     0 [000]     0.000000: "
			      "PERF_RECORD_FORK(1:1):(0:0)"),
			IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse("     process_api     0 [000]     0.000000: "
			      "PERF_RECORD_COMM: process_api:1/1"),
			IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse("          insmod     386 [001] 15.253402:       iommu:map: IOMMU: "
			      "iova=0x000000000ffff000 - 0x0000000010000000 "
			      "paddr=0x00000001038a0000 size=4096"),
			IOREP_LINE_EVENT);
	/* -g: the frames of the sample's call chain, which the reader gathers */
	CU_ASSERT_EQUAL(parse("\tffffffff813a83e5 ttwu_do_activate+0x175 ([kernel.kallsyms])"),
			IOREP_LINE_FRAME);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV__COUNT);	/* not the event before it */
	CU_ASSERT_EQUAL(parse("\t           ee137 sched_setaffinity@@GLIBC_2.3.4+0x7 "
			      "(/usr/lib/x86_64-linux-gnu/libc.so.6)"),
			IOREP_LINE_FRAME);
	CU_ASSERT_EQUAL(parse(""), IOREP_LINE_META);
	CU_ASSERT_EQUAL(parse("# nrcpus online : 2"), IOREP_LINE_META);
	CU_ASSERT_TRUE(names("     Web Content    2044/2051    [003] 18.646715: dma:dma_map_page: x"));
	CU_ASSERT_TRUE(names("  a 1 [000] 1.0:       iommu:map: damaged"));
	/* ftrace's lines are not taken for perf's */
	CU_ASSERT_EQUAL(parse("          insmod-386     [001]    15.253208: map: IOMMU: "
			      "iova=0x000000000ffff000 - 0x0000000010000000 "
			      "paddr=0x00000001038a0000 size=4096"),
			IOREP_LINE_EVENT);
	CU_ASSERT_FALSE(tp.perf);
}

static void test_event_index(void)
{
	static const char *const not_ours[] = {
		"ma", "mapp", "lost_events", "sched_switch", "dma_map_pagE",
		"dma_sync_single_for_device_and_more_than_32",
	};
	uint64_t by_len[IOREP_EVENT_NAME_MAX];
	const char *name;
	size_t i;
	int e;

	iorep_event_index(by_len);
	for (e = 0; e < IOREP_EV_LOST; e++) {
		name = iorep_event_descs[e].name;
		CU_ASSERT_EQUAL(iorep_event_lookup_in(by_len, name, (int)strlen(name)), e);
		CU_ASSERT_EQUAL(iorep_event_lookup(name, (int)strlen(name)), e);
		CU_ASSERT_EQUAL(iorep_event_lookup_in(by_len, name, (int)strlen(name) - 1), -1);
	}
	for (i = 0; i < sizeof(not_ours) / sizeof(not_ours[0]); i++) {
		name = not_ours[i];
		CU_ASSERT_EQUAL(iorep_event_lookup_in(by_len, name, (int)strlen(name)), -1);
		CU_ASSERT_EQUAL(iorep_event_lookup(name, (int)strlen(name)), -1);
	}
	CU_ASSERT_EQUAL(iorep_event_lookup_in(by_len, "map", -1), -1);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{ "ftrace plain", test_ftrace_plain },
		{ "ftrace irq-info", test_ftrace_irqinfo },
		{ "ftrace record-tgid", test_ftrace_tgid },
		{ "comm with spaces and dashes", test_comm_spaces_dashes },
		{ "trace-cmd report", test_tracecmd_report },
		{ "trace-cmd report -l", test_tracecmd_latency },
		{ "stack traces, --ts-diff, --debug", test_beside_events },
		{ "trace-cmd report -R", test_tracecmd_raw },
		{ "FAILED TO PARSE arrays", test_failed_to_parse_arrays },
		{ "kernel dma sg", test_kernel_dma_sg },
		{ "dma families", test_dma_families },
		{ "old print formats", test_old_formats },
		{ "io_page_fault", test_io_page_fault },
		{ "dmesg tp_printk", test_dmesg_tp_printk },
		{ "lost markers", test_lost_markers },
		{ "overrun comments", test_overrun_comments },
		{ "lines not whole", test_not_whole },
		{ "meta, other, bad", test_meta_other_bad },
		{ "CRLF and hostile", test_crlf_and_hostile },
		{ "numbers at 64 bits", test_u64_limits },
		{ "event names by length", test_event_index },
		{ "perf script", test_perf_script },
		{ NULL, NULL },
	};
	int ret = iorep_test_main("textparse", tests);

	iorep_textparse_release(&tp);
	iorep_strtab_free(st);
	return ret;
}
