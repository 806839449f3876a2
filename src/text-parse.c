// SPDX-License-Identifier: MIT
/*
 * One line of ftrace text -> one normalized event.  See iorep-textparse.h
 * for the shapes.  The parser never allocates per line except to grow the
 * array scratch space and to intern new strings.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "iorep-util.h"
#include "iorep-textparse.h"
#include "textparse-local.h"

/* A view of part of the line. */
struct span {
	const char *p;
	size_t n;
};

/* Byte by byte: most calls differ at the first byte, and no strlen() of @lit is needed. */
static int span_eq(struct span s, const char *lit)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (!lit[i] || lit[i] != s.p[i])
			return 0;
	return !lit[i];
}

static int span_starts(struct span s, const char *lit)
{
	size_t i;

	for (i = 0; lit[i]; i++)
		if (i == s.n || lit[i] != s.p[i])
			return 0;
	return 1;
}

static struct span span_trim(struct span s)
{
	while (s.n && iorep_is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && iorep_is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static int parse_u64(struct span s, int hex, uint64_t *out)
{
	return iorep_textparse_u64(s.p, s.n, hex, out);
}

static int parse_i64(struct span s, int64_t *out)
{
	uint64_t v;
	int neg = 0;

	if (s.n && s.p[0] == '-') {
		neg = 1;
		s.p++;
		s.n--;
	}
	if (parse_u64(s, 0, &v) < 0 || v > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

/* "15.208468" -> ns; "15.208468123" too; a bare counter is taken as is. */
static int parse_ts(struct span s, uint64_t *ns)
{
	const char *dot = memchr(s.p, '.', s.n);
	uint64_t sec, frac = 0;
	size_t fd = 0, i;

	if (!dot)
		return parse_u64(s, 0, ns);
	if (parse_u64((struct span){ s.p, dot - s.p }, 0, &sec) < 0)
		return -1;
	for (i = dot - s.p + 1; i < s.n; i++) {
		if (!iorep_is_digit(s.p[i]) || fd >= 9)
			return -1;
		frac = frac * 10 + (s.p[i] - '0');
		fd++;
	}
	if (!fd || sec > UINT64_MAX / 1000000000ull)
		return -1;
	for (; fd < 9; fd++)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	return 0;
}

void iorep_textparse_init(struct iorep_textparse *tp, struct iorep_strtab *st)
{
	memset(tp, 0, sizeof(*tp));
	tp->st = st;
	iorep_event_index(tp->event_by_len);
}

void iorep_textparse_release(struct iorep_textparse *tp)
{
	free(tp->u64s[0]);
	free(tp->u64s[1]);
	free(tp->u32s);
	memset(tp, 0, sizeof(*tp));
}

const char *iorep_textparse_intern(struct iorep_textparse *tp, const char *s, size_t len)
{
	return iorep_strtab_intern_cached(tp->st, &tp->names, s, len);
}

int iorep_textparse_push_u64(struct iorep_textparse *tp, int which, uint64_t v)
{
	if (tp->n64[which] == tp->cap64[which]) {
		uint32_t cap = tp->cap64[which] ? tp->cap64[which] * 2 : 64;
		uint64_t *p = realloc(tp->u64s[which], cap * sizeof(*p));

		if (!p)
			return -IOREP_ENOMEM;
		tp->u64s[which] = p;
		tp->cap64[which] = cap;
	}
	tp->u64s[which][tp->n64[which]++] = v;
	return 0;
}

int iorep_textparse_push_u32(struct iorep_textparse *tp, uint32_t v)
{
	if (tp->n32 == tp->cap32) {
		uint32_t cap = tp->cap32 ? tp->cap32 * 2 : 64;
		uint32_t *p = realloc(tp->u32s, cap * sizeof(*p));

		if (!p)
			return -IOREP_ENOMEM;
		tp->u32s = p;
		tp->cap32 = cap;
	}
	tp->u32s[tp->n32++] = v;
	return 0;
}

/*
 * Maps a printed key to the field it fills, for event @type.  The print
 * formats use a few names that differ from the field names; trace-cmd's raw
 * form uses the field names themselves.
 */
static int key_to_field(enum iorep_etype type, struct span key)
{
#define _F(id, nm, k) [IOREP_F_##id] = sizeof(nm) - 1,
	static const unsigned char field_len[IOREP_F__COUNT] = { IOREP_FIELDS };
#undef _F
#define KEY_IS(lit) (key.n == sizeof(lit) - 1 && !memcmp(key.p, lit, sizeof(lit) - 1))
	const struct iorep_event_desc *d = iorep_event_desc(type);
	int i, f;

	/* the event's own field names first: most keys; none is one of the names below */
	for (i = 0; i < IOREP_MAX_EVENT_FIELDS && d->fields[i] != IOREP_F__COUNT; i++) {
		f = d->fields[i];
		if (key.n == field_len[f] && !memcmp(key.p, iorep_field_descs[f].name, key.n))
			return f;
	}
	if (KEY_IS("groupID"))
		return IOREP_F_GID;
	if (KEY_IS("sizes"))
		return IOREP_F_LENGTHS;
	if (KEY_IS("nents"))
		return IOREP_F_FULL_NENTS;
	if (KEY_IS("ents"))
		return IOREP_F_FULL_ENTS;
	switch (d->cls) {
	case IOREP_C_DMA_UNMAP:
		if (KEY_IS("dma_addr"))
			return IOREP_F_ADDR;
		break;
	case IOREP_C_DMA_UNMAP_SG:
		if (KEY_IS("phys_addrs"))
			return IOREP_F_ADDRS;
		break;
	case IOREP_C_DMA_ERR:
		/* dma_map_sg_err prints its phys_addrs as "dma_addrs=" */
		if (type == IOREP_EV_DMA_MAP_SG_ERR && KEY_IS("dma_addrs"))
			return IOREP_F_PHYS_ADDRS;
		break;
	default:
		break;
	}
	return -1;
#undef KEY_IS
}

/* The 64-bit member that numeric field @f is kept in, or NULL (attrs has a parser of its own). */
static uint64_t *u64_slot(struct iorep_event *ev, int f)
{
	const struct iorep_field_slot *slot = &iorep_field_slots[f];

	return slot->width == 8 && f != IOREP_F_ATTRS ? (uint64_t *)((char *)ev + slot->off) : NULL;
}

/* "{0x1,0x2}" (kernel), "ARRAY[00, 50, ...]" (trace-cmd raw bytes, little endian). */
static int parse_array(struct iorep_textparse *tp, struct span v, int elem_size, int which)
{
	int raw = span_starts(v, "ARRAY[");
	size_t i = raw ? 6 : 1, start;
	uint64_t x, acc = 0;
	int nbytes = 0, ret;

	if (!raw && (!v.n || v.p[0] != '{'))
		return -1;
	if (v.p[v.n - 1] != (raw ? ']' : '}'))
		return -1;
	v.n--;
	while (i < v.n) {
		while (i < v.n && (iorep_is_blank(v.p[i]) || v.p[i] == ','))
			i++;
		start = i;
		while (i < v.n && v.p[i] != ',' && !iorep_is_blank(v.p[i]))
			i++;
		if (i == start)
			break;
		if (parse_u64((struct span){ v.p + start, i - start }, raw, &x) < 0)
			return -1;
		if (raw) {
			if (x > 0xff)
				return -1;
			acc |= x << (8 * nbytes);
			if (++nbytes < elem_size)
				continue;
			x = acc;
			acc = 0;
			nbytes = 0;
		}
		ret = elem_size == 4 ? iorep_textparse_push_u32(tp, (uint32_t)x) : iorep_textparse_push_u64(tp, which, x);
		if (ret < 0)
			return ret;
	}
	return nbytes ? -1 : 0;
}

/* A flag's name as the kernel's __print_flags() tables spell them: [A-Z_][A-Z0-9_]*. */
static bool attr_name(struct span s)
{
	size_t i;

	if (!s.n || iorep_is_digit(s.p[0]))
		return false;
	for (i = 0; i < s.n; i++)
		if (!(s.p[i] == '_' || iorep_is_digit(s.p[i]) || (s.p[i] >= 'A' && s.p[i] <= 'Z')))
			return false;
	return true;
}

/* Stores @val into field @f of @ev.  Returns 0, -1 when the value is malformed, or -ENOMEM. */
static int set_field(struct iorep_textparse *tp, struct iorep_event *ev, int f, struct span val)
{
	const struct iorep_field_desc *fd = &iorep_field_descs[f];
	uint64_t u, bit;
	int64_t i;
	size_t a, b;
	int ret;

	switch (fd->kind) {
	case IOREP_FK_HEX:
		if (f == IOREP_F_FAULT_FLAGS) {
			if (parse_u64(val, 1, &u) < 0)
				return -1;
			ev->fault_flags = (uint32_t)u;
			break;
		}
		if (parse_u64(val, 1, u64_slot(ev, f)) < 0)
			return -1;
		break;
	case IOREP_FK_NUM:
		if (f == IOREP_F_FULL_NENTS || f == IOREP_F_FULL_ENTS) {
			/* "15/15": shown (capped at 128) / full; raw form: just the number */
			const char *slash = memchr(val.p, '/', val.n);

			if (slash)
				val = (struct span){ slash + 1, val.n - (slash + 1 - val.p) };
		}
		if (u64_slot(ev, f)) {
			if (parse_u64(val, 0, u64_slot(ev, f)) < 0)
				return -1;
			break;
		}
		if (parse_i64(val, &i) < 0 || i < INT32_MIN || i > INT32_MAX)
			return -1;
		if (f == IOREP_F_GID)
			ev->gid = (int32_t)i;
		else if (f == IOREP_F_ERR)
			ev->err = (int32_t)i;
		else if (f == IOREP_F_FULL_NENTS)
			ev->full_nents = (int32_t)i;
		else
			ev->full_ents = (int32_t)i;
		break;
	case IOREP_FK_STR:
		if (!val.n && f == IOREP_F_DEVICE)
			return -1;
		if (f == IOREP_F_DRIVER)
			ev->driver = iorep_textparse_intern(tp, val.p, val.n);
		else
			ev->device = iorep_textparse_intern(tp, val.p, val.n);
		if (!(f == IOREP_F_DRIVER ? ev->driver : ev->device))
			return -IOREP_ENOMEM;
		break;
	case IOREP_FK_DIR:
		ev->dir = iorep_dma_dir_lookup(val.p, (int)val.n);
		if (ev->dir < 0) {
			if (parse_u64(val, 0, &u) < 0 || u > 3)
				return -1;
			ev->dir = (int32_t)u;
		}
		break;
	case IOREP_FK_ATTRS:
		ev->attrs = 0;
		if (val.n && iorep_is_digit(val.p[0])) {
			if (parse_u64(val, 0, &ev->attrs) < 0)
				return -1;
			break;
		}
		for (a = 0; a < val.n; a = b + 1) {
			for (b = a; b < val.n && val.p[b] != '|'; b++)
				;
			bit = iorep_dma_attr_lookup(val.p + a, (int)(b - a));
			/*
			 * a name a newer kernel added (the kernel prints bits it has no
			 * name for as 0x...) leaves the event whole, without its bit
			 */
			if (!bit && !attr_name((struct span){ val.p + a, b - a }) &&
			    parse_u64((struct span){ val.p + a, b - a }, 1, &bit) < 0)
				return -1;
			ev->attrs |= bit;
		}
		break;
	case IOREP_FK_GFP:
		ev->gfp = iorep_textparse_intern(tp, val.p, val.n);
		if (!ev->gfp)
			return -IOREP_ENOMEM;
		break;
	case IOREP_FK_BOOL:
		if (parse_u64(val, 0, &u) < 0)
			return -1;
		ev->truncated = u != 0;
		break;
	case IOREP_FK_U64S:
		ret = parse_array(tp, val, 8, f == IOREP_F_DMA_ADDRS);
		if (ret)
			return ret;
		if (f == IOREP_F_DMA_ADDRS)
			ev->dma_addrs = (struct iorep_u64s){ tp->u64s[1], tp->n64[1] };
		else
			ev->phys_addrs = (struct iorep_u64s){ tp->u64s[0], tp->n64[0] };
		break;
	case IOREP_FK_U32S:
		ret = parse_array(tp, val, 4, 0);
		if (ret)
			return ret;
		ev->lengths = (struct iorep_u32s){ tp->u32s, tp->n32 };
		break;
	}
	ev->have |= 1u << f;
	return 0;
}

int iorep_textparse_set_field(struct iorep_textparse *tp, struct iorep_event *ev, int f,
			      const char *p, size_t n)
{
	return set_field(tp, ev, f, (struct span){ p, n });
}

/* Next space-separated token of @s, from *@i; a value in ARRAY[...] keeps its spaces. */
static struct span next_token(struct span s, size_t *pos)
{
	size_t i = *pos, start, j; /* a local index: *pos may alias the bytes for the compiler */

	while (i < s.n && iorep_is_blank(s.p[i]))
		i++;
	start = i;
	while (i < s.n && !iorep_is_blank(s.p[i])) {
		if (s.p[i] == '[' && i >= 5 && !memcmp(s.p + i - 5, "ARRAY", 5)) {
			for (j = i; j < s.n && s.p[j] != ']'; j++)
				;
			i = j < s.n ? j + 1 : s.n;
			continue;
		}
		i++;
	}
	*pos = i;
	return (struct span){ s.p + start, i - start };
}

/*
 * Parses the text after "event: ".  Returns 0, -1 when malformed (a bad
 * line) or -IOREP_ENOMEM.
 */
static int parse_payload(struct iorep_textparse *tp, struct iorep_event *ev, struct span pl)
{
	const struct iorep_event_desc *d = iorep_event_desc(ev->type);
	struct span tok, key, val, bare[2];
	int nbare = 0, f, ret;
	bool have_end = false;
	const char *eq;
	uint64_t end = 0;
	size_t i = 0;

	pl = span_trim(pl);
	if (!span_starts(pl, "IOMMU:") && !span_starts(pl, "[FAILED TO PARSE]")) {
		ret = iorep_textparse_plugin(tp, ev, pl.p, pl.n);
		if (ret <= 0)
			return ret;
	}
	if (span_starts(pl, "[FAILED TO PARSE]")) {
		pl.p += 17;
		pl.n -= 17;
	} else if (span_starts(pl, "IOMMU:")) {
		pl.p += 6;
		pl.n -= 6;
	}
	for (;;) {
		tok = next_token(pl, &i);
		if (!tok.n)
			break;
		eq = memchr(tok.p, '=', tok.n);
		if (!eq) {
			if (span_eq(tok, "[TRUNCATED]")) {
				ev->truncated = true;
				continue;
			}
			if (span_eq(tok, "-") && iorep_event_has(ev, IOREP_F_IOVA) && !have_end) {
				/* the end of "iova=A - B": checked against the size below */
				if (parse_u64(next_token(pl, &i), 1, &end) < 0)
					return -1;
				have_end = true;
				continue;
			}
			if (nbare == 2)
				return -1;
			bare[nbare++] = tok;
			continue;
		}
		key = (struct span){ tok.p, eq - tok.p };
		val = (struct span){ eq + 1, tok.n - (eq + 1 - tok.p) };
		f = key_to_field(ev->type, key);
		if (f < 0)
			continue;	/* a key some other kernel version adds */
		if (f == IOREP_F_DEVICE && (d->cls == IOREP_C_GROUP_ADD ||
					    d->cls == IOREP_C_GROUP_REMOVE ||
					    d->cls == IOREP_C_ATTACH || d->cls == IOREP_C_DETACH)) {
			/* the last field of these events: a name with spaces or tabs is whole */
			val = span_trim((struct span){ val.p, pl.p + pl.n - val.p });
			i = pl.n;
		}
		ret = set_field(tp, ev, f, val);
		if (ret)
			return ret;
	}
	if (iorep_event_has(ev, IOREP_F_FULL_NENTS))
		ev->have |= 1u << IOREP_F_TRUNCATED;

	/* Words without "=": the device of dma events, "driver device" of io_page_fault. */
	if (nbare) {
		if (d->cls == IOREP_C_FAULT && nbare == 2) {
			ev->driver = iorep_textparse_intern(tp, bare[0].p, bare[0].n);
			ev->device = iorep_textparse_intern(tp, bare[1].p, bare[1].n);
			if (!ev->driver || !ev->device)
				return -IOREP_ENOMEM;
			ev->have |= 1u << IOREP_F_DRIVER | 1u << IOREP_F_DEVICE;
		} else if (nbare == 1 && !iorep_event_has(ev, IOREP_F_DEVICE) &&
			   (d->cls == IOREP_C_FAULT || strcmp(d->system, "dma") == 0)) {
			ev->device = iorep_textparse_intern(tp, bare[0].p, bare[0].n);
			if (!ev->device)
				return -IOREP_ENOMEM;
			ev->have |= 1u << IOREP_F_DEVICE;
		} else {
			return -1;
		}
	}
	if (d->cls == IOREP_C_FAULT && iorep_event_has(ev, IOREP_F_DEVICE) &&
	    !iorep_event_has(ev, IOREP_F_DRIVER) && nbare) {
		/* "IOMMU: dev iova=..." : an empty driver name */
		ev->driver = iorep_textparse_intern(tp, "", 0);
		ev->have |= 1u << IOREP_F_DRIVER;
	}

	/* "iova=A - B": the kernel prints B as iova + size; a line cut in its size shows */
	if (have_end && (!iorep_event_has(ev, IOREP_F_SIZE) || ev->iova + ev->size != end))
		return -1;
	/*
	 * Every field of the event, as every generation of its print format and
	 * trace-cmd's raw form have it (the sg entry counts came later): a line
	 * cut short lacks its last ones.
	 */
	for (f = 0; f < IOREP_MAX_EVENT_FIELDS && d->fields[f] != IOREP_F__COUNT; f++) {
		if (d->fields[f] == IOREP_F_FULL_NENTS || d->fields[f] == IOREP_F_FULL_ENTS ||
		    d->fields[f] == IOREP_F_TRUNCATED)
			continue;
		if (!iorep_event_has(ev, d->fields[f]))
			return -1;
	}
	return 0;
}

/*
 * "CPU:1 [LOST 123 EVENTS]" (trace_pipe), "CPU:1 [LOST EVENTS]" (trace),
 * "CPU:1 [123 EVENTS DROPPED]", "CPU:1 [EVENTS DROPPED]" (trace-cmd report)
 */
static int parse_lost(struct span s, struct iorep_event *ev)
{
	size_t i = 4;
	uint64_t cpu, n;
	struct span num;

	if (!span_starts(s, "CPU:"))
		return -1;
	if (s.n > 4 && s.p[4] == '*') {
		cpu = UINT64_MAX;	/* iommu-report --events=text: a drop of no one CPU */
		i = 5;
	} else {
		while (i < s.n && iorep_is_digit(s.p[i]))
			i++;
		if (i == 4 || parse_u64((struct span){ s.p + 4, i - 4 }, 0, &cpu) < 0 ||
		    cpu > INT32_MAX)
			return -1;
	}
	s = span_trim((struct span){ s.p + i, s.n - i });
	iorep_event_reset(ev, IOREP_EV_LOST);
	ev->cpu = cpu == UINT64_MAX ? -1 : (int32_t)cpu;
	ev->lost = -1;
	/* the kernel's trace file, when the writer overran the page it was reading */
	if (span_eq(s, "[EVENTS DROPPED]") || span_eq(s, "[LOST EVENTS]"))
		return 0;
	if (span_starts(s, "[LOST ") && s.n > 14 && !memcmp(s.p + s.n - 8, " EVENTS]", 8))
		num = (struct span){ s.p + 6, s.n - 14 };
	else if (span_starts(s, "[") && s.n > 17 && !memcmp(s.p + s.n - 16, " EVENTS DROPPED]", 16))
		num = (struct span){ s.p + 1, s.n - 17 };
	else
		return -1;
	if (parse_u64(num, 0, &n) < 0 || n > INT64_MAX)
		return -1;
	ev->lost = (int64_t)n;
	return 0;
}

/*
 * Finds the timestamp of an ftrace line: the first " digits[.digits]:"
 * followed by a space or the end.  Returns its start, or NULL.
 */
static const char *find_ts(struct span s, struct span *ts)
{
	const char *end = s.p + s.n, *c;
	size_t i, j;

	/* from colon to colon: memchr() skips the comm and flags a word at a time */
	for (c = memchr(s.p, ':', s.n); c; c = memchr(c + 1, ':', (size_t)(end - c - 1))) {
		i = (size_t)(c - s.p);
		if (i == 0 || !iorep_is_digit(s.p[i - 1]))
			continue;
		if (i + 1 < s.n && !iorep_is_blank(s.p[i + 1]))
			continue;
		for (j = i; j > 0 && (iorep_is_digit(s.p[j - 1]) || s.p[j - 1] == '.'); j--)
			;
		if (j == 0 || !iorep_is_blank(s.p[j - 1]) || !iorep_is_digit(s.p[j]))
			continue;
		*ts = (struct span){ s.p + j, i - j };
		return s.p + j;
	}
	return NULL;
}

static struct span last_token(struct span s, struct span *rest)
{
	size_t e = s.n, b;

	while (e && iorep_is_blank(s.p[e - 1]))
		e--;
	for (b = e; b && !iorep_is_blank(s.p[b - 1]); b--)
		;
	*rest = (struct span){ s.p, b };
	return (struct span){ s.p + b, e - b };
}

/* "[001]" -> 1 */
static int parse_cpu_bracket(struct span t, int32_t *cpu)
{
	uint64_t v;

	if (t.n < 3 || t.p[0] != '[' || t.p[t.n - 1] != ']')
		return -1;
	if (parse_u64((struct span){ t.p + 1, t.n - 2 }, 0, &v) < 0 || v > INT32_MAX)
		return -1;
	*cpu = (int32_t)v;
	return 0;
}

/*
 * The part before the timestamp: "comm-pid [(tgid)] [cpu] [flags]",
 * "comm-pid cpuflags", or perf script's "comm tid [cpu]".
 */
static int parse_prefix(struct iorep_textparse *tp, struct span pre, struct iorep_event *ev)
{
	struct span tok, rest, cp;
	const char *dash;
	uint64_t v;
	size_t i;

	tok = last_token(pre, &rest);
	if (parse_cpu_bracket(tok, &ev->cpu) < 0) {
		struct span r2, t2 = last_token(rest, &r2);

		if (parse_cpu_bracket(t2, &ev->cpu) == 0) {
			rest = r2;	/* "[cpu] flags" */
			ev->ctx = iorep_textparse_flags_ctx(tok.p, tok.n);
		} else {
			/* latency format: "0d.h1." */
			for (i = 0; i < tok.n && iorep_is_digit(tok.p[i]); i++)
				;
			if (!i || parse_u64((struct span){ tok.p, i }, 0, &v) < 0 || v > INT32_MAX)
				return -1;
			ev->cpu = (int32_t)v;
			ev->ctx = iorep_textparse_flags_ctx(tok.p + i, tok.n - i);
		}
	}
	rest = span_trim(rest);
	/* record-tgid: "comm-pid (  tgid)", "(-------)" when the kernel did not know it */
	if (rest.n && rest.p[rest.n - 1] == ')') {
		const char *open = NULL;

		for (i = rest.n; i > 0; i--)
			if (rest.p[i - 1] == '(') {
				open = rest.p + i - 1;
				break;
			}
		if (!open)
			return -1;
		tok = span_trim((struct span){ open + 1, rest.p + rest.n - 1 - (open + 1) });
		if (parse_u64(tok, 0, &v) == 0 && v <= INT32_MAX)
			ev->tgid = (int32_t)v;
		rest = span_trim((struct span){ rest.p, open - rest.p });
	}
	cp = rest;
	for (dash = NULL, i = cp.n; i > 0; i--)
		if (cp.p[i - 1] == '-') {
			dash = cp.p + i - 1;
			break;
		}
	/* not "comm-pid": perf's "comm tid" ends in a space and digits, never in a dash's */
	if (!dash || parse_u64((struct span){ dash + 1, cp.n - (dash + 1 - cp.p) }, 0, &v) < 0 ||
	    v > INT32_MAX) {
		if (!iorep_textparse_perf_task(tp, rest.p, rest.n, ev))
			return -1;
		return ev->comm ? 0 : -IOREP_ENOMEM;
	}
	ev->pid = (int32_t)v;
	cp = (struct span){ cp.p, dash - cp.p };
	/*
	 * trace-cmd report of a trace with instance buffers (record -B) puts
	 * the instance's name first, "NAME: comm-pid"; a comm has no ": "
	 */
	for (i = 0; i < cp.n && !iorep_is_blank(cp.p[i]); i++)
		;
	if (i > 1 && i < cp.n && cp.p[i - 1] == ':') {
		rest = span_trim((struct span){ cp.p + i, cp.n - i });
		if (rest.n)
			cp = rest;
	}
	ev->comm = iorep_textparse_intern(tp, cp.p, cp.n);
	return ev->comm ? 0 : -IOREP_ENOMEM;
}

/* The bytes of an event's name: [A-Za-z0-9_], one load each. */
#define NAME_RANGE_(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1, [c + 4] = 1, \
		       [c + 5] = 1, [c + 6] = 1, [c + 7] = 1, [c + 8] = 1, [c + 9] = 1
static const unsigned char name_char[256] = {
	NAME_RANGE_('0'), NAME_RANGE_('A'), NAME_RANGE_('K'), ['U'] = 1, ['V'] = 1, ['W'] = 1,
	['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['_'] = 1, NAME_RANGE_('a'), NAME_RANGE_('k'), ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};
#undef NAME_RANGE_

/*
 * Event name and payload after the timestamp's colon: " name: payload", or
 * with @sys perf script's " system:name: payload" (*@sys empty when the
 * system is not given).
 */
static int split_event(struct span after, struct span *sys, struct span *name,
		       struct span *payload)
{
	size_t i = 0, start, j;

	while (i < after.n && iorep_is_blank(after.p[i]))
		i++;
	if (i < after.n && after.p[i] == '(')	/* trace-cmd report --ts-diff */
		i += iorep_textparse_tsdiff(after.p + i, after.n - i);
	start = i;
	while (i < after.n && name_char[(unsigned char)after.p[i]])
		i++;
	if (i == start || i >= after.n || after.p[i] != ':')
		return -1;
	if (sys && i + 1 < after.n && name_char[(unsigned char)after.p[i + 1]]) {
		for (j = i + 1; j < after.n && name_char[(unsigned char)after.p[j]]; j++)
			;
		if (j < after.n && after.p[j] == ':') {
			*sys = (struct span){ after.p + start, i - start };
			start = i + 1;
			i = j;
		}
	}
	*name = (struct span){ after.p + start, i - start };
	*payload = (struct span){ after.p + i + 1, after.n - i - 1 };
	return 0;
}

void iorep_textparse_restart(struct iorep_textparse *tp, struct iorep_event *ev,
			     enum iorep_etype type)
{
	uint64_t ts = ev->ts;
	int32_t cpu = ev->cpu, pid = ev->pid, tgid = ev->tgid;
	uint32_t ctx = ev->ctx;
	const char *comm = ev->comm;

	iorep_event_reset(ev, type);
	ev->ts = ts;
	ev->cpu = cpu;
	ev->pid = pid;
	ev->tgid = tgid;
	ev->ctx = ctx;
	ev->comm = comm;
	tp->n64[0] = tp->n64[1] = tp->n32 = 0;
}

static int finish_event(struct iorep_textparse *tp, struct iorep_event *ev, struct span sys,
			struct span name, struct span payload)
{
	int type = iorep_event_lookup_in(tp->event_by_len, name.p, (int)name.n);
	int ret;

	/* perf script's system: another system's event of the same name is not ours */
	if (type >= 0 && sys.n && !span_eq(sys, iorep_event_desc(type)->system))
		type = -1;
	if (type < 0) {
		/* trace-cmd record -T's: "<stack trace >", or "\t=> func" without plugins */
		if (!tp->perf && span_eq(name, "kernel_stack")) {
			ev->type = IOREP_EV_STACK;
			return IOREP_LINE_STACK;
		}
		ev->type = IOREP_EV__COUNT;
		/* only the iommu events' payloads start so: one whose name is damaged */
		if (span_starts(span_trim(payload), "IOMMU:"))
			return IOREP_LINE_BAD;
		/* perf's "iommu:ma p: ...": a system's name alone, its event's name damaged */
		if (tp->perf && !sys.n && (span_eq(name, "iommu") || span_eq(name, "dma")))
			return IOREP_LINE_BAD;
		if (tp->perf) /* "PERF_RECORD_COMM: ...": perf's own, not an event */
			return iorep_textparse_perf_record(name.p,
							   (size_t)(payload.p + payload.n - name.p), ev);
		return IOREP_LINE_OTHER_EVENT;
	}
	/*
	 * what iorep_textparse_restart() does, where only the head was read
	 * since the line's reset: the event is empty but for it
	 */
	ev->type = type;
	tp->n64[0] = tp->n64[1] = tp->n32 = 0;
	payload.n = iorep_textparse_debug_tail(payload.p, payload.n);
	if (!tp->generic_only && iorep_textparse_fast(tp, ev, payload.p, payload.n) == 0)
		return IOREP_LINE_EVENT;
	ret = parse_payload(tp, ev, payload);
	if (ret == -IOREP_ENOMEM)
		return ret;
	return ret ? IOREP_LINE_BAD : IOREP_LINE_EVENT;
}

/*
 * The caller a kernel built with CONFIG_PRINTK_CALLER prints after the
 * time: "[    T123]" (task 123) or "[     C1]" (CPU 1, outside any task:
 * an interrupt), right after it on the console, after a space in
 * util-linux's dmesg.  Takes it off the front of *@s, with what it says;
 * leaves *@s alone when there is none.
 */
static void dmesg_caller(struct span *s, struct iorep_event *ev)
{
	struct span t = span_trim(*s), id;
	const char *close;
	uint64_t v;

	if (!t.n || t.p[0] != '[' || !(close = memchr(t.p, ']', t.n)))
		return;
	id = span_trim((struct span){ t.p + 1, close - t.p - 1 });
	if (id.n < 2 || (id.p[0] != 'T' && id.p[0] != 'C') ||
	    parse_u64((struct span){ id.p + 1, id.n - 1 }, 0, &v) < 0 || v > INT32_MAX)
		return;
	if (id.p[0] == 'T') {
		ev->pid = (int32_t)v;
	} else {
		ev->cpu = (int32_t)v;
		ev->ctx = IOREP_CTX_ATOMIC;
	}
	*s = (struct span){ close + 1, t.n - (close + 1 - t.p) };
}

/*
 * journalctl -k -o short-monotonic puts the host's name and "kernel:"
 * after the time: "[    2.234568] host kernel: map: ...".  Takes them off
 * the front of *@s; leaves *@s alone when they are not there.
 */
static void journal_host(struct span *s)
{
	struct span t = span_trim(*s);
	const char *sp = memchr(t.p, ' ', t.n);
	size_t rest;

	if (!sp || sp == t.p)
		return;
	rest = t.n - (size_t)(sp + 1 - t.p);
	if (rest < 7 || memcmp(sp + 1, "kernel:", 7))
		return;
	*s = (struct span){ sp + 8, rest - 7 };
}

/*
 * dmesg with tp_printk: "[    2.234568] add_device_to_group: IOMMU: ...",
 * perhaps with the caller: "[    2.234568][  T148] ...", or journalctl's
 * host: "[    2.234568] host kernel: ...".
 */
static int parse_dmesg(struct iorep_textparse *tp, struct span s, struct iorep_event *ev)
{
	const char *close = memchr(s.p, ']', s.n);
	struct span ts, sys = { s.p, 0 }, name, payload, after;

	if (!close)
		return IOREP_LINE_UNKNOWN;
	ts = span_trim((struct span){ s.p + 1, close - s.p - 1 });
	after = (struct span){ close + 1, s.n - (close + 1 - s.p) };
	if (parse_ts(ts, &ev->ts) < 0)
		return IOREP_LINE_UNKNOWN;
	dmesg_caller(&after, ev);
	journal_host(&after);
	if (split_event(after, NULL, &name, &payload) < 0)
		return IOREP_LINE_UNKNOWN;
	if (iorep_event_lookup(name.p, (int)name.n) < 0)
		return IOREP_LINE_UNKNOWN;	/* dmesg is mostly other text */
	ev->comm = iorep_textparse_intern(tp, "", 0);
	if (!ev->comm)
		return -IOREP_ENOMEM;
	return finish_event(tp, ev, sys, name, payload);
}

/*
 * The trace file's comments that tell of an overrun: its header
 * "# entries-in-buffer/entries-written: 3001/3101   #P:2" (the oldest events
 * were overwritten: written - in buffer of them) and, where each CPU's data
 * starts, "##### CPU 2 buffer started ####" (a drop marker of unknown
 * count).  Returns IOREP_LINE_LOST for the latter, else IOREP_LINE_META.
 */
static int parse_comment(struct iorep_textparse *tp, struct span s, struct iorep_event *ev)
{
	static const char hdr[] = "# entries-in-buffer/entries-written:";
	static const char start[] = "##### CPU ", end[] = " buffer started ####";
	const size_t nstart = sizeof(start) - 1, nend = sizeof(end) - 1;
	struct span a, b;
	uint64_t in, written, cpu;
	const char *slash;
	size_t i;

	if (span_starts(s, hdr)) {
		s = span_trim((struct span){ s.p + sizeof(hdr) - 1, s.n - (sizeof(hdr) - 1) });
		slash = memchr(s.p, '/', s.n);
		if (!slash)
			return IOREP_LINE_META;
		a = (struct span){ s.p, slash - s.p };
		for (i = slash + 1 - s.p; i < s.n && iorep_is_digit(s.p[i]); i++)
			;
		b = (struct span){ slash + 1, i - (slash + 1 - s.p) };
		if (parse_u64(a, 0, &in) == 0 && parse_u64(b, 0, &written) == 0 && written > in)
			tp->overrun = written - in;
		return IOREP_LINE_META;
	}
	if (s.n > nstart + nend && span_starts(s, start) && !memcmp(s.p + s.n - nend, end, nend) &&
	    parse_u64((struct span){ s.p + nstart, s.n - nstart - nend }, 0, &cpu) == 0 &&
	    cpu <= INT32_MAX) {
		iorep_event_reset(ev, IOREP_EV_LOST);
		ev->cpu = (int32_t)cpu;
		ev->lost = -1;
		return IOREP_LINE_LOST;
	}
	return IOREP_LINE_META;
}

/* " map:", " dma_unmap_page:" ...: the name of an iommu or dma event, then a colon. */
bool iorep_textparse_names_event(const char *line, size_t len)
{
	size_t i, start;

	for (i = 0; i < len; i++) {
		if (line[i] != ':')
			continue;
		for (start = i; start > 0 && (line[start - 1] == '_' ||
					      (line[start - 1] >= 'a' && line[start - 1] <= 'z'));
		     start--)
			;
		/* perf script's "system:name:" too */
		if (start < i && (start == 0 || iorep_is_blank(line[start - 1]) || line[start - 1] == ':') &&
		    iorep_event_lookup(line + start, (int)(i - start)) >= 0)
			return true;
	}
	return false;
}

static int parse_line(struct iorep_textparse *tp, const char *line, size_t len,
		      struct iorep_event *ev)
{
	struct span s = { line, len }, ts, sys = { line, 0 }, name, payload;
	const char *tsp;
	uint64_t v;
	int ret;

	tp->perf = false;
	if (s.n && s.p[s.n - 1] == '\r')
		s.n--;
	iorep_event_reset(ev, IOREP_EV__COUNT);
	if (!tp->generic_only) {
		ret = iorep_textparse_fast_head(tp, s.p, s.n, ev, &payload.p, &payload.n);
		if (ret == 0)
			goto split;
		if (ret < 0)
			return ret;
	}
	/* perf script -g: a frame of the call chain under each event, "\t  ffff8123 sym+0x1 (dso)" */
	if (s.n && s.p[0] == '\t' && iorep_textparse_perf_frame(s.p, s.n))
		return IOREP_LINE_FRAME;
	s = span_trim(s);
	if (!s.n)
		return IOREP_LINE_META;
	if (s.p[0] == '#')
		return parse_comment(tp, s, ev);
	/* a frame of a stack trace: " => func", "=> func (addr)", "\t=> func" */
	if (s.n >= 2 && s.p[0] == '=' && s.p[1] == '>')
		return IOREP_LINE_FRAME;
	if ((s.p[0] == 'T' || s.p[0] == 'C') && iorep_textparse_aside_line(s.p, s.n))
		return IOREP_LINE_META;
	if (span_starts(s, "CPU:"))
		return parse_lost(s, ev) == 0 ? IOREP_LINE_LOST : IOREP_LINE_UNKNOWN;
	if (span_starts(s, "cpus=")) {
		if (parse_u64((struct span){ s.p + 5, s.n - 5 }, 0, &v) == 0 && v < INT32_MAX)
			tp->cpus_header = (int)v;
		return IOREP_LINE_META;
	}
	if (span_starts(s, "CPU ") && s.n > 9 && !memcmp(s.p + s.n - 9, " is empty", 9))
		return IOREP_LINE_META;
	if (span_starts(s, "version = "))
		return IOREP_LINE_META;
	/* syslog priority prefix "<6>" */
	if (s.n > 3 && s.p[0] == '<' && iorep_is_digit(s.p[1])) {
		const char *gt = memchr(s.p, '>', s.n < 6 ? s.n : 6);

		if (gt)
			s = (struct span){ gt + 1, s.n - (gt + 1 - s.p) };
	}
	if (s.n && s.p[0] == '[')
		return parse_dmesg(tp, s, ev);

	tsp = find_ts(s, &ts);
	if (!tsp)
		return IOREP_LINE_UNKNOWN;
	if (parse_ts(ts, &ev->ts) < 0)
		return IOREP_LINE_UNKNOWN;
	ret = parse_prefix(tp, (struct span){ s.p, tsp - s.p }, ev);
	if (ret == -IOREP_ENOMEM)
		return ret;
	if (ret < 0)
		return IOREP_LINE_UNKNOWN;
	payload = (struct span){ ts.p + ts.n + 1, s.n - (ts.p + ts.n + 1 - s.p) };
split:
	if (split_event(payload, tp->perf ? &sys : NULL, &name, &payload) < 0) {
		if (tp->perf)
			return iorep_textparse_perf_record(payload.p, payload.n, ev);
		/* the kernel's stack trace of the event before it (options/stacktrace) */
		if (span_starts(span_trim(payload), "<stack trace>")) {
			ev->type = IOREP_EV_STACK;
			return IOREP_LINE_STACK;
		}
		/* the function tracer: "func <-parent"; or an iommu event's name damaged */
		return memmem(payload.p, payload.n, "IOMMU:", 6) ? IOREP_LINE_BAD :
								    IOREP_LINE_OTHER_EVENT;
	}
	return finish_event(tp, ev, sys, name, payload);
}

int iorep_textparse_line(struct iorep_textparse *tp, const char *line, size_t len,
			 struct iorep_event *ev)
{
	int ret = parse_line(tp, line, len, ev);

	/*
	 * ftrace text never holds a NUL: one in an event line is damage (a
	 * block of zeros from a crash, say), and its fields cannot be trusted
	 */
	if (ret == IOREP_LINE_EVENT && memchr(line, '\0', len))
		return IOREP_LINE_BAD;
	return ret;
}
