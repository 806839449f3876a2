// SPDX-License-Identifier: MIT
/*
 * Every real capture in samples/: the events per type read from trace.dat
 * (v7 compressed and v6), trace.txt and report.txt equal the capture's own
 * counts files, and trace.dat gives exactly the event stream of report.txt
 * (trace-cmd prints microseconds, rounded) and of trace.v6.dat.  The
 * uncompressed trace.v6.dat is read by the kbuffer walk; read through
 * libtracecmd instead (IOREP_PLAIN_READ) it gives the same stream and counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "iorep-error.h"
#include "iorep-input.h"
#include "iorep-report.h"
#include "test-util.h"

#define MAX_CAPTURES 32

struct stream {
	char **lines;	/* one JSON object per event */
	size_t n, cap;
	uint64_t counts[IOREP_EV__COUNT];
	uint64_t other;
	uint64_t records;
	const char *reader;	/* static strings of the reader */
};

static char captures[MAX_CAPTURES][2048];
static int ncaptures;

/* Reads @path; @round_us rounds timestamps to microseconds as trace-cmd report prints them. */
static int read_stream(const char *path, int round_us, struct stream *s)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_input *in = NULL;
	struct iorep_event ev;
	char err[512];
	int ret;

	memset(s, 0, sizeof(*s));
	ret = iorep_input_open(&in, path, st, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	while ((ret = iorep_input_next(in, &ev)) > 0) {
		cJSON *o;

		if (round_us)
			ev.ts = (ev.ts + 500) / 1000 * 1000;
		o = iorep_event_to_json(&ev);
		if (!o)
			return -IOREP_ENOMEM;
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->lines = realloc(s->lines, s->cap * sizeof(*s->lines));
		}
		s->lines[s->n++] = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
	}
	if (ret < 0)
		fprintf(stderr, "%s\n", err);
	memcpy(s->counts, iorep_input_stats(in)->events, sizeof(s->counts));
	s->other = iorep_input_stats(in)->other_events;
	s->records = iorep_input_stats(in)->records;
	s->reader = iorep_input_stats(in)->reader;
out:
	iorep_input_free(in);
	iorep_strtab_free(st);
	return ret;
}

static void free_stream(struct stream *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		cJSON_free(s->lines[i]);
	free(s->lines);
}

/* Checks @s against a counts file ("N name" per line); markers are other events. */
static void check_counts(const char *capture, const char *counts_file, const char *what,
			 const struct stream *s)
{
	char path[4096 + 64], name[128];
	unsigned long long n;
	uint64_t seen[IOREP_EV__COUNT] = { 0 };
	int type, i, lines = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", capture, counts_file);
	fp = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	while (fscanf(fp, "%llu %127s", &n, name) == 2) {
		lines++;
		type = iorep_event_lookup(name, (int)strlen(name));
		if (type < 0) {
			/* markers: tracing_mark_write (text) or print (trace-cmd) */
			if (s->other != n)
				fprintf(stderr, "%s %s: %s other %llu, expected %llu\n", capture,
					what, name, (unsigned long long)s->other, n);
			CU_ASSERT_EQUAL(s->other, n);
			continue;
		}
		seen[type] = n;
	}
	fclose(fp);
	CU_ASSERT_TRUE(lines > 0);
	for (i = 0; i < IOREP_EV_LOST; i++) {
		if (s->counts[i] != seen[i])
			fprintf(stderr, "%s %s: %s %llu, expected %llu\n", capture, what,
				iorep_event_desc(i)->name, (unsigned long long)s->counts[i],
				(unsigned long long)seen[i]);
		CU_ASSERT_EQUAL(s->counts[i], seen[i]);
	}
	/* drops only where the capture's buffer overran on purpose: one marker per
	 * CPU (vfio-io-lost, its GROUND_TRUTH.md), in every form */
	CU_ASSERT_EQUAL(s->counts[IOREP_EV_LOST], strstr(capture, "/vfio-io-lost") ? 2 : 0);
}

static void check_same(const char *capture, const char *what, const struct stream *a,
		       const struct stream *b)
{
	size_t i;

	CU_ASSERT_EQUAL(a->n, b->n);
	for (i = 0; i < a->n && i < b->n; i++) {
		if (strcmp(a->lines[i], b->lines[i])) {
			fprintf(stderr, "%s %s: event %zu differs:\n  %s\n  %s\n", capture, what, i,
				a->lines[i], b->lines[i]);
			CU_FAIL("event streams differ");
			return;
		}
	}
}

static void test_every_capture(void)
{
	struct stream dat, dat_plain, dat_us, v6, v6_plain, report, text;
	char path[4096 + 64];
	int i;

	ncaptures = iorep_test_captures(captures, MAX_CAPTURES);
	CU_ASSERT_EQUAL(ncaptures, iorep_test_ncaptures());
	for (i = 0; i < ncaptures; i++) {
		const char *c = captures[i];

		snprintf(path, sizeof(path), "%s/trace.dat", c);
		CU_ASSERT_EQUAL(read_stream(path, 0, &dat), 0);
		CU_ASSERT_EQUAL(read_stream(path, 1, &dat_us), 0);
		setenv("IOREP_PLAIN_READ", "1", 1);
		CU_ASSERT_EQUAL(read_stream(path, 0, &dat_plain), 0);
		snprintf(path, sizeof(path), "%s/trace.v6.dat", c);
		unsetenv("IOREP_PLAIN_READ");
		CU_ASSERT_EQUAL(read_stream(path, 0, &v6), 0);
		setenv("IOREP_PLAIN_READ", "1", 1);
		CU_ASSERT_EQUAL(read_stream(path, 0, &v6_plain), 0);
		unsetenv("IOREP_PLAIN_READ");
		snprintf(path, sizeof(path), "%s/report.txt", c);
		CU_ASSERT_EQUAL(read_stream(path, 0, &report), 0);
		snprintf(path, sizeof(path), "%s/trace.txt", c);
		CU_ASSERT_EQUAL(read_stream(path, 0, &text), 0);

		check_counts(c, "counts-report.txt", "trace.dat", &dat);
		check_counts(c, "counts-report.txt", "trace.v6.dat", &v6);
		check_counts(c, "counts-report.txt", "report.txt", &report);
		check_counts(c, "counts-text.txt", "trace.txt", &text);
		check_same(c, "trace.dat vs report.txt", &dat_us, &report);
		check_same(c, "trace.dat vs trace.v6.dat", &dat, &v6);
		check_same(c, "trace.v6.dat: kbuffer walk vs libtracecmd", &v6, &v6_plain);
		/* zstd: the walk over an uncompressed copy vs libtracecmd on the file */
		check_same(c, "trace.dat: kbuffer walk vs libtracecmd", &dat, &dat_plain);
		CU_ASSERT_STRING_EQUAL(v6.reader, "kbuffer");
		CU_ASSERT_STRING_EQUAL(v6_plain.reader, "libtracecmd");
		CU_ASSERT_STRING_EQUAL(dat.reader, "kbuffer");
		CU_ASSERT_STRING_EQUAL(dat_plain.reader, "libtracecmd");
		CU_ASSERT_EQUAL(v6.records, v6_plain.records);
		CU_ASSERT_EQUAL(v6.other, v6_plain.other);
		CU_ASSERT_EQUAL(dat.records, dat_plain.records);
		CU_ASSERT_EQUAL(dat.other, dat_plain.other);

		free_stream(&dat);
		free_stream(&dat_plain);
		free_stream(&dat_us);
		free_stream(&v6);
		free_stream(&v6_plain);
		free_stream(&report);
		free_stream(&text);
	}
}

/* Exact events of the 6.12 defects capture, as its GROUND_TRUTH.md lists them. */
static void test_defects_events(void)
{
	struct stream s;
	char path[4096 + 64];

	snprintf(path, sizeof(path), "%s/6.12.117+deb12-amd64/defects/trace.dat", IOREP_SAMPLES_DIR);
	CU_ASSERT_EQUAL_FATAL(read_stream(path, 0, &s), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 26);
	CU_ASSERT_STRING_EQUAL(s.lines[0],
			       "{\"ts\":15253402482,\"cpu\":1,\"pid\":386,\"comm\":\"insmod\","
			       "\"event\":\"map\",\"iova\":\"0xffff000\",\"paddr\":\"0x1038a0000\","
			       "\"size\":4096}");
	CU_ASSERT_PTR_NOT_NULL(strstr(s.lines[15], "\"event\":\"io_page_fault\",\"device\":"
						   "\"0000:00:07.0\",\"driver\":\"pci\","
						   "\"iova\":\"0x100000\",\"flags\":\"0x0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s.lines[19], "\"event\":\"unmap\",\"iova\":\"0x3000000\","
						   "\"size\":4096,\"unmapped_size\":2097152"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s.lines[25], "\"event\":\"dma_unmap_page\",\"device\":"
						   "\"0000:00:07.0\",\"addr\":\"0xfff7000\","
						   "\"size\":4096,\"dir\":\"BIDIRECTIONAL\""));
	free_stream(&s);
}

/* gzip, xz and zstd text, and trace.dat from stdin, give the plain file's stream. */
static void test_compressed_and_stdin(void)
{
	static const char *const tools[] = { "gzip -c", "xz -c", "zstd -qc" };
	static const char *const files[] = { "trace.txt", "report.txt", "trace.dat" };
	char dir[] = "/tmp/iorep-comp-XXXXXX", src[2048], dst[2400], cmd[5000];
	struct stream plain, packed;
	size_t t, f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	for (f = 0; f < 3; f++) {
		snprintf(src, sizeof(src), "%s/6.1.0-56-amd64/boot/%s", IOREP_SAMPLES_DIR, files[f]);
		CU_ASSERT_EQUAL_FATAL(read_stream(src, 0, &plain), 0);
		for (t = 0; t < 3; t++) {
			snprintf(dst, sizeof(dst), "%s/%zu-%zu", dir, f, t);
			snprintf(cmd, sizeof(cmd), "%s '%s' > '%s'", tools[t], src, dst);
			CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
			CU_ASSERT_EQUAL(read_stream(dst, 0, &packed), 0);
			check_same(src, tools[t], &plain, &packed);
			free_stream(&packed);
		}
		CU_ASSERT_EQUAL(plain.n, 270);
		free_stream(&plain);
		/* the same through the CLI from stdin, byte for byte */
		snprintf(cmd, sizeof(cmd),
			 "'%s' --events '%s' > '%s/a' && '%s' --events - < '%s' > '%s/b' && "
			 "cmp -s '%s/a' '%s/b'",
			 IOREP_BIN, src, dir, IOREP_BIN, src, dir, dir, dir);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* A drop marker in text reaches the stream just before the next event, and is counted. */
static void test_lost_in_text(void)
{
	static const char text[] =
		"cpus=2\n"
		"  a-1 [000] 1.000000: map: IOMMU: iova=0x1000 - 0x2000 paddr=0x5000 size=4096\n"
		"CPU:1 [123 EVENTS DROPPED]\n"
		"  a-1 [001] 2.000000: unmap: IOMMU: iova=0x1000 - 0x2000 size=4096 "
		"unmapped_size=4096\n"
		"CPU:0 [EVENTS DROPPED]\n";
	char path[] = "/tmp/iorep-lost-XXXXXX";
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_input *in = NULL;
	const struct iorep_input_stats *s;
	struct iorep_event ev;
	char err[512];
	int fd = mkstemp(path);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, path, st, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(iorep_input_next(in, &ev), 1);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_MAP);
	CU_ASSERT_EQUAL(iorep_input_next(in, &ev), 1);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_LOST);
	CU_ASSERT_EQUAL(ev.cpu, 1);
	CU_ASSERT_EQUAL(ev.lost, 123);
	CU_ASSERT_EQUAL(ev.ts, 2000000000ull);
	CU_ASSERT_EQUAL(iorep_input_next(in, &ev), 1);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_UNMAP);
	CU_ASSERT_EQUAL(ev.pos, 4);
	CU_ASSERT_EQUAL(iorep_input_next(in, &ev), 1);
	CU_ASSERT_EQUAL(ev.type, IOREP_EV_LOST);
	CU_ASSERT_EQUAL(ev.lost, -1);
	CU_ASSERT_EQUAL(iorep_input_next(in, &ev), 0);
	s = iorep_input_stats(in);
	CU_ASSERT_EQUAL(s->ncpus, 2);
	CU_ASSERT_EQUAL(s->lost[1], 123);
	CU_ASSERT_EQUAL(s->lost[0], 0);
	CU_ASSERT_EQUAL(s->lost_total, 123);
	CU_ASSERT_EQUAL(s->lost_unknown, 1);
	CU_ASSERT_STRING_EQUAL(iorep_input_info(in)->variant, "trace-cmd report");
	iorep_input_free(in);
	iorep_strtab_free(st);
	unlink(path);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{ "every capture: counts and identical streams", test_every_capture },
		{ "defects capture: exact events", test_defects_events },
		{ "compressed and stdin input", test_compressed_and_stdin },
		{ "lost events in text", test_lost_in_text },
		{ NULL, NULL },
	};

	return iorep_test_main("captures", tests);
}
