// SPDX-License-Identifier: MIT
/*
 * bare-loop: the fastest simple libtracecmd reader, the floor iommu-report's
 * trace.dat path is measured against (bench/bench.py).
 *
 *   bare-loop FILE
 *
 * tracecmd_open() (no plugins: nothing is printed) + tracecmd_iterate_events()
 * over every CPU, in time order.
 * Each event's address (the field "iova", or "dma_addr" for the dma_*
 * events) and "size" are read with tep_read_number_field(); the fields are
 * looked up once per event type id and kept in a table indexed by the id, so
 * the loop does no tep_find_field().  Prints
 *
 *   events=N with_fields=M checksum=0x...
 *
 * (the checksum folds every value read, so nothing can be optimised away).
 * Exit status 0, or 2 when the file cannot be opened or read.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>
#include <trace-cmd.h>

/* What one event type id has: looked up on its first record. */
struct bl_type {
	unsigned char known;
	struct tep_format_field *addr;
	struct tep_format_field *size;
};

struct bare_loop {
	struct tep_handle *tep;
	struct bl_type *types; /* indexed by event type id */
	size_t ntypes;
	uint64_t events;
	uint64_t with_fields;
	uint64_t sum;
	int err;
};

static struct bl_type *bl_lookup(struct bare_loop *bl, int id)
{
	struct bl_type *t;
	struct tep_event *ev;

	if (id < 0)
		return NULL;
	if ((size_t)id >= bl->ntypes) {
		size_t n = (size_t)id * 2 + 16;
		struct bl_type *nt = realloc(bl->types, n * sizeof(*nt));

		if (!nt) {
			bl->err = 1;
			return NULL;
		}
		memset(nt + bl->ntypes, 0, (n - bl->ntypes) * sizeof(*nt));
		bl->types = nt;
		bl->ntypes = n;
	}
	t = &bl->types[id];
	if (t->known)
		return t;
	t->known = 1;
	ev = tep_find_event(bl->tep, id);
	if (!ev)
		return t;
	t->addr = tep_find_field(ev, "iova");
	if (!t->addr)
		t->addr = tep_find_field(ev, "dma_addr");
	t->size = tep_find_field(ev, "size");
	return t;
}

static int bl_record(struct tracecmd_input *handle, struct tep_record *rec, int cpu, void *data)
{
	struct bare_loop *bl = data;
	struct bl_type *t = bl_lookup(bl, tep_data_type(bl->tep, rec));
	unsigned long long a = 0, s = 0;

	bl->events++;
	if (!t)
		return bl->err ? -1 : 0;
	if (t->addr && t->size) {
		tep_read_number_field(t->addr, rec->data, &a);
		tep_read_number_field(t->size, rec->data, &s);
		bl->with_fields++;
		/* order-dependent, so a reader that skips or repeats records shows */
		bl->sum = (bl->sum ^ a) * 0x100000001b3ULL + s;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bare_loop bl = {0};
	struct tracecmd_input *handle;
	int ret;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: bare-loop FILE\n");
		return 2;
	}
	handle = tracecmd_open(argv[1], TRACECMD_FL_LOAD_NO_PLUGINS); /* it prints nothing */
	if (!handle) {
		fprintf(stderr, "bare-loop: %s: cannot open as a trace.dat\n", argv[1]);
		return 2;
	}
	bl.tep = tracecmd_get_tep(handle);
	ret = tracecmd_iterate_events(handle, NULL, 0, bl_record, &bl);
	tracecmd_close(handle);
	free(bl.types);
	if (ret < 0 || bl.err) {
		fprintf(stderr, "bare-loop: %s: reading failed after %" PRIu64 " events\n", argv[1],
			bl.events);
		return 2;
	}
	printf("events=%" PRIu64 " with_fields=%" PRIu64 " checksum=0x%016" PRIx64 "\n", bl.events,
	       bl.with_fields, bl.sum);
	return 0;
}
