// SPDX-License-Identifier: MIT
/*
 * The model's first stage (attribution, model-attrib.h) run on the reader's
 * thread (iorep_input_read_ahead_staged() and iorep_model_apply()) builds
 * the model that iorep_model_feed() builds in one thread, whether what the
 * stage let go is taken note by note or a block at a time
 * (iorep_input_next_batch(), iorep_model_apply_batch()): the same JSON
 * report, byte for byte, on every capture's trace.dat, trace.v6.dat and
 * trace.txt, on a generated 4-CPU trace with defects, and on a trace made
 * to take every way through the stage (a queue past its bound, another
 * CPU's unmap on a held range, the claim of an unmap after dma_unmap_sg, a
 * fault, a drop marker, maps still held at the end).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iorep-error.h"
#include "iorep-input.h"
#include "iorep-model.h"
#include "iorep-render.h"
#include "test-util.h"

struct outcome {
	char *json;
	size_t len;
	struct iorep_map_stats stats;
	uint32_t nfindings;
	uint64_t batches, notes; /* taken a block at a time: how many blocks, and notes */
};

enum way { IN_LINE, BY_NOTE, BY_BATCH };

/* Takes what the stage let go a block at a time, counting the blocks in @o. */
static int take_batches(struct iorep_input *in, struct iorep_model *m, struct outcome *o)
{
	struct iorep_stage_batch b;
	uint64_t pos;
	int ret;

	while ((ret = iorep_input_next_batch(in, &b)) > 0) {
		CU_ASSERT(b.n > 0 && b.nev <= b.n);
		o->batches++;
		o->notes += b.n;
		CU_ASSERT_EQUAL_FATAL(iorep_model_apply_batch(m, &b, &pos), 0);
	}
	return ret;
}

/* The model of @path, its stage in line or on the reader's thread (@way). */
static void build(const char *path, enum way way, struct outcome *o)
{
	struct iorep_strtab *st = iorep_strtab_new();
	const struct iorep_stage_note *note;
	struct iorep_stage_batch b;
	const struct iorep_event *ev;
	struct iorep_stage stage = {0};
	struct iorep_input *in = NULL;
	struct iorep_model m;
	char err[512];
	FILE *fp;
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	memset(o, 0, sizeof(*o));
	iorep_model_init(&m, st);
	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, path, st, err, sizeof(err)), 0);
	if (way != IN_LINE) {
		CU_ASSERT_EQUAL_FATAL(iorep_model_stage_new(&stage), 0);
		CU_ASSERT_EQUAL_FATAL(iorep_input_read_ahead_staged(in, &stage), 0);
		/* a staged input gives its events with their notes, and only so */
		CU_ASSERT_EQUAL(iorep_input_next_ref(in, &ev), -IOREP_EINVAL);
	}
	if (way == BY_NOTE) {
		while ((ret = iorep_input_next_staged(in, &ev, &note)) > 0)
			CU_ASSERT_EQUAL_FATAL(iorep_model_apply(&m, ev, note), 0);
	} else if (way == BY_BATCH) {
		ret = take_batches(in, &m, o);
	} else {
		CU_ASSERT_EQUAL(iorep_input_next_staged(in, &ev, &note), -IOREP_EINVAL);
		CU_ASSERT_EQUAL(iorep_input_next_batch(in, &b), -IOREP_EINVAL);
		while ((ret = iorep_input_next_ref(in, &ev)) > 0)
			CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&m, ev), 0);
	}
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(iorep_model_finish(&m), 0);
	if (iorep_input_stats(in)->truncated || iorep_input_stats(in)->damaged)
		iorep_model_set_incomplete(&m);
	fp = open_memstream(&o->json, &o->len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(iorep_report_json(&m, iorep_input_info(in), iorep_input_stats(in), fp), 0);
	fclose(fp);
	o->stats = m.stats;
	o->nfindings = m.nfindings;
	iorep_input_free(in);
	iorep_model_stage_free(&stage);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

/* Builds @path every way, asserts the same report; the by-batch outcome in *@o. */
static void check_path(const char *path, struct outcome *o)
{
	static const char *const name[] = {"in line", "note by note", "a block at a time"};
	struct outcome in_line;
	enum way w;

	build(path, IN_LINE, &in_line);
	for (w = BY_NOTE; w <= BY_BATCH; w++) {
		if (w != BY_NOTE)
			free(o->json);
		build(path, w, o);
		CU_ASSERT_EQUAL(o->len, in_line.len);
		if (o->len != in_line.len || memcmp(o->json, in_line.json, o->len)) {
			fprintf(stderr, "%s: the model taken %s differs from the one in line\n",
				path, name[w]);
			CU_FAIL("reports differ");
		}
	}
	free(in_line.json);
}

static void test_every_capture(void)
{
	static const char *const files[] = {"trace.dat", "trace.v6.dat", "trace.txt"};
	static char dirs[32][2048];
	struct outcome o;
	char path[4096];
	uint64_t attributed = 0;
	size_t f;
	int i, n = iorep_test_captures(dirs, 32);

	CU_ASSERT_EQUAL(n, iorep_test_ncaptures());
	for (i = 0; i < n; i++)
		for (f = 0; f < 3; f++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], files[f]);
			check_path(path, &o);
			attributed += o.stats.attributed_maps + o.stats.attributed_unmaps;
			free(o.json);
		}
	/* the 6.12 captures' dma:* events claim most of their maps and unmaps */
	if (!iorep_test_subset())
		CU_ASSERT(attributed > 1000);
}

static void test_generated(void)
{
	char dir[] = "/tmp/iorep-stage-XXXXXX", cmd[1024], path[128];
	struct outcome o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "'%s' --events 60000 --cpus 4 --live 300 --defects 20 --seed 7 '%s/t' > /dev/null",
		 IOREP_GEN_TRACE, dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/t/trace.dat", dir);
	check_path(path, &o);
	CU_ASSERT(o.stats.attributed_maps > 10000);
	CU_ASSERT(o.nfindings >= 20);
	/* every event let go once, in blocks of up to 4,096 */
	CU_ASSERT_EQUAL(o.notes, 60000);
	CU_ASSERT(o.batches >= 60000 / 4096 + 1);
	free(o.json);
	snprintf(path, sizeof(path), "%s/t/trace.txt", dir);
	check_path(path, &o);
	CU_ASSERT(o.stats.attributed_maps > 10000);
	free(o.json);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

#define EV "            t-10     [%03d] .....     %u.%06u: "

static void line(FILE *fp, int cpu, unsigned int *us, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One event line of CPU @cpu, a microsecond after the one before. */
static void line(FILE *fp, int cpu, unsigned int *us, const char *fmt, ...)
{
	va_list ap;

	++*us;
	fprintf(fp, EV, cpu, *us / 1000000 + 1, *us % 1000000);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
}

static void map(FILE *fp, int cpu, unsigned int *us, uint64_t iova)
{
	line(fp, cpu, us, "map: IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=4096",
	     (unsigned long long)iova, (unsigned long long)iova + 4096,
	     (unsigned long long)iova + 0x100000000ull);
}

static void unmap(FILE *fp, int cpu, unsigned int *us, uint64_t iova)
{
	line(fp, cpu, us, "unmap: IOMMU: iova=0x%016llx - 0x%016llx size=4096 unmapped_size=4096",
	     (unsigned long long)iova, (unsigned long long)iova + 4096);
}

static void test_every_way(void)
{
	char path[] = "/tmp/iorep-stage-XXXXXX";
	unsigned int us = 0, i;
	struct outcome o;
	FILE *fp;
	int fd;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	fp = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	line(fp, 0, &us, "add_device_to_group: IOMMU: groupID=1 device=0000:00:01.0");
	/* 300 maps held on CPU 0: past the queue's 256, the first go to nobody */
	for (i = 0; i < 300; i++)
		map(fp, 0, &us, 0x100000 + i * 0x1000ull);
	/* CPU 1 unmaps a range CPU 0 holds: CPU 0's go first, to nobody */
	unmap(fp, 1, &us, 0x100000 + 200 * 0x1000ull);
	/* a map that the dma:* event after it claims */
	map(fp, 0, &us, 0x200000);
	line(fp, 0, &us,
	     "dma_map_page: 0000:00:01.0 dir=TO_DEVICE dma_addr=200000 size=4096 "
	     "phys_addr=100200000 attrs=");
	/* dma_unmap_sg, then the one unmap it claims, then one it does not */
	line(fp, 0, &us,
	     "dma_unmap_sg: 0000:00:01.0 dir=FROM_DEVICE phys_addrs={0x100200000} attrs=");
	unmap(fp, 0, &us, 0x200000);
	unmap(fp, 0, &us, 0x100000 + 201 * 0x1000ull);
	/* a map on CPU 1 held over a fault on CPU 0 */
	map(fp, 1, &us, 0x300000);
	line(fp, 0, &us,
	     "io_page_fault: IOMMU:pci 0000:00:01.0 iova=0x0000000000300000 flags=0x0000");
	/* a map held over a drop marker: the dma:* event after it claims nothing */
	map(fp, 0, &us, 0x400000);
	fprintf(fp, "CPU:0 [LOST 5 EVENTS]\n");
	line(fp, 0, &us,
	     "dma_map_page: 0000:00:01.0 dir=TO_DEVICE dma_addr=400000 size=4096 "
	     "phys_addr=100400000 attrs=");
	/* an attach lets every held map go */
	map(fp, 1, &us, 0x500000);
	line(fp, 0, &us, "attach_device_to_domain: IOMMU: device=0000:00:01.0");
	/* held at the end */
	map(fp, 1, &us, 0x600000);
	map(fp, 0, &us, 0x700000);
	fclose(fp);

	check_path(path, &o);
	CU_ASSERT_EQUAL(o.stats.maps, 306);
	CU_ASSERT_EQUAL(o.stats.unmaps, 3);
	CU_ASSERT_EQUAL(o.stats.attributed_maps, 1);
	CU_ASSERT_EQUAL(o.stats.attributed_unmaps, 1);
	free(o.json);
	unlink(path);
}

/* A batch the model fails on: the position is that of the note's own event. */
static void test_batch_error(void)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_stage_note notes[2] = {{0}};
	struct iorep_event evs[1] = {{0}};
	struct iorep_stage_batch b = {notes, evs, 2, 1};
	struct iorep_model m;
	uint64_t pos = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	iorep_model_init(&m, st);
	notes[0].kind = IOREP_STAGE_UNATTRIBUTED;
	notes[0].map.type = IOREP_EV_MAP;
	notes[0].map.pos = 222;
	notes[1].kind = IOREP_STAGE_EVENT;
	evs[0].type = IOREP_EV_DMA_MAP_PAGE;
	evs[0].pos = 111;
	m.error = -IOREP_ENOMEM;
	CU_ASSERT_EQUAL(iorep_model_apply_batch(&m, &b, &pos), -IOREP_ENOMEM);
	CU_ASSERT_EQUAL(pos, 222);
	b.notes = &notes[1];
	b.n = 1;
	CU_ASSERT_EQUAL(iorep_model_apply_batch(&m, &b, &pos), -IOREP_ENOMEM);
	CU_ASSERT_EQUAL(pos, 111);
	/* more event notes than events: not a batch a stage let go */
	m.error = 0;
	b.nev = 0;
	CU_ASSERT_EQUAL(iorep_model_apply_batch(&m, &b, &pos), -IOREP_EINVAL);
	iorep_model_release(&m);
	iorep_strtab_free(st);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"every capture: the staged model's report is the in-line one's",
		 test_every_capture},
		{"a generated 4-CPU trace: the same report", test_generated},
		{"every way through the stage: the same report", test_every_way},
		{"a batch the model fails on names its event's position", test_batch_error},
		{NULL, NULL},
	};

	return iorep_test_main("stage", tests);
}
