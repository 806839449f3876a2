// SPDX-License-Identifier: MIT
/* The progress line: drawn in place when due, wiped at the end, silent when off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-progress.h"
#include "test-util.h"

static void test_drawn_and_wiped(void)
{
	struct iorep_progress p;
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	int i, due = 0;

	iorep_progress_init(&p, fp, true, 2000000000);
	p.after_ns = 0;
	for (i = 0; i < 3 * 65536; i++)
		if (iorep_progress_tick(&p)) {
			due++;
			iorep_progress_update(&p, 500000000);
		}
	CU_ASSERT_EQUAL(due, 3);
	iorep_progress_done(&p);
	fclose(fp);
	/* drawn once (the next two within a quarter second), then wiped */
	CU_ASSERT_TRUE(!strncmp(buf, "\riommu-report: 0.1 M events, 25% of 2.0 GB, ", 44));
	CU_ASSERT_TRUE(size >= 4 && !strcmp(buf + size - 4, "\r\033[K"));
	CU_ASSERT_PTR_NULL(strchr(buf, '\n'));
	free(buf);
}

static void test_off_and_early(void)
{
	struct iorep_progress p;
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	int i;

	iorep_progress_init(&p, fp, false, 0);
	p.after_ns = 0;
	for (i = 0; i < 65536; i++)
		CU_ASSERT_FALSE(iorep_progress_tick(&p));
	iorep_progress_update(&p, 0);
	iorep_progress_done(&p);
	/* on, but the run is younger than a second: nothing either */
	iorep_progress_init(&p, fp, true, 0);
	iorep_progress_update(&p, 0);
	iorep_progress_done(&p);
	fclose(fp);
	CU_ASSERT_EQUAL(size, 0);
	free(buf);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"drawn in place and wiped", test_drawn_and_wiped},
		{"silent when off or early", test_off_and_early},
		{NULL, NULL},
	};

	return iorep_test_main("progress", tests);
}
