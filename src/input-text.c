// SPDX-License-Identifier: MIT
/*
 * The text reader: splits the (decompressed) stream into lines, has them
 * parsed a batch at a time (text-batch.h: on several threads when the input
 * is read ahead), and takes the results in order.  A drop marker is passed
 * on just before the next event line, with that line's timestamp, as
 * trace-cmd attaches it to the next record.
 *
 * Damage is counted, never fatal: a line longer than TEXT_MAX_LINE is
 * skipped, and it, an iommu/dma event line that is not whole and any other
 * line not understood in ftrace text are bad lines (counted, the first
 * numbers kept).  Where an event was lost with a bad line (the line names
 * an iommu or dma event), the reader passes on a gap: a drop marker of
 * count 0, after which the model only suspects.  A last line without its
 * newline is where the file was cut short.  The trace file's header says
 * how many events the ring buffer overwrote before the trace starts: a
 * drop marker of that count, for no one CPU, comes first.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytesrc.h"
#include "input-local.h"
#include "iorep-error.h"
#include "iorep-textparse.h"
#include "text-batch.h"

/* a batch (text-batch.h) ends where the buffer does: 8,192 lines of 150 bytes fit */
#define TEXT_BUF (2 * 1024 * 1024)
#define TEXT_MAX_LINE (64 * 1024)

struct text_reader {
	int fd;
	struct iorep_bytesrc *bs;
	/*
	 * The lines read and parsed (text-batch.h): the batch being taken
	 * (slot cur) and the one after it (slot 1 - cur, if pending), or the
	 * end (end_ret) once the lines run out.
	 */
	struct iorep_text_batches tb;
	bool tb_set, pending;
	int cur, end_ret;
	/*
	 * Two buffers take turns, so that reading on leaves the lines of the
	 * batch being taken where they are.
	 */
	char *buf, *other;
	size_t cap;		/* of buf: above TEXT_MAX_LINE */
	size_t start, end;	/* unconsumed bytes: buf[start, end) */
	int eof;
	uint64_t line_nr; /* lines read */
	uint64_t cur_nr;  /* the line being taken */
	/* what the header lines taken so far say (see struct iorep_textparse) */
	int cpus_header;
	uint64_t overrun;
	/* a drop marker (or gap, of count 0) waiting for the next event line */
	int lost_pending;
	struct iorep_event lost;
	/* an event line read while a drop marker was waiting */
	int stash_pending;
	struct iorep_event stash;
	uint64_t file_size;	/* a regular file's size, else 0 */
	int saw_events;	/* event-shaped lines, of any system */
	int perf_form;	/* the text is perf script's: 1, ftrace's or dmesg: 0, no line says yet: -1 */
	int unknown_lines;
	/* lines not understood before the first event line: bad if the text is ftrace's */
	uint64_t early_bad;
	uint64_t early_bad_nr[IOREP_MAX_BAD_LINES];
	/* the header's overwritten events: reported (1), and those markers may still claim */
	int overrun_seen;
	uint64_t overrun_left;
	/* a stack trace whose frames are being taken: its event, and them */
	bool stack_open;
	struct iorep_event stack;
	struct iorep_stack_build frames;
	/* the last line was a perf sample's, of this task (perf script -g: its call chain follows) */
	bool after_event;
	struct {
		int32_t cpu, pid;
		uint64_t ts;
		const char *comm;
	} sample;
};

static int text_probe(const unsigned char *first, size_t len)
{
	(void)first;
	(void)len;
	return 1;
}

static int text_open(struct iorep_input *in, struct iorep_input_src *src)
{
	struct text_reader *tr = calloc(1, sizeof(*tr));
	struct stat sb;

	if (!tr) {
		iorep_bytesrc_free(src->bs);
		close(src->fd);
		return -IOREP_ENOMEM;
	}
	tr->fd = src->fd;
	tr->bs = src->bs;
	tr->perf_form = -1;
	if (fstat(src->fd, &sb) == 0 && S_ISREG(sb.st_mode))
		tr->file_size = (uint64_t)sb.st_size;
	in->priv = tr;
	/*
	 * A small file gets a buffer of its size, not TEXT_BUF (each costs a
	 * mapping under a sanitizer); any size above TEXT_MAX_LINE reads the
	 * same lines, so a file that grows as it is read is still read whole.
	 */
	tr->cap = TEXT_BUF;
	if (src->regular && tr->file_size < TEXT_BUF)
		tr->cap = tr->file_size > TEXT_MAX_LINE ? tr->file_size + 1 : TEXT_MAX_LINE + 1;
	if (tr->cap < src->firstlen)
		tr->cap = src->firstlen;
	tr->buf = malloc(tr->cap);
	if (!tr->buf)
		return -IOREP_ENOMEM;
	memcpy(tr->buf, src->first, src->firstlen);
	tr->end = src->firstlen;
	in->info.variant = "ftrace text";
	in->info.pos_unit = "line";
	in->stats.reader = "text";
	return 0;
}

/*
 * Reads on in the other buffer, from the unconsumed bytes: the lines before
 * them stay where they are for the batch being taken (the one before it was
 * taken whole, so the other buffer is free).
 */
static int turn_buffer(struct text_reader *tr)
{
	char *b = tr->other;

	if (!b) {
		b = malloc(tr->cap);
		if (!b)
			return -IOREP_ENOMEM;
	}
	memcpy(b, tr->buf + tr->start, tr->end - tr->start);
	tr->other = tr->buf;
	tr->buf = b;
	tr->end -= tr->start;
	tr->start = 0;
	return 0;
}

/*
 * Returns the next line in *@line / *@len (no newline), 1; 0 at the end; or
 * a negative code.  *@overlong is set for a line that was skipped for its
 * length, *@cut for a last line that has no newline.  Unless @may_refill,
 * the lines returned before stay where they are: 2 instead of reading on.
 */
static int text_getline(struct iorep_input *in, struct text_reader *tr, const char **line,
			size_t *len, int *overlong, int *cut, bool may_refill)
{
	char *nl;
	ssize_t n;

	*overlong = 0;
	*cut = 0;
	for (;;) {
		nl = memchr(tr->buf + tr->start, '\n', tr->end - tr->start);
		if (nl) {
			*line = tr->buf + tr->start;
			*len = nl - *line;
			tr->start = nl + 1 - tr->buf;
			tr->line_nr++;
			return 1;
		}
		if (tr->eof) {
			if (tr->start == tr->end)
				return 0;
			*line = tr->buf + tr->start;	/* last line, no newline */
			*len = tr->end - tr->start;
			tr->start = tr->end;
			tr->line_nr++;
			*cut = 1;
			return 1;
		}
		if (!may_refill)
			return 2;
		/* the batch being taken may hold the lines before start */
		if (tr->start > 0 && turn_buffer(tr) < 0)
			return iorep_input_error(in, -IOREP_ENOMEM, "%s",
						 iorep_strerror(-IOREP_ENOMEM));
		if (tr->end - tr->start >= TEXT_MAX_LINE) {
			/* skip to the end of this line, whatever its length */
			*overlong = 1;
			tr->start = tr->end = 0;
			for (;;) {
				n = iorep_bytesrc_read(tr->bs, tr->buf, tr->cap);
				if (n <= 0) {
					tr->eof = 1;
					if (n < 0)
						goto read_error;
					break;
				}
				nl = memchr(tr->buf, '\n', n);
				if (nl) {
					tr->start = nl + 1 - tr->buf;
					tr->end = n;
					break;
				}
			}
			tr->line_nr++;
			*line = NULL;
			*len = 0;
			return 1;
		}
		n = iorep_bytesrc_read(tr->bs, tr->buf + tr->end, tr->cap - tr->end);
		if (n < 0)
			goto read_error;
		if (n == 0)
			tr->eof = 1;
		tr->end += n;
	}
read_error:
	tr->eof = 1;
	if (n == -IOREP_ETRUNCATED || n == -IOREP_EDECOMPRESS) {
		/* a compressed log cut short: keep what was read */
		iorep_input_truncated(in, tr->line_nr + 1, "%s", iorep_strerror((int)n));
		tr->start = tr->end;
		return 0;
	}
	return iorep_input_error(in, (int)n, "read error after line %llu",
				 (unsigned long long)tr->line_nr);
}

/*
 * How many threads parse lines: IOREP_TEXT_PARSERS if set; else, when the
 * input is read ahead on a thread of its own, one per CPU this process may
 * run on (text-batch.h caps it); else this thread alone.
 */
static int text_parsers(const struct iorep_input *in)
{
	const char *env = getenv("IOREP_TEXT_PARSERS");
	cpu_set_t cpus;

	if (env && *env)
		return atoi(env);
	if (!in->ahead || sched_getaffinity(0, sizeof(cpus), &cpus))
		return 1;
	return CPU_COUNT(&cpus);
}

/*
 * Collects the complete lines the buffer holds (reading first when it holds
 * none) in slot @slot and posts them.  Returns 1, 0 at the end, or a
 * negative code.
 */
static int read_batch(struct iorep_input *in, struct text_reader *tr, int slot)
{
	struct iorep_text_batches *tb = &tr->tb;
	const char *line = NULL;
	int ret, overlong, cut;
	size_t len = 0;

	iorep_text_slot_reset(tb, slot);
	for (;;) {
		ret = text_getline(in, tr, &line, &len, &overlong, &cut, tb->slot[slot].n == 0);
		if (ret != 1)
			break;
		iorep_text_slot_add(tb, slot, overlong ? NULL : line, len, tr->line_nr, overlong,
				    cut);
		if (cut || tb->slot[slot].n == IOREP_TEXT_BATCH_LINES)
			break;
	}
	if (!tb->slot[slot].n)
		return ret;
	iorep_text_post(tb, slot);
	return 1;
}

/*
 * The next line read and parsed, or NULL: the end (*@ret 0) or an error
 * (*@ret < 0), once every line before it was taken.
 */
static const struct iorep_text_line *next_line(struct iorep_input *in, struct text_reader *tr,
					       int *ret)
{
	struct iorep_text_batches *tb = &tr->tb;
	struct iorep_text_slot *sl = &tb->slot[tr->cur];

	if (!tr->tb_set) {
		tr->tb_set = true;
		tr->end_ret = iorep_text_batches_init(tb, in->st, text_parsers(in));
		if (tr->end_ret < 0) {
			*ret = iorep_input_error(in, tr->end_ret, "%s",
						 iorep_strerror(tr->end_ret));
			return NULL;
		}
		tr->cur = 1;
		tr->end_ret = read_batch(in, tr, 0);
		tr->pending = tr->end_ret > 0;
		sl = &tb->slot[tr->cur];
	}
	if (sl->next == sl->n) {
		if (!tr->pending) {
			*ret = tr->end_ret;
			return NULL;
		}
		/* the pending batch is taken next, while the one after it is parsed */
		tr->cur = 1 - tr->cur;
		sl = &tb->slot[tr->cur];
		tr->end_ret = read_batch(in, tr, 1 - tr->cur);
		tr->pending = tr->end_ret > 0;
		iorep_text_wait(tb, tr->cur);
	}
	return &sl->lines[sl->next++];
}

static void note_bad_line(struct iorep_input *in, uint64_t nr)
{
	struct iorep_input_stats *s = &in->stats;

	if (s->bad_lines < IOREP_MAX_BAD_LINES)
		s->bad_line_nr[s->bad_lines] = nr;
	s->bad_lines++;
}

static int is_comment(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && line[i] == '#';
}

/*
 * Whether @ev came from a kernel log (dmesg, tp_printk): its line names no
 * task, or only the caller's id ("[  T191]", CONFIG_PRINTK_CALLER), no comm.
 * ftrace, trace-cmd and perf always print a comm ("<...>" when unknown).
 */
static bool from_kernel_log(const struct iorep_event *ev)
{
	return ev->pid < 0 || (ev->comm && !ev->comm[0]);
}

/* The first event line is ftrace's (not dmesg's): what came before it not understood is bad. */
static void first_event_line(struct iorep_input *in, struct text_reader *tr, int ftrace)
{
	uint64_t i;

	if (tr->saw_events)
		return;
	tr->saw_events = 1;
	for (i = 0; ftrace && i < tr->early_bad; i++) {
		if (i < IOREP_MAX_BAD_LINES)
			note_bad_line(in, tr->early_bad_nr[i]);
		else
			in->stats.bad_lines++;
	}
}

/*
 * Queues drop marker @m (lost: a count, -1 unknown, 0 a gap: events lost
 * with a bad line, not by the ring buffer).  Markers waiting together merge
 * when nothing is lost by it (a gap into any marker, counts of one CPU);
 * otherwise the waiting one must go first: it is copied to *@out, with the
 * time of the last event, and 1 returned.
 */
static int queue_lost(struct iorep_input *in, struct text_reader *tr, struct iorep_event m,
		      struct iorep_event *out)
{
	struct iorep_event *p = &tr->lost;
	uint64_t take;

	/* drops the header already counted, the gen-trace way of marking where */
	if (m.lost > 0 && tr->overrun_left) {
		take = (uint64_t)m.lost < tr->overrun_left ? (uint64_t)m.lost : tr->overrun_left;
		tr->overrun_left -= take;
		m.lost -= (int64_t)take;
	}
	if (!tr->lost_pending) {
		*p = m;
		tr->lost_pending = 1;
		return 0;
	}
	if (m.lost == 0) {
		if (p->cpu < 0)
			p->cpu = m.cpu;
		return 0;
	}
	if (p->lost == 0 || (p->cpu == m.cpu && p->lost > 0 && m.lost > 0)) {
		if (p->lost == 0 || m.lost < 0)
			p->lost = m.lost;
		else
			p->lost += m.lost;
		p->cpu = m.cpu;
		return 0;
	}
	*out = *p;
	out->ts = in->stats.last_ts;
	*p = m;
	return 1;
}

/* Queues a gap of @cpu at the current line; as queue_lost(). */
static int queue_gap(struct iorep_input *in, struct text_reader *tr, int32_t cpu,
		     struct iorep_event *out)
{
	struct iorep_event m;

	iorep_event_reset(&m, IOREP_EV_LOST);
	m.cpu = cpu;
	m.lost = 0;
	m.pos = tr->cur_nr;
	if (!in->stats.first_lost_line)
		in->stats.first_lost_line = tr->cur_nr;
	return queue_lost(in, tr, m, out);
}

/* The last line has no newline: the file was cut in it.  Drop markers still count. */
static int cut_line(struct iorep_input *in, struct text_reader *tr, int kind,
		    struct iorep_event *ev)
{
	if (kind == IOREP_LINE_META)
		return 0;
	iorep_input_truncated(in, tr->cur_nr, "the last line is cut short");
	if (kind != IOREP_LINE_LOST)
		return 0;
	ev->pos = tr->cur_nr;
	return queue_lost(in, tr, *ev, ev);
}

/* A stack trace of task @pid on @cpu at @ts begins at the current line: its frames follow. */
static void start_stack(struct text_reader *tr, int32_t cpu, int32_t pid, uint64_t ts,
			const char *comm)
{
	tr->stack_open = true;
	iorep_event_reset(&tr->stack, IOREP_EV_STACK);
	tr->stack.cpu = cpu;
	tr->stack.pid = pid;
	tr->stack.ts = ts;
	tr->stack.comm = comm;
	tr->stack.pos = tr->cur_nr;
	iorep_stack_build_start(&tr->frames);
}

/* A stack trace's event line @l: its frames follow, the first on it with trace-cmd report -N. */
static void open_stack(struct text_reader *tr, const struct iorep_text_line *l)
{
	static const char tag[] = "kernel_stack:";
	const char *p = memmem(l->p, l->len, tag, sizeof(tag) - 1), *arrow, *name;
	size_t n;

	start_stack(tr, l->ev.cpu, l->ev.pid, l->ev.ts, l->ev.comm);
	if (!p)
		return;
	p += sizeof(tag) - 1;
	arrow = memmem(p, l->len - (size_t)(p - l->p), "=>", 2);
	if (arrow) {
		n = iorep_stack_frame_name(arrow, l->len - (size_t)(arrow - l->p), &name);
		iorep_stack_build_frame(&tr->frames, name, n);
	}
}

/* The stack trace whose frames have all been taken, into @ev. */
static int close_stack(struct iorep_input *in, struct text_reader *tr, struct iorep_event *ev)
{
	int ret;

	tr->stack_open = false;
	*ev = tr->stack;
	ret = iorep_stack_build_intern(&tr->frames, in->st, &ev->stack);
	return ret < 0 ? iorep_input_error(in, ret, "%s", iorep_strerror(ret)) : 1;
}

static int text_next(struct iorep_input *in, struct iorep_event *ev)
{
	struct text_reader *tr = in->priv;
	const struct iorep_text_line *l;
	int ret;

	if (tr->stash_pending) {
		tr->stash_pending = 0;
		*ev = tr->stash;
		return 1;
	}
	for (;;) {
		l = next_line(in, tr, &ret);
		if (tr->stack_open && (!l || l->kind != IOREP_LINE_FRAME)) {
			/* the line after the last frame is taken again, on the next call */
			if (l)
				tr->tb.slot[tr->cur].next--;
			return close_stack(in, tr, ev);
		}
		if (!l) {
			if (ret < 0)
				return ret;
			break;
		}
		tr->cur_nr = l->nr;
		in->stats.lines++;
		if (l->overlong) {
			if (tr->saw_events)
				note_bad_line(in, tr->cur_nr);
			else if (tr->early_bad++ < IOREP_MAX_BAD_LINES)
				tr->early_bad_nr[tr->early_bad - 1] = tr->cur_nr;
			continue;
		}
		ret = l->kind;
		if (ret < 0)
			return iorep_input_error(in, ret, "line %llu: %s",
						 (unsigned long long)tr->cur_nr,
						 iorep_strerror(ret));
		/*
		 * The form its first line with a task or a drop has names the
		 * text.  A line of the other is still read, each by its own:
		 * were it damage instead, a first line damaged into the other
		 * form would lose every line after it.
		 */
		if (ret != IOREP_LINE_META && ret != IOREP_LINE_UNKNOWN && tr->perf_form < 0)
			tr->perf_form = l->perf;
		if (l->cpus_header >= 0)
			tr->cpus_header = l->cpus_header;
		if (l->overrun)
			tr->overrun = l->overrun;
		*ev = l->ev;
		if ((ret == IOREP_LINE_EVENT || ret == IOREP_LINE_BAD || ret == IOREP_LINE_LOST) &&
		    ev->cpu > IOREP_INPUT_MAX_CPU) {
			/* no such CPU: a damaged line; a drop marker still tells of a drop */
			ev->cpu = -1;
			if (ret == IOREP_LINE_EVENT)
				ret = IOREP_LINE_BAD;
		}
		if (l->cut) {
			if (cut_line(in, tr, ret, ev))
				return 1;
			if (ret != IOREP_LINE_META)
				continue;
		}
		if (ret != IOREP_LINE_FRAME) {
			/* only perf's samples have their call chain under them */
			tr->after_event = l->perf && (ret == IOREP_LINE_EVENT ||
						      ret == IOREP_LINE_OTHER_EVENT);
			if (tr->after_event) {
				tr->sample.cpu = ev->cpu;
				tr->sample.pid = ev->pid;
				tr->sample.ts = ev->ts;
				tr->sample.comm = ev->comm;
			}
		}
		switch (ret) {
		case IOREP_LINE_META:
			if (tr->overrun && !tr->overrun_seen) {
				/* the oldest events were overwritten: before the first one here */
				struct iorep_event m;

				iorep_event_reset(&m, IOREP_EV_LOST);
				m.lost = (int64_t)(tr->overrun & INT64_MAX);
				m.pos = tr->cur_nr;
				tr->overrun_seen = 1;
				ret = queue_lost(in, tr, m, ev);
				tr->overrun_left = (uint64_t)m.lost;
				if (ret)
					return 1;
			}
			continue;
		case IOREP_LINE_UNKNOWN:
			tr->unknown_lines++;
			if (!tr->saw_events) {
				if (tr->early_bad++ < IOREP_MAX_BAD_LINES)
					tr->early_bad_nr[tr->early_bad - 1] = tr->cur_nr;
				continue;
			}
			/* dmesg and mail bodies carry other text; only ftrace text is strict */
			if (in->info.variant != NULL && strcmp(in->info.variant, "dmesg") != 0) {
				note_bad_line(in, tr->cur_nr);
				if (iorep_textparse_names_event(l->p, l->len) &&
				    queue_gap(in, tr, -1, ev))
					return 1;
			}
			continue;
		case IOREP_LINE_BAD:
			first_event_line(in, tr, !from_kernel_log(ev));
			in->stats.records++;
			note_bad_line(in, tr->cur_nr);
			if (queue_gap(in, tr, ev->cpu, ev))
				return 1;
			continue;
		case IOREP_LINE_LOST:
			/* a CPU's start in a trace file whose header counted the overrun */
			if (ev->lost < 0 && tr->overrun_seen && is_comment(l->p, l->len))
				ev->lost = 0;
			ev->pos = tr->cur_nr;
			if (queue_lost(in, tr, *ev, ev))
				return 1;
			continue;
		case IOREP_LINE_FRAME:
			/* perf script -g: the stack of the sample right above */
			if (!tr->stack_open && tr->after_event &&
			    iorep_stack_frame_is_perf(l->p, l->len))
				start_stack(tr, tr->sample.cpu, tr->sample.pid, tr->sample.ts,
					    tr->sample.comm);
			if (tr->stack_open) {
				const char *name;
				size_t n = iorep_stack_frame_name(l->p, l->len, &name);

				iorep_stack_build_frame(&tr->frames, name, n);
			}
			continue;
		case IOREP_LINE_STACK:
		case IOREP_LINE_OTHER_EVENT:
			/* a stack trace: an event of another system in the statistics */
			if (ret == IOREP_LINE_STACK)
				open_stack(tr, l);
			else
				iorep_stack_owner_other(&in->owners, ev->cpu);
			first_event_line(in, tr, 1);
			in->stats.records++;
			in->stats.other_events++;
			if (tr->lost_pending) {
				tr->lost_pending = 0;
				tr->lost.ts = ev->ts;
				*ev = tr->lost;
				return 1;
			}
			continue;
		case IOREP_LINE_EVENT:
		default:
			break;
		}
		first_event_line(in, tr, !from_kernel_log(ev));
		in->stats.records++;
		ev->pos = tr->cur_nr;
		if (from_kernel_log(ev))
			in->info.variant = "dmesg";
		else if (tr->cpus_header)
			in->info.variant = "trace-cmd report";
		else if (tr->perf_form == 1)
			in->info.variant = "perf script";
		if (tr->lost_pending) {
			tr->lost_pending = 0;
			tr->lost.ts = ev->ts;
			tr->stash = *ev;
			tr->stash_pending = 1;
			*ev = tr->lost;
		}
		return 1;
	}
	if (tr->lost_pending) {
		tr->lost_pending = 0;
		tr->lost.ts = in->stats.last_ts;
		*ev = tr->lost;
		return 1;
	}
	if (!in->stats.records && !in->stats.events[IOREP_EV_LOST])
		return iorep_input_error(in, -IOREP_EFORMAT,
					 "not a trace.dat file, and no ftrace event line in %llu "
					 "line%s of text",
					 (unsigned long long)tr->line_nr, tr->line_nr == 1 ? "" : "s");
	return 0;
}

static void text_close(struct iorep_input *in)
{
	struct text_reader *tr = in->priv;

	if (!tr)
		return;
	iorep_text_batches_release(&tr->tb);
	iorep_bytesrc_free(tr->bs);
	close(tr->fd);
	free(tr->buf);
	free(tr->other);
	free(tr);
	in->priv = NULL;
}

static void text_progress(const struct iorep_input *in, uint64_t *done, uint64_t *total)
{
	const struct text_reader *tr = in->priv;

	*done = iorep_bytesrc_offset(tr->bs);
	*total = tr->file_size;
}

const struct iorep_input_ops iorep_input_text_ops = {
	.name = "text",
	.probe = text_probe,
	.open = text_open,
	.next = text_next,
	.close = text_close,
	.progress = text_progress,
	/*
	 * 10 M lines of bench/gen-trace's text on two CPUs, against 8 blocks and
	 * batches of 4,096 lines in a 1 MiB buffer: 1.70 s against 1.94 s
	 * (bench/ab.py, medians of 5 rounds); 48 blocks and 16,384 lines were
	 * within the noise of that for 14 MB more.
	 */
	.ahead_blocks = 24,
};
