// SPDX-License-Identifier: MIT
/* The downsampled series of live mappings: its width doubles, nothing is lost. */
#include <string.h>

#include "iorep-series.h"
#include "test-util.h"

/* One map every microsecond for 0.1 s: 100000 samples into 512 points. */
static void test_halving(void)
{
	struct iorep_series s;
	uint64_t maps = 0, i;

	iorep_series_init(&s);
	for (i = 0; i < 100000; i++)
		iorep_series_note(&s, 5000000000ull + i * 1000, i + 1, (i + 1) * 4096, true);
	/* 1 us doubled to 256 us: 100000 us / 256 = 391 points */
	CU_ASSERT_EQUAL(s.width, 256000);
	CU_ASSERT_EQUAL(s.n, 391);
	CU_ASSERT_EQUAL(s.start, 5000000000ull);
	for (i = 0; i < s.n; i++)
		maps += s.pts[i].maps;
	CU_ASSERT_EQUAL(maps, 100000);
	CU_ASSERT_EQUAL(s.pts[0].maps, 256);
	CU_ASSERT_EQUAL(s.pts[0].live, 256);
	CU_ASSERT_EQUAL(s.pts[0].peak_bytes, 256 * 4096);
	CU_ASSERT_EQUAL(s.pts[s.n - 1].live, 100000);
	CU_ASSERT_EQUAL(s.pts[s.n - 1].peak_live, 100000);
}

/* A quiet stretch keeps the level; a late burst is counted where it happened. */
static void test_gaps_and_order(void)
{
	struct iorep_series s;

	iorep_series_init(&s);
	iorep_series_note(&s, 1000, 1, 4096, true);
	iorep_series_note(&s, 2000, 2, 8192, true);
	iorep_series_note(&s, 100000, 1, 4096, false);
	CU_ASSERT_EQUAL(s.width, 1000);
	CU_ASSERT_EQUAL(s.n, 100);
	CU_ASSERT_EQUAL(s.pts[50].live, 2);
	CU_ASSERT_EQUAL(s.pts[50].peak_live, 2);
	CU_ASSERT_EQUAL(s.pts[50].maps, 0);
	CU_ASSERT_EQUAL(s.pts[99].live, 1);
	CU_ASSERT_EQUAL(s.pts[99].peak_live, 2);
	CU_ASSERT_EQUAL(s.pts[99].unmaps, 1);
	/* out of order: counted in the latest point */
	iorep_series_note(&s, 50000, 2, 8192, true);
	CU_ASSERT_EQUAL(s.pts[99].maps, 1);
	CU_ASSERT_EQUAL(s.pts[50].maps, 0);
	/* a sample before the start goes to the latest point too */
	iorep_series_note(&s, 10, 3, 12288, true);
	CU_ASSERT_EQUAL(s.pts[99].maps, 2);
	CU_ASSERT_EQUAL(s.pts[99].live, 3);
}

/* A span of hours still fits, with the width a power of two of microseconds. */
static void test_long_span(void)
{
	struct iorep_series s;

	iorep_series_init(&s);
	iorep_series_note(&s, 0, 1, 4096, true);
	iorep_series_note(&s, 3600ull * 1000000000ull, 0, 0, false);
	CU_ASSERT_TRUE(s.n <= IOREP_SERIES_POINTS);
	CU_ASSERT_EQUAL(s.width & (s.width / 1000 - 1), 0);
	CU_ASSERT_TRUE(s.width * IOREP_SERIES_POINTS > 3600ull * 1000000000ull);
	CU_ASSERT_EQUAL(s.pts[0].maps, 1);
	CU_ASSERT_EQUAL(s.pts[s.n - 1].unmaps, 1);
	CU_ASSERT_EQUAL(s.pts[s.n - 1].live, 0);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"halving keeps every event", test_halving},
		{"gaps hold the level, late samples", test_gaps_and_order},
		{"an hour in 512 points", test_long_span},
		{NULL, NULL},
	};

	return iorep_test_main("series", tests);
}
