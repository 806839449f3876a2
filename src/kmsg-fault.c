// SPDX-License-Identifier: MIT
/*
 * IOMMU faults from the kernel log (see iorep-kmsg.h): a line at a time,
 * the time prefix first, then each driver's words.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "bytesrc.h"
#include "iorep-error.h"
#include "iorep-kmsg.h"
#include "iorep-pci.h"
#include "iorep-util.h"

/* Reports of one burst: same device, page and direction, each this close to the last. */
#define BURST_NS 10000000ull
#define FAULT_WRITE 2u
/* The log is read this much at a time: a printk line is 1 KiB at most. */
#define KMSG_CHUNK (64u << 10)

/* A line, and what its prefix said. */
struct kline {
	const char *p, *e; /* the message, after the prefix */
	uint64_t ts;
	bool timed;
};

static bool is_hex(char c)
{
	return iorep_hex_val(c) >= 0;
}

/* A hex number at *@p (with or without "0x"), up to @e: false when there is none. */
static bool take_hex(const char **p, const char *e, uint64_t *v)
{
	const char *s = *p;
	int n = 0;

	if (e - s > 2 && s[0] == '0' && (s[1] | 0x20) == 'x' && is_hex(s[2]))
		s += 2;
	for (*v = 0; s < e && is_hex(*s) && n < 16; s++, n++)
		*v = *v << 4 | (uint64_t)iorep_hex_val(*s);
	if (!n || (s < e && is_hex(*s)))
		return false;
	*p = s;
	return true;
}

static bool take_dec(const char **p, const char *e, uint64_t *v)
{
	const char *s = *p;

	for (*v = 0; s < e && iorep_is_digit(*s) && *v < UINT64_MAX / 100; s++)
		*v = *v * 10 + (uint64_t)(*s - '0');
	if (s == *p)
		return false;
	*p = s;
	return true;
}

static const char *find(const char *p, const char *e, const char *needle)
{
	return memmem(p, (size_t)(e - p), needle, strlen(needle));
}

static void skip_spaces(const char **p, const char *e)
{
	while (*p < e && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/*
 * "[ seconds.fraction]" at *@p: the time in ns.  The fraction is
 * microseconds as printk writes it, or fewer or more digits.
 */
static bool take_time(const char **p, const char *e, uint64_t *ns)
{
	const char *s = *p + 1;
	uint64_t sec, frac = 0, scale = 1000000000ull;

	if (*p >= e || **p != '[')
		return false;
	skip_spaces(&s, e);
	if (!take_dec(&s, e, &sec) || s >= e || *s != '.')
		return false;
	for (s++; s < e && iorep_is_digit(*s); s++)
		if (scale > 1) {
			scale /= 10;
			frac += (uint64_t)(*s - '0') * scale;
		}
	if (s >= e || *s != ']' || sec > UINT64_MAX / 1000000000ull - 1)
		return false;
	*ns = sec * 1000000000ull + frac;
	*p = s + 1;
	return true;
}

/* The prefix of a log line: a level, /dev/kmsg's fields, the time, a caller id. */
static void prefix(struct kline *l)
{
	const char *p = l->p, *q;
	uint64_t level, seq, usec;

	l->timed = false;
	if (p < l->e && *p == '<' && (q = memchr(p, '>', (size_t)(l->e - p))) && q - p <= 4)
		p = q + 1;
	/* /dev/kmsg: "level,seq,usec,flags;message" */
	q = p;
	if (take_dec(&q, l->e, &level) && q < l->e && *q == ',' && (q++, take_dec(&q, l->e, &seq)) &&
	    q < l->e && *q == ',' && (q++, take_dec(&q, l->e, &usec)) && q < l->e && *q == ',' &&
	    (q = memchr(q, ';', (size_t)(l->e - q)))) {
		l->ts = usec * 1000;
		l->timed = true;
		l->p = q + 1;
		return;
	}
	skip_spaces(&p, l->e);
	if (take_time(&p, l->e, &l->ts)) {
		l->timed = true;
		skip_spaces(&p, l->e);
		/* util-linux's caller id: "[  T215]" or "[    C1]" */
		q = p;
		if (q < l->e && *q == '[') {
			q++;
			skip_spaces(&q, l->e);
			if (q < l->e && (*q == 'T' || *q == 'C')) {
				q++;
				if (take_dec(&q, l->e, &seq) && q < l->e && *q == ']')
					p = q + 1;
			}
		}
	}
	l->p = p;
}

static const char *intern_fmt(struct iorep_strtab *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *intern_fmt(struct iorep_strtab *st, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	return iorep_strtab_intern(st, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* The device of PCI requester id @rid, in domain 0. */
static const char *rid_device(struct iorep_strtab *st, uint64_t rid)
{
	return intern_fmt(st, "0000:%02x:%02x.%u", (unsigned)(rid >> 8 & 0xff),
			  (unsigned)(rid >> 3 & 0x1f), (unsigned)(rid & 7));
}

/* A PCI address of @n bytes at @s, canonical and interned; NULL when it is none. */
static const char *pci_device(struct iorep_strtab *st, const char *s, size_t n)
{
	struct iorep_pci_addr a;
	char buf[IOREP_PCI_ADDR_BUFSZ];
	int len;

	if (iorep_pci_addr_parse(&a, s, n) < 0)
		return NULL;
	len = iorep_pci_addr_format(&a, buf, sizeof(buf));
	return len < 0 ? NULL : iorep_strtab_intern(st, buf, (size_t)len);
}

/* Up to the next character of @stop or @e. */
static const char *until(const char *p, const char *e, const char *stop)
{
	while (p < e && !strchr(stop, *p))
		p++;
	return p;
}

/*
 * VT-d: "DMAR: [DMA Read NO_PASID] Request device [00:08.0] fault addr 0x..
 * [fault reason 0x06] PTE Read access is not set"; 5.x puts "PASID ffffffff"
 * before "fault addr", 4.x writes the address and reason without "0x".
 */
static int dmar(const struct kline *l, struct iorep_kmsg_fault *f, struct iorep_strtab *st)
{
	const char *p = find(l->p, l->e, "[DMA "), *q;
	uint64_t reason = 0;
	bool write;

	if (!p)
		return 0;
	p += 5;
	if (l->e - p >= 5 && !memcmp(p, "Write", 5))
		write = true;
	else if (l->e - p >= 4 && !memcmp(p, "Read", 4))
		write = false;
	else
		return 0;
	p = find(p, l->e, "Request device [");
	if (!p)
		return 0;
	p += 16;
	q = until(p, l->e, "]");
	f->device = pci_device(st, p, (size_t)(q - p));
	p = find(q, l->e, "fault addr ");
	if (!f->device || !p)
		return 0;
	p += 11;
	if (!take_hex(&p, l->e, &f->iova))
		return 0;
	q = find(p, l->e, "[fault reason ");
	if (q) {
		q += 14;
		if (take_hex(&q, l->e, &reason) && q < l->e && *q == ']')
			q++;
		skip_spaces(&q, l->e);
	}
	f->flags = write ? FAULT_WRITE : 0;
	f->source = IOREP_KMSG_DMAR;
	f->driver = iorep_strtab_intern(st, "", 0);
	f->what = q ? intern_fmt(st, "DMAR fault reason 0x%02x: %.*s", (unsigned)reason,
				 (int)(l->e - q), q)
		    : intern_fmt(st, "DMAR fault");
	return 1;
}

/* A "name=" field's hex value in [p, e). */
static bool field_hex(const char *p, const char *e, const char *name, uint64_t *v)
{
	p = find(p, e, name);
	if (!p)
		return false;
	p += strlen(name);
	return take_hex(&p, e, v);
}

/*
 * AMD-Vi: "DRIVER 0000:00:08.0: AMD-Vi: Event logged [IO_PAGE_FAULT
 * domain=0x0005 address=0x.. flags=0x0020]", or with "device=" (a device
 * the driver does not know, and kernels before 5.4).  Flags bit 5: a write.
 */
static int amd(const struct kline *l, struct iorep_kmsg_fault *f, struct iorep_strtab *st)
{
	const char *ev = find(l->p, l->e, "Event logged [IO_PAGE_FAULT"), *p, *q, *b;
	uint64_t flags = 0, domain = 0;

	if (!ev)
		return 0;
	p = find(ev, l->e, "device=");
	f->driver = iorep_strtab_intern(st, "", 0);
	if (p) {
		p += 7;
		q = until(p, l->e, " ]");
		f->device = pci_device(st, p, (size_t)(q - p));
	} else {
		/* "DRIVER BDF: AMD-Vi: " before it */
		q = ev;
		if (q - l->p >= 8 && !memcmp(q - 8, "AMD-Vi: ", 8))
			q -= 8;
		if (q - l->p < 3 || q[-2] != ':' || q[-1] != ' ')
			return 0;
		q -= 2;
		for (b = q; b > l->p && b[-1] != ' '; b--)
			;
		f->device = pci_device(st, b, (size_t)(q - b));
		if (b - l->p >= 2) {
			for (p = b - 1; p > l->p && p[-1] != ' '; p--)
				;
			f->driver = iorep_strtab_intern(st, p, (size_t)(b - 1 - p));
		}
	}
	if (!f->device || !field_hex(ev, l->e, "address=", &f->iova))
		return 0;
	field_hex(ev, l->e, "flags=", &flags);
	field_hex(ev, l->e, "domain=", &domain);
	f->flags = flags & 0x20 ? FAULT_WRITE : 0;
	f->source = IOREP_KMSG_AMD;
	f->what = intern_fmt(st, "AMD-Vi IO_PAGE_FAULT, domain 0x%04x, flags 0x%04x",
			     (unsigned)domain, (unsigned)flags);
	return f->driver && f->what ? 1 : -IOREP_ENOMEM;
}

/* virtio-iommu: "virtio_iommu virtio0: page fault from EP 64 at 0xfff7000 [RW]" */
static int virtio(const struct kline *l, struct iorep_kmsg_fault *f, struct iorep_strtab *st)
{
	const char *p = find(l->p, l->e, " fault from EP "), *r, *q, *reason_end = p;
	uint64_t ep;

	if (!p)
		return 0;
	for (r = p; r > l->p && r[-1] != ' '; r--)
		;
	p += 15;
	if (!take_dec(&p, l->e, &ep) || l->e - p < 5 || memcmp(p, " at ", 4))
		return 0;
	p += 4;
	if (!take_hex(&p, l->e, &f->iova))
		return 0;
	skip_spaces(&p, l->e);
	q = p < l->e && *p == '[' ? until(p, l->e, "]") : p;
	f->flags = memchr(p, 'W', (size_t)(q - p)) ? FAULT_WRITE : 0;
	f->device = rid_device(st, ep);
	f->driver = iorep_strtab_intern(st, "", 0);
	f->source = IOREP_KMSG_VIRTIO;
	/* its reason ("page", "domain", "unknown") is the word before " fault" */
	f->what = intern_fmt(st, "virtio-iommu %.*s fault from endpoint %llu, flags [%.*s]",
			     (int)(reason_end - r), r, (unsigned long long)ep,
			     (int)(q > p ? q - p - 1 : 0), q > p ? p + 1 : p);
	return f->device && f->what ? 1 : -IOREP_ENOMEM;
}

/* An SMMUv3 event record being gathered: its header line's time and line. */
struct smmu_rec {
	bool open, timed;
	unsigned int id, n;
	uint64_t ts, line, dw[4];
};

static const char *smmu_event_name(unsigned int id)
{
	switch (id) {
	case 0x10:
		return "F_TRANSLATION";
	case 0x11:
		return "F_ADDR_SIZE";
	case 0x12:
		return "F_ACCESS";
	case 0x13:
		return "F_PERMISSION";
	default:
		return NULL;
	}
}

/*
 * Arm SMMUv3 (before 6.15): "arm-smmu-v3 NAME: event 0x10 received:", then
 * the record's four 64-bit words a line each.  Word 0: the event id (bits
 * 7:0) and the stream id (63:32); word 1 bit 35: a read; word 2: the
 * input address.  Returns 1 when @l completed an address fault into @f,
 * 2 when that fault's header line had no time.
 */
static int smmu(const struct kline *l, uint64_t line, struct smmu_rec *r,
		struct iorep_kmsg_fault *f, struct iorep_strtab *st)
{
	const char *p = find(l->p, l->e, "arm-smmu-v3 "), *q;
	uint64_t v;

	if (!p)
		return 0;
	q = find(p, l->e, ": event 0x");
	if (q) {
		q += 10;
		if (take_hex(&q, l->e, &v) && find(q, l->e, "received")) {
			*r = (struct smmu_rec){ .open = true, .timed = l->timed, .id = (unsigned)v,
						.ts = l->ts, .line = line };
		}
		return 0;
	}
	if (!r->open)
		return 0;
	q = find(p, l->e, ": ");
	if (!q)
		return 0;
	q += 2;
	skip_spaces(&q, l->e);
	if (!take_hex(&q, l->e, &v)) {
		r->open = false;
		return 0;
	}
	r->dw[r->n++] = v;
	if (r->n < 4)
		return 0;
	r->open = false;
	if (!smmu_event_name(r->id) || (r->dw[0] & 0xff) != r->id)
		return 0;
	f->ts = r->ts;
	f->line = r->line;
	f->iova = r->dw[2];
	f->flags = r->dw[1] >> 35 & 1 ? 0 : FAULT_WRITE;
	f->device = rid_device(st, r->dw[0] >> 32);
	f->driver = iorep_strtab_intern(st, "", 0);
	f->source = IOREP_KMSG_SMMUV3;
	f->what = intern_fmt(st, "SMMUv3 event 0x%02x %s, stream id 0x%llx", r->id,
			     smmu_event_name(r->id), (unsigned long long)(r->dw[0] >> 32));
	if (!f->device || !f->what)
		return -IOREP_ENOMEM;
	return r->timed ? 1 : 2;
}

/*
 * The line 6.15's SMMUv3 driver prints after an address fault's record:
 * "event: F_TRANSLATION client: 0000:00:01.0 sid: 0x8 ssid: 0x0 iova: 0x10000
 * ipa: 0x0".  Its client is the device by its own name (a platform device's
 * too), which then replaces the stream id's guess.  1 when @l is that line
 * for @f, 0 when it is not, or -IOREP_ENOMEM.
 */
static int smmu_client(const struct kline *l, struct iorep_kmsg_fault *f,
		       struct iorep_strtab *st)
{
	const char *p = find(l->p, l->e, ": event: "), *c, *ce, *q;
	uint64_t iova;

	if (!p || !find(l->p, p, "arm-smmu-v3"))
		return 0;
	c = find(p, l->e, " client: ");
	q = find(p, l->e, " iova: ");
	if (!c || !q)
		return 0;
	q += 7;
	if (!take_hex(&q, l->e, &iova) || iova != f->iova)
		return 0;
	c += 9;
	ce = until(c, l->e, " ");
	if (ce > c && *c != '(') {
		f->device = iorep_strtab_intern(st, c, (size_t)(ce - c));
		if (!f->device)
			return -IOREP_ENOMEM;
	}
	return 1;
}

static int push(struct iorep_kmsg *k, const struct iorep_kmsg_fault *f)
{
	struct iorep_kmsg_fault *last = k->n ? &k->v[k->n - 1] : NULL, *v;

	/* the next access of the same burst */
	if (last && last->device == f->device && last->flags == f->flags &&
	    last->iova >> 12 == f->iova >> 12 && f->ts >= last->last_ts &&
	    f->ts - last->last_ts <= BURST_NS) {
		last->reports++;
		last->last_ts = f->ts;
		return 0;
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;

		v = realloc(k->v, cap * sizeof(*v));
		if (!v)
			return -IOREP_ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n] = *f;
	k->v[k->n].reports = 1;
	k->v[k->n].last_ts = f->ts;
	k->n++;
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct iorep_kmsg_fault *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* A fault read: kept, or counted when it has no time. */
static int take(struct iorep_kmsg *k, const struct iorep_kmsg_fault *f, bool timed, bool *sorted)
{
	if (!f->device || !f->driver || !f->what)
		return -IOREP_ENOMEM;
	if (!timed) {
		if (!k->untimed++)
			k->first_untimed = f->line;
		return 0;
	}
	if (k->n && f->ts < k->v[k->n - 1].ts)
		*sorted = false;
	return push(k, f);
}

/* What a parse carries from line to line. */
struct kparse {
	struct smmu_rec rec;	    /* an SMMUv3 record being read */
	struct iorep_kmsg_fault pend; /* an SMMUv3 fault waiting for its client line */
	bool pending, pend_timed;
	bool sorted;		    /* the faults kept are in time order */
};

/* The line from @p to @nl (its newline, or the end of the log). */
static int parse_line(struct iorep_kmsg *k, struct kparse *ps, const char *p, const char *nl,
		      struct iorep_strtab *st)
{
	struct iorep_kmsg_fault f;
	struct kline l;
	int ret, client;

	k->lines++;
	l = (struct kline){ .p = p, .e = nl > p && nl[-1] == '\r' ? nl - 1 : nl };
	prefix(&l);
	k->timed += l.timed;
	/* an SMMUv3 record waits for the line that names its client (6.15 on) */
	if (ps->pending) {
		client = smmu_client(&l, &ps->pend, st);
		ps->pending = false;
		ret = client < 0 ? client : take(k, &ps->pend, ps->pend_timed, &ps->sorted);
		if (ret < 0 || client)
			return ret;
	}
	f = (struct iorep_kmsg_fault){ .ts = l.ts, .line = k->lines };
	ret = smmu(&l, k->lines, &ps->rec, &f, st);
	if (ret > 0) {
		ps->pend = f;
		ps->pend_timed = ret == 1;
		ps->pending = true;
		return 0;
	}
	if (!ret)
		ret = dmar(&l, &f, st);
	if (!ret)
		ret = amd(&l, &f, st);
	if (!ret)
		ret = virtio(&l, &f, st);
	if (ret > 0)
		ret = take(k, &f, l.timed, &ps->sorted);
	return ret < 0 ? ret : 0;
}

/*
 * The lines of @len bytes at @buf: each newline ends one, and bytes after
 * the last newline are a last line.
 */
static int parse_lines(struct iorep_kmsg *k, struct kparse *ps, const char *buf, size_t len,
		       struct iorep_strtab *st)
{
	const char *p = buf, *end = buf + len, *nl;
	int ret;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		ret = parse_line(k, ps, p, nl, st);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int parse_end(struct iorep_kmsg *k, struct kparse *ps)
{
	int ret;

	if (ps->pending && (ret = take(k, &ps->pend, ps->pend_timed, &ps->sorted)) < 0)
		return ret;
	if (!ps->sorted)
		qsort(k->v, k->n, sizeof(*k->v), by_time);
	return 0;
}

int iorep_kmsg_parse(struct iorep_kmsg *k, const char *buf, size_t len, struct iorep_strtab *st)
{
	struct kparse ps = { .sorted = true };
	int ret = parse_lines(k, &ps, buf, len, st);

	return ret < 0 ? ret : parse_end(k, &ps);
}

/*
 * Reads @src a chunk at a time, its whole lines parsed as they come: a log
 * of any size, in memory its faults only.  A line longer than a chunk
 * (no kernel log line is) counts as a line, and is not read.
 */
static int parse_stream(struct iorep_kmsg *k, struct iorep_bytesrc *src, struct iorep_strtab *st)
{
	struct kparse ps = { .sorted = true };
	char *buf = malloc(KMSG_CHUNK), *nl;
	size_t have = 0, used;
	bool skip = false;
	ssize_t n;
	int ret = 0;

	if (!buf)
		return -IOREP_ENOMEM;
	for (;;) {
		n = iorep_bytesrc_read(src, buf + have, KMSG_CHUNK - have);
		if (n <= 0) {
			ret = (int)n;
			if (!n && have && !skip)
				ret = parse_lines(k, &ps, buf, have, st);
			else if (!n && skip)
				k->lines++;
			break;
		}
		have += (size_t)n;
		if (skip) {
			nl = memchr(buf, '\n', have);
			if (!nl) {
				have = 0;
				continue;
			}
			k->lines++;
			skip = false;
			used = (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have - used);
			have -= used;
		}
		nl = memrchr(buf, '\n', have);
		if (!nl) {
			if (have == KMSG_CHUNK) {
				skip = true;
				have = 0;
			}
			continue;
		}
		used = (size_t)(nl + 1 - buf);
		ret = parse_lines(k, &ps, buf, used, st);
		if (ret < 0)
			break;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	free(buf);
	return ret < 0 ? ret : parse_end(k, &ps);
}

int iorep_kmsg_read_file(struct iorep_kmsg *k, const char *path, struct iorep_strtab *st,
			 uint64_t *line)
{
	struct iorep_bytesrc *src = NULL;
	int fd = -1, ret;

	*line = 0;
	ret = iorep_bytesrc_open_path(path, &fd, &src);
	if (ret == 0)
		ret = parse_stream(k, src, st);
	iorep_bytesrc_free(src);
	if (fd > STDIN_FILENO)
		close(fd);
	if (ret == 0 && !k->n && k->untimed) {
		*line = k->first_untimed;
		ret = -IOREP_EPARSE;
	}
	return ret;
}

void iorep_kmsg_release(struct iorep_kmsg *k)
{
	free(k->v);
	*k = (struct iorep_kmsg){ 0 };
}

const char *iorep_kmsg_source_name(uint32_t source)
{
	static const char *const names[] = { "DMAR", "AMD-Vi", "virtio-iommu", "SMMUv3" };

	return source < sizeof(names) / sizeof(names[0]) ? names[source] : "?";
}
