// SPDX-License-Identifier: MIT
/*
 * A trace.dat first opened by libtracecmd in a child process: its headers;
 * for a compressed one (version 7, zstd or zlib sections), either where
 * each CPU's records start and end, or an uncompressed copy of it.
 *
 * libtraceevent 1.7.1 divides by zero on some damaged event formats, and
 * fuzzing found other crashes in libtracecmd's and libtraceevent's header
 * parsers that no cheap check (dat-check.c) foresees: in the child such a
 * crash is a refusal, on both of the reader's paths, before the reader opens
 * the file itself.
 *
 * libtracecmd 1.3.1 (Debian 12) reads a compressed file's ring-buffer pages
 * by decompressing chunks into memory that it never frees (the test in its
 * free_zpage() cannot be true), and looks each page up in that growing list:
 * memory linear and time quadratic in the file.  So the reader does not
 * read them through it.  The kbuffer walk decompresses one chunk at a time
 * (kbuf-zdata.h); what it needs of libtracecmd's own reading, the first and
 * last record of each CPU (which its first must match), the child finds:
 * libtracecmd loads those pages unchecked, and a damaged chunk leaves part
 * of a page unwritten, whatever the heap held, which libtraceevent's
 * kbuffer may read past.  Where the walk cannot be used (IOREP_PLAIN_READ,
 * a layout it does not read), libtracecmd's copy function is: it
 * decompresses each CPU's data to a temporary file and copies from there,
 * with memory that does not grow.  The child has it write the same file
 * `trace-cmd convert --compression none` writes, to an unnamed temporary
 * file, which the reader then reads, its pages checked (dat-check.c) first.
 * Offsets (findings' "pos") are then offsets in that uncompressed file.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <trace-cmd.h>

#include "child-wait.h"
#include "dat-check.h"
#include "dat-probe.h"
#include "iorep-error.h"
#include "tracecmd-extra.h"
#include "tracecmd-ksyms.h"

/* An unnamed file to write in: in $TMPDIR (or /tmp), gone when closed. */
static int unnamed_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd, n;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	/* a file system without O_TMPFILE: a named file, unlinked at once */
	n = snprintf(path, sizeof(path), "%s/iommu-report-XXXXXX", dir);
	if (n < 0 || n >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Where the child says what it found. */
struct shared {
	int status;    /* a COPY_* */
	char comp[32]; /* the compression's name */
	int firsts;    /* each CPU's first and last records are in first[] */
	uint64_t instances; /* the instance buffers to open, bit i instance i */
	uint64_t inst_ok;   /* those opened, and (compressed) their CPUs' records in first[] */
	int inst_state;	    /* opening them: 1 under way, 2 done */
	struct iorep_dat_zbufs zb; /* compressed: whose CPUs first[] has */
	struct iorep_dat_zcpu first[];
};

/*
 * COPY_WORKING when the child exits: it died inside the libraries (a
 * sanitizer's exit).  COPY_BROKEN: the headers opened but the compressed
 * data could not be copied; COPY_NOSPACE: nor written, for want of space.
 */
enum { COPY_WORKING, COPY_MADE, COPY_NONE, COPY_FAILED, COPY_READ, COPY_BROKEN, COPY_NOSPACE };

/* libtracecmd's per-CPU files (trace-input.c's COMPR_TEMP_FILE, mkstemp()'s six more) */
#define LIB_TEMP_PREFIX "/tmp/trace_cpu_data"
#define LIB_TEMP_LEN (sizeof(LIB_TEMP_PREFIX) - 1 + 6)
#define MAX_CHILD_FD 4096

/* Removes @fd's file when it is one of libtracecmd's copies.  Async-signal-safe. */
static void unlink_if_lib_file(int fd)
{
	char fdpath[32] = "/proc/self/fd/", target[LIB_TEMP_LEN + 2];
	const size_t base = sizeof("/proc/self/fd/") - 1;
	char digits[12];
	ssize_t n;
	int k, j;

	for (k = 0, j = fd; k == 0 || j; j /= 10)
		digits[k++] = (char)('0' + j % 10);
	for (j = 0; j < k; j++)
		fdpath[base + j] = digits[k - 1 - j];
	fdpath[base + k] = '\0';
	n = readlink(fdpath, target, sizeof(target) - 1);
	if (n != (ssize_t)LIB_TEMP_LEN || memcmp(target, LIB_TEMP_PREFIX, sizeof(LIB_TEMP_PREFIX) - 1))
		return;
	target[n] = '\0';
	unlink(target);
}

/* A decimal descriptor number from a /proc/self/fd entry's name, or -1. */
static int fd_of_name(const char *name)
{
	int fd = 0;

	if (!*name)
		return -1;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || fd > MAX_CHILD_FD)
			return -1;
		fd = fd * 10 + (*name - '0');
	}
	return fd;
}

/*
 * Removes the files libtracecmd made for its copy and still holds open:
 * it removes them when the handle is closed, which a handle that failed
 * half-way cannot safely be.  Async-signal-safe (it runs in the crash
 * handler too): the open descriptors are read from /proc/self/fd with
 * getdents64() (a few, where asking each of the first 4,096 took 4,096
 * readlink() calls, 6 ms of every run), each one's name with readlink().
 * Without /proc, each of the first MAX_CHILD_FD descriptors is asked.
 */
static void unlink_lib_files(void)
{
	union {
		char bytes[4096];
		uint64_t align;
	} buf;
	struct dirent64 *d;
	long n, at;
	int dir, fd;

	dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		for (fd = 3; fd < MAX_CHILD_FD; fd++)
			unlink_if_lib_file(fd);
		return;
	}
	while ((n = syscall(SYS_getdents64, dir, buf.bytes, sizeof(buf.bytes))) > 0)
		for (at = 0; at < n; at += d->d_reclen) {
			d = (struct dirent64 *)(void *)(buf.bytes + at);
			fd = fd_of_name(d->d_name);
			if (fd > 2 && fd != dir)
				unlink_if_lib_file(fd);
		}
	close(dir);
}

/* A crash in the child: libtracecmd's files removed, then the signal's own end. */
static void crashed(int sig)
{
	unlink_lib_files();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Whether a copy that failed did so for want of space: the copy ($TMPDIR)
 * cannot grow by a page past where it stopped (ENOSPC, EDQUOT, or EFBIG
 * under a file size limit), or /tmp, where libtracecmd writes each CPU's
 * data first, has under 1 MiB free.  libtracecmd's errno does not survive
 * its failure path, so the file system is asked again.
 */
static bool out_of_space(int copy)
{
	struct statvfs vfs;
	struct stat sb;
	char zero = 0;

	if (fstat(copy, &sb) == 0 && pwrite(copy, &zero, 1, sb.st_size + (1 << 20)) != 1 &&
	    (errno == ENOSPC || errno == EDQUOT || errno == EFBIG))
		return true;
	return statvfs("/tmp", &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < 1 << 20;
}

/*
 * The first and last records libtracecmd reads of each of the @ncpus CPUs
 * of @ih (whose data it has set up), into sh->first[].
 */
static void firsts(struct tracecmd_input *ih, struct iorep_dat_zcpu *first, uint32_t ncpus)
{
	struct tep_record *r;
	uint32_t cpu;

	for (cpu = 0; cpu < ncpus; cpu++) {
		/* the bound libtracecmd's own table has (see iorep_tracecmd_check_cpu_end()) */
		if (tracecmd_get_cpu_file_size(ih, (int)cpu) < 0)
			return;
		r = tracecmd_read_cpu_first(ih, (int)cpu);
		if (r) {
			first[cpu].first_ts = r->ts;
			first[cpu].first = (uint64_t)r->offset;
			tracecmd_free_record(r);
		}
		r = tracecmd_read_cpu_last(ih, (int)cpu);
		if (r) {
			first[cpu].last = (uint64_t)r->offset;
			tracecmd_free_record(r);
		}
	}
}

/*
 * The instance buffers of @ih in sh->instances opened as the reader opens
 * them, and their CPUs' first and last records read: sh->inst_state says
 * whether libtracecmd crashed or stalled on them (1), not on the top buffer.
 */
static void instances(struct tracecmd_input *ih, struct shared *sh)
{
	struct tracecmd_input *h;
	uint32_t k, at;
	int i, cpu;

	sh->inst_state = 1;
	for (i = 0; i < tracecmd_buffer_instances(ih) && i < IOREP_DAT_INSTANCES_MAX; i++) {
		if (!(sh->instances >> i & 1) || !(h = tracecmd_buffer_instance_handle(ih, i)))
			continue;
		if (sh->zb.nzinst) {
			/* compressed: its CPUs' records where sh->zb puts them */
			for (at = sh->zb.nztop, k = 0;
			     k < sh->zb.nzinst && sh->zb.zinst[k].inst != (uint32_t)i; k++)
				at += sh->zb.zinst[k].n;
			if (k < sh->zb.nzinst)
				firsts(h, sh->first + at, sh->zb.zinst[k].n);
		} else {
			for (cpu = 0; cpu < tracecmd_cpus(h); cpu++) {
				if (tracecmd_get_cpu_file_size(h, cpu) < 0)
					continue;
				tracecmd_free_record(tracecmd_read_cpu_first(h, cpu));
				tracecmd_free_record(tracecmd_read_cpu_last(h, cpu));
			}
		}
		tracecmd_close(h);
		sh->inst_ok |= 1ULL << i;
	}
	sh->inst_state = 2;
}

/* libtracecmd's uncompressed copy of @ih up to @state, into @fd: whether it was made. */
static bool copy_to(struct tracecmd_input *ih, int fd, int state)
{
	struct tracecmd_output *oh;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	oh = tracecmd_copy(ih, path, state, (int)tracecmd_get_in_file_version(ih), "none");
	if (!oh)
		return false;
	tracecmd_output_close(oh);
	return true;
}

/*
 * The child's work: the copy of @fd to @copy, said in @sh; or, @ncpus > 0,
 * the first and last records of that many CPUs.  Whatever libtracecmd
 * leaves behind or prints dies with the child.
 */
static void child(int fd, int copy, struct shared *sh, uint32_t ncpus, pid_t parent)
{
	struct tracecmd_input *ih;
	char path[64];
	static const int crashes[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	const char *name = NULL;
	int devnull = open("/dev/null", O_WRONLY);
	bool headers;
	size_t i;

	/* a crash is a crash, even where a sanitizer would catch it and exit */
	for (i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
		signal(crashes[i], crashed);
	/*
	 * never outlive the reader: a child still at work when the reader is
	 * killed (a fuzzer's timeout, one found stuck inside ASan's allocator)
	 * removes libtracecmd's files and ends
	 */
	signal(SIGTERM, crashed);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		crashed(SIGTERM);

	/* libtracecmd printf()s and perror()s on damaged input, whatever its log level */
	if (devnull >= 0) {
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ih = tracecmd_open_head(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!ih) {
		sh->status = COPY_FAILED;
		return;
	}
	if (copy < 0 || ncpus) {
		/*
		 * the headers only, as the reader opens them (open_handle()); with
		 * @ncpus, first copied uncompressed to @copy, for the reader to
		 * check (dat-check.c), and then each CPU's first and last records
		 */
		headers = !ncpus || copy_to(ih, copy, IOREP_TRACECMD_FILE_OPTIONS);
		/* not closed when it fails: libtracecmd 1.3.1 may crash closing it */
		if (headers && tracecmd_init_data(ih) == 0) {
			if (ncpus) {
				firsts(ih, sh->first, sh->zb.nztop);
				sh->firsts = 1;
			}
			if (sh->instances)
				instances(ih, sh);
			iorep_tracecmd_ksyms_free(ih);
			tracecmd_close(ih);
		}
		unlink_lib_files();
		sh->status = COPY_READ;
		return;
	}
	if (tracecmd_get_file_compress_proto(ih, &name, NULL) < 0 || !name ||
	    !strcmp(name, "none") || tracecmd_buffer_instances(ih) > 0) {
		/* nothing to do; or instances, which the copy announces on stderr */
		iorep_tracecmd_ksyms_free(ih);
		tracecmd_close(ih);
		sh->status = COPY_NONE;
		return;
	}
	snprintf(sh->comp, sizeof(sh->comp), "%s", name);
	if (!copy_to(ih, copy, IOREP_TRACECMD_FILE_CPU_FLYRECORD)) {
		sh->status = out_of_space(copy) ? COPY_NOSPACE : COPY_BROKEN;
		/* not closed: libtracecmd 1.3.1 may crash closing a handle it failed to set up */
		unlink_lib_files();
		return;
	}
	/* closing removes libtracecmd's own temporary files, one per CPU */
	iorep_tracecmd_ksyms_free(ih);
	tracecmd_close(ih);
	sh->status = COPY_MADE;
}

int iorep_dat_compression(int fd, char *name, size_t name_len, char *version, size_t version_len,
			  size_t *offset)
{
	char head[128];
	ssize_t n = pread(fd, head, sizeof(head) - 1, 0);
	size_t at, nl, vl;

	if (n < 12)
		return 0;
	head[n] = '\0';
	/* the magic (10 bytes), then the version as a string */
	if (strtoul(head + 10, NULL, 10) < 7)
		return 0;
	/* its NUL, endianness, long size and page size: 1 + 1 + 1 + 4 bytes */
	at = 10 + strlen(head + 10) + 7;
	if (at >= (size_t)n)
		return -1;
	nl = strlen(head + at);
	if (at + nl + 1 >= (size_t)n)
		return -1;
	vl = strlen(head + at + nl + 1);
	if (at + nl + 1 + vl >= (size_t)n || !nl || nl >= name_len || vl >= version_len)
		return -1;
	memcpy(name, head + at, nl + 1);
	memcpy(version, head + at + nl + 1, vl + 1);
	*offset = at;
	return strcmp(name, "none") != 0;
}

/*
 * Whether the header of the trace.dat in @fd names a compression.  A file
 * too damaged to tell is left to libtracecmd, in the child.
 */
static bool maybe_compressed(int fd)
{
	char name[64], version[64];
	size_t at;

	return iorep_dat_compression(fd, name, sizeof(name), version, sizeof(version), &at) != 0;
}

/* The child's allowance without progress: IOREP_PROBE_STALL_MS, or 30 s. */
static unsigned int stall_ms(void)
{
	const char *s = getenv("IOREP_PROBE_STALL_MS");
	char *end;
	unsigned long v;

	if (!s || !*s)
		return IOREP_PROBE_STALL_DEFAULT_MS;
	errno = 0;
	v = strtoul(s, &end, 10);
	return errno || *end || v > 86400000 ? IOREP_PROBE_STALL_DEFAULT_MS : (unsigned int)v;
}

int iorep_dat_probe(int fd, char *comp, size_t len, int *out, struct iorep_dat_zcpu *zcpu,
		    uint32_t nzcpu, const struct iorep_dat_zbufs *zb, uint64_t *inst)
{
	size_t shsize = sizeof(struct shared) + (size_t)nzcpu * sizeof(*zcpu);
	struct shared *sh;
	struct stat sb;
	bool compressed = !zcpu && maybe_compressed(fd);
	struct iorep_child c;
	unsigned int stall;
	int copy, wst, ret;
	uint32_t i;
	pid_t parent;

	*out = -1;
	if (len)
		*comp = '\0';
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -errno;
	/* the headers' copy for @zcpu is small (the kallsyms are the most): in memory */
	copy = compressed ? unnamed_file()
	       : zcpu	  ? memfd_create("iommu-report-headers", MFD_CLOEXEC)
			  : -1;
	if ((compressed || zcpu) && copy < 0) {
		ret = -errno;
		goto out;
	}
	sh->status = COPY_WORKING;
	sh->instances = inst && !compressed ? *inst : 0;
	if (zcpu && zb)
		sh->zb = *zb;
	else if (zcpu)
		sh->zb.nztop = nzcpu;
	if (sh->zb.nztop > nzcpu)
		sh->zb.nztop = nzcpu;
	fflush(NULL);
	parent = getpid();
	ret = iorep_child_fork(&c);
	if (ret == 0) {
		child(fd, copy, sh, zcpu ? nzcpu : 0, parent);
		_exit(0);
	}
	if (ret < 0)
		goto out;
	stall = stall_ms();
	ret = iorep_child_wait(&c, &wst, stall);
	if (sh->inst_state == 1 && (ret == -ETIMEDOUT || (ret == 0 && WIFSIGNALED(wst)))) {
		/* on the instances, after the top buffer: those are not read, the rest is */
		if (inst)
			*inst = 0;
		ret = 0;
		goto out;
	}
	if (ret < 0) {
		if (ret == -ETIMEDOUT)
			*out = (int)(stall > INT_MAX ? INT_MAX : stall);
		goto out;
	}
	/* under valgrind, what the child leaked can make its exit status 1: not a crash */
	if (WIFSIGNALED(wst) || (WEXITSTATUS(wst) && sh->status == COPY_WORKING)) {
		ret = -IOREP_ETRACEDAT;
		*out = WIFSIGNALED(wst) ? WTERMSIG(wst) : -WEXITSTATUS(wst);
		goto out;
	}
	/*
	 * Compressed data libtracecmd cannot copy is not read through it either:
	 * it decompresses each page and loads it unchecked, and a damaged chunk
	 * leaves part of a page unwritten, whose size libtraceevent's kbuffer
	 * then reads past (a SIGSEGV, found by fuzz-tracedat; in the child it
	 * did not always crash, the bytes being whatever the heap held).
	 */
	if (sh->status == COPY_BROKEN) {
		ret = -IOREP_ETRACEDAT;
		*out = 0;
		goto out;
	}
	/* no room for the copy: the compressed data is read in memory, as with no $TMPDIR */
	if (sh->status == COPY_NOSPACE) {
		ret = -ENOSPC;
		goto out;
	}
	if (inst)
		*inst = sh->inst_ok;
	if (zcpu && sh->firsts) {
		for (i = 0; i < nzcpu; i++) {
			zcpu[i].first_ts = sh->first[i].first_ts;
			zcpu[i].first = sh->first[i].first;
			zcpu[i].last = sh->first[i].last;
		}
		*out = copy;
		copy = -1;
		ret = 2;
		goto out;
	}
	ret = 0; /* headers only, nothing to copy, or headers it cannot open */
	if (sh->status != COPY_MADE || fstat(copy, &sb) < 0 || sb.st_size == 0)
		goto out;
	if (len)
		snprintf(comp, len, "%s", sh->comp);
	*out = copy;
	copy = -1;
	ret = 1;
out:
	if (copy >= 0)
		close(copy);
	munmap(sh, shsize);
	return ret;
}
