// SPDX-License-Identifier: MIT
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-render.h"
#include "json-util.h"

int iorep_json_add_str(cJSON *o, const char *key, const char *s)
{
	char *fixed;
	int err, ret;

	if (!s)
		return cJSON_AddNullToObject(o, key) ? 0 : -1;
	fixed = iorep_utf8_sanitize(s, &err);
	if (err)
		return -1;
	ret = cJSON_AddStringToObject(o, key, fixed ? fixed : s) ? 0 : -1;
	free(fixed);
	return ret;
}

int iorep_json_add_u64(cJSON *o, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cJSON_AddRawToObject(o, key, buf) ? 0 : -1;
}

int iorep_json_add_i64(cJSON *o, const char *key, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return cJSON_AddRawToObject(o, key, buf) ? 0 : -1;
}

int iorep_json_add_hex(cJSON *o, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return cJSON_AddStringToObject(o, key, buf) ? 0 : -1;
}

/* The bytes at @p that must be written as \uXXXX: 1..3, or 0; the code point in *@cp. */
static int unsafe_char(const unsigned char *p, unsigned int *cp)
{
	if (p[0] == 0x7f) {
		*cp = 0x7f;
		return 1;
	}
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
		*cp = p[1];	/* C1 controls */
		return 2;
	}
	if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xa8 && p[2] <= 0xae) ||
			     (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
		*cp = 0x2000 | (unsigned int)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		return 3;
	}
	return 0;
}

int iorep_json_inert(const char *s, char **out)
{
	const unsigned char *p;
	size_t extra = 0, j = 0;
	unsigned int cp;
	int n;

	*out = NULL;
	for (p = (const unsigned char *)s; *p; p++)
		if (unsafe_char(p, &cp))
			extra += 6;
	if (!extra)
		return 0;
	*out = malloc(strlen(s) + extra + 1);
	if (!*out)
		return -1;
	for (p = (const unsigned char *)s; *p;) {
		n = unsafe_char(p, &cp);
		if (n) {
			snprintf(*out + j, 7, "\\u%04x", cp);
			j += 6;
			p += n;
		} else {
			(*out)[j++] = (char)*p++;
		}
	}
	(*out)[j] = '\0';
	return 0;
}
