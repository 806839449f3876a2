// SPDX-License-Identifier: MIT
/*
 * The kallsyms a stack trace's frames are named from (src/tracecmd-ksyms.c):
 * only functions are kept, so a frame's address is named by the function it
 * is in even where a data symbol lies between (a module's data may, in its
 * text's address range), and the names agree with the table's layout:
 * 64- and 32-bit addresses, a module's name after a tab, a last line
 * without its newline, and lines that are no symbol at all.
 */
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "tracecmd-ksyms.h"
#include "test-util.h"

/* What @tep names @addr, "" for nothing; the start of that function in @start. */
static const char *name_of(struct tep_handle *tep, unsigned long long addr,
			   unsigned long long *start)
{
	const char *name = tep_find_function(tep, addr);

	*start = name ? tep_find_function_address(tep, addr) : 0;
	return name ? name : "";
}

static void check(struct tep_handle *tep, unsigned long long addr, const char *name,
		  unsigned long long start)
{
	unsigned long long got;

	CU_ASSERT_STRING_EQUAL(name_of(tep, addr, &got), name);
	CU_ASSERT_EQUAL(got, start);
}

static void test_functions_only(void)
{
	static const char text[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000100 t e1000_xmit_frame\t[e1000]\n"
		"ffffffff81000180 d e1000_data\t[e1000]\n"
		"ffffffff81000200 r e1000_rodata\t[e1000]\n"
		"ffffffff81000300 W weak_fn\n"
		"ffffffff81000380 B bss_var\n"
		"garbage line\n"
		"\n"
		"ffffffff81000400 T\n"
		"ffffffff81000500 w last_fn";
	struct tep_handle *tep = tep_alloc();

	CU_ASSERT_FATAL(tep != NULL);
	CU_ASSERT_EQUAL_FATAL(tep_parse_kallsyms(tep, text), 0);
	check(tep, 0xffffffff81000010ULL, "_stext", 0xffffffff81000000ULL);
	/* past e1000_data and e1000_rodata: still e1000_xmit_frame's code */
	check(tep, 0xffffffff81000190ULL, "e1000_xmit_frame", 0xffffffff81000100ULL);
	check(tep, 0xffffffff81000250ULL, "e1000_xmit_frame", 0xffffffff81000100ULL);
	check(tep, 0xffffffff81000390ULL, "weak_fn", 0xffffffff81000300ULL);
	/* the line without a name names nothing */
	check(tep, 0xffffffff81000410ULL, "weak_fn", 0xffffffff81000300ULL);
	check(tep, 0xffffffff81000500ULL, "last_fn", 0xffffffff81000500ULL);
	check(tep, 0xffffffff80ffffffULL, "", 0);
	iorep_ksyms_free(tep);
	tep_free(tep);
}

static void test_32bit(void)
{
	struct tep_handle *tep = tep_alloc();

	CU_ASSERT_FATAL(tep != NULL);
	CU_ASSERT_EQUAL_FATAL(
		tep_parse_kallsyms(tep, "c1000000 T startup_32\nc1000100 D init_data\n"
					"c1000200 t do_one\n"),
		0);
	check(tep, 0xc1000150ULL, "startup_32", 0xc1000000ULL);
	check(tep, 0xc1000200ULL, "do_one", 0xc1000200ULL);
	iorep_ksyms_free(tep);
	tep_free(tep);
}

/* No function at all: nothing is named, and nothing is kept. */
static void test_no_function(void)
{
	struct tep_handle *tep = tep_alloc();

	CU_ASSERT_FATAL(tep != NULL);
	CU_ASSERT_EQUAL_FATAL(tep_parse_kallsyms(tep, "ffffffff82000000 D jiffies\n"), 0);
	check(tep, 0xffffffff82000010ULL, "", 0);
	CU_ASSERT_EQUAL_FATAL(tep_parse_kallsyms(tep, ""), 0);
	iorep_ksyms_free(tep);
	tep_free(tep);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"functions only: data symbols name no frame", test_functions_only},
		{"a 32-bit kernel's addresses", test_32bit},
		{"a table without functions", test_no_function},
		{NULL, NULL},
	};

	return iorep_test_main("ksyms", tests);
}
