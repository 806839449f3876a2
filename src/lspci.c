// SPDX-License-Identifier: MIT
/*
 * `lspci` output: the first line of each device, in the -nn form and the
 * forms around it (-D, -n, no -n, -v/-k continuation lines ignored).
 */
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "iorep-util.h"
#include "iorep-pci.h"

/* Reads exactly @n (<= 4) hex digits at @s; false if any is not hex. */
static bool hex_n(const char *s, size_t n, uint16_t *out)
{
	unsigned int v = 0;
	size_t i;
	int d;

	for (i = 0; i < n; i++) {
		d = iorep_hex_val(s[i]);
		if (d < 0)
			return false;
		v = v << 4 | (unsigned int)d;
	}
	*out = (uint16_t)v;
	return true;
}

static const char *trim(const char *s, size_t *len)
{
	while (*len && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		(*len)--;
	}
	while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\r'))
		(*len)--;
	return s;
}

/* What follows the names: "(rev 02)" and, with -v, "(prog-if 01 [AHCI 1.0])". */
struct suffixes {
	bool has_rev;
	bool has_prog_if;
	uint8_t rev;
	uint8_t prog_if;
};

/*
 * Reads suffixes from @s.  Returns true if all of @s was suffixes; stops at
 * the first text that is not one (what was read before it is kept).
 */
static bool parse_suffixes(struct suffixes *sx, const char *s, size_t len)
{
	uint16_t v;
	size_t i;

	for (;;) {
		s = trim(s, &len);
		if (!len)
			return true;
		if (iorep_starts(s, len, "(rev ") && len >= 8 && s[7] == ')' &&
		    hex_n(s + 5, 2, &v)) {
			sx->has_rev = true;
			sx->rev = (uint8_t)v;
			s += 8;
			len -= 8;
			continue;
		}
		if (!iorep_starts(s, len, "(prog-if ") || len < 12 || !hex_n(s + 9, 2, &v))
			return false;
		if (s[11] == ')') {
			i = 12;
		} else if (len >= 14 && s[11] == ' ' && s[12] == '[') {
			/* the name ends at the first "])" at the end or before a blank */
			for (i = 13; i + 1 < len; i++)
				if (s[i] == ']' && s[i + 1] == ')' &&
				    (i + 2 == len || s[i + 2] == ' '))
					break;
			if (i + 1 >= len)
				return false;
			i += 2;
		} else {
			return false;
		}
		sx->has_prog_if = true;
		sx->prog_if = (uint8_t)v;
		s += i;
		len -= i;
	}
}

/* Position of the last "[vvvv:dddd]" in @s, or -1. */
static long find_ids(const char *s, size_t len, uint16_t *vendor, uint16_t *device)
{
	size_t i;

	if (len < 11)
		return -1;
	for (i = len - 11 + 1; i-- > 0;) {
		if (s[i] == '[' && s[i + 5] == ':' && s[i + 10] == ']' &&
		    hex_n(s + i + 1, 4, vendor) && hex_n(s + i + 6, 4, device))
			return (long)i;
	}
	return -1;
}

/* A NUL-terminated copy of @len bytes at @s, or NULL; the caller frees it. */
static char *dup_n(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void iorep_lspci_dev_release(struct iorep_lspci_dev *dev)
{
	free(dev->class_name);
	free(dev->desc);
	dev->class_name = NULL;
	dev->desc = NULL;
}

int iorep_lspci_parse_line(struct iorep_lspci_dev *dev, const char *line, size_t len)
{
	const char *slot, *cls, *rest, *desc, *sep, *sfx = NULL;
	size_t slen, clen, rlen, dlen, sfxlen = 0, i;
	struct suffixes sx = {0}, try;
	long at;
	int ret;

	memset(dev, 0, sizeof(*dev));
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (!len || line[0] == '\t' || line[0] == ' ')
		return 0;
	if (len > IOREP_LSPCI_LINE_MAX)
		return -IOREP_EPARSE;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -IOREP_EPARSE;
	}

	/* the slot, then " class: " */
	slot = line;
	sep = memchr(line, ' ', len);
	if (!sep)
		return -IOREP_EPARSE;
	slen = (size_t)(sep - line);
	if (iorep_pci_addr_parse(&dev->addr, slot, slen) < 0)
		return -IOREP_EPARSE;
	dev->has_domain = slen > 7;
	cls = sep + 1;
	rlen = len - slen - 1;
	for (sep = NULL, i = 0; i + 1 < rlen; i++) {
		if (cls[i] == ':' && cls[i + 1] == ' ') {
			sep = cls + i;
			break;
		}
	}
	if (!sep)
		return -IOREP_EPARSE;
	clen = (size_t)(sep - cls);
	rest = sep + 2;
	rlen -= clen + 2;
	cls = trim(cls, &clen);
	if (!clen)
		return -IOREP_EPARSE;
	if (clen >= 7 && cls[clen - 1] == ']' && cls[clen - 6] == '[' && cls[clen - 7] == ' ' &&
	    hex_n(cls + clen - 5, 4, &dev->class_code)) {
		dev->has_class = true;
		clen -= 7;
		cls = trim(cls, &clen);
	} else if (clen == 4 && hex_n(cls, 4, &dev->class_code)) {
		dev->has_class = true; /* lspci -n */
		clen = 0;
	}

	/* vendor and device: names, then the last [vvvv:dddd] */
	rest = trim(rest, &rlen);
	at = find_ids(rest, rlen, &dev->vendor, &dev->device);
	if (at >= 0) {
		dev->has_ids = true;
		desc = rest;
		dlen = (size_t)at;
		sfx = rest + at + 11;
		sfxlen = rlen - (size_t)at - 11;
	} else if (!clen && rlen >= 9 && rest[4] == ':' && (rlen == 9 || rest[9] == ' ') &&
		   hex_n(rest, 4, &dev->vendor) && hex_n(rest + 5, 4, &dev->device)) {
		dev->has_ids = true; /* lspci -n: "0106: 8086:2922" */
		desc = rest;
		dlen = 0;
		sfx = rest + 9;
		sfxlen = rlen - 9;
	} else {
		/* no numbers (plain lspci): the suffixes are the shortest tail that parses */
		desc = rest;
		dlen = rlen;
		for (i = 0; i < rlen; i++) {
			if (rest[i] != '(' || (i && rest[i - 1] != ' '))
				continue;
			memset(&try, 0, sizeof(try));
			if (parse_suffixes(&try, rest + i, rlen - i)) {
				dlen = i;
				break;
			}
		}
		sfx = rest + dlen;
		sfxlen = rlen - dlen;
	}
	/* after the numbers, anything lspci may add later is skipped */
	parse_suffixes(&sx, sfx, sfxlen);
	dev->has_rev = sx.has_rev;
	dev->rev = sx.rev;
	dev->has_prog_if = sx.has_prog_if;
	dev->prog_if = sx.prog_if;
	desc = trim(desc, &dlen);
	if (!dlen && !dev->has_ids)
		return -IOREP_EPARSE;

	dev->class_name = dup_n(cls, clen);
	dev->desc = dup_n(desc, dlen);
	if (!dev->class_name || !dev->desc) {
		ret = -IOREP_ENOMEM;
		goto out;
	}
	ret = 1;
out:
	if (ret < 0)
		iorep_lspci_dev_release(dev);
	return ret;
}

void iorep_lspci_init(struct iorep_lspci *l)
{
	memset(l, 0, sizeof(*l));
}

void iorep_lspci_release(struct iorep_lspci *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		iorep_lspci_dev_release(&l->devs[i]);
	free(l->devs);
	memset(l, 0, sizeof(*l));
}

static int cmp_dev(const void *pa, const void *pb)
{
	const struct iorep_lspci_dev *a = pa, *b = pb;
	int c = iorep_pci_addr_cmp(&a->addr, &b->addr);

	if (c)
		return c;
	return (a->line > b->line) - (a->line < b->line);
}

/* Sorts by address (then line) and counts addresses given twice. */
static void lspci_sort(struct iorep_lspci *l)
{
	size_t i;

	if (!l->nr)
		return;
	qsort(l->devs, l->nr, sizeof(*l->devs), cmp_dev);
	l->duplicates = 0;
	for (i = 1; i < l->nr; i++)
		if (!iorep_pci_addr_cmp(&l->devs[i].addr, &l->devs[i - 1].addr))
			l->duplicates++;
}

int iorep_lspci_parse(struct iorep_lspci *l, const char *buf, size_t len)
{
	const char *line = buf, *end = buf + len, *nl;
	struct iorep_lspci_dev dev;
	struct iorep_lspci_dev *devs;
	size_t before = l->nr, n;
	uint64_t lineno = 0, bad_before = l->bad;
	int ret;

	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		lineno++;
		l->lines++;
		ret = iorep_lspci_parse_line(&dev, line, (size_t)(nl - line));
		if (ret == -IOREP_ENOMEM)
			goto out;
		if (ret < 0) {
			if (!l->bad)
				l->first_bad_line = lineno;
			l->bad++;
			continue;
		}
		if (ret == 0) {
			l->ignored++;
			continue;
		}
		if (l->nr == l->alloc) {
			n = l->alloc ? l->alloc * 2 : 64;
			devs = realloc(l->devs, n * sizeof(*devs));
			if (!devs) {
				iorep_lspci_dev_release(&dev);
				ret = -IOREP_ENOMEM;
				goto out;
			}
			l->devs = devs;
			l->alloc = n;
		}
		dev.line = lineno;
		l->devs[l->nr++] = dev;
	}
	if (l->nr == before && l->bad > bad_before)
		ret = -IOREP_EPARSE;
	else
		ret = (int)(l->nr - before);
out:
	lspci_sort(l);
	return ret;
}

int iorep_lspci_read_file(struct iorep_lspci *l, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = iorep_snapshot_read(path, IOREP_SNAPSHOT_MAX, &buf, &len);
	if (ret < 0)
		goto out;
	ret = iorep_lspci_parse(l, buf, len);
out:
	free(buf);
	return ret;
}

const struct iorep_lspci_dev *iorep_lspci_find(const struct iorep_lspci *l,
					       const struct iorep_pci_addr *addr)
{
	size_t lo = 0, hi = l->nr, mid;
	int c;

	/* the first entry of equal ones */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = iorep_pci_addr_cmp(&l->devs[mid].addr, addr);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->nr && !iorep_pci_addr_cmp(&l->devs[lo].addr, addr))
		return &l->devs[lo];
	return NULL;
}
