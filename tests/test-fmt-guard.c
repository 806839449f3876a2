// SPDX-License-Identifier: MIT
/*
 * The event-format guard (src/fmt-guard.c): the sizeof() forms on which
 * libtraceevent 1.7.1 frees a token twice are rewritten to their values,
 * every other form is left as it is, and a trace.dat whose formats hold
 * such forms reports exactly what the capture it came from reports (in
 * the memcheck build, also without a memory error).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>
#include <event-parse.h>

#include "fmt-guard.h"
#include "test-util.h"

#define DMA_TRAFFIC IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/dma-traffic"

#define FIELDS                                                                                     \
	"name: dma_alloc\nID: 7\nformat:\n"                                                        \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"                     \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"                               \
	"\tfield:u64 dma_addr;\toffset:8;\tsize:8;\tsigned:0;\n"                                   \
	"\tfield:unsigned int len;\toffset:16;\tsize:4;\tsigned:0;\n"                              \
	"\tfield:__data_loc u64[] addrs;\toffset:20;\tsize:4;\tsigned:0;\n"                        \
	"\tfield:char name[16];\toffset:24;\tsize:16;\tsigned:0;\n\n"

/*
 * libtraceevent parses @f (@len bytes) as libtracecmd has it do: in the
 * memcheck build, a form the guard let through would show as an error.
 */
static void parse(const char *f, size_t len)
{
	struct tep_handle *tep = tep_alloc();

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	tep_set_long_size(tep, 8);
	tep_parse_event(tep, f, len, "test");
	tep_free(tep);
}

/*
 * Guards FIELDS + "print fmt: " + @args; checks the count and the text made,
 * and has libtraceevent parse what the guard gives it.
 */
static void expect(const char *args, int forms, const char *want_args)
{
	char in[4096], want[4096], *copy = NULL;
	int n;

	snprintf(in, sizeof(in), FIELDS "print fmt: %s\n", args);
	snprintf(want, sizeof(want), FIELDS "print fmt: %s\n", want_args ? want_args : args);
	CU_ASSERT_EQUAL_FATAL(strlen(in), strlen(want));
	n = iorep_fmt_guard(in, strlen(in), &copy);
	if (n != forms)
		fprintf(stderr, "%s: %d forms, expected %d\n", args, n, forms);
	CU_ASSERT_EQUAL(n, forms);
	if (!forms) {
		CU_ASSERT_PTR_NULL(copy);
		parse(in, strlen(in));
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	if (memcmp(copy, want, strlen(want)))
		fprintf(stderr, "%s: made \"%.*s\"\n", args, (int)strlen(want), copy);
	CU_ASSERT_EQUAL(memcmp(copy, want, strlen(want)), 0);
	parse(copy, strlen(in));
	free(copy);
}

/* An event format's print arguments, the forms guarded in them, and what they become. */
struct form {
	const char *args;
	int forms;
	const char *want; /* NULL: @args unchanged */
};

static void expect_all(const struct form *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect(f[i].args, f[i].forms, f[i].want);
}

static void test_rewritten(void)
{
	static const struct form f[] = {
		{"\"%d\", sizeof(int)", 1, "\"%d\", 4          "},
		{"\"%d\", REC->len / sizeof(unsigned int)", 1,
		 "\"%d\", REC->len / 4                   "},
		{"\"%d\", sizeof ( unsigned\tint )", 1, "\"%d\", 4                      "},
		{"\"%d\", sizeof(long long)", 1, "\"%d\", 8                "},
		{"\"%d\", sizeof(unsigned long long)", 1, "\"%d\", 8                         "},
		{"\"%d\", sizeof(REC->dma_addr)", 1, "\"%d\", 8                    "},
		{"\"%d\", sizeof(REC -> len)", 1, "\"%d\", 4                 "},
		{"\"%d\", sizeof(unsigned REC->len)", 1, "\"%d\", 4                        "},
		{"\"%d\", sizeof(REC->common_pid)", 1, "\"%d\", 4                      "},
		{"\"%d %d\", sizeof(int), (sizeof(unsigned int), sizeof(int))", 3,
		 "\"%d %d\", 4          , (4                   , 4          )"},
	};

	expect_all(f, sizeof(f) / sizeof(f[0]));
}

/* Forms whose value is not known: "sizeof" renamed, the parse then fails safely. */
static void test_renamed(void)
{
	static const struct form f[] = {
		{"\"%d\", sizeof(int", 1, "\"%d\", Sizeof(int"},
		{"\"%d\", sizeof(unsigned int, 1)", 1, "\"%d\", Sizeof(unsigned int, 1)"},
		{"\"%d\", sizeof(REC->addrs)", 1, "\"%d\", Sizeof(REC->addrs)"},
		{"\"%d\", sizeof(REC->name)", 1, "\"%d\", Sizeof(REC->name)"},
		{"\"%d\", sizeof(REC->nosuch)", 1, "\"%d\", Sizeof(REC->nosuch)"},
		{"\"%d\", sizeof(long long", 1, "\"%d\", Sizeof(long long"},
		{"\"%d\", sizeof(REC->len", 1, "\"%d\", Sizeof(REC->len"},
	};

	expect_all(f, sizeof(f) / sizeof(f[0]));
}

/* Forms libtraceevent 1.7.1 reads, or refuses, without a double free. */
static void test_left_alone(void)
{
	static const struct form f[] = {
		{"\"%d\", sizeof(u64)", 0, NULL},
		{"\"%d\", sizeof(long)", 0, NULL},
		{"\"%d\", sizeof(unsigned long)", 0, NULL},
		{"\"%d\", sizeof(unsigned)", 0, NULL},
		{"\"%d\", sizeof(unsigned char)", 0, NULL},
		{"\"%d\", sizeof(REC)", 0, NULL},
		{"\"%d\", sizeof(REC->\nlen)", 0, NULL},
		{"\"%d\", sizeof int", 0, NULL},
		{"\"%d\", my_sizeof(int)", 0, NULL},
		{"\"sizeof(int) %d\", REC->len", 0, NULL},
		{"\"a\\\"sizeof(int)\", REC->len", 0, NULL},
		{"'sizeof(int)', REC->len", 0, NULL},
	};

	expect_all(f, sizeof(f) / sizeof(f[0]));
}

/* A field line that says "sizeof(int)" is not parsed as a print argument. */
static void test_fields_not_scanned(void)
{
	const char *f = "name: x\nID: 1\nformat:\n\tfield:char b[sizeof(int)];\toffset:0;"
			"\tsize:4;\tsigned:0;\n\nprint fmt: \"%d\", REC->b\n";
	char *copy = NULL;

	CU_ASSERT_EQUAL(iorep_fmt_guard(f, strlen(f), &copy), 0);
	CU_ASSERT_PTR_NULL(copy);
}

/* libtraceevent reads the rewritten format whole, to the values it would have made. */
static void test_libtraceevent_reads_it(void)
{
	const char *f = FIELDS "print fmt: \"%d %d\", sizeof(int), sizeof(REC->dma_addr)\n";
	struct tep_handle *tep = tep_alloc();
	struct tep_event *event = NULL;
	struct tep_print_arg *arg;
	char *copy = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	CU_ASSERT_EQUAL_FATAL(iorep_fmt_guard(f, strlen(f), &copy), 2);
	CU_ASSERT_EQUAL(tep_parse_format(tep, &event, copy, strlen(f), "test"), 0);
	free(copy);
	CU_ASSERT_PTR_NOT_NULL_FATAL(event);
	CU_ASSERT_FALSE(event->flags & TEP_EVENT_FL_FAILED);
	arg = event->print_fmt.args;
	CU_ASSERT_PTR_NOT_NULL_FATAL(arg);
	CU_ASSERT_EQUAL(arg->type, TEP_PRINT_ATOM);
	CU_ASSERT_STRING_EQUAL(arg->atom.atom, "4");
	CU_ASSERT_PTR_NOT_NULL_FATAL(arg->next);
	CU_ASSERT_EQUAL(arg->next->type, TEP_PRINT_ATOM);
	CU_ASSERT_STRING_EQUAL(arg->next->atom.atom, "8");
	tep_free(tep);
}

/* The JSON report of @path, without the input's path. */
static cJSON *report(const char *path, const char *dir)
{
	char cmd[2048], json[600];
	cJSON *root, *input;
	char *text;
	int status;

	snprintf(json, sizeof(json), "%s/report.json", dir);
	snprintf(cmd, sizeof(cmd), "'%s' -q --json '%s' '%s' > /dev/null", IOREP_BIN, json, path);
	status = system(cmd);
	CU_ASSERT_TRUE_FATAL(WIFEXITED(status) && WEXITSTATUS(status) <= 1);
	text = iorep_test_slurp(json, NULL);
	root = cJSON_Parse(text);
	free(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	input = cJSON_GetObjectItemCaseSensitive(root, "input");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cJSON_GetObjectItemCaseSensitive(input, "path"));
	cJSON_DeleteItemFromObjectCaseSensitive(input, "path");
	return root;
}

static void expect_same_report(const char *path, const char *capture)
{
	char dir[] = "/tmp/iorep-fmt-XXXXXX", file[600];
	cJSON *a, *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	a = report(path, dir);
	b = report(capture, dir);
	if (!cJSON_Compare(a, b, 1))
		fprintf(stderr, "%s: the report differs from %s's\n", path, capture);
	CU_ASSERT_TRUE(cJSON_Compare(a, b, 1));
	cJSON_Delete(a);
	cJSON_Delete(b);
	snprintf(file, sizeof(file), "%s/report.json", dir);
	unlink(file);
	rmdir(dir);
}

/*
 * The version 7, zstd file made by tests/data/make-sizeof-int.sh: no check
 * of the file could reach its formats, the guard on libtraceevent's input
 * does.
 */
static void test_v7_zstd_capture(void)
{
	expect_same_report(IOREP_SOURCE_DIR "/tests/data/sizeof-int.v7.dat",
			   DMA_TRAFFIC "/trace.dat");
}

/* The same formats in the uncompressed version 6 file, made here. */
static void test_v6_capture(void)
{
	char path[] = "/tmp/iorep-fmt-XXXXXX.dat", *data, *p;
	size_t len;
	int fd, n = 0;

	data = iorep_test_slurp(DMA_TRAFFIC "/trace.v6.dat", &len);
	for (p = data; (p = memmem(p, len - (size_t)(p - data), "sizeof(u64)", 11)); p += 11, n++)
		memcpy(p, "sizeof(int)", 11);
	CU_ASSERT_EQUAL(n, 16);
	fd = mkstemps(path, 4);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(data);
	expect_same_report(path, DMA_TRAFFIC "/trace.v6.dat");
	unlink(path);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"sizeof forms rewritten to their values", test_rewritten},
		{"sizeof forms without a known value renamed", test_renamed},
		{"sizeof forms libtraceevent reads safely left alone", test_left_alone},
		{"field lines not scanned", test_fields_not_scanned},
		{"libtraceevent reads the rewritten format", test_libtraceevent_reads_it},
		{"v7 zstd capture with sizeof(int): same report", test_v7_zstd_capture},
		{"v6 capture with sizeof(int): same report", test_v6_capture},
		{NULL, NULL},
	};

	return iorep_test_main("fmt-guard", tests);
}
