// SPDX-License-Identifier: MIT
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "iorep-event.h"

#define _T(id, sys, nm, c, f) [IOREP_EV_##id] = { .system = sys, .name = nm, .cls = IOREP_C_##c, .fields = f },
const struct iorep_event_desc iorep_event_descs[IOREP_EV__COUNT] = { IOREP_EVENTS };
#undef _T

#define _F(id, nm, k) [IOREP_F_##id] = { .name = nm, .kind = IOREP_FK_##k },
const struct iorep_field_desc iorep_field_descs[IOREP_F__COUNT] = { IOREP_FIELDS };
#undef _F

#define SLOT(m) { offsetof(struct iorep_event, m), sizeof(((struct iorep_event *)0)->m) }
const struct iorep_field_slot iorep_field_slots[IOREP_F__COUNT] = {
	[IOREP_F_GID] = SLOT(gid),
	[IOREP_F_IOVA] = SLOT(iova),
	[IOREP_F_PADDR] = SLOT(paddr),
	[IOREP_F_SIZE] = SLOT(size),
	[IOREP_F_UNMAPPED_SIZE] = SLOT(unmapped_size),
	[IOREP_F_FAULT_FLAGS] = SLOT(fault_flags),
	[IOREP_F_PHYS_ADDR] = SLOT(phys_addr),
	[IOREP_F_DMA_ADDR] = SLOT(dma_addr),
	[IOREP_F_ADDR] = SLOT(dma_addr),
	[IOREP_F_VIRT_ADDR] = SLOT(virt_addr),
	[IOREP_F_DIR] = SLOT(dir),
	[IOREP_F_ATTRS] = SLOT(attrs),
	[IOREP_F_FULL_NENTS] = SLOT(full_nents),
	[IOREP_F_FULL_ENTS] = SLOT(full_ents),
	[IOREP_F_ERR] = SLOT(err),
};
#undef SLOT

/* The length of each event's name, known at compile time: a lookup per text line. */
#define _T(id, sys, nm, c, f) [IOREP_EV_##id] = sizeof(nm) - 1,
static const unsigned char name_len[IOREP_EV__COUNT] = { IOREP_EVENTS };
#undef _T

int iorep_event_lookup(const char *name, int len)
{
	int i;

	/* LOST is a pseudo event and never matches a kernel name. */
	for (i = 0; i < IOREP_EV_LOST; i++)
		if (name_len[i] == len && !memcmp(iorep_event_descs[i].name, name, len))
			return i;
	return -1;
}

_Static_assert(IOREP_EV__COUNT <= 64, "a set of events no longer fits 64 bits");

void iorep_event_index(uint64_t by_len[IOREP_EVENT_NAME_MAX])
{
	int i;

	memset(by_len, 0, IOREP_EVENT_NAME_MAX * sizeof(*by_len));
	/* LOST is a pseudo event and never matches a kernel name. */
	for (i = 0; i < IOREP_EV_LOST; i++)
		if (name_len[i] < IOREP_EVENT_NAME_MAX)
			by_len[name_len[i]] |= 1ull << i;
}

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

size_t iorep_event_arrays_size(const struct iorep_event *ev)
{
	return round8((size_t)ev->phys_addrs.n * 8) + round8((size_t)ev->dma_addrs.n * 8) +
	       round8((size_t)ev->lengths.n * 4);
}

/* Copies @bytes from @v to *@at, which moves past them; returns where they went. */
static void *move_to(unsigned char **at, const void *v, size_t bytes)
{
	void *p = *at;

	memcpy(p, v, bytes);
	*at += round8(bytes);
	return p;
}

void iorep_event_arrays_move(struct iorep_event *ev, void *dst)
{
	unsigned char *at = dst;

	if (ev->phys_addrs.n)
		ev->phys_addrs.v = move_to(&at, ev->phys_addrs.v, (size_t)ev->phys_addrs.n * 8);
	if (ev->dma_addrs.n)
		ev->dma_addrs.v = move_to(&at, ev->dma_addrs.v, (size_t)ev->dma_addrs.n * 8);
	if (ev->lengths.n)
		ev->lengths.v = move_to(&at, ev->lengths.v, (size_t)ev->lengths.n * 4);
}

static const char *const dma_dir_names[] = { "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE",
					     "NONE" };

/*
 * DMA_ATTR_* from include/linux/dma-mapping.h: the bits have not moved since
 * 4.x.  CACHE_CLEAN is as a 6.18 kernel's print formats name bit 11.
 */
static const struct {
	const char *name;
	uint64_t bit;
} dma_attr_names[] = {
	{ "WEAK_ORDERING", 1ull << 1 },	 { "WRITE_COMBINE", 1ull << 2 },
	{ "NO_KERNEL_MAPPING", 1ull << 4 }, { "SKIP_CPU_SYNC", 1ull << 5 },
	{ "FORCE_CONTIGUOUS", 1ull << 6 }, { "ALLOC_SINGLE_PAGES", 1ull << 7 },
	{ "NO_WARN", 1ull << 8 },	 { "PRIVILEGED", 1ull << 9 },
	{ "MMIO", 1ull << 10 },		 { "CACHE_CLEAN", 1ull << 11 },
};

const char *iorep_dma_dir_name(int dir)
{
	if (dir < 0 || dir > 3)
		return NULL;
	return dma_dir_names[dir];
}

int iorep_dma_dir_lookup(const char *s, int len)
{
	int i;

	for (i = 0; i < 4; i++)
		if ((int)strlen(dma_dir_names[i]) == len && !memcmp(dma_dir_names[i], s, len))
			return i;
	return -1;
}

uint64_t iorep_dma_attr_lookup(const char *s, int len)
{
	size_t i;

	for (i = 0; i < sizeof(dma_attr_names) / sizeof(dma_attr_names[0]); i++)
		if ((int)strlen(dma_attr_names[i].name) == len &&
		    !memcmp(dma_attr_names[i].name, s, len))
			return dma_attr_names[i].bit;
	return 0;
}

void iorep_dma_attrs_format(uint64_t attrs, char *buf, int size)
{
	int n = 0;
	size_t i;

	if (size <= 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(dma_attr_names) / sizeof(dma_attr_names[0]); i++) {
		if (!(attrs & dma_attr_names[i].bit))
			continue;
		attrs &= ~dma_attr_names[i].bit;
		n += snprintf(buf + n, size - n, "%s%s", n ? "|" : "", dma_attr_names[i].name);
		if (n >= size)
			return;
	}
	if (attrs)
		snprintf(buf + n, size - n, "%s0x%llx", n ? "|" : "", (unsigned long long)attrs);
}
