// SPDX-License-Identifier: MIT
/*
 * plugin_iommu and the printer it shares with iommu-report:
 * - the printer on hand-made events: ranges, sizes, unmaps that differ from
 *   the request, fault flags generic and AMD-Vi, inert strings;
 * - every event of every capture printed as a line (with each option) and
 *   read back by the text parser gives the same event.
 * The plugin itself, loaded by libtraceevent: test-plugin-load.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "iorep-error.h"
#include "iorep-input.h"
#include "iorep-print.h"
#include "iorep-report.h"
#include "iorep-textparse.h"
#include "test-util.h"

static const char *const captures[] = {
	"6.12.117+deb12-amd64/boot",
	"6.12.117+deb12-amd64/defects",
	"6.12.117+deb12-amd64/dma-traffic",
	"6.12.117+deb12-amd64/vfio",
	"6.1.0-56-amd64/boot",
	"6.1.0-56-amd64/defects",
	"6.1.0-56-amd64/dma-traffic",
	NULL,
};

/* The body iorep_print_event() writes for @ev with @o. */
static char *body(const struct iorep_event *ev, const struct iorep_print_opts *o)
{
	struct trace_seq s;
	char *r;

	trace_seq_init(&s);
	iorep_print_event(&s, ev, o);
	trace_seq_terminate(&s);
	r = strdup(s.buffer);
	trace_seq_destroy(&s);
	return r;
}

static void expect(const struct iorep_event *ev, const struct iorep_print_opts *o, const char *want)
{
	char *got = body(ev, o);

	if (strcmp(got, want))
		fprintf(stderr, "\n  got:  %s\n  want: %s\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static struct iorep_event make(enum iorep_etype type, uint32_t have)
{
	struct iorep_event ev;

	iorep_event_reset(&ev, type);
	ev.have = have;
	return ev;
}

#define HAVE(f) (1u << IOREP_F_##f)

static void test_bytes(void)
{
	char buf[32];

	iorep_print_bytes(buf, sizeof(buf), 0);
	CU_ASSERT_STRING_EQUAL(buf, "0 B");
	iorep_print_bytes(buf, sizeof(buf), 4097);
	CU_ASSERT_STRING_EQUAL(buf, "4097 B");
	iorep_print_bytes(buf, sizeof(buf), 1536 * 1024);
	CU_ASSERT_STRING_EQUAL(buf, "1536 KiB");
	iorep_print_bytes(buf, sizeof(buf), 2ull << 30);
	CU_ASSERT_STRING_EQUAL(buf, "2 GiB");
	iorep_print_bytes(buf, sizeof(buf), 1ull << 63);
	CU_ASSERT_STRING_EQUAL(buf, "8 EiB");
}

static void test_map_unmap(void)
{
	struct iorep_print_opts o = IOREP_PRINT_OPTS_DEFAULT, raw = o, nopages = o;
	struct iorep_event ev = make(IOREP_EV_MAP, HAVE(IOVA) | HAVE(PADDR) | HAVE(SIZE));

	raw.human = false;
	nopages.pages = false;
	ev.iova = 0x1000800;
	ev.size = 0x1000;
	ev.paddr = 0x10a5f8800;
	/* not page aligned: touches two pages */
	expect(&ev, &o, "iova [0x1000800, 0x1001800) 4 KiB (2 pages) -> paddr 0x10a5f8800");
	expect(&ev, &raw, "iova [0x1000800, 0x1001800) 4096 (2 pages) -> paddr 0x10a5f8800");
	expect(&ev, &nopages, "iova [0x1000800, 0x1001800) 4 KiB -> paddr 0x10a5f8800");
	o.page_size = 65536;
	expect(&ev, &o, "iova [0x1000800, 0x1001800) 4 KiB (1 page) -> paddr 0x10a5f8800");
	o.page_size = 4096;
	ev.iova = 0xfffffffffffff000ull;
	ev.size = 0x2000;
	expect(&ev, &o, "iova [0xfffffffffffff000, 0x1000 + 2^64) 8 KiB -> paddr 0x10a5f8800");

	ev = make(IOREP_EV_UNMAP, HAVE(IOVA) | HAVE(SIZE) | HAVE(UNMAPPED_SIZE));
	ev.iova = 0x3000000;
	ev.size = ev.unmapped_size = 0x1000;
	expect(&ev, &o, "iova [0x3000000, 0x3001000) 4 KiB (1 page)");
	ev.unmapped_size = 0;
	expect(&ev, &o, "iova [0x3000000, 0x3001000) 4 KiB (1 page), nothing unmapped");
	ev.unmapped_size = 2 << 20;
	expect(&ev, &o,
	       "iova [0x3000000, 0x3001000) 4 KiB (1 page), unmapped 2 MiB "
	       "[0x3000000, 0x3200000): more than asked");
	ev.size = 0x3000;
	ev.unmapped_size = 0x1000;
	expect(&ev, &raw,
	       "iova [0x3000000, 0x3003000) 12288 (3 pages), unmapped 4096 "
	       "[0x3000000, 0x3001000): less than asked");
}

static void test_fault_flags(void)
{
	struct iorep_print_opts o = IOREP_PRINT_OPTS_DEFAULT, amd = o;
	struct iorep_event ev = make(IOREP_EV_IO_PAGE_FAULT,
				     HAVE(DEVICE) | HAVE(DRIVER) | HAVE(IOVA) | HAVE(FAULT_FLAGS));
	char buf[128];

	amd.amd = true;
	ev.device = "0000:00:07.0";
	ev.driver = "e1000e";
	ev.iova = 0x100000;
	ev.fault_flags = 0x1; /* IOMMU_FAULT_WRITE */
	expect(&ev, &o, "0000:00:07.0 (e1000e): write at iova 0x100000, flags 0x0001");
	ev.fault_flags = 0x30; /* AMD-Vi PR|RW */
	expect(&ev, &o, "0000:00:07.0 (e1000e): read at iova 0x100000, flags 0x0030");
	expect(&ev, &amd, "0000:00:07.0 (e1000e): write [PR|RW] at iova 0x100000, flags 0x0030");
	iorep_print_fault_flags(buf, sizeof(buf), 0x1ff, true);
	CU_ASSERT_STRING_EQUAL(buf, "write [GN|NX|US|I|PR|RW|PE|RZ|TR]");
	iorep_print_fault_flags(buf, sizeof(buf), 0x1010, true);
	CU_ASSERT_STRING_EQUAL(buf, "read [PR|0x1000]");
	iorep_print_fault_flags(buf, sizeof(buf), 0, true);
	CU_ASSERT_STRING_EQUAL(buf, "read");
}

static void test_groups_and_strings(void)
{
	struct iorep_print_opts o = IOREP_PRINT_OPTS_DEFAULT;
	struct iorep_event ev = make(IOREP_EV_REMOVE_DEVICE, HAVE(GID) | HAVE(DEVICE));

	ev.gid = 12;
	ev.device = "0000:01:00.0";
	expect(&ev, &o, "group 12: remove 0000:01:00.0");
	ev = make(IOREP_EV_ATTACH, HAVE(DEVICE));
	ev.device = "evil\ndev\\x";
	expect(&ev, &o, "evil\\x0adev\\x5cx attached");
	CU_ASSERT_EQUAL(iorep_print_inert_width("evil\ndev\\x"), 16);
}

static void test_dma_events(void)
{
	struct iorep_print_opts o = IOREP_PRINT_OPTS_DEFAULT;
	static const uint64_t phys[] = {0x103a75000, 0x103ac6000};
	static const uint64_t dma[] = {0xfffa0000};
	static const uint32_t len[] = {0x2000};
	struct iorep_event ev = make(IOREP_EV_DMA_MAP_SG,
				     HAVE(DEVICE) | HAVE(DIR) | HAVE(ATTRS) | HAVE(PHYS_ADDRS) |
					     HAVE(DMA_ADDRS) | HAVE(LENGTHS) | HAVE(TRUNCATED));

	ev.device = "0000:00:03.0";
	ev.dir = IOREP_DIR_FROM_DEVICE;
	ev.attrs = 1ull << 8;
	ev.phys_addrs = (struct iorep_u64s){phys, 2};
	ev.dma_addrs = (struct iorep_u64s){dma, 1};
	ev.lengths = (struct iorep_u32s){len, 1};
	expect(&ev, &o,
	       "0000:00:03.0 FROM_DEVICE sg 2 -> 1: dma [0xfffa0000, 0xfffa2000) 8 KiB "
	       "(2 pages); phys 0x103a75000, 0x103ac6000 attrs=NO_WARN");
	ev.truncated = true;
	ev.full_nents = 300;
	ev.full_ents = 200;
	expect(&ev, &o,
	       "0000:00:03.0 FROM_DEVICE sg 2 -> 1 (truncated, of 300 -> 200): dma "
	       "[0xfffa0000, 0xfffa2000) 8 KiB (2 pages); phys 0x103a75000, 0x103ac6000 "
	       "attrs=NO_WARN");

	ev = make(IOREP_EV_DMA_ALLOC, HAVE(DEVICE) | HAVE(DMA_ADDR) | HAVE(SIZE) | HAVE(VIRT_ADDR) |
					      HAVE(GFP) | HAVE(DIR) | HAVE(ATTRS));
	ev.device = "0000:00:07.0";
	ev.dma_addr = 0xfff8000;
	ev.size = 0x4000;
	ev.virt_addr = 0xff58c41fc0684000;
	ev.gfp = "GFP_KERNEL";
	expect(&ev, &o,
	       "0000:00:07.0 BIDIRECTIONAL dma [0xfff8000, 0xfffc000) 16 KiB (4 pages) "
	       "virt 0xff58c41fc0684000 gfp GFP_KERNEL");

	ev = make(IOREP_EV_DMA_MAP_SG_ERR, HAVE(DEVICE) | HAVE(DIR) | HAVE(PHYS_ADDRS) | HAVE(ERR));
	ev.device = "0000:00:03.0";
	ev.dir = IOREP_DIR_TO_DEVICE;
	ev.phys_addrs = (struct iorep_u64s){phys, 1};
	ev.err = -12;
	expect(&ev, &o, "0000:00:03.0 TO_DEVICE sg phys 0x103a75000: failed, error -12");
}

/* The JSON of @ev with its time as trace-cmd prints it (microseconds, rounded). */
static char *json_us(struct iorep_event ev)
{
	cJSON *o;
	char *s;

	ev.ts = (ev.ts + 500) / 1000 * 1000;
	ev.pos = 0;
	o = iorep_event_to_json(&ev);
	s = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return s;
}

/* Prints every event of @path with @o and parses each line back. */
static void roundtrip(const char *path, const struct iorep_print_opts *o)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_textparse tp;
	struct iorep_input *in = NULL;
	struct iorep_event ev, back;
	struct trace_seq s;
	char err[512], *line;
	size_t size, n = 0, bad = 0;
	FILE *fp;
	int ret, kind;

	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, path, st, err, sizeof(err)), 0);
	iorep_textparse_init(&tp, st);
	trace_seq_init(&s);
	while ((ret = iorep_input_next(in, &ev)) > 0) {
		char *a, *b;

		line = NULL;
		size = 0;
		fp = open_memstream(&line, &size);
		CU_ASSERT_EQUAL_FATAL(iorep_event_write_text_line(&ev, o, &s, fp), 0);
		fclose(fp);
		kind = iorep_textparse_line(&tp, line, size - 1, &back);
		a = json_us(ev);
		b = kind == IOREP_LINE_EVENT ? json_us(back) : NULL;
		if (!b || strcmp(a, b)) {
			if (bad++ < 3)
				fprintf(stderr, "\n%s: %s  -> %s\n  was %s\n", path, line,
					b ? b : "(not an event)", a);
		}
		n++;
		cJSON_free(a);
		cJSON_free(b);
		free(line);
	}
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_TRUE(n > 0);
	CU_ASSERT_EQUAL(bad, 0);
	trace_seq_destroy(&s);
	iorep_textparse_release(&tp);
	iorep_input_free(in);
	iorep_strtab_free(st);
}

static void test_roundtrip(void)
{
	struct iorep_print_opts o = IOREP_PRINT_OPTS_DEFAULT, raw = o;
	char path[1024];
	int i;

	raw.human = false;
	raw.pages = false;
	raw.amd = true;
	for (i = 0; captures[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s/trace.dat", IOREP_SAMPLES_DIR, captures[i]);
		roundtrip(path, &o);
		roundtrip(path, &raw);
	}
}

/* Lines that look like the plugin's but are not whole are bad lines, not misread events. */
static void test_parse_edges(void)
{
	static const struct {
		const char *line;
		int kind;
	} cases[] = {
		/* trace-cmd report -R of a fault: the raw form, not the plugin's */
		{"insmod-386 [000] 15.848621: io_page_fault: device=0000:00:07.0 driver=pci "
		 "iova=0x100000 flags=0x1",
		 IOREP_LINE_EVENT},
		{"insmod-386 [000] 15.848621: io_page_fault: 0000:00:07.0 (pci): write at iova "
		 "0x100000, flags 0x0001",
		 IOREP_LINE_EVENT},
		{"insmod-386 [000] 15.848621: io_page_fault: 0000:00:07.0 (pci): sideways at iova "
		 "0x100000, flags 0x0001",
		 IOREP_LINE_BAD},
		/* the end disagrees with the size */
		{"insmod-386 [001] 15.253402: map: iova [0xffff000, 0x10001000) 4 KiB (1 page) -> "
		 "paddr 0x1038a0000",
		 IOREP_LINE_BAD},
		{"insmod-386 [001] 15.253402: map: iova [0xffff000, 0x10000000) 4 KiB (1 page) -> "
		 "paddr",
		 IOREP_LINE_BAD},
		{"insmod-386 [001] 15.253402: map: iova [0xffff000, 0x10000000) "
		 "99999999999999999999 "
		 "EiB -> paddr 0x1",
		 IOREP_LINE_BAD},
		/* sg counts that disagree with the lists */
		{"dd-384 [000] 15.384948: dma_map_sg: 0000:00:03.0 FROM_DEVICE sg 2 -> 1: dma "
		 "[0xfffa0000, 0xfffb0000) 64 KiB; phys 0x103a75000",
		 IOREP_LINE_BAD},
		{"dd-384 [000] 15.384948: dma_unmap_sg: 0000:00:03.0 FROM_DEVICE sg 1: phys "
		 "0x103a75000",
		 IOREP_LINE_EVENT},
		{"init-1 [000] 15.207113: group: whatever", IOREP_LINE_OTHER_EVENT},
		{"init-1 [000] 15.207113: add_device_to_group: group 5: add ", IOREP_LINE_BAD},
		{"init-1 [000] 15.207113: add_device_to_group: group 5: add 0000:00:07.0",
		 IOREP_LINE_EVENT},
	};
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_textparse tp;
	struct iorep_event ev;
	size_t i;
	int kind;

	iorep_textparse_init(&tp, st);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kind = iorep_textparse_line(&tp, cases[i].line, strlen(cases[i].line), &ev);
		if (kind != cases[i].kind)
			fprintf(stderr, "\n  %s: kind %d, want %d\n", cases[i].line, kind,
				cases[i].kind);
		CU_ASSERT_EQUAL(kind, cases[i].kind);
	}
	/* the raw fault: read by key */
	iorep_textparse_line(&tp, cases[0].line, strlen(cases[0].line), &ev);
	CU_ASSERT_STRING_EQUAL(ev.driver, "pci");
	CU_ASSERT_EQUAL(ev.fault_flags, 1);
	iorep_textparse_release(&tp);
	iorep_strtab_free(st);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"sizes in exact binary units", test_bytes},
		{"map and unmap: ranges, pages, unmapped_size", test_map_unmap},
		{"io_page_fault flags, generic and AMD-Vi", test_fault_flags},
		{"group events and inert strings", test_groups_and_strings},
		{"dma events: sg, alloc, err", test_dma_events},
		{"every capture printed and read back", test_roundtrip},
		{"plugin-form lines that do not parse", test_parse_edges},
		{NULL, NULL},
	};

	return iorep_test_main("plugin", tests);
}
