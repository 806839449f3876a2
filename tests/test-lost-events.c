// SPDX-License-Identifier: MIT
/*
 * Lost events make every later finding suspected, and the report says so
 * before the findings.  The drop markers of every text form, put into a
 * real capture's text (samples/.../defects); and a forced ring-buffer
 * overrun of bench/gen-trace (--lost) in both its trace.dat and trace.txt,
 * with the unmaps of a VFIO container's live mappings dropped: a tool that
 * trusted the trace would call those mappings leaks; iommu-report reports
 * them, only suspected, and exits as the README says for findings at or
 * above --fail-on, suspected or not (1).
 */
#define _GNU_SOURCE
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#include "test-json.h"
#include "test-util.h"

#define DEFECTS IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/defects"
#define LOST_CAPTURE IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/vfio-io-lost"

static char tmpdir[256];

struct outcome {
	int status;
	char *out;	/* stdout */
	char err[4096]; /* stderr */
	cJSON *doc;	/* stdout, parsed, with --json - */
};

static void make_tmpdir(void)
{
	if (tmpdir[0])
		return;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/iorep-lost-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
}

static void spill(const char *path, const char *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL_FATAL(fwrite(buf, 1, len, fp), len);
	CU_ASSERT_EQUAL_FATAL(fclose(fp), 0);
}

/* Runs iommu-report @opts @path (@env before it); stdout, stderr and the exit status. */
static void run(struct outcome *r, const char *env, const char *opts, const char *path)
{
	char cmd[1600], opath[600], epath[600], *err;

	memset(r, 0, sizeof(*r));
	snprintf(opath, sizeof(opath), "%s/out", tmpdir);
	snprintf(epath, sizeof(epath), "%s/err", tmpdir);
	snprintf(cmd, sizeof(cmd), "%s '%s' %s '%s' > '%s' 2> '%s'", env ? env : "", IOREP_BIN,
		 opts, path, opath, epath);
	r->status = system(cmd);
	r->status = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : 128 + WTERMSIG(r->status);
	r->out = iorep_test_slurp(opath, NULL);
	err = iorep_test_slurp(epath, NULL);
	snprintf(r->err, sizeof(r->err), "%s", err);
	free(err);
	if (strstr(opts, "--json -")) {
		r->doc = cJSON_Parse(r->out);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r->doc);
	}
}

static bool starts(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)))
		fprintf(stderr, "\n\"%.*s\" does not start with \"%s\"\n", (int)strlen(prefix), s,
			prefix);
	return !strncmp(s, prefix, strlen(prefix));
}

static void done(struct outcome *r)
{
	free(r->out);
	cJSON_Delete(r->doc);
}

/* In the JSON document's text, "lost_events" comes before "findings". */
static void expect_lost_first(const struct outcome *r)
{
	const char *lost = strstr(r->out, "\n\t\"lost_events\": ");
	const char *finds = strstr(r->out, "\n\t\"findings\": ");

	CU_ASSERT_PTR_NOT_NULL_FATAL(lost);
	CU_ASSERT_PTR_NOT_NULL_FATAL(finds);
	CU_ASSERT(lost < finds);
	CU_ASSERT_TRUE(cJSON_IsTrue(iorep_test_get(r->doc, "lost_events", "any")));
}

/* ------------------------------------------------------------------------ */
/* Drop markers in text */

/*
 * Writes the defects capture's @file with @header in place of line 3 (when
 * given) and @marker put after line @after; returns the path.
 */
static const char *with_marker(const char *file, const char *header, const char *marker, int after)
{
	static char path[600];
	char src[600], *buf, *p, *nl;
	size_t len;
	FILE *fp;
	int line;

	make_tmpdir();
	snprintf(src, sizeof(src), "%s/%s", DEFECTS, file);
	buf = iorep_test_slurp(src, &len);
	snprintf(path, sizeof(path), "%s/marked.txt", tmpdir);
	fp = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	for (p = buf, line = 1; *p; p = nl + 1, line++) {
		nl = strchr(p, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
		if (line == 3 && header) {
			CU_ASSERT_FATAL(!strncmp(p, "# entries-in-buffer", 19));
			fprintf(fp, "%s\n", header);
		} else {
			fwrite(p, 1, (size_t)(nl + 1 - p), fp);
		}
		if (line == after)
			fprintf(fp, "%s\n", marker);
	}
	fclose(fp);
	free(buf);
	return path;
}

/* After line 30 (the fault): the fault stays definite, the rest is suspected. */
#define AFTER_30                                                                                   \
	"dma_api_leak@23 0xfff8000 D dma_api_leak@23 0xffff000 D io_page_fault@30 0x100000 D "     \
	"double_unmap@34 0x1000000 S unmap_size_mismatch@35 0x3000000 S "                          \
	"unmatched_unmap@35 0x3000000 S leak@0 0x400000 S leak@0 0x2000000 S "                     \
	"dma_api_double_unmap@41 0xfff7000 S outstanding@0 0xffff000 S"

static void test_trace_pipe_marker(void)
{
	struct outcome r;
	const char *path = with_marker("trace.txt", NULL, "CPU:0 [LOST 1234 EVENTS]", 30);
	char want[1024];

	run(&r, NULL, "--json -", path);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 26);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "total"), 1234);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "unknown_drops"), 0);
	CU_ASSERT_EQUAL(iorep_test_get(r.doc, "lost_events", "per_cpu")->child->valuedouble, 1234);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 0);
	expect_lost_first(&r);
	iorep_test_expect_findings(r.doc, AFTER_30);
	snprintf(want, sizeof(want),
		 "iommu-report: warning: %s: the ring buffer dropped 1234 events; findings "
		 "that may rest on them are only suspected\n",
		 path);
	CU_ASSERT_STRING_EQUAL(r.err, want);
	done(&r);

	/* the text report: the warning first */
	run(&r, NULL, "-q", path);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_STRING_EQUAL(r.err, "");
	CU_ASSERT(starts(r.out, "WARNING: 1234 events were lost (ring buffer overrun).\n"
				"         Findings after the first drop are only suspected.\n\n"
				"iommu-report "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nlost       1234: cpu0=1234\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "(suspected)"));
	done(&r);
}

/* The kernel's trace file: no count when the writer overran the reader. */
static void test_trace_file_markers(void)
{
	struct outcome r;
	const char *path;

	path = with_marker("trace.txt", NULL, "CPU:0 [LOST EVENTS]", 30);
	run(&r, NULL, "--json -", path);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "total"), 0);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "unknown_drops"), 1);
	expect_lost_first(&r);
	iorep_test_expect_findings(r.doc, AFTER_30);
	done(&r);
	run(&r, NULL, "-q", path);
	CU_ASSERT(starts(r.out, "WARNING: events were lost (ring buffer overrun, count unknown).\n"
				"         Findings after the first drop are only suspected.\n\n"));
	done(&r);

	/* where a CPU's data starts in a trace file that overran, with no header to count */
	path = with_marker("trace.txt", NULL, "##### CPU 0 buffer started ####", 30);
	run(&r, NULL, "--json -", path);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "unknown_drops"), 1);
	iorep_test_expect_findings(r.doc, AFTER_30);
	done(&r);

	/*
	 * The header says 100 of the oldest events were overwritten: before the
	 * first line, and the annotation of CPU 1's start is part of those 100.
	 * Every CPU's events are whole from CPU 1's first (15.253208, the line
	 * after it), before every finding and every event they rest on: each is
	 * definite
	 */
	path = with_marker("trace.txt", "# entries-in-buffer/entries-written: 30/130   #P:2",
			   "##### CPU 1 buffer started ####", 14);
	run(&r, NULL, "--json -", path);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 26);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "total"), 100);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "unknown_drops"), 0);
	expect_lost_first(&r);
	iorep_test_expect_findings(r.doc, "dma_api_leak@24 0xfff8000 D dma_api_leak@24 0xffff000 D "
			    "io_page_fault@31 0x100000 D double_unmap@34 0x1000000 D "
			    "unmap_size_mismatch@35 0x3000000 D unmatched_unmap@35 0x3000000 D "
			    "leak@0 0x400000 D leak@0 0x2000000 D dma_api_double_unmap@41 "
			    "0xfff7000 D outstanding@0 0xffff000 D");
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "complete_from"), 15253208000.0);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "complete_cpu"), 1);
	done(&r);
	run(&r, NULL, "-q", path);
	CU_ASSERT(starts(r.out, "WARNING: 100 events were lost (ring buffer overrun).\n"
				"         They were each CPU's oldest, overwritten: the trace holds every\n"
				"         CPU's events from 15.253208 on (CPU 1's first). Findings before\n"));
	done(&r);
	/* --events: the drop comes first, of no one CPU, and reads back */
	run(&r, NULL, "--events=text", path);
	CU_ASSERT(starts(r.out, "CPU:* [100 EVENTS DROPPED]\nCPU:1 [EVENTS DROPPED]\n"));
	done(&r);
	run(&r, NULL, "--events", path);
	CU_ASSERT(starts(r.out, "{\"ts\":15208468000,\"cpu\":-1,\"pid\":-1,\"comm\":\"\","
				"\"event\":\"lost_events\",\"count\":100}\n"));
	done(&r);
	/* without the annotation (one CPU's, say) the trace is whole from its first event */
	path = with_marker("trace.txt", "# entries-in-buffer/entries-written: 30/130   #P:2", "",
			   14);
	run(&r, NULL, "--json -", path);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "complete_from"), 15208468000.0);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "complete_cpu"), -1);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "summary", "suspected"), 0);
	done(&r);
	run(&r, NULL, "-q", path);
	CU_ASSERT(starts(r.out, "WARNING: 100 events were lost (ring buffer overrun).\n"
				"         They were the oldest, overwritten: the trace is whole from its\n"
				"         first event.\n\n"));
	done(&r);
	/* a CPU overwritten whole, its start annotated after the last line: nothing of
	 * the trace is whole, every finding is suspected, with its own severity */
	path = with_marker("trace.txt", "# entries-in-buffer/entries-written: 30/130   #P:3",
			   "##### CPU 2 buffer started ####", 42);
	run(&r, NULL, "--json -", path);
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(iorep_test_get(r.doc, "lost_events", NULL),
						   "complete_from"));
	CU_ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(
		iorep_test_get(r.doc, "lost_events", NULL), "complete_from")));
	iorep_test_expect_findings(r.doc, "dma_api_leak@23 0xfff8000 S dma_api_leak@23 0xffff000 S "
			    "io_page_fault@30 0x100000 S double_unmap@33 0x1000000 S "
			    "unmap_size_mismatch@34 0x3000000 S unmatched_unmap@34 0x3000000 S "
			    "leak@0 0x400000 S leak@0 0x2000000 S dma_api_double_unmap@40 "
			    "0xfff7000 S outstanding@0 0xffff000 S");
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "summary", "error"), 8); /* as without the drop */
	done(&r);
}

/*
 * The window rule on each kind of finding that rests on an earlier event:
 * CPU 1's oldest events overwritten, its first at 2.0.  Of two DMA-API
 * handles unmapped with the wrong size, the one mapped at 1.0 (CPU 1's
 * unmap and map in between may be lost) is info and suspected, the one
 * mapped at 2.5 an error and definite; so for a double unmap whose first
 * unmap was at 1.1 or 2.6, and for maps onto mappings made at 1.2 or 2.7.
 */
static void test_window_rule(void)
{
#define L0 "          t-9     [000] .....     "
#define L1 "          t-9     [001] .....     "
	static const char text[] =
		"# tracer: nop\n"
		"#\n"
		"# entries-in-buffer/entries-written: 20/25   #P:2\n"
		"#\n"
		L0 "0.5: add_device_to_group: IOMMU: groupID=3 device=0000:00:03.0\n"
		L0 "0.6: attach_device_to_domain: IOMMU: device=0000:00:03.0\n"
		L0 "0.9: dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffe0000 size=4096 "
		"phys_addr=1003000 attrs=\n"
		L0 "1.0: dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=ffff0000 size=4096 "
		"phys_addr=1000000 attrs=\n"
		L0 "1.1: dma_unmap_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffe0000 size=4096 "
		"attrs=\n"
		L0 "1.2: map: IOMMU: iova=0x00000000fffd0000 - 0x00000000fffd1000 "
		"paddr=0x0000000002000000 size=4096\n"
		L0 "1.2: dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffd0000 size=4096 "
		"phys_addr=2000000 attrs=\n"
		"##### CPU 1 buffer started ####\n"
		L1 "2.0: dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fff90000 size=4096 "
		"phys_addr=1009000 attrs=\n"
		L0 "2.5: dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffc0000 size=4096 "
		"phys_addr=1002000 attrs=\n"
		L0 "2.5: dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffb0000 size=4096 "
		"phys_addr=1004000 attrs=\n"
		L0 "2.6: dma_unmap_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffb0000 size=4096 "
		"attrs=\n"
		L0 "2.7: map: IOMMU: iova=0x00000000fffa0000 - 0x00000000fffa1000 "
		"paddr=0x0000000002001000 size=4096\n"
		L0 "2.7: dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffa0000 size=4096 "
		"phys_addr=2001000 attrs=\n"
		L0 "3.0: dma_unmap_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=ffff0000 size=2048 "
		"attrs=\n"
		L0 "3.1: dma_unmap_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffc0000 size=2048 "
		"attrs=\n"
		L0 "3.2: dma_unmap_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffe0000 size=4096 "
		"attrs=\n"
		L0 "3.3: dma_unmap_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffb0000 size=4096 "
		"attrs=\n"
		L0 "3.4: map: IOMMU: iova=0x00000000fffd0000 - 0x00000000fffd1000 "
		"paddr=0x0000000002000000 size=4096\n"
		L0 "3.4: dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffd0000 size=4096 "
		"phys_addr=2000000 attrs=\n"
		L0 "3.5: map: IOMMU: iova=0x00000000fffa0000 - 0x00000000fffa1000 "
		"paddr=0x0000000002001000 size=4096\n"
		L0 "3.5: dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=fffa0000 size=4096 "
		"phys_addr=2001000 attrs=\n";
#undef L0
#undef L1
	char path[600];
	struct outcome r;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/window.txt", tmpdir);
	spill(path, text, sizeof(text) - 1);
	run(&r, NULL, "--json -", path);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "complete_from"), 2000000000.0);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "complete_cpu"), 1);
	iorep_test_expect_findings(r.doc,
				   "dma_api_size_mismatch@19 0xffff0000 S "
				   "dma_api_size_mismatch@20 0xfffc0000 D "
				   "dma_api_double_unmap@21 0xfffe0000 S "
				   "dma_api_double_unmap@22 0xfffb0000 D "
				   "overlapping_map@23 0xfffd0000 S overlapping_map@25 0xfffa0000 D "
				   "outstanding@0 0xfffd0000 S dma_api_outstanding@0 0xfffd0000 S");
	/* the definite ones errors, the others info */
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "summary", "error"), 3);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "summary", "info"), 5);
	done(&r);
}

/*
 * A real overwrite (samples/.../vfio-io-lost, its GROUND_TRUTH.md): each
 * CPU's oldest events overwritten, CPU 0's up to 6.614579.  What looks wrong
 * rests on events before then and is what the lost ones explain: info and
 * suspected, no error, exit status 0, on every form.
 */
static void test_overwrite_capture(void)
{
	static const struct {
		const char *file;
		double from;
	} forms[] = {
		{ "trace.txt", 6614579000.0 },
		{ "trace.dat", 6614578690.0 },
		{ "trace.v6.dat", 6614578690.0 },
		{ "report.txt", 6614579000.0 },
	};
	const cJSON *f;
	char path[600];
	struct outcome r;
	size_t i;
	int n;

	if (!iorep_test_wanted(LOST_CAPTURE))
		return;
	make_tmpdir();
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", LOST_CAPTURE, forms[i].file);
		run(&r, NULL, "--json -", path);
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "total"), 930);
		CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "complete_from"), forms[i].from);
		CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "complete_cpu"), 0);
		CU_ASSERT_EQUAL(iorep_test_num(r.doc, "summary", "error"), 0);
		CU_ASSERT_EQUAL(iorep_test_num(r.doc, "summary", "warning"), 0);
		CU_ASSERT_EQUAL(iorep_test_num(r.doc, "summary", "info"), 314);
		CU_ASSERT_EQUAL(iorep_test_num(r.doc, "summary", "suspected"), 313);
		f = iorep_test_get(r.doc, "summary", "by_type");
		CU_ASSERT_EQUAL(cJSON_GetObjectItem(f, "overlapping_map")->valuedouble, 153);
		CU_ASSERT_EQUAL(cJSON_GetObjectItem(f, "dma_api_leak")->valuedouble, 154);
		CU_ASSERT_EQUAL(cJSON_GetObjectItem(f, "unmatched_unmap")->valuedouble, 5);
		/* the one definite: the handles live at the end, all made after 6.614579 */
		n = 0;
		cJSON_ArrayForEach(f, cJSON_GetObjectItem(r.doc, "findings"))
			if (!strcmp(cJSON_GetObjectItem(f, "confidence")->valuestring, "definite")) {
				CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(f, "type")->valuestring,
						       "dma_api_outstanding");
				n++;
			}
		CU_ASSERT_EQUAL(n, 1);
		done(&r);
	}
	snprintf(path, sizeof(path), "%s/trace.txt", LOST_CAPTURE);
	run(&r, NULL, "-q", path);
	CU_ASSERT(starts(r.out, "WARNING: 930 events were lost (ring buffer overrun).\n"
				"         They were each CPU's oldest, overwritten: the trace holds every\n"
				"         CPU's events from 6.614579 on (CPU 0's first). Findings before\n"));
	done(&r);
}

/* trace-cmd report's form, in report.txt: the same */
static void test_report_marker(void)
{
	struct outcome r;
	const char *path = with_marker("report.txt", NULL, "CPU:0 [7 EVENTS DROPPED]", 19);

	run(&r, NULL, "--json -", path);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "total"), 7);
	expect_lost_first(&r);
	iorep_test_expect_findings(r.doc, "dma_api_leak@12 0xfff8000 D dma_api_leak@12 0xffff000 D "
			    "io_page_fault@19 0x100000 D double_unmap@23 0x1000000 S "
			    "unmap_size_mismatch@24 0x3000000 S unmatched_unmap@24 0x3000000 S "
			    "leak@0 0x400000 S leak@0 0x2000000 S dma_api_double_unmap@30 "
			    "0xfff7000 S outstanding@0 0xffff000 S");
	done(&r);
}

/* ------------------------------------------------------------------------ */
/* gen-trace --lost */

#define GT_ARGS "-n 3000 -d 4 -c 2 -l 50 -D 0 --vfio 1 -s 7"

/*
 * Generates the trace into tmpdir/@name (with --lost 0:2 when @lost) and
 * drops from its trace.dat and trace.txt the unmaps a VFIO container's
 * release makes after the device went back to blocking: those mappings now
 * look live when the device leaves the domain.  Returns how many unmaps
 * (guest RAM blocks of 2 MiB at 2 MiB, 4 MiB, ...) were dropped.
 */
static int generate(const char *name, bool lost)
{
	char cmd[1200], path[600], pat[24], *dat, *txt, *p, *nl, *line;
	uint32_t hdr;
	size_t len, tlen, off;
	uint64_t v[3];
	regex_t re;
	FILE *fp;
	int i, n = 0;

	make_tmpdir();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s' && '%s' " GT_ARGS " %s '%s/%s' > /dev/null",
		 tmpdir, name, IOREP_GEN_TRACE, lost ? "--lost 0:2" : "", tmpdir, name);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);

	/* trace.dat: each unmap record becomes padding of its own length, as a discard */
	snprintf(path, sizeof(path), "%s/%s/trace.dat", tmpdir, name);
	dat = iorep_test_slurp(path, &len);
	for (i = 1; i < 16; i++) {
		v[0] = (uint64_t)i << 21;
		v[1] = v[2] = 2ull << 20;
		memcpy(pat, v, sizeof(pat)); /* iova, size, unmapped_size: little endian */
		p = memmem(dat, len, pat, sizeof(pat));
		if (!p)
			break;
		CU_ASSERT_PTR_NULL(memmem(p + 1, len - (size_t)(p + 1 - dat), pat, sizeof(pat)));
		off = (size_t)(p - dat) - 8 - 4; /* the common fields, the record header */
		memcpy(&hdr, dat + off, 4);
		CU_ASSERT_EQUAL_FATAL(hdr & 0x1f, 8); /* 32 bytes of data */
		hdr = (hdr & ~0x1fu) | 29;	      /* RINGBUF_TYPE_PADDING, same time delta */
		memcpy(dat + off, &hdr, 4);
		hdr = 32;
		memcpy(dat + off + 4, &hdr, 4);
		n++;
	}
	CU_ASSERT_FATAL(n >= 1);
	spill(path, dat, len);
	free(dat);

	/* trace.txt: the same unmaps' lines */
	snprintf(path, sizeof(path), "%s/%s/trace.txt", tmpdir, name);
	txt = iorep_test_slurp(path, &tlen);
	CU_ASSERT_EQUAL_FATAL(
		regcomp(&re,
			"unmap: IOMMU: iova=0x000000000[0-9a-f]{2}00000 - 0x[0-9a-f]+ "
			"size=2097152 unmapped_size=2097152$",
			REG_EXTENDED | REG_NOSUB),
		0);
	fp = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	i = 0;
	for (line = txt; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
		*nl = '\0';
		if (regexec(&re, line, 0, NULL, 0) == 0 &&
		    !strstr(line, "iova=0x0000000000000000 ")) {
			i++;
			continue;
		}
		fprintf(fp, "%s\n", line);
	}
	fclose(fp);
	regfree(&re);
	free(txt);
	CU_ASSERT_EQUAL(i, n);
	return n;
}

/* How many leak findings @r has; each must have confidence @conf. */
static int leaks(const struct outcome *r, const char *conf)
{
	const cJSON *f;
	int n = 0;

	cJSON_ArrayForEach(f, iorep_test_get(r->doc, "findings", NULL))
	{
		if (strcmp(iorep_test_get(f, "type", NULL)->valuestring, "leak"))
			continue;
		CU_ASSERT_STRING_EQUAL(iorep_test_get(f, "confidence", NULL)->valuestring, conf);
		n++;
	}
	return n;
}

/* The events gen-trace wrote into tmpdir/@name (its GROUND_TRUTH.json's total_events). */
static unsigned long written(const char *name)
{
	char path[600], *text;
	unsigned long n;
	cJSON *truth;

	snprintf(path, sizeof(path), "%s/%s/GROUND_TRUTH.json", tmpdir, name);
	text = iorep_test_slurp(path, NULL);
	truth = cJSON_Parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(truth);
	n = (unsigned long)iorep_test_num(truth, "total_events", NULL);
	cJSON_Delete(truth);
	free(text);
	return n;
}

static void test_gen_trace_lost(void)
{
	static const char *const files[] = {"trace.dat", "trace.txt"};
	struct outcome r;
	char path[600], want[1024];
	unsigned long total;
	int n, i;

	/* without the overrun, a trace that lost those unmaps shows definite leaks */
	n = generate("clean", false);
	total = written("clean");
	CU_ASSERT(total > 2000);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/clean/%s", tmpdir, files[i]);
		run(&r, NULL, "--json -", path);
		CU_ASSERT_EQUAL(r.status, 1);
		CU_ASSERT_EQUAL(iorep_test_events(r.doc), total - (unsigned long)n);
		CU_ASSERT_FALSE(cJSON_IsTrue(iorep_test_get(r.doc, "lost_events", "any")));
		CU_ASSERT_EQUAL(leaks(&r, "definite"), n);
		done(&r);
	}

	/* with the overrun that dropped them: the same leaks, all suspected */
	CU_ASSERT_EQUAL(generate("lost", true), n);
	CU_ASSERT_EQUAL(written("lost"), total);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/lost/%s", tmpdir, files[i]);
		run(&r, NULL, "--json -", path);
		/* error findings, suspected or not, fail --fail-on error */
		CU_ASSERT_EQUAL(r.status, 1);
		CU_ASSERT_EQUAL(iorep_test_events(r.doc), total - (unsigned long)n);
		CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "total"), 100);
		expect_lost_first(&r);
		CU_ASSERT_EQUAL(leaks(&r, "suspected"), n);
		snprintf(want, sizeof(want),
			 "iommu-report: warning: %s: the ring buffer dropped 100 events; findings "
			 "that may rest on them are only suspected\n",
			 path);
		CU_ASSERT_STRING_EQUAL(r.err, want);
		done(&r);

		run(&r, NULL, "-q", path);
		CU_ASSERT_EQUAL(r.status, 1);
		CU_ASSERT(starts(r.out,
				 "WARNING: 100 events were lost (ring buffer overrun).\n"
				 "         Findings after the first drop are only suspected.\n\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "leak"));
		done(&r);
	}
	/* trace.dat through libtracecmd instead of the kbuffer walk: the same */
	snprintf(path, sizeof(path), "%s/lost/trace.dat", tmpdir);
	run(&r, "IOREP_PLAIN_READ=1", "--json -", path);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), total - (unsigned long)n);
	CU_ASSERT_EQUAL(leaks(&r, "suspected"), n);
	done(&r);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"text: trace_pipe's drop marker", test_trace_pipe_marker},
		{"text: the trace file's overrun forms", test_trace_file_markers},
		{"a real overwrite: each CPU's oldest events", test_overwrite_capture},
		{"overwrite: what rests on an event before the trace is whole", test_window_rule},
		{"text: trace-cmd report's drop marker", test_report_marker},
		{"gen-trace --lost: dropped unmaps are suspected leaks", test_gen_trace_lost},
		{NULL, NULL},
	};
	char cmd[300];
	int ret = iorep_test_main("lost events", tests);

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			ret = ret ? ret : 1;
	}
	return ret;
}
