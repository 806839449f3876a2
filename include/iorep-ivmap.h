/* SPDX-License-Identifier: MIT */
/*
 * IOVA interval map: one IOMMU domain's set of live mappings.
 *
 * Each entry is a half-open range [start, end) of 64-bit IOVAs with a small
 * fixed-size payload stored inline in the node.  Ranges may overlap, and the
 * same range may be present more than once: a driver that maps an IOVA twice
 * is exactly what the checks must see, so nothing is merged or rejected.
 *
 * The map is an AVL tree keyed by (start, insertion sequence), each node
 * augmented, while two nodes may overlap, with the largest inclusive end of
 * its subtree (the kernel's interval_tree_generic.h design).  Nodes with
 * equal starts are kept in insertion order.  Costs, n live nodes, k results:
 *   insert, remove, trim, find_containing ......... O(log n)
 *   find_exact .................................... O(log n + nodes sharing the start)
 *   overlap iteration ............................. O(log n + k) when the results are
 *                                                   adjacent in start order (no nesting),
 *                                                   O(log n + k log(n / k)) worst case
 *   count, bytes .................................. O(1)
 *   kill, revive .................................. O(1)
 *
 * Ends: every @end argument is exclusive and read modulo 2^64, so a range
 * reaching the top of the address space is written with end == 0
 * ([0xfffffffffffff000, 0) is the last page).  A range is valid when
 * end - 1 >= start in uint64_t arithmetic: [5, 5) is invalid (empty) and
 * [0, 0) is the whole 2^64 space.  Nodes store the inclusive @last instead.
 *
 * While no two nodes overlap, the usual state of an IOMMU domain, a table
 * of nodes by start is kept beside the tree, and find_exact, a search from
 * a range's own start (find_containing(start), overlap_first*) and the step
 * to the next overlap cost O(1) expected; other searches take one plain
 * descent.  While apart, the ends are in start order too, so the tree
 * needs no augmentation: a change rebalances by heights alone (each node
 * keeps the heights of both its subtrees, so the walk up reads the path to
 * the root and no node beside it), and an insert of a range that the
 * search before it (or a trim) found free links where that search ended,
 * without a descent of its own.  The first
 * overlapping insert drops the table and computes the augmentation, O(n);
 * the table is rebuilt, O(n), when the nodes are apart again and the map
 * has had n changes since (amortized O(1)).  Meanwhile a change costs the
 * in-order neighbours of the node too.
 *
 * Memory: one malloc() of sizeof(struct iorep_ivmap_node) (96 bytes) per
 * live node, and while nodes are apart 16 to 64 bytes of table per node.  Removed nodes go to a per-map cache of at most cache_max nodes
 * (IOREP_IVMAP_CACHE_DEFAULT) and beyond that back to free(), so memory
 * follows the live count, not the number of inserts over time.
 *
 * Dead nodes (tombstones): a node may be marked dead instead of removed,
 * to remember a range that was unmapped (double unmaps, use after unmap).
 * Dead nodes stay in the tree but are invisible to everything below that
 * does not say "dead" or "any": count, bytes, iteration, overlap and find
 * see live nodes only.  Turning a node dead or live again
 * (iorep_ivmap_kill(), iorep_ivmap_revive()) changes no link, so an unmap
 * followed by a map of the same range, the common case, costs no insert
 * and no removal.  iorep_ivmap_reset() turns a node that is about to be
 * removed into the one that would be inserted next, in place when its
 * place in the order allows.
 *
 * A map is not thread-safe; one map per domain, one thread per map.
 */
#ifndef IOREP_IVMAP_H
#define IOREP_IVMAP_H

#include <stddef.h>
#include <stdint.h>

struct iorep_ivmap_slot;

/* The caller's payload, copied into each node. */
struct iorep_ivmap_val {
	uint64_t paddr; /* physical address of start; advanced when the front is trimmed */
	uint64_t ts;	/* timestamp of the map event */
	uint64_t pos;	/* position of the map event in the input */
	int32_t cpu;
	int32_t pid;
	uint32_t owner; /* caller-defined, e.g. a device or strtab index */
	uint32_t flags; /* caller-defined */
};

/*
 * One mapping.  Handles stay valid until the node is removed (by
 * iorep_ivmap_remove(), by a trim that covers it, or by releasing the map);
 * trims and other inserts never move a node in memory.
 */
struct iorep_ivmap_node {
	/*
	 * Read-only for callers: the range.  With the three fields after it,
	 * all that a search reads of a node, in the node's first 40 bytes.
	 */
	uint64_t start;
	uint64_t last; /* inclusive: the range is [start, last + 1) */
	/* Private to ivmap.c. */
	uint64_t max_last; /* largest @last in this subtree, dead nodes included; kept
			    * only while nodes may overlap */
	struct iorep_ivmap_node *left;
	struct iorep_ivmap_node *right;
	struct iorep_ivmap_node *parent;
	uint64_t seq : 47;  /* insertion sequence, read-only for callers */
	uint64_t dead : 1;  /* a tombstone: read with iorep_ivmap_node_dead() */
	uint64_t hl : 8;    /* AVL heights of the left and right subtrees (0: none), */
	uint64_t hr : 8;    /* so that a rebalancing walk reads no sibling */
	/* The caller's to read and write. */
	struct iorep_ivmap_val val;
};

#define IOREP_IVMAP_CACHE_DEFAULT 64

/*
 * The map.  Public so that it can be embedded in a domain struct, but every
 * field is private to ivmap.c: use the functions below.
 */
struct iorep_ivmap {
	struct iorep_ivmap_node *root;
	struct iorep_ivmap_node *cache; /* removed nodes, linked through ->right */
	size_t count; /* live nodes */
	size_t ndead;
	size_t ncache;
	size_t cache_max;
	uint64_t next_seq;
	uint64_t bytes_lo; /* total live bytes, 128-bit: overlaps can pass 2^64 */
	uint64_t bytes_hi;
	/* Nodes by start, kept while no two nodes overlap (src/ivmap-slots.c). */
	struct iorep_ivmap_slot *slots;
	size_t nslots;
	size_t nused;
	unsigned int slot_shift; /* 64 - log2(nslots): a start's home is its hash >> this */
	int overlap;	   /* two nodes may overlap: no table, tree walks only */
	size_t nbad;	   /* while so, the neighbours in order that overlap */
	size_t since_drop; /* links and unlinks since the table was dropped */
	/* Apart: where the last search or trim left room for an insert (ivmap-local.h). */
	struct iorep_ivmap_node *hint_node;
	uint64_t hint_lo, hint_hi;
	int hint_after;
	int hint_ok;
};

/* Results of iorep_ivmap_trim(). */
enum iorep_ivmap_trim_result {
	IOREP_IVMAP_TRIM_NONE = 0, /* the sub-range misses the node: nothing changed */
	IOREP_IVMAP_TRIM_FRONT,	   /* the node now starts at the sub-range's end */
	IOREP_IVMAP_TRIM_BACK,	   /* the node now ends at the sub-range's start */
	IOREP_IVMAP_TRIM_SPLIT,	   /* the node kept the front; a new node holds the back */
	IOREP_IVMAP_TRIM_REMOVED,  /* the sub-range covered the node: it was removed */
};

/* Initializes an empty map; iorep_ivmap_release() frees what it comes to hold. */
void iorep_ivmap_init(struct iorep_ivmap *m);

/*
 * Frees every node and the node cache.  @m is left empty and initialized
 * (cache_max back to the default), ready to be reused or dropped.
 */
void iorep_ivmap_release(struct iorep_ivmap *m);

/* Returns a new empty map or NULL on allocation failure; iorep_ivmap_free() frees it. */
struct iorep_ivmap *iorep_ivmap_new(void);

/* Releases @m and frees the struct; NULL is ignored. */
void iorep_ivmap_free(struct iorep_ivmap *m);

/* Bounds the cache of removed nodes (0 disables it), freeing any excess now. */
void iorep_ivmap_set_cache_max(struct iorep_ivmap *m, size_t max);

/* True when [@start, @end) is a valid range (see "Ends" above). */
static inline int iorep_ivmap_range_valid(uint64_t start, uint64_t end)
{
	return end - 1 >= start;
}

/* The exclusive end of @n, modulo 2^64: 0 when @n reaches the top of the space. */
static inline uint64_t iorep_ivmap_node_end(const struct iorep_ivmap_node *n)
{
	return n->last + 1;
}

/*
 * Adds [@start, @end) with a copy of *@val, after any node with the same
 * start.  Overlaps and duplicates are kept.  Returns the node, owned by @m,
 * or NULL when the allocation fails or the range is invalid (check with
 * iorep_ivmap_range_valid() first to tell the two apart).
 */
struct iorep_ivmap_node *iorep_ivmap_insert(struct iorep_ivmap *m, uint64_t start, uint64_t end,
					    const struct iorep_ivmap_val *val);

/* Removes @n (live or dead) from @m; the handle is invalid afterwards. */
void iorep_ivmap_remove(struct iorep_ivmap *m, struct iorep_ivmap_node *n);

/* True when @n is a dead node (a tombstone). */
static inline int iorep_ivmap_node_dead(const struct iorep_ivmap_node *n)
{
	return n->dead;
}

/* As iorep_ivmap_insert(), but the new node is dead. */
struct iorep_ivmap_node *iorep_ivmap_insert_dead(struct iorep_ivmap *m, uint64_t start,
						 uint64_t end, const struct iorep_ivmap_val *val);

/* Makes @n dead (if it is live) and gives it the payload *@val; no link changes. */
void iorep_ivmap_kill(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
		      const struct iorep_ivmap_val *val);

/* Makes @n live (if it is dead) and gives it the payload *@val; no link changes. */
void iorep_ivmap_revive(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
			const struct iorep_ivmap_val *val);

/*
 * iorep_ivmap_remove(@n) followed by an insert of [@start, @end) with a
 * copy of *@val, dead if @dead, but the node is @n itself: it takes the
 * new range, state, payload and a new insertion sequence, staying where it
 * is in the tree when the new range's place in the order is its own.
 * Returns @n, or NULL (nothing changed) for an invalid range or when the
 * insertion sequence is exhausted.
 */
struct iorep_ivmap_node *iorep_ivmap_reset(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
					   uint64_t start, uint64_t end,
					   const struct iorep_ivmap_val *val, int dead);

/*
 * As iorep_ivmap_reset(), when the caller knows that @n lies inside
 * [@start, @end) and no other node, live or dead, overlaps that range (say,
 * it has just removed them): then @n always stays where it is, and its
 * neighbours are not looked at.  Any other use breaks the map.
 */
struct iorep_ivmap_node *iorep_ivmap_reset_sole(struct iorep_ivmap *m, struct iorep_ivmap_node *n,
						uint64_t start, uint64_t end,
						const struct iorep_ivmap_val *val, int dead);

/* Removes the dead nodes whose val.ts is below @before_ts (UINT64_MAX: all); returns how many. */
size_t iorep_ivmap_sweep_dead(struct iorep_ivmap *m, uint64_t before_ts);

/* Number of dead nodes. */
size_t iorep_ivmap_dead_count(const struct iorep_ivmap *m);

/* The first dead node (by start, then insertion) that contains @addr / overlaps the range. */
struct iorep_ivmap_node *iorep_ivmap_dead_find_containing(const struct iorep_ivmap *m,
							  uint64_t addr);
struct iorep_ivmap_node *iorep_ivmap_dead_overlap_first(const struct iorep_ivmap *m,
							uint64_t start, uint64_t end);

/*
 * Overlap iteration over live and dead nodes alike, in (start, insertion)
 * order, with the same rules as iorep_ivmap_overlap_first()/_next().  When
 * iorep_ivmap_overlap_first_any() finds nothing, an insert of the same
 * range that follows with no change to @m in between skips its descent.
 */
struct iorep_ivmap_node *iorep_ivmap_overlap_first_any(struct iorep_ivmap *m, uint64_t start,
						       uint64_t end);
struct iorep_ivmap_node *iorep_ivmap_overlap_next_any(const struct iorep_ivmap *m,
						      struct iorep_ivmap_node *n, uint64_t start,
						      uint64_t end);

/*
 * Removes the part of @n inside [@start, @end):
 * - no intersection: nothing changes (IOREP_IVMAP_TRIM_NONE);
 * - covers @n: @n is removed and its handle invalid (IOREP_IVMAP_TRIM_REMOVED);
 * - covers the front: @n becomes [@end, old end), val.paddr advances by the
 *   bytes cut (IOREP_IVMAP_TRIM_FRONT);
 * - covers the back: @n becomes [old start, @start) (IOREP_IVMAP_TRIM_BACK);
 * - strictly inside: @n becomes [old start, @start) and a new node
 *   [@end, old end) is inserted with a copy of the payload whose paddr is
 *   val.paddr + (@end - old start); it takes a new insertion sequence
 *   (IOREP_IVMAP_TRIM_SPLIT).
 * A dead node is trimmed the same way; a split's new node is dead too.
 * *@tail (if @tail is not NULL) is set to the new node on a split, else NULL.
 * Returns the iorep_ivmap_trim_result, -IOREP_EINVAL for an invalid range,
 * or -IOREP_ENOMEM when the split cannot allocate (then nothing changed).
 */
int iorep_ivmap_trim(struct iorep_ivmap *m, struct iorep_ivmap_node *n, uint64_t start,
		     uint64_t end, struct iorep_ivmap_node **tail);

/* The first node (by start, then insertion) that contains @addr, or NULL. */
struct iorep_ivmap_node *iorep_ivmap_find_containing(const struct iorep_ivmap *m, uint64_t addr);

/* The first node (by insertion) that is exactly [@start, @end), or NULL. */
struct iorep_ivmap_node *iorep_ivmap_find_exact(const struct iorep_ivmap *m, uint64_t start,
						uint64_t end);

/*
 * Overlap iteration, in (start, insertion) order: the first node that
 * overlaps [@start, @end), then the one after @n.  Ranges that only touch
 * ([0, 4096) and [4096, 8192)) do not overlap.  Returns NULL at the end or
 * for an invalid range.  Removing @n, or trimming it so that it no longer
 * overlaps the query, is safe once the next node has been fetched (see
 * iorep_ivmap_for_each_overlap_safe()).
 */
struct iorep_ivmap_node *iorep_ivmap_overlap_first(const struct iorep_ivmap *m, uint64_t start,
						   uint64_t end);
struct iorep_ivmap_node *iorep_ivmap_overlap_next(const struct iorep_ivmap *m,
						  struct iorep_ivmap_node *n, uint64_t start,
						  uint64_t end);

/*
 * Calls @fn on each node overlapping [@start, @end), in order, until @fn
 * returns non-zero.  The next node is fetched before @fn runs, so @fn may
 * remove or trim the node it is given as iorep_ivmap_overlap_next() allows.
 * Returns the first non-zero value of @fn, or 0.
 */
int iorep_ivmap_overlap_each(const struct iorep_ivmap *m, uint64_t start, uint64_t end,
			     int (*fn)(struct iorep_ivmap_node *n, void *data), void *data);

/* In-order iteration over all nodes; each returns NULL past the end. */
struct iorep_ivmap_node *iorep_ivmap_first(const struct iorep_ivmap *m);
struct iorep_ivmap_node *iorep_ivmap_last(const struct iorep_ivmap *m);
struct iorep_ivmap_node *iorep_ivmap_next(struct iorep_ivmap_node *n);
struct iorep_ivmap_node *iorep_ivmap_prev(struct iorep_ivmap_node *n);

/* Number of live nodes. */
size_t iorep_ivmap_count(const struct iorep_ivmap *m);

/* True while no two nodes (live or dead) overlap: the lookups take their shortcuts. */
int iorep_ivmap_apart(const struct iorep_ivmap *m);

/*
 * Sum of the sizes of the live nodes (overlaps counted twice), saturated
 * at UINT64_MAX: a single [0, 0) node is 2^64 bytes.
 */
uint64_t iorep_ivmap_bytes(const struct iorep_ivmap *m);

/*
 * Debug check for tests: parent links, (start, seq) order, AVL heights and
 * balance, max_last augmentation (while nodes may overlap), count and bytes.  O(n).  Returns 0 or
 * -IOREP_EINVAL at the first broken invariant.
 */
int iorep_ivmap_validate(const struct iorep_ivmap *m);

#define iorep_ivmap_for_each(n, m) for ((n) = iorep_ivmap_first(m); (n); (n) = iorep_ivmap_next(n))

/* As iorep_ivmap_for_each(), but @n may be removed or trimmed in the body. */
#define iorep_ivmap_for_each_safe(n, tmp, m)                                                       \
	for ((n) = iorep_ivmap_first(m); (n) && ((tmp) = iorep_ivmap_next(n), 1); (n) = (tmp))

/* As iorep_ivmap_for_each_overlap_safe(), over live and dead nodes. */
#define iorep_ivmap_for_each_overlap_any_safe(n, tmp, m, start, end)                               \
	for ((n) = iorep_ivmap_overlap_first_any((m), (start), (end));                             \
	     (n) && ((tmp) = iorep_ivmap_overlap_next_any((m), (n), (start), (end)), 1); (n) = (tmp))

#define iorep_ivmap_for_each_overlap(n, m, start, end)                                             \
	for ((n) = iorep_ivmap_overlap_first((m), (start), (end)); (n);                            \
	     (n) = iorep_ivmap_overlap_next((m), (n), (start), (end)))

/*
 * As iorep_ivmap_for_each_overlap(), but @n may be removed, or trimmed so
 * that it no longer overlaps [@start, @end), in the body: an unmap of
 * [start, end) is iorep_ivmap_trim(m, n, start, end, NULL) on each @n.
 */
#define iorep_ivmap_for_each_overlap_safe(n, tmp, m, start, end)                                   \
	for ((n) = iorep_ivmap_overlap_first((m), (start), (end));                                 \
	     (n) && ((tmp) = iorep_ivmap_overlap_next((m), (n), (start), (end)), 1); (n) = (tmp))

#endif
