// SPDX-License-Identifier: MIT
/*
 * plugin_iommu loaded by libtraceevent, as trace-cmd loads it (ctest also
 * runs this under valgrind):
 * - into the handle of a real trace.dat, it registers a handler for each
 *   iommu/dma event there, which prints through the shared printer, and
 *   its three options; unloading leaves no handler and no option behind,
 *   twice in a row;
 * - an event in the print format of kernels before ~5.17 (no end of range)
 *   gets its range from the fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>
#include <trace-cmd.h>

#include "iorep-event.h"
#include "test-util.h"
#include "tracecmd-ksyms.h"

/* The events of the iorep table that @tep knows. */
static int known_events(struct tep_handle *tep, struct tep_event **out)
{
	int t, n = 0;

	for (t = 0; t < IOREP_EV_LOST; t++) {
		struct tep_event *e = tep_find_event_by_name(tep, iorep_event_desc(t)->system,
							     iorep_event_desc(t)->name);
		if (e)
			out[n++] = e;
	}
	return n;
}

/*
 * The registered options of plugin "iommu", as `trace-cmd list -O` prints
 * them.  (Not tep_plugin_list_options(): libtraceevent 1.7.1 sizes its
 * array in bytes, not pointers, and writes past it.)
 */
static int count_iommu_options(void)
{
	struct trace_seq s;
	const char *p;
	int n = 0;

	trace_seq_init(&s);
	tep_plugin_print_options(&s);
	trace_seq_terminate(&s);
	for (p = s.buffer; (p = strstr(p, "plugin:\tiommu\n")); p++)
		n++;
	trace_seq_destroy(&s);
	return n;
}

/* Loads only the plugin in the build tree. */
static struct tep_plugin_list *load_plugin(struct tep_handle *tep)
{
	setenv("TRACEEVENT_PLUGIN_DIR", IOREP_PLUGIN_BUILD_DIR, 1);
	unsetenv("HOME");
	tep_clear_flag(tep, TEP_DISABLE_PLUGINS); /* set by TRACECMD_FL_LOAD_NO_PLUGINS */
	tep_set_flag(tep, TEP_DISABLE_SYS_PLUGINS);
	return tep_load_plugins(tep);
}

static void test_load_unload(void)
{
	char path[1024];
	struct tracecmd_input *h;
	struct tep_handle *tep;
	struct tep_plugin_list *plugins;
	struct tep_event *events[IOREP_EV_LOST];
	struct tep_record *rec;
	struct trace_seq s;
	int n, i, round, printed = 0;

	snprintf(path, sizeof(path), "%s/6.12.117+deb12-amd64/defects/trace.dat",
		 IOREP_SAMPLES_DIR);
	h = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	tep = tracecmd_get_tep(h);
	n = known_events(tep, events);
	CU_ASSERT_TRUE(n >= 20); /* the iommu and dma events of 6.12 */
	for (round = 0; round < 2; round++) {
		CU_ASSERT_EQUAL(count_iommu_options(), 0);
		plugins = load_plugin(tep);
		CU_ASSERT_PTR_NOT_NULL_FATAL(plugins);
		trace_seq_init(&s);
		tep_print_plugins(&s, "", "\n", plugins);
		trace_seq_terminate(&s);
		/* only ours */
		CU_ASSERT_STRING_EQUAL(s.buffer, IOREP_PLUGIN_BUILD_DIR "/plugin_iommu.so\n");
		trace_seq_destroy(&s);
		for (i = 0; i < n; i++)
			CU_ASSERT_PTR_NOT_NULL(events[i]->handler);
		CU_ASSERT_EQUAL(count_iommu_options(), 3);

		/* the handler prints the first map record through the printer */
		trace_seq_init(&s);
		for (rec = tracecmd_read_cpu_first(h, 1); rec && !printed;) {
			struct tep_event *e = tep_find_event_by_record(tep, rec);

			if (e && !strcmp(e->name, "map")) {
				tep_print_event(tep, &s, rec, "%s", TEP_PRINT_INFO);
				trace_seq_terminate(&s);
				CU_ASSERT_STRING_EQUAL(s.buffer,
						       "iova [0xffff000, 0x10000000) 4 KiB "
						       "(1 page) -> paddr 0x1038a0000");
				printed = 1;
			}
			tracecmd_free_record(rec);
			if (!printed)
				rec = tracecmd_read_data(h, 1);
		}
		trace_seq_destroy(&s);
		CU_ASSERT_TRUE(printed);
		printed = 0;

		tep_unload_plugins(plugins, tep);
		for (i = 0; i < n; i++)
			CU_ASSERT_PTR_NULL(events[i]->handler);
		CU_ASSERT_EQUAL(count_iommu_options(), 0);
	}
	iorep_tracecmd_ksyms_free(h); /* this program links the reader */
	tracecmd_close(h);
}

/* iommu:map as kernels before ~5.17 describe it: no end of range in the print format. */
static const char old_map_format[] =
	"name: map\n"
	"ID: 42\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:u64 iova;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 paddr;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:size_t size;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"IOMMU: iova=0x%016llx paddr=0x%016llx size=%zu\", "
	"(unsigned long long)REC->iova, (unsigned long long)REC->paddr, REC->size\n";

static void test_old_format(void)
{
	struct tep_handle *tep = tep_alloc();
	struct tep_plugin_list *plugins;
	struct tep_record rec;
	struct trace_seq s;
	unsigned char data[32] = {0};
	uint64_t v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	CU_ASSERT_EQUAL_FATAL(
		tep_parse_event(tep, old_map_format, sizeof(old_map_format) - 1, "iommu"),
		TEP_ERRNO__SUCCESS);
	data[0] = 42; /* common_type, little endian */
	v = 0x1000;
	memcpy(data + 8, &v, 8);
	v = 0x7f000;
	memcpy(data + 16, &v, 8);
	v = 0x2000;
	memcpy(data + 24, &v, 8);
	memset(&rec, 0, sizeof(rec));
	rec.data = data;
	rec.size = sizeof(data);

	trace_seq_init(&s);
	tep_print_event(tep, &s, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	/* without the plugin: the kernel's own text, no range */
	CU_ASSERT_STRING_EQUAL(s.buffer,
			       "IOMMU: iova=0x0000000000001000 paddr=0x000000000007f000 size=8192");
	trace_seq_reset(&s);

	plugins = load_plugin(tep);
	tep_print_event(tep, &s, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	CU_ASSERT_STRING_EQUAL(s.buffer, "iova [0x1000, 0x3000) 8 KiB (2 pages) -> paddr 0x7f000");
	trace_seq_destroy(&s);
	tep_unload_plugins(plugins, tep);
	tep_free(tep);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"plugin load and unload", test_load_unload},
		{"old print format gets a range", test_old_format},
		{NULL, NULL},
	};

	return iorep_test_main("plugin-load", tests);
}
