// SPDX-License-Identifier: MIT
#include <inttypes.h>
#include <stdio.h>

#include "json-util.h"

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
