// SPDX-License-Identifier: MIT
/*
 * The kernel log's faults (--dmesg, iorep-kmsg.h) merged into the trace's
 * events by time: an event read ahead of a fault due before it waits until
 * the fault has gone.  A fault the trace has too (AMD-Vi traces a fault and
 * then logs it) is left out: one of the same device and page that the trace
 * reported up to a second before.  So are the faults before the trace's
 * first event and after its last: the log covers the whole boot, the trace
 * only its own span, and a fault there has no history to be judged on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input-local.h"
#include "iorep-error.h"
#include "iorep-kmsg.h"

#define TRACED_RING 16
#define SAME_FAULT_NS 1000000000ull

struct traced_fault {
	const char *device;
	uint64_t page, ts;
};

struct iorep_input_kmsg {
	const struct iorep_kmsg *k;
	struct iorep_kmsg own; /* the input's own log, read again (iorep_input_own_kmsg()) */
	const char *path;
	const char *comm;      /* its faults' task: "kernel-log", interned */
	size_t next;
	bool held, started;
	uint64_t first_ts;     /* the trace's first event's */
	uint64_t offset;       /* added to the log's times: the trace's (info.ts_offset) */
	struct iorep_event ev; /* the trace's event that waits */
	struct traced_fault ring[TRACED_RING];
	unsigned int nring;
};

static struct iorep_input_kmsg *kmsg_new(struct iorep_input *in)
{
	struct iorep_input_kmsg *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->comm = iorep_strtab_intern(in->st, "kernel-log", 10);
	if (!m->comm) {
		free(m);
		return NULL;
	}
	return m;
}

int iorep_input_add_kmsg(struct iorep_input *in, const struct iorep_kmsg *k, const char *path)
{
	struct iorep_input_kmsg *m;

	if (in->ahead || in->kmsg)
		return -IOREP_EINVAL;
	m = kmsg_new(in);
	if (!m)
		return -IOREP_ENOMEM;
	m->k = k;
	m->path = path;
	m->offset = (uint64_t)in->info.ts_offset;
	in->kmsg = m;
	in->info.kernel_log = path;
	in->kmsg_own = false;
	return 0;
}

int iorep_input_own_kmsg(struct iorep_input *in)
{
	if (in->ahead || in->kmsg)
		return -IOREP_EINVAL;
	in->kmsg_own = true;
	return 0;
}

/*
 * The input turned out to be a kernel log (@first, its first event, is a
 * line of it): its fault lines are read again, as --dmesg would read them,
 * when it can be read again, a file and not a pipe.  Whatever stops it is
 * a note, not an error: the trace is read all the same.
 */
int iorep_input_kmsg_own_start(struct iorep_input *in, const struct iorep_event *first)
{
	struct iorep_input_kmsg *m;
	/* standard input from a file is that file, from its start: Linux reopens it */
	const char *path = strcmp(in->path, "-") ? in->path : "/proc/self/fd/0";
	struct stat sb;
	uint64_t line;
	int ret;

	in->kmsg_own = false;
	if (!in->info.variant || strcmp(in->info.variant, "dmesg"))
		return 0;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if (!in->note[0])
			snprintf(in->note, sizeof(in->note),
				 "a kernel log through a pipe: its IOMMU fault lines are not "
				 "read (give the file itself, or --dmesg FILE too)");
		return 0;
	}
	m = kmsg_new(in);
	if (!m)
		return -IOREP_ENOMEM;
	ret = iorep_kmsg_read_file(&m->own, path, in->st, &line);
	if (ret == -IOREP_ENOMEM) {
		iorep_kmsg_release(&m->own);
		free(m);
		return ret;
	}
	if (ret < 0) {
		if (!in->note[0])
			snprintf(in->note, sizeof(in->note),
				 "its own IOMMU fault lines are not read: %s", iorep_strerror(ret));
		iorep_kmsg_release(&m->own);
		free(m);
		return 0;
	}
	m->k = &m->own;
	m->path = in->path;
	m->started = true;
	m->first_ts = first->ts;
	if (first->type == IOREP_EV_IO_PAGE_FAULT && first->device)
		m->ring[m->nring++ % TRACED_RING] =
			(struct traced_fault){ first->device, first->iova >> 12, first->ts };
	in->kmsg = m;
	in->info.kernel_log = in->path;
	return 0;
}

void iorep_input_kmsg_free(struct iorep_input *in)
{
	if (in->kmsg)
		iorep_kmsg_release(&in->kmsg->own);
	free(in->kmsg);
	in->kmsg = NULL;
}

/* Whether the trace reported @f already. */
static bool traced(const struct iorep_input_kmsg *m, const struct iorep_kmsg_fault *f)
{
	unsigned int i;

	for (i = 0; i < m->nring && i < TRACED_RING; i++) {
		const struct traced_fault *t = &m->ring[i];
		uint64_t ts = f->ts + m->offset, last = f->last_ts + m->offset;

		if (t->device == f->device && t->page == f->iova >> 12 && t->ts <= last &&
		    ts - (ts < t->ts ? ts : t->ts) <= SAME_FAULT_NS)
			return true;
	}
	return false;
}

/* The next fault of the log not traced, or NULL. */
static const struct iorep_kmsg_fault *next_fault(struct iorep_input *in)
{
	struct iorep_input_kmsg *m = in->kmsg;
	const struct iorep_kmsg_fault *f;

	while (m->next < m->k->n) {
		f = &m->k->v[m->next];
		if (f->ts + m->offset < m->first_ts)
			in->stats.kmsg_outside++;
		else if (traced(m, f))
			in->stats.kmsg_traced++;
		else
			return f;
		m->next++;
	}
	return NULL;
}

static int fault_event(struct iorep_input *in, const struct iorep_kmsg_fault *f,
		       struct iorep_event *ev)
{
	struct iorep_input_kmsg *m = in->kmsg;
	char buf[512];
	int n;

	m->next++;
	n = snprintf(buf, sizeof(buf), "%s:%llu: %s", m->path, (unsigned long long)f->line,
		     f->what);
	if (n > 0 && f->reports > 1)
		n += snprintf(buf + n, n < (int)sizeof(buf) ? sizeof(buf) - (size_t)n : 0,
			      " (%u reports in %llu us)", f->reports,
			      (unsigned long long)((f->last_ts - f->ts) / 1000));
	iorep_event_reset(ev, IOREP_EV_IO_PAGE_FAULT);
	ev->source = iorep_strtab_intern(in->st, buf,
					 n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	if (!ev->source)
		return -IOREP_ENOMEM;
	ev->ts = f->ts + m->offset;
	ev->cpu = -1;
	ev->pid = -1;
	ev->comm = m->comm;
	ev->device = f->device;
	ev->driver = f->driver;
	ev->iova = f->iova;
	ev->fault_flags = f->flags;
	ev->have = 1u << IOREP_F_DEVICE | 1u << IOREP_F_DRIVER | 1u << IOREP_F_IOVA |
		   1u << IOREP_F_FAULT_FLAGS;
	in->stats.kmsg_faults++;
	return 1;
}

int iorep_input_kmsg_next(struct iorep_input *in, struct iorep_event *ev)
{
	struct iorep_input_kmsg *m = in->kmsg;
	const struct iorep_kmsg_fault *f;
	int ret;

	if (m->held) {
		f = next_fault(in);
		if (f && f->ts + m->offset < m->ev.ts)
			return fault_event(in, f, ev);
		*ev = m->ev;
		m->held = false;
		return 1;
	}
	ret = in->ops->next(in, ev);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		in->stats.kmsg_outside += m->k->n - m->next;
		m->next = m->k->n;
		return 0;
	}
	if (!m->started) {
		m->started = true;
		m->first_ts = ev->ts;
	}
	if (ev->type == IOREP_EV_IO_PAGE_FAULT && ev->device)
		m->ring[m->nring++ % TRACED_RING] =
			(struct traced_fault){ ev->device, ev->iova >> 12, ev->ts };
	/* drops and stack traces have the time of the events around them */
	if (ev->type == IOREP_EV_STACK)
		return 1;
	f = next_fault(in);
	if (!f || f->ts + m->offset >= ev->ts)
		return 1;
	/* the event's arrays stay the reader's until its next call, which waits too */
	m->ev = *ev;
	m->held = true;
	return fault_event(in, f, ev);
}
