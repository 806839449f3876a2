/* SPDX-License-Identifier: MIT */
/*
 * cJSON helpers the JSON writers share.  cJSON numbers are doubles, which
 * lose nanosecond timestamps past 2^53 and 64-bit addresses: integers are
 * written raw and exact, addresses as "0x..." strings.  Each returns 0, or
 * -1 when cJSON could not allocate.
 */
#ifndef IOREP_JSON_UTIL_H
#define IOREP_JSON_UTIL_H

#include <stdint.h>

#include <cJSON.h>

int iorep_json_add_u64(cJSON *o, const char *key, uint64_t v);
int iorep_json_add_i64(cJSON *o, const char *key, int64_t v);
int iorep_json_add_hex(cJSON *o, const char *key, uint64_t v);

#endif
