// SPDX-License-Identifier: MIT
/*
 * The fuzz targets' JSON check (tests/fuzz/fuzz-json.c): every JSON document
 * the program wrote for the goldens and the baseline seeds passes, each one
 * cut anywhere fails, and each rule of RFC 8259's grammar holds on both sides.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz-common.h"
#include "test-util.h"

static int valid(const char *s)
{
	return fuzz_json_valid(s, strlen(s));
}

static void test_grammar(void)
{
	static const char *const good[] = {
		"0",
		"-0",
		"12",
		"-3.25",
		"1e5",
		"1E+5",
		"2.5e-3",
		"true",
		"false",
		"null",
		"\"\"",
		"\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uABCD\"",
		"\"\xc3\xa9\"",
		"[]",
		"{}",
		" [ 1 , [ ] , { } ] \n",
		"{\"a\":{\"b\":[null,true]},\"c\":\"d\"}",
		"\t\r\n{ \"k\" : -1 }\r\n",
	};
	static const char *const bad[] = {
		"",	   " ",	       "01",	     "1.",	    ".5",	 "+1",
		"-",	   "1e",       "1e+",	     "0x10",	    "tru",	 "nul",
		"True",	   "\"abc",    "\"a\\x\"",   "\"\\u12g4\"", "\"\\u12\"", "\"a\nb\"",
		"\"\\\"",  "[",	       "[1,]",	     "[,1]",	    "[1 2]",	 "{",
		"{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}",	    "{\"a\" 1}", "{1:2}",
		"1 2",	   "[] x",     "{}}",	     "[]]",	    "NaN",	 "Infinity",
		"'a'",
	};
	char deep[2 * 600 + 1];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!valid(good[i]))
			fprintf(stderr, "refused: %s\n", good[i]);
		CU_ASSERT_TRUE(valid(good[i]));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (valid(bad[i]))
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CU_ASSERT_FALSE(valid(bad[i]));
	}
	/* the length bounds it, not a NUL */
	CU_ASSERT_TRUE(fuzz_json_valid("[1]]", 3));
	CU_ASSERT_FALSE(fuzz_json_valid("[1]", 2));
	CU_ASSERT_FALSE(fuzz_json_valid("[1\0]", 4));
	/* nesting: 512 levels pass, 600 fail (no recursion without end) */
	memset(deep, '[', 512);
	memset(deep + 512, ']', 512);
	CU_ASSERT_TRUE(fuzz_json_valid(deep, 1024));
	memset(deep, '[', 600);
	memset(deep + 600, ']', 600);
	CU_ASSERT_FALSE(fuzz_json_valid(deep, 1200));
}

static void test_documents(void)
{
	static const char *const patterns[] = {
		IOREP_SOURCE_DIR "/tests/golden/*.json",
		IOREP_SOURCE_DIR "/tests/fuzz/corpus/baseline/*.json",
	};
	size_t i, j, len = 0, cut, docs = 0;
	glob_t g;
	char *buf;

	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(glob(patterns[i], 0, NULL, &g), 0);
		for (j = 0; j < g.gl_pathc; j++) {
			buf = iorep_test_slurp(g.gl_pathv[j], &len);
			if (!fuzz_json_valid(buf, len))
				fprintf(stderr, "refused: %s\n", g.gl_pathv[j]);
			CU_ASSERT_TRUE(fuzz_json_valid(buf, len));
			/* cut short (before its closing bracket, then white space) it is not one */
			for (cut = len; cut > 0 && buf[cut - 1] != '}' && buf[cut - 1] != ']';
			     cut--)
				;
			CU_ASSERT_TRUE(cut > 0);
			for (cut = cut ? cut - 1 : 0; cut > 0; cut = cut * 7 / 8)
				CU_ASSERT_FALSE(fuzz_json_valid(buf, cut));
			free(buf);
			docs++;
		}
		globfree(&g);
	}
	/* 25 goldens (the captures) and 3 baseline seeds */
	CU_ASSERT_EQUAL(docs, 28);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"JSON grammar", test_grammar},
		{"documents the program wrote", test_documents},
		{NULL, NULL},
	};

	return iorep_test_main("fuzz JSON check", tests);
}
