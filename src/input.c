// SPDX-License-Identifier: MIT
/*
 * The input front end: opens the file, detects its form from the content,
 * hands it to the matching reader and keeps the statistics every reader
 * shares.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytesrc.h"
#include "input-local.h"
#include "iorep-error.h"
#include "iorep-message.h"

#define FIRST_CHUNK (64 * 1024)

static const struct iorep_input_ops *const input_forms[] = {
	&iorep_input_tracecmd_ops,
	&iorep_input_text_ops,	/* last: it takes anything */
};

int iorep_input_error(struct iorep_input *in, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!in->errbuf || in->errlen <= 0)
		return err;
	n = snprintf(in->errbuf, in->errlen, "%s: ", in->path);
	if (n < 0 || n >= in->errlen)
		return err;
	va_start(ap, fmt);
	vsnprintf(in->errbuf + n, in->errlen - n, fmt, ap);
	va_end(ap);
	return err;
}

void iorep_input_truncated(struct iorep_input *in, unsigned long long pos, const char *fmt, ...)
{
	va_list ap;

	in->stats.truncated = true;
	in->stats.truncated_at = pos;
	va_start(ap, fmt);
	vsnprintf(in->warn, sizeof(in->warn), fmt, ap);
	va_end(ap);
}

void iorep_input_damaged(struct iorep_input *in, uint64_t count, unsigned long long pos,
			 const char *fmt, ...)
{
	va_list ap;

	if (!count)
		return;
	/* the first in the input, whichever order the reader met them in */
	if (!in->stats.damaged || pos < in->stats.damaged_at) {
		in->stats.damaged_at = pos;
		va_start(ap, fmt);
		vsnprintf(in->damage, sizeof(in->damage), fmt, ap);
		va_end(ap);
	}
	in->stats.damaged += count;
}

int iorep_input_note_lost(struct iorep_input *in, int cpu, long long count)
{
	struct iorep_input_stats *s = &in->stats;

	if (cpu > IOREP_INPUT_MAX_CPU)
		return -IOREP_EINVAL;
	if (cpu < 0) {
		/* a drop of no one CPU (a text trace's header): counted in the total only */
		if (count < 0)
			s->lost_unknown++;
		else
			s->lost_total += count;
		return 0;
	}
	if (cpu >= s->ncpus) {
		uint64_t *lost = realloc(s->lost, (cpu + 1) * sizeof(*lost));

		if (!lost)
			return -IOREP_ENOMEM;
		memset(lost + s->ncpus, 0, (cpu + 1 - s->ncpus) * sizeof(*lost));
		s->lost = lost;
		s->ncpus = cpu + 1;
	}
	if (count < 0) {
		s->lost_unknown++;
		return 0;
	}
	s->lost[cpu] += count;
	s->lost_total += count;
	return 0;
}

int iorep_input_spool(struct iorep_input *in, struct iorep_input_src *src)
{
	unsigned char *buf = NULL;
	int fd, ret = -IOREP_EIO;
	ssize_t n;

	fd = memfd_create("iommu-report-input", MFD_CLOEXEC);
	if (fd < 0)
		return iorep_input_error(in, -IOREP_EIO, "cannot buffer the input: %s",
					 strerror(errno));
	if (write(fd, src->first, src->firstlen) != (ssize_t)src->firstlen)
		goto out;
	buf = malloc(FIRST_CHUNK);
	if (!buf) {
		ret = -IOREP_ENOMEM;
		goto out;
	}
	while ((n = iorep_bytesrc_read(src->bs, buf, FIRST_CHUNK)) > 0)
		if (write(fd, buf, n) != n)
			goto out;
	if (n < 0) {
		ret = iorep_input_error(in, (int)n, "%s at offset %llu", iorep_strerror((int)n),
					iorep_bytesrc_offset(src->bs));
		goto out;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		goto out;
	free(buf);
	return fd;
out:
	if (ret == -IOREP_EIO && in->errbuf && !in->errbuf[0])
		iorep_input_error(in, ret, "cannot buffer the input: %s", strerror(errno));
	free(buf);
	close(fd);
	return ret;
}

static int input_open_fd(struct iorep_input *in, const char *path, int *regular)
{
	struct stat sb;
	int fd;

	if (!strcmp(path, "-"))
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return iorep_input_error(in, -IOREP_EOPEN, "cannot open: %s", strerror(errno));
	if (fstat(fd, &sb) < 0) {
		close(fd);
		return iorep_input_error(in, -IOREP_EOPEN, "cannot stat: %s", strerror(errno));
	}
	if (S_ISDIR(sb.st_mode)) {
		close(fd);
		return iorep_input_error(in, -IOREP_EOPEN, "is a directory");
	}
	*regular = S_ISREG(sb.st_mode);
	return fd;
}

static ssize_t bytesrc_read_full(struct iorep_bytesrc *bs, unsigned char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = iorep_bytesrc_read(bs, buf + got, len - got);
		if (n < 0)
			return got ? (ssize_t)got : n;
		if (n == 0)
			break;
		got += n;
	}
	return (ssize_t)got;
}

int iorep_input_open(struct iorep_input **out, const char *path, struct iorep_strtab *st,
		     char *errbuf, int errlen)
{
	struct iorep_input_src src = { .fd = -1 };
	unsigned char head[16], *first = NULL;
	enum iorep_compression comp;
	struct iorep_input *in;
	ssize_t n;
	size_t i;
	int ret;

	if (errbuf && errlen > 0)
		errbuf[0] = '\0';
	*out = NULL;
	in = calloc(1, sizeof(*in));
	if (!in)
		return -IOREP_ENOMEM;
	*out = in;	/* reachable while the libraries read it (see the header) */
	in->st = st;
	in->errbuf = errbuf;
	in->errlen = errlen;
	in->path = strdup(path);
	if (!in->path) {
		ret = -IOREP_ENOMEM;
		goto fail;
	}
	in->info.path = in->path;
	in->stats.first_ts = UINT64_MAX;

	ret = input_open_fd(in, path, &src.regular);
	if (ret < 0)
		goto fail;
	src.fd = ret;
	n = iorep_read_full(src.fd, head, sizeof(head));
	if (n < 0) {
		ret = iorep_input_error(in, (int)n, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (n == 0) {
		ret = iorep_input_error(in, -IOREP_EEMPTY, "file is empty");
		goto fail;
	}
	comp = iorep_compression_detect(head, n);
	in->info.compression = iorep_compression_name(comp);
	if (comp != IOREP_COMP_NONE)
		src.regular = 0;
	ret = iorep_bytesrc_open(&src.bs, src.fd, head, n, comp);
	if (ret < 0)
		goto fail;
	first = in->first = malloc(FIRST_CHUNK);
	if (!first) {
		ret = -IOREP_ENOMEM;
		goto fail;
	}
	n = bytesrc_read_full(src.bs, first, FIRST_CHUNK);
	if (n < 0) {
		ret = iorep_input_error(in, (int)n, "%s compressed data is unreadable at offset %llu",
					in->info.compression, iorep_bytesrc_offset(src.bs));
		goto fail;
	}
	if (n == 0) {
		ret = iorep_input_error(in, -IOREP_EEMPTY, "%s stream holds no data",
					in->info.compression);
		goto fail;
	}
	src.first = first;
	src.firstlen = n;
	/* perf.data's magic, version 2 and 1: perf reads it, and gives its events as text */
	if (n >= 8 && (!memcmp(first, "PERFILE2", 8) || !memcmp(first, "PERFFILE", 8))) {
		ret = iorep_input_error(in, -IOREP_EFORMAT,
					"a perf.data file, which is not read: give the text of "
					"`perf script --show-lost-events -i FILE` instead");
		goto fail;
	}
	for (i = 0; i < sizeof(input_forms) / sizeof(input_forms[0]); i++) {
		if (!input_forms[i]->probe(first, n))
			continue;
		in->ops = input_forms[i];
		in->info.format = in->ops->name;
		ret = in->ops->open(in, &src);	/* takes src.fd and src.bs */
		src.fd = -1;
		src.bs = NULL;
		if (ret < 0)
			goto fail;	/* iorep_input_free() closes what the reader opened */
		break;
	}
	free(first);
	in->first = NULL;
	return 0;
fail:
	free(first);
	in->first = NULL;
	iorep_bytesrc_free(src.bs);
	if (src.fd >= 0)
		close(src.fd);
	iorep_input_free(in);
	*out = NULL;
	return ret;
}

int iorep_input_next_here(struct iorep_input *in, struct iorep_event *ev)
{
	struct iorep_input_stats *s = &in->stats;
	int ret;

	ret = in->kmsg ? iorep_input_kmsg_next(in, ev) : in->ops->next(in, ev);
	if (ret > 0 && in->kmsg_own && ev->type != IOREP_EV_STACK) {
		int own = iorep_input_kmsg_own_start(in, ev);

		if (own < 0)
			return own;
	}
	if (ret < 0)
		return ret;
	if (ret == 0) {
		uint64_t total = 0;
		int i;

		for (i = 0; i < IOREP_EV_LOST; i++)
			total += s->events[i];
		if (!total && !in->formats_known)
			return iorep_input_error(in, -IOREP_ENOEVENTS,
						 "no iommu or dma events (%llu other event%s)",
						 (unsigned long long)s->other_events,
						 s->other_events == 1 ? "" : "s");
		return 0;
	}
	if (ev->type == IOREP_EV_STACK) {
		/* an event of another system in the statistics, as it was read */
		ev->stack_of = iorep_stack_owner_take(&in->owners, ev->cpu, ev->pid);
		return 1;
	}
	if (ev->type == IOREP_EV_LOST) {
		iorep_stack_owner_other(&in->owners, ev->cpu);
		ret = iorep_input_note_lost(in, ev->cpu, ev->lost);
	} else if ((ret = iorep_stack_owner_event(&in->owners, ev->cpu, ev->pos, ev->pid)) < 0) {
		return ret;
	} else if (ev->cpu >= s->ncpus)
		ret = iorep_input_note_lost(in, ev->cpu, 0);
	if (ret == -IOREP_EINVAL)
		/* the readers keep to IOREP_INPUT_MAX_CPU; should one not, it is said, once */
		return iorep_input_error(in, ret,
					 "%s %llu: CPU %d is past the %d CPUs iommu-report "
					 "holds",
					 in->info.pos_unit ? in->info.pos_unit : "offset",
					 (unsigned long long)ev->pos, ev->cpu, IOREP_INPUT_MAX_CPU);
	if (ret < 0)
		return ret;
	s->events[ev->type]++;
	if (ev->ts < s->first_ts)
		s->first_ts = ev->ts;
	if (ev->ts > s->last_ts)
		s->last_ts = ev->ts;
	return 1;
}

int iorep_input_next_ref(struct iorep_input *in, const struct iorep_event **ev)
{
	int ret;

	if (in->ahead)
		return iorep_input_ahead_next(in, ev, NULL);
	ret = iorep_input_next_here(in, &in->ev);
	*ev = &in->ev;
	return ret;
}

int iorep_input_next_staged(struct iorep_input *in, const struct iorep_event **ev,
			    const struct iorep_stage_note **note)
{
	return in->ahead ? iorep_input_ahead_next(in, ev, note) : -IOREP_EINVAL;
}

int iorep_input_next_batch(struct iorep_input *in, struct iorep_stage_batch *b)
{
	return in->ahead ? iorep_input_ahead_batch(in, b) : -IOREP_EINVAL;
}

int iorep_input_next(struct iorep_input *in, struct iorep_event *ev)
{
	const struct iorep_event *e;
	int ret;

	if (!in->ahead)
		return iorep_input_next_here(in, ev);
	ret = iorep_input_ahead_next(in, &e, NULL);
	if (ret > 0)
		*ev = *e;
	return ret;
}

const struct iorep_input_stats *iorep_input_stats(const struct iorep_input *in)
{
	return &in->stats;
}

const struct iorep_input_info *iorep_input_info(const struct iorep_input *in)
{
	return &in->info;
}

void iorep_input_print_warnings(const struct iorep_input *in, FILE *fp)
{
	const struct iorep_input_stats *s = &in->stats;
	const char *unit = in->info.pos_unit ? in->info.pos_unit : "offset";
	char lines[160], lost[128];
	uint64_t i, shown;
	size_t n;

	/* the path is the user's, the reasons may quote the file: iorep_message() */
	if (in->note[0])
		iorep_message(fp, "note: %s: %s", in->path, in->note);
	if (s->truncated)
		iorep_message(fp,
			      "warning: %s: %s (%s %llu); the events before it are used, and "
			      "findings are only suspected",
			      in->path, in->warn, unit, (unsigned long long)s->truncated_at);
	if (s->damaged)
		iorep_message(
			fp,
			"warning: %s: damaged data skipped %llu time%s, the first: %s "
			"(%s %llu); the events there are lost, and findings are only suspected",
			in->path, (unsigned long long)s->damaged, s->damaged == 1 ? "" : "s",
			in->damage, unit, (unsigned long long)s->damaged_at);
	if (s->bad_lines) {
		/* " 21, 37 and 4 more": at most 5 numbers of 20 digits, well inside */
		shown = s->bad_lines < IOREP_MAX_BAD_LINES ? s->bad_lines : IOREP_MAX_BAD_LINES;
		lines[0] = '\0';
		for (i = 0, n = 0; i < shown && n < sizeof(lines); i++)
			n += (size_t)snprintf(lines + n, sizeof(lines) - n, "%s %llu", i ? "," : "",
					      (unsigned long long)s->bad_line_nr[i]);
		if (s->bad_lines > shown && n < sizeof(lines))
			snprintf(lines + n, sizeof(lines) - n, " and %llu more",
				 (unsigned long long)(s->bad_lines - shown));
		lost[0] = '\0';
		if (s->first_lost_line)
			snprintf(lost, sizeof(lost),
				 "; iommu/dma events were lost with them, findings "
				 "after line %llu are only suspected",
				 (unsigned long long)s->first_lost_line);
		iorep_message(fp, "warning: %s: %llu line%s not understood (line%s%s)%s", in->path,
			      (unsigned long long)s->bad_lines, s->bad_lines == 1 ? "" : "s",
			      s->bad_lines == 1 ? "" : "s", lines, lost);
	}
	if (s->lost_total || s->lost_unknown)
		iorep_message(fp, "warning: %s: the ring buffer dropped %llu event%s%s; findings "
			      "that may rest on them are only suspected",
			      in->path, (unsigned long long)s->lost_total,
			      s->lost_total == 1 ? "" : "s",
			      s->lost_unknown ? " (and an unknown number more)" : "");
}

void iorep_input_free(struct iorep_input *in)
{
	if (!in)
		return;
	iorep_input_ahead_stop(in);
	if (in->ops)
		in->ops->close(in);
	free(in->stats.lost);
	free(in->path);
	iorep_stack_owners_free(&in->owners);
	iorep_input_kmsg_free(in);
	free(in);
}

void iorep_input_progress(const struct iorep_input *in, uint64_t *done, uint64_t *total)
{
	*done = *total = 0;
	if (in && in->ahead)
		iorep_input_ahead_progress(in, done, total);
	else if (in && in->priv && in->ops && in->ops->progress)
		in->ops->progress(in, done, total);
}
