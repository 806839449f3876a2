// SPDX-License-Identifier: MIT
/*
 * The trace.dat reader, through libtracecmd and libtraceevent.
 *
 * Each iommu/dma event and each of its fields is looked up once when the
 * file is opened; the loop then reads numbers at known offsets.  Records of
 * every CPU are merged by timestamp (lowest CPU first on a tie, as
 * trace-cmd report orders them).  A record that follows dropped events
 * (record->missed_events, what libtracecmd's missed-events callback
 * reports) first yields an IOREP_EV_LOST event.  The file is opened in
 * tracecmd-open.c.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <trace-cmd.h>

#include "input-local.h"
#include "iorep-error.h"
#include "kbuf-walk.h"
#include "tep-decode.h"
#include "tracecmd-extra.h"
#include "tracecmd-reader.h"
#include "tracecmd-ksyms.h"

/* common_type, common_flags, common_preempt_count and common_pid: 8 bytes */
#define COMMON_SIZE 8

static int tracecmd_probe(const unsigned char *first, size_t len)
{
	return len >= IOREP_TRACEDAT_MAGIC_LEN &&
	       !memcmp(first, IOREP_TRACEDAT_MAGIC, IOREP_TRACEDAT_MAGIC_LEN);
}

const char *iorep_tracecmd_of_instance(const char *name, char *s, size_t len)
{
	snprintf(s, len, "%s%s", name ? " of instance " : "", name ? name : "");
	return s;
}

/*
 * libtracecmd ends a CPU's records, silently, at a page it cannot read (a
 * damaged page header): when @cpu's records end, its last record is asked
 * for, which libtracecmd finds from the end of the data; another one than
 * the last read means events were lost.  Not for a file cut short (its end
 * is zeros, and it has its own warning), nor for a CPU past those libtracecmd
 * has data of: a version 7 file's CPU count (tep_get_cpus()) is its CPUCOUNT
 * option, its data the BUFFER option's CPUs, and tracecmd_read_cpu_last()
 * reads its table of them without a bound (found by fuzz-tracedat: a file
 * without a BUFFER option, a table of none); tracecmd_get_cpu_file_size()
 * checks the bound.
 */
void iorep_tracecmd_check_cpu_end(struct iorep_input *in, struct iorep_tracecmd_reader *tr, int s)
{
	const struct iorep_tracecmd_stream *st = &tr->streams[s];
	struct tep_record *last;
	char of[128];

	if (in->stats.truncated || tracecmd_get_cpu_file_size(st->h, st->cpu) < 0)
		return;
	last = tracecmd_read_cpu_last(st->h, st->cpu);
	if (!last)
		return;
	iorep_tracecmd_of_instance(st->instance, of, sizeof(of));
	if (!tr->seen[s])
		iorep_input_damaged(in, 1, last->offset,
				    "CPU %d%s's first ring-buffer page is damaged: none of its "
				    "records can be read, up to its last",
				    st->cpu, of);
	else if (last->offset != tr->seen[s])
		iorep_input_damaged(in, 1, tr->seen[s],
				    "CPU %d%s's records stop at a damaged ring-buffer page, short of "
				    "its last record at offset %llu",
				    st->cpu, of, (unsigned long long)last->offset);
	tracecmd_free_record(last);
}

/* " of instance NAME" for the walk's buffer @buf (0: the top buffer's, ""). */
static const char *of_buffer(const struct iorep_tracecmd_reader *tr, int buf, char *s,
			     size_t len)
{
	return iorep_tracecmd_of_instance(buf > 0 && buf <= tr->ninst ? tr->inst_name[buf - 1]
								      : NULL,
					  s, len);
}

/* The kbuffer walk's damaged pages and compressed chunks, said once. */
static void damaged_pages(struct iorep_input *in, struct iorep_tracecmd_reader *tr)
{
	struct iorep_kbuf *k = &tr->kbuf;
	char of[128];

	iorep_input_damaged(in, k->damaged, k->damaged_at,
			    "a ring-buffer page of CPU %d%s whose header or records cannot be "
			    "right, read as empty",
			    k->damaged_cpu, of_buffer(tr, k->damaged_buf, of, sizeof(of)));
	k->damaged = 0;
	iorep_input_damaged(in, k->zbad, k->zbad_at,
			    "a compressed chunk of CPU %d%s that cannot be decompressed, at file "
			    "offset %llu",
			    k->zbad_cpu, of_buffer(tr, k->zbad_buf, of, sizeof(of)),
			    (unsigned long long)k->zbad_file);
	k->zbad = 0;
}

static const char *comm_of(struct iorep_input *in, struct iorep_tracecmd_reader *tr, int pid)
{
	unsigned int mask, i;
	const char *c;

	if (tr->ncomms * 2 >= tr->comms_cap) {
		unsigned int cap = tr->comms_cap ? tr->comms_cap * 2 : 256, j;
		struct iorep_pid_comm *n = malloc(cap * sizeof(*n));

		if (!n)
			return NULL;
		for (j = 0; j < cap; j++)
			n[j].pid = -1;
		for (j = 0; j < tr->comms_cap; j++) {
			if (tr->comms[j].pid < 0)
				continue;
			for (i = (unsigned int)tr->comms[j].pid * 2654435761u & (cap - 1);
			     n[i].pid >= 0; i = (i + 1) & (cap - 1))
				;
			n[i] = tr->comms[j];
		}
		free(tr->comms);
		tr->comms = n;
		tr->comms_cap = cap;
	}
	mask = tr->comms_cap - 1;
	for (i = (unsigned int)pid * 2654435761u & mask; tr->comms[i].pid >= 0; i = (i + 1) & mask)
		if (tr->comms[i].pid == pid)
			return tr->comms[i].comm;
	c = tep_data_comm_from_pid(tr->tep, pid);
	c = iorep_strtab_intern(in->st, c, strlen(c));
	if (!c)
		return NULL;
	tr->comms[i].pid = pid;
	tr->comms[i].comm = c;
	tr->ncomms++;
	return c;
}

/* The gfp name of @val, in the event's own names; cached per value. */
static const char *gfp_name(void *ctx, const struct iorep_tep_dec *dec, uint64_t val)
{
	struct iorep_input *in = ctx;
	struct iorep_tracecmd_reader *tr = in->priv;
	char buf[512];
	unsigned int i;
	const char *name;
	struct iorep_gfp_name *c;
	int n;

	for (i = 0; i < tr->ngfp; i++)
		if (tr->gfp_cache[i].value == val)
			return tr->gfp_cache[i].name;
	n = iorep_tep_gfp_format(dec->gfp_flags, val, buf, sizeof(buf));
	name = iorep_strtab_intern(in->st, buf, n);
	if (!name || tr->ngfp >= 256)
		return name;
	c = realloc(tr->gfp_cache, (tr->ngfp + 1) * sizeof(*c));
	if (!c)
		return name;
	tr->gfp_cache = c;
	c[tr->ngfp].value = val;
	c[tr->ngfp].name = name;
	tr->ngfp++;
	return name;
}

/* Makes room for @n elements in scratch array @which (0, 1: u64; 2: u32). */
static void *scratch(void *ctx, int which, uint32_t n)
{
	struct iorep_tracecmd_reader *tr = ((struct iorep_input *)ctx)->priv;
	void **p = which == 2 ? (void **)&tr->u32s : (void **)&tr->u64s[which];
	uint32_t *cap = which == 2 ? &tr->cap32 : &tr->cap64[which];
	size_t esz = which == 2 ? 4 : 8;
	void *np;

	if (n > *cap) {
		np = realloc(*p, n * esz);
		if (!np)
			return NULL;
		*p = np;
		*cap = n;
	}
	return *p;
}

static const char *intern(void *ctx, int id, const char *s, size_t len)
{
	struct iorep_input *in = ctx;
	struct iorep_tracecmd_reader *tr = in->priv;

	return iorep_strtab_intern_cached(in->st, &tr->names, s, len);
}

/*
 * Whether @ev has the fields every generation of its event has, which the
 * model relies on (the rule text-parse.c applies to a line): a record
 * without them is damaged, or too short for its format.
 */
static bool complete(const struct iorep_event *ev)
{
	switch (iorep_event_desc(ev->type)->cls) {
	case IOREP_C_MAP:
	case IOREP_C_UNMAP:
		return iorep_event_has(ev, IOREP_F_IOVA) && iorep_event_has(ev, IOREP_F_SIZE);
	case IOREP_C_GROUP_ADD:
	case IOREP_C_GROUP_REMOVE:
		return iorep_event_has(ev, IOREP_F_GID) && iorep_event_has(ev, IOREP_F_DEVICE);
	case IOREP_C_FAULT:
		return iorep_event_has(ev, IOREP_F_IOVA);
	default:
		return iorep_event_has(ev, IOREP_F_DEVICE);
	}
}

/*
 * The record's event id, as tep_data_type() reads it; -1 for a record
 * shorter than the header every event has (a length word under 4, as in the
 * zeros after a cut): libtraceevent would read its type and pid past it,
 * and it is not one of ours.
 */
static int record_type(const struct iorep_tracecmd_reader *tr, struct tep_record *rec)
{
	const struct iorep_tep_common *c = &tr->common;

	if (rec->size < COMMON_SIZE)
		return -1;
	if (!c->known || c->type_off + c->type_size > (unsigned int)rec->size)
		return tep_data_type(tr->tep, rec);
	return (int)iorep_tep_read_number((const unsigned char *)rec->data + c->type_off,
					  c->type_size, c->swap);
}

/* The record's pid, as tep_data_pid() reads it. */
static int record_pid(const struct iorep_tracecmd_reader *tr, struct tep_record *rec)
{
	const struct iorep_tep_common *c = &tr->common;

	if (!c->known || c->pid_off + c->pid_size > (unsigned int)rec->size)
		return tep_data_pid(tr->tep, rec);
	return (int)iorep_tep_read_number((const unsigned char *)rec->data + c->pid_off,
					  c->pid_size, c->swap);
}

/* One record (from libtracecmd or the kbuffer walk) -> @ev: 0, 1 when damaged, or -IOREP_E*. */
static int decode(struct iorep_input *in, struct iorep_tracecmd_reader *tr,
		  const struct iorep_tep_dec *dec, struct tep_record *rec, struct iorep_event *ev)
{
	const struct iorep_tep_sink sink = { intern, scratch, gfp_name, in };
	int ret;

	ret = iorep_tep_decode(tr->tep, dec, rec->data, (unsigned int)rec->size, ev, &sink);
	if (ret < 0)
		return ret;
	ev->ts = rec->ts;
	ev->cpu = rec->cpu;
	ev->pos = rec->offset;
	ev->pid = record_pid(tr, rec);
	if (tr->common.flags_known && tr->common.flags_off < (unsigned int)rec->size)
		ev->ctx = iorep_tep_flags_ctx(((const unsigned char *)rec->data)[tr->common.flags_off]);
	ev->comm = comm_of(in, tr, ev->pid);
	if (!ev->comm)
		return -IOREP_ENOMEM;
	return complete(ev) ? 0 : 1;
}

static void lost_event(struct iorep_event *ev, const struct tep_record *rec)
{
	iorep_event_reset(ev, IOREP_EV_LOST);
	ev->ts = rec->ts;
	ev->cpu = rec->cpu;
	ev->pos = rec->offset;
	ev->lost = rec->missed_events > 0 ? rec->missed_events : -1;
}

/* The next record of the kbuffer walk, in tr->held, or NULL at the end. */
static struct tep_record *walk_record(struct iorep_tracecmd_reader *tr)
{
	/* its other fields stay 0, as calloc() left them: nothing writes them */
	return iorep_kbuf_next(&tr->kbuf, &tr->held) ? &tr->held : NULL;
}

/*
 * libtracecmd takes an event's length from the event, unchecked: a damaged
 * one runs past its page (a buffer of page_size bytes, past the end of a
 * decompressed page).  Its header starts at record->offset within its page
 * (pages are at multiples of page_size; libtracecmd refuses others), and
 * its payload starts record_size - size bytes later: 4, or 8 for an event
 * with a length word, the only kind whose length can be damaged (and whose
 * record_size can wrap around).  The payload is cut at the page's end, as
 * the kbuffer walk cuts it.
 */
static void bound_record(const struct iorep_tracecmd_reader *tr, struct tep_record *rec)
{
	unsigned long long index, hdr = 8, room, size = rec->size < 0 ? 0 : (unsigned)rec->size;

	if (!tr->page_size)
		return;
	index = rec->offset % tr->page_size;
	if (rec->record_size >= rec->size && rec->record_size - rec->size <= 8)
		hdr = (unsigned long long)(rec->record_size - rec->size);
	room = index + hdr < tr->page_size ? tr->page_size - index - hdr : 0;
	rec->size = (int)(size < room ? size : room);
}

/* The next record of all buffers' CPUs through libtracecmd, or NULL at the end. */
static struct tep_record *libtracecmd_record(struct iorep_input *in,
					     struct iorep_tracecmd_reader *tr)
{
	struct tep_record *rec;
	int s, best = -1;

	for (s = 0; s < tr->nstreams; s++)
		if (tr->head[s] && (best < 0 || tr->head[s]->ts < tr->head[best]->ts))
			best = s;
	if (best < 0)
		return NULL;
	rec = tr->head[best];
	tr->seen[best] = rec->offset;
	bound_record(tr, rec);
	tr->head[best] = tracecmd_read_data(tr->streams[best].h, tr->streams[best].cpu);
	if (!tr->head[best])
		iorep_tracecmd_check_cpu_end(in, tr, best);
	return rec;
}

/* Done with @rec: libtracecmd's records are freed, the walk's live in tr->held. */
static void release(struct iorep_tracecmd_reader *tr, struct tep_record *rec)
{
	if (!tr->fast)
		tracecmd_free_record(rec);
}

/*
 * libtracecmd 1.3.1 may stop early on a CPU whose data passes 2 GiB, silently
 * (its mmap window size overflows an int; it ends up mapping page by page
 * until vm.max_map_count refuses).
 * The kbuffer walk has no such limit; when records came through libtracecmd
 * (compressed data), a CPU that large may have been cut: say so, and the
 * findings become suspected, as with any input cut short.
 */
static void check_2gib(struct iorep_input *in, struct iorep_tracecmd_reader *tr)
{
	long long size;
	int s;

	for (s = 0; s < tr->nstreams; s++) {
		size = (long long)tracecmd_get_cpu_file_size(tr->streams[s].h, tr->streams[s].cpu);
		if (size > (1LL << 31)) {
			iorep_input_truncated(in, (unsigned long long)tr->file_size,
					      "CPU %d holds %.1f GiB of data, and libtracecmd may stop "
					      "early on a CPU past 2 GiB: later events may be missing "
					      "(an uncompressed trace.dat is read whole)",
					      tr->streams[s].cpu, (double)size / (1 << 30));
			return;
		}
	}
}

static int tracecmd_next(struct iorep_input *in, struct iorep_event *ev)
{
	struct iorep_tracecmd_reader *tr = in->priv;
	struct tep_record *rec;
	int id, ret;

	for (;;) {
		if (tr->pending) {
			/* the record held back behind its drop marker */
			rec = tr->pending;
			tr->pending = NULL;
		} else {
			rec = tr->fast ? walk_record(tr) : libtracecmd_record(in, tr);
			if (!rec) {
				if (!tr->fast)
					check_2gib(in, tr);
				else
					damaged_pages(in, tr);
				return 0;
			}
			in->stats.records++;
			if (rec->missed_events) {
				lost_event(ev, rec);
				tr->pending = rec;
				return 1;
			}
		}
		id = record_type(tr, rec);
		if (id >= 0 && id == tr->stack_id) {
			/* an event of another system in the statistics, as it was read */
			in->stats.other_events++;
			ret = iorep_tracecmd_stack(in, tr, rec, ev);
			ev->pid = record_pid(tr, rec);
			release(tr, rec);
			return ret < 0 ? ret : 1;
		}
		if (id < 0 || id > tr->max_id || tr->by_id[id] < 0) {
			in->stats.other_events++;
			iorep_stack_owner_other(&in->owners, rec->cpu);
			release(tr, rec);
			continue;
		}
		ret = decode(in, tr, &tr->decs[tr->by_id[id]], rec, ev);
		if (ret == 1)
			iorep_input_damaged(in, 1, rec->offset,
					    "a record of %s without the fields every one has",
					    iorep_event_desc(ev->type)->name);
		release(tr, rec);
		if (ret == 1)
			continue;
		return ret < 0 ? ret : 1;
	}
}

static void tracecmd_close_reader(struct iorep_input *in)
{
	struct iorep_tracecmd_reader *tr = in->priv;
	int s;

	if (!tr)
		return;
	if (tr->pending)
		release(tr, tr->pending);
	iorep_kbuf_close(&tr->kbuf);
	if (tr->head)
		for (s = 0; s < tr->nstreams; s++)
			if (tr->head[s])
				tracecmd_free_record(tr->head[s]);
	iorep_tracecmd_close_instances(tr);
	if (tr->handle) {
		iorep_tracecmd_ksyms_free(tr->handle);
		tracecmd_close(tr->handle);
	}
	if (tr->fd >= 0)
		close(tr->fd);
	free(tr->head);
	free(tr->seen);
	free(tr->streams);
	free(tr->zcpu);
	free(tr->by_id);
	free(tr->comms);
	free(tr->gfp_cache);
	free(tr->u64s[0]);
	free(tr->u64s[1]);
	free(tr->u32s);
	free(tr);
	in->priv = NULL;
}

static void tracecmd_progress(const struct iorep_input *in, uint64_t *done, uint64_t *total)
{
	const struct iorep_tracecmd_reader *tr = in->priv;

	if (tr->fast)
		iorep_kbuf_progress(&tr->kbuf, done, total);
}

const struct iorep_input_ops iorep_input_tracecmd_ops = {
	.name = "trace.dat",
	.probe = tracecmd_probe,
	.open = iorep_tracecmd_open,
	.next = tracecmd_next,
	.close = tracecmd_close_reader,
	.progress = tracecmd_progress,
};
