// SPDX-License-Identifier: MIT
/*
 * Text traces damaged on purpose, from real captures: the test takes
 * samples/.../trace.txt (the kernel's trace file) and report.txt (trace-cmd
 * report), breaks lines in one controlled way each (CRLF, garbage between
 * lines, a 1 MiB line, a NUL, invalid UTF-8, a line cut in the middle, the
 * file cut in its last line), plain and gzip/xz/zstd-compressed, and runs
 * the command on it.  Every bad line is counted and named (the first five,
 * then "and N more"); every event of an undamaged line is read; the
 * findings made before the damage do not change, and those after a line
 * that lost an event are only suspected.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#include "test-json.h"
#include "test-util.h"

#define CAPS IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64"

static char tmpdir[256];

struct text {
	char *buf;
	size_t len;
	const char **line; /* line[1..n], each ends at its '\n' */
	size_t *llen;
	size_t n;
};

struct outcome {
	int status;
	cJSON *doc;
	char err[4096]; /* stderr */
};

static void make_tmpdir(void)
{
	if (tmpdir[0])
		return;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/iorep-damage-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
}

static void load(struct text *t, const char *path)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 1 << 16, i, start;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	memset(t, 0, sizeof(*t));
	t->buf = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->buf);
	for (;;) {
		t->len += fread(t->buf + t->len, 1, cap - t->len, fp);
		if (t->len < cap)
			break;
		cap *= 2;
		t->buf = realloc(t->buf, cap);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t->buf);
	}
	fclose(fp);
	CU_ASSERT_FATAL(t->len > 0 && t->buf[t->len - 1] == '\n');
	for (i = 0; i < t->len; i++)
		t->n += t->buf[i] == '\n';
	t->line = calloc(t->n + 1, sizeof(*t->line));
	t->llen = calloc(t->n + 1, sizeof(*t->llen));
	CU_ASSERT_FATAL(t->line && t->llen);
	for (i = 0, start = 0, t->n = 0; i < t->len; i++) {
		if (t->buf[i] != '\n')
			continue;
		t->n++;
		t->line[t->n] = t->buf + start;
		t->llen[t->n] = i - start;
		start = i + 1;
	}
}

static void unload(struct text *t)
{
	free(t->buf);
	free((void *)t->line);
	free(t->llen);
}

/* A file being written: the lines of a text, some changed. */
struct out {
	FILE *fp;
	char path[512];
};

static void out_open(struct out *o, const char *name)
{
	make_tmpdir();
	snprintf(o->path, sizeof(o->path), "%s/%s", tmpdir, name);
	o->fp = fopen(o->path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o->fp);
}

static void put(struct out *o, const void *p, size_t n)
{
	CU_ASSERT_EQUAL_FATAL(fwrite(p, 1, n, o->fp), n);
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Lines @from..@to of @t, with their newlines (or @eol). */
static void copy(struct out *o, const struct text *t, size_t from, size_t to, const char *eol)
{
	size_t i;

	for (i = from; i <= to && i <= t->n; i++) {
		put(o, t->line[i], t->llen[i]);
		puts_(o, eol ? eol : "\n");
	}
}

/* Compresses @o's file with @tool ("gzip", "xz", "zstd") when given; returns its path. */
static const char *out_close(struct out *o, const char *tool)
{
	char cmd[1200];

	CU_ASSERT_EQUAL_FATAL(fclose(o->fp), 0);
	if (!tool)
		return o->path;
	snprintf(cmd, sizeof(cmd), "%s -q -c '%s' > '%s.z' && mv '%s.z' '%s'", tool, o->path,
		 o->path, o->path, o->path);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	return o->path;
}

/* Runs iommu-report --json - @path; stderr is kept. */
static void run(struct outcome *r, const char *path)
{
	char cmd[1600], jpath[600], epath[600];
	FILE *fp;
	size_t n;
	char *json;

	memset(r, 0, sizeof(*r));
	snprintf(jpath, sizeof(jpath), "%s/out.json", tmpdir);
	snprintf(epath, sizeof(epath), "%s/err.txt", tmpdir);
	snprintf(cmd, sizeof(cmd), "'%s' --json - '%s' > '%s' 2> '%s'", IOREP_BIN, path, jpath,
		 epath);
	r->status = system(cmd);
	r->status = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : 128 + WTERMSIG(r->status);
	fp = fopen(epath, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	n = fread(r->err, 1, sizeof(r->err) - 1, fp);
	r->err[n] = '\0';
	fclose(fp);
	json = iorep_test_slurp(jpath, NULL);
	r->doc = cJSON_Parse(json);
	free(json);
	if (!r->doc)
		fprintf(stderr, "\n%s: no JSON (status %d): %s\n", path, r->status, r->err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->doc);
}

static void done(struct outcome *r)
{
	cJSON_Delete(r->doc);
}

static void expect_err(const struct outcome *r, const char *want)
{
	if (strcmp(r->err, want))
		fprintf(stderr, "\nstderr:\n  got  %s  want %s", r->err, want);
	CU_ASSERT_STRING_EQUAL(r->err, want);
}

/* input.bad_line_numbers as "n n n" ("" for none), compared with @want. */
static void expect_bad_line_numbers(const struct outcome *r, const char *want)
{
	const cJSON *a = iorep_test_get(r->doc, "input", "bad_line_numbers"), *v;
	char got[256];
	size_t n = 0;

	CU_ASSERT_FATAL(cJSON_IsArray(a));
	got[0] = '\0';
	cJSON_ArrayForEach(v, a)
	{
		CU_ASSERT_FATAL(cJSON_IsNumber(v));
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%.0f", n ? " " : "",
				      v->valuedouble);
		CU_ASSERT_FATAL(n < sizeof(got));
	}
	if (strcmp(got, want))
		fprintf(stderr, "\nbad_line_numbers:\n  got  [%s]\n  want [%s]\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

/* ------------------------------------------------------------------------ */

/* The defects capture's findings, undamaged: the reference of every case below. */
#define DEFECTS_FINDINGS                                                                           \
	"dma_api_leak@23 0xfff8000 D dma_api_leak@23 0xffff000 D io_page_fault@30 0x100000 D "     \
	"double_unmap@33 0x1000000 D unmap_size_mismatch@34 0x3000000 D "                          \
	"unmatched_unmap@34 0x3000000 D leak@0 0x400000 D leak@0 0x2000000 D "                     \
	"dma_api_double_unmap@40 0xfff7000 D outstanding@0 0xffff000 D"

static void test_defects_undamaged(void)
{
	struct outcome r;

	make_tmpdir();
	run(&r, CAPS "/defects/trace.txt");
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 26);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 0);
	expect_bad_line_numbers(&r, "");
	iorep_test_expect_findings(r.doc, DEFECTS_FINDINGS);
	expect_err(&r, "");
	done(&r);
}

/* CRLF line ends: nothing changes. */
static void test_crlf(void)
{
	static const char *const files[] = {"trace.txt", "report.txt"};
	struct text t;
	struct out o;
	struct outcome r;
	char path[512];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/defects/%s", CAPS, files[i]);
		load(&t, path);
		out_open(&o, "crlf.txt");
		copy(&o, &t, 1, t.n, "\r\n");
		run(&r, out_close(&o, NULL));
		CU_ASSERT_EQUAL(r.status, 1);
		CU_ASSERT_EQUAL(iorep_test_events(r.doc), 26);
		CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 0);
		/* report.txt has no "#" header: its event lines are 12 lines up */
		if (i == 0)
			iorep_test_expect_findings(r.doc, DEFECTS_FINDINGS);
		else
			iorep_test_expect_findings(r.doc,
					"dma_api_leak@12 0xfff8000 D dma_api_leak@12 0xffff000 D "
					"io_page_fault@19 0x100000 D double_unmap@22 0x1000000 D "
					"unmap_size_mismatch@23 0x3000000 D unmatched_unmap@23 "
					"0x3000000 D leak@0 0x400000 D leak@0 0x2000000 D "
					"dma_api_double_unmap@29 0xfff7000 D outstanding@0 "
					"0xffff000 D");
		expect_err(&r, "");
		done(&r);
		unload(&t);
	}
}

/* Line @i of @t with bytes [@at, @at + @n) replaced by @with (@n bytes). */
static void patched(struct out *o, const struct text *t, size_t i, size_t at, const char *with,
		    size_t n)
{
	CU_ASSERT_FATAL(at + n <= t->llen[i]);
	put(o, t->line[i], at);
	put(o, with, n);
	put(o, t->line[i] + at + n, t->llen[i] - at - n);
	puts_(o, "\n");
}

/* Where @what is in line @i of @t (it must be). */
static size_t offset_of(const struct text *t, size_t i, const char *what)
{
	const char *p = memmem(t->line[i], t->llen[i], what, strlen(what));

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return (size_t)(p - t->line[i]);
}

/* Lines that are not ftrace's between the lines: counted, named, and nothing lost. */
static void test_garbage_lines(void)
{
	struct text t;
	struct out o;
	struct outcome r;
	char want[1024];

	load(&t, CAPS "/defects/trace.txt");
	out_open(&o, "garbage.txt");
	copy(&o, &t, 1, 20, NULL);
	puts_(&o, "garbage \x01\x02 <b>&amp; \x1b[31m\n"); /* line 21 */
	copy(&o, &t, 21, 35, NULL);
	puts_(&o, "0000:00:07.0 iova=0x100000\n"); /* line 37 */
	copy(&o, &t, 36, t.n, NULL);
	run(&r, out_close(&o, NULL));
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 26);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 2);
	expect_bad_line_numbers(&r, "21 37");
	CU_ASSERT_FALSE(cJSON_IsTrue(iorep_test_get(r.doc, "lost_events", "any")));
	/* every finding as before, one line further down after line 20, two after 36 */
	iorep_test_expect_findings(r.doc, "dma_api_leak@24 0xfff8000 D dma_api_leak@24 0xffff000 D "
			    "io_page_fault@31 0x100000 D double_unmap@34 0x1000000 D "
			    "unmap_size_mismatch@35 0x3000000 D unmatched_unmap@35 0x3000000 D "
			    "leak@0 0x400000 D leak@0 0x2000000 D dma_api_double_unmap@42 "
			    "0xfff7000 D outstanding@0 0xffff000 D");
	snprintf(want, sizeof(want),
		 "iommu-report: warning: %s: 2 lines not understood (lines 21, 37)\n", o.path);
	expect_err(&r, want);
	done(&r);
	unload(&t);
}

/* A line of 1 MiB (no event in it): skipped, counted, named. */
static void test_overlong_line(void)
{
	struct text t;
	struct out o;
	struct outcome r;
	char want[1024], *big = malloc(1 << 20);

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'x', 1 << 20);
	load(&t, CAPS "/defects/trace.txt");
	out_open(&o, "overlong.txt");
	copy(&o, &t, 1, 24, NULL);
	put(&o, big, 1 << 20); /* line 25 */
	puts_(&o, "\n");
	copy(&o, &t, 25, t.n, NULL);
	run(&r, out_close(&o, NULL));
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 26);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 1);
	expect_bad_line_numbers(&r, "25");
	iorep_test_expect_findings(r.doc, "dma_api_leak@23 0xfff8000 D dma_api_leak@23 0xffff000 D "
			    "io_page_fault@31 0x100000 D double_unmap@34 0x1000000 D "
			    "unmap_size_mismatch@35 0x3000000 D unmatched_unmap@35 0x3000000 D "
			    "leak@0 0x400000 D leak@0 0x2000000 D dma_api_double_unmap@41 "
			    "0xfff7000 D outstanding@0 0xffff000 D");
	snprintf(want, sizeof(want), "iommu-report: warning: %s: 1 line not understood (line 25)\n",
		 o.path);
	expect_err(&r, want);
	done(&r);
	unload(&t);
	free(big);
}

/*
 * Damage to one event line: @n bytes at @what replaced by @with, or (@with
 * NULL) the line cut at @what.  That event is lost, the others are read, the
 * findings before it stay definite and those after it are only suspected.
 */
static void one_damaged_line(const char *name, size_t lineno, const char *what, const char *with,
			     size_t n, const char *want_findings)
{
	struct text t;
	struct out o;
	struct outcome r;
	char want[1024], nrs[24];

	load(&t, CAPS "/defects/trace.txt");
	out_open(&o, name);
	copy(&o, &t, 1, lineno - 1, NULL);
	if (with) {
		patched(&o, &t, lineno, offset_of(&t, lineno, what), with, n);
	} else {
		/* cut where @what starts */
		put(&o, t.line[lineno], offset_of(&t, lineno, what));
		puts_(&o, "\n");
	}
	copy(&o, &t, lineno + 1, t.n, NULL);
	run(&r, out_close(&o, NULL));
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 25);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 1);
	snprintf(nrs, sizeof(nrs), "%zu", lineno);
	expect_bad_line_numbers(&r, nrs);
	CU_ASSERT_TRUE(cJSON_IsTrue(iorep_test_get(r.doc, "lost_events", "any")));
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "total"), 0);
	iorep_test_expect_findings(r.doc, want_findings);
	snprintf(want, sizeof(want),
		 "iommu-report: warning: %s: 1 line not understood (line %zu); iommu/dma events "
		 "were lost with them, findings after line %zu are only suspected\n",
		 o.path, lineno, lineno);
	expect_err(&r, want);
	done(&r);
	unload(&t);
}

static void test_nul_byte(void)
{
	/*
	 * In the padding before the comm of the unmap of 0x200000 (line 31),
	 * where nothing else would notice it: the mapping stays live, so leaving
	 * the domain (line 35) leaks it, only suspected
	 */
	one_damaged_line("nul.txt", 31, " insmod", "\0insmod", 7,
			 "dma_api_leak@23 0xfff8000 D dma_api_leak@23 0xffff000 D "
			 "io_page_fault@30 0x100000 D double_unmap@33 0x1000000 S "
			 "unmap_size_mismatch@34 0x3000000 S unmatched_unmap@34 0x3000000 S "
			 "leak@0 0x200000 S leak@0 0x400000 S leak@0 0x2000000 S "
			 "dma_api_double_unmap@40 0xfff7000 S outstanding@0 0xffff000 S");
}

static void test_invalid_utf8(void)
{
	struct text t;
	struct out o;
	struct outcome r;

	/* in a comm: a name like any other; the line is read */
	load(&t, CAPS "/defects/trace.txt");
	out_open(&o, "utf8-comm.txt");
	copy(&o, &t, 1, 15, NULL);
	patched(&o, &t, 16, offset_of(&t, 16, "insmod"), "in\xff\xfe\xc3od", 6);
	copy(&o, &t, 17, t.n, NULL);
	run(&r, out_close(&o, NULL));
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 26);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 0);
	iorep_test_expect_findings(r.doc, DEFECTS_FINDINGS);
	expect_err(&r, "");
	done(&r);
	unload(&t);

	/*
	 * In the IOVA of the unmap before the fault: the fault now hits a live
	 * mapping, and that is only suspected
	 */
	one_damaged_line("utf8-iova.txt", 29, "0x0000000000100000",
			 "0x00000000001\xff\xfe"
			 "000",
			 18,
			 "dma_api_leak@23 0xfff8000 D dma_api_leak@23 0xffff000 D "
			 "io_page_fault@30 0x100000 S double_unmap@33 0x1000000 S "
			 "unmap_size_mismatch@34 0x3000000 S unmatched_unmap@34 0x3000000 S "
			 "leak@0 0x100000 S leak@0 0x400000 S leak@0 0x2000000 S "
			 "dma_api_double_unmap@40 0xfff7000 S outstanding@0 0xffff000 S");
}

/*
 * A CPU number past any machine's (found by fuzz-text: the run stopped with
 * "invalid argument", naming neither file nor line): an event line naming
 * one is a bad line, and a drop marker naming one still counts its drop.
 */
static void test_cpu_past_limit(void)
{
	struct text t;
	struct out o;
	struct outcome r;
	char want[1024];

	/* the unmap of 0x200000 on CPU 999999999: lost, as with the NUL above */
	one_damaged_line("cpu.txt", 31, "[000] .....", "[999999999]", 11,
			 "dma_api_leak@23 0xfff8000 D dma_api_leak@23 0xffff000 D "
			 "io_page_fault@30 0x100000 D double_unmap@33 0x1000000 S "
			 "unmap_size_mismatch@34 0x3000000 S unmatched_unmap@34 0x3000000 S "
			 "leak@0 0x200000 S leak@0 0x400000 S leak@0 0x2000000 S "
			 "dma_api_double_unmap@40 0xfff7000 S outstanding@0 0xffff000 S");

	load(&t, CAPS "/defects/trace.txt");
	out_open(&o, "cpu-lost.txt");
	copy(&o, &t, 1, 25, NULL);
	puts_(&o, "CPU:999999999 [LOST 5 EVENTS]\n"); /* line 26 */
	copy(&o, &t, 26, t.n, NULL);
	run(&r, out_close(&o, NULL));
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 26);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 0);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "total"), 5);
	/* counted for no one CPU: the per-CPU list is the trace's two */
	CU_ASSERT_EQUAL(cJSON_GetArraySize(iorep_test_get(r.doc, "lost_events", "per_cpu")), 2);
	snprintf(want, sizeof(want),
		 "iommu-report: warning: %s: the ring buffer dropped 5 events; findings that may "
		 "rest on them are only suspected\n",
		 o.path);
	expect_err(&r, want);
	done(&r);
	unload(&t);
}

/* A line cut in the middle (the rest of it gone, the newline there). */
static void test_cut_line(void)
{
	/* the first unmap of 0x1000000 (line 32): the second one is no double unmap now */
	one_damaged_line("cut.txt", 32, "size=8192 unmapped_size=8192", NULL, 0,
			 "dma_api_leak@23 0xfff8000 D dma_api_leak@23 0xffff000 D "
			 "io_page_fault@30 0x100000 D unmap_size_mismatch@34 0x3000000 S "
			 "unmatched_unmap@34 0x3000000 S leak@0 0x400000 S leak@0 0x2000000 S "
			 "dma_api_double_unmap@40 0xfff7000 S outstanding@0 0xffff000 S");
}

/* Cut at half its length: the tail is gone, the next line follows on the same line. */
static void test_cut_and_joined(void)
{
	struct text t;
	struct out o;
	struct outcome r;
	char want[1024];

	load(&t, CAPS "/defects/trace.txt");
	out_open(&o, "joined.txt");
	copy(&o, &t, 1, 31, NULL);
	put(&o, t.line[32], t.llen[32] / 2);
	copy(&o, &t, 33, t.n, NULL); /* line 32 now: half of 32, all of 33 */
	run(&r, out_close(&o, NULL));
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 24);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 1);
	expect_bad_line_numbers(&r, "32");
	/* both unmaps of 0x1000000 are gone: its mapping is left behind in the domain */
	iorep_test_expect_findings(r.doc, "dma_api_leak@23 0xfff8000 D dma_api_leak@23 0xffff000 D "
			    "io_page_fault@30 0x100000 D unmap_size_mismatch@33 0x3000000 S "
			    "unmatched_unmap@33 0x3000000 S leak@0 0x400000 S leak@0 0x1000000 S "
			    "leak@0 0x2000000 S dma_api_double_unmap@39 0xfff7000 S "
			    "outstanding@0 0xffff000 S");
	snprintf(want, sizeof(want),
		 "iommu-report: warning: %s: 1 line not understood (line 32); iommu/dma events "
		 "were lost with them, findings after line 32 are only suspected\n",
		 o.path);
	expect_err(&r, want);
	done(&r);
	unload(&t);
}

/* The file cut in its last line: a warning, the events before it, every finding suspected. */
static void test_file_cut_mid_line(void)
{
	struct text t;
	struct out o;
	struct outcome r;
	char want[1024];

	load(&t, CAPS "/defects/trace.txt");
	out_open(&o, "cut-end.txt");
	copy(&o, &t, 1, 39, NULL);
	put(&o, t.line[40], t.llen[40] - 10); /* "... size=4096 attrs=" less "096 attrs=" */
	run(&r, out_close(&o, NULL));
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 25);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 0);
	expect_bad_line_numbers(&r, "");
	CU_ASSERT_TRUE(cJSON_IsTrue(iorep_test_get(r.doc, "input", "truncated")));
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "truncated_at"), 40);
	/* the second dma_unmap_page of 0xfff7000 was in the cut line: no double unmap */
	iorep_test_expect_findings(r.doc, "dma_api_leak@23 0xfff8000 S dma_api_leak@23 0xffff000 S "
			    "io_page_fault@30 0x100000 S double_unmap@33 0x1000000 S "
			    "unmap_size_mismatch@34 0x3000000 S unmatched_unmap@34 0x3000000 S "
			    "leak@0 0x400000 S leak@0 0x2000000 S outstanding@0 0xffff000 S");
	snprintf(want, sizeof(want),
		 "iommu-report: warning: %s: the last line is cut short (line 40); the events "
		 "before it are used, and findings are only suspected\n",
		 o.path);
	expect_err(&r, want);
	done(&r);

	/* a last line that lacks only its newline is the same: where it ended cannot be told */
	out_open(&o, "no-newline.txt");
	copy(&o, &t, 1, 39, NULL);
	put(&o, t.line[40], t.llen[40]);
	run(&r, out_close(&o, NULL));
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 25);
	CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "truncated_at"), 40);
	done(&r);
	/* ... unless it is a comment or blank */
	out_open(&o, "comment-last.txt");
	copy(&o, &t, 1, t.n, NULL);
	puts_(&o, "# end");
	run(&r, out_close(&o, NULL));
	CU_ASSERT_EQUAL(iorep_test_events(r.doc), 26);
	CU_ASSERT_FALSE(cJSON_IsTrue(iorep_test_get(r.doc, "input", "truncated")));
	iorep_test_expect_findings(r.doc, DEFECTS_FINDINGS);
	expect_err(&r, "");
	done(&r);
	unload(&t);
}

/* Original line @i's number in the damaged file of write_damaged(). */
static size_t moved(size_t i)
{
	return i + (i > 50) + (i > 1000) + (i > 4500);
}

/*
 * A text of the dma-traffic capture with six bad lines, CRLF line ends:
 * garbage after line 50, a 1 MiB line after 1000, line 2000 with a byte of
 * invalid UTF-8 in its last field, line 3000 with a NUL in its padding,
 * line 4000 cut at half, and after line 4500 the tail of a map line, its
 * prefix gone.  Three events lost in lines 2000, 3000 and 4000.
 */
static const char *write_damaged(const struct text *t, const char *name, const char *tool)
{
	static char big[1 << 20], path[sizeof(((struct out *)0)->path)];
	struct out o;
	size_t i;

	memset(big, 'A', sizeof(big));
	out_open(&o, name);
	for (i = 1; i <= t->n; i++) {
		if (i == 2000) {
			put(&o, t->line[i], t->llen[i] - 5);
			put(&o, "\xff", 1);
			put(&o, t->line[i] + t->llen[i] - 4, 4);
			puts_(&o, "\r\n");
		} else if (i == 3000) {
			put(&o, "\0", 1);
			put(&o, t->line[i] + 1, t->llen[i] - 1);
			puts_(&o, "\r\n");
		} else if (i == 4000) {
			put(&o, t->line[i], t->llen[i] / 2);
			puts_(&o, "\r\n");
		} else {
			copy(&o, t, i, i, "\r\n");
		}
		if (i == 50)
			puts_(&o, "----- 8< ----- cut here\r\n");
		if (i == 1000) {
			put(&o, big, sizeof(big));
			puts_(&o, "\r\n");
		}
		if (i == 4500)
			puts_(&o, "map: IOMMU: iova=0x00000000fffac000 - 0x00000000fffad000 "
				  "paddr=0x000000010353f000 size=4096\r\n");
	}
	snprintf(path, sizeof(path), "%s", out_close(&o, tool));
	return path;
}

/*
 * The same damage, plain and compressed, in both text forms: the same six
 * lines named, every other event read, the findings before line 2000 as
 * in the undamaged file (moved down with the lines) and definite, all
 * later ones suspected.
 */
static void test_damage_compressed(void)
{
	static const char *const files[] = {"trace.txt", "report.txt"};
	static const char *const tools[] = {NULL, "gzip", "xz", "zstd"};
	static char first[1 << 16], got[1 << 16];
	struct outcome base, r;
	const cJSON *f, *g;
	char path[512], want[1024];
	const char *damaged;
	size_t i, k, pos;
	struct text t;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/dma-traffic/%s", CAPS, files[i]);
		load(&t, path);
		run(&base, path);
		CU_ASSERT_EQUAL(iorep_test_events(base.doc), 5824);
		for (k = 0; k < 4; k++) {
			damaged = write_damaged(&t, "damaged.txt", tools[k]);
			run(&r, damaged);
			/*
			 * the lost map at line 4000 makes later unmaps of its range look
			 * like double unmaps: suspected, but errors, so exit status 1
			 */
			CU_ASSERT_EQUAL(base.status, 0);
			CU_ASSERT_EQUAL(r.status, 1);
			CU_ASSERT_EQUAL(iorep_test_events(r.doc), 5821);
			CU_ASSERT_EQUAL(iorep_test_num(r.doc, "input", "bad_lines"), 6);
			/* the first five; the sixth (4502) only counted, as on stderr */
			expect_bad_line_numbers(&r, "51 1002 2002 3002 4002");
			CU_ASSERT_FALSE(cJSON_IsTrue(iorep_test_get(r.doc, "input", "truncated")));
			CU_ASSERT_EQUAL(iorep_test_num(r.doc, "lost_events", "total"), 0);
			CU_ASSERT_TRUE(cJSON_IsTrue(iorep_test_get(r.doc, "lost_events", "any")));
			snprintf(want, sizeof(want),
				 "iommu-report: warning: %s: 6 lines not understood (lines 51, "
				 "1002, 2002, 3002, 4002 and 1 more); iommu/dma events were lost "
				 "with them, findings after line 2002 are only suspected\n",
				 damaged);
			expect_err(&r, want);
			/* the findings before the first lost event, one by one */
			g = iorep_test_get(base.doc, "findings", NULL)->child;
			cJSON_ArrayForEach(f, iorep_test_get(r.doc, "findings", NULL))
			{
				pos = (size_t)iorep_test_num(f, "pos", NULL);
				if (pos && pos < moved(2000)) {
					while (g && !(iorep_test_num(g, "pos", NULL) > 0 &&
						      iorep_test_num(g, "pos", NULL) < 2000))
						g = g->next;
					CU_ASSERT_PTR_NOT_NULL_FATAL(g);
					CU_ASSERT_EQUAL(
						pos, moved((size_t)iorep_test_num(g, "pos", NULL)));
					CU_ASSERT_STRING_EQUAL(
						iorep_test_get(f, "type", NULL)->valuestring,
						iorep_test_get(g, "type", NULL)->valuestring);
					CU_ASSERT_STRING_EQUAL(
						iorep_test_get(f, "iova", NULL)->valuestring,
						iorep_test_get(g, "iova", NULL)->valuestring);
					CU_ASSERT_STRING_EQUAL(
						iorep_test_get(f, "confidence", NULL)->valuestring,
						"definite");
					g = g->next;
				} else {
					CU_ASSERT_STRING_EQUAL(
						iorep_test_get(f, "confidence", NULL)->valuestring,
						"suspected");
				}
			}
			/* none left out */
			for (; g; g = g->next)
				CU_ASSERT_FALSE(iorep_test_num(g, "pos", NULL) > 0 &&
						iorep_test_num(g, "pos", NULL) < 2000);
			/* and every compression the same */
			iorep_test_findings(r.doc, got, sizeof(got));
			if (k == 0)
				memcpy(first, got, sizeof(first));
			else
				CU_ASSERT_STRING_EQUAL(got, first);
			done(&r);
		}
		done(&base);
		unload(&t);
	}
}

/*
 * A compressed text damaged in the middle of its stream: every event before
 * the damage is read (what the same file cut there gives), then a warning
 * and every finding suspected, as for any input cut short.
 */
static void test_compressed_corrupt(void)
{
	static const char *const tools[] = {"gzip", "xz", "zstd"};
	struct outcome cut, bad;
	char cmd[1600], whole[600], cutp[600], badp[600];
	FILE *fp;
	long size;
	size_t i;

	make_tmpdir();
	for (i = 0; i < 3; i++) {
		snprintf(whole, sizeof(whole), "%s/whole.%s", tmpdir, tools[i]);
		snprintf(cutp, sizeof(cutp), "%s/cut.%s", tmpdir, tools[i]);
		snprintf(badp, sizeof(badp), "%s/bad.%s", tmpdir, tools[i]);
		snprintf(cmd, sizeof(cmd), "%s -c '%s/dma-traffic/trace.txt' > '%s'", tools[i],
			 CAPS, whole);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
		fp = fopen(whole, "rb");
		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		fseek(fp, 0, SEEK_END);
		size = ftell(fp);
		fclose(fp);
		snprintf(
			cmd, sizeof(cmd),
			"head -c %ld '%s' > '%s' && cp '%s' '%s' && "
			"printf '\\0\\0\\0\\0' | dd of='%s' bs=1 seek=%ld conv=notrunc 2>/dev/null",
			size / 2, whole, cutp, whole, badp, badp, size / 2);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
		run(&cut, cutp);
		run(&bad, badp);
		CU_ASSERT_TRUE(cJSON_IsTrue(iorep_test_get(cut.doc, "input", "truncated")));
		CU_ASSERT_TRUE(cJSON_IsTrue(iorep_test_get(bad.doc, "input", "truncated")));
		CU_ASSERT(iorep_test_events(cut.doc) > 2500 && iorep_test_events(cut.doc) < 3300);
		/* zstd checks each block: nothing of the damaged one comes out */
		if (!strcmp(tools[i], "zstd"))
			CU_ASSERT_EQUAL(iorep_test_events(bad.doc), iorep_test_events(cut.doc));
		/* gzip and xz may give some of it, as lines not understood */
		CU_ASSERT(iorep_test_events(bad.doc) >= iorep_test_events(cut.doc));
		CU_ASSERT_PTR_NOT_NULL(strstr(bad.err, "compressed stream is corrupt (line "));
		done(&cut);
		done(&bad);
	}
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"defects, undamaged", test_defects_undamaged},
		{"CRLF line ends", test_crlf},
		{"garbage between the lines", test_garbage_lines},
		{"a line of 1 MiB", test_overlong_line},
		{"a NUL in an event line", test_nul_byte},
		{"invalid UTF-8", test_invalid_utf8},
		{"a CPU past any machine's", test_cpu_past_limit},
		{"a line cut in the middle", test_cut_line},
		{"a line cut, the next joined to it", test_cut_and_joined},
		{"the file cut in its last line", test_file_cut_mid_line},
		{"six kinds of damage, plain and compressed", test_damage_compressed},
		{"compressed stream damaged in the middle", test_compressed_corrupt},
		{NULL, NULL},
	};
	char cmd[300];
	int ret = iorep_test_main("damaged text", tests);

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			ret = ret ? ret : 1;
	}
	return ret;
}
