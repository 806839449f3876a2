// SPDX-License-Identifier: MIT
/*
 * Bad input: every case ends in a one-line error naming the file (exit
 * status 2 from the CLI), or, for a file only cut short, a warning and the
 * events read before the cut.  Never a crash.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#include "iorep-error.h"
#include "iorep-input.h"
#include "tracecmd-extra.h"
#include "test-util.h"

#define DEFECTS IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/defects"
#define CORPUS IOREP_SOURCE_DIR "/tests/fuzz/corpus/tracedat"
#define CRASHES IOREP_SOURCE_DIR "/tests/fuzz/crashes/tracedat"

static char tmpdir[256];

static void make_tmpdir(void)
{
	if (tmpdir[0])
		return;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/iorep-bad-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
}

/* Writes the first @len bytes of @src (or @data) to tmpdir/@name; returns the path. */
static const char *make_file(const char *name, const char *src, long len, const void *data)
{
	static char path[512];
	FILE *in, *out;
	char buf[65536];
	size_t n;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	out = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	if (data) {
		fwrite(data, 1, len, out);
	} else if (src) {
		in = fopen(src, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(in);
		while (len > 0) {
			n = fread(buf, 1, len < (long)sizeof(buf) ? (size_t)len : sizeof(buf), in);
			if (!n)
				break;
			fwrite(buf, 1, n, out);
			len -= (long)n;
		}
		fclose(in);
	}
	fclose(out);
	return path;
}

static long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

struct result {
	int ret;	/* of open or of the last next() */
	uint64_t events;
	int truncated;
	uint64_t damaged;
	const char *reader; /* "kbuffer" or "libtracecmd" */
	char err[512];
};

static void read_all(const char *path, struct result *r)
{
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_input *in = NULL;
	struct iorep_event ev;

	memset(r, 0, sizeof(*r));
	r->ret = iorep_input_open(&in, path, st, r->err, sizeof(r->err));
	if (r->ret == 0) {
		while ((r->ret = iorep_input_next(in, &ev)) > 0)
			r->events++;
		r->truncated = iorep_input_stats(in)->truncated;
		r->damaged = iorep_input_stats(in)->damaged;
		r->reader = iorep_input_stats(in)->reader;
	}
	iorep_input_free(in);
	iorep_strtab_free(st);
}

/*
 * Runs the CLI on @path after the shell commands @setup (limits, traps);
 * returns its exit status and the number of stderr lines.
 */
static int run_cli_after(const char *setup, const char *path, int *stderr_lines, char *first_line,
			 size_t len)
{
	char cmd[1400], errpath[600], line[1024];
	int status, n = 0;
	FILE *fp;

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", tmpdir);
	snprintf(cmd, sizeof(cmd), "%s'%s' '%s' > /dev/null 2> '%s'", setup, IOREP_BIN, path,
		 errpath);
	status = system(cmd);
	fp = fopen(errpath, "r");
	first_line[0] = '\0';
	while (fp && fgets(line, sizeof(line), fp)) {
		/* ASan's line when it returns NULL for a size libtracecmd read (CMakeLists.txt) */
		if (!strncmp(line, "==", 2) &&
		    strstr(line, "WARNING: AddressSanitizer failed to allocate"))
			continue;
		if (!n++)
			snprintf(first_line, len, "%s", line);
	}
	if (fp)
		fclose(fp);
	*stderr_lines = n;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Runs the CLI on @path; returns its exit status and the number of stderr lines. */
static int run_cli(const char *path, int *stderr_lines, char *first_line, size_t len)
{
	return run_cli_after("", path, stderr_lines, first_line, len);
}

static void expect_error(const char *path, int code, const char *words)
{
	struct result r;
	char first[1024];
	int lines;

	read_all(path, &r);
	if (r.ret != code)
		fprintf(stderr, "%s: ret %d (%s), expected %d\n", path, r.ret, r.err, code);
	CU_ASSERT_EQUAL(r.ret, code);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, path));
	if (!strstr(r.err, words))
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", r.err, words);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, words));
	CU_ASSERT_EQUAL(run_cli(path, &lines, first, sizeof(first)), 2);
	CU_ASSERT_EQUAL(lines, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, path));
}

/* expect_error() on the default path, then on the plain path (IOREP_PLAIN_READ=1). */
static void expect_error_both(const char *path, int code, const char *words)
{
	expect_error(path, code, words);
	setenv("IOREP_PLAIN_READ", "1", 1);
	expect_error(path, code, words);
	unsetenv("IOREP_PLAIN_READ");
}

static void test_empty(void)
{
	expect_error(make_file("empty", NULL, 0, NULL), -IOREP_EEMPTY, "file is empty");
}

/* perf record's file (the first 24 bytes of one perf 6.1 wrote here): perf script's text is read */
static void test_perf_data(void)
{
	static const unsigned char head[] = {
		'P', 'E', 'R', 'F', 'I', 'L', 'E', '2', 0x68, 0, 0, 0, 0, 0, 0, 0,
		0x90, 0, 0, 0, 0, 0, 0, 0,
	};

	expect_error(make_file("perf.data", NULL, sizeof(head), head), -IOREP_EFORMAT,
		     "a perf.data file, which is not read: give the text of `perf script");
}

static void test_missing_and_dir(void)
{
	make_tmpdir();
	expect_error("/nonexistent/trace.dat", -IOREP_EOPEN, "No such file");
	expect_error(tmpdir, -IOREP_EOPEN, "is a directory");
}

static void test_dat_cut_in_header(void)
{
	expect_error(make_file("hdr.dat", DEFECTS "/trace.dat", 300, NULL), -IOREP_ETRACEDAT,
		     "cut short at offset 300");
	expect_error(make_file("hdr6.dat", DEFECTS "/trace.v6.dat", 5000, NULL), -IOREP_ETRACEDAT,
		     "cut short at offset 5000");
}

static void test_v6_cut_in_data(void)
{
	long size = file_size(DEFECTS "/trace.v6.dat");
	const char *path = make_file("data6.dat", DEFECTS "/trace.v6.dat", size - 4016, NULL);
	struct result r;
	char first[1024];
	int lines, status;

	read_all(path, &r);
	CU_ASSERT_EQUAL(r.ret, 0);
	CU_ASSERT_TRUE(r.truncated);
	/* CPU 1's page is cut: the events of CPU 0 and the start of CPU 1 remain */
	CU_ASSERT_TRUE(r.events > 0 && r.events < 26);
	/* findings of a damaged file are only suspected, but they are reported */
	status = run_cli(path, &lines, first, sizeof(first));
	CU_ASSERT_TRUE(status == 0 || status == 1);
	CU_ASSERT_EQUAL(lines, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "warning"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "cut short"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "findings are only suspected"));
}

/*
 * A file cut short whose CPU 1 claims 1.5 GB of data (a fuzzer's input, cut
 * down): the copy padded with zeros once let libtracecmd walk all of it, an
 * empty page at a time, in memory (4 s and 1.5 GB for 14 KB; the fuzzer's
 * timeout).  The data past the end now ends at the page holding the end:
 * the same events as the file whose sizes are right, in no more memory.
 */
static void test_v6_cut_cpu_size_huge(void)
{
	const char *path = CRASHES "/reader-v6-cut-short-cpu-size-1.5GB-walked-as-zeros.v6.dat";
	struct result r, good;
	struct rusage before, after;

	CU_ASSERT_EQUAL_FATAL(file_size(path), 14000);
	getrusage(RUSAGE_SELF, &before);
	read_all(path, &r);
	getrusage(RUSAGE_SELF, &after);
	CU_ASSERT_EQUAL(r.ret, 0);
	CU_ASSERT_TRUE(r.truncated);
	CU_ASSERT_EQUAL(r.events, 68);
	read_all(make_file("boot14000.v6.dat", CORPUS "/6.1-boot.v6.dat", 14000, NULL), &good);
	CU_ASSERT_EQUAL(good.ret, 0);
	CU_ASSERT_TRUE(good.truncated);
	CU_ASSERT_EQUAL(good.events, r.events);
	/* kilobytes */
	CU_ASSERT_TRUE(after.ru_maxrss - before.ru_maxrss < 200 * 1024);
}

/*
 * The descriptors this process has open, counted here: a shell's "ls" of
 * /proc/PID/fd raced with popen() closing its end of the pipe in this
 * process, and counted it one time in three.
 */
static int open_fds(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1; /* the directory's own */
}

/*
 * A file whose CPU data libtracecmd cannot read leaves its handle behind
 * (tracecmd_close() would crash on it), but not the descriptor it opened:
 * the fuzzer, reading one such file after another, ran out of them (fopen()
 * of /dev/null failed after some thousand inputs).
 */
static void test_dat_init_failed_no_fd_left(void)
{
	long size = file_size(DEFECTS "/trace.v6.dat");
	const char *cut = make_file("fds6.dat", DEFECTS "/trace.v6.dat", size - 4016, NULL);
	struct result r;
	int before, i;

	before = open_fds();
	CU_ASSERT_TRUE_FATAL(before > 0);
	for (i = 0; i < 3; i++) {
		read_all(CRASHES "/reader-v7-damaged-data-padding-hang.v7.dat", &r);
		CU_ASSERT_EQUAL(r.ret, -IOREP_ETRACEDAT);
		/* cut short: the first handle's init fails, the padded copy's works */
		read_all(cut, &r);
		CU_ASSERT_EQUAL(r.ret, 0);
		CU_ASSERT_TRUE(r.truncated);
	}
	CU_ASSERT_EQUAL(open_fds(), before);
}

/*
 * A version 7 file cut in a section libtracecmd does without (here its last,
 * the strings of the sections' names): every event is read, and the cut is
 * said; zeros after the last section are padding, not a cut.
 */
static void test_v7_cut_at_end(void)
{
	const char *src = CORPUS "/6.1-instance.v7.dat";
	long size = file_size(src);
	const char *path = make_file("end7.dat", src, size - 40, NULL);
	struct result r;
	char first[1024];
	int lines;

	read_all(path, &r);
	CU_ASSERT_EQUAL(r.ret, 0);
	CU_ASSERT_TRUE(r.truncated);
	CU_ASSERT_EQUAL(r.events, 670);
	CU_ASSERT_EQUAL(run_cli(path, &lines, first, sizeof(first)), 0);
	CU_ASSERT_EQUAL(lines, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "cut short: a section at its end"));
	path = make_file("pad7.dat", src, size, NULL);
	CU_ASSERT_EQUAL(truncate(path, size + 4), 0); /* four zeros more */
	read_all(path, &r);
	CU_ASSERT_EQUAL(r.ret, 0);
	CU_ASSERT_FALSE(r.truncated);
	CU_ASSERT_EQUAL(r.events, 670);
}

static void test_v7_cut_in_data(void)
{
	long size = file_size(DEFECTS "/trace.dat");

	/* compressed sections cannot be padded: an error, with the offset */
	expect_error(make_file("data7.dat", DEFECTS "/trace.dat", size / 2, NULL),
		     -IOREP_ETRACEDAT, "damaged or cut short");
}

/*
 * Under a file size limit of 64 KiB no file can be written: neither the
 * uncompressed copy of the headers, which are checked before the walk a
 * chunk at a time reads a compressed file, nor the copy of the whole file
 * made in its place (IOREP_PLAIN_READ=1).  The file is read in memory with a
 * note, not refused as damaged: the same findings as through the copy.  (A
 * full or missing $TMPDIR does not stop the walk: tests/compressed-dat.sh.)
 */
static void test_v7_copy_without_room(void)
{
	char first[1024];
	int lines;

	make_tmpdir();
	CU_ASSERT_EQUAL(run_cli_after("trap '' XFSZ; ulimit -f 64; ", DEFECTS "/trace.dat", &lines,
				      first, sizeof(first)),
			1);
	if (!strstr(first, "no temporary file for an uncompressed copy"))
		fprintf(stderr, "first line: %s", first);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "no temporary file for an uncompressed copy"));
	CU_ASSERT_EQUAL(run_cli_after("trap '' XFSZ; ulimit -f 64; IOREP_PLAIN_READ=1 ",
				      DEFECTS "/trace.dat", &lines, first, sizeof(first)),
			1);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "no temporary file for an uncompressed copy"));
}

/*
 * Headers libtracecmd 1.3.1 would loop on, or read or write past its
 * buffers on: refused before it sees them (src/dat-check.c).
 */
/*
 * A version 7 file compressed with what this libtracecmd cannot decompress:
 * Debian 12's has zstd only, while trace-cmd may be built with zlib too.
 * The 6.12 defects capture (zstd) with another name in its header.
 */
static void test_dat_unknown_compression(void)
{
	static const char *const names[] = {"zlib", "brot"};
	char words[128];
	size_t len, i;
	char *data = iorep_test_slurp(DEFECTS "/trace.dat", &len), *at;

	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	CU_ASSERT_FATAL(len > 64);
	/* the name follows the magic, "7", endianness, long and page size: offset 18 */
	at = data + 18;
	CU_ASSERT_FATAL(!memcmp(at, "zstd", 5));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (tracecmd_compress_is_supported(names[i], NULL))
			continue; /* a libtracecmd built with it */
		memcpy(at, names[i], 4);
		snprintf(words, sizeof(words),
			 "compressed with %s 1.5.4 (its header, offset 18), which this "
			 "libtracecmd cannot decompress (it knows: ",
			 names[i]);
		expect_error_both(make_file("unknown-compression.dat", NULL, (long)len, data),
				  -IOREP_ETRACEDAT, words);
	}
	free(data);
}

static void test_dat_headers_refused(void)
{
	expect_error(CRASHES "/libtracecmd-option-sections-loop.v7.dat", -IOREP_ETRACEDAT,
		     "damaged at offset 4681: its option sections form a loop");
	expect_error(CRASHES "/libtracecmd-empty-cpustat-option.v6.dat", -IOREP_ETRACEDAT,
		     "damaged at offset 51919: an empty option that libtracecmd cannot read");
	expect_error(CRASHES "/libtracecmd-text-option-without-nul.dat", -IOREP_ETRACEDAT,
		     "damaged at offset 16068: a text option without its terminating NUL");
	/*
	 * __print_flags(REC->attra, ...) in dma_alloc_pages' format (found by
	 * fuzz-tracedat, cut down to that one byte): libtraceevent would write
	 * to the field it did not find
	 */
	expect_error(CRASHES "/libtraceevent-print-flags-unknown-field.v6.dat", -IOREP_ETRACEDAT,
		     "damaged at offset 41365: an event format prints flags of a field it does "
		     "not have");
	expect_error(CRASHES "/libtraceevent-print-flags-unknown-field.v7-uncompressed.dat",
		     -IOREP_ETRACEDAT,
		     "damaged at offset 41427: an event format prints flags of a field it does "
		     "not have");
	/*
	 * a compressed event format that libtraceevent divides by zero on: the
	 * process that decompresses the file dies of it, and the file is refused;
	 * on the plain path too, which reads a compressed file through the same
	 * copy (it read the file in process, and died of the signal)
	 */
	expect_error_both(CRASHES "/libtraceevent-sigfpe-print-fmt-guarded.v7.dat",
			  -IOREP_ETRACEDAT,
			  "trace.dat is damaged: libtracecmd died of signal 8 (Floating point "
			  "exception) reading it");
	/*
	 * the same division by zero in an uncompressed file (one of 42 in the
	 * fuzz corpus that killed the command line): its headers are first read
	 * in a child process, which dies of it; on both paths (the plain path
	 * had no child, and died: 45 files of the fuzz corpus)
	 */
	expect_error_both(CRASHES "/libtraceevent-sigfpe-format-uncompressed.v6.dat",
			  -IOREP_ETRACEDAT,
			  "trace.dat is damaged: libtracecmd died of signal 8 (Floating point "
			  "exception) reading it");
	/*
	 * CPU 1's data claims 12292 bytes, three pages and 4 bytes of a fourth
	 * (found by fuzz-tracedat, its other pages zeroed): the plain path asks
	 * libtracecmd for the CPU's last record after reading them all, and it
	 * read past that partial page (a SIGSEGV in libtraceevent's kbuffer)
	 */
	expect_error_both(CRASHES "/libtracecmd-cpu-data-ends-mid-page-read-past.v6.dat",
			  -IOREP_ETRACEDAT,
			  "damaged at offset 32768: a CPU's data ends part-way through a "
			  "ring-buffer page (libtracecmd reads past that page)");
	/*
	 * "field:__data_loc char[\xa5\xdfdevice;" in attach_device_to_domain's format
	 * (found by fuzz-tracedat, cut down to those two bytes): libtraceevent would
	 * strcmp() the token it could not read, NULL, with "]" (the command line died)
	 */
	expect_error(CRASHES "/libtraceevent-field-bracket-then-unreadable-byte.v6.dat",
		     -IOREP_ETRACEDAT,
		     "damaged at offset 3160: an event format has a field whose '[' is followed "
		     "by an unreadable byte or by nothing");
	/*
	 * a version 7 header section (id 0) whose size is -256 (found by
	 * fuzz-tracedat): libtracecmd seeks back by it and walks the zeros before it
	 * again, without end (the command line hung)
	 */
	expect_error(CRASHES "/libtracecmd-v7-header-section-negative-size-loop.v7.dat",
		     -IOREP_ETRACEDAT,
		     "damaged at offset 3397: a header section's size leads back into the file "
		     "(libtracecmd would read its sections in a loop)");
	/*
	 * a kallsyms size of 0xffffffff after the event formats (found by
	 * fuzz-tracedat): libtracecmd would malloc(size + 1), 0 bytes, and read the
	 * rest of the file into it (a heap overflow; the command line died)
	 */
	expect_error(CRASHES "/libtracecmd-v6-kallsyms-size-all-ones-heap-overflow.v6.dat",
		     -IOREP_ETRACEDAT,
		     "damaged at offset 12613: a section's size is all ones (libtracecmd would read "
		     "the file into a buffer of no bytes)");
	/*
	 * a printk formats' line with no format after its address (found by
	 * fuzz-tracedat): libtraceevent strdup()s from past the line, here the
	 * buffer's end (ASan: a heap overflow)
	 */
	expect_error(CRASHES "/libtraceevent-printk-line-without-format.v6.dat", -IOREP_ETRACEDAT,
		     "damaged at offset 4493: a printk format line with nothing after its address "
		     "(libtraceevent would read past it)");
	/*
	 * a version 6 header's CPU count of 1,818,585,446 ("fiel", a fuzz-tracedat
	 * timeout): tracecmd_close() of the failed handle looped over every CPU,
	 * two seconds; now refused at once
	 */
	expect_error(CRASHES "/libtracecmd-cpu-count-2g-close-loops-seconds.v6.dat",
		     -IOREP_ETRACEDAT,
		     "damaged at offset 9676: a CPU count over 1048576 (libtracecmd would spend "
		     "seconds looping over them)");
	/*
	 * dma_alloc_pages' print fmt ending in "{(sizeof(unsigned int),
	 * sizeof(unsigned int))", in a file cut short in its headers (found by
	 * fuzz-tracedat under ASan): libtraceevent 1.7.1 freed a token twice
	 * on it, in the probe child and again in this process, before the cut
	 * was seen; src/fmt-guard.c now gives it "4" for each, and only the cut
	 * is left (the memcheck build checks that no memory error comes first)
	 */
	expect_error(CRASHES "/libtraceevent-sizeof-unsigned-int-double-free.v6.dat",
		     -IOREP_ETRACEDAT,
		     "damaged or cut short at offset 39313 (libtracecmd cannot read its headers)");
	/*
	 * version 7 data that libtracecmd cannot read is not padded (that never
	 * ended); its compressed data cannot be copied, so it is not read at all
	 */
	expect_error(CRASHES "/reader-v7-damaged-data-padding-hang.v7.dat", -IOREP_ETRACEDAT,
		     "damaged or cut short at offset 14302 (libtracecmd cannot decompress its "
		     "data)");
	/*
	 * a v7 zstd file whose compressed data libtracecmd cannot copy but would
	 * read, a page part-way unwritten: libtraceevent's kbuffer read past it
	 * (found by fuzz-tracedat: the command line died of SIGSEGV)
	 */
	expect_error(CRASHES "/libtracecmd-v7-zstd-page-left-unwritten-read-past.v7.dat",
		     -IOREP_ETRACEDAT,
		     "damaged or cut short at offset 9967 (libtracecmd cannot decompress its "
		     "data)");
}

/*
 * Options (and the sections and clock list they lead to) that libtracecmd
 * 1.3.1 reads past, writes before or dereferences NULL on, made by
 * tests/fuzz/make-option-crashes.py from the fuzz seeds; the command line
 * died of 5 of them (SIGSEGV or glibc's abort), and ASan reports the others.
 */
static void test_dat_options_refused(void)
{
	static const struct {
		const char *file;
		const char *error;
	} cases[] = {
		{"buffer-clock-without-nul.v7",
		 "offset 9960: a buffer option whose name or clock has no terminating NUL"},
		{"buffer-name-without-nul.v6",
		 "offset 4731: a buffer option whose name or clock has no terminating NUL"},
		{"cpucount-of-two-bytes.v6",
		 "offset 4772: a CPU count option shorter than 4 bytes"},
		{"guest-cpu-negative.v6", "offset 4731: a guest option with a negative CPU number"},
		{"guest-name-without-nul.v6",
		 "offset 4772: a guest option whose name has no terminating NUL"},
		{"hook-malformed.v6", "offset 4772: a hook option that libtracecmd cannot parse"},
		{"kallsyms-section-size-all-ones.v7",
		 "offset 51747: a section's size is all ones (libtracecmd would read the file into "
		 "a buffer of no bytes)"},
		/* the rule the v6 file above proves, in a version 7 printk section */
		{"printk-line-without-format.v7",
		 "offset 61692: a printk format line with nothing after its address (libtraceevent "
		 "would read past it)"},
		{"time-shift-cpu-without-samples.v7",
		 "offset 1501: a time shift option with a CPU of no samples"},
		{"trace-clock-empty-brackets.v6",
		 "offset 5164: its trace clock list has a \"[\" word with no clock name in it"},
		{"traceclock-empty-brackets.v6",
		 "offset 4658: its trace clock list has a \"[\" word with no clock name in it"},
	};
	char path[512], want[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), CRASHES "/libtracecmd-opt-%s.dat", cases[i].file);
		snprintf(want, sizeof(want), "trace.dat is damaged at %s", cases[i].error);
		expect_error(path, -IOREP_ETRACEDAT, want);
	}
}

/*
 * The reports of damaged @path say so: the JSON document's input.damaged
 * and damaged_at, every finding suspected, and the text report's warning
 * and header line (all findings, not "later" ones, are suspected).
 */
static void expect_damage_reported(const char *path, unsigned long count, unsigned long at)
{
	char cmd[1200], jpath[600], tpath[600], want[256];
	const cJSON *input, *f, *v;
	cJSON *doc;
	char *s;

	snprintf(jpath, sizeof(jpath), "%s/damage.json", tmpdir);
	snprintf(tpath, sizeof(tpath), "%s/damage.txt", tmpdir);
	snprintf(cmd, sizeof(cmd), "'%s' -q --json '%s' '%s' > '%s'", IOREP_BIN, jpath, path,
		 tpath);
	CU_ASSERT_FATAL(system(cmd) != -1);
	s = iorep_test_slurp(jpath, NULL);
	doc = cJSON_Parse(s);
	free(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	input = cJSON_GetObjectItemCaseSensitive(doc, "input");
	v = cJSON_GetObjectItemCaseSensitive(input, "damaged");
	CU_ASSERT_FATAL(cJSON_IsNumber(v));
	CU_ASSERT_EQUAL(v->valuedouble, count);
	v = cJSON_GetObjectItemCaseSensitive(input, "damaged_at");
	CU_ASSERT_FATAL(cJSON_IsNumber(v));
	CU_ASSERT_EQUAL(v->valuedouble, at);
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(doc, "findings"))
		CU_ASSERT_STRING_EQUAL(
			cJSON_GetObjectItemCaseSensitive(f, "confidence")->valuestring,
			"suspected");
	cJSON_Delete(doc);
	s = iorep_test_slurp(tpath, NULL);
	snprintf(want, sizeof(want),
		 "WARNING: damaged data was skipped %lu time%s, the first at offset %lu;\n"
		 "         the events there are lost.\n"
		 "         Every finding is only suspected.\n\n",
		 count, count == 1 ? "" : "s", at);
	CU_ASSERT_EQUAL(strncmp(s, want, strlen(want)), 0);
	snprintf(want, sizeof(want), "\ndamaged    skipped %lu time%s, the first at offset %lu\n",
		 count, count == 1 ? "" : "s", at);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, want));
	free(s);
}

/*
 * The command line on damaged @path: a report (exit 0 or 1) and one line on
 * stderr, the warning that names the damage (@words) and says that the
 * findings are only suspected.
 */
static void expect_one_warning(const char *path, const char *words)
{
	char first[1024];
	int lines, status;

	status = run_cli(path, &lines, first, sizeof(first));
	CU_ASSERT_TRUE(status == 0 || status == 1);
	CU_ASSERT_EQUAL(lines, 1);
	if (!strstr(first, words))
		fprintf(stderr, "first line: %s", first);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, words));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "findings are only suspected"));
}

/* Reads @path on the kbuffer path, then on the plain libtracecmd path. */
static void read_both(const char *path, struct result *fast, struct result *plain)
{
	unsetenv("IOREP_PLAIN_READ");
	read_all(path, fast);
	setenv("IOREP_PLAIN_READ", "1", 1);
	read_all(path, plain);
	unsetenv("IOREP_PLAIN_READ");
}

/* Reads @path on both paths: each opens it and reads @events events, @damaged damage reported. */
static void expect_both(const char *path, uint64_t events, uint64_t damaged)
{
	struct result fast, plain;

	read_both(path, &fast, &plain);
	CU_ASSERT_EQUAL(fast.ret, 0);
	CU_ASSERT_EQUAL(plain.ret, 0);
	CU_ASSERT_EQUAL(fast.events, events);
	CU_ASSERT_EQUAL(plain.events, events);
	CU_ASSERT_EQUAL(fast.damaged, damaged);
	CU_ASSERT_EQUAL(plain.damaged, damaged);
}

/*
 * The bytes of @src (*@size of them, to free), which must read whole, with
 * no damage: its events in @whole.
 */
static unsigned char *load_whole(const char *src, long *size, struct result *whole)
{
	unsigned char *buf;
	FILE *fp;

	*size = file_size(src);
	buf = malloc(*size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	fp = fopen(src, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL_FATAL(fread(buf, 1, *size, fp), (size_t)*size);
	fclose(fp);
	read_all(src, whole);
	CU_ASSERT_EQUAL(whole->ret, 0);
	CU_ASSERT_EQUAL(whole->damaged, 0);
	return buf;
}

/*
 * A ring-buffer page whose commit word is more than a page holds (which
 * libtraceevent's kbuffer reads past): read as empty on both paths, its
 * events lost, with a warning, and the findings suspected.
 */
static void test_damaged_page(void)
{
	struct result whole, fast, plain;
	long size;
	unsigned char *buf = load_whole(CORPUS "/6.12-dma-traffic.v6.dat", &size, &whole);
	const char *path;

	/* CPU 0's pages start at 12288; the second one's commit word is at 16384 + 8 */
	memcpy(buf + 16384 + 8, "\xff\xff\xff\x07\0\0\0\0", 8);
	path = make_file("page.dat", NULL, size, buf);
	free(buf);
	read_both(path, &fast, &plain);
	CU_ASSERT_EQUAL(fast.ret, 0);
	CU_ASSERT_EQUAL(plain.ret, 0);
	CU_ASSERT_EQUAL(fast.damaged, 1);
	CU_ASSERT_EQUAL(plain.damaged, 1);
	CU_ASSERT_FALSE(fast.truncated);
	/* that page's events, and only those, are lost, on both paths alike */
	CU_ASSERT_TRUE(fast.events > 0 && fast.events < whole.events);
	CU_ASSERT_EQUAL(fast.events, plain.events);
	expect_one_warning(path, "damaged data skipped 1 time, the first: a ring-buffer page of "
				 "CPU 0 whose header or records cannot be right, read as empty "
				 "(offset 16384)");
	expect_damage_reported(path, 1, 16384);

	/*
	 * the same in a page between a CPU's first and last (12288, in the 6.1
	 * file): the walk, not the check before it, finds it, with the same words
	 */
	buf = load_whole(CORPUS "/6.1-dma-traffic.v6.dat", &size, &whole);
	memcpy(buf + 12288 + 8, "\xff\xff\xff\x07\0\0\0\0", 8);
	path = make_file("middle-page.dat", NULL, size, buf);
	free(buf);
	read_both(path, &fast, &plain);
	CU_ASSERT_STRING_EQUAL(fast.reader, "kbuffer");
	CU_ASSERT_EQUAL(fast.damaged, 1);
	CU_ASSERT_EQUAL(plain.damaged, 1);
	CU_ASSERT_TRUE(fast.events > 0 && fast.events < whole.events);
	CU_ASSERT_EQUAL(fast.events, plain.events);
	expect_one_warning(path, "whose header or records cannot be right, read as empty "
				 "(offset 12288)");
	expect_damage_reported(path, 1, 12288);
	/*
	 * a v6 file whose CPU table is tagged "flyrecord\t": libtracecmd compares 9
	 * bytes and reads the pages, dat-check.c compared 10 and did not check
	 * them; a page with a commit of 0xfffb3000 then had kbuffer read past it
	 * (found by fuzz-tracedat: the command line died of SIGSEGV)
	 */
	expect_damage_reported(CRASHES "/libtracecmd-v6-flyrecord-tag-unchecked-pages.v6.dat", 2,
			       24576);
	/*
	 * a data record whose length word is 0 (at 15316 in CPU 0's page at 12288):
	 * libtraceevent's kbuffer went back to the record before it and read the
	 * two in a circle, for ever, in libtracecmd's tracecmd_read_cpu_last() and
	 * in the walk (found by fuzz-tracedat: a timeout); read as empty, with
	 * CPU 0's second page (text, not a page) and CPU 1's (a commit word of
	 * 2^52, past any page), on both paths
	 */
	path = CRASHES "/libtraceevent-kbuffer-record-length-zero-loops.v6.dat";
	expect_damage_reported(path, 3, 12288);
	expect_both(path, 20, 3);
}

/*
 * In the 6.1 dma-traffic corpus file, the VERSION option (id 9, 21 bytes at
 * 4758) becomes a DATE (1) of 0x10, libtracecmd's offset of 16 us added to
 * every timestamp (@date), or a TSC2NSEC (14) of multiplier 3 and shift 1:
 * every time times 1.5, in the same order, a scale the walk does not apply.
 */
static void rewrite_version(unsigned char *buf, bool date)
{
	CU_ASSERT_EQUAL_FATAL(memcmp(buf + 4758, "\x09\0\x15\0\0\0" "3.1.6 not-a-git-repo", 26), 0);
	memset(buf + 4758, 0, 6 + 21);
	if (date)
		memcpy(buf + 4758, "\x01\0\x15\0\0\0" "0x10", 10);
	else
		memcpy(buf + 4758, "\x0e\0\x15\0\0\0" "\x03\0\0\0" "\x01", 11);
}

/*
 * A file the walk does not read (its timestamps scaled by a TSC2NSEC option,
 * which libtracecmd applies), whose middle page has a record with a length
 * word of 0 (kbuffer reads that record's data as records): libtracecmd's
 * loop reads every page, so every page is checked first, and that page is
 * read as empty on both paths, as the walk would; in a file cut short too.
 */
static void test_damaged_page_libtracecmd_reads(void)
{
	struct result whole, fast, plain;
	long size;
	unsigned char *buf = load_whole(CORPUS "/6.1-dma-traffic.v6.dat", &size, &whole);
	const char *path;

	rewrite_version(buf, false);
	path = make_file("tsc2nsec.dat", NULL, size, buf);
	read_both(path, &fast, &plain);
	CU_ASSERT_EQUAL(fast.ret, 0);
	CU_ASSERT_STRING_EQUAL(fast.reader, "libtracecmd");
	CU_ASSERT_EQUAL(fast.events, whole.events);
	CU_ASSERT_EQUAL(fast.damaged, 0);

	/* CPU 0's pages are at 8192, 12288, 16384; the second record of the middle one */
	CU_ASSERT_EQUAL_FATAL(buf[12288 + 16] & 31, 8);
	CU_ASSERT_EQUAL_FATAL(buf[12340] & 31, 8);
	buf[12340] &= ~31;
	memset(buf + 12344, 0, 4);
	path = make_file("tsc2nsec-page.dat", NULL, size, buf);
	read_both(path, &fast, &plain);
	CU_ASSERT_EQUAL(fast.ret, 0);
	CU_ASSERT_EQUAL(plain.ret, 0);
	CU_ASSERT_STRING_EQUAL(fast.reader, "libtracecmd");
	CU_ASSERT_EQUAL(fast.damaged, 1);
	CU_ASSERT_EQUAL(plain.damaged, 1);
	CU_ASSERT_TRUE(fast.events > 0 && fast.events < whole.events);
	CU_ASSERT_EQUAL(fast.events, plain.events);
	expect_damage_reported(path, 1, 12288);

	/* cut short in CPU 1's second page (at 24576): read by libtracecmd's loop too */
	path = make_file("tsc2nsec-page-cut.dat", NULL, 24576 + 100, buf);
	free(buf);
	read_both(path, &fast, &plain);
	CU_ASSERT_EQUAL(fast.ret, 0);
	CU_ASSERT_STRING_EQUAL(fast.reader, "libtracecmd");
	CU_ASSERT_TRUE(fast.truncated);
	CU_ASSERT_TRUE(plain.truncated);
	CU_ASSERT_EQUAL(fast.damaged, 1);
	CU_ASSERT_EQUAL(plain.damaged, 1);
	CU_ASSERT_EQUAL(fast.events, plain.events);
}

/*
 * Damage in a middle page of each CPU: CPU 0's at 12288 and CPU 1's at
 * 24576, whose events come first in time (from 16.031 s, against 16.093 s),
 * so the walk meets it first.  The damage reported first is the one first
 * in the file, at 12288, on every path: the walk, libtracecmd's loop (the
 * plain path, and a file with a TSC2NSEC option, which the walk does not
 * read).  The walk said 24576 before.
 */
static void test_damage_first_in_file(void)
{
	struct result whole, fast, plain;
	long size;
	unsigned char *buf = load_whole(CORPUS "/6.1-dma-traffic.v6.dat", &size, &whole);
	const char *path;
	int scaled;

	memcpy(buf + 12288 + 8, "\xff\xff\xff\x07\0\0\0\0", 8);
	memcpy(buf + 24576 + 8, "\xff\xff\xff\x07\0\0\0\0", 8);
	for (scaled = 0; scaled < 2; scaled++) {
		if (scaled)
			rewrite_version(buf, false);
		path = make_file("two-pages.dat", NULL, size, buf);
		read_both(path, &fast, &plain);
		CU_ASSERT_EQUAL(fast.ret, 0);
		CU_ASSERT_STRING_EQUAL(fast.reader, scaled ? "libtracecmd" : "kbuffer");
		CU_ASSERT_EQUAL(fast.damaged, 2);
		CU_ASSERT_EQUAL(plain.damaged, 2);
		CU_ASSERT_TRUE(fast.events > 0 && fast.events < whole.events);
		CU_ASSERT_EQUAL(fast.events, plain.events);
		expect_damage_reported(path, 2, 12288);
		setenv("IOREP_PLAIN_READ", "1", 1);
		expect_damage_reported(path, 2, 12288);
		unsetenv("IOREP_PLAIN_READ");
	}
	free(buf);
}

/* The JSON document of @path on the default path, or with IOREP_PLAIN_READ=1. */
static char *json_of(const char *path, bool plain)
{
	char cmd[1200], jpath[600];

	snprintf(jpath, sizeof(jpath), "%s/%s.json", tmpdir, plain ? "plain" : "fast");
	snprintf(cmd, sizeof(cmd), "%s'%s' -q --json '%s' '%s' > /dev/null",
		 plain ? "IOREP_PLAIN_READ=1 " : "", IOREP_BIN, jpath, path);
	CU_ASSERT_FATAL(system(cmd) != -1);
	return iorep_test_slurp(jpath, NULL);
}

/*
 * A DATE option (and an OFFSET) only adds an offset to every timestamp:
 * the walk reads such a file, adding it as libtracecmd does.  The JSON is
 * the plain path's, byte for byte, and its times are the file's without
 * the option plus 16 us.
 */
static void test_date_option_walked(void)
{
	struct result whole, fast, plain;
	long size;
	unsigned char *buf = load_whole(CORPUS "/6.1-dma-traffic.v6.dat", &size, &whole);
	char *a, *b, *orig;
	cJSON *da, *dorig;
	const char *path;
	double t, t0;

	orig = json_of(CORPUS "/6.1-dma-traffic.v6.dat", false);
	rewrite_version(buf, true);
	path = make_file("date.dat", NULL, size, buf);
	free(buf);
	read_both(path, &fast, &plain);
	CU_ASSERT_EQUAL(fast.ret, 0);
	CU_ASSERT_STRING_EQUAL(fast.reader, "kbuffer");
	CU_ASSERT_STRING_EQUAL(plain.reader, "libtracecmd");
	CU_ASSERT_EQUAL(fast.events, whole.events);
	CU_ASSERT_EQUAL(plain.events, whole.events);
	a = json_of(path, false);
	b = json_of(path, true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
	CU_ASSERT_STRING_EQUAL(a, b);
	da = cJSON_Parse(a);
	dorig = cJSON_Parse(orig);
	CU_ASSERT_PTR_NOT_NULL_FATAL(da);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dorig);
	t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(da, "span"),
					     "first_ts")->valuedouble;
	t0 = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(dorig, "span"),
					      "first_ts")->valuedouble;
	CU_ASSERT_EQUAL(t - t0, 16000);
	cJSON_Delete(da);
	cJSON_Delete(dorig);
	free(a);
	free(b);
	free(orig);
}

/*
 * A compressed chunk that cannot be decompressed (its zstd frame's magic
 * number zeroed): the walk a chunk at a time skips that chunk's pages, its
 * events lost, with a warning, and the findings suspected.  Through the
 * uncompressed copy (IOREP_PLAIN_READ=1) libtracecmd cannot copy it, and the
 * file is refused.
 */
static void test_damaged_chunk(void)
{
	/* CPU 0's compressed data (`trace-cmd dump --options`): a count, then its 6 chunks */
	const uint32_t cpu0 = 1437696;
	struct result whole, fast, plain;
	long size;
	unsigned char *buf = load_whole(
		IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/dma-traffic/trace.dat", &size, &whole);
	uint32_t zsize0, size0, chunk1;
	const char *path;
	char want[256];

	/* the chunk headers: compressed size, then decompressed size (little-endian) */
	CU_ASSERT_EQUAL_FATAL(buf[cpu0] | buf[cpu0 + 1] << 8, 6);
	memcpy(&zsize0, buf + cpu0 + 4, 4);
	memcpy(&size0, buf + cpu0 + 8, 4);
	chunk1 = cpu0 + 4 + 8 + zsize0;
	CU_ASSERT_EQUAL_FATAL(memcmp(buf + chunk1 + 8, "\x28\xb5\x2f\xfd", 4), 0);
	memset(buf + chunk1 + 8, 0, 4);
	path = make_file("chunk.dat", NULL, size, buf);
	free(buf);
	read_both(path, &fast, &plain);
	CU_ASSERT_EQUAL(fast.ret, 0);
	CU_ASSERT_EQUAL(fast.damaged, 1);
	CU_ASSERT_FALSE(fast.truncated);
	CU_ASSERT_TRUE(fast.events > 0 && fast.events < whole.events);
	CU_ASSERT_EQUAL(plain.ret, -IOREP_ETRACEDAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(plain.err, "libtracecmd cannot decompress its data"));
	snprintf(want, sizeof(want),
		 "damaged data skipped 1 time, the first: a compressed chunk of CPU 0 that "
		 "cannot be decompressed, at file offset %u (offset %u)",
		 chunk1, 4096 + size0);
	expect_one_warning(path, want);
	/* its first page's offset as libtracecmd numbers the records: one page, then chunk 0 */
	expect_damage_reported(path, 1, 4096 + size0);
}

/*
 * A record without the fields the model relies on (the device of an
 * attach, its __data_loc pointing past the record) is skipped, on both
 * paths, with a warning.
 */
static void test_damaged_record(void)
{
	struct result whole, fast, plain;
	long size;
	unsigned char *buf = load_whole(CORPUS "/6.1-boot.v6.dat", &size, &whole);
	const char *path;

	/* the first attach_device_to_domain: its header at 12844, its device's __data_loc at 12856 */
	CU_ASSERT_EQUAL_FATAL(memcmp(buf + 12848, "\x7f\x04", 2), 0);
	CU_ASSERT_EQUAL_FATAL(memcmp(buf + 12856, "\x0c\0\x0d\0", 4), 0);
	memcpy(buf + 12856, "\xf0\0\xff\0", 4);
	path = make_file("record.dat", NULL, size, buf);
	free(buf);
	read_both(path, &fast, &plain);
	CU_ASSERT_EQUAL(fast.ret, 0);
	CU_ASSERT_EQUAL(fast.damaged, 1);
	CU_ASSERT_EQUAL(plain.damaged, 1);
	CU_ASSERT_EQUAL(fast.events, whole.events - 1);
	CU_ASSERT_EQUAL(plain.events, whole.events - 1);
	expect_one_warning(path, "a record of attach_device_to_domain without the fields every "
				 "one has (offset 12844)");
	expect_damage_reported(path, 1, 12844);
	/*
	 * found by fuzzing: a page whose records turn to garbage at a length
	 * word of 0, where kbuffer read an attach among the garbage; the page
	 * is damaged as a whole now (see test_damaged_page())
	 */
	expect_both(CRASHES "/model-attach-record-without-device.dat", 155, 1);
}

/*
 * A compressed file whose damaged event length runs past its page (found by
 * fuzz-tracedat): libtracecmd hands the record over as it is, and the plain
 * path decoded its dma_addrs array past the decompressed page (ASan: a heap
 * overflow).  Both paths now cut the payload at the page's end: the same
 * 241 events either way, nothing lost.
 */
static void test_event_past_its_page(void)
{
	expect_both(CRASHES "/reader-v7-plain-event-length-past-its-page.v7.dat", 241, 0);
}

/*
 * A compressed version 7 file without the top buffer's BUFFER option (found
 * by fuzz-tracedat): two CPUs by its CPUCOUNT option, none in libtracecmd's
 * table of CPU data.  The plain path asked tracecmd_read_cpu_last() for each
 * CPU whose records ended, and it read past that table of none (valgrind;
 * ASan's allocator died later on the heap it left).  Read as empty on both
 * paths.
 */
static void test_cpus_without_data(void)
{
	char first[1024];
	int lines;

	expect_both(CRASHES "/libtracecmd-v7-no-buffer-option-cpu-last-past-table.v7.dat", 0, 0);
	setenv("IOREP_PLAIN_READ", "1", 1);
	CU_ASSERT_EQUAL(run_cli(CRASHES "/libtracecmd-v7-no-buffer-option-cpu-last-past-table.v7.dat",
				&lines, first, sizeof(first)),
			0);
	unsetenv("IOREP_PLAIN_READ");
	CU_ASSERT_EQUAL(lines, 0);
}

static void test_random_bytes(void)
{
	unsigned char buf[100000];
	unsigned int x = 12345;
	size_t i;

	for (i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245 + 12345;
		buf[i] = x >> 16;
	}
	expect_error(make_file("random.bin", NULL, sizeof(buf), buf), -IOREP_EFORMAT,
		     "not a trace.dat file");
}

static void test_text_without_iommu(void)
{
	static const char text[] = "# tracer: nop\n"
				   "  bash-1 [000] ..... 1.000000: sched_switch: prev_comm=bash\n";

	expect_error(make_file("noiommu.txt", NULL, sizeof(text) - 1, text), -IOREP_ENOEVENTS,
		     "no iommu or dma events (1 other event)");
}

static void test_gzip_cut_short(void)
{
	char cmd[1024], path[600];
	struct result r;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/cut.txt.gz", tmpdir);
	snprintf(cmd, sizeof(cmd), "gzip -c '%s/trace.txt' | head -c 600 > '%s'", DEFECTS, path);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	read_all(path, &r);
	CU_ASSERT_EQUAL(r.ret, 0);
	CU_ASSERT_TRUE(r.truncated);
	CU_ASSERT_TRUE(r.events > 0 && r.events < 26);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{ "empty file", test_empty },
		{ "perf.data", test_perf_data },
		{ "trace.dat v7 cut in its last section", test_v7_cut_at_end },
		{ "missing file and directory", test_missing_and_dir },
		{ "trace.dat cut in the header", test_dat_cut_in_header },
		{ "trace.v6.dat cut in the data", test_v6_cut_in_data },
		{ "trace.v6.dat cut short, a CPU claiming 1.5 GB", test_v6_cut_cpu_size_huge },
		{ "trace.dat v7 cut in the data", test_v7_cut_in_data },
		{ "trace.dat v7 whose copy has no room: read in memory", test_v7_copy_without_room },
		{ "trace.dat whose data libtracecmd cannot read: no descriptor left",
		  test_dat_init_failed_no_fd_left },
		{ "trace.dat headers libtracecmd cannot survive", test_dat_headers_refused },
		{ "trace.dat compressed with what libtracecmd does not know",
		  test_dat_unknown_compression },
		{ "trace.dat options libtracecmd cannot survive", test_dat_options_refused },
		{ "an event whose length runs past its page", test_event_past_its_page },
		{ "CPUs libtracecmd has no data of", test_cpus_without_data },
		{ "damaged ring-buffer page", test_damaged_page },
		{ "damaged middle page, read by libtracecmd's loop",
		  test_damaged_page_libtracecmd_reads },
		{ "damage in two CPUs' pages: the first in the file is reported",
		  test_damage_first_in_file },
		{ "a DATE option: read by the walk, its offset added", test_date_option_walked },
		{ "damaged compressed chunk", test_damaged_chunk },
		{ "damaged record", test_damaged_record },
		{ "random bytes", test_random_bytes },
		{ "text without iommu events", test_text_without_iommu },
		{ "gzip text cut short", test_gzip_cut_short },
		{ NULL, NULL },
	};
	char cmd[300];
	int ret = iorep_test_main("bad input", tests);

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			ret = ret ? ret : 1;
	}
	return ret;
}
