/* SPDX-License-Identifier: MIT */
/*
 * The normalized event: what every input reader produces and what the
 * model, the checks and the reporters consume.
 *
 * One entry per kernel event name (dma_map_page and its 6.17 name
 * dma_map_phys are two entries of one class), so the kernel's own name can
 * always be printed back.  Fields keep the kernel's field names; the slot a
 * field is stored in is shared between events where the meaning is the same
 * (dma_unmap_page's "addr" is a DMA address, dma_unmap_sg's "addrs" are
 * physical addresses).
 */
#ifndef IOREP_EVENT_H
#define IOREP_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Field table: ID, kernel field name, kind.
 * Kinds: NUM (decimal), HEX (address, printed as 0x...), STR (string),
 * DIR (enum dma_data_direction), ATTRS (DMA_ATTR_* bits), GFP (gfp_t, kept as
 * the kernel's symbolic text), BOOL, U64S / U32S (arrays).
 */
#define IOREP_FIELDS                                                           \
	_F(GID, "gid", NUM)                                                    \
	_F(DEVICE, "device", STR)                                              \
	_F(DRIVER, "driver", STR)                                              \
	_F(IOVA, "iova", HEX)                                                  \
	_F(PADDR, "paddr", HEX)                                                \
	_F(SIZE, "size", NUM)                                                  \
	_F(UNMAPPED_SIZE, "unmapped_size", NUM)                                \
	_F(FAULT_FLAGS, "flags", HEX)                                          \
	_F(PHYS_ADDR, "phys_addr", HEX)                                        \
	_F(DMA_ADDR, "dma_addr", HEX)                                          \
	_F(ADDR, "addr", HEX)                                                  \
	_F(VIRT_ADDR, "virt_addr", HEX)                                        \
	_F(DIR, "dir", DIR)                                                    \
	_F(ATTRS, "attrs", ATTRS)                                              \
	_F(GFP, "flags", GFP)                                                  \
	_F(FULL_NENTS, "full_nents", NUM)                                      \
	_F(FULL_ENTS, "full_ents", NUM)                                        \
	_F(TRUNCATED, "truncated", BOOL)                                       \
	_F(ERR, "err", NUM)                                                    \
	_F(PHYS_ADDRS, "phys_addrs", U64S)                                     \
	_F(ADDRS, "addrs", U64S)                                               \
	_F(DMA_ADDRS, "dma_addrs", U64S)                                       \
	_F(LENGTHS, "lengths", U32S)

#define _F(id, name, kind) IOREP_F_##id,
enum iorep_field { IOREP_FIELDS IOREP_F__COUNT };
#undef _F

enum iorep_field_kind {
	IOREP_FK_NUM,
	IOREP_FK_HEX,
	IOREP_FK_STR,
	IOREP_FK_DIR,
	IOREP_FK_ATTRS,
	IOREP_FK_GFP,
	IOREP_FK_BOOL,
	IOREP_FK_U64S,
	IOREP_FK_U32S,
};

/* What an event means to the model, whatever the kernel called it. */
enum iorep_class {
	IOREP_C_NONE,
	IOREP_C_GROUP_ADD,
	IOREP_C_GROUP_REMOVE,
	IOREP_C_ATTACH,
	IOREP_C_DETACH,
	IOREP_C_MAP,
	IOREP_C_UNMAP,
	IOREP_C_FAULT,
	IOREP_C_DMA_MAP,	/* single mapping: page, phys, resource */
	IOREP_C_DMA_UNMAP,
	IOREP_C_DMA_MAP_SG,
	IOREP_C_DMA_UNMAP_SG,
	IOREP_C_DMA_ALLOC,	/* coherent or pages: dma_alloc, dma_alloc_pages */
	IOREP_C_DMA_FREE,
	IOREP_C_DMA_ALLOC_SGT,
	IOREP_C_DMA_FREE_SGT,
	IOREP_C_DMA_ERR,	/* a failed mapping or allocation */
	IOREP_C_DMA_SYNC,
	IOREP_C_DMA_SYNC_SG,
	IOREP_C_LOST,		/* pseudo event: the ring buffer dropped events */
	IOREP_C_STACK,		/* the kernel's stack trace of the event before it */
};

/*
 * Event table: ID, system, kernel event name, class, fields (as a
 * brace list of IOREP_F_* in the kernel's order).
 */
#define _L(...) { __VA_ARGS__, IOREP_F__COUNT }
#define IOREP_EVENTS                                                           \
	_T(ADD_DEVICE, "iommu", "add_device_to_group", GROUP_ADD,             \
	   _L(IOREP_F_GID, IOREP_F_DEVICE))                                    \
	_T(REMOVE_DEVICE, "iommu", "remove_device_from_group", GROUP_REMOVE,  \
	   _L(IOREP_F_GID, IOREP_F_DEVICE))                                    \
	_T(ATTACH, "iommu", "attach_device_to_domain", ATTACH, _L(IOREP_F_DEVICE)) \
	_T(DETACH, "iommu", "detach_device_from_domain", DETACH, _L(IOREP_F_DEVICE)) \
	_T(MAP, "iommu", "map", MAP, _L(IOREP_F_IOVA, IOREP_F_PADDR, IOREP_F_SIZE)) \
	_T(UNMAP, "iommu", "unmap", UNMAP,                                      \
	   _L(IOREP_F_IOVA, IOREP_F_SIZE, IOREP_F_UNMAPPED_SIZE))              \
	_T(IO_PAGE_FAULT, "iommu", "io_page_fault", FAULT,                      \
	   _L(IOREP_F_DEVICE, IOREP_F_DRIVER, IOREP_F_IOVA, IOREP_F_FAULT_FLAGS)) \
	_T(DMA_MAP_PAGE, "dma", "dma_map_page", DMA_MAP, IOREP_DMA_MAP_FIELDS)   \
	_T(DMA_MAP_PHYS, "dma", "dma_map_phys", DMA_MAP, IOREP_DMA_MAP_FIELDS)   \
	_T(DMA_MAP_RESOURCE, "dma", "dma_map_resource", DMA_MAP, IOREP_DMA_MAP_FIELDS) \
	_T(DMA_UNMAP_PAGE, "dma", "dma_unmap_page", DMA_UNMAP, IOREP_DMA_UNMAP_FIELDS) \
	_T(DMA_UNMAP_PHYS, "dma", "dma_unmap_phys", DMA_UNMAP, IOREP_DMA_UNMAP_FIELDS) \
	_T(DMA_UNMAP_RESOURCE, "dma", "dma_unmap_resource", DMA_UNMAP,          \
	   IOREP_DMA_UNMAP_FIELDS)                                              \
	_T(DMA_MAP_SG, "dma", "dma_map_sg", DMA_MAP_SG,                         \
	   _L(IOREP_F_DEVICE, IOREP_F_FULL_NENTS, IOREP_F_FULL_ENTS, IOREP_F_TRUNCATED, \
	      IOREP_F_PHYS_ADDRS, IOREP_F_DMA_ADDRS, IOREP_F_LENGTHS, IOREP_F_DIR, \
	      IOREP_F_ATTRS))                                                   \
	_T(DMA_MAP_SG_ERR, "dma", "dma_map_sg_err", DMA_ERR,                    \
	   _L(IOREP_F_DEVICE, IOREP_F_PHYS_ADDRS, IOREP_F_ERR, IOREP_F_DIR, IOREP_F_ATTRS)) \
	_T(DMA_UNMAP_SG, "dma", "dma_unmap_sg", DMA_UNMAP_SG,                   \
	   _L(IOREP_F_DEVICE, IOREP_F_ADDRS, IOREP_F_DIR, IOREP_F_ATTRS))        \
	_T(DMA_ALLOC, "dma", "dma_alloc", DMA_ALLOC, IOREP_DMA_ALLOC_FIELDS)     \
	_T(DMA_ALLOC_PAGES, "dma", "dma_alloc_pages", DMA_ALLOC, IOREP_DMA_ALLOC_FIELDS) \
	_T(DMA_ALLOC_SGT_ERR, "dma", "dma_alloc_sgt_err", DMA_ERR, IOREP_DMA_ALLOC_FIELDS) \
	_T(DMA_FREE, "dma", "dma_free", DMA_FREE, IOREP_DMA_FREE_FIELDS)         \
	_T(DMA_FREE_PAGES, "dma", "dma_free_pages", DMA_FREE, IOREP_DMA_FREE_FIELDS) \
	_T(DMA_ALLOC_SGT, "dma", "dma_alloc_sgt", DMA_ALLOC_SGT,                \
	   _L(IOREP_F_DEVICE, IOREP_F_PHYS_ADDRS, IOREP_F_DMA_ADDR, IOREP_F_SIZE, \
	      IOREP_F_DIR, IOREP_F_GFP, IOREP_F_ATTRS))                         \
	_T(DMA_FREE_SGT, "dma", "dma_free_sgt", DMA_FREE_SGT,                   \
	   _L(IOREP_F_DEVICE, IOREP_F_PHYS_ADDRS, IOREP_F_DMA_ADDR, IOREP_F_SIZE, \
	      IOREP_F_DIR))                                                     \
	_T(DMA_SYNC_SINGLE_FOR_CPU, "dma", "dma_sync_single_for_cpu", DMA_SYNC,  \
	   IOREP_DMA_SYNC_FIELDS)                                               \
	_T(DMA_SYNC_SINGLE_FOR_DEVICE, "dma", "dma_sync_single_for_device", DMA_SYNC, \
	   IOREP_DMA_SYNC_FIELDS)                                               \
	_T(DMA_SYNC_SG_FOR_CPU, "dma", "dma_sync_sg_for_cpu", DMA_SYNC_SG,       \
	   IOREP_DMA_SYNC_SG_FIELDS)                                            \
	_T(DMA_SYNC_SG_FOR_DEVICE, "dma", "dma_sync_sg_for_device", DMA_SYNC_SG, \
	   IOREP_DMA_SYNC_SG_FIELDS)                                            \
	_T(LOST, "", "lost_events", LOST, _L(IOREP_F__COUNT))                  \
	_T(STACK, "ftrace", "kernel_stack", STACK, _L(IOREP_F__COUNT))

#define IOREP_DMA_MAP_FIELDS                                                   \
	_L(IOREP_F_DEVICE, IOREP_F_PHYS_ADDR, IOREP_F_DMA_ADDR, IOREP_F_SIZE,  \
	   IOREP_F_DIR, IOREP_F_ATTRS)
#define IOREP_DMA_UNMAP_FIELDS                                                 \
	_L(IOREP_F_DEVICE, IOREP_F_ADDR, IOREP_F_SIZE, IOREP_F_DIR, IOREP_F_ATTRS)
#define IOREP_DMA_ALLOC_FIELDS                                                 \
	_L(IOREP_F_DEVICE, IOREP_F_VIRT_ADDR, IOREP_F_DMA_ADDR, IOREP_F_SIZE,  \
	   IOREP_F_GFP, IOREP_F_DIR, IOREP_F_ATTRS)
#define IOREP_DMA_FREE_FIELDS                                                  \
	_L(IOREP_F_DEVICE, IOREP_F_VIRT_ADDR, IOREP_F_DMA_ADDR, IOREP_F_SIZE,  \
	   IOREP_F_DIR, IOREP_F_ATTRS)
#define IOREP_DMA_SYNC_FIELDS                                                  \
	_L(IOREP_F_DEVICE, IOREP_F_DMA_ADDR, IOREP_F_SIZE, IOREP_F_DIR)
#define IOREP_DMA_SYNC_SG_FIELDS                                               \
	_L(IOREP_F_DEVICE, IOREP_F_DMA_ADDRS, IOREP_F_LENGTHS, IOREP_F_DIR)

#define _T(id, sys, name, cls, fields) IOREP_EV_##id,
enum iorep_etype { IOREP_EVENTS IOREP_EV__COUNT };
#undef _T

#define IOREP_MAX_EVENT_FIELDS 10

struct iorep_event_desc {
	const char *system;
	const char *name;
	enum iorep_class cls;
	/* terminated by IOREP_F__COUNT */
	unsigned char fields[IOREP_MAX_EVENT_FIELDS];
};

struct iorep_field_desc {
	const char *name;
	enum iorep_field_kind kind;
};

/* A dynamic array field; the memory belongs to the reader (see below). */
struct iorep_u64s {
	const uint64_t *v;
	uint32_t n;
};

struct iorep_u32s {
	const uint32_t *v;
	uint32_t n;
};

enum iorep_dma_dir {
	IOREP_DIR_BIDIRECTIONAL = 0,
	IOREP_DIR_TO_DEVICE = 1,
	IOREP_DIR_FROM_DEVICE = 2,
	IOREP_DIR_NONE = 3,
};

/*
 * The context of an event, from ftrace's flags (trace.dat's common_flags, a
 * text line's "d.h1."): IOREP_CTX_ATOMIC when interrupts or bottom halves
 * were off, or in an interrupt or NMI.  0 also when the input does not say.
 */
#define IOREP_CTX_ATOMIC 1u

/*
 * One event.  Strings (comm, device, driver, gfp) are interned in the
 * iorep_strtab given to the reader and live as long as it does.  Array
 * fields point into the reader's scratch space and are valid until the next
 * call to iorep_input_next().  Only the fields whose bit is set in @have are
 * meaningful.
 */
struct iorep_event {
	/*
	 * What the model reads of the frequent events (map, unmap, dma_map_*,
	 * dma_unmap_*) first, in the event's first 128 bytes: the reader thread
	 * writes each event and the model thread reads it, a cache line at a time.
	 */
	enum iorep_etype type;
	int32_t cpu;
	int32_t pid;
	uint32_t have;		/* 1 << IOREP_F_* */
	int32_t tgid;		/* the thread group (record-tgid text), 0 when not given */
	uint32_t ctx;		/* IOREP_CTX_*: the context the event was made in */
	uint64_t ts;		/* nanoseconds, as recorded */
	uint64_t pos;		/* file offset (trace.dat) or line number (text) */
	const char *comm;
	const char *device;
	uint64_t iova;
	uint64_t size;
	uint64_t paddr;
	uint64_t unmapped_size;
	uint64_t dma_addr;	/* dma_addr, or dma_unmap_*'s addr */
	uint64_t phys_addr;
	int32_t dir;
	int32_t gid;
	uint64_t attrs;

	int32_t err;
	int32_t full_nents;
	int32_t full_ents;
	uint32_t fault_flags;
	bool truncated;
	const char *driver;
	const char *gfp;
	uint64_t virt_addr;
	int64_t lost;		/* IOREP_EV_LOST: events dropped, -1 unknown */
	struct iorep_u64s phys_addrs;	/* phys_addrs, or dma_unmap_sg's addrs */
	struct iorep_u64s dma_addrs;
	struct iorep_u32s lengths;
	/*
	 * IOREP_EV_STACK: its frames, innermost first, one a line ("f1\nf2"),
	 * interned; the input position of the event it is the stack of (that
	 * CPU's event before it, of the same task), or IOREP_STACK_NONE; and
	 * whether the model's stage still holds that event back (it reaches
	 * the model after its stack)
	 */
	const char *stack;
	uint64_t stack_of;
	bool stack_held;
	/*
	 * An io_page_fault that the kernel log reported (--dmesg), not the
	 * trace: the log's words and where ("dmesg.txt:460: DMAR ..."); else NULL
	 */
	const char *source;
};

#define IOREP_STACK_NONE UINT64_MAX

extern const struct iorep_event_desc iorep_event_descs[IOREP_EV__COUNT];
extern const struct iorep_field_desc iorep_field_descs[IOREP_F__COUNT];

/*
 * Where the readers store a field that is a plain number: its offset in
 * struct iorep_event and its width, 8 or 4 bytes (0: a string, an array,
 * gfp or truncated, which each reader stores its own way).
 */
struct iorep_field_slot {
	uint16_t off;
	uint8_t width;
};

extern const struct iorep_field_slot iorep_field_slots[IOREP_F__COUNT];

static inline const struct iorep_event_desc *iorep_event_desc(enum iorep_etype t)
{
	return &iorep_event_descs[t];
}

static inline bool iorep_event_has(const struct iorep_event *ev, enum iorep_field f)
{
	return ev->have & (1u << f);
}

/* Whether events of @d have field @f, in some kernel's format. */
static inline bool iorep_event_desc_has(const struct iorep_event_desc *d, enum iorep_field f)
{
	int i;

	for (i = 0; i < IOREP_MAX_EVENT_FIELDS && d->fields[i] != IOREP_F__COUNT; i++)
		if (d->fields[i] == f)
			return true;
	return false;
}

/* Returns the event type of a kernel event name, or -1 when it is not ours. */
int iorep_event_lookup(const char *name, int len);

/*
 * The same lookup through an index of the names by length, for a caller
 * that looks up a name per line: @by_len[n] is the set of events (bit
 * IOREP_EV_x) whose names have n bytes, as iorep_event_index() fills it.
 */
#define IOREP_EVENT_NAME_MAX 32
void iorep_event_index(uint64_t by_len[IOREP_EVENT_NAME_MAX]);

static inline int iorep_event_lookup_in(const uint64_t *by_len, const char *name, int len)
{
	uint64_t set;
	int i;

	if (len < 0 || len >= IOREP_EVENT_NAME_MAX)
		return -1;
	for (set = by_len[len]; set; set &= set - 1) {
		i = __builtin_ctzll(set);
		if (!memcmp(iorep_event_descs[i].name, name, (size_t)len))
			return i;
	}
	return -1;
}

/* Resets @ev to an empty event of @type. */
static inline void iorep_event_reset(struct iorep_event *ev, enum iorep_etype type)
{
	/*
	 * 16 bytes a store, unrolled: a reader resets every event, and the
	 * compiler's own clear of a struct this size (an assignment, memset())
	 * is rep stos, whose start-up costs more than the stores
	 */
	typedef uint64_t iorep_zero16 __attribute__((vector_size(16), may_alias, aligned(8)));
	typedef uint64_t iorep_zero8 __attribute__((may_alias));
	iorep_zero16 *p = (iorep_zero16 *)(void *)ev, z = { 0, 0 };
	unsigned int i;

	_Static_assert(sizeof(*ev) % 8 == 0, "struct iorep_event is a whole number of words");
#pragma GCC unroll 32
	for (i = 0; i < sizeof(*ev) / 16; i++)
		p[i] = z;
	if (sizeof(*ev) % 16)
		*(iorep_zero8 *)(void *)((char *)ev + sizeof(*ev) - 8) = 0;
	ev->type = type;
	ev->cpu = -1;
	ev->pid = -1;
}

/* The process of @ev for attribution: its thread group when the input names it, else its task. */
static inline int32_t iorep_event_proc(int32_t pid, int32_t tgid)
{
	return tgid > 0 ? tgid : pid;
}

/*
 * The bytes @ev's arrays (phys_addrs, dma_addrs, lengths) take, each rounded
 * up to 8, and their move into that many bytes at @dst (8-byte aligned),
 * @ev's pointers then pointing there: for an event kept past the call that
 * filled it, whose arrays were the reader's scratch space.
 */
size_t iorep_event_arrays_size(const struct iorep_event *ev);
void iorep_event_arrays_move(struct iorep_event *ev, void *dst);

/* Names of dma_data_direction values and DMA_ATTR_* bits, from dma.h. */
const char *iorep_dma_dir_name(int dir);
int iorep_dma_dir_lookup(const char *s, int len);
/* Returns the DMA_ATTR_* bit of a name, or 0 when the name is unknown. */
uint64_t iorep_dma_attr_lookup(const char *s, int len);
/*
 * Writes the "A|B" names of @attrs to @buf (at most @size bytes, always
 * terminated) as the kernel prints them; unknown bits as 0x... at the end.
 */
void iorep_dma_attrs_format(uint64_t attrs, char *buf, int size);

#endif
