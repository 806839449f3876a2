// SPDX-License-Identifier: MIT
/* Walking an uncompressed trace.dat's ring-buffer pages (see kbuf-walk.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kbuffer.h>
#include <trace-cmd.h>

#include "iorep-error.h"
#include "kbuf-walk.h"
#include "tracecmd-extra.h"

struct kbuf_cpu {
	struct kbuffer *kb;
	uint64_t start; /* file offset of the first page */
	uint64_t page;	/* file offset of the page loaded */
	uint64_t end;	/* end of this CPU's pages */
	void *data;	/* the current event, NULL once the CPU is done */
	unsigned long long ts;
	long long missed;
};

/* The commit word of the page at @p: the bytes of data it holds, or -1 when it cannot be one. */
static int page_commit(const struct iorep_kbuf *k, const void *p)
{
	unsigned long long word = tep_read_number(k->tep, (const char *)p + 8, k->long_size);

	if (!iorep_kbuf_commit_ok(word, k->page_size, k->long_size))
		return -1;
	return (int)(word & ((1ULL << 27) - 1)); /* the flag bits above: missed events */
}

/* Loads pages of @c from @c->page on until one has an event; @c->data NULL when none is left. */
static void load(struct iorep_kbuf *k, struct kbuf_cpu *c)
{
	for (c->data = NULL; c->page + k->page_size <= c->end; c->page += k->page_size) {
		void *p = (void *)(k->map + c->page);

		if (page_commit(k, p) < 0 || kbuffer_load_subbuffer(c->kb, p) < 0) {
			/* a damaged page: its events cannot be found */
			if (!k->damaged++) {
				k->damaged_at = c->page;
				k->damaged_cpu = (int)(c - k->cpu);
			}
			continue;
		}
		c->data = kbuffer_read_event(c->kb, &c->ts);
		if (c->data) {
			c->missed = kbuffer_missed_events(c->kb);
			return;
		}
	}
}

int iorep_kbuf_open(struct iorep_kbuf *k, struct tracecmd_input *h, int fd, off_t file_size)
{
	struct tep_handle *tep = tracecmd_get_tep(h);
	const char *comp = NULL;
	struct tep_record *first, *last;
	struct kbuf_cpu *c;
	uint64_t size;
	int cpu, ret = 1;

	memset(k, 0, sizeof(*k));
	tracecmd_get_file_compress_proto(h, &comp, NULL);
	k->tep = tep;
	k->long_size = tep_get_header_page_size(tep) == 4 ? 4 : 8;
	k->page_size = (unsigned int)tracecmd_page_size(h);
	k->ncpus = tep_get_cpus(tep);
	if (comp || k->page_size < 64 || k->page_size > 1 << 20 || (k->page_size & 7) ||
	    k->ncpus <= 0 || file_size <= 0)
		return 1;
	k->map = mmap(NULL, (size_t)file_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (k->map == MAP_FAILED) {
		k->map = NULL;
		return 1;
	}
	k->map_size = (size_t)file_size;
	madvise((void *)k->map, k->map_size, MADV_SEQUENTIAL);
	k->cpu = calloc((size_t)k->ncpus, sizeof(*k->cpu));
	if (!k->cpu) {
		ret = -IOREP_ENOMEM;
		goto fail;
	}
	for (cpu = 0; cpu < k->ncpus; cpu++) {
		c = &k->cpu[cpu];
		c->kb = tep_kbuffer(tep);
		if (!c->kb) {
			ret = -IOREP_ENOMEM;
			goto fail;
		}
		first = tracecmd_read_cpu_first(h, cpu);
		if (!first)
			continue; /* no events on this CPU */
		c->start = c->page = first->offset & ~(uint64_t)(k->page_size - 1);
		size = (uint64_t)tracecmd_get_cpu_file_size(h, cpu);
		c->end = c->page + size;
		last = tracecmd_read_cpu_last(h, cpu);
		if (last && last->offset > c->page && last->offset < c->end)
			c->end = (last->offset & ~(uint64_t)(k->page_size - 1)) + k->page_size;
		if (last)
			tracecmd_free_record(last);
		if (c->end > k->map_size)
			c->end = k->map_size;
		load(k, c);
		/* The same first record as libtracecmd, at the same time: nothing is converted. */
		if (!c->data || c->ts != first->ts ||
		    c->page + (uint64_t)kbuffer_curr_offset(c->kb) != first->offset) {
			tracecmd_free_record(first);
			goto fail;
		}
		tracecmd_free_record(first);
	}
	return 0;
fail:
	iorep_kbuf_close(k);
	return ret;
}

/*
 * The CPU whose event comes next: the earliest, the lowest CPU on a tie.
 * A full scan also notes, in k->run_lt and k->run_le, the earliest time of
 * the other CPUs below and above the one it picks; while that CPU's next
 * event is before the first and not after the second, it is still the one
 * a scan would pick (the others have not moved), so a run of one CPU's
 * events costs one scan of every CPU, not one per event.  Events come in
 * such runs (an operation's events are on one CPU), and a trace of a big
 * machine has many CPUs to scan.
 */
static struct kbuf_cpu *next_cpu(struct iorep_kbuf *k)
{
	struct kbuf_cpu *c, *best = k->run;
	unsigned long long lt = ~0ULL, le = ~0ULL;
	int cpu;

	if (best && best->data && best->ts < k->run_lt && best->ts <= k->run_le)
		return best;
	best = NULL;
	for (cpu = 0; cpu < k->ncpus; cpu++) {
		c = &k->cpu[cpu];
		if (!c->data)
			continue;
		if (!best || c->ts < best->ts) {
			/* the CPUs below the new pick: none is earlier than the last pick */
			if (best)
				lt = best->ts;
			le = ~0ULL;
			best = c;
		} else if (c->ts < le) {
			le = c->ts;
		}
	}
	k->run = best;
	k->run_lt = lt;
	k->run_le = le;
	return best;
}

int iorep_kbuf_next(struct iorep_kbuf *k, struct iorep_kbuf_rec *r)
{
	struct kbuf_cpu *best = next_cpu(k);
	int size;

	if (!best)
		return 0;
	r->data = best->data;
	/* a length word of 0 to 3 comes out negative: no payload, a damaged record */
	size = kbuffer_event_size(best->kb);
	r->size = size < 0 ? 0 : (unsigned int)size;
	/* a damaged length must not reach past the page (or the mapping) */
	if ((const unsigned char *)r->data + r->size > k->map + best->page + k->page_size)
		r->size = (unsigned int)(k->map + best->page + k->page_size -
					 (const unsigned char *)r->data);
	r->ts = best->ts;
	r->offset = best->page + (uint64_t)kbuffer_curr_offset(best->kb);
	r->cpu = (int)(best - k->cpu);
	r->missed = best->missed;
	best->missed = 0;
	best->data = kbuffer_next_event(best->kb, &best->ts);
	if (!best->data) {
		best->page += k->page_size;
		load(k, best);
	}
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
		for (cpu = 0; cpu < k->ncpus; cpu++)
			if (k->cpu[cpu].kb)
				kbuffer_free(k->cpu[cpu].kb);
	free(k->cpu);
	if (k->map)
		munmap((void *)k->map, k->map_size);
	memset(k, 0, sizeof(*k));
}
