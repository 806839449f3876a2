// SPDX-License-Identifier: MIT
/*
 * The kernel's print formats of the most frequent events (iommu map and
 * unmap, dma_map_page and dma_unmap_page: nine events in ten of a busy
 * trace; and dma_map_sg and dma_unmap_sg, whose arrays cost the generic
 * parser most), read by a fixed template instead of key by key.  A payload
 * that is not exactly the template (another kernel's order of keys, a
 * number in another base, attrs named on a single mapping, damage) is left
 * to the generic parser
 * (text-parse.c), which reads every form; the template gives exactly what
 * the generic parser gives, or nothing (tests/test-text-fast.c compares the
 * two on every line of the captures).
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "iorep-event.h"
#include "textparse-local.h"

struct cur {
	const char *p, *end;
	const char *begin; /* the payload's first byte: the bytes from it to end may be read */
};

static bool lit(struct cur *c, const char *s, size_t n)
{
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

#define LIT(c, s) lit((c), (s), sizeof(s) - 1)

#ifdef __SSE2__
/*
 * The bytes of @c that are hex digits, each as its digit's value, the others
 * 0; *@digits has a bit set for each digit byte, the first byte lowest.
 */
static __m128i hex_nibbles(__m128i c, unsigned int *digits)
{
	__m128i d = _mm_sub_epi8(c, _mm_set1_epi8('0'));
	__m128i l = _mm_sub_epi8(_mm_or_si128(c, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
	/* unsigned d <= 9, l <= 5: min() leaves them as they are */
	__m128i is_d = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
	__m128i is_l = _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(5)), l);

	*digits = (unsigned int)_mm_movemask_epi8(_mm_or_si128(is_d, is_l));
	return _mm_or_si128(_mm_and_si128(is_d, d),
			    _mm_and_si128(is_l, _mm_add_epi8(l, _mm_set1_epi8(10))));
}

/* Sixteen digit values (hex_nibbles()) as one number, the first digit highest. */
static uint64_t hex_pack(__m128i nib)
{
	/* a 16-bit lane holds two digits, the first in its low byte */
	__m128i pairs = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(nib, _mm_set1_epi16(0xff)), 4),
				     _mm_srli_epi16(nib, 8));

	return __builtin_bswap64((uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(pairs, pairs)));
}
#endif

/*
 * Up to 15 hex digits at @c (too few to pass 64 bits) into *@x: how many were
 * read.  With 16 bytes left, the run of digits is found and read in one
 * vector; a run of 16 or more is left to the loop, which stops at 15.
 */
static size_t hex_digits(struct cur *c, uint64_t *x)
{
	const char *start = c->p;
	int d;

#ifdef __SSE2__
	if (c->end - c->p >= 16) {
		unsigned int digits;
		__m128i nib = hex_nibbles(_mm_loadu_si128((const __m128i *)c->p), &digits);
		int n = __builtin_ctz(~digits); /* 16 when all are */

		if (n < 16) {
			*x = n ? hex_pack(nib) >> (4 * (16 - n)) : 0;
			c->p += n;
			return (size_t)n;
		}
	}
#endif
	*x = 0;
	while (c->p < c->end && c->p - start < 15 &&
	       (d = iorep_hex_digit1[(unsigned char)*c->p] - 1) >= 0) {
		*x = *x << 4 | (uint64_t)d;
		c->p++;
	}
	return (size_t)(c->p - start);
}

/*
 * The decimal digits at @c, fewer than 8, read in one 64-bit word (the 8
 * bytes from @c, or the 8 before the payload's end when fewer are left):
 * how many, their value in *@x; -1 when there is no such word, 8 when all
 * 8 bytes are digits (nothing read).
 */
static int dec_digits(const struct cur *c, uint64_t *x)
{
	size_t left = (size_t)(c->end - c->p);
	uint64_t w, over;
	int n;

	if (left >= 8)
		memcpy(&w, c->p, 8);
	else if (left && c->end - c->begin >= 8)
		memcpy(&w, c->end - 8, 8);
	else
		return -1;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w); /* the first byte lowest */
#endif
	if (left < 8)
		w >>= 8 * (8 - left); /* the bytes before @c go; zeros, not digits, come in */
	/* a digit becomes 0-9; the first byte that is not one has its top bit set in over */
	w ^= 0x3030303030303030ull;
	over = ((w + 0x7676767676767676ull) | w) & 0x8080808080808080ull;
	if (!over)
		return 8;
	n = __builtin_ctzll(over) / 8;
	if (!n) {
		*x = 0;
		return 0;
	}
	/* the digits to the top, as if led by zeros */
	*x = iorep_eight_digits(w << 8 * (8 - n));
	return n;
}

/* A number up to the next space or the end, by the generic parser's own rule. */
static bool number(struct cur *c, int hex, uint64_t *v)
{
	const char *start = c->p;
	uint64_t x = 0;

	/*
	 * The usual number in one pass: bare digits, too few (19 decimal, 15
	 * hex) to pass 64 bits, then a space or the end.  Anything else, a
	 * 0x included, by the whole rule.
	 */
	if (hex) {
		hex_digits(c, &x);
	} else {
		int n = dec_digits(c, &x);

		if (n >= 0 && n < 8)
			c->p += n;
		else
			while (c->p < c->end && c->p - start < 19 && *c->p >= '0' &&
			       *c->p <= '9') {
				x = x * 10 + (uint64_t)(*c->p - '0');
				c->p++;
			}
	}
	if (c->p > start && (c->p == c->end || *c->p == ' ')) {
		*v = x;
		return true;
	}
	while (c->p < c->end && *c->p != ' ')
		c->p++;
	return iorep_textparse_u64(start, (size_t)(c->p - start), hex, v) == 0;
}

#ifdef __SSE2__
/*
 * Sixteen hex digits at @p, the kernel's "%016llx", in one 16-byte vector:
 * false when any byte is not a digit (the caller then reads the number by
 * the common rule, which refuses it too).
 */
static bool hex16(const char *p, uint64_t *v)
{
	unsigned int digits;
	__m128i nib = hex_nibbles(_mm_loadu_si128((const __m128i *)p), &digits);

	if (digits != 0xffff)
		return false;
	*v = hex_pack(nib);
	return true;
}
#endif

static bool hex(struct cur *c, uint64_t *v)
{
#ifdef __SSE2__
	/* "0x" and 16 digits, then a space or the end: every iova and paddr of map and unmap */
	if (c->end - c->p >= 18 && c->p[0] == '0' && (c->p[1] == 'x' || c->p[1] == 'X') &&
	    (c->end - c->p == 18 || c->p[18] == ' ') && hex16(c->p + 2, v)) {
		c->p += 18;
		return true;
	}
#endif
	return number(c, 1, v);
}

/* A decimal field (size=): decimal or 0x-hex, as set_field() reads it. */
static bool dec(struct cur *c, uint64_t *v)
{
	return number(c, 0, v);
}

/* A word up to the next space, without '=' or a tab (the device of a dma event). */
static bool word(struct cur *c, const char **w, size_t *n)
{
	*w = c->p;
	while (c->p < c->end && *c->p != ' ') {
		if (*c->p == '=' || *c->p == '\t')
			return false;
		c->p++;
	}
	*n = (size_t)(c->p - *w);
	return *n > 0;
}

/* "dir=NAME " */
static bool dir(struct cur *c, int32_t *out)
{
	const char *w;
	int d;

	if (!LIT(c, "dir="))
		return false;
	for (w = c->p; c->p < c->end && *c->p != ' '; c->p++)
		;
	d = iorep_dma_dir_lookup(w, (int)(c->p - w));
	if (d < 0)
		return false;
	*out = d;
	return true;
}

/* "IOMMU: iova=0x... - 0x..." */
static bool iova_range(struct cur *c, uint64_t *iova, uint64_t *end)
{
	return LIT(c, "IOMMU: iova=") && hex(c, iova) && LIT(c, " - ") && hex(c, end);
}

/* The device and "dir=D": what every dma event begins with. */
static bool dma_dev_dir(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev)
{
	const char *dev;
	size_t len;

	/* the generic parser drops an "IOMMU:" before any payload, a dma event's too */
	if ((size_t)(c->end - c->p) >= 6 && !memcmp(c->p, "IOMMU:", 6))
		return false;
	if (!word(c, &dev, &len) || !LIT(c, " ") || !dir(c, &ev->dir))
		return false;
	ev->device = iorep_textparse_intern(tp, dev, len);
	return ev->device != NULL;
}

/* The device and "dir=D dma_addr=H size=N": what dma_map_page and dma_unmap_page begin with. */
static bool dma_head(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev,
		     uint64_t *addr, uint64_t *size)
{
	return dma_dev_dir(tp, c, ev) && LIT(c, " dma_addr=") && hex(c, addr) && LIT(c, " size=") &&
	       dec(c, size);
}

/* "S/F" of nents= and ents=: the full count F, the only part the generic parser reads. */
static bool count(struct cur *c, int32_t *full)
{
	const char *shown = c->p;
	uint64_t v;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	if (c->p == shown || !LIT(c, "/") || !dec(c, &v) || v > INT32_MAX)
		return false;
	*full = (int32_t)v;
	return true;
}

/*
 * An element of an array up to its ',' or '}': the kernel's "0x%llx" in one
 * pass, fewer than 16 digits; anything else found first, then read by the
 * common rule.
 */
static bool element(struct cur *c, uint64_t *v)
{
	const char *start = c->p;

	if (c->end - c->p > 2 && c->p[0] == '0' && c->p[1] == 'x') {
		c->p += 2;
		if (hex_digits(c, v) && c->p < c->end && (*c->p == ',' || *c->p == '}'))
			return true;
	}
	while (c->p < c->end && *c->p != ',' && *c->p != '}')
		c->p++;
	return c->p < c->end && !iorep_textparse_u64(start, (size_t)(c->p - start), 0, v);
}

/*
 * "{0x1,0x2}" or "{}" into scratch array @which (0 phys_addrs, 1 dma_addrs,
 * 2 the 32-bit lengths, cut to 32 bits as the generic parser cuts them).
 */
static bool array(struct iorep_textparse *tp, struct cur *c, int which)
{
	uint64_t v;
	int ret;

	if (!LIT(c, "{"))
		return false;
	if (LIT(c, "}"))
		return true;
	for (;;) {
		if (!element(c, &v))
			return false;
		ret = which == 2 ? iorep_textparse_push_u32(tp, (uint32_t)v) :
				   iorep_textparse_push_u64(tp, which, v);
		if (ret)
			return false;
		if (*c->p++ == '}')
			return true;
	}
}

/* "attrs=..." to the end by the generic parser's rule, with no space or tab (it splits there). */
static bool attrs(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev)
{
	const char *q;

	if (!LIT(c, "attrs="))
		return false;
	for (q = c->p; q < c->end; q++)
		if (*q == ' ' || *q == '\t')
			return false;
	if (iorep_textparse_set_field(tp, ev, IOREP_F_ATTRS, c->p, (size_t)(c->end - c->p)))
		return false;
	c->p = c->end;
	return true;
}

/*
 * dma_map_sg: "%s dir=%s nents=%d/%d ents=%d/%d%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s"
 * (the %s after the counts: " [TRUNCATED]" or nothing).
 */
static bool map_sg(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev)
{
	if (!dma_dev_dir(tp, c, ev) || !LIT(c, " nents=") || !count(c, &ev->full_nents) ||
	    !LIT(c, " ents=") || !count(c, &ev->full_ents))
		return false;
	ev->truncated = LIT(c, " [TRUNCATED]");
	if (!LIT(c, " dma_addrs=") || !array(tp, c, 1) || !LIT(c, " sizes=") || !array(tp, c, 2) ||
	    !LIT(c, " phys_addrs=") || !array(tp, c, 0) || !LIT(c, " ") || !attrs(tp, c, ev))
		return false;
	ev->dma_addrs = (struct iorep_u64s){ tp->u64s[1], tp->n64[1] };
	ev->lengths = (struct iorep_u32s){ tp->u32s, tp->n32 };
	ev->phys_addrs = (struct iorep_u64s){ tp->u64s[0], tp->n64[0] };
	ev->have |= 1u << IOREP_F_DEVICE | 1u << IOREP_F_DIR | 1u << IOREP_F_FULL_NENTS |
		    1u << IOREP_F_FULL_ENTS | 1u << IOREP_F_TRUNCATED | 1u << IOREP_F_DMA_ADDRS |
		    1u << IOREP_F_LENGTHS | 1u << IOREP_F_PHYS_ADDRS;
	return true;
}

/* dma_unmap_sg: "%s dir=%s phys_addrs=%s attrs=%s", the field is "addrs" */
static bool unmap_sg(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev)
{
	if (!dma_dev_dir(tp, c, ev) || !LIT(c, " phys_addrs=") || !array(tp, c, 0) ||
	    !LIT(c, " ") || !attrs(tp, c, ev))
		return false;
	ev->phys_addrs = (struct iorep_u64s){ tp->u64s[0], tp->n64[0] };
	ev->have |= 1u << IOREP_F_DEVICE | 1u << IOREP_F_DIR | 1u << IOREP_F_ADDRS;
	return true;
}

/* Leaves @ev as the template found it, for the generic parser. */
static int undo(struct iorep_textparse *tp, struct iorep_event *ev)
{
	iorep_textparse_restart(tp, ev, ev->type);
	return 1;
}

int iorep_textparse_fast(struct iorep_textparse *tp, struct iorep_event *ev, const char *p,
			 size_t n)
{
	struct cur c = { p, p + n, p };
	uint64_t a, end, s, u, pa;

	while (c.p < c.end && (*c.p == ' ' || *c.p == '\t'))
		c.p++;
	while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t'))
		c.end--;
	switch (iorep_event_desc(ev->type)->cls) {
	case IOREP_C_MAP:
		/* "IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu" */
		if (!iova_range(&c, &a, &end) || !LIT(&c, " paddr=") || !hex(&c, &pa) ||
		    !LIT(&c, " size=") || !dec(&c, &s) || c.p != c.end || a + s != end)
			return 1;
		ev->iova = a;
		ev->paddr = pa;
		ev->size = s;
		ev->have = 1u << IOREP_F_IOVA | 1u << IOREP_F_PADDR | 1u << IOREP_F_SIZE;
		return 0;
	case IOREP_C_UNMAP:
		/* "IOMMU: iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu" */
		if (!iova_range(&c, &a, &end) || !LIT(&c, " size=") || !dec(&c, &s) ||
		    !LIT(&c, " unmapped_size=") || !dec(&c, &u) || c.p != c.end || a + s != end)
			return 1;
		ev->iova = a;
		ev->size = s;
		ev->unmapped_size = u;
		ev->have = 1u << IOREP_F_IOVA | 1u << IOREP_F_SIZE | 1u << IOREP_F_UNMAPPED_SIZE;
		return 0;
	case IOREP_C_DMA_MAP:
		/* "%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=" (no attrs named) */
		if (!dma_head(tp, &c, ev, &a, &s) || !LIT(&c, " phys_addr=") || !hex(&c, &pa) ||
		    !LIT(&c, " attrs=") || c.p != c.end)
			break;
		ev->dma_addr = a;
		ev->size = s;
		ev->phys_addr = pa;
		ev->have = 1u << IOREP_F_DEVICE | 1u << IOREP_F_DIR | 1u << IOREP_F_DMA_ADDR |
			   1u << IOREP_F_SIZE | 1u << IOREP_F_PHYS_ADDR | 1u << IOREP_F_ATTRS;
		return 0;
	case IOREP_C_DMA_UNMAP:
		/* "%s dir=%s dma_addr=%llx size=%zu attrs=": the field is "addr" */
		if (!dma_head(tp, &c, ev, &a, &s) || !LIT(&c, " attrs=") || c.p != c.end)
			break;
		ev->dma_addr = a;
		ev->size = s;
		ev->have = 1u << IOREP_F_DEVICE | 1u << IOREP_F_DIR | 1u << IOREP_F_ADDR |
			   1u << IOREP_F_SIZE | 1u << IOREP_F_ATTRS;
		return 0;
	case IOREP_C_DMA_MAP_SG:
		return map_sg(tp, &c, ev) ? 0 : undo(tp, ev);
	case IOREP_C_DMA_UNMAP_SG:
		return unmap_sg(tp, &c, ev) ? 0 : undo(tp, ev);
	default:
		return 1;
	}
	/* a dma event that is not the template: what dma_head() set goes */
	return undo(tp, ev);
}
