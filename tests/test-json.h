/* SPDX-License-Identifier: MIT */
/* Reading iommu-report's JSON document in the CUnit tests. */
#ifndef IOREP_TEST_JSON_H
#define IOREP_TEST_JSON_H

#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <cjson/cJSON.h>

/* Member @a of @o, or @a's member @b when @b is not NULL; NULL if absent. */
static inline const cJSON *iorep_test_get(const cJSON *o, const char *a, const char *b)
{
	o = cJSON_GetObjectItemCaseSensitive(o, a);
	return b ? cJSON_GetObjectItemCaseSensitive(o, b) : o;
}

/* As iorep_test_get(), a number the test needs (a fatal failure otherwise). */
static inline double iorep_test_num(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = iorep_test_get(o, a, b);

	CU_ASSERT_FATAL(cJSON_IsNumber(v));
	return v->valuedouble;
}

/* The iommu/dma events @doc says were read, all types. */
static inline unsigned long iorep_test_events(const cJSON *doc)
{
	const cJSON *e;
	double n = 0;

	cJSON_ArrayForEach(e, iorep_test_get(doc, "events", NULL)) n += e->valuedouble;
	return (unsigned long)n;
}

/*
 * The findings of @doc, one "type@pos iova D|S" each (pos: the line or file
 * offset; D definite, S suspected), space-separated, into @buf.
 */
static inline const char *iorep_test_findings(const cJSON *doc, char *buf, size_t size)
{
	const cJSON *f, *iova;
	const char *type, *conf;
	size_t n = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(f, iorep_test_get(doc, "findings", NULL))
	{
		iova = iorep_test_get(f, "iova", NULL);
		type = iorep_test_get(f, "type", NULL)->valuestring;
		conf = iorep_test_get(f, "confidence", NULL)->valuestring;
		n += (size_t)snprintf(buf + n, size - n, "%s%s@%.0f %s %s", n ? " " : "", type,
				      iorep_test_num(f, "pos", NULL),
				      cJSON_IsString(iova) ? iova->valuestring : "-",
				      strcmp(conf, "definite") ? "S" : "D");
		CU_ASSERT_FATAL(n < size);
	}
	return buf;
}

/* @doc's findings are exactly @want (as iorep_test_findings() writes them). */
static inline void iorep_test_expect_findings(const cJSON *doc, const char *want)
{
	char got[8192];

	iorep_test_findings(doc, got, sizeof(got));
	if (strcmp(got, want))
		fprintf(stderr, "\nfindings:\n  got  %s\n  want %s\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

#endif
