// SPDX-License-Identifier: MIT
/*
 * The trace.dat v6 writer of gen-trace (see gen-dat.h).
 *
 * Layout, after trace-cmd's lib/trace-cmd/trace-output.c (3.1.6):
 *   "\x17\x08\x44" "tracing" "6\0", endian (0), long size (8), page size (u32)
 *   "header_page\0" u64 size, text; "header_event\0" u64 size, text
 *   u32 ftrace formats (0, or 1: kernel_stack); per format: u64 size, text
 *   u32 systems; per system: name\0, u32 events; per event: u64 size, format
 *   u32 kallsyms size, text (none, or a line per symbol); u32 printk size (0);
 *   u64 cmdlines size, text
 *   u32 cpus; "options  \0", options (u16 id, u32 size, data), u16 0
 *   "flyrecord\0"; per CPU u64 offset, u64 size; u64 size, "[global]"
 *   padding to a page boundary, then each CPU's pages.
 *
 * A page is u64 timestamp, u64 commit, then records: a u32 header with
 * type_len in bits 0-4 and time_delta in bits 5-31; type_len 1..28 means
 * 4 * type_len bytes of data follow, 0 means a u32 length (data + 4) comes
 * first, 30 is a time extend (delta bits 27 and up in the next u32).  A page
 * that follows dropped events has RB_MISSED_EVENTS (1 << 31) and
 * RB_MISSED_STORED (1 << 30) in its commit and the count, a long, right
 * after its data (kernel ring_buffer_read_page(), libtraceevent
 * kbuffer_load_subbuffer()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats-6.12.h"
#include "gen-dat.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define BUF_PAGES 64u /* pages buffered per CPU before a write */
#define COPY_BUF (1u << 20)
#define TYPE_LEN_MAX 28u
#define TYPE_TIME_EXTEND 30u
#define DELTA_BITS 27
#define MISSED_EVENTS (1ull << 31)
#define MISSED_STORED (1ull << 30)

/* trace-cmd's option ids (lib/trace-cmd/include/private/trace-cmd-private.h) */
#define OPT_DONE 0
#define OPT_TRACECLOCK 4
#define OPT_UNAME 5
#define OPT_CPUCOUNT 8
#define OPT_VERSION 9

struct dat_cpu {
	int fd;
	uint64_t off; /* where the next buffered page goes in fd */
	uint8_t *buf;
	uint32_t cur; /* page being filled, index in buf */
	uint32_t used, limit;
	bool open;
	uint64_t last_ts;
	uint64_t missed; /* of the page being filled */
	uint32_t next_lost;
	struct gendat_cpu_stats st;
};

struct gendat {
	int fd;
	uint32_t ncpus;
	uint64_t table;		  /* file offset of the flyrecord offset/size table */
	uint64_t data;		  /* of CPU 0's data */
	struct gendat_lost *lost; /* sorted by cpu, page */
	uint32_t nlost;
	struct dat_cpu *cpus;
};

/* A growable byte buffer for the header; freed by its user. */
struct hbuf {
	uint8_t *p;
	size_t n, cap;
	int err;
};

static void hb_add(struct hbuf *b, const void *src, size_t len)
{
	size_t cap;
	uint8_t *p;

	if (b->err)
		return;
	if (b->n + len > b->cap) {
		cap = b->cap ? b->cap : 65536;
		while (cap < b->n + len)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, src, len);
	b->n += len;
}

static void hb_num(struct hbuf *b, uint64_t v, int bytes)
{
	uint8_t tmp[8];

	put64(tmp, v);
	hb_add(b, tmp, bytes);
}

/* A u64 size, then the text (no NUL), as header_page or a format file is stored. */
static void hb_sized(struct hbuf *b, const char *text)
{
	hb_num(b, strlen(text), 8);
	hb_add(b, text, strlen(text));
}

static void hb_option(struct hbuf *b, uint16_t id, const void *data, uint32_t len)
{
	hb_num(b, id, 2);
	hb_num(b, len, 4);
	hb_add(b, data, len);
}

static void hb_events(struct hbuf *b)
{
	const char *sys = NULL;
	size_t i, j, n;

	hb_num(b, 2, 4); /* systems: iommu, dma */
	for (i = 0; i < ARRAY_SIZE(gen_formats_612); i = j) {
		sys = gen_formats_612[i].system;
		for (j = i, n = 0;
		     j < ARRAY_SIZE(gen_formats_612) && !strcmp(gen_formats_612[j].system, sys);
		     j++)
			n++;
		hb_add(b, sys, strlen(sys) + 1);
		hb_num(b, n, 4);
		for (j = i; j < i + n; j++)
			hb_sized(b, gen_formats_612[j].text);
	}
}

/* Everything before the CPU data; *@table gets the offset of the flyrecord table. */
static void hb_header(struct hbuf *b, const struct gendat_params *p, uint64_t *table)
{
	static const char clocks[] = "local [global] counter uptime perf mono mono_raw boot tai "
				     "x86-tsc\n";
	static const char version[] = "gen-trace (iommu-report bench, synthetic)";
	uint8_t cpus[4];
	uint32_t i;

	hb_add(b, "\x17\x08\x44tracing6", 11);
	hb_add(b, "", 1);
	hb_num(b, 0, 1); /* little endian */
	hb_num(b, 8, 1); /* long size */
	hb_num(b, GENDAT_PAGE_SIZE, 4);
	hb_add(b, "header_page", 12);
	hb_sized(b, gen_header_page_612);
	hb_add(b, "header_event", 13);
	hb_sized(b, gen_header_event_612);
	hb_num(b, p->ftrace_format ? 1 : 0, 4); /* ftrace formats */
	if (p->ftrace_format)
		hb_sized(b, p->ftrace_format);
	hb_events(b);
	hb_num(b, p->kallsyms ? strlen(p->kallsyms) : 0, 4);
	if (p->kallsyms)
		hb_add(b, p->kallsyms, strlen(p->kallsyms));
	hb_num(b, 0, 4); /* printk formats */
	hb_sized(b, p->cmdlines);
	hb_num(b, p->cpus, 4);
	hb_add(b, "options  ", 10);
	hb_option(b, OPT_TRACECLOCK, clocks, sizeof(clocks));
	hb_option(b, OPT_UNAME, p->uname, strlen(p->uname) + 1);
	hb_option(b, OPT_VERSION, version, sizeof(version));
	put32(cpus, p->cpus);
	hb_option(b, OPT_CPUCOUNT, cpus, 4);
	hb_num(b, OPT_DONE, 2);
	hb_add(b, "flyrecord", 10);
	*table = b->n;
	for (i = 0; i < p->cpus; i++) {
		hb_num(b, 0, 8); /* offset */
		hb_num(b, 0, 8); /* size */
	}
	hb_sized(b, "[global]");
}

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

/* A temporary file next to the output, unlinked at once: nothing is left behind. */
static int tmp_open(const char *dir)
{
	char path[4096];
	int fd;

	if (snprintf(path, sizeof(path), "%s/.gen-trace-cpu.XXXXXX", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

static int lost_cmp(const void *a, const void *b)
{
	const struct gendat_lost *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->page < y->page ? -1 : x->page > y->page;
}

int gendat_event_id(const char *system, const char *name)
{
	size_t i, len = strlen(name);
	const char *t;

	for (i = 0; i < ARRAY_SIZE(gen_formats_612); i++) {
		t = gen_formats_612[i].text;
		if (strcmp(gen_formats_612[i].system, system) || strncmp(t, "name: ", 6) ||
		    strncmp(t + 6, name, len) || t[6 + len] != '\n')
			continue;
		t = strstr(t, "\nID: ");
		return t ? atoi(t + 5) : -1;
	}
	return -1;
}

int gendat_open(struct gendat **out, const struct gendat_params *p)
{
	struct hbuf hb = {0};
	struct gendat *d;
	uint32_t i;
	int ret = -ENOMEM;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->fd = -1;
	d->ncpus = p->cpus;
	d->cpus = calloc(p->cpus, sizeof(*d->cpus));
	d->lost = calloc(p->nlost ? p->nlost : 1, sizeof(*d->lost));
	if (!d->cpus || !d->lost)
		goto out;
	memcpy(d->lost, p->lost, p->nlost * sizeof(*d->lost));
	d->nlost = p->nlost;
	qsort(d->lost, d->nlost, sizeof(*d->lost), lost_cmp);
	for (i = 0; i < p->cpus; i++)
		d->cpus[i].fd = -1;
	hb_header(&hb, p, &d->table);
	if (hb.err)
		goto out;
	d->data = (hb.n + GENDAT_PAGE_SIZE - 1) & ~(uint64_t)(GENDAT_PAGE_SIZE - 1);
	d->fd = open(p->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (d->fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = pwrite_all(d->fd, hb.p, hb.n, 0);
	if (ret < 0)
		goto out;
	for (i = 0; i < p->cpus; i++) {
		struct dat_cpu *c = &d->cpus[i];

		c->buf = malloc((size_t)BUF_PAGES * GENDAT_PAGE_SIZE);
		if (!c->buf) {
			ret = -ENOMEM;
			goto out;
		}
		c->fd = i ? tmp_open(p->tmpdir) : d->fd;
		c->off = i ? 0 : d->data;
		if (c->fd < 0) {
			ret = c->fd;
			goto out;
		}
		while (c->next_lost < d->nlost && d->lost[c->next_lost].cpu < i)
			c->next_lost++;
	}
	ret = 0;
	*out = d;
	d = NULL;
out:
	free(hb.p);
	gendat_free(d);
	return ret;
}

static int cpu_flush(struct dat_cpu *c)
{
	size_t len = (size_t)c->cur * GENDAT_PAGE_SIZE;
	int ret;

	if (!len)
		return 0;
	ret = pwrite_all(c->fd, c->buf, len, c->off);
	c->off += len;
	c->cur = 0;
	return ret;
}

static void page_close(struct dat_cpu *c)
{
	uint8_t *page = c->buf + (size_t)c->cur * GENDAT_PAGE_SIZE;
	uint64_t commit = c->used;

	if (c->missed) {
		put64(page + 16 + c->used, c->missed);
		commit |= MISSED_EVENTS | MISSED_STORED;
		c->st.lost += c->missed;
	}
	put64(page + 8, commit);
	c->open = false;
	c->cur++;
	c->st.pages++;
}

/* The lost-list entry due on @cpu's next page, or NULL. */
static const struct gendat_lost *lost_due(const struct gendat *d, uint32_t cpu)
{
	const struct dat_cpu *c = &d->cpus[cpu];
	const struct gendat_lost *l = c->next_lost < d->nlost ? &d->lost[c->next_lost] : NULL;

	return l && l->cpu == cpu && l->page <= c->st.pages ? l : NULL;
}

/* Starts a page at @ts, marked when @l; returns the events dropped before it, or a negative errno.
 */
static int64_t page_open(struct gendat *d, uint32_t cpu, uint64_t ts, const struct gendat_lost *l)
{
	struct dat_cpu *c = &d->cpus[cpu];
	uint8_t *page;
	int ret;

	if (c->cur == BUF_PAGES) {
		ret = cpu_flush(c);
		if (ret < 0)
			return ret;
	}
	page = c->buf + (size_t)c->cur * GENDAT_PAGE_SIZE;
	memset(page, 0, GENDAT_PAGE_SIZE);
	put64(page, ts);
	c->open = true;
	c->used = 0;
	c->limit = GENDAT_PAGE_DATA;
	c->last_ts = ts;
	c->missed = 0;
	if (l) {
		c->missed = l->count ? l->count : 1;
		c->limit -= 8; /* the count is stored after the data */
		c->next_lost++;
	}
	return c->missed;
}

int64_t gendat_write(struct gendat *d, uint32_t cpu, uint64_t ts, const void *rec, uint32_t len,
		     bool boundary)
{
	struct dat_cpu *c = &d->cpus[cpu];
	uint32_t dlen = (len + 3) & ~3u, need, ext;
	uint64_t delta = 0;
	int64_t missed = 0;
	uint8_t *p;

	need = dlen + (dlen > TYPE_LEN_MAX * 4 ? 8 : 4);
	if (need > GENDAT_PAGE_DATA - 8 || ts < c->last_ts)
		return -EINVAL;
	if (c->open) {
		delta = ts - c->last_ts;
		ext = delta >> DELTA_BITS ? 8 : 0;
		/* a page due to be marked waits for a boundary, and then starts there */
		if (c->used + ext + need > c->limit || (boundary && c->used && lost_due(d, cpu)))
			page_close(c);
	}
	if (!c->open) {
		missed = page_open(d, cpu, ts, boundary ? lost_due(d, cpu) : NULL);
		if (missed < 0)
			return missed;
		delta = 0;
	}
	p = c->buf + (size_t)c->cur * GENDAT_PAGE_SIZE + 16 + c->used;
	if (delta >> DELTA_BITS) {
		put32(p, TYPE_TIME_EXTEND | (uint32_t)(delta & ((1u << DELTA_BITS) - 1)) << 5);
		put32(p + 4, delta >> DELTA_BITS);
		p += 8;
		c->used += 8;
		c->st.extends++;
		delta = 0;
	}
	if (dlen > TYPE_LEN_MAX * 4) {
		put32(p, (uint32_t)delta << 5);
		put32(p + 4, dlen + 4);
		p += 8;
	} else {
		put32(p, dlen / 4 | (uint32_t)delta << 5);
		p += 4;
	}
	memcpy(p, rec, len);
	memset(p + len, 0, dlen - len);
	c->used += need;
	c->last_ts = ts;
	c->st.records++;
	return missed;
}

static int copy_range(int in, int out, uint64_t len, uint64_t off_out)
{
	loff_t off_in = 0, o = off_out;
	char *buf = NULL;
	ssize_t n;
	int ret = 0;

	while (len) {
		n = copy_file_range(in, &off_in, out, &o, len, 0);
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL))
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		len -= n;
	}
	/* copy_file_range() refused (another file system): read and write */
	if (len && !(buf = malloc(COPY_BUF)))
		return -ENOMEM;
	while (len) {
		n = pread(in, buf, len < COPY_BUF ? len : COPY_BUF, off_in);
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		ret = pwrite_all(out, buf, n, o);
		if (ret < 0)
			break;
		off_in += n;
		o += n;
		len -= n;
	}
	free(buf);
	return ret;
}

int gendat_finish(struct gendat *d)
{
	uint64_t off = d->data, size;
	uint8_t ent[16];
	uint32_t i;
	int ret;

	for (i = 0; i < d->ncpus; i++) {
		struct dat_cpu *c = &d->cpus[i];

		if (c->open)
			page_close(c);
		ret = cpu_flush(c);
		if (ret < 0)
			return ret;
		size = c->st.pages * GENDAT_PAGE_SIZE;
		c->st.offset = off;
		if (i) {
			ret = copy_range(c->fd, d->fd, size, off);
			if (ret < 0)
				return ret;
		}
		put64(ent, off);
		put64(ent + 8, size);
		ret = pwrite_all(d->fd, ent, sizeof(ent), d->table + 16 * i);
		if (ret < 0)
			return ret;
		off += size;
	}
	/* a CPU with no pages leaves the file ending at the previous one */
	if (ftruncate(d->fd, off) < 0)
		return -errno;
	return 0;
}

const struct gendat_cpu_stats *gendat_cpu_stats(const struct gendat *d, uint32_t cpu)
{
	return &d->cpus[cpu].st;
}

void gendat_free(struct gendat *d)
{
	uint32_t i;

	if (!d)
		return;
	for (i = 0; d->cpus && i < d->ncpus; i++) {
		if (i && d->cpus[i].fd >= 0)
			close(d->cpus[i].fd);
		free(d->cpus[i].buf);
	}
	if (d->fd >= 0)
		close(d->fd);
	free(d->cpus);
	free(d->lost);
	free(d);
}
