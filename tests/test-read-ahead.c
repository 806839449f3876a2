// SPDX-License-Identifier: MIT
/*
 * Reading ahead on a thread (iorep_input_read_ahead()) changes nothing but
 * the speed: on every capture's trace.dat, trace.v6.dat and trace.txt the
 * events (arrays included), the statistics and the warnings are those of
 * reading in one thread; so are an error at the end of the stream and a
 * stream whose arrays overflow a block's space; the progress follows what
 * was handed over; and freeing the input while its thread is still reading
 * neither hangs nor leaks.
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

struct stream {
	char **lines; /* one JSON object per event */
	size_t n, cap;
	int ret;
	char err[512];
	struct iorep_input_stats stats;
	char warnings[4096];
};

static void read_stream(const char *path, int ahead, struct stream *s)
{
	struct iorep_strtab *st = iorep_strtab_new();
	const struct iorep_event *ev;
	struct iorep_input *in = NULL;
	FILE *fp;

	memset(s, 0, sizeof(*s));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	s->ret = iorep_input_open(&in, path, st, s->err, sizeof(s->err));
	CU_ASSERT_EQUAL_FATAL(s->ret, 0);
	if (ahead)
		CU_ASSERT_EQUAL_FATAL(iorep_input_read_ahead(in), 0);
	while ((s->ret = iorep_input_next_ref(in, &ev)) > 0) {
		cJSON *o = iorep_event_to_json(ev);

		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->lines = realloc(s->lines, s->cap * sizeof(*s->lines));
			CU_ASSERT_PTR_NOT_NULL_FATAL(s->lines);
		}
		s->lines[s->n++] = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
	}
	s->stats = *iorep_input_stats(in);
	s->stats.lost = NULL; /* compared through lost_total; freed with the input */
	fp = fmemopen(s->warnings, sizeof(s->warnings) - 1, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	iorep_input_print_warnings(in, fp);
	fclose(fp);
	iorep_input_free(in);
	iorep_strtab_free(st);
}

static void free_stream(struct stream *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		cJSON_free(s->lines[i]);
	free(s->lines);
}

/* Reads @path both ways and asserts the same outcome; returns the number of events. */
static size_t check_path(const char *path)
{
	struct stream one, two;
	size_t i, n;

	read_stream(path, 0, &one);
	read_stream(path, 1, &two);
	CU_ASSERT_EQUAL(one.ret, two.ret);
	CU_ASSERT_STRING_EQUAL(one.err, two.err);
	CU_ASSERT_EQUAL(one.n, two.n);
	for (i = 0; i < one.n && i < two.n; i++)
		if (strcmp(one.lines[i], two.lines[i])) {
			fprintf(stderr, "%s: event %zu differs:\n  %s\n  %s\n", path, i,
				one.lines[i], two.lines[i]);
			CU_FAIL("event streams differ");
			break;
		}
	CU_ASSERT_EQUAL(memcmp(&one.stats, &two.stats, sizeof(one.stats)), 0);
	CU_ASSERT_STRING_EQUAL(one.warnings, two.warnings);
	n = one.n;
	free_stream(&one);
	free_stream(&two);
	return n;
}

static void test_every_capture(void)
{
	static const char *const files[] = {"trace.dat", "trace.v6.dat", "trace.txt"};
	static char dirs[32][2048];
	char path[4096];
	size_t f, total = 0;
	int i, n = iorep_test_captures(dirs, 32);

	CU_ASSERT_EQUAL(n, iorep_test_ncaptures());
	for (i = 0; i < n; i++)
		for (f = 0; f < 3; f++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], files[f]);
			total += check_path(path);
		}
	/* the events of every capture, counted once per file */
	if (!iorep_test_subset())
		CU_ASSERT_EQUAL(total, 3 * (17518 + 1402 + 2344 + 1227 + 2244 + 971 + 1303 + 2080 +
					    3721 + 1925 + 2086 + 1093 + 47 + 54 + 46 + 59 + 58 + 2));
}

/* A temporary file holding @text; the caller unlinks @path. */
static void write_file(char *path, size_t len, const char *text)
{
	int fd;

	snprintf(path, len, "/tmp/iorep-ahead-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/*
 * dma_map_sg lines of 500 physical addresses each: 4 KB of arrays an event,
 * so a block's space is full long before its count of events is.
 */
static void test_arrays_past_a_block(void)
{
	const int lines = 700, ents = 500;
	size_t cap = (size_t)lines * (ents * 13 + 200), len = 0;
	char *text = malloc(cap), path[64];
	struct stream one;
	int i, j;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (i = 0; i < lines; i++) {
		len += (size_t)snprintf(text + len, cap - len,
					"  fio-%d [001] ..... %d.%06d: dma_map_sg: 0000:00:03.0 "
					"dir=FROM_DEVICE nents=%d/%d ents=1/1 dma_addrs={0x%x} "
					"sizes={0x%x} phys_addrs={",
					100 + i, 10 + i / 1000, i % 1000 * 100, ents, ents,
					0x100000 * (i + 1), ents * 4096);
		for (j = 0; j < ents; j++)
			len += (size_t)snprintf(text + len, cap - len, "%s0x%x", j ? "," : "",
						(i * ents + j) * 0x1000);
		len += (size_t)snprintf(text + len, cap - len, "} attrs=NO_WARN\n");
	}
	write_file(path, sizeof(path), text);
	free(text);
	CU_ASSERT_EQUAL(check_path(path), (size_t)lines);
	/* the last event's arrays are whole */
	read_stream(path, 1, &one);
	CU_ASSERT_EQUAL_FATAL(one.n, (size_t)lines);
	CU_ASSERT_PTR_NOT_NULL(strstr(one.lines[lines - 1], "\"phys_addrs\":[\"0x"));
	CU_ASSERT_PTR_NOT_NULL(strstr(one.lines[lines - 1], "\"0x5572f000\"]"));
	free_stream(&one);
	unlink(path);
}

/* Reads @path with @parsers text parsers (IOREP_TEXT_PARSERS), in one thread or ahead. */
static void read_parsed(const char *path, const char *parsers, int ahead, struct stream *s)
{
	CU_ASSERT_EQUAL_FATAL(setenv("IOREP_TEXT_PARSERS", parsers, 1), 0);
	read_stream(path, ahead, s);
	unsetenv("IOREP_TEXT_PARSERS");
}

static void same_streams(const struct stream *a, const struct stream *b)
{
	size_t i;

	CU_ASSERT_EQUAL(a->ret, b->ret);
	CU_ASSERT_STRING_EQUAL(a->err, b->err);
	CU_ASSERT_EQUAL_FATAL(a->n, b->n);
	for (i = 0; i < a->n; i++)
		if (strcmp(a->lines[i], b->lines[i])) {
			fprintf(stderr, "event %zu differs:\n  %s\n  %s\n", i, a->lines[i],
				b->lines[i]);
			CU_FAIL("event streams differ");
			break;
		}
	CU_ASSERT_EQUAL(memcmp(&a->stats, &b->stats, sizeof(a->stats)), 0);
	CU_ASSERT_STRING_EQUAL(a->warnings, b->warnings);
}

/*
 * Text lines are parsed in batches, by several threads (text-batch.h): every
 * kind of line, in batches of every size (a line longer than the reader
 * takes in the middle, the last line cut short), gives the events, drop
 * markers, statistics and warnings of one parser in one thread.
 */
static void test_parsers_agree(void)
{
	const int rounds = 3000;
	size_t cap = (size_t)rounds * 1200 + 200000, len = 0;
	char *text = malloc(cap), path[64];
	struct stream one, many, ahead;
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	len += (size_t)snprintf(
		text + len, cap - len,
		"# tracer: nop\n#\n# entries-in-buffer/entries-written: 9000/9100   "
		"#P:4\n#\ncpus=4\n");
	for (i = 0; i < rounds; i++) {
		unsigned int iova = 0x100000 + (unsigned int)(i % 512) * 0x2000;
		int us = i * 10;

		len += (size_t)snprintf(
			text + len, cap - len,
			"  fio-%d [%03d] ..... %d.%06d: map: IOMMU: iova=0x%016x - 0x%016x "
			"paddr=0x%016x size=8192\n"
			"  fio-%d [%03d] ..... %d.%06d: dma_map_page: 0000:00:0%d.0 dir=TO_DEVICE "
			"dma_addr=%x size=8192 phys_addr=%x attrs=\n"
			"  fio-%d [%03d] ..... %d.%06d: sched_switch: prev_comm=fio\n",
			100 + i % 7, i % 4, 10 + us / 1000000, us % 1000000, iova, iova + 0x2000,
			0x40000000 + i * 0x2000, 100 + i % 7, i % 4, 10 + us / 1000000,
			us % 1000000 + 1, i % 3 + 1, iova, 0x40000000 + i * 0x2000, 100 + i % 7,
			i % 4, 10 + us / 1000000, us % 1000000 + 2);
		if (i % 97 == 5)
			len += (size_t)snprintf(
				text + len, cap - len,
				"  fio-%d [%03d] ..... %d.%06d: unmap: IOMMU: iova=0x1 "
				"- garbage\n",
				100 + i % 7, i % 4, 10 + us / 1000000, us % 1000000 + 3);
		if (i % 211 == 7)
			len += (size_t)snprintf(text + len, cap - len, "CPU:%d [LOST %d EVENTS]\n",
						i % 4, i % 50 + 1);
		if (i % 401 == 9)
			len += (size_t)snprintf(text + len, cap - len,
						"##### CPU %d buffer started ####\n", i % 4);
		if (i % 307 == 11)
			len += (size_t)snprintf(text + len, cap - len, "not ftrace at all\n");
		if (i % 3 == 0)
			len += (size_t)snprintf(
				text + len, cap - len,
				"  fio-%d [%03d] ..... %d.%06d: unmap: IOMMU: iova=0x%016x - "
				"0x%016x size=8192 unmapped_size=8192\n",
				100 + i % 7, i % 4, 10 + us / 1000000, us % 1000000 + 4, iova,
				iova + 0x2000);
		if (i == rounds / 2) {
			/* longer than the reader takes: skipped, a bad line */
			memset(text + len, 'x', 70000);
			len += 70000;
			text[len++] = '\n';
		}
	}
	len += (size_t)snprintf(text + len, cap - len,
				"  fio-1 [000] ..... 99.000000: map: IOMMU: iova=0x");
	CU_ASSERT_FATAL(len < cap);
	write_file(path, sizeof(path), text);
	free(text);
	read_parsed(path, "1", 0, &one);
	read_parsed(path, "3", 0, &many);
	read_parsed(path, "3", 1, &ahead);
	/* the maps and dma_map_pages, the markers and the gaps of the bad lines */
	CU_ASSERT(one.n > (size_t)rounds * 2);
	CU_ASSERT(one.stats.bad_lines > 30);
	CU_ASSERT_TRUE(one.stats.truncated);
	same_streams(&one, &many);
	same_streams(&one, &ahead);
	free_stream(&one);
	free_stream(&many);
	free_stream(&ahead);
	unlink(path);
}

/* A stream of no iommu event ends in an error: the caller gets it, text and all. */
static void test_error_at_the_end(void)
{
	char path[64];
	struct stream two;

	write_file(path, sizeof(path),
		   "  bash-1 [000] ..... 1.000000: sched_switch: prev_comm=bash\n"
		   "  bash-1 [000] ..... 1.000001: sched_switch: prev_comm=bash\n");
	CU_ASSERT_EQUAL(check_path(path), 0);
	read_stream(path, 1, &two);
	CU_ASSERT_EQUAL(two.ret, -IOREP_ENOEVENTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(two.err, ": no iommu or dma events (2 other events)"));
	free_stream(&two);
	unlink(path);
}

/* A gzip file cut short: the same events and the same warning. */
static void test_cut_short(void)
{
	char dir[] = "/tmp/iorep-ahead-XXXXXX", cmd[4096], path[64];
	struct stream two;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cut.txt.gz", dir);
	snprintf(cmd, sizeof(cmd),
		 "gzip -c '%s/6.12.117+deb12-amd64/dma-traffic/trace.txt' | head -c 30000 > '%s'",
		 IOREP_SAMPLES_DIR, path);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT(check_path(path) > 1024);
	read_stream(path, 1, &two);
	CU_ASSERT_TRUE(two.stats.truncated);
	CU_ASSERT_PTR_NOT_NULL(strstr(two.warnings, "warning: "));
	free_stream(&two);
	unlink(path);
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

/* Freed after a few events, its thread still reading: no hang, no leak (ASan, valgrind). */
static void test_free_while_reading(void)
{
	struct iorep_strtab *st = iorep_strtab_new();
	const struct iorep_event *ev;
	struct iorep_input *in = NULL;
	uint64_t done, total;
	char err[512], path[4096];
	int i;

	snprintf(path, sizeof(path), "%s/6.12.117+deb12-amd64/dma-traffic/trace.v6.dat",
		 IOREP_SAMPLES_DIR);
	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, path, st, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(iorep_input_read_ahead(in), 0);
	iorep_input_progress(in, &done, &total);
	CU_ASSERT_EQUAL(done, 0);
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(iorep_input_next_ref(in, &ev), 1);
	/* the first block was handed over: the bytes read to fill it, of the file's */
	iorep_input_progress(in, &done, &total);
	CU_ASSERT(done > 0 && done <= total);
	iorep_input_free(in);
	iorep_strtab_free(st);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"every capture: the same events, statistics and warnings", test_every_capture},
		{"arrays past a block's space", test_arrays_past_a_block},
		{"text parsed on several threads: the same as on one", test_parsers_agree},
		{"an error at the end of the stream", test_error_at_the_end},
		{"a compressed file cut short", test_cut_short},
		{"freed while its thread reads", test_free_while_reading},
		{NULL, NULL},
	};

	return iorep_test_main("read-ahead", tests);
}
