// SPDX-License-Identifier: MIT
/*
 * Throughput of the IOVA interval map under map/unmap churn: LIVE ranges
 * stay live while OPS operations (half inserts, half removes) run.
 *
 *   gcc -std=gnu11 -O2 -Iinclude src/ivmap.c bench/ivmap-bench.c -o /tmp/ivmap-bench
 *   /tmp/ivmap-bench [ops] [live]
 *
 * Patterns: "random" removes a random live range (worst case for caches),
 * "fifo" removes the oldest (streaming DMA), "lookup" times
 * find_containing() on live addresses, as an unmap's lookup would.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "iorep-ivmap.h"

#define PAGE 4096ULL

struct bench {
	struct iorep_ivmap map;
	struct iorep_ivmap_node **live;
	size_t nlive;
	uint64_t rng;
};

static uint64_t bench_rnd(struct bench *b)
{
	uint64_t z = (b->rng += 0x9e3779b97f4a7c15ULL); /* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A page-aligned range of 1..16 pages somewhere in a 4 GiB IOVA space. */
static struct iorep_ivmap_node *bench_insert(struct bench *b, uint64_t i)
{
	struct iorep_ivmap_val v = { .paddr = i * PAGE, .ts = i, .pos = i };
	uint64_t start = (bench_rnd(b) % (1ULL << 20)) * PAGE;
	uint64_t len = (1 + bench_rnd(b) % 16) * PAGE;

	return iorep_ivmap_insert(&b->map, start, start + len, &v);
}

static int bench_fill(struct bench *b, size_t live)
{
	size_t i;

	iorep_ivmap_init(&b->map);
	b->rng = 42;
	for (i = 0; i < live; i++) {
		b->live[i] = bench_insert(b, i);
		if (!b->live[i])
			return -1;
	}
	b->nlive = live;
	return 0;
}

static void bench_report(const char *name, uint64_t ops, double secs)
{
	printf("%-8s %10" PRIu64 " ops  %7.3f s  %7.1f ns/op  %6.2f Mops/s\n", name, ops, secs,
	       secs * 1e9 / (double)ops, (double)ops / secs / 1e6);
}

int main(int argc, char **argv)
{
	uint64_t ops = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000000;
	size_t live = argc > 2 ? strtoul(argv[2], NULL, 0) : 50000;
	struct bench b;
	uint64_t i, hits = 0;
	size_t slot, head;
	double t;
	int ret = 1;

	b.live = malloc(live * sizeof(*b.live));
	if (!b.live || !live)
		goto out;
	printf("node %zu bytes, %zu live ranges\n", sizeof(struct iorep_ivmap_node), live);

	/* Random victim: remove one, insert one, in the freed slot. */
	if (bench_fill(&b, live))
		goto out_map;
	t = bench_now();
	for (i = 0; i < ops / 2; i++) {
		slot = bench_rnd(&b) % live;
		iorep_ivmap_remove(&b.map, b.live[slot]);
		b.live[slot] = bench_insert(&b, live + i);
		if (!b.live[slot])
			goto out_map;
	}
	bench_report("random", ops / 2 * 2, bench_now() - t);
	if (iorep_ivmap_validate(&b.map) || iorep_ivmap_count(&b.map) != live)
		goto out_map;

	/* Lookups of an address inside a random live range. */
	t = bench_now();
	for (i = 0; i < ops; i++) {
		const struct iorep_ivmap_node *n = b.live[bench_rnd(&b) % live];

		hits += iorep_ivmap_find_containing(&b.map, n->start + (n->last - n->start) / 2) != NULL;
	}
	bench_report("lookup", ops, bench_now() - t);
	if (hits != ops)
		goto out_map;
	iorep_ivmap_release(&b.map);

	/* FIFO: the oldest mapping is unmapped, as in streaming DMA. */
	if (bench_fill(&b, live))
		goto out_map;
	t = bench_now();
	for (i = 0, head = 0; i < ops / 2; i++, head = (head + 1) % live) {
		iorep_ivmap_remove(&b.map, b.live[head]);
		b.live[head] = bench_insert(&b, live + i);
		if (!b.live[head])
			goto out_map;
	}
	bench_report("fifo", ops / 2 * 2, bench_now() - t);
	if (iorep_ivmap_validate(&b.map) || iorep_ivmap_count(&b.map) != live)
		goto out_map;
	ret = 0;
out_map:
	iorep_ivmap_release(&b.map);
out:
	free(b.live);
	if (ret)
		fprintf(stderr, "ivmap-bench: failed\n");
	return ret;
}
