// SPDX-License-Identifier: MIT
/*
 * The record decoder (src/tep-decode.c) on formats the samples do not have:
 * a record that holds every number of its format takes the shortcut (no
 * check per field), and must come out as the checked path would: a 4-byte
 * size_t into a 64-bit slot, a signed 2-byte err into a 32-bit one, a
 * record cut short (the fields past its end left out of ev->have), and a
 * big-endian trace (the checked path, byte by byte).  And on two real 6.18
 * formats (tests/data/formats-6.18, a 6.18 kernel's tracefs): the gfp flags
 * of dma_alloc_sgt, whose print format libtraceevent 1.7.1 gives up on, named
 * with dma_alloc's table.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "iorep-event.h"
#include "tep-decode.h"
#include "test-util.h"

/* A 32-bit kernel's dma_map_page: size_t is 4 bytes, dir is a signed int. */
static const char map_page_fmt[] =
	"name: dma_map_page\nID: 20\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:__data_loc char[] device;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 phys_addr;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 dma_addr;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:size_t size;\toffset:32;\tsize:4;\tsigned:0;\n"
	"\tfield:int dir;\toffset:36;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long attrs;\toffset:40;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%s\", __get_str(device)\n";

/* dma_map_sg_err with a 2-byte signed err between its arrays and its dir. */
static const char map_sg_fmt[] =
	"name: dma_map_sg_err\nID: 21\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:__data_loc char[] device;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:__data_loc u64[] phys_addrs;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:short err;\toffset:16;\tsize:2;\tsigned:1;\n"
	"\tfield:int dir;\toffset:20;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long attrs;\toffset:24;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%s\", __get_str(device)\n";

static const char device[] = "0000:00:05.0";

struct sink_ctx {
	char *strs[4];
	int nstrs;
	uint64_t arr[8];
};

static const char *keep_str(void *ctx, int id, const char *s, size_t len)
{
	struct sink_ctx *c = ctx;

	(void)id;
	if (c->nstrs == 4)
		return NULL;
	return c->strs[c->nstrs++] = strndup(s, len);
}

static void *arr(void *ctx, int which, uint32_t n)
{
	struct sink_ctx *c = ctx;

	(void)which;
	return n <= 8 ? c->arr : NULL;
}

static const char *no_gfp(void *ctx, const struct iorep_tep_dec *dec, uint64_t val)
{
	(void)ctx;
	(void)dec;
	(void)val;
	return NULL;
}

static void put(unsigned char *rec, unsigned int off, uint64_t v, unsigned int size, bool big)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		rec[off + i] = (unsigned char)(v >> 8 * (big ? size - 1 - i : i));
}

/* The event @name of @fmt, parsed into @tep (little- or big-endian). */
static struct tep_event *parse(struct tep_handle *tep, const char *fmt, const char *name, bool big)
{
	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, big ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	CU_ASSERT_EQUAL_FATAL(tep_parse_event(tep, fmt, strlen(fmt), "dma"), 0);
	return tep_find_event_by_name(tep, "dma", name);
}

/* Record @rec (@size bytes) of event @name (@type) of @fmt, decoded into @ev. */
static void decode(const char *fmt, const char *name, int type, bool big, const unsigned char *rec,
		   unsigned int size, struct iorep_event *ev, struct sink_ctx *c)
{
	struct tep_handle *tep = tep_alloc();
	const struct iorep_tep_sink sink = {keep_str, arr, no_gfp, c};
	struct iorep_tep_dec dec;
	struct tep_event *e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	e = parse(tep, fmt, name, big);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	iorep_tep_dec_init(&dec, type, e);
	CU_ASSERT_EQUAL(iorep_tep_decode(tep, &dec, rec, size, ev, &sink), 0);
	tep_free(tep);
}

/* A dma_map_page record of @size bytes (the whole one is 64) decoded. */
static void map_page(unsigned int size, bool big, struct iorep_event *ev, struct sink_ctx *c)
{
	unsigned char rec[64] = {0};

	put(rec, 0, 20, 2, big);
	put(rec, 8, (uint64_t)sizeof(device) << 16 | 48, 4, big);
	put(rec, 16, 0x123456789aULL, 8, big);
	put(rec, 24, 0xffffc000ULL, 8, big);
	put(rec, 32, 0x80001000ULL, 4, big); /* past 2^31: no sign extension */
	put(rec, 36, (uint32_t)-1, 4, big);
	put(rec, 40, 0x20ULL, 8, big);
	memcpy(rec + 48, device, sizeof(device));
	decode(map_page_fmt, "dma_map_page", IOREP_EV_DMA_MAP_PAGE, big, rec, size, ev, c);
}

static void free_strs(struct sink_ctx *c)
{
	while (c->nstrs)
		free(c->strs[--c->nstrs]);
}

/* Every field there, in this machine's order: the shortcut. */
static void test_whole_record(void)
{
	struct sink_ctx c = {0};
	struct iorep_event ev;
	int big;

	/* little-endian (the shortcut), then big-endian (field by field): the same event */
	for (big = 0; big < 2; big++) {
		map_page(64, big, &ev, &c);
		CU_ASSERT_EQUAL(ev.type, IOREP_EV_DMA_MAP_PAGE);
		CU_ASSERT_EQUAL(ev.have, 1u << IOREP_F_DEVICE | 1u << IOREP_F_PHYS_ADDR |
						 1u << IOREP_F_DMA_ADDR | 1u << IOREP_F_SIZE |
						 1u << IOREP_F_DIR | 1u << IOREP_F_ATTRS);
		CU_ASSERT_EQUAL(ev.phys_addr, 0x123456789aULL);
		CU_ASSERT_EQUAL(ev.dma_addr, 0xffffc000ULL);
		CU_ASSERT_EQUAL(ev.size, 0x80001000ULL);
		CU_ASSERT_EQUAL(ev.dir, -1);
		CU_ASSERT_EQUAL(ev.attrs, 0x20ULL);
		CU_ASSERT_STRING_EQUAL(ev.device ? ev.device : "", device);
		free_strs(&c);
	}
}

/* A record cut at 40 bytes loses attrs and the device string, and only them. */
static void test_cut_record(void)
{
	struct sink_ctx c = {0};
	struct iorep_event ev;
	int big;

	for (big = 0; big < 2; big++) {
		map_page(40, big, &ev, &c);
		CU_ASSERT_EQUAL(ev.have, 1u << IOREP_F_PHYS_ADDR | 1u << IOREP_F_DMA_ADDR |
						 1u << IOREP_F_SIZE | 1u << IOREP_F_DIR);
		CU_ASSERT_EQUAL(ev.phys_addr, 0x123456789aULL);
		CU_ASSERT_EQUAL(ev.size, 0x80001000ULL);
		CU_ASSERT_EQUAL(ev.dir, -1);
		CU_ASSERT_EQUAL(ev.attrs, 0);
		CU_ASSERT_PTR_NULL(ev.device);
		CU_ASSERT_EQUAL(c.nstrs, 0);
		free_strs(&c);
	}
}

/* A 2-byte signed err is widened with its sign; the array is read too. */
static void test_signed_narrow(void)
{
	struct sink_ctx c = {0};
	unsigned char rec[64] = {0};
	struct iorep_event ev;

	put(rec, 0, 21, 2, false);
	put(rec, 8, (uint64_t)sizeof(device) << 16 | 48, 4, false);
	put(rec, 12, 16ULL << 16 | 32, 4, false);
	put(rec, 16, (uint16_t)-5, 2, false);
	put(rec, 20, 2, 4, false);
	put(rec, 24, 0x100ULL, 8, false);
	put(rec, 32, 0x1000ULL, 8, false);
	put(rec, 40, 0x3000ULL, 8, false);
	memcpy(rec + 48, device, sizeof(device));
	decode(map_sg_fmt, "dma_map_sg_err", IOREP_EV_DMA_MAP_SG_ERR, false, rec, sizeof(rec), &ev,
	       &c);
	CU_ASSERT_EQUAL(ev.have, 1u << IOREP_F_DEVICE | 1u << IOREP_F_PHYS_ADDRS |
					 1u << IOREP_F_ERR | 1u << IOREP_F_DIR |
					 1u << IOREP_F_ATTRS);
	CU_ASSERT_EQUAL(ev.err, -5);
	CU_ASSERT_EQUAL(ev.dir, 2);
	CU_ASSERT_EQUAL(ev.attrs, 0x100ULL);
	CU_ASSERT_EQUAL_FATAL(ev.phys_addrs.n, 2);
	CU_ASSERT_EQUAL(ev.phys_addrs.v[0], 0x1000ULL);
	CU_ASSERT_EQUAL(ev.phys_addrs.v[1], 0x3000ULL);
	CU_ASSERT_STRING_EQUAL(ev.device ? ev.device : "", device);
	free_strs(&c);
}

static const char *gfp_text(void *ctx, const struct iorep_tep_dec *dec, uint64_t val)
{
	struct sink_ctx *c = ctx;
	char buf[256];
	int n = iorep_tep_gfp_format(dec->gfp_flags, val, buf, sizeof(buf));

	return c->nstrs < 4 ? c->strs[c->nstrs++] = strndup(buf, (size_t)n) : NULL;
}

/* The real 6.18 format @name, parsed into @tep. */
static struct tep_event *parse_618(struct tep_handle *tep, const char *name)
{
	char path[512];
	size_t len;
	char *fmt;

	snprintf(path, sizeof(path), "%s/tests/data/formats-6.18/%s.format", IOREP_SOURCE_DIR,
		 name);
	fmt = iorep_test_slurp(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fmt);
	CU_ASSERT_EQUAL_FATAL(tep_parse_event(tep, fmt, len, "dma"), 0);
	free(fmt);
	return tep_find_event_by_name(tep, "dma", name);
}

static void test_gfp_names_shared(void)
{
	struct tep_handle *tep = tep_alloc();
	struct sink_ctx c = {0};
	const struct iorep_tep_sink sink = {keep_str, arr, gfp_text, &c};
	unsigned char rec[80] = {0};
	struct iorep_tep_dec dec;
	struct tep_event *alloc, *sgt;
	struct iorep_event ev;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	alloc = parse_618(tep, "dma_alloc");
	sgt = parse_618(tep, "dma_alloc_sgt");
	CU_ASSERT_PTR_NOT_NULL_FATAL(alloc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sgt);
	/* what the fallback is for: the print format after size= is lost */
	CU_ASSERT(sgt->flags & TEP_EVENT_FL_FAILED);
	CU_ASSERT_FALSE(alloc->flags & TEP_EVENT_FL_FAILED);

	/* device at 48, one phys_addr at 64; dma_addr, size, dir 2, flags GFP_KERNEL|__GFP_ZERO */
	put(rec, 0, (uint64_t)sgt->id, 2, false);
	put(rec, 8, (uint64_t)sizeof(device) << 16 | 48, 4, false);
	put(rec, 12, 8ULL << 16 | 64, 4, false);
	put(rec, 16, 0xfff00000ULL, 8, false);
	put(rec, 24, 0x2000ULL, 8, false);
	put(rec, 32, 2, 4, false);
	put(rec, 36, 0xcc0 | 0x100, 4, false);
	memcpy(rec + 48, device, sizeof(device));
	put(rec, 64, 0x1000ULL, 8, false);
	iorep_tep_dec_init(&dec, IOREP_EV_DMA_ALLOC_SGT, sgt);
	CU_ASSERT_PTR_NOT_NULL(dec.gfp_flags);
	CU_ASSERT_EQUAL(iorep_tep_decode(tep, &dec, rec, sizeof(rec), &ev, &sink), 0);
	CU_ASSERT_TRUE(iorep_event_has(&ev, IOREP_F_GFP));
	CU_ASSERT_STRING_EQUAL(ev.gfp ? ev.gfp : "", "GFP_KERNEL|__GFP_ZERO");
	CU_ASSERT_EQUAL(ev.dma_addr, 0xfff00000ULL);
	CU_ASSERT_EQUAL(ev.size, 0x2000ULL);
	CU_ASSERT_EQUAL_FATAL(ev.phys_addrs.n, 1);
	CU_ASSERT_EQUAL(ev.phys_addrs.v[0], 0x1000ULL);
	CU_ASSERT_STRING_EQUAL(ev.device ? ev.device : "", device);
	/* and dma_alloc by its own table, unchanged */
	iorep_tep_dec_init(&dec, IOREP_EV_DMA_ALLOC, alloc);
	CU_ASSERT_PTR_NOT_NULL(dec.gfp_flags);
	free_strs(&c);
	tep_free(tep);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"a whole record, either byte order", test_whole_record},
		{"a record cut short", test_cut_record},
		{"a signed 2-byte field and an array", test_signed_narrow},
		{"6.18: dma_alloc_sgt's gfp names from dma_alloc", test_gfp_names_shared},
		{NULL, NULL},
	};

	return iorep_test_main("tep-decode", tests);
}
