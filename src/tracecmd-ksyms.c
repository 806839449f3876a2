// SPDX-License-Identifier: MIT
/*
 * The trace.dat's kallsyms, kept as text and indexed only when a stack
 * trace needs a function's name.
 *
 * libtracecmd parses the kallsyms table of every trace.dat it opens
 * (libtraceevent's tep_parse_kallsyms(): one sscanf() and an allocation per
 * symbol, about 200,000 on a distribution kernel) and has no flag to skip
 * it, yet only the frames of a stack trace (kernel_stack records) need a
 * name, and most traces have none.  So this definition, to which the
 * dynamic linker binds libtracecmd's call in a program that links this
 * reader, keeps a copy of the text and hands libtraceevent a function
 * resolver over it: opening the 6.12 vfio capture costs 0.03 s of CPU
 * instead of 0.18, and the first name looked up indexes the table.  Only
 * the lines of functions are kept.
 * Programs without this reader (trace-cmd with our plugin) are untouched.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>
#include <trace-cmd.h>

#include "iorep-util.h"
#include "tracecmd-ksyms.h"

/*
 * An address no kernel function has: looked up, the resolver answers with
 * its own state instead of a name, so that the reader can free it (libtraceevent
 * has no way to read a resolver's data back).
 */
#define KSYMS_SELF 1ULL

struct ksym {
	uint64_t addr;
	const char *name;
};

struct ksyms {
	char *text;
	struct ksym *sym;
	size_t n;
	bool indexed;
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* "ffffffff81000000 T _stext", "ffffffffc0a01000 t e1000_xmit_frame\t[e1000]": names cut in place. */
static void index_text(struct ksyms *k)
{
	char *p = k->text, *name;
	size_t cap = 0, len;
	struct ksym *grown;
	uint64_t addr;
	int d, digits;

	k->indexed = true;
	while (*p) {
		for (addr = 0, digits = 0; (d = iorep_hex_val(*p)) >= 0; p++, digits++)
			addr = addr << 4 | (uint64_t)d;
		name = NULL;
		if (digits && p[0] == ' ' && p[1] && p[1] != '\n' && p[2] == ' ') {
			name = p + 3;
			for (len = 0; name[len] && name[len] != '\n' && name[len] != '\t' &&
				      name[len] != ' ';
			     len++)
				;
			p = name + len;
			if (!len)
				name = NULL;
		}
		while (*p && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
		if (!name)
			continue;
		name[len] = '\0';
		if (k->n == cap) {
			cap = cap ? 2 * cap : 4096;
			grown = realloc(k->sym, cap * sizeof(*grown));
			if (!grown)
				return; /* the names found so far are all there are */
			k->sym = grown;
		}
		k->sym[k->n++] = (struct ksym){ addr, name };
	}
	qsort(k->sym, k->n, sizeof(*k->sym), ksym_cmp);
}

/* The function @*addrp is in: the symbol at or below it (libtraceevent's rule). */
static char *resolve(void *priv, unsigned long long *addrp, char **modp)
{
	struct ksyms *k = priv;
	size_t lo = 0, hi;

	*modp = NULL;
	if (*addrp == KSYMS_SELF)
		return (char *)k;
	if (!k->indexed)
		index_text(k);
	hi = k->n;
	if (!hi || *addrp < k->sym[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->sym[mid].addr <= *addrp)
			lo = mid;
		else
			hi = mid;
	}
	*addrp = k->sym[lo].addr;
	return (char *)k->sym[lo].name;
}

/* Whether a kallsyms type letter names code: a stack frame's return address is in no other. */
static bool code_symbol(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/*
 * The lines of @text that name code, copied: a third of a distribution
 * kernel's kallsyms (2.8 of 7.7 MB for 6.12) names data, where no frame is.
 */
static char *code_lines(const char *text)
{
	size_t left = strlen(text), n = 0, len;
	const char *p = text, *nl, *sp;
	char *out = malloc(left + 1), *shrunk;

	if (!out)
		return NULL;
	while (left) {
		nl = memchr(p, '\n', left);
		len = nl ? (size_t)(nl - p) + 1 : left;
		sp = memchr(p, ' ', len);
		if (sp && (size_t)(sp - p) + 3 < len && code_symbol(sp[1]) && sp[2] == ' ') {
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
		left -= len;
	}
	out[n] = '\0';
	shrunk = realloc(out, n + 1);
	return shrunk ? shrunk : out;
}

int tep_parse_kallsyms(struct tep_handle *tep, const char *kallsyms)
{
	struct ksyms *k;

	if (!kallsyms || !*kallsyms)
		return 0;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -1;
	k->text = code_lines(kallsyms);
	if (k->text && !*k->text) {
		free(k->text);	/* no function: nothing to name a frame by */
		free(k);
		return 0;
	}
	if (!k->text || tep_set_function_resolver(tep, resolve, k) < 0) {
		free(k->text);
		free(k);
		return -1;
	}
	return 0;
}

void iorep_tracecmd_ksyms_free(struct tracecmd_input *h)
{
	iorep_ksyms_free(h ? tracecmd_get_tep(h) : NULL);
}

void iorep_ksyms_free(struct tep_handle *tep)
{
	struct ksyms *k;

	if (!tep)
		return;
	k = (struct ksyms *)tep_find_function(tep, KSYMS_SELF);
	if (!k)
		return;
	tep_reset_function_resolver(tep);
	free(k->sym);
	free(k->text);
	free(k);
}
