// SPDX-License-Identifier: MIT
/*
 * The head of the usual ftrace line, "comm-pid [cpu] flags  sec.usec: ",
 * read by a fixed template: the kernel's trace and trace_pipe, and trace-cmd
 * report with or without its flags column, nearly every line of a trace.
 * The generic rule (text-parse.c) reads every form by trimming and taking
 * tokens from the timestamp back; on a busy trace that cost more than the
 * payload did.  The template takes record-tgid's "(tgid)" after the pid too.
 * A head that is not exactly the template (a tab among the blanks, an
 * instance's name, perf's task, a comment, a kernel log, a number that is
 * not plain digits, a comm past 32 bytes) is left to the generic rule; the
 * template gives exactly what it gives, or nothing (tests/test-text-fast.c
 * compares the two on every line of the captures and on every change of a
 * byte).
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "iorep-error.h"
#include "iorep-event.h"
#include "iorep-util.h"
#include "textparse-local.h"

uint32_t iorep_textparse_flags_ctx(const char *p, size_t n)
{
	if (n < 3)
		return 0;
	if (p[0] == 'd' || p[0] == 'D' || p[0] == 'b')
		return IOREP_CTX_ATOMIC;
	switch (p[2]) {
	case 'h':
	case 's':
	case 'H':
	case 'z':
	case 'Z':
		return IOREP_CTX_ATOMIC;
	}
	return 0;
}

/* How many spaces @p/@n starts with: the comm is printed right-aligned. */
static size_t spaces(const char *p, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		unsigned int m =
			(unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));

		if (m != 0xffff)
			return i + (size_t)__builtin_ctz(~m);
	}
#endif
	while (i < n && p[i] == ' ')
		i++;
	return i;
}

/* Where the bytes of interest are among the 32 at @p: bit i for byte i. */
struct head_masks {
	uint32_t dash, blank, open, colon, paren;
};

#ifdef __SSE2__
static uint32_t mask32(__m128i lo, __m128i hi, char c)
{
	__m128i k = _mm_set1_epi8(c);

	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(lo, k)) |
	       (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(hi, k)) << 16;
}
#endif

static void head_masks(const char *p, struct head_masks *m)
{
#ifdef __SSE2__
	__m128i lo = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i hi = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));

	m->dash = mask32(lo, hi, '-');
	m->blank = mask32(lo, hi, ' ') | mask32(lo, hi, '\t');
	m->open = mask32(lo, hi, '[');
	m->colon = mask32(lo, hi, ':');
	m->paren = mask32(lo, hi, '(');
#else
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < 32; i++) {
		m->dash |= (uint32_t)(p[i] == '-') << i;
		m->blank |= (uint32_t)iorep_is_blank(p[i]) << i;
		m->open |= (uint32_t)(p[i] == '[') << i;
		m->colon |= (uint32_t)(p[i] == ':') << i;
		m->paren |= (uint32_t)(p[i] == '(') << i;
	}
#endif
}

/*
 * Six digits, ':' and a blank at @p (8 bytes readable): *@v is their value.
 * The eight bytes as one word, the first byte lowest: each digit's test and
 * value at once, then pairs, fours and the whole by multiplication.
 */
static bool usec(const char *p, uint64_t *v)
{
	uint64_t x, d;

	memcpy(&x, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	if (!iorep_is_blank(p[7]) || p[6] != ':' || (x & 0xf0f0f0f0f0f0ull) != 0x303030303030ull ||
	    ((x + 0x060606060606ull) & 0xf0f0f0f0f0f0ull) != 0x303030303030ull)
		return false;
	/* "00" before the six: eight digits, the first in the lowest byte */
	d = ((x & 0xffffffffffffull) - 0x303030303030ull) << 16;
	*v = iorep_eight_digits(d);
	return true;
}

/*
 * The timestamp "sec.frac:" at @t, one to ten digits and one to nine, its
 * ':' before a blank or the end (where the generic rule takes it, when no
 * ':' before it can be taken).  *@colon is where its ':' is.
 */
static bool timestamp(const char *s, size_t n, size_t t, size_t *colon, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	size_t k = t, f;

	while (k < n && iorep_is_digit(s[k]) && k - t < 11)
		sec = sec * 10 + (uint64_t)(s[k++] - '0');
	if (k == t || k - t > 10 || k >= n || s[k] != '.')
		return false;
	f = ++k;
	/* the kernel's and trace-cmd's microseconds, "%06lu:" and a blank */
	if (n - f >= 8 && usec(s + f, &frac)) {
		*colon = f + 6;
		*ns = sec * 1000000000ull + frac * 1000;
		return true;
	}
	for (; k < n && iorep_is_digit(s[k]) && k - f < 10; k++)
		frac = frac * 10 + (uint64_t)(s[k] - '0');
	if (k == f || k - f > 9 || k >= n || s[k] != ':' ||
	    (k + 1 < n && !iorep_is_blank(s[k + 1])))
		return false;
	for (f = k - f; f < 9; f++)
		frac *= 10;
	*colon = k;
	*ns = sec * 1000000000ull + frac;
	return true;
}

/* Where going back from @i in @s over blanks stops. */
static size_t back(const char *s, size_t i)
{
	while (i && iorep_is_blank(s[i - 1]))
		i--;
	return i;
}

/*
 * The "(tgid)" that ends "comm-pid (tgid)" at *@e in @s: *@tg its value, or
 * -1 for dashes; *@e where "comm-pid" ends.  False unless the digits or
 * dashes, in blanks, are all the parentheses hold.
 */
static bool tgid(const char *s, const struct head_masks *m, size_t *e, int32_t *tg)
{
	uint32_t bits = m->paren & ((1u << *e) - 1), v = 0;
	size_t open, k, end = *e - 1, digits = 0, dashes = 0;

	if (!bits)
		return false;
	open = 31 - (size_t)__builtin_clz(bits);
	for (k = open + 1; k < end && iorep_is_blank(s[k]); k++)
		;
	for (; k < end && !iorep_is_blank(s[k]); k++) {
		if (iorep_is_digit(s[k]) && !dashes) {
			v = v * 10 + (uint32_t)(s[k] - '0');
			digits++;
		} else if (s[k] == '-' && !digits)
			dashes++;
		else
			return false;
	}
	while (k < end && iorep_is_blank(s[k]))
		k++;
	if (k != end || digits + dashes == 0 || digits > 9)
		return false;
	*tg = digits ? (int32_t)v : -1;
	*e = back(s, open);
	return *e > 0;
}

int iorep_textparse_fast_head(struct iorep_textparse *tp, const char *line, size_t len,
			      struct iorep_event *ev, const char **payload, size_t *payload_len)
{
	size_t lead = spaces(line, len), n, q, e, dash, k, t, colon;
	const char *s = line + lead, *comm;
	uint32_t pid = 0, cpu = 0, ctx = 0, lim, bits;
	int32_t tg = -1;
	struct head_masks m;
	uint64_t ns;

	n = len - lead;
	while (n && iorep_is_blank(s[n - 1]))
		n--;
	/* an event's line is longer; the masks read 32 bytes */
	if (n < 32)
		return 1;
	/* what the generic rule reads before it looks for a timestamp */
	switch (s[0]) {
	case '\t':
	case '#':
	case '=':
	case '[':
	case 'T':
	case 'C':
		return 1;
	case '<':
		if (iorep_is_digit(s[1]))
			return 1;
		break;
	case 'c':
		if (!memcmp(s, "cpus=", 5))
			return 1;
		break;
	case 'v':
		if (!memcmp(s, "version = ", 10))
			return 1;
		break;
	}
	/* "comm-pid" and blanks before the first '[' */
	head_masks(s, &m);
	if (!m.open)
		return 1;
	q = (size_t)__builtin_ctz(m.open);
	lim = (1u << q) - 1;
	bits = ~m.blank & lim;
	if (!bits)
		return 1;
	e = 32 - (size_t)__builtin_clz(bits);
	if (e == q)
		return 1;
	/* record-tgid's "(  tgid)", "(-------)" where the kernel did not know it */
	if (s[e - 1] == ')' && !tgid(s, &m, &e, &tg))
		return 1;
	bits = m.dash & ((1u << e) - 1);
	if (!bits)
		return 1;
	dash = 31 - (size_t)__builtin_clz(bits);
	if (dash == 0 || e - dash - 1 == 0 || e - dash - 1 > 9)
		return 1;
	for (k = dash + 1; k < e; k++) {
		if (!iorep_is_digit(s[k]))
			return 1;
		pid = pid * 10 + (uint32_t)(s[k] - '0');
	}
	/* "NAME: comm-pid", a trace-cmd instance's name first */
	bits = m.blank & lim;
	k = bits ? (size_t)__builtin_ctz(bits) : q;
	if (k < dash && k > 1 && s[k - 1] == ':')
		return 1;
	/* a ':' in the comm that the generic rule could take for the timestamp's */
	for (bits = m.colon & lim; bits; bits &= bits - 1) {
		k = (size_t)__builtin_ctz(bits);
		if (k && iorep_is_digit(s[k - 1]) && iorep_is_blank(s[k + 1]))
			return 1;
	}
	/* "[cpu]", a blank, the flags when the column is there, the timestamp */
	for (k = q + 1; k < n && iorep_is_digit(s[k]) && k - q <= 9; k++)
		cpu = cpu * 10 + (uint32_t)(s[k] - '0');
	if (k == q + 1 || k - q - 1 > 9 || k + 1 >= n || s[k] != ']' || !iorep_is_blank(s[k + 1]))
		return 1;
	for (k += 2; k < n && iorep_is_blank(s[k]); k++)
		;
	if (k == n)
		return 1;
	if (!timestamp(s, n, k, &colon, &ns)) {
		/* flags that the generic rule would take for the "[cpu]" */
		if (s[k] == '[')
			return 1;
		for (t = k; k < n && !iorep_is_blank(s[k]); k++)
			if (s[k] == ':')
				return 1;
		ctx = iorep_textparse_flags_ctx(s + t, k - t);
		while (k < n && iorep_is_blank(s[k]))
			k++;
		if (!timestamp(s, n, k, &colon, &ns))
			return 1;
	}
	comm = iorep_textparse_intern(tp, s, dash);
	if (!comm)
		return -IOREP_ENOMEM;
	ev->ts = ns;
	ev->cpu = (int32_t)cpu;
	ev->ctx = ctx;
	ev->pid = (int32_t)pid;
	if (tg >= 0)
		ev->tgid = tg;
	ev->comm = comm;
	*payload = s + colon + 1;
	*payload_len = n - colon - 1;
	return 0;
}
