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
/*
 * A string of the trace: NULL as null, invalid UTF-8 bytes as U+FFFD (cJSON
 * copies bytes as they are, which no JSON parser takes); cJSON escapes
 * quotes, backslashes and control characters.
 */
int iorep_json_add_str(cJSON *o, const char *key, const char *s);

/*
 * JSON text @s as cJSON printed it, with what a terminal or an editor would
 * act on written as \uXXXX: DEL, the C1 controls, U+2028/U+2029 and the
 * bidirectional embeddings, overrides and isolates (cJSON escapes only the
 * C0 controls).  Outside its strings JSON text is ASCII, so only strings
 * change, and they still say the same.  Sets *@out to NULL when @s needs no
 * change, else to a malloc()ed copy the caller frees; returns 0, or -1 on
 * ENOMEM.
 */
int iorep_json_inert(const char *s, char **out);

#endif
