/* SPDX-License-Identifier: MIT */
/*
 * Batches of text lines, parsed on one thread or several.
 *
 * Parsing a line (iorep_textparse_line()) needs nothing of the lines before
 * it, and it is most of the cost of reading text; what does depend on the
 * order (drop markers, bad lines, statistics) is cheap and stays in the text
 * reader.  The reader collects a batch of lines, posts it, and takes the
 * results of the batch before it in order while helper threads parse the
 * new one: two batches are in flight, one being taken and one being parsed.
 * A thread that waits for a batch parses what is left of it first.  Each
 * parser (the reader's and each helper's) has a parser state of its own;
 * they take lines a run of IOREP_TEXT_RUN at a time, so that a helper the
 * scheduler delays holds up no more than one run.  Every line's result is
 * what one parser in one thread gives.
 */
#ifndef IOREP_TEXT_BATCH_H
#define IOREP_TEXT_BATCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iorep-event.h"
#include "iorep-strtab.h"
#include "iorep-textparse.h"

#define IOREP_TEXT_BATCH_LINES 8192
#define IOREP_TEXT_RUN 128
#define IOREP_TEXT_MAX_PARSERS 4

/* One line and what parsing it gave. */
struct iorep_text_line {
	const char *p; /* in the reader's buffer; NULL for a line skipped for its length */
	size_t len;
	uint64_t nr;	       /* line number, from 1 */
	bool overlong;	       /* skipped: longer than the reader takes */
	bool cut;	       /* the last line, without its newline */
	int kind;	       /* enum iorep_line_kind, or -IOREP_E* */
	int cpus_header;       /* the "cpus=N" header this line gave, or -1 */
	uint64_t overrun;      /* the overwritten events this line's header counts, or 0 */
	bool perf;	       /* its task in perf script's form */
	struct iorep_event ev; /* its arrays live as long as the batch's lines */
};

/* Where one parser puts the arrays of one batch's events: chunks that never move. */
struct iorep_text_arena {
	struct iorep_text_chunk *first;
};

struct iorep_text_slot {
	struct iorep_text_line *lines;
	uint32_t n, next; /* lines added; the next to take */
	uint32_t claim;	  /* the first line of the next run to parse (atomic) */
	int busy;	  /* helpers not done with it (under the lock) */
	struct iorep_text_arena arena[IOREP_TEXT_MAX_PARSERS];
};

struct iorep_text_parser {
	struct iorep_textparse tp;
	struct iorep_text_batches *tb;
	int id;
	pthread_t thread;
	bool started;
	uint64_t seen; /* the last batch this helper parsed */
};

struct iorep_text_batches {
	struct iorep_text_slot slot[2];
	int nparsers; /* 1: the calling thread alone */
	struct iorep_text_parser parsers[IOREP_TEXT_MAX_PARSERS];
	int nhelpers; /* started */
	pthread_mutex_t lock;
	pthread_cond_t go, done;
	bool sync_ok;
	/*
	 * Batches posted, and the slots of the last two: batch g (from 0) in
	 * slot order[g % 2].  A helper is at most two behind: a third post
	 * waits for the first of them.
	 */
	uint64_t gen;
	int order[2];
	bool stop;
};

/*
 * Sets up @tb with @nparsers parsers (1 to IOREP_TEXT_MAX_PARSERS) interning
 * into @st.  Returns 0 or -IOREP_ENOMEM; iorep_text_batches_release() either way.
 */
int iorep_text_batches_init(struct iorep_text_batches *tb, struct iorep_strtab *st, int nparsers);
void iorep_text_batches_release(struct iorep_text_batches *tb);

/* Empties slot @s for new lines: the lines and arrays of its last batch go. */
void iorep_text_slot_reset(struct iorep_text_batches *tb, int s);

/* Appends a line to slot @s (@p NULL for an overlong one); false when it is full. */
bool iorep_text_slot_add(struct iorep_text_batches *tb, int s, const char *p, size_t len,
			 uint64_t nr, bool overlong, bool cut);

/*
 * Has the helpers start on the lines of slot @s, which must have been waited
 * for since it was last posted (the slots take turns: 0, 1, 0, ...).
 */
void iorep_text_post(struct iorep_text_batches *tb, int s);

/* Parses what is left of slot @s (posted or not) and waits until every line of it is parsed. */
void iorep_text_wait(struct iorep_text_batches *tb, int s);

#endif
