// SPDX-License-Identifier: MIT
/*
 * The option payloads src/dat-option.c refuses, and those it lets through:
 * each rule on the payload trace-cmd writes, and on the smallest change
 * that makes libtracecmd 1.3.1 read past, write before or dereference NULL.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dat-option.h"
#include "test-util.h"

/* libtracecmd's own hook parser (exported, declared in trace-cmd-private.h only) */
struct hook_list;
struct hook_list *tracecmd_create_event_hook(const char *arg);
void tracecmd_free_hooks(struct hook_list *hooks);

#define TRAP(id, lit, v7)                                                                          \
	iorep_dat_option_trap(id, (const unsigned char *)(lit), sizeof(lit) - 1, v7, false)

static void test_clock_lists(void)
{
	/* what trace-cmd writes, and what follows version 6's CPU table */
	CU_ASSERT_PTR_NULL(iorep_dat_clock_trap("[local] global counter uptime perf mono "
						"mono_raw boot tai x86-tsc\n"));
	CU_ASSERT_PTR_NULL(iorep_dat_clock_trap("[global]"));
	CU_ASSERT_PTR_NULL(iorep_dat_clock_trap("local global [x86-tsc]"));
	CU_ASSERT_PTR_NULL(iorep_dat_clock_trap(""));
	CU_ASSERT_PTR_NULL(iorep_dat_clock_trap("local global"));
	/* sscanf() of white space finds no name and leaves it NULL, safely */
	CU_ASSERT_PTR_NULL(iorep_dat_clock_trap("[\n]"));
	/* only the first "[" word is read */
	CU_ASSERT_PTR_NULL(iorep_dat_clock_trap("[local] []"));
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_clock_trap("[]"));
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_clock_trap("local  [ ]"));
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_clock_trap("[[]] [local]"));
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_clock_trap("["));
	CU_ASSERT_PTR_NOT_NULL(TRAP(IOREP_OPT_TRACECLOCK, "local []\0", false));
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_TRACECLOCK, "[local] global\0", false));
}

static void test_printk_formats(void)
{
	/* as the kernel's printk_formats file has them */
	CU_ASSERT_PTR_NULL(iorep_dat_printk_trap("0xffffffff82a4ba40 : \"Failed to allocate\\n\"\n"
						 "0xffffffff82a4bb00 : \"%s: %d\\n\"\n"));
	CU_ASSERT_PTR_NULL(iorep_dat_printk_trap(""));
	CU_ASSERT_PTR_NULL(iorep_dat_printk_trap("\n\n0x1 : \"abc\"\n\n"));
	/* unquoted, and the shortest that libtraceevent reads inside */
	CU_ASSERT_PTR_NULL(iorep_dat_printk_trap("0x1 : abc"));
	CU_ASSERT_PTR_NULL(iorep_dat_printk_trap("0x1 : \"abc"));
	/* libtraceevent stops at a line of only ':'s */
	CU_ASSERT_PTR_NULL(iorep_dat_printk_trap("0x1 : \"abc\"\n::\n0x2"));
	/* nothing after the address: strdup() from past the line */
	CU_ASSERT_STRING_EQUAL(iorep_dat_printk_trap("0x1 : \"abc\"\n0x2"),
			       "a printk format line with nothing after its address (libtraceevent "
			       "would read past it)");
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_printk_trap("0x2:"));
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_printk_trap("::0x2\n0x1 : \"abc\""));
	/* under 3 characters after the quote: read before the copy */
	CU_ASSERT_STRING_EQUAL(iorep_dat_printk_trap("0x1 : \"\""),
			       "a printk format of under 3 characters (libtraceevent would read "
			       "before it)");
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_printk_trap("0x1 :"));
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_printk_trap("0x1 : ab\n"));
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_printk_trap("0x1 : \"ab"));
	CU_ASSERT_PTR_NOT_NULL(iorep_dat_printk_trap("0x1 : \"\\n"));
}

static void test_text_options(void)
{
	CU_ASSERT_PTR_NULL(
		TRAP(IOREP_OPT_UNAME, "Linux (none) 6.12.117+deb12-amd64 x86_64\0", true));
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_VERSION, "3.1.6 not-a-git-repo\0", false));
	CU_ASSERT_STRING_EQUAL(TRAP(IOREP_OPT_VERSION, "3.1.6", false),
			       "a text option without its terminating NUL");
	CU_ASSERT_PTR_NOT_NULL(TRAP(IOREP_OPT_DATE, "0x12", false));
	CU_ASSERT_PTR_NOT_NULL(TRAP(IOREP_OPT_OFFSET, "", false));
	CU_ASSERT_STRING_EQUAL(TRAP(IOREP_OPT_CPUSTAT, "", false),
			       "an empty option that libtracecmd cannot read");
	CU_ASSERT_PTR_NOT_NULL(TRAP(IOREP_OPT_PROCMAPS, "", true));
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_CPUSTAT, "CPU: 0\n", false));
	/* options it does not know pass as they are */
	CU_ASSERT_PTR_NULL(TRAP(0x7ff0, "", false));
	CU_ASSERT_PTR_NULL(TRAP(11, "\1\2", true));
}

/* The HOOK option whose payload is @hook and its NUL: why it is refused, or NULL. */
static const char *hook_trap(const char *hook)
{
	return iorep_dat_option_trap(IOREP_OPT_HOOK, (const unsigned char *)hook, strlen(hook) + 1,
				     false, false);
}

static void test_hooks(void)
{
	static const char *const good[] = {
		"sched:sched_waking,pid/sched:sched_switch,next_pid",
		"sched_waking,pid/sched_switch,next_pid",
		"sched:sched_waking,pid,1234/sched:sched_switch,next_pid,PGS",
		"a,b/c,d",
		"a,b,9/c,d,p",
		/* the first word's separator is read at its length from the start */
		",a:b,c/d,e",
	};
	static const char *const bad[] = {
		"",	    "sched",	"a,b",	    "a,b/", "a,b/c",	  "a,b/c,",
		"a:,b/c,d", "a,b,/c,d", "a,b/c,d,", ":::",  "a:b,c/d:,e",
	};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why = hook_trap(good[i]);
		if (why)
			fprintf(stderr, "refused: %s\n", good[i]);
		CU_ASSERT_PTR_NULL(why);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = hook_trap(bad[i]);
		if (!why)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CU_ASSERT_STRING_EQUAL(why, "a hook option that libtracecmd cannot parse");
	}
}

/* Whether libtracecmd parses @arg (what it prints, a hook or a warning, goes to /dev/null). */
static int libtracecmd_parses(const char *arg, int null)
{
	struct hook_list *h;
	int out = dup(1), err = dup(2);

	fflush(stdout);
	dup2(null, 1);
	dup2(null, 2);
	h = tracecmd_create_event_hook(arg);
	fflush(stdout);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	tracecmd_free_hooks(h);
	return h != NULL;
}

/* Every string of up to 8 of "a:,/" parses here as it does in libtracecmd. */
static void test_hooks_as_libtracecmd(void)
{
	static const char alphabet[] = "a:,/";
	char buf[9];
	unsigned long code, c;
	size_t len, i, strings = 0, parsed = 0, differ = 0;
	int ours, null = open("/dev/null", O_WRONLY);

	CU_ASSERT_FATAL(null >= 0);
	for (len = 0; len <= 8; len++) {
		for (code = 0; code < 1UL << (2 * len); code++) {
			for (c = code, i = 0; i < len; i++, c >>= 2)
				buf[i] = alphabet[c & 3];
			buf[len] = '\0';
			ours = !hook_trap(buf);
			if (ours != libtracecmd_parses(buf, null) && differ++ < 5)
				fprintf(stderr, "\"%s\": %d here\n", buf, ours);
			parsed += ours;
			strings++;
		}
	}
	close(null);
	CU_ASSERT_EQUAL(differ, 0);
	CU_ASSERT_EQUAL(strings, 87381);
	/* both kinds are there to compare (456 parse) */
	CU_ASSERT_TRUE(parsed > 100 && parsed < strings / 2);
}

static void test_buffers(void)
{
	/* version 7's top buffer as trace-cmd writes it: offset, "", "global", pages, 1 CPU */
	static const char top7[] = "\xff\xcc\0\0\0\0\0\0"
				   "\0global\0"
				   "\0\x10\0\0\1\0\0\0"
				   "\0\0\0\0\0\xd0\0\0\0\0\0\0\0\x10\0\0\0\0\0\0";

	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_BUFFER, top7, true));
	/* version 6 keeps the name only */
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_BUFFER, "\0\x10\0\0\0\0\0\0inst\0", false));
	CU_ASSERT_PTR_NOT_NULL(TRAP(IOREP_OPT_BUFFER, "\0\x10\0\0\0\0\0\0inst", false));
	CU_ASSERT_PTR_NOT_NULL(TRAP(IOREP_OPT_BUFFER_TEXT, "\0\x10\0\0\0\0\0\0inst", false));
	/* a name, then a clock without its NUL */
	CU_ASSERT_STRING_EQUAL(TRAP(IOREP_OPT_BUFFER, "\0\0\0\0\0\0\0\0\0glob", true),
			       "a buffer option whose name or clock has no terminating NUL");
	CU_ASSERT_PTR_NOT_NULL(TRAP(IOREP_OPT_BUFFER_TEXT, "\0\0\0\0\0\0\0\0i\0glob", true));
	/* that clock in version 6 is not read */
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_BUFFER, "\0\0\0\0\0\0\0\0\0glob", false));
	/* nothing left to read: libtracecmd fails by itself */
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_BUFFER, "\0\0\0\0\0\0\0\0", true));
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_BUFFER, "\0\0\0\0\0\0\0\0\0", true));
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_BUFFER, "\0\0\0", true));
}

static void test_numbers(void)
{
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_CPUCOUNT, "\2\0\0\0", true));
	CU_ASSERT_STRING_EQUAL(TRAP(IOREP_OPT_CPUCOUNT, "\2\0", false),
			       "a CPU count option shorter than 4 bytes");
	CU_ASSERT_PTR_NOT_NULL(TRAP(IOREP_OPT_CPUCOUNT, "", false));
	/* 2^20 CPUs at most; 2^20 + 1, and -1 read as unsigned, are refused */
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_CPUCOUNT, "\0\0\x10\0", false));
	CU_ASSERT_PTR_NULL(iorep_dat_option_trap(
		IOREP_OPT_CPUCOUNT, (const unsigned char *)"\0\x10\0\0", 4, true, true));
	CU_ASSERT_STRING_EQUAL(TRAP(IOREP_OPT_CPUCOUNT, "\1\0\x10\0", false),
			       "a CPU count over 1048576 (libtracecmd would spend seconds looping "
			       "over them)");
	CU_ASSERT_PTR_NOT_NULL(TRAP(IOREP_OPT_CPUCOUNT, "\xff\xff\xff\xff", true));
}

static void test_guests(void)
{
	/* name, trace id, 2 CPUs: (0, pid 100), (1, pid 101) */
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_GUEST,
				"vm\0"
				"\1\0\0\0\0\0\0\0\2\0\0\0"
				"\0\0\0\0\x64\0\0\0\1\0\0\0\x65\0\0\0",
				false));
	/* a CPU past the count: libtracecmd stops there */
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_GUEST,
				"vm\0"
				"\1\0\0\0\0\0\0\0\1\0\0\0"
				"\7\0\0\0\x64\0\0\0",
				false));
	CU_ASSERT_STRING_EQUAL(TRAP(IOREP_OPT_GUEST,
				    "vm\0"
				    "\1\0\0\0\0\0\0\0\2\0\0\0"
				    "\0\0\0\0\x64\0\0\0\xff\xff\xff\xff\x65\0\0\0",
				    false),
			       "a guest option with a negative CPU number");
	/* big-endian numbers: CPU 0xffffff00 is negative too */
	CU_ASSERT_PTR_NOT_NULL(
		iorep_dat_option_trap(IOREP_OPT_GUEST,
				      (const unsigned char *)"vm\0"
							     "\0\0\0\0\0\0\0\1\0\0\0\1"
							     "\xff\xff\xff\0\0\0\0\x64",
				      23, false, true));
	CU_ASSERT_STRING_EQUAL(TRAP(IOREP_OPT_GUEST, "guest-vm", false),
			       "a guest option whose name has no terminating NUL");
	/* too short for its numbers: libtracecmd fails by itself */
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_GUEST, "vm\0\1\0\0", false));
}

static void test_time_shifts(void)
{
	/* trace id, flags, 1 CPU of 1 sample: time, offset, scaling */
	static const char one[] = "\1\0\0\0\0\0\0\0\0\0\0\0\1\0\0\0"
				  "\1\0\0\0"
				  "\x10\0\0\0\0\0\0\0\x20\0\0\0\0\0\0\0\1\0\0\0\0\0\0\0";
	/* 2 CPUs, the second of no samples */
	static const char none[] = "\1\0\0\0\0\0\0\0\0\0\0\0\2\0\0\0"
				   "\1\0\0\0"
				   "\x10\0\0\0\0\0\0\0\x20\0\0\0\0\0\0\0\1\0\0\0\0\0\0\0"
				   "\0\0\0\0";

	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_TIME_SHIFT, one, false));
	CU_ASSERT_STRING_EQUAL(TRAP(IOREP_OPT_TIME_SHIFT, none, false),
			       "a time shift option with a CPU of no samples");
	/* under 16 bytes it is ignored; a count past the option fails inside libtracecmd */
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_TIME_SHIFT, "\1\0\0\0\0\0\0\0\0\0\0", false));
	CU_ASSERT_PTR_NULL(TRAP(IOREP_OPT_TIME_SHIFT,
				"\1\0\0\0\0\0\0\0\0\0\0\0\2\0\0\0"
				"\x50\0\0\0\0\0\0\0",
				false));
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"trace clock lists", test_clock_lists},
		{"printk formats", test_printk_formats},
		{"text options", test_text_options},
		{"hooks", test_hooks},
		{"hooks as libtracecmd parses them", test_hooks_as_libtracecmd},
		{"buffers", test_buffers},
		{"CPU counts", test_numbers},
		{"guests", test_guests},
		{"time shifts", test_time_shifts},
		{NULL, NULL},
	};

	return iorep_test_main("trace.dat options", tests);
}
