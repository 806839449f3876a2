/* SPDX-License-Identifier: MIT */
/* What the input front end (input.c) shares with the readers behind it. */
#ifndef IOREP_INPUT_LOCAL_H
#define IOREP_INPUT_LOCAL_H

#include <stdarg.h>

#include "iorep-input.h"

struct iorep_input;

struct iorep_bytesrc;

/*
 * An opened input, as input.c hands it to a reader: the file, a
 * (decompressing) byte stream over it, and the first decompressed bytes,
 * already read from that stream to detect the form.
 */
struct iorep_input_src {
	int fd;
	int regular;	/* a regular, uncompressed file: seekable from 0 */
	struct iorep_bytesrc *bs;
	const unsigned char *first;
	size_t firstlen;
};

/* One input form.  Table-driven: input.c asks each probe in order. */
struct iorep_input_ops {
	const char *name;
	int (*probe)(const unsigned char *first, size_t len);
	/* The reader takes over src->fd and src->bs (both, even on failure). */
	int (*open)(struct iorep_input *in, struct iorep_input_src *src);
	/* As iorep_input_next(), without the statistics, which input.c keeps. */
	int (*next)(struct iorep_input *in, struct iorep_event *ev);
	void (*close)(struct iorep_input *in);
	/* Optional: bytes of the input read so far, and in all (0: unknown). */
	void (*progress)(const struct iorep_input *in, uint64_t *done, uint64_t *total);
	/* Optional: blocks of events in the read-ahead ring (input-ahead.c), 0: its default. */
	unsigned int ahead_blocks;
};

extern const struct iorep_input_ops iorep_input_tracecmd_ops;
extern const struct iorep_input_ops iorep_input_text_ops;

/* Per CPU, its last iommu/dma event's position and task (input-stack.c). */
struct iorep_stack_owner {
	uint64_t pos; /* IOREP_STACK_NONE: none a stack may be of */
	int32_t pid;
};

struct iorep_stack_owners {
	struct iorep_stack_owner *cpu;
	uint32_t n;
};

int iorep_stack_owner_grow(struct iorep_stack_owners *o, int32_t cpu, uint64_t pos, int32_t pid);

/* An iommu/dma event at @pos of task @pid on @cpu: a stack after it is of it. */
static inline int iorep_stack_owner_event(struct iorep_stack_owners *o, int32_t cpu,
					  uint64_t pos, int32_t pid)
{
	if (cpu >= 0 && (uint32_t)cpu < o->n) {
		o->cpu[cpu] = (struct iorep_stack_owner){ pos, pid };
		return 0;
	}
	return iorep_stack_owner_grow(o, cpu, pos, pid);
}

/* An event of another system, or a drop, on @cpu: a stack after it is not of an event of ours. */
void iorep_stack_owner_other(struct iorep_stack_owners *o, int32_t cpu);

/* What a stack of task @pid on @cpu is of: a position, or IOREP_STACK_NONE. */
uint64_t iorep_stack_owner_take(struct iorep_stack_owners *o, int32_t cpu, int32_t pid);
void iorep_stack_owners_free(struct iorep_stack_owners *o);

/*
 * A stack trace's frames, innermost first, gathered a frame at a time: the
 * tracing code's own innermost frames and the frames without a name (user
 * addresses) are left out, and at most IOREP_STACK_MAX_FRAMES are kept.
 */
#define IOREP_STACK_MAX_FRAMES 64

struct iorep_stack_build {
	char buf[4096];
	size_t len;
	uint32_t n;
};

void iorep_stack_build_start(struct iorep_stack_build *b);
void iorep_stack_build_frame(struct iorep_stack_build *b, const char *name, size_t len);
/* The frames as one interned string, "f1\nf2" (*@out NULL: none); 0 or -IOREP_ENOMEM. */
int iorep_stack_build_intern(const struct iorep_stack_build *b, struct iorep_strtab *st,
			     const char **out);

/*
 * The function's name in a frame line @p/@n, " => func+0x1/0x2 <addr>",
 * "=> func (addr)", "\t=> func" or perf script's "\tffffffff81000130
 * func+0x76 ([kernel.kallsyms])": its length (0: none), *@name where it
 * starts.  iorep_stack_frame_is_perf(): the line is perf's, a frame of the
 * call chain right under its sample's line.
 */
size_t iorep_stack_frame_name(const char *p, size_t n, const char **name);
bool iorep_stack_frame_is_perf(const char *p, size_t n);

struct iorep_input {
	const struct iorep_input_ops *ops;
	void *priv;
	struct iorep_strtab *st;
	struct iorep_input_stats stats;
	struct iorep_input_info info;
	char *errbuf;
	int errlen;
	char *path;
	unsigned char *first;	/* the first bytes, while iorep_input_open() runs */
	char warn[256];	/* why the stream ended early, when it did */
	char damage[256];	/* what the first damaged data was, when there was some */
	char note[256];		/* how the input was read, when the user should know */
	/* the input declares the iommu events (trace.dat formats): none seen is an answer */
	int formats_known;
	/* the reader thread, once iorep_input_read_ahead() started one (input-ahead.c) */
	struct iorep_input_ahead *ahead;
	struct iorep_event ev;	/* iorep_input_next_ref()'s event, read in this thread */
	struct iorep_stack_owners owners; /* which event a stack trace is of */
	struct iorep_input_kmsg *kmsg;	  /* the kernel log's faults, merged in (input-kmsg.c) */
	bool kmsg_own;	/* iorep_input_own_kmsg(): not decided until the first event */
};

/* The next event of the trace and the kernel log's faults, by time (input-kmsg.c). */
int iorep_input_kmsg_next(struct iorep_input *in, struct iorep_event *ev);
void iorep_input_kmsg_free(struct iorep_input *in);
/* iorep_input_own_kmsg()'s decision, at the input's first event @first. */
int iorep_input_kmsg_own_start(struct iorep_input *in, const struct iorep_event *first);

/* The magic at the start of every trace.dat: "\027\010\104tracing". */
#define IOREP_TRACEDAT_MAGIC "\027\010\104tracing"
#define IOREP_TRACEDAT_MAGIC_LEN 10

/*
 * The highest CPU number an input may name: Linux's NR_CPUS stops at 8192,
 * and the per-CPU statistics grow with it.  A text line naming a higher one
 * is damaged (a bad line), not an event.
 */
#define IOREP_INPUT_MAX_CPU (1 << 20)

/* Formats a one-line error "PATH: ..." into the caller's errbuf; returns @err. */
int iorep_input_error(struct iorep_input *in, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records why the stream ended early (file cut short) at @pos. */
void iorep_input_truncated(struct iorep_input *in, unsigned long long pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Records @count pieces of damaged data the reader had to skip (their events
 * are lost), the first at @pos.  The reason kept is the one of the lowest
 * @pos: the first damage in the input, even when it is found after another
 * (a CPU's end pages are checked before its middle ones, and the CPUs are
 * read in time order).
 */
void iorep_input_damaged(struct iorep_input *in, uint64_t count, unsigned long long pos,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Hands a drop marker of @cpu to the statistics: @count events, -1 when not
 * said (0: a gap the reader marked, nothing to count).  A @cpu < 0 counts in
 * the total only.
 */
int iorep_input_note_lost(struct iorep_input *in, int cpu, long long count);

/* iorep_input_next() in the calling thread: the reader thread's step. */
int iorep_input_next_here(struct iorep_input *in, struct iorep_event *ev);

/* The reader thread's side of iorep_input_next_ref(), _next_batch(), _progress() and _free(). */
int iorep_input_ahead_next(struct iorep_input *in, const struct iorep_event **ev,
			   const struct iorep_stage_note **note);
int iorep_input_ahead_batch(struct iorep_input *in, struct iorep_stage_batch *out);
void iorep_input_ahead_progress(const struct iorep_input *in, uint64_t *done, uint64_t *total);
void iorep_input_ahead_stop(struct iorep_input *in);

/*
 * Copies the whole stream of @src into an anonymous memory file (for
 * libtracecmd, which needs to seek: stdin, or a compressed trace.dat).
 * Returns the new fd, or a negative IOREP_E* code.
 */
int iorep_input_spool(struct iorep_input *in, struct iorep_input_src *src);

#endif
