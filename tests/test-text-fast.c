// SPDX-License-Identifier: MIT
/*
 * The template readers of the usual head (src/text-head.c) and of the most
 * frequent payloads (src/text-fast.c) give exactly what the generic parser
 * gives: the same line kind and the same event, field for field, on every
 * line of every capture's trace.txt and report.txt, on a generated trace,
 * and on every one-byte change, deletion, doubled space and cut of lines of
 * each of the six events and of the heads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "iorep-report.h"
#include "iorep-strtab.h"
#include "iorep-textparse.h"
#include "test-util.h"
#include "textparse-local.h"

struct pair {
	struct iorep_strtab *st;
	struct iorep_textparse fast, generic;
	unsigned long lines, events, differ;
};

static void pair_init(struct pair *p)
{
	memset(p, 0, sizeof(*p));
	p->st = iorep_strtab_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(p->st);
	iorep_textparse_init(&p->fast, p->st);
	iorep_textparse_init(&p->generic, p->st);
	p->generic.generic_only = true;
}

static void pair_release(struct pair *p)
{
	iorep_textparse_release(&p->fast);
	iorep_textparse_release(&p->generic);
	iorep_strtab_free(p->st);
}

static char *event_json(const struct iorep_event *ev)
{
	cJSON *o = iorep_event_to_json(ev);
	char *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* Parses @line both ways; a difference is printed and counted. */
static void compare(struct pair *p, const char *line, size_t len)
{
	struct iorep_event a, b;
	int ka, kb;
	char *ja, *jb;

	ka = iorep_textparse_line(&p->fast, line, len, &a);
	kb = iorep_textparse_line(&p->generic, line, len, &b);
	p->lines++;
	if (ka != kb) {
		if (!p->differ++)
			fprintf(stderr, "kind %d vs %d: %.*s\n", ka, kb, (int)len, line);
		return;
	}
	if (ka != IOREP_LINE_EVENT)
		return;
	p->events++;
	ja = event_json(&a);
	jb = event_json(&b);
	/* the head's fields too, the JSON does not carry them all */
	if (strcmp(ja, jb) || a.have != b.have || a.ts != b.ts || a.cpu != b.cpu ||
	    a.pid != b.pid || a.tgid != b.tgid || a.ctx != b.ctx || a.comm != b.comm) {
		if (!p->differ++)
			fprintf(stderr, "%.*s\n  template: %s\n  generic:  %s\n", (int)len, line,
				ja, jb);
	}
	cJSON_free(ja);
	cJSON_free(jb);
}

static void compare_file(struct pair *p, const char *path)
{
	size_t len, i, start;
	char *text = iorep_test_slurp(path, &len);

	for (start = i = 0; i <= len; i++)
		if (i == len || text[i] == '\n') {
			compare(p, text + start, i - start);
			start = i + 1;
		}
	free(text);
}

static void test_captures(void)
{
	static char dirs[32][2048];
	static const char *const files[] = {"trace.txt", "report.txt"};
	char path[4096];
	struct pair p;
	int i, n = iorep_test_captures(dirs, 32);
	size_t f;

	CU_ASSERT_EQUAL(n, iorep_test_ncaptures());
	pair_init(&p);
	for (i = 0; i < n; i++)
		for (f = 0; f < 2; f++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], files[f]);
			compare_file(&p, path);
		}
	CU_ASSERT_EQUAL(p.differ, 0);
	/* every event of every capture, in two files each (as test-read-ahead counts them) */
	if (!iorep_test_subset())
		CU_ASSERT_EQUAL(p.events, 2 * (17518 + 1402 + 2344 + 1227 + 2244 + 971 + 1303 +
					       2080 + 3721 + 1925 + 2086 + 1093 + 47 + 54 + 46 +
					       59 + 58));
	pair_release(&p);
}

static void test_generated(void)
{
	char dir[] = "/tmp/iorep-fast-XXXXXX", cmd[512], path[600];
	struct pair p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "'%s' -n 30000 -D 40 --seed 3 '%s' >/dev/null", IOREP_GEN_TRACE,
		 dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/trace.txt", dir);
	pair_init(&p);
	compare_file(&p, path);
	CU_ASSERT_EQUAL(p.differ, 0);
	CU_ASSERT(p.events >= 30000);
	pair_release(&p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static const char *const lines[] = {
	"  dd-380  [000] d..1.    15.282767: map: IOMMU: iova=0x00000000ffff7000 - "
	"0x00000000ffff8000 paddr=0x00000001030ec000 size=4096",
	"  <idle>-0  [000] d.h2.  15.283938: unmap: IOMMU: iova=0x00000000fffde000 - "
	"0x00000000fffdf000 size=4096 unmapped_size=4096",
	"  ip-422  [000] .....  20.396513: dma_map_page: 0000:00:06.0 dir=FROM_DEVICE "
	"dma_addr=ffefd840 size=1522 phys_addr=103d4a840 attrs=",
	"  init-1  [000] .....  18.645349: dma_unmap_page: 0000:00:06.0 dir=FROM_DEVICE "
	"dma_addr=ffffb840 size=1522 attrs=",
	"  dd-384  [000] .....  15.384594: dma_map_sg: 0000:00:03.0 dir=FROM_DEVICE nents=3/3 "
	"ents=1/1 dma_addrs={0xfffa0000} sizes={0x3000} "
	"phys_addrs={0x103a75000,0x103ac6000,0x10353e000} attrs=NO_WARN",
	"  dd-384  [000] .....  15.384594: dma_map_sg: 0000:00:03.0 dir=TO_DEVICE nents=128/130 "
	"ents=1/1 [TRUNCATED] dma_addrs={0xfffa0000} sizes={0x82000} phys_addrs={0x1000,0x2000} "
	"attrs=",
	"  <idle>-0  [000] d.h1.  15.394708: dma_unmap_sg: 0000:00:03.0 dir=FROM_DEVICE "
	"phys_addrs={0x103a75000,0x103ac6000} attrs=",
	/* heads: a ':' in the comm, no flags column, a tgid, an instance, a blank in the comm */
	"     kworker/1:3-401     [000] .....    18.242246: map: IOMMU: iova=0x00000000ffe1c000 "
	"- 0x00000000ffe20000 paddr=0x0000002d234d0000 size=16384",
	"  kworker/u8:1-12345 [003]  1234.123456789: unmap: IOMMU: iova=0x00000000ffe1c000 - "
	"0x00000000ffe20000 size=16384 unmapped_size=16384",
	"  qemu-system-x86-1026  (   1026) [001] d..1. 78.447876: map: IOMMU: "
	"iova=0x0000000000100000 - 0x0000000000101000 paddr=0x0000000001000000 size=4096",
	"  global: dd-384  [000] .....  15.384594: dma_unmap_page: 0000:00:06.0 dir=FROM_DEVICE "
	"dma_addr=ffffb840 size=1522 attrs=",
	"  my prog-7  [000] d.s1. 9999999999.999999: dma_unmap_page: 0000:00:06.0 "
	"dir=FROM_DEVICE dma_addr=ffffb840 size=1522 attrs=",
	/* every hex digit in each place of the 16 (read as one vector), both cases */
	"  dd-380  [001] d..1.    15.282767: map: IOMMU: iova=0x0123456789abc000 - "
	"0x0123456789abd000 paddr=0xFEDCBA9876543000 size=4096",
};

/* The event's name and payload in @line: after the timestamp's ": " (a digit before it). */
static const char *after_ts(const char *line)
{
	const char *c;

	for (c = strstr(line, ": "); c && (c == line || c[-1] < '0' || c[-1] > '9');
	     c = strstr(c + 1, ": "))
		;
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	return c + 2;
}

/* Each line changed at every byte: replaced, deleted, a space doubled, cut there. */
static void test_every_change(void)
{
	/* and each byte next to a range of hex digits, and bytes past 0x7f */
	static const char subst[] = {'X', '=', ' ', '0', 'f', 'F', '-', '\t', '\0', '/',
				     ':',  '@', 'A', 'G', '`', 'a', 'g', '9', '\x80', '\xc6', '\xe6'};
	char buf[512];
	const char *pl;
	struct pair p;
	size_t l, i, k, n;

	pair_init(&p);
	for (l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
		n = strlen(lines[l]);
		compare(&p, lines[l], n);
		for (i = 0; i < n; i++) {
			for (k = 0; k < sizeof(subst); k++) {
				memcpy(buf, lines[l], n);
				buf[i] = subst[k];
				compare(&p, buf, n);
			}
			memcpy(buf, lines[l], i);
			memcpy(buf + i, lines[l] + i + 1, n - i - 1);
			compare(&p, buf, n - 1);
			memcpy(buf, lines[l], i);
			buf[i] = ' ';
			memcpy(buf + i + 1, lines[l] + i, n - i);
			compare(&p, buf, n + 1);
			compare(&p, lines[l], i);
		}
		/* what the generic parser drops before any payload (a fuzz finding) */
		pl = after_ts(lines[l]);
		pl = strchr(pl, ':') + 1;
		snprintf(buf, sizeof(buf), "%.*s IOMMU:%s", (int)(pl - lines[l]), lines[l], pl + 1);
		compare(&p, buf, strlen(buf));
		snprintf(buf, sizeof(buf), "%.*s [FAILED TO PARSE]%s", (int)(pl - lines[l]),
			 lines[l], pl);
		compare(&p, buf, strlen(buf));
		snprintf(buf, sizeof(buf), "%s attrs=SKIP_CPU_SYNC", lines[l]);
		compare(&p, buf, strlen(buf));
		snprintf(buf, sizeof(buf), "%s   ", lines[l]);
		compare(&p, buf, strlen(buf));
	}
	CU_ASSERT_EQUAL(p.differ, 0);
	CU_ASSERT(p.lines > 4 * 100 * 12);
	pair_release(&p);
}

/*
 * The template takes the six kernel forms, and leaves attrs by name on a
 * single mapping to the generic parser.
 */
static void test_template_used(void)
{
	struct iorep_event ev;
	struct pair p;
	const char *pl;
	size_t l;

	pair_init(&p);
	for (l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
		CU_ASSERT_EQUAL_FATAL(
			iorep_textparse_line(&p.fast, lines[l], strlen(lines[l]), &ev),
			IOREP_LINE_EVENT);
		pl = after_ts(lines[l]);
		pl = strchr(pl, ':') + 1;
		iorep_event_reset(&ev, ev.type);
		CU_ASSERT_EQUAL(iorep_textparse_fast(&p.fast, &ev, pl, strlen(pl)), 0);
	}
	iorep_event_reset(&ev, IOREP_EV_DMA_MAP_PAGE);
	pl = " 0000:00:06.0 dir=TO_DEVICE dma_addr=f000 size=16 phys_addr=1000 attrs=SKIP_CPU_SYNC";
	CU_ASSERT_EQUAL(iorep_textparse_fast(&p.fast, &ev, pl, strlen(pl)), 1);
	CU_ASSERT_PTR_NULL(ev.device);
	CU_ASSERT_EQUAL(ev.have, 0);
	pair_release(&p);
}

/*
 * Numbers of every length, at the payload's end and inside it, read by the
 * template (decimal up to 19 digits, hex without 0x up to 15) with their
 * exact values, and as the generic parser reads them past that.
 */
static void test_number_lengths(void)
{
	static const char dec[] = "12345678901234567890", hex[] = "fEdCbA9876543210f";
	char line[512], d[32], h[32];
	const char *pl, *name;
	struct iorep_event ev;
	struct pair p;
	uint64_t dv, hv;
	int n, fast, k;

	pair_init(&p);
	for (n = 1; n <= 20; n++) {
		snprintf(d, sizeof(d), "%.*s", n, dec);
		snprintf(h, sizeof(h), "%.*s", n < 17 ? n : 17, hex);
		dv = strtoull(d, NULL, 10);
		hv = strtoull(h, NULL, 16);
		for (k = 0; k < 3; k++) {
			if (k == 0)
				snprintf(line, sizeof(line),
					 "  dd-380  [000] d..1.    15.282767: map: IOMMU: "
					 "iova=0x0000000000000000 - 0x%016llx "
					 "paddr=0x0000000000001000 size=%s",
					 (unsigned long long)dv, d);
			else if (k == 1)
				snprintf(line, sizeof(line),
					 "  dd-380  [000] d..1.    15.282767: unmap: IOMMU: "
					 "iova=0x0000000000000000 - 0x%016llx size=%s "
					 "unmapped_size=%s",
					 (unsigned long long)dv, d, d);
			else
				snprintf(line, sizeof(line),
					 "  ip-422  [000] .....  20.396513: dma_map_page: "
					 "0000:00:06.0 dir=FROM_DEVICE dma_addr=%s size=%s "
					 "phys_addr=%s attrs=",
					 h, d, h);
			compare(&p, line, strlen(line));
			/* the payload, after the event's name */
			name = k == 0 ? " map:" : k == 1 ? " unmap:" : " dma_map_page:";
			pl = strstr(line, name);
			CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
			pl += strlen(name);
			iorep_event_reset(&ev, k == 0 ? IOREP_EV_MAP :
					  k == 1 ? IOREP_EV_UNMAP : IOREP_EV_DMA_MAP_PAGE);
			fast = iorep_textparse_fast(&p.fast, &ev, pl, strlen(pl));
			if (n <= 19 && (k < 2 || n <= 15)) {
				CU_ASSERT_EQUAL(fast, 0);
				CU_ASSERT_EQUAL(ev.size, dv);
				if (k == 1)
					CU_ASSERT_EQUAL(ev.unmapped_size, dv);
				if (k == 2) {
					CU_ASSERT_EQUAL(ev.dma_addr, hv);
					CU_ASSERT_EQUAL(ev.phys_addr, hv);
				}
			}
		}
	}
	CU_ASSERT_EQUAL(p.differ, 0);
	CU_ASSERT_EQUAL(p.lines, 60);
	pair_release(&p);
}

/*
 * The head's template reads the kernel's and trace-cmd report's usual heads,
 * with a tgid or without, and leaves an instance's name, other numbers and
 * what is not a head to the generic rule.
 */
static void test_head_used(void)
{
	static const struct {
		const char *line;
		int32_t cpu, pid;
		uint64_t ts;
		const char *comm;
		uint32_t ctx;
		int32_t tgid;
	} read[] = {
		{"     kworker/1:3-401     [002] d.h1.    18.242246: map: IOMMU: iova=0x1", 2, 401,
		 18242246000ull, "kworker/1:3", IOREP_CTX_ATOMIC, 0},
		{"  <idle>-0  [003]  15.283938123: unmap: IOMMU: iova=0x1 - 0x2 size=1 x=1", 3, 0,
		 15283938123ull, "<idle>", 0, 0},
		{"  my prog-7  [000] .....    1.5: dma_free: 0000:00:06.0 dir=TO_DEVICE", 0, 7,
		 1500000000ull, "my prog", 0, 0},
		{"  dd-1  [000] .....  0.000009: dma_free: 0000:00:06.0 dir=TO_DEVICE", 0, 1, 9000, "dd",
		 0, 0},
		{"  dd-1  [000] .....  4294967296.987654: dma_free: 0000:00:06.0 dir=TO_DEVICE", 0, 1,
		 4294967296987654000ull, "dd", 0, 0},
		{"  qemu-1026  (   1027) [001] d..1. 78.447876: map: IOMMU: iova=0x1 - 0x2", 1, 1026,
		 78447876000ull, "qemu", IOREP_CTX_ATOMIC, 1027},
		{"  <...>-1026  (-------) [001] d..1. 78.447876: map: IOMMU: iova=0x1 - 0x2", 1, 1026,
		 78447876000ull, "<...>", IOREP_CTX_ATOMIC, 0},
	};
	static const char *const left[] = {
		"  qemu-1026  (  0x12) [001] d..1. 78.447876: map: IOMMU: iova=0x1 - 0x2",
		"  qemu-1026  (1 2) [001] d..1. 78.447876: map: IOMMU: iova=0x1 - 0x2",
		"  global: dd-384  [000] .....  15.384594: dma_unmap_page: 0000:00:06.0",
		"  dd-384  [000] .....  15: dma_unmap_page: 0000:00:06.0 dir=TO_DEVICE size=1",
		"  dd 384  [000] .....  15.384594: dma_unmap_page: 0000:00:06.0 dir=TO_DEVICE",
		"  a 1: b-7  [000] .....  1.5: dma_free: 0000:00:06.0 dir=TO_DEVICE",
		/* a fuzz finding: the generic rule takes the second "[000]" for the CPU's */
		"  init-1       [000]      [000]    15.216755: (+9642)  print: x",
		"# tracer: nop                                                      ",
		"  dd-384  [000]",
	};
	struct iorep_event ev;
	const char *pl;
	size_t n, i;
	struct pair p;

	pair_init(&p);
	for (i = 0; i < sizeof(read) / sizeof(read[0]); i++) {
		iorep_event_reset(&ev, IOREP_EV__COUNT);
		CU_ASSERT_EQUAL_FATAL(iorep_textparse_fast_head(&p.fast, read[i].line,
								strlen(read[i].line), &ev, &pl, &n),
				      0);
		CU_ASSERT_EQUAL(ev.cpu, read[i].cpu);
		CU_ASSERT_EQUAL(ev.pid, read[i].pid);
		CU_ASSERT_EQUAL(ev.ts, read[i].ts);
		CU_ASSERT_STRING_EQUAL(ev.comm, read[i].comm);
		CU_ASSERT_EQUAL(ev.ctx, read[i].ctx);
		CU_ASSERT_EQUAL(ev.tgid, read[i].tgid);
		CU_ASSERT_EQUAL(pl, strstr(read[i].line, ": ") + 1);
		CU_ASSERT_EQUAL(n, strlen(pl));
		compare(&p, read[i].line, strlen(read[i].line));
	}
	for (i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		iorep_event_reset(&ev, IOREP_EV__COUNT);
		CU_ASSERT_EQUAL(iorep_textparse_fast_head(&p.fast, left[i], strlen(left[i]), &ev,
							  &pl, &n),
				1);
		CU_ASSERT_PTR_NULL(ev.comm);
		compare(&p, left[i], strlen(left[i]));
	}
	CU_ASSERT_EQUAL(p.differ, 0);
	pair_release(&p);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"every capture line: template = generic", test_captures},
		{"a generated trace: template = generic", test_generated},
		{"every one-byte change: template = generic", test_every_change},
		{"the template is used", test_template_used},
		{"numbers of every length", test_number_lengths},
		{"the head's template is used", test_head_used},
		{NULL, NULL},
	};

	return iorep_test_main("text-fast", tests);
}
