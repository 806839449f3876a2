// SPDX-License-Identifier: MIT
/* One iommu/dma record's fields -> struct iorep_event (see tep-decode.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "tep-decode.h"

/* Finds the __print_flags() of field @field in a print format argument tree. */
static struct tep_print_flag_sym *find_flags(struct tep_print_arg *arg, const char *field)
{
	struct tep_print_flag_sym *sym;

	for (; arg; arg = arg->next) {
		switch (arg->type) {
		case TEP_PRINT_FLAGS:
			if (arg->flags.field && arg->flags.field->type == TEP_PRINT_FIELD &&
			    !strcmp(arg->flags.field->field.name, field))
				return arg->flags.flags;
			break;
		case TEP_PRINT_OP:
			sym = find_flags(arg->op.left, field);
			if (!sym)
				sym = find_flags(arg->op.right, field);
			if (sym)
				return sym;
			break;
		default:
			break;
		}
	}
	return NULL;
}

/*
 * How a field's value goes into the event, decided once per trace: a
 * record's fields are then stored without a jump through a table per field,
 * whose target changes from field to field (a misprediction on most).
 */
static unsigned char store_of(const struct iorep_tep_field *fd, const struct tep_format_field *f)
{
	if (f->flags & TEP_FIELD_IS_DYNAMIC) /* __data_loc or __rel_loc */
		return IOREP_TEP_DYNAMIC;
	switch (fd->id) {
	case IOREP_F_GFP:
		return IOREP_TEP_GFP;
	case IOREP_F_TRUNCATED:
		return IOREP_TEP_BOOL;
	default:
		break;
	}
	switch (iorep_field_slots[fd->id].width) {
	case 8:
		return IOREP_TEP_U64;
	case 4:
		return IOREP_TEP_U32;
	default:
		return IOREP_TEP_SKIP;
	}
}

static bool plain(const struct iorep_tep_field *fd)
{
	return (fd->store == IOREP_TEP_U64 || fd->store == IOREP_TEP_U32) &&
	       (fd->size == 1 || fd->size == 2 || fd->size == 4 || fd->size == 8);
}

/*
 * The plain numbers moved first, each kind in its order, and what the
 * per-record shortcut needs to know of them.  No event lists two fields of
 * one slot (dma_addr and addr share one), so their order does not matter;
 * the others' might (the strings' sink calls), and is kept.
 */
static void plain_first(struct iorep_tep_dec *dec)
{
	struct iorep_tep_field rest[IOREP_MAX_EVENT_FIELDS], *fd;
	int i, nrest = 0;

	for (i = 0; i < dec->nfields; i++) {
		fd = &dec->fields[i];
		if (!plain(fd)) {
			rest[nrest++] = *fd;
			continue;
		}
		fd->copy = fd->size == 8 && fd->store == IOREP_TEP_U64	 ? 8
			   : fd->size == 4 && fd->store == IOREP_TEP_U32 ? 4
									 : 0;
		if (fd->offset + fd->size > dec->plain_end)
			dec->plain_end = fd->offset + fd->size;
		dec->plain_have |= 1u << fd->id;
		dec->fields[dec->nplain++] = *fd;
	}
	memcpy(&dec->fields[dec->nplain], rest, (size_t)nrest * sizeof(rest[0]));
}

/*
 * The names of the gfp flags of @event; of another event of its trace when
 * libtraceevent could not read @event's print format (1.7.1 gives up at a
 * __print_array(), which dma_alloc_sgt's has before its flags): every dma
 * event prints them with the kernel's one table.
 */
static struct tep_print_flag_sym *gfp_names(struct tep_event *event)
{
	struct tep_print_flag_sym *names = find_flags(event->print_fmt.args, "flags");
	const struct iorep_event_desc *d;
	struct tep_event *other;
	int t;

	for (t = 0; t < IOREP_EV_LOST && !names; t++) {
		d = iorep_event_desc(t);
		if (!iorep_event_desc_has(d, IOREP_F_GFP))
			continue;
		other = tep_find_event_by_name(event->tep, d->system, d->name);
		if (other && other != event)
			names = find_flags(other->print_fmt.args, "flags");
	}
	return names;
}

void iorep_tep_dec_init(struct iorep_tep_dec *dec, int type, struct tep_event *event)
{
	const struct iorep_event_desc *d = iorep_event_desc(type);
	struct tep_format_field *f;
	int i;

	memset(dec, 0, sizeof(*dec));
	dec->type = type;
	dec->swap = tep_is_file_bigendian(event->tep) != tep_is_local_bigendian(event->tep);
	for (i = 0; i < IOREP_MAX_EVENT_FIELDS && d->fields[i] != IOREP_F__COUNT; i++) {
		struct iorep_tep_field *fd = &dec->fields[dec->nfields];

		f = tep_find_field(event, iorep_field_descs[d->fields[i]].name);
		if (!f || f->offset < 0 || f->size < 0)
			continue; /* a field this kernel does not have */
		fd->f = f;
		fd->offset = (unsigned int)f->offset;
		fd->size = (unsigned int)f->size;
		fd->id = d->fields[i];
		fd->sign = (f->flags & TEP_FIELD_IS_SIGNED) && f->size > 0 && f->size < 8;
		fd->store = store_of(fd, f);
		fd->ev_off = iorep_field_slots[fd->id].off;
		dec->nfields++;
		if (d->fields[i] == IOREP_F_GFP)
			dec->gfp_flags = gfp_names(event);
	}
	plain_first(dec);
}

void iorep_tep_common_init(struct iorep_tep_common *c, struct tep_handle *tep)
{
	/* libtraceevent reads them where its first event's format has them */
	struct tep_event *first = tep_get_event(tep, 0);
	struct tep_format_field *type, *pid, *flags;

	memset(c, 0, sizeof(*c));
	type = first ? tep_find_common_field(first, "common_type") : NULL;
	pid = first ? tep_find_common_field(first, "common_pid") : NULL;
	flags = first ? tep_find_common_field(first, "common_flags") : NULL;
	if (!type || !pid || type->offset < 0 || type->size < 0 || pid->offset < 0 ||
	    pid->size < 0)
		return;
	c->type_off = (unsigned int)type->offset;
	c->type_size = (unsigned int)type->size;
	c->pid_off = (unsigned int)pid->offset;
	c->pid_size = (unsigned int)pid->size;
	if (flags && flags->offset >= 0 && flags->size == 1) {
		c->flags_off = (unsigned int)flags->offset;
		c->flags_known = 1;
	}
	c->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	c->known = 1;
}

int iorep_tep_gfp_format(const struct tep_print_flag_sym *syms, uint64_t val, char *buf, int size)
{
	const struct tep_print_flag_sym *s;
	uint64_t left = val, mask;
	int n = 0;

	if (size <= 0)
		return 0;
	buf[0] = '\0';
	if (!val)
		n = snprintf(buf, size, "none");
	for (s = syms; s && left && n < size; s = s->next) {
		mask = strtoull(s->value, NULL, 0);
		if (!mask || (left & mask) != mask)
			continue;
		left &= ~mask;
		n += snprintf(buf + n, size - n, "%s%s", n ? "|" : "", s->str);
	}
	if (left && n < size)
		n += snprintf(buf + n, size - n, "%s0x%llx", n ? "|" : "",
			      (unsigned long long)left);
	if (n >= size)
		n = size - 1;
	buf[n] = '\0';
	return n;
}

/* A dynamic (__data_loc / __rel_loc) field: its string or array. */
static int decode_dynamic(const struct iorep_tep_dec *dec, const struct iorep_tep_field *fd,
			  unsigned long long v, const unsigned char *data, unsigned int size,
			  struct iorep_event *ev, const struct iorep_tep_sink *sink)
{
	unsigned int off = v & 0xffff, len = v >> 16, n, k;
	const char *s;
	uint64_t *a64;
	uint32_t *a32;
	int id = fd->id;

	if (fd->f->flags & TEP_FIELD_IS_RELATIVE)
		off += fd->offset + fd->size;
	if (off > size || len > size - off)
		return 0;
	switch (iorep_field_descs[id].kind) {
	case IOREP_FK_STR:
		s = (const char *)data + off;
		s = sink->str(sink->ctx, id, s, strnlen(s, len));
		if (!s)
			return -IOREP_ENOMEM;
		if (id == IOREP_F_DRIVER)
			ev->driver = s;
		else
			ev->device = s;
		break;
	case IOREP_FK_U64S:
		n = len / 8;
		a64 = sink->array(sink->ctx, id == IOREP_F_DMA_ADDRS, n ? n : 1);
		if (!a64)
			return -IOREP_ENOMEM;
		for (k = 0; k < n; k++)
			a64[k] = iorep_tep_read_number(data + off + 8 * k, 8, dec->swap);
		if (id == IOREP_F_DMA_ADDRS)
			ev->dma_addrs = (struct iorep_u64s){a64, n};
		else
			ev->phys_addrs = (struct iorep_u64s){a64, n};
		break;
	case IOREP_FK_U32S:
		n = len / 4;
		a32 = sink->array(sink->ctx, 2, n ? n : 1);
		if (!a32)
			return -IOREP_ENOMEM;
		for (k = 0; k < n; k++)
			a32[k] = (uint32_t)iorep_tep_read_number(data + off + 4 * k, 4, dec->swap);
		ev->lengths = (struct iorep_u32s){a32, n};
		break;
	default:
		return 0;
	}
	ev->have |= 1u << id;
	return 0;
}

/* A number @v of field @fd into its slot (IOREP_TEP_U64 or IOREP_TEP_U32). */
static inline void store_plain(const struct iorep_tep_field *fd, unsigned long long v,
			       struct iorep_event *ev)
{
	uint32_t w;

	if (fd->sign)
		v = (unsigned long long)(long long)((v ^ (1ull << (fd->size * 8 - 1))) -
						    (1ull << (fd->size * 8 - 1)));
	if (fd->store == IOREP_TEP_U64) {
		memcpy((char *)ev + fd->ev_off, &v, 8);
	} else {
		w = (uint32_t)v;
		memcpy((char *)ev + fd->ev_off, &w, 4);
	}
}

int iorep_tep_decode(struct tep_handle *tep, const struct iorep_tep_dec *dec,
		     const unsigned char *data, unsigned int size, struct iorep_event *ev,
		     const struct iorep_tep_sink *sink)
{
	const struct iorep_tep_field *fd;
	unsigned long long v;
	int i, ret;

	(void)tep;
	iorep_event_reset(ev, dec->type);
	i = 0;
	if (size >= dec->plain_end && !dec->swap) {
		/* every plain number is there: no check, and ev->have at once */
		for (; i < dec->nplain; i++) {
			fd = &dec->fields[i];
			if (fd->copy == 8)
				memcpy((char *)ev + fd->ev_off, data + fd->offset, 8);
			else if (fd->copy == 4)
				memcpy((char *)ev + fd->ev_off, data + fd->offset, 4);
			else
				store_plain(fd,
					    iorep_tep_read_number(data + fd->offset, fd->size, 0),
					    ev);
		}
		ev->have |= dec->plain_have;
	}
	for (; i < dec->nfields; i++) {
		fd = &dec->fields[i];
		if (fd->offset > size || fd->size > size - fd->offset)
			continue; /* a record too short for its format */
		v = iorep_tep_read_number(data + fd->offset, fd->size, dec->swap);
		if (fd->store == IOREP_TEP_DYNAMIC) {
			ret = decode_dynamic(dec, fd, v, data, size, ev, sink);
			if (ret < 0)
				return ret;
			continue;
		}
		if (fd->store == IOREP_TEP_U64 || fd->store == IOREP_TEP_U32) {
			store_plain(fd, v, ev);
		} else if (fd->store == IOREP_TEP_GFP) {
			ev->gfp = sink->gfp(sink->ctx, dec, v);
			if (!ev->gfp)
				return -IOREP_ENOMEM;
		} else if (fd->store == IOREP_TEP_BOOL) {
			ev->truncated = v != 0;
		} else {
			continue;
		}
		ev->have |= 1u << fd->id;
	}
	return 0;
}
