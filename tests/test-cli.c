// SPDX-License-Identifier: MIT
/*
 * The command line's drawing and page outputs: what each writes, where,
 * and the one-line refusals (a bad --at, two outputs on stdout, an output
 * that would overwrite an input, a directory that cannot be written).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iorep-render.h"
#include "test-util.h"

#define VFIO IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/vfio"
#define TRACE VFIO "/trace.dat"

struct cli {
	int status;	   /* exit status, or -1 when killed */
	char err[512];	   /* first line of stderr */
	char err_all[4096]; /* all of stderr (its first 4095 bytes) */
	char out[8192];	   /* first bytes of stdout: the header names paths of any length */
	size_t out_len;
};

/*
 * Runs iommu-report with @args (a shell fragment) in @dir, its standard
 * input piped from the command @from when it is not NULL.
 */
static void run_from(struct cli *c, const char *dir, const char *from, const char *args)
{
	char cmd[4096], path[1024];
	FILE *fp;
	int st;

	snprintf(cmd, sizeof(cmd), "cd '%s' && %s%s'%s' %s > out.txt 2> err.txt", dir,
		 from ? from : "", from ? " | " : "", IOREP_BIN, args);
	st = system(cmd);
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	c->err[0] = c->err_all[0] = '\0';
	snprintf(path, sizeof(path), "%s/err.txt", dir);
	fp = fopen(path, "rb");
	if (fp) {
		c->err_all[fread(c->err_all, 1, sizeof(c->err_all) - 1, fp)] = '\0';
		rewind(fp);
		if (!fgets(c->err, sizeof(c->err), fp))
			c->err[0] = '\0';
		fclose(fp);
	}
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	c->out_len = 0;
	fp = fopen(path, "rb");
	if (fp) {
		c->out_len = fread(c->out, 1, sizeof(c->out) - 1, fp);
		fclose(fp);
	}
	c->out[c->out_len] = '\0';
}

static void run(struct cli *c, const char *dir, const char *args)
{
	run_from(c, dir, NULL, args);
}

/* The first @n bytes of @dir/@name, NUL-terminated; returns how many were read. */
static size_t head(const char *dir, const char *name, char *buf, size_t n)
{
	char path[1024];
	size_t got = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	if (fp) {
		got = fread(buf, 1, n - 1, fp);
		fclose(fp);
	}
	buf[got] = '\0';
	return got;
}

/* Files in @dir whose name has @part. */
static int count_named(const char *dir, const char *part)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strstr(de->d_name, part))
			n++;
	closedir(d);
	return n;
}

static void make_dir(char *dir)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

/* All of stderr is @want (and on a mismatch, says what it was). */
static void expect_stderr(const struct cli *c, const char *want)
{
	if (strcmp(c->err_all, want))
		fprintf(stderr, "\nstderr:\n  got  %s  want %s", c->err_all, want);
	CU_ASSERT_STRING_EQUAL(c->err_all, want);
}

static void test_outputs(void)
{
	char dir[] = "/tmp/iorep-cli-XXXXXX", buf[64], path[1024];
	struct cli c;
	FILE *fp;

	make_dir(dir);
	/* an old file at the path is replaced whole */
	snprintf(path, sizeof(path), "%s/t.dot", dir);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs("old contents, longer than nothing\n", fp);
	fclose(fp);
	run(&c, dir,
	    "--sysfs " VFIO "/iommu_groups.txt --lspci " VFIO "/lspci.txt --at 19 --dot t.dot "
	    "--svg t.svg --png t.png --html t.html " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	CU_ASSERT_STRING_EQUAL(c.err, "");
	/* the text report still goes to stdout */
	CU_ASSERT_EQUAL(strncmp(c.out, "iommu-report ", 13), 0);
	head(dir, "t.dot", buf, sizeof(buf));
	CU_ASSERT_EQUAL(strncmp(buf, "digraph iommu {", 15), 0);
	head(dir, "t.svg", buf, sizeof(buf));
	CU_ASSERT_EQUAL(strncmp(buf, "<?xml", 5), 0);
	CU_ASSERT_EQUAL(head(dir, "t.png", buf, 9), 8);
	CU_ASSERT_EQUAL(memcmp(buf, "\x89PNG\r\n\x1a\n", 8), 0);
	head(dir, "t.html", buf, sizeof(buf));
	CU_ASSERT_EQUAL(strncmp(buf, "<!DOCTYPE html>", 15), 0);
	/* no temporary file left behind */
	CU_ASSERT_EQUAL(count_named(dir, ".tmp-"), 0);
	iorep_test_remove_dir(dir);
}

static void test_stdout(void)
{
	char dir[] = "/tmp/iorep-cli-XXXXXX";
	struct cli c;

	make_dir(dir);
	/* a drawing on stdout replaces the text report there */
	run(&c, dir, "--dot - " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	CU_ASSERT_EQUAL(strncmp(c.out, "digraph iommu {", 15), 0);
	/* two documents cannot share it */
	run(&c, dir, "--json - --dot - " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: only one output can go to standard output\n");
	CU_ASSERT_EQUAL(c.out_len, 0);
	iorep_test_remove_dir(dir);
}

static void test_refusals(void)
{
	char dir[] = "/tmp/iorep-cli-XXXXXX", cmd[2048];
	struct stat before, after;
	struct cli c;

	make_dir(dir);
	run(&c, dir, "--at soon --svg t.svg " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: --at: \"soon\" is not seconds (1234.5), "
				      "+seconds, start or end\n");
	run(&c, dir, "--at 1.2.3 --svg t.svg " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	/* an output naming an input: refused, the input untouched */
	snprintf(cmd, sizeof(cmd), "cp " VFIO "/iommu_groups.txt '%s/groups.txt'", dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/groups.txt", dir);
	CU_ASSERT_EQUAL_FATAL(stat(cmd, &before), 0);
	run(&c, dir, "--sysfs groups.txt --html groups.txt " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: groups.txt would overwrite an input; "
				      "not writing\n");
	CU_ASSERT_EQUAL_FATAL(stat(cmd, &after), 0);
	CU_ASSERT_EQUAL(before.st_size, after.st_size);
	CU_ASSERT_EQUAL(before.st_mtime, after.st_mtime);
	/* an event format that does not exist: refused, nothing on stdout */
	run(&c, dir, "--events=xml " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: --events=xml: not json or text\n");
	CU_ASSERT_EQUAL(c.out_len, 0);
	/* a directory that does not exist */
	run(&c, dir, "--png /nonexistent/dir/t.png " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_EQUAL(strncmp(c.err, "iommu-report: /nonexistent/dir/t.png: cannot write: ", 52),
			0);
	iorep_test_remove_dir(dir);
}

#define GROUP0 "/sys/kernel/iommu_groups/0/devices/0000:00:00.0\n"
#define GROUP1 "/sys/kernel/iommu_groups/1/devices/0000:00:02.0\n"
#define LSPCI0                                                                                     \
	"00:00.0 Host bridge [0600]: Intel Corporation 82G33/G31/P35/P31 Express DRAM "           \
	"Controller [8086:29c0]\n"

/*
 * --sysfs and --lspci lines not understood: among good ones, skipped with a
 * warning naming the file and the (first) line; with no good one, an error
 * naming the first line.
 */
static void test_topology_bad_lines(void)
{
	char dir[] = "/tmp/iorep-cli-XXXXXX", path[512];
	struct cli c;

	make_dir(dir);
	iorep_test_put_file(dir, "g1.txt", GROUP0 "garbage\n" GROUP1);
	iorep_test_put_file(dir, "g2.txt",
		 GROUP0 "not a path\n" GROUP1 "\n/sys/kernel/iommu_groups/2/devices\n");
	iorep_test_put_file(dir, "g-none.txt",
		 "\n# groups\n/sys/kernel/iommu_groups/x/devices/0000:00:00.0\n");
	iorep_test_put_file(dir, "l1.txt",
		 LSPCI0 "\tSubsystem: Red Hat, Inc. Device [1af4:1100]\n-- cut --\n");
	iorep_test_put_file(dir, "l-none.txt", "\n\nlspci: Unable to load libkmod resources: error -2\n");

	run(&c, dir, "--sysfs g1.txt " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	expect_stderr(&c, "iommu-report: warning: g1.txt: 1 line is not an iommu_groups entry "
			  "(line 2); skipped\n");
	run(&c, dir, "--sysfs g2.txt " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	expect_stderr(&c, "iommu-report: warning: g2.txt: 2 lines are not iommu_groups entries "
			  "(the first: line 2); skipped\n");
	/* -q: no warning, the same run */
	run(&c, dir, "-q --sysfs g2.txt " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	expect_stderr(&c, "");
	run(&c, dir, "--sysfs g-none.txt " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: g-none.txt: line 2: not an iommu_groups entry (nor is "
			  "any other line)\n");
	/* in JSON mode on stdout, the same error as JSON */
	run(&c, dir, "--json - --sysfs g-none.txt " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.out, "{\"schema_version\":\"" IOREP_JSON_SCHEMA_VERSION
				      "\",\"error\":\"g-none.txt: line 2: not an iommu_groups "
				      "entry (nor is any other line)\"}\n");

	run(&c, dir, "--lspci l1.txt " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	expect_stderr(&c, "iommu-report: warning: l1.txt: 1 line is not lspci output (line 3); "
			  "skipped\n");
	run(&c, dir, "--lspci l-none.txt " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: l-none.txt: line 3: not lspci output (nor is any other "
			  "line)\n");

	/* a directory: its entries have no line numbers */
	snprintf(path, sizeof(path), "mkdir -p '%s/d/0/devices' '%s/d/junk' '%s/e/x/devices' && "
		 "touch '%s/d/0/devices/0000:00:00.0'", dir, dir, dir, dir);
	CU_ASSERT_EQUAL_FATAL(system(path), 0);
	run(&c, dir, "--sysfs d " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	expect_stderr(&c, "iommu-report: warning: d: 1 entry is not GROUP/devices/NAME; skipped\n");
	run(&c, dir, "--sysfs e " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: e: no GROUP/devices/NAME entry in the directory\n");
	iorep_test_remove_dir(dir);
}

/* Whether @dir/@name is (lstat) of type @type (S_IFIFO, S_IFLNK, S_IFREG). */
static int is_type(const char *dir, const char *name, mode_t type)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

/*
 * An output path that is not a regular file is written, never renamed over:
 * a FIFO (as /dev/null or /dev/stdout would be, which as root were replaced
 * by regular files) stays a FIFO and gets the document, a symbolic link
 * stays a link and the file it names is replaced (created, when it dangles).
 */
static void test_output_special_files(void)
{
	char dir[] = "/tmp/iorep-cli-XXXXXX", cmd[2048], buf[64];
	struct cli c;

	make_dir(dir);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkfifo out.fifo && { timeout 30 cat out.fifo > got.json & } && "
		 "'%s' --json out.fifo " TRACE " > out.txt 2> err.txt; s=$?; wait; exit $s",
		 dir, IOREP_BIN);
	c.status = system(cmd);
	CU_ASSERT_TRUE(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
	CU_ASSERT_TRUE(is_type(dir, "out.fifo", S_IFIFO));
	head(dir, "got.json", buf, sizeof(buf));
	CU_ASSERT_EQUAL(strncmp(buf, "{\n\t\"schema_version\"", 19), 0);

	iorep_test_put_file(dir, "real.json", "old\n");
	snprintf(cmd, sizeof(cmd), "cd '%s' && ln -s real.json link.json && "
		 "ln -s new.json dangling.json", dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	run(&c, dir, "--json link.json --dot dangling.json " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	expect_stderr(&c, "");
	CU_ASSERT_TRUE(is_type(dir, "link.json", S_IFLNK));
	CU_ASSERT_TRUE(is_type(dir, "real.json", S_IFREG));
	head(dir, "real.json", buf, sizeof(buf));
	CU_ASSERT_EQUAL(strncmp(buf, "{\n\t\"schema_version\"", 19), 0);
	CU_ASSERT_TRUE(is_type(dir, "dangling.json", S_IFLNK));
	head(dir, "new.json", buf, sizeof(buf));
	CU_ASSERT_EQUAL(strncmp(buf, "digraph iommu {", 15), 0);
	/* no temporary file left behind */
	CU_ASSERT_EQUAL(count_named(dir, ".tmp-"), 0);
	iorep_test_remove_dir(dir);
}

/* A file name with a newline, an escape sequence and a backslash, and its inert form. */
#define EVIL "x\ny\x1b[2J\x1b]0;t\x07\\z.txt"
#define EVIL_INERT "x\\ny\\x1b[2J\\x1b]0;t\\x07\\\\z.txt"

/*
 * File names and other strings the user gave, and text read from files,
 * are written inert on stderr: each message stays one line, and no escape
 * sequence reaches the terminal.
 */
static void test_inert_messages(void)
{
	char dir[] = "/tmp/iorep-cli-XXXXXX", cmd[1024];
	struct cli c;

	make_dir(dir);
	/* an input that does not exist: the error, and the same as JSON on stdout */
	run(&c, dir, "'" EVIL "'");
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: " EVIL_INERT ": cannot open: No such file or directory\n");
	run(&c, dir, "--json - '" EVIL "'");
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.out, "{\"schema_version\":\"" IOREP_JSON_SCHEMA_VERSION
				      "\",\"error\":\"x\\ny\\u001b[2J\\u001b]0;t\\u0007\\\\z.txt: "
				      "cannot open: No such file or directory\"}\n");
	/* a text trace of that name with a bad line: the warning */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && { head -n 20 '%s'; echo garbage; tail -n +21 '%s'; } "
		 "> '" EVIL "'",
		 dir, IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/defects/trace.txt",
		 IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/defects/trace.txt");
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	run(&c, dir, "--json out.json '" EVIL "'");
	CU_ASSERT_EQUAL(c.status, 1);
	expect_stderr(&c,
		      "iommu-report: warning: " EVIL_INERT ": 1 line not understood (line 21)\n");
	/* the same file as --sysfs: its bad lines, named */
	run(&c, dir, "--sysfs '" EVIL "' " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: " EVIL_INERT ": line 1: not an iommu_groups entry (nor is "
			  "any other line)\n");
	/* an output that would overwrite it */
	run(&c, dir, "--html '" EVIL "' '" EVIL "'");
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: " EVIL_INERT " would overwrite an input; not writing\n");
	/* option arguments and unknown options: getopt's raw complaint is ours, inert */
	run(&c, dir, "--at '\x1b[31m' " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: --at: \"\\x1b[31m\" is not seconds (1234.5), +seconds, "
			  "start or end\n");
	run(&c, dir, "'--x\ny' " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: unknown or ambiguous option '--x\\ny'\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err_all, "\nusage: iommu-report [OPTIONS] FILE\n"));
	run(&c, dir, "--fail-on=\x1b " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: --fail-on: \"\\x1b\" is not error, warning or info\n");
	iorep_test_remove_dir(dir);
}

/* Options getopt refuses: one line each, then the usage. */
static void test_bad_options(void)
{
	char dir[] = "/tmp/iorep-cli-XXXXXX";
	struct cli c;

	make_dir(dir);
	run(&c, dir, "--bogus " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: unknown or ambiguous option '--bogus'\n");
	run(&c, dir, "--s x " TRACE);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: unknown or ambiguous option '--s'\n");
	run(&c, dir, TRACE " --sysfs");
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: option '--sysfs' needs an argument\n");
	run(&c, dir, "--quiet=yes " TRACE);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: option '--quiet' takes no argument\n");
	run(&c, dir, "-qz " TRACE);
	CU_ASSERT_EQUAL(c.status, 2);
	CU_ASSERT_STRING_EQUAL(c.err, "iommu-report: unknown option '-z'\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err_all, "\nusage: iommu-report [OPTIONS] FILE\n"));
	iorep_test_remove_dir(dir);
}

/* --at outside the trace: drawn, and the title says so. */
static void test_at_outside(void)
{
	char dir[] = "/tmp/iorep-cli-XXXXXX";
	struct cli c;

	make_dir(dir);
	run(&c, dir, "--at 1 --dot - " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "IOMMU topology at 1.000000 s (outside the trace)"));
	run(&c, dir, "--at +0.25 --dot - " TRACE);
	CU_ASSERT_EQUAL(c.status, 0);
	/* the first event is at 18.645114415 */
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "IOMMU topology at 18.895114 s\""));
	iorep_test_remove_dir(dir);
}

/*
 * --machine names the machine a text input does not: a VFIO domain left
 * with a page of the Arm SMMUs' MSI window mapped is the doorbell on an Arm
 * machine, a leak on another, and, the machine not known, a leak counted
 * as info (see test-smmu.c).  The header and the JSON say which machine.
 */
/* --dmesg: the kernel log's faults merged in; its errors name the file and line */
static void test_dmesg(void)
{
	char dir[] = "/tmp/iorep-cli-XXXXXX", json[8192], events[32768];
	struct cli c;

	make_dir(dir);
	run(&c, dir, "--dmesg " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/dmesg.txt --json j.json "
		     IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_EQUAL(c.status, 1);
	head(dir, "j.json", json, sizeof(json));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"kernel_log\":{\"path\":\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"faults\":3,\"traced\":0,\"outside\":0}"));
	/* the document, input.kernel_log and the log's findings (cpu -1, pos 0), is the schema's */
	{
		char cmd[2048];
		int rc;

		snprintf(cmd, sizeof(cmd), "python3 '%s/tests/schema-check.py' '%s/j.json'",
			 IOREP_SOURCE_DIR, dir);
		rc = system(cmd);
		/* 77 or 127: no python3-jsonschema here, as test-render says */
		if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) != 77 && WEXITSTATUS(rc) != 127)
			CU_ASSERT_EQUAL(WEXITSTATUS(rc), 0);
	}
	run(&c, dir, "--dmesg " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/dmesg.txt "
		     IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "/defects-dma-vtd/dmesg.txt: 3 IOMMU faults merged in\n"));
	/* the event stream has the log's faults, with where they come from */
	run(&c, dir, "--events --dmesg " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/dmesg.txt "
		     IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_EQUAL(c.status, 0);
	head(dir, "out.txt", events, sizeof(events));
	CU_ASSERT_PTR_NOT_NULL(strstr(events, "{\"ts\":3685660000,\"cpu\":-1,\"pid\":-1,\"comm\":"
					     "\"kernel-log\",\"event\":\"io_page_fault\",\"device\":"
					     "\"0000:00:08.0\",\"driver\":\"\",\"iova\":\"0xfff7000\","
					     "\"flags\":\"0x0\",\"source\":\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(events, "/defects-dma-vtd/dmesg.txt:460: DMAR fault reason 0x06: "
					     "PTE Read access is not set\"}\n"));
	/* a trace.dat of another clock: the log's times are not its own */
	{
		char cmd[2048], path[1024], *buf, *at;
		size_t n;
		FILE *fp;

		snprintf(cmd, sizeof(cmd), "'%s' -n 2000 --no-text '%s/g' > /dev/null",
			 IOREP_GEN_TRACE, dir);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
		snprintf(path, sizeof(path), "%s/g/trace.dat", dir);
		fp = fopen(path, "r+b");
		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		buf = malloc(1 << 22);
		n = fread(buf, 1, 1 << 22, fp);
		/* the clock option, and version 6's clock after the CPUs: jiffies */
		for (at = buf; (at = memmem(at, n - (size_t)(at - buf), "[global]", 8)); at += 8)
			memcpy(at, "[uptime]", 8);
		rewind(fp);
		CU_ASSERT_EQUAL(fwrite(buf, 1, n, fp), n);
		fclose(fp);
		free(buf);
		run(&c, dir, "--dmesg " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/dmesg.txt g/trace.dat");
		CU_ASSERT_PTR_NOT_NULL(strstr(c.err_all, "/defects-dma-vtd/dmesg.txt: its times are the "
							 "kernel's local clock, the trace's are "
							 "uptime: its faults may be placed at the "
							 "wrong moment\n"));
		run(&c, dir, "-q --dmesg " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/dmesg.txt "
			     "g/trace.dat");
		CU_ASSERT_STRING_EQUAL(c.err_all, "");
	}
	/* dmesg -T: a fault line without the time since boot */
	iorep_test_put_file(dir, "t.log", "[Tue Nov 24 04:34:01 2026] DMAR: [DMA Read NO_PASID] Request "
			       "device [00:08.0] fault addr 0x1000 [fault reason 0x06] PTE Read "
			       "access is not set\n");
	run(&c, dir, "--dmesg t.log " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: t.log: line 1: an IOMMU fault without a time; give the "
			  "log as dmesg prints it (not dmesg -T), or journalctl -k -o "
			  "short-monotonic\n");
	/* a file that is no kernel log: said, and nothing taken from it */
	iorep_test_put_file(dir, "not.log", "add_device_to_group: IOMMU: groupID=0\n");
	run(&c, dir, "--dmesg not.log " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_EQUAL(c.status, 1);
	expect_stderr(&c, "iommu-report: warning: not.log: no line has a kernel log's time "
			  "(\"[seconds]\", or a /dev/kmsg record): is it the kernel log?\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "\nlog        not.log: 0 IOMMU faults merged in\n"));
	run(&c, dir, "--dmesg missing.log " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: missing.log: cannot open: No such file or directory\n");
	/* a directory opens, and is said to be one (not "input/output error") */
	run(&c, dir, "--dmesg . " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: .: cannot open: Is a directory\n");
	run(&c, dir, "--lspci . " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: .: cannot open: Is a directory\n");
	run(&c, dir, "--dmesg - - < t.log");
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: only one input can come from standard input\n");
	/* nothing the user gave is overwritten */
	run(&c, dir, "--dmesg t.log --json t.log " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_EQUAL(c.status, 2);
	/* a compressed log */
	{
		char cmd[2048];

		snprintf(cmd, sizeof(cmd), "gzip -c '%s/tests/data/defects-dma-vtd/dmesg.txt' > '%s/dmesg.gz'",
			 IOREP_SOURCE_DIR, dir);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	}
	run(&c, dir, "--quiet --dmesg dmesg.gz " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/trace.txt");
	CU_ASSERT_EQUAL(c.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "\nlog        dmesg.gz: 3 IOMMU faults merged in\n"));
	/*
	 * trace-cmd extract --date: the trace.dat's DATE option places the log's
	 * faults (test-kmsg); its text (trace-cmd report) gives no offset: the
	 * likely reason, said
	 */
	run(&c, dir, "--dmesg " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/dated-dmesg.txt.xz "
		     IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/dated-report.txt");
	CU_ASSERT_EQUAL(c.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "/dated-dmesg.txt.xz: none of its faults is in the "
					     "trace's span, whose times are times of day (trace-cmd "
					     "record --date?), not the kernel's: give the trace.dat, "
					     "or the text of trace-cmd report --nodate\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, ": 0 IOMMU faults merged in, 3 outside the trace's span\n"));
	/* a tp_printk kernel's log as the input: its own fault lines, unless on a pipe */
	run(&c, dir, "--quiet " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/tp-printk.dmesg.xz");
	CU_ASSERT_EQUAL(c.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "/tp-printk.dmesg.xz: 3 IOMMU faults merged in\n"));
	run(&c, dir, "--quiet - < " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/tp-printk.dmesg.xz");
	CU_ASSERT_EQUAL(c.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "\nlog        -: 3 IOMMU faults merged in\n"));
	run_from(&c, dir, "cat " IOREP_SOURCE_DIR "/tests/data/defects-dma-vtd/tp-printk.dmesg.xz", "-");
	CU_ASSERT_EQUAL(c.status, 1);
	expect_stderr(&c, "iommu-report: note: -: a kernel log through a pipe: its IOMMU fault "
			  "lines are not read (give the file itself, or --dmesg FILE too)\n");
	CU_ASSERT_PTR_NULL(strstr(c.out, "\nlog "));
	iorep_test_remove_dir(dir);
}

static void test_machine(void)
{
	static const char text[] =
		"kworker/0:1-20 [000] ..... 1.000000: add_device_to_group: IOMMU: groupID=0 "
		"device=0000:01:00.0\n"
		"kworker/0:1-20 [000] ..... 1.000100: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 [001] ..... 10.000000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 [001] ..... 10.000100: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 [001] ..... 10.200000: map: IOMMU: iova=0x0000000008000000 - "
		"0x0000000008001000 paddr=0x0000000008090000 size=4096\n"
		"qemu-500 [001] ..... 11.000000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n";
	char dir[] = "/tmp/iorep-cli-XXXXXX", json[4096];
	struct cli c;

	make_dir(dir);
	iorep_test_put_file(dir, "t.txt", text);
	run(&c, dir, "t.txt");
	CU_ASSERT_EQUAL(c.status, 0); /* a leak, but info */
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "\nmachine    unknown (--machine names it)\n"));
	run(&c, dir, "--machine aarch64 --json j.json t.txt");
	CU_ASSERT_EQUAL(c.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "\nmachine    aarch64\n"));
	head(dir, "j.json", json, sizeof(json));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"machine\":\"aarch64\""));
	CU_ASSERT_PTR_NULL(strstr(json, "\"type\":\"leak\""));
	run(&c, dir, "--machine x86_64 t.txt");
	CU_ASSERT_EQUAL(c.status, 1); /* guest RAM: a leak */
	run(&c, dir, "--machine 'x y' t.txt");
	CU_ASSERT_EQUAL(c.status, 2);
	expect_stderr(&c, "iommu-report: --machine: \"x y\" is not a machine name, as uname -m "
			  "gives it (x86_64, aarch64, ...)\n");
	run(&c, dir, "--machine '' t.txt");
	CU_ASSERT_EQUAL(c.status, 2);
	/* --summary says the input's: a trace.dat's uname, nothing for text */
	run(&c, dir, "--summary " TRACE);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "\nmachine:  x86_64\n"));
	run(&c, dir, "--summary t.txt");
	CU_ASSERT_PTR_NULL(strstr(c.out, "machine:"));
	iorep_test_remove_dir(dir);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"drawings and the page, files replaced whole", test_outputs},
		{"stdout: one document", test_stdout},
		{"refusals", test_refusals},
		{"--at outside the trace, relative --at", test_at_outside},
		{"--sysfs and --lspci lines not understood", test_topology_bad_lines},
		{"outputs to a FIFO and through links", test_output_special_files},
		{"file names and option arguments inert on stderr", test_inert_messages},
		{"options getopt refuses", test_bad_options},
		{"--machine: the doorbell of a text input", test_machine},
		{"--dmesg: the kernel log's faults", test_dmesg},
		{NULL, NULL},
	};

	return iorep_test_main("cli", tests);
}
