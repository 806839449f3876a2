// SPDX-License-Identifier: MIT
/*
 * The model's side of the hand-over from the reader's thread: a batch of
 * what the stage let go (iorep_input_next_batch()) applied in one loop.
 */
#include "iorep-error.h"
#include "iorep-model.h"
#include "iorep-stage.h"

int iorep_model_apply_batch(struct iorep_model *m, const struct iorep_stage_batch *b, uint64_t *pos)
{
	const struct iorep_stage_note *note;
	const struct iorep_event *ev;
	uint32_t i, k = 0;
	int ret;

	for (i = 0; i < b->n; i++) {
		note = &b->notes[i];
		iorep_stage_prefetch_notes(b->notes, i, b->n);
		ev = NULL;
		if (note->kind == IOREP_STAGE_EVENT) {
			if (k == b->nev) {
				/* more event notes than events: not a batch a stage let go */
				*pos = 0;
				return -IOREP_EINVAL;
			}
			iorep_stage_prefetch_events(b->evs, k, b->nev);
			ev = &b->evs[k++];
		}
		ret = iorep_model_apply(m, ev, note);
		if (ret < 0) {
			*pos = ev ? ev->pos : note->map.pos;
			return ret;
		}
	}
	return 0;
}
