// SPDX-License-Identifier: MIT
/*
 * Opening a trace.dat for its reader (input-tracecmd.c): the damage
 * libtracecmd does not survive, the probe child, the libtracecmd handle,
 * whether the kbuffer walk or libtracecmd's loop reads the records, the
 * events looked up; and the libtraceevent function defined here for
 * libtracecmd to call (tracecmd-ksyms.c has the other).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <trace-cmd.h>

#include "bytesrc.h"
#include "dat-check.h"
#include "dat-copy.h"
#include "dat-probe.h"
#include "fmt-guard.h"
#include "input-local.h"
#include "iorep-error.h"
#include "kbuf-walk.h"
#include "tep-decode.h"
#include "tracecmd-extra.h"
#include "tracecmd-ksyms.h"
#include "tracecmd-reader.h"

/*
 * libtracecmd hands each event format to libtraceevent through
 * tep_parse_event(), and libtraceevent 1.7.1 frees a token twice on some
 * sizeof() forms (fmt-guard.c).  This definition, bound like the one above,
 * gives it the format with those forms replaced by their values, in a copy:
 * the same events, fields and print formats, on a sound heap.
 */
enum tep_errno tep_parse_event(struct tep_handle *tep, const char *buf, unsigned long size,
			       const char *sys)
{
	struct tep_event *event = NULL;
	enum tep_errno ret;
	char *copy;

	if (iorep_fmt_guard(buf, size, &copy) < 0)
		return TEP_ERRNO__MEM_ALLOC_FAILED;
	ret = tep_parse_format(tep, &event, copy ? copy : buf, size, sys);
	free(copy);
	return ret;
}

static int setup_events(struct iorep_input *in, struct iorep_tracecmd_reader *tr)
{
	const struct iorep_event_desc *d;
	struct tep_event *event;
	int t, i, id;

	tr->max_id = -1;
	iorep_tracecmd_stack_setup(tr);
	for (t = 0; t < IOREP_EV_LOST; t++) {
		d = iorep_event_desc(t);
		event = tep_find_event_by_name(tr->tep, d->system, d->name);
		if (!event)
			continue;	/* not in this kernel: not supported here */
		iorep_tep_dec_init(&tr->decs[tr->ndecs], t, event);
		if (event->id > tr->max_id)
			tr->max_id = event->id;
		tr->ndecs++;
		if (!strcmp(d->system, "iommu"))
			in->formats_known = 1;
	}
	if (tr->max_id < 0)
		return 0;
	if (tr->max_id > 1 << 20)
		return -IOREP_ELIMIT;
	tr->by_id = malloc((tr->max_id + 1) * sizeof(*tr->by_id));
	if (!tr->by_id)
		return -IOREP_ENOMEM;
	for (i = 0; i <= tr->max_id; i++)
		tr->by_id[i] = -1;
	for (i = 0; i < tr->ndecs; i++) {
		event = tep_find_event_by_name(tr->tep, iorep_event_desc(tr->decs[i].type)->system,
					       iorep_event_desc(tr->decs[i].type)->name);
		id = event->id;
		if (id >= 0)
			tr->by_id[id] = (short)i;
	}
	return 0;
}

/*
 * Field @nth of "Linux host 6.12.117+deb12-amd64 x86_64" (uname as trace-cmd
 * records it: system, node, release, machine), interned; NULL when absent.
 */
static const char *uname_field(struct iorep_input *in, const char *uname, int nth)
{
	const char *p = uname, *start;
	int field;

	if (!uname)
		return NULL;
	for (field = 0; field < nth; field++) {
		p = strchr(p, ' ');
		if (!p)
			return NULL;
		while (*p == ' ')
			p++;
	}
	for (start = p; *p && *p != ' '; p++)
		;
	return p > start ? iorep_strtab_intern(in->st, start, p - start) : NULL;
}

/*
 * Opens a libtracecmd handle on @fd: its headers, and with @init its CPU
 * data.  Returns NULL with *@init_failed set when the headers read but the
 * CPU data did not.
 */
static struct tracecmd_input *open_handle(int fd, bool init, int *init_failed)
{
	struct tracecmd_input *h;
	int saved[2], std, devnull, ret, own;
	struct stat ours, its;
	char path[64];

	*init_failed = 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* the descriptor tracecmd_open_head() opens for itself: the lowest free one */
	own = dup(fd);
	if (own >= 0)
		close(own);
	h = tracecmd_open_head(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!h || !init)
		return h;
	/*
	 * libtracecmd 1.3.1 printf()s "File possibly truncated" to stdout and,
	 * on CPU data it cannot map, perror()s to stderr, whatever the log
	 * level: keep both out (an error is ours to say, in one line).
	 */
	fflush(stdout);
	fflush(stderr);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	for (std = 0; std < 2; std++) {
		saved[std] = dup(std + 1);
		if (saved[std] >= 0 && devnull >= 0)
			dup2(devnull, std + 1);
	}
	ret = tracecmd_init_data(h);
	fflush(stdout);
	fflush(stderr);
	for (std = 0; std < 2; std++) {
		if (saved[std] >= 0 && devnull >= 0)
			dup2(saved[std], std + 1);
		if (saved[std] >= 0)
			close(saved[std]);
	}
	if (devnull >= 0)
		close(devnull);
	if (ret < 0) {
		/*
		 * tracecmd_close() on a handle whose init failed crashes in
		 * libtracecmd 1.3.1 (uninitialized lists), so the handle is
		 * left behind: this happens once, on a damaged file.  Not its
		 * descriptor, though, if it is the one it opened on @fd: a
		 * process that reads many files (the fuzzer) would run out.
		 */
		if (own >= 0 && fstat(own, &its) == 0 && fstat(fd, &ours) == 0 &&
		    its.st_dev == ours.st_dev && its.st_ino == ours.st_ino && own != fd)
			close(own);
		*init_failed = 1;
		return NULL;
	}
	return h;
}

/* iorep_dat_check() of @fd (@size bytes), a refusal said as the reader's error. */
static int dat_check(struct iorep_input *in, int fd, uint64_t size, bool full,
		     struct iorep_dat_check *c)
{
	int ret = iorep_dat_check(fd, size, full, c);

	if (ret == -1)
		return iorep_input_error(in, -IOREP_ETRACEDAT,
					 "trace.dat is damaged at offset %llu: %s",
					 (unsigned long long)c->at, c->why);
	if (ret < 0)
		return iorep_input_error(in, ret, "%s", iorep_strerror(ret));
	return ret;
}

/*
 * The damage libtracecmd and libtraceevent do not survive (dat-check.c):
 * a file refused with the reason, or its damaged ring-buffer pages blanked
 * in a copy, which then replaces tr->fd, with a warning.  Every page's
 * records are checked with @full (libtracecmd's loop reads them all), the
 * pages libtracecmd reads for each CPU's first and last record otherwise.
 */
static int check_damage(struct iorep_input *in, struct iorep_tracecmd_reader *tr, bool full)
{
	struct iorep_dat_check c;
	char of[128];
	int ret, fd;

	ret = dat_check(in, tr->fd, (uint64_t)tr->file_size, full, &c);
	tr->cpus = c.cpus;
	tr->ts_scaled |= c.ts_scaled;
	in->info.ts_offset = c.ts_offset;
	in->info.ts_offset_unknown = !c.ts_offset_known;
	tr->ninstances = c.ninstances;
	tr->inst_checked = c.instances_checked;
	tr->cut = c.cut;
	tr->cut_at = c.cut_at;
	if (c.zcpu && !tr->zcpu) {
		tr->zcpu = c.zcpu;
		tr->nzcpu = c.nzcpu;
		tr->zb = c.zb;
		c.zcpu = NULL;
	}
	if (ret < 0 || !c.nbad)
		goto out;
	fd = iorep_dat_blank_copy(tr->fd, tr->file_size, &c);
	if (fd < 0) {
		ret = iorep_input_error(in, -IOREP_ETRACEDAT,
					"trace.dat is damaged at offset %llu (a ring-buffer page whose "
					"header or records cannot be right), and no copy to read it "
					"around that can be made: %s",
					(unsigned long long)c.bad[0], strerror(errno));
		goto out;
	}
	close(tr->fd);
	tr->fd = fd;
	iorep_input_damaged(in, c.nbad, c.bad[0],
			    "a ring-buffer page of CPU %d%s whose header or records cannot be "
			    "right, read as empty",
			    c.bad_cpu,
			    iorep_tracecmd_of_instance(c.bad_instance[0] ? c.bad_instance : NULL, of,
						       sizeof(of)));
out:
	iorep_dat_check_release(&c);
	return ret;
}

/*
 * A compressed file's headers, which the child copied uncompressed into
 * @fd: refused for the damage dat-check.c finds in them, as the whole copy
 * would be, before libtracecmd reads them in this process.
 */
static int check_headers(struct iorep_input *in, int fd)
{
	struct iorep_dat_check c;
	struct stat sb;
	int ret;

	if (fstat(fd, &sb) < 0 || !sb.st_size)
		return 0;
	ret = dat_check(in, fd, (uint64_t)sb.st_size, false, &c);
	iorep_dat_check_release(&c);
	return ret;
}

/*
 * A version 7 file compressed with what this libtracecmd cannot decompress
 * (Debian 12's knows zstd only, while trace-cmd may be built with zlib too):
 * said as such, not as the damage libtracecmd would make of it.
 */
static int refuse_compression(struct iorep_input *in, int fd)
{
	char name[64], version[64], known[128] = "";
	char **names = NULL, **versions = NULL;
	size_t len = 0, at;
	int i, n;

	if (iorep_dat_compression(fd, name, sizeof(name), version, sizeof(version), &at) != 1 ||
	    tracecmd_compress_is_supported(name, version))
		return 0;
	n = tracecmd_compress_protos_get(&names, &versions);
	for (i = 0; i < n && names[i] && len < sizeof(known); i++)
		len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "",
					names[i]);
	if (n > 0) {
		free(names);
		free(versions);
	}
	return iorep_input_error(in, -IOREP_ETRACEDAT,
				 "trace.dat is compressed with %s %s (its header, offset %zu), "
				 "which this libtracecmd cannot decompress (it knows: %s)",
				 name, version, at, *known ? known : "none");
}

/*
 * libtracecmd opens the file in a child process first (dat-probe.c), on
 * both paths: a file it crashed on there is refused.  With @zcpu, the child
 * finds each CPU's first and last records and copies the headers, checked
 * here (2 is returned).  Otherwise a compressed file is read through the
 * uncompressed copy the child made, which then replaces tr->fd; its damage
 * is checked again, now that its pages and formats can be seen.
 */
static int probe_in_child(struct iorep_input *in, struct iorep_tracecmd_reader *tr,
			  struct iorep_dat_zcpu *zcpu, uint32_t nzcpu)
{
	struct stat sb;
	uint64_t inst;
	uint32_t k;
	int ret, fd;

	/* the instances the reader would open: checked pages, or (compressed) walked */
	for (inst = tr->inst_checked, k = 0; zcpu && k < tr->zb.nzinst; k++)
		inst |= 1ULL << tr->zb.zinst[k].inst;
	ret = iorep_dat_probe(tr->fd, tr->comp, sizeof(tr->comp), &fd, zcpu, nzcpu,
			      zcpu ? &tr->zb : NULL, &inst);
	tr->inst_probed &= inst;
	if (ret == 2) {
		ret = check_headers(in, fd);
		close(fd);
		return ret < 0 ? ret : 2;
	}
	if (ret == -IOREP_ETRACEDAT && fd == 0)
		return iorep_input_error(in, ret,
					 "trace.dat is damaged or cut short at offset %lld "
					 "(libtracecmd cannot decompress its data)",
					 (long long)tr->file_size);
	if (ret == -IOREP_ETRACEDAT && fd > 0)
		return iorep_input_error(in, ret,
					 "trace.dat is damaged: libtracecmd died of signal %d (%s) "
					 "reading it",
					 fd, strsignal(fd));
	if (ret == -IOREP_ETRACEDAT)
		return iorep_input_error(in, ret,
					 "trace.dat is damaged: libtracecmd failed reading it "
					 "(exit status %d)",
					 -fd);
	if (ret == -ETIMEDOUT)
		return iorep_input_error(in, -IOREP_ETRACEDAT,
					 "trace.dat not read: libtracecmd made no progress on it for "
					 "%.1f s and was stopped (IOREP_PROBE_STALL_MS sets how long)",
					 fd / 1000.0);
	if (ret < 0 && zcpu)
		return 0; /* no child here: the copy is tried next */
	if (ret < 0) {
		snprintf(in->note, sizeof(in->note),
			 "no temporary file for an uncompressed copy (%s), so the compressed "
			 "data is read in memory (slower, and memory grows with the file)",
			 strerror(-ret));
		return 0;
	}
	if (ret == 0)
		return 0;
	close(tr->fd);
	tr->fd = fd;
	if (fstat(fd, &sb) == 0)
		tr->file_size = sb.st_size;
	return check_damage(in, tr, tr->plain);
}

/*
 * Instance @i of the top buffer's handle @top, read: through its own handle
 * @h, or (NULL) walked without one.  Its name is kept for the messages, and
 * note_instances() leaves it out.
 */
static void keep_instance(struct iorep_input *in, struct iorep_tracecmd_reader *tr,
			  struct tracecmd_input *top, uint32_t i, struct tracecmd_input *h)
{
	const char *name = tracecmd_buffer_instance_name(top, (int)i);

	if (!name)
		name = "?";
	tr->inst_name[tr->ninst] = iorep_strtab_intern(in->st, name, strlen(name));
	tr->inst[tr->ninst++] = h;
	tr->inst_read |= 1ULL << i;
}

/*
 * A compressed file read without a copy (kbuf-zdata.h): libtracecmd reads
 * its headers only, and the kbuffer walk decompresses each CPU's chunks as
 * it reaches them.  The child (dat-probe.c) first reads the file as
 * libtracecmd's loop would, and says where each CPU's records start and
 * end, which the walk must find too.  Returns 1 when set up (tr->handle,
 * tr->kbuf), 0 when the file must be read through a copy, or an error.
 */
static int open_streamed(struct iorep_input *in, struct iorep_tracecmd_reader *tr)
{
	int ret, init_failed, nper[1 + IOREP_DAT_INSTANCES_MAX], nbuf = 1;
	uint32_t k, from, to;
	struct tracecmd_input *h;

	ret = probe_in_child(in, tr, tr->zcpu, tr->nzcpu);
	if (ret != 2)
		return ret < 0 ? ret : 0;
	h = open_handle(tr->fd, false, &init_failed);
	if (!h)
		return 0;
	/* the top buffer's CPUs, then those of the instances the child read (the rest dropped) */
	nper[0] = (int)tr->zb.nztop;
	for (k = 0, from = to = tr->zb.nztop; k < tr->zb.nzinst; from += tr->zb.zinst[k++].n) {
		if (!(tr->inst_probed >> tr->zb.zinst[k].inst & 1) ||
		    (int)tr->zb.zinst[k].inst >= tracecmd_buffer_instances(h))
			continue;
		memmove(tr->zcpu + to, tr->zcpu + from, tr->zb.zinst[k].n * sizeof(*tr->zcpu));
		to += tr->zb.zinst[k].n;
		nper[nbuf++] = (int)tr->zb.zinst[k].n;
		keep_instance(in, tr, h, tr->zb.zinst[k].inst, NULL);
	}
	ret = 0;
	/* no top buffer of its own when only instances were recorded */
	if (tep_get_cpus(tracecmd_get_tep(h)) == (int)tr->zb.nztop || (!tr->zb.nztop && nbuf > 1))
		ret = iorep_kbuf_open_z(&tr->kbuf, h, tr->fd, tr->zcpu, nper, nbuf);
	if (ret) {
		tr->ninst = 0;
		tr->inst_read = 0;
		iorep_tracecmd_ksyms_free(h);
		tracecmd_close(h);
		return ret < 0 ? iorep_input_error(in, ret, "%s", iorep_strerror(ret)) : 0;
	}
	tr->handle = h;
	return 1;
}

void iorep_tracecmd_close_instances(struct iorep_tracecmd_reader *tr)
{
	while (tr->ninst > 0)
		if (tr->inst[--tr->ninst])
			tracecmd_close(tr->inst[tr->ninst]);
	tr->inst_read = 0;
}

/*
 * The instance buffers (trace-cmd record -B) whose pages iorep_dat_check()
 * found and checked as the top buffer's, each opened through its own
 * libtracecmd handle into tr->inst; those that do not open are left, and
 * said unread (note_instances()).
 */
static void open_instances(struct iorep_input *in, struct iorep_tracecmd_reader *tr)
{
	struct tracecmd_input *h;
	uint32_t i;

	for (i = 0; i < tr->ninstances && i < IOREP_DAT_INSTANCES_MAX; i++) {
		if (!((tr->inst_checked & tr->inst_probed) >> i & 1) ||
		    (int)i >= tracecmd_buffer_instances(tr->handle))
			continue;
		h = tracecmd_buffer_instance_handle(tr->handle, (int)i);
		if (h)
			keep_instance(in, tr, tr->handle, i, h);
	}
}

/* The kbuffer walk over the top buffer and the instances read: iorep_kbuf_open_n()'s. */
static int open_walk(struct iorep_tracecmd_reader *tr)
{
	struct tracecmd_input *h[1 + IOREP_DAT_INSTANCES_MAX];
	int i;

	h[0] = tr->handle;
	for (i = 0; i < tr->ninst; i++)
		h[1 + i] = tr->inst[i];
	return iorep_kbuf_open_n(&tr->kbuf, h, 1 + tr->ninst, tr->fd, tr->file_size,
				 !tr->ts_scaled);
}

/*
 * libtracecmd's loop: its streams, the top buffer's CPUs then each
 * instance's (a shorter table of an instance's CPUs bounds its own), and
 * their first records.
 */
static int open_streams(struct iorep_input *in, struct iorep_tracecmd_reader *tr)
{
	int i, cpu, n = tr->ncpus, s = 0;

	for (i = 0; i < tr->ninst; i++)
		if (tr->inst[i] && tracecmd_cpus(tr->inst[i]) > 0)
			n += tracecmd_cpus(tr->inst[i]);
	tr->streams = calloc(n ? n : 1, sizeof(*tr->streams));
	tr->head = calloc(n ? n : 1, sizeof(*tr->head));
	tr->seen = calloc(n ? n : 1, sizeof(*tr->seen));
	if (!tr->streams || !tr->head || !tr->seen)
		return -IOREP_ENOMEM;
	for (cpu = 0; cpu < tr->ncpus; cpu++)
		tr->streams[s++] = (struct iorep_tracecmd_stream){ tr->handle, cpu, NULL };
	for (i = 0; i < tr->ninst; i++)
		for (cpu = 0; tr->inst[i] && cpu < tracecmd_cpus(tr->inst[i]); cpu++)
			if (tracecmd_get_cpu_file_size(tr->inst[i], cpu) >= 0)
				tr->streams[s++] = (struct iorep_tracecmd_stream){
					tr->inst[i], cpu, tr->inst_name[i] };
	tr->nstreams = s;
	for (s = 0; !tr->fast && s < tr->nstreams; s++) {
		tr->head[s] = tracecmd_read_cpu_first(tr->streams[s].h, tr->streams[s].cpu);
		if (!tr->head[s])
			iorep_tracecmd_check_cpu_end(in, tr, s);
	}
	return 0;
}

/*
 * When the walk does not apply (a timestamp libtracecmd converts),
 * libtracecmd's loop reads every ring-buffer page of the file, not only
 * the first and last of each CPU that were checked: every page is checked
 * now, and with damage a new handle reads the copy it is blanked in.
 */
static int check_every_page(struct iorep_input *in, struct iorep_tracecmd_reader *tr)
{
	struct tracecmd_input *h;
	int fd = tr->fd, ret, init_failed;

	ret = check_damage(in, tr, true);
	if (ret < 0 || tr->fd == fd)
		return ret;
	h = open_handle(tr->fd, true, &init_failed);
	if (!h)
		return iorep_input_error(in, -IOREP_ETRACEDAT,
					 "trace.dat is damaged, and libtracecmd cannot read the copy "
					 "its damaged ring-buffer pages are blanked in");
	iorep_tracecmd_close_instances(tr);
	iorep_tracecmd_ksyms_free(tr->handle);
	tracecmd_close(tr->handle);
	tr->handle = h;
	open_instances(in, tr);
	return 0;
}

/*
 * Instance buffers (trace-cmd record -B) not read: those of a compressed
 * file or one cut short, and those whose pages iorep_dat_check() could not
 * find and check (their pages could crash libtraceevent) or libtracecmd
 * cannot open.  The user is told, and how to read them: trace-cmd report's
 * text names each line's instance, and the text parser takes it off.
 */
static void note_instances(struct iorep_input *in, struct iorep_tracecmd_reader *tr)
{
	int i, j, n = tracecmd_buffer_instances(tr->handle), unread = n - tr->ninst;
	size_t len = strlen(in->note);
	const char *name;

	if (n <= 0 || unread <= 0)
		return;
	in->info.ninstances = (uint32_t)unread;
	len += (size_t)snprintf(in->note + len, sizeof(in->note) - len,
				"%s%d instance buffer%s (", len ? "; " : "", unread,
				unread == 1 ? "" : "s");
	for (i = 0, j = 0; i < n && len < sizeof(in->note); i++) {
		if (i < IOREP_DAT_INSTANCES_MAX && (tr->inst_read >> i & 1))
			continue;
		name = tracecmd_buffer_instance_name(tr->handle, i);
		name = name ? iorep_strtab_intern(in->st, name, strlen(name)) : NULL;
		if (j < IOREP_INPUT_MAX_INSTANCES)
			in->info.instances[j] = name ? name : "";
		len += (size_t)snprintf(in->note + len, sizeof(in->note) - len, "%s%s",
					j++ ? ", " : "", name ? name : "?");
	}
	if (len < sizeof(in->note))
		snprintf(in->note + len, sizeof(in->note) - len,
			 ") not read%s: `trace-cmd report` of the file, given as text, has them all",
			 tr->ninst ? "" : ", only the top buffer");
}

int iorep_tracecmd_open(struct iorep_input *in, struct iorep_input_src *src)
{
	struct iorep_tracecmd_reader *tr = calloc(1, sizeof(*tr));
	int fd, ret, pad, n, v6, streamed, init_failed = 0;
	/* libtracecmd's own loop, not the kbuffer walk: the reference the fast path is held to */
	const char *plain_env = getenv("IOREP_PLAIN_READ");
	bool plain = plain_env && *plain_env; /* set, and not to "" */
	char variant[64];
	unsigned long ver;
	struct stat sb;
	const char *comp;

	if (!tr) {
		iorep_bytesrc_free(src->bs);
		close(src->fd);
		return -IOREP_ENOMEM;
	}
	in->priv = tr;
	tr->fd = -1;
	tr->stack_id = -1;
	tr->plain = plain;
	tr->inst_probed = ~0ULL;
	/* the version string after the magic: "6" */
	v6 = src->firstlen >= IOREP_TRACEDAT_MAGIC_LEN + 2 &&
	     !memcmp(src->first + IOREP_TRACEDAT_MAGIC_LEN, "6", 2);
	if (src->regular && lseek(src->fd, 0, SEEK_SET) == 0) {
		fd = src->fd;
	} else {
		/* stdin or a compressed file: libtracecmd needs to seek */
		fd = iorep_input_spool(in, src);
		close(src->fd);
		if (fd < 0) {
			iorep_bytesrc_free(src->bs);
			return fd;
		}
	}
	iorep_bytesrc_free(src->bs);
	tr->fd = fd;
	if (fstat(fd, &sb) == 0)
		tr->file_size = sb.st_size;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	ret = refuse_compression(in, fd);
	if (ret < 0)
		return ret;
	ret = check_damage(in, tr, plain);
	if (ret < 0)
		return ret;
	/* a compressed file: walked a chunk at a time, or else read through a copy */
	streamed = tr->zcpu && !plain ? open_streamed(in, tr) : 0;
	if (streamed < 0)
		return streamed;
	if (!streamed) {
		ret = probe_in_child(in, tr, NULL, 0);
		if (ret < 0)
			return ret;
		tr->handle = open_handle(tr->fd, true, &init_failed);
	}
	fd = tr->fd;
	if (!tr->handle && init_failed && v6) {
		/*
		 * The headers are whole but the CPU data runs past the end: a
		 * file cut short.  Read it from a copy padded with zeros (empty
		 * ring-buffer pages) so that the events before the cut are used.
		 * Only version 6 ends with its CPU data: a later version keeps
		 * headers after it (what was cut cannot be read anyway), and
		 * libtracecmd walks every section header to the end of the
		 * file, which through a terabyte of zeros does not end.
		 * libtracecmd's loop then reads every page: all are checked.
		 */
		ret = plain ? 0 : check_damage(in, tr, true);
		if (ret < 0)
			return ret;
		fd = tr->fd;
		pad = iorep_dat_pad_copy(fd, tr->file_size, &tr->cpus);
		if (pad >= 0) {
			tr->handle = open_handle(pad, true, &init_failed);
			close(pad);
		}
		if (tr->handle)
			iorep_input_truncated(in, tr->file_size,
					      "trace.dat is cut short: its CPU data runs past the "
					      "end of the file");
	}
	if (!tr->handle)
		return iorep_input_error(in, -IOREP_ETRACEDAT,
					 "trace.dat is damaged or cut short at offset %lld "
					 "(libtracecmd cannot read its %s)",
					 (long long)tr->file_size,
					 init_failed ? "data" : "headers");
	/* instance buffers, whose pages were checked: not of a file cut short or compressed */
	if (!streamed && !in->stats.truncated && !tr->comp[0])
		open_instances(in, tr);
	/* the kbuffer walk, unless the file is cut short, still compressed, or plain is set */
	ret = streamed ? 0 : 1;
	if (!streamed && !in->stats.truncated && !plain)
		ret = open_walk(tr);
	if (ret < 0)
		return iorep_input_error(in, ret, "%s", iorep_strerror(ret));
	tr->fast = ret == 0;
	if (!tr->fast && !plain && !in->stats.truncated) {
		ret = check_every_page(in, tr);
		if (ret < 0)
			return ret;
	}
	tr->tep = tracecmd_get_tep(tr->handle);
	ret = setup_events(in, tr);
	if (ret < 0)
		return iorep_input_error(in, ret, "%s", iorep_strerror(ret));
	iorep_tep_common_init(&tr->common, tr->tep);
	tr->ncpus = tep_get_cpus(tr->tep);
	if (tr->ncpus < 0 || tr->ncpus > 1 << 16)
		return iorep_input_error(in, -IOREP_ETRACEDAT, "trace.dat claims %d CPUs",
					 tr->ncpus);
	if (tr->ncpus) {
		ret = iorep_input_note_lost(in, tr->ncpus - 1, 0);
		if (ret < 0)
			return ret;
	}
	in->stats.reader = tr->fast ? "kbuffer" : "libtracecmd";
	ret = open_streams(in, tr);
	if (ret < 0)
		return ret;

	ver = tracecmd_get_in_file_version(tr->handle);
	comp = NULL;
	tracecmd_get_file_compress_proto(tr->handle, &comp, NULL);
	if (tr->comp[0])
		comp = tr->comp;
	n = snprintf(variant, sizeof(variant), "v%lu%s%s", ver, comp ? " " : "", comp ? comp : "");
	in->info.variant = iorep_strtab_intern(in->st, variant, n < (int)sizeof(variant) ? n : 0);
	in->info.kernel = uname_field(in, tracecmd_get_uname(tr->handle), 2);
	in->info.machine = uname_field(in, tracecmd_get_uname(tr->handle), 3);
	comp = tracecmd_get_trace_clock(tr->handle);
	if (comp)
		in->info.trace_clock = iorep_strtab_intern(in->st, comp, strnlen(comp, 64));
	note_instances(in, tr);
	/* said last: a file cut short is otherwise read differently (the pad copy above) */
	if (tr->cut && !in->stats.truncated)
		iorep_input_truncated(in, tr->cut_at,
				      "trace.dat is cut short: a section at its end (options, "
				      "strings or an instance buffer's data) runs past the end of "
				      "the file");
	in->info.pos_unit = "offset";
	in->info.page_size = (uint32_t)tracecmd_page_size(tr->handle);
	tr->page_size = in->info.page_size;
	return 0;
}
