// SPDX-License-Identifier: MIT
/*
 * The text reader: splits the (decompressed) stream into lines and hands
 * each to the line parser.  Lines longer than TEXT_MAX_LINE are skipped
 * (and counted as bad); a drop marker is passed on just before the next
 * event line, with that line's timestamp, as trace-cmd attaches it to the
 * next record.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytesrc.h"
#include "input-local.h"
#include "iorep-error.h"
#include "iorep-textparse.h"

#define TEXT_BUF (1024 * 1024)
#define TEXT_MAX_LINE (64 * 1024)

struct text_reader {
	int fd;
	struct iorep_bytesrc *bs;
	struct iorep_textparse tp;
	char *buf;
	size_t start, end;	/* unconsumed bytes: buf[start, end) */
	int eof;
	uint64_t line_nr;
	/* a drop marker waiting for the next event line */
	int lost_pending;
	struct iorep_event lost;
	/* an event line read while a drop marker was waiting */
	int stash_pending;
	struct iorep_event stash;
	uint64_t file_size;	/* a regular file's size, else 0 */
	int saw_events;	/* event-shaped lines, of any system */
	int unknown_lines;
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
	if (fstat(src->fd, &sb) == 0 && S_ISREG(sb.st_mode))
		tr->file_size = (uint64_t)sb.st_size;
	in->priv = tr;
	iorep_textparse_init(&tr->tp, in->st);
	tr->buf = malloc(TEXT_BUF);
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
 * Returns the next line in *@line / *@len (no newline), 1; 0 at the end; or
 * a negative code.  *@overlong is set for a line that was cut.
 */
static int text_getline(struct iorep_input *in, struct text_reader *tr, const char **line,
			size_t *len, int *overlong)
{
	char *nl;
	ssize_t n;

	*overlong = 0;
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
			return 1;
		}
		if (tr->end - tr->start >= TEXT_MAX_LINE) {
			/* skip to the end of this line, whatever its length */
			*overlong = 1;
			tr->start = tr->end = 0;
			for (;;) {
				n = iorep_bytesrc_read(tr->bs, tr->buf, TEXT_BUF);
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
		if (tr->start > 0) {
			memmove(tr->buf, tr->buf + tr->start, tr->end - tr->start);
			tr->end -= tr->start;
			tr->start = 0;
		}
		n = iorep_bytesrc_read(tr->bs, tr->buf + tr->end, TEXT_BUF - tr->end);
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

static void note_bad_line(struct iorep_input *in, uint64_t nr)
{
	struct iorep_input_stats *s = &in->stats;

	if (s->bad_lines < IOREP_MAX_BAD_LINES)
		s->bad_line_nr[s->bad_lines] = nr;
	s->bad_lines++;
}

static int text_next(struct iorep_input *in, struct iorep_event *ev)
{
	struct text_reader *tr = in->priv;
	const char *line = NULL;
	int ret, overlong;
	size_t len = 0;

	if (tr->stash_pending) {
		tr->stash_pending = 0;
		*ev = tr->stash;
		return 1;
	}
	for (;;) {
		ret = text_getline(in, tr, &line, &len, &overlong);
		if (ret < 0)
			return ret;
		if (ret == 0)
			break;
		in->stats.lines++;
		if (overlong) {
			note_bad_line(in, tr->line_nr);
			continue;
		}
		ret = iorep_textparse_line(&tr->tp, line, len, ev);
		if (ret < 0)
			return iorep_input_error(in, ret, "line %llu: %s",
						 (unsigned long long)tr->line_nr,
						 iorep_strerror(ret));
		switch (ret) {
		case IOREP_LINE_META:
			continue;
		case IOREP_LINE_UNKNOWN:
			tr->unknown_lines++;
			/* dmesg and mail bodies carry other text; only ftrace text is strict */
			if (tr->saw_events && in->info.variant != NULL &&
			    strcmp(in->info.variant, "dmesg") != 0)
				note_bad_line(in, tr->line_nr);
			continue;
		case IOREP_LINE_BAD:
			tr->saw_events = 1;
			in->stats.records++;
			note_bad_line(in, tr->line_nr);
			continue;
		case IOREP_LINE_LOST:
			tr->lost = *ev;
			tr->lost.pos = tr->line_nr;
			tr->lost_pending = 1;
			continue;
		case IOREP_LINE_OTHER_EVENT:
			tr->saw_events = 1;
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
		tr->saw_events = 1;
		in->stats.records++;
		ev->pos = tr->line_nr;
		if (ev->pid < 0)
			in->info.variant = "dmesg";
		else if (tr->tp.cpus_header)
			in->info.variant = "trace-cmd report";
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
	iorep_textparse_release(&tr->tp);
	iorep_bytesrc_free(tr->bs);
	close(tr->fd);
	free(tr->buf);
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
};
