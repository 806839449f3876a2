/* SPDX-License-Identifier: MIT */
/*
 * One iommu/dma record's fields -> struct iorep_event, through the
 * event's libtraceevent format.  Shared by the trace.dat reader and the
 * libtraceevent plugin (plugins/plugin_iommu.c), so both read a record the
 * same way on every kernel: fields are found by name, a field the kernel
 * does not have is left out of ev->have, and a record too short for its
 * format loses only the fields it cannot hold.
 */
#ifndef IOREP_TEP_DECODE_H
#define IOREP_TEP_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <event-parse.h>

#include "iorep-event.h"

struct iorep_tep_field {
	struct tep_format_field *f;
	unsigned int offset, size; /* copies of f's, read per record */
	unsigned char id;	   /* IOREP_F_* */
	unsigned char sign;	   /* signed and narrower than 64 bits */
	unsigned char store;	   /* IOREP_TEP_* : how its value goes into the event */
	unsigned char copy;	   /* a plain number whose bytes are the slot's: 8, 4, or 0 */
	unsigned short ev_off;	   /* IOREP_TEP_U64/U32: where (iorep_field_slots) */
};

enum {
	IOREP_TEP_SKIP,	   /* not a field this decoder reads (ev->have stays clear) */
	IOREP_TEP_DYNAMIC, /* a string or array (__data_loc, __rel_loc) */
	IOREP_TEP_U64,
	IOREP_TEP_U32,
	IOREP_TEP_GFP,
	IOREP_TEP_BOOL, /* truncated */
};

/*
 * How to read one event type of one trace: found once, used per record.
 * The plain numbers (IOREP_TEP_U64/U32 of 1, 2, 4 or 8 bytes) come first,
 * nplain of them: a record that holds them all (plain_end bytes) in this
 * machine's byte order has them stored without a check per field.
 */
struct iorep_tep_dec {
	int type;	  /* IOREP_EV_* */
	int swap;	  /* the trace's byte order is not this machine's */
	int nfields;
	int nplain;
	unsigned int plain_end; /* where the last plain number ends */
	uint32_t plain_have;	/* their 1 << IOREP_F_* */
	struct iorep_tep_field fields[IOREP_MAX_EVENT_FIELDS];
	struct tep_print_flag_sym *gfp_flags; /* the event's own gfp names, or NULL */
};

/* Where the variable-length parts of a record go; @ctx is the caller's. */
struct iorep_tep_sink {
	/* A lasting copy of string field @id (@len bytes, no NUL), or NULL: out of memory. */
	const char *(*str)(void *ctx, int id, const char *s, size_t len);
	/* Room for @n (>= 1) elements of array @which: 0 phys_addrs/addrs, 1 dma_addrs (u64), 2
	 * lengths (u32). */
	void *(*array)(void *ctx, int which, uint32_t n);
	/* The name of gfp value @val, or NULL: out of memory. */
	const char *(*gfp)(void *ctx, const struct iorep_tep_dec *dec, uint64_t val);
	void *ctx;
};

/* Fills @dec for @event, which is the kernel's event of type @type. */
/*
 * A number of @size bytes at @p, as tep_read_number() reads it (0 for a
 * size other than 1, 2, 4 or 8), without a call per field.
 */
static inline uint64_t iorep_tep_read_number(const unsigned char *p, unsigned int size, int swap)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return swap ? __builtin_bswap16(v16) : v16;
	case 4:
		memcpy(&v32, p, 4);
		return swap ? __builtin_bswap32(v32) : v32;
	case 8:
		memcpy(&v64, p, 8);
		return swap ? __builtin_bswap64(v64) : v64;
	default:
		return 0;
	}
}

/*
 * Where every record's common_type and common_pid are, as tep_data_type()
 * and tep_data_pid() find them, to be read without a library call per
 * record; @known is 0 when the formats do not say (then call the library).
 * common_flags (one byte, the context) where @flags_known says.
 */
struct iorep_tep_common {
	unsigned int type_off, type_size, pid_off, pid_size, flags_off;
	int swap;
	int known;
	int flags_known;
};

/* The kernel's TRACE_FLAG_* bits of common_flags that mean an atomic context. */
#define IOREP_TRACE_FLAG_IRQS_OFF 0x01
#define IOREP_TRACE_FLAG_HARDIRQ 0x08
#define IOREP_TRACE_FLAG_SOFTIRQ 0x10
#define IOREP_TRACE_FLAG_NMI 0x40
#define IOREP_TRACE_FLAG_BH_OFF 0x80 /* 5.18+; unused before */

/* IOREP_CTX_* of a record's common_flags. */
static inline uint32_t iorep_tep_flags_ctx(unsigned int flags)
{
	return flags & (IOREP_TRACE_FLAG_IRQS_OFF | IOREP_TRACE_FLAG_HARDIRQ |
			IOREP_TRACE_FLAG_SOFTIRQ | IOREP_TRACE_FLAG_NMI | IOREP_TRACE_FLAG_BH_OFF) ?
		       IOREP_CTX_ATOMIC :
		       0;
}

void iorep_tep_common_init(struct iorep_tep_common *c, struct tep_handle *tep);

void iorep_tep_dec_init(struct iorep_tep_dec *dec, int type, struct tep_event *event);

/*
 * Resets @ev to an event of @dec's type and decodes the fields of the
 * record @data (@size bytes).  ts, cpu, pid, comm and pos are the
 * caller's.  Returns 0, or -IOREP_ENOMEM when a sink call failed.
 */
int iorep_tep_decode(struct tep_handle *tep, const struct iorep_tep_dec *dec,
		     const unsigned char *data, unsigned int size, struct iorep_event *ev,
		     const struct iorep_tep_sink *sink);

/*
 * Writes gfp flags @val with the names @syms (from the event's print
 * format) as the kernel prints them: "GFP_KERNEL|__GFP_ZERO", "none" for 0,
 * unnamed bits as 0x... at the end.  Returns the length written (< @size).
 */
int iorep_tep_gfp_format(const struct tep_print_flag_sym *syms, uint64_t val, char *buf, int size);

#endif
