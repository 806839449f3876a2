/* SPDX-License-Identifier: MIT */
/* What the CUnit test programs share. */
#ifndef IOREP_TEST_UTIL_H
#define IOREP_TEST_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

struct iorep_test {
	const char *name;
	void (*fn)(void);
};

/* Runs @tests as one suite; returns the process exit status (0: all passed). */
static inline int iorep_test_main(const char *suite, const struct iorep_test *tests)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite(suite, NULL, NULL);
	if (!s)
		return 2;
	for (; tests->name; tests++)
		if (!CU_add_test(s, tests->name, tests->fn))
			return 2;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

/* Writes @text to @dir/@name; a file that cannot be written ends the test. */
static inline void iorep_test_put_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fwrite(text, 1, strlen(text), fp), strlen(text));
	CU_ASSERT_EQUAL(fclose(fp), 0);
}

/* Removes @dir and everything in it. */
static inline void iorep_test_remove_dir(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/*
 * The contents of @path, NUL-terminated (the caller frees them), its length
 * in *@len unless @len is NULL; a file that cannot be read ends the test.
 */
static inline char *iorep_test_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL_FATAL(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* The real captures: the directories samples/KERNEL/NAME that hold a GROUND_TRUTH.md. */
#define IOREP_TEST_NCAPTURES 25

/*
 * IOREP_TEST_CAPTURES, "KERNEL/NAME ...": the captures that the tests that
 * read every capture read instead (the memcheck build's, where a trace.dat
 * costs seconds to open; tests/captures.sh for the scripts); NULL if unset.
 */
static inline const char *iorep_test_subset(void)
{
	const char *s = getenv("IOREP_TEST_CAPTURES");

	return s && *s ? s : NULL;
}

/* Whether @name is a word of the space-separated @words. */
static inline int iorep_test_word_in(const char *name, const char *words)
{
	size_t n = strlen(name);
	const char *w;

	for (w = words; (w = strstr(w, name)); w += n)
		if ((w == words || w[-1] == ' ') && (w[n] == ' ' || w[n] == '\0'))
			return 1;
	return 0;
}

/*
 * Whether a test that names capture directory @dir (".../KERNEL/NAME", as
 * K612 "vfio-io" in test-run.h) reads it: always, but under
 * IOREP_TEST_CAPTURES only when the subset has it.
 */
static inline int iorep_test_wanted(const char *dir)
{
	const char *s = iorep_test_subset(), *end = dir + strlen(dir), *p;
	char name[512];
	int slashes = 0;

	if (!s)
		return 1;
	while (end > dir && end[-1] == '/')
		end--;
	for (p = end; p > dir; p--)
		if (p[-1] == '/' && ++slashes == 2)
			break;
	snprintf(name, sizeof(name), "%.*s", (int)(end - p), p);
	return iorep_test_word_in(name, s);
}

/* How many captures iorep_test_captures() finds: all, or the subset's. */
static inline int iorep_test_ncaptures(void)
{
	const char *s = iorep_test_subset(), *p;
	int n = 0;

	if (!s)
		return IOREP_TEST_NCAPTURES;
	for (p = s; *p; p++)
		n += *p != ' ' && (p == s || p[-1] == ' ');
	return n;
}

/*
 * The real captures (or the subset's), at most @max of them, into @dirs;
 * returns how many.
 */
static inline int iorep_test_captures(char (*dirs)[2048], int max)
{
	struct dirent *k, *c;
	char path[1024], probe[4096];
	DIR *kd, *cd;
	FILE *fp;
	int n = 0;

	kd = opendir(IOREP_SAMPLES_DIR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kd);
	while ((k = readdir(kd))) {
		if (k->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", IOREP_SAMPLES_DIR, k->d_name);
		cd = opendir(path);
		if (!cd)
			continue;
		while ((c = readdir(cd)) && n < max) {
			if (c->d_name[0] == '.')
				continue;
			snprintf(probe, sizeof(probe), "%s/%s/GROUND_TRUTH.md", path, c->d_name);
			fp = fopen(probe, "r");
			if (!fp)
				continue;
			fclose(fp);
			snprintf(probe, sizeof(probe), "%s/%s", path, c->d_name);
			if (!iorep_test_wanted(probe))
				continue;
			snprintf(dirs[n++], sizeof(dirs[0]), "%s/%s", path, c->d_name);
		}
		closedir(cd);
	}
	closedir(kd);
	return n;
}

#endif
