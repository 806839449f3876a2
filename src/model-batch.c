// SPDX-License-Identifier: MIT
/*
 * The model's side of the hand-over from the reader's thread: a batch of
 * what the stage let go (iorep_input_next_batch()) applied in one loop.
 */
#include "iorep-error.h"
#include "iorep-model.h"
#include "iorep-stage.h"

/* How far ahead of the note (and event) being applied the lines are asked for. */
#define BATCH_AHEAD 4

/*
 * The reader's thread wrote the notes and events on another CPU, so each
 * line the model reads of them comes from that CPU's cache.  Asked for a
 * few notes early, while the model works on the one before, the transfers
 * overlap that work: the notes, the lines of a later event, and the arrays
 * of a nearer one (whose pointers have arrived by then).
 */
static void prefetch(const struct iorep_stage_batch *b, uint32_t i, uint32_t k)
{
	const struct iorep_event *e;
	const char *p;

	if (i + BATCH_AHEAD < b->n) {
		p = (const char *)&b->notes[i + BATCH_AHEAD];
		__builtin_prefetch(p);
		__builtin_prefetch(p + sizeof(*b->notes) - 1);
	}
	if (b->notes[i].kind != IOREP_STAGE_EVENT)
		return;
	if (k + BATCH_AHEAD < b->nev) {
		p = (const char *)&b->evs[k + BATCH_AHEAD];
		__builtin_prefetch(p);
		__builtin_prefetch(p + 64);
		__builtin_prefetch(p + 128);
		__builtin_prefetch(p + sizeof(*e) - 1);
	}
	if (k + BATCH_AHEAD / 2 < b->nev) {
		e = &b->evs[k + BATCH_AHEAD / 2];
		if (e->phys_addrs.n)
			__builtin_prefetch(e->phys_addrs.v);
		if (e->dma_addrs.n)
			__builtin_prefetch(e->dma_addrs.v);
	}
}

int iorep_model_apply_batch(struct iorep_model *m, const struct iorep_stage_batch *b, uint64_t *pos)
{
	const struct iorep_stage_note *note;
	const struct iorep_event *ev;
	uint32_t i, k = 0;
	int ret;

	for (i = 0; i < b->n; i++) {
		prefetch(b, i, k);
		note = &b->notes[i];
		ev = note->kind == IOREP_STAGE_EVENT && k < b->nev ? &b->evs[k++] : NULL;
		if (!ev && note->kind == IOREP_STAGE_EVENT)
			ret = -IOREP_EINVAL; /* more event notes than events: not a stage's batch */
		else
			ret = iorep_model_apply(m, ev, note);
		if (ret < 0) {
			*pos = ev ? ev->pos : note->kind == IOREP_STAGE_EVENT ? 0 : note->map.pos;
			return ret;
		}
	}
	return 0;
}
