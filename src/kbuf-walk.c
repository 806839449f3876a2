// SPDX-License-Identifier: MIT
/* Walking an uncompressed trace.dat's ring-buffer pages (see kbuf-walk.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kbuffer.h>
#include <trace-cmd.h>

#include "dat-check.h"
#include "dat-option.h"
#include "iorep-error.h"
#include "kbuf-walk.h"
#include "kbuf-zdata.h"
#include "tracecmd-extra.h"

struct kbuf_cpu {
	struct kbuffer *kb;
	int cpu;	/* its number in its buffer (the top buffer's, or an instance's) */
	int buf;	/* which: 0 the top buffer, b the b-th handle or buffer opened */
	uint64_t start; /* file offset of the first page */
	uint64_t page;	/* file offset of the page loaded */
	uint64_t end;	/* end of this CPU's pages */
	void *data;	/* the current event, NULL once the CPU is done */
	unsigned long long ts;
	long long missed;
	const unsigned char *bytes; /* of the page loaded */
	struct iorep_zdata *z;	    /* compressed: its chunks, whose data starts at start */
	/* a mapped file: the next page's bytes asked for so far (prefetch_next()) */
	unsigned int ahead;
};

/* The bytes of @c's page at c->page; NULL in a chunk that cannot be decompressed. */
static const unsigned char *page_bytes(struct iorep_kbuf *k, struct kbuf_cpu *c)
{
	const unsigned char *p;
	uint64_t bad;

	if (!c->z)
		return k->map + c->page;
	bad = c->z->bad;
	p = iorep_zdata_page(c->z, c->page - c->start);
	if (c->z->bad != bad && (!k->zbad++ || c->page < k->zbad_at)) {
		k->zbad_at = c->page;
		k->zbad_file = c->z->bad_at;
		k->zbad_cpu = c->cpu;
		k->zbad_buf = c->buf;
	}
	return p;
}

/* The 4-byte word at @p, its bytes the other way round when @swap. */
static inline uint32_t word32(const unsigned char *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* ring-buffer record types (type_len), as the kernel and kbuffer number them */
enum { TYPE_PADDING = 29, TYPE_TIME_EXTEND = 30 };

bool iorep_kbuf_page_ok(const unsigned char *p, unsigned int page_size, unsigned int long_size,
			bool big_endian, bool *has_data)
{
	const unsigned char *d = p + 8 + long_size; /* the data, after the page header */
	uint64_t word = iorep_dat_num(p + 8, long_size, big_endian), commit, at, next;
	bool swap = big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	uint32_t w, type_len, len = 0;

	if (has_data)
		*has_data = false;
	if (!iorep_kbuf_commit_ok(word, page_size, long_size))
		return false;
	/* kbuffer's size: the low 27 bits; the flags above say whether events were missed */
	commit = word & ((1ULL << 27) - 1);
	for (at = 0; at + 4 <= commit; at = next) {
		w = word32(d + at, swap);
		type_len = big_endian ? w >> 27 : w & 31;
		if (type_len == 0 || type_len == TYPE_PADDING) {
			/* the length word after it, which kbuffer reads wherever it is */
			if (8 + long_size + at + 8 > page_size)
				return false;
			len = word32(d + at + 4, swap);
		}
		/*
		 * The kernel writes a length word of 8 or more (4 bytes of data
		 * at least, after the word itself); less, and kbuffer reads the
		 * record's own bytes as the next records' headers.
		 */
		if (type_len == 0 && len < 8)
			return false;
		/* kbuffer's int arithmetic, as it wraps (without the undefined behaviour) */
		if (type_len == 0) {
			next = at + 8 + (int64_t)(int32_t)((len - 4 + 3) & ~3u);
		} else if (type_len == TYPE_PADDING) {
			next = at + 4 + (int64_t)(int32_t)len;
		} else if (type_len >= TYPE_TIME_EXTEND) {
			next = at + 8;
		} else {
			next = at + 4 + 4 * type_len;
		}
		if ((int64_t)next <= (int64_t)at)
			return false;
		if (has_data && type_len < TYPE_PADDING)
			*has_data = true;
	}
	return true;
}

/*
 * Asks for the next line of @c's next page of a mapped file, one per event
 * read from this page: the hardware prefetcher does not cross into another
 * page, and the page check's first reads of each page stalled on memory
 * (perf: most of load()'s time on its first read of a record's header).
 * A page holds more events than lines.  Hints only: nothing is read, and a
 * page not mapped yet is not faulted in.
 */
static void prefetch_next(const struct iorep_kbuf *k, struct kbuf_cpu *c)
{
	if (c->ahead >= k->page_size || c->z || c->page + 2 * (uint64_t)k->page_size > c->end)
		return;
	__builtin_prefetch(k->map + c->page + k->page_size + c->ahead);
	c->ahead += 64;
}

/* Whether the page at @p can be right, and is then loaded into @kb. */
static bool load_page(const struct iorep_kbuf *k, struct kbuffer *kb, void *p)
{
	return iorep_kbuf_page_ok(p, k->page_size, k->long_size, k->big_endian, NULL) &&
	       kbuffer_load_subbuffer(kb, p) >= 0;
}

/* Loads pages of @c from @c->page on until one has an event; @c->data NULL when none is left. */
static void load(struct iorep_kbuf *k, struct kbuf_cpu *c)
{
	for (c->data = NULL; c->page + k->page_size <= c->end; c->page += k->page_size) {
		void *p = (void *)page_bytes(k, c);

		if (!p)
			continue; /* its chunk's: counted in k->zbad */
		if (!load_page(k, c->kb, p)) {
			/* a damaged page: its events are lost; the first in the file is said */
			if (!k->damaged++ || c->page < k->damaged_at) {
				k->damaged_at = c->page;
				k->damaged_cpu = c->cpu;
				k->damaged_buf = c->buf;
			}
			continue;
		}
		c->bytes = p;
		c->data = kbuffer_read_event(c->kb, &c->ts);
		if (c->data) {
			c->ahead = 0;
			c->missed = kbuffer_missed_events(c->kb);
			return;
		}
	}
}

/*
 * Whether libtracecmd's time @ts of a record is the walk's @raw plus the
 * walk's offset: the first such pair sets it, when it is not set yet.
 */
static bool same_offset(struct iorep_kbuf *k, uint64_t ts, uint64_t raw)
{
	if (!k->ts_set) {
		k->ts_offset = ts - raw;
		k->ts_set = true;
	}
	return ts - raw == k->ts_offset;
}

/*
 * Starts @c's walk at c->page, its end cut after the page of libtracecmd's
 * last record of it (at @last; 0: none) and at @limit.  Whether its first
 * record is libtracecmd's first, @first_ts at @first: the same layout, and
 * the same time but for the walk's offset.
 */
static bool start_cpu(struct iorep_kbuf *k, struct kbuf_cpu *c, uint64_t first_ts, uint64_t first,
		      uint64_t last, uint64_t limit)
{
	if (last > c->page && last < c->end)
		c->end = (last & ~(uint64_t)(k->page_size - 1)) + k->page_size;
	if (c->end > limit)
		c->end = limit;
	load(k, c);
	return c->data && c->page + (uint64_t)kbuffer_curr_offset(c->kb) == first &&
	       same_offset(k, first_ts, c->ts);
}

/*
 * The walk's own time, in *@ts, of @c's record at file offset @at of a
 * mapped file, read with @kb (not @c's, which holds its first page): false
 * when its page is not one of @c's, cannot be right, or has no record there.
 */
static bool raw_ts_at(const struct iorep_kbuf *k, const struct kbuf_cpu *c, struct kbuffer *kb,
		      uint64_t at, unsigned long long *ts)
{
	uint64_t page = at & ~(uint64_t)(k->page_size - 1);
	void *d;

	if (c->z || page < c->start || page >= c->end || page + k->page_size > k->map_size ||
	    !load_page(k, kb, (void *)(k->map + page)))
		return false;
	for (d = kbuffer_read_event(kb, ts); d; d = kbuffer_next_event(kb, ts))
		if (page + (uint64_t)kbuffer_curr_offset(kb) == at)
			return true;
	return false;
}

/* What both kinds of walk set up: 0, 1 when the walk does not apply, or -IOREP_ENOMEM. */
static int setup(struct iorep_kbuf *k, struct tracecmd_input *h, int ncpus)
{
	struct tep_handle *tep = tracecmd_get_tep(h);
	int cpu;

	k->tep = tep;
	k->long_size = tep_get_header_page_size(tep) == 4 ? 4 : 8;
	k->big_endian = tep_is_file_bigendian(tep);
	k->page_size = (unsigned int)tracecmd_page_size(h);
	k->ncpus = ncpus;
	if (k->page_size < 64 || k->page_size > 1 << 20 || (k->page_size & 7) || k->ncpus <= 0)
		return 1;
	k->cpu = calloc((size_t)k->ncpus, sizeof(*k->cpu));
	k->heap = calloc((size_t)k->ncpus, sizeof(*k->heap));
	if (!k->cpu || !k->heap)
		return -IOREP_ENOMEM;
	for (cpu = 0; cpu < k->ncpus; cpu++) {
		k->cpu[cpu].kb = tep_kbuffer(tep);
		if (!k->cpu[cpu].kb)
			return -IOREP_ENOMEM;
	}
	return 0;
}

/* The CPUs of buffer @h the walk reads: the top buffer's, or an instance's table of them. */
static int buffer_cpus(struct tracecmd_input *h, bool instance)
{
	int n = instance ? tracecmd_cpus(h) : tep_get_cpus(tracecmd_get_tep(h));

	return n < 0 ? 0 : n;
}

int iorep_kbuf_open_n(struct iorep_kbuf *k, struct tracecmd_input *const *h, int nh, int fd,
		      off_t file_size, bool offset_ok)
{
	const char *comp = NULL;
	struct tep_record *first, *last;
	struct kbuffer *scratch = NULL;
	unsigned long long last_raw;
	struct kbuf_cpu *c;
	int cpu, ret, i, n = 0;
	bool same;

	memset(k, 0, sizeof(*k));
	tracecmd_get_file_compress_proto(h[0], &comp, NULL);
	if (comp || file_size <= 0)
		return 1;
	for (i = 0; i < nh; i++) {
		if (tracecmd_page_size(h[i]) != tracecmd_page_size(h[0]))
			return 1;
		n += buffer_cpus(h[i], i > 0);
	}
	ret = setup(k, h[0], n);
	if (ret)
		goto out;
	ret = 1;
	k->map = mmap(NULL, (size_t)file_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (k->map == MAP_FAILED) {
		k->map = NULL;
		goto out;
	}
	k->map_size = (size_t)file_size;
	madvise((void *)k->map, k->map_size, MADV_SEQUENTIAL);
	/* without an offset to find, the walk's times must be libtracecmd's */
	k->ts_set = !offset_ok;
	for (c = k->cpu, i = 0; i < nh; i++) {
		for (cpu = 0; cpu < buffer_cpus(h[i], i > 0); cpu++, c++) {
			c->cpu = cpu;
			c->buf = i;
			/* an instance's table of CPUs may be shorter: read past by read_cpu_last() */
			if (i && tracecmd_get_cpu_file_size(h[i], cpu) < 0)
				continue;
			first = tracecmd_read_cpu_first(h[i], cpu);
			if (!first)
				continue; /* no events on this CPU */
			c->start = c->page = first->offset & ~(uint64_t)(k->page_size - 1);
			c->end = c->page + (uint64_t)tracecmd_get_cpu_file_size(h[i], cpu);
			last = tracecmd_read_cpu_last(h[i], cpu);
			same = start_cpu(k, c, first->ts, first->offset, last ? last->offset : 0,
					 k->map_size);
			/* an offset only if the last record shows it too: a scale would not */
			if (same && k->ts_offset) {
				if (!scratch)
					scratch = tep_kbuffer(k->tep);
				if (!scratch)
					ret = -IOREP_ENOMEM;
				same = scratch && last &&
				       raw_ts_at(k, c, scratch, last->offset, &last_raw) &&
				       same_offset(k, last->ts, last_raw);
			}
			tracecmd_free_record(last);
			tracecmd_free_record(first);
			if (!same)
				goto out;
		}
	}
	ret = 0;
out:
	if (scratch)
		kbuffer_free(scratch);
	if (ret)
		iorep_kbuf_close(k);
	return ret;
}

int iorep_kbuf_open(struct iorep_kbuf *k, struct tracecmd_input *h, int fd, off_t file_size,
		    bool offset_ok)
{
	return iorep_kbuf_open_n(k, &h, 1, fd, file_size, offset_ok);
}

/*
 * CPU @cpu of a compressed buffer, @zc, set up in @c: its data at *@base
 * in libtracecmd's numbering, moved past it.  0, 1 when its first record is
 * not libtracecmd's, or a negative IOREP_E* code.
 */
static int open_zcpu(struct iorep_kbuf *k, struct kbuf_cpu *c, const struct iorep_dat_zcpu *zc,
		     int cpu, int fd, uint64_t *base)
{
	int ret;

	c->cpu = cpu;
	if (!zc->size)
		return zc->first ? 1 : 0; /* no data, and none read by libtracecmd */
	c->z = &k->z[c - k->cpu];
	ret = iorep_zdata_open(c->z, k->comp, k->tep, fd, zc->off, zc->size, k->page_size);
	if (ret)
		return ret;
	c->start = c->page = *base;
	c->end = *base + c->z->size;
	*base = (c->end + k->page_size - 1) & ~(uint64_t)(k->page_size - 1);
	if (!zc->first) {
		c->end = c->page; /* libtracecmd reads no record of it: nor does the walk */
		return 0;
	}
	return start_cpu(k, c, zc->first_ts, zc->first, zc->last, UINT64_MAX) ? 0 : 1;
}

int iorep_kbuf_open_z(struct iorep_kbuf *k, struct tracecmd_input *h, int fd,
		      const struct iorep_dat_zcpu *zcpu, const int *nper, int nbuf)
{
	const char *name = NULL, *version = NULL;
	int cpu, ret, b, at, n = 0;
	uint64_t base;

	for (b = 0; b < nbuf; b++)
		n += nper[b];
	memset(k, 0, sizeof(*k));
	if (tracecmd_get_file_compress_proto(h, &name, &version) < 0 || !name)
		return 1;
	ret = setup(k, h, n);
	if (ret)
		goto fail;
	/* libtracecmd's last times are not known here: no offset is looked for */
	k->ts_set = true;
	k->z = calloc((size_t)n, sizeof(*k->z));
	if (!k->z) {
		ret = -IOREP_ENOMEM;
		goto fail;
	}
	k->comp = tracecmd_compress_alloc(name, version, fd, k->tep, NULL);
	ret = 1;
	if (!k->comp)
		goto fail; /* a compression this libtracecmd does not have */
	/*
	 * libtracecmd (trace-input.c, init_cpu_zpage()) gives each CPU's data
	 * the offsets after the last CPU's, rounded up to a page, from one page
	 * on: the offsets of its records, which the first and last must match.
	 */
	for (b = 0, at = 0; b < nbuf; at += nper[b++]) {
		/* each buffer's handle numbers its own CPUs' data so */
		base = k->page_size;
		for (cpu = 0; cpu < nper[b]; cpu++) {
			k->cpu[at + cpu].buf = b;
			ret = open_zcpu(k, &k->cpu[at + cpu], &zcpu[at + cpu], cpu, fd, &base);
			if (ret)
				goto fail;
		}
	}
	return 0;
fail:
	iorep_kbuf_close(k);
	return ret;
}

/* Whether @a's next event comes before @b's: the earlier, the lower CPU on a tie. */
static inline bool before(const struct kbuf_cpu *a, const struct kbuf_cpu *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a < b);
}

/*
 * Sinks k->heap[@i] below the CPUs whose events come before its own.  The
 * heap's top is the CPU whose event comes next; after each of its events
 * iorep_kbuf_next() compares it with its two children, and sinks it only
 * when one of them now comes first: 2 comparisons while its events keep
 * coming first (an operation's events are on one CPU), about 2 log2 of the
 * CPUs when it does sink.  The scan of every CPU it replaces, done at each
 * change of CPU, cost 393 instructions per event on a 64-CPU trace
 * (callgrind, 1 M events; 133 now) and 90 on 4 CPUs (100 now).
 */
static void sift_down(struct iorep_kbuf *k, int i)
{
	struct kbuf_cpu *c = k->heap[i];
	int child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= k->nheap)
			break;
		if (child + 1 < k->nheap && before(k->heap[child + 1], k->heap[child]))
			child++;
		if (!before(k->heap[child], c))
			break;
		k->heap[i] = k->heap[child];
		i = child;
	}
	k->heap[i] = c;
}

/*
 * The heap of the CPUs that have an event: before the first record (and
 * after the last, when none has one left).
 */
static void start_merge(struct iorep_kbuf *k)
{
	int cpu, i;

	k->nheap = 0;
	for (cpu = 0; cpu < k->ncpus; cpu++)
		if (k->cpu[cpu].data)
			k->heap[k->nheap++] = &k->cpu[cpu];
	for (i = k->nheap / 2 - 1; i >= 0; i--)
		sift_down(k, i);
}

/* Moves @c past the record it returned last. */
static void advance(struct iorep_kbuf *k, struct kbuf_cpu *c)
{
	c->missed = 0;
	prefetch_next(k, c);
	c->data = kbuffer_next_event(c->kb, &c->ts);
	if (!c->data) {
		c->page += k->page_size;
		load(k, c);
	}
}

int iorep_kbuf_next(struct iorep_kbuf *k, struct tep_record *rec)
{
	struct kbuf_cpu *best;
	int size;

	/* only now: a compressed CPU's next page may take the place of the last record's */
	if (k->last) {
		advance(k, k->last);
		/* it is the heap's top: to its new place, or out when it has no event left */
		if (!k->last->data)
			k->heap[0] = k->heap[--k->nheap];
		/* most often it stays on top, before both children: no sift */
		if (k->nheap > 1 && (before(k->heap[1], k->heap[0]) ||
				     (k->nheap > 2 && before(k->heap[2], k->heap[0]))))
			sift_down(k, 0);
	} else if (!k->nheap) {
		start_merge(k);
	}
	k->last = best = k->nheap ? k->heap[0] : NULL;
	if (!best)
		return 0;
	rec->data = best->data;
	/* a length word of 0 to 3 comes out negative: no payload, a damaged record */
	size = kbuffer_event_size(best->kb);
	if (size < 0)
		size = 0;
	/* a damaged length must not reach past the page (or the mapping) */
	if ((const unsigned char *)best->data + size > best->bytes + k->page_size)
		size = (int)(best->bytes + k->page_size - (const unsigned char *)best->data);
	rec->size = size;
	rec->ts = best->ts + k->ts_offset;
	rec->offset = best->page + (uint64_t)kbuffer_curr_offset(best->kb);
	rec->cpu = best->cpu;
	rec->missed_events = best->missed;
	return 1;
}

void iorep_kbuf_progress(const struct iorep_kbuf *k, uint64_t *done, uint64_t *total)
{
	int cpu;

	*done = *total = 0;
	for (cpu = 0; cpu < k->ncpus; cpu++) {
		const struct kbuf_cpu *c = &k->cpu[cpu];

		*done += (c->page < c->end ? c->page : c->end) - c->start;
		*total += c->end - c->start;
	}
}

void iorep_kbuf_close(struct iorep_kbuf *k)
{
	int cpu;

	if (k->cpu)
		for (cpu = 0; cpu < k->ncpus; cpu++) {
			if (k->cpu[cpu].kb)
				kbuffer_free(k->cpu[cpu].kb);
			if (k->cpu[cpu].z)
				iorep_zdata_close(k->cpu[cpu].z);
		}
	free(k->cpu);
	free(k->heap);
	free(k->z);
	tracecmd_compress_destroy(k->comp);
	if (k->map)
		munmap((void *)k->map, k->map_size);
	memset(k, 0, sizeof(*k));
}
