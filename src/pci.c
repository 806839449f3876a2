// SPDX-License-Identifier: MIT
/*
 * PCI addresses, class codes and the pci.ids name table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "iorep-util.h"
#include "iorep-pci.h"

/* Reads exactly @n (1..8) hex digits at @s. */
static bool parse_hex(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;
	int d;

	if (n == 0 || n > 8)
		return false;
	for (i = 0; i < n; i++) {
		d = iorep_hex_val(s[i]);
		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

int iorep_pci_addr_parse(struct iorep_pci_addr *addr, const char *s, size_t len)
{
	const char *t;
	uint32_t domain = 0, bus, dev, fn;

	/* "bb:dd.f" is the tail of every form */
	if (len < 7)
		return -IOREP_EPARSE;
	t = s + len - 7;
	if (t[2] != ':' || t[5] != '.')
		return -IOREP_EPARSE;
	if (!parse_hex(t, 2, &bus) || !parse_hex(t + 3, 2, &dev) || !parse_hex(t + 6, 1, &fn))
		return -IOREP_EPARSE;
	if (dev > 0x1f || fn > 7)
		return -IOREP_EPARSE;
	if (len > 7) {
		/* "dddd:" with 4 to 8 digits */
		if (len < 12 || len > 16 || s[len - 8] != ':')
			return -IOREP_EPARSE;
		if (!parse_hex(s, len - 8, &domain))
			return -IOREP_EPARSE;
	}
	addr->domain = domain;
	addr->bus = (uint8_t)bus;
	addr->dev = (uint8_t)dev;
	addr->fn = (uint8_t)fn;
	return 0;
}

bool iorep_pci_name_is_pci(struct iorep_pci_addr *addr, const char *name, size_t len)
{
	struct iorep_pci_addr tmp;

	if (iorep_pci_addr_parse(&tmp, name, len) < 0)
		return false;
	if (addr)
		*addr = tmp;
	return true;
}

int iorep_pci_addr_format(const struct iorep_pci_addr *addr, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "%04x:%02x:%02x.%x", (unsigned int)addr->domain,
		     (unsigned int)addr->bus, (unsigned int)(addr->dev & 0x1f),
		     (unsigned int)(addr->fn & 7));
	if (n < 0 || (size_t)n >= size)
		return -IOREP_EINVAL;
	return n;
}

int iorep_pci_addr_cmp(const struct iorep_pci_addr *a, const struct iorep_pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->fn != b->fn)
		return a->fn < b->fn ? -1 : 1;
	return 0;
}

bool iorep_pci_class_is_bridge(uint16_t class_code)
{
	return class_code == IOREP_PCI_CLASS_BRIDGE_PCI ||
	       class_code == IOREP_PCI_CLASS_BRIDGE_PCI_SEMI;
}

bool iorep_pci_class_is_host_bridge(uint16_t class_code)
{
	return class_code == IOREP_PCI_CLASS_BRIDGE_HOST;
}

bool iorep_pci_class_is_isa_bridge(uint16_t class_code)
{
	return class_code == IOREP_PCI_CLASS_BRIDGE_ISA;
}

/* ------------------------------------------------------------------------ */
/* pci.ids */

struct pciids_vendor {
	uint16_t id;
	uint32_t name;	/* offset in the pool */
	uint32_t first; /* first device in devs[] */
	uint32_t ndev;
};

struct pciids_id {
	uint32_t id; /* device id; class << 8 | sub-class; or CLASS_KEY() */
	uint32_t name;
};

struct iorep_pciids {
	char *path;
	bool tried;
	int error;
	char *pool; /* every kept name, NUL-terminated */
	size_t pool_len;
	size_t pool_alloc;
	struct pciids_vendor *vendors;
	size_t nvendors;
	size_t vendors_alloc;
	struct pciids_id *devs;
	size_t ndevs;
	size_t devs_alloc;
	struct pciids_id *classes; /* sub-classes and BASE_CLASS_KEY()s */
	size_t nclasses;
	size_t classes_alloc;
};

static const char *const pciids_paths[] = {
	"/usr/share/misc/pci.ids",
	"/usr/share/hwdata/pci.ids",
	"/usr/share/pci.ids",
};

struct iorep_pciids *iorep_pciids_new(const char *path)
{
	struct iorep_pciids *ids = calloc(1, sizeof(*ids));

	if (!ids)
		goto out;
	if (path) {
		ids->path = strdup(path);
		if (!ids->path) {
			free(ids);
			ids = NULL;
		}
	}
out:
	return ids;
}

void iorep_pciids_free(struct iorep_pciids *ids)
{
	if (!ids)
		return;
	free(ids->path);
	free(ids->pool);
	free(ids->vendors);
	free(ids->devs);
	free(ids->classes);
	free(ids);
}

/* Copies a name into the pool; returns its offset or -IOREP_E*. */
static int64_t pool_add(struct iorep_pciids *ids, const char *s, size_t len)
{
	size_t need = ids->pool_len + len + 1, n;
	int64_t off;
	char *p;

	if (need > UINT32_MAX)
		return -IOREP_ELIMIT;
	if (need > ids->pool_alloc) {
		n = ids->pool_alloc ? ids->pool_alloc : 64 * 1024;
		while (n < need)
			n *= 2;
		p = realloc(ids->pool, n);
		if (!p)
			return -IOREP_ENOMEM;
		ids->pool = p;
		ids->pool_alloc = n;
	}
	memcpy(ids->pool + ids->pool_len, s, len);
	ids->pool[ids->pool_len + len] = '\0';
	off = (int64_t)ids->pool_len;
	ids->pool_len = need;
	return off;
}

/* Appends (@id, @name) to one of the id tables of @ids.  0 or -IOREP_E*. */
static int pciids_add(struct iorep_pciids *ids, struct pciids_id **arr, size_t *nr, size_t *alloc,
		      uint32_t id, const char *name, size_t nlen)
{
	struct pciids_id *p;
	int64_t off;
	size_t n;

	if (*nr == *alloc) {
		n = *alloc ? *alloc * 2 : 256;
		if (n > UINT32_MAX)
			return -IOREP_ELIMIT;
		p = realloc(*arr, n * sizeof(*p));
		if (!p)
			return -IOREP_ENOMEM;
		*arr = p;
		*alloc = n;
	}
	off = pool_add(ids, name, nlen);
	if (off < 0)
		return (int)off;
	(*arr)[*nr].id = id;
	(*arr)[*nr].name = (uint32_t)off;
	(*nr)++;
	return 0;
}

/* Appends a vendor whose devices start at the end of the device table.  0 or -IOREP_E*. */
static int pciids_add_vendor(struct iorep_pciids *ids, uint32_t id, const char *name, size_t nlen)
{
	struct pciids_vendor *p;
	int64_t off;
	size_t n;

	if (ids->nvendors == ids->vendors_alloc) {
		n = ids->vendors_alloc ? ids->vendors_alloc * 2 : 256;
		p = realloc(ids->vendors, n * sizeof(*p));
		if (!p)
			return -IOREP_ENOMEM;
		ids->vendors = p;
		ids->vendors_alloc = n;
	}
	off = pool_add(ids, name, nlen);
	if (off < 0)
		return (int)off;
	p = &ids->vendors[ids->nvendors++];
	p->id = (uint16_t)id;
	p->name = (uint32_t)off;
	p->first = (uint32_t)ids->ndevs;
	p->ndev = 0;
	return 0;
}

/* Base classes are keyed above every 16-bit sub-class code. */
#define BASE_CLASS_KEY(cc) (0x10000u | (uint32_t)(cc))

/*
 * Splits "<@ndig hex digits><spaces><name>" into an id and a name.
 * Returns false for anything else.
 */
static bool pciids_split(const char *s, size_t len, size_t ndig, uint32_t *id, const char **name,
			 size_t *nlen)
{
	size_t i = ndig;

	if (len <= ndig + 1 || !parse_hex(s, ndig, id) || (s[i] != ' ' && s[i] != '\t'))
		return false;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (i >= len)
		return false;
	*name = s + i;
	*nlen = len - i;
	return true;
}

static int cmp_vendor(const void *a, const void *b)
{
	const struct pciids_vendor *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_id(const void *a, const void *b)
{
	const struct pciids_id *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/*
 * One pass over the file: vendors and their devices, then the "C" section
 * of classes and sub-classes.  Subsystem and prog-if lines (two tabs) and
 * comments are skipped.  Unparsable lines are skipped too: the file is
 * advisory, never a reason to fail.
 */
static int pciids_parse(struct iorep_pciids *ids, const char *buf, size_t len)
{
	const char *line = buf, *end = buf + len, *nl, *name;
	bool in_vendor = false, in_class = false;
	uint32_t cur_class = 0, id;
	size_t llen, nlen, i;
	int ret = 0;

	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		llen = (size_t)(nl - line);
		if (!llen || line[0] == '#' || memchr(line, '\0', llen))
			continue;
		if (line[0] == '\t' && llen > 1 && line[1] == '\t')
			continue; /* subsystem or prog-if */
		if (line[0] == '\t') {
			if (in_vendor && pciids_split(line + 1, llen - 1, 4, &id, &name, &nlen)) {
				ret = pciids_add(ids, &ids->devs, &ids->ndevs, &ids->devs_alloc, id,
						 name, nlen);
				if (ret < 0)
					goto out;
				ids->vendors[ids->nvendors - 1].ndev++;
			} else if (in_class &&
				   pciids_split(line + 1, llen - 1, 2, &id, &name, &nlen)) {
				ret = pciids_add(ids, &ids->classes, &ids->nclasses,
						 &ids->classes_alloc, cur_class << 8 | id, name,
						 nlen);
				if (ret < 0)
					goto out;
			}
			continue;
		}
		in_vendor = false;
		in_class = false;
		if (llen > 2 && line[0] == 'C' && line[1] == ' ') {
			if (!pciids_split(line + 2, llen - 2, 2, &cur_class, &name, &nlen))
				continue;
			ret = pciids_add(ids, &ids->classes, &ids->nclasses, &ids->classes_alloc,
					 BASE_CLASS_KEY(cur_class), name, nlen);
			if (ret < 0)
				goto out;
			in_class = true;
			continue;
		}
		if (!pciids_split(line, llen, 4, &id, &name, &nlen))
			continue; /* another section, or junk */
		ret = pciids_add_vendor(ids, id, name, nlen);
		if (ret < 0)
			goto out;
		in_vendor = true;
	}
	/* the file is kept sorted, but do not rely on it */
	for (i = 0; i < ids->nvendors; i++)
		qsort(ids->devs + ids->vendors[i].first, ids->vendors[i].ndev, sizeof(*ids->devs),
		      cmp_id);
	if (ids->nvendors)
		qsort(ids->vendors, ids->nvendors, sizeof(*ids->vendors), cmp_vendor);
	if (ids->nclasses)
		qsort(ids->classes, ids->nclasses, sizeof(*ids->classes), cmp_id);
out:
	return ret;
}

/* Gives back the slack of the growable tables: a failed realloc just keeps it. */
static void pciids_shrink(struct iorep_pciids *ids)
{
	void *p;

	if (ids->pool_len && (p = realloc(ids->pool, ids->pool_len))) {
		ids->pool = p;
		ids->pool_alloc = ids->pool_len;
	}
	if (ids->nvendors && (p = realloc(ids->vendors, ids->nvendors * sizeof(*ids->vendors)))) {
		ids->vendors = p;
		ids->vendors_alloc = ids->nvendors;
	}
	if (ids->ndevs && (p = realloc(ids->devs, ids->ndevs * sizeof(*ids->devs)))) {
		ids->devs = p;
		ids->devs_alloc = ids->ndevs;
	}
	if (ids->nclasses && (p = realloc(ids->classes, ids->nclasses * sizeof(*ids->classes)))) {
		ids->classes = p;
		ids->classes_alloc = ids->nclasses;
	}
}

int iorep_pciids_load(struct iorep_pciids *ids)
{
	char *buf = NULL;
	size_t len = 0, i;
	int ret;

	if (ids->tried)
		return ids->error;
	ids->tried = true;
	if (ids->path) {
		ret = iorep_snapshot_read(ids->path, IOREP_SNAPSHOT_MAX, &buf, &len);
	} else {
		ret = -IOREP_EOPEN;
		for (i = 0; i < sizeof(pciids_paths) / sizeof(pciids_paths[0]); i++) {
			ret = iorep_snapshot_read(pciids_paths[i], IOREP_SNAPSHOT_MAX, &buf, &len);
			if (ret != -IOREP_EOPEN)
				break;
		}
	}
	if (ret < 0)
		goto out;
	ret = pciids_parse(ids, buf, len);
	if (ret < 0)
		goto out;
	pciids_shrink(ids);
out:
	free(buf);
	if (ret < 0) {
		/* keep nothing half-read */
		free(ids->pool);
		free(ids->vendors);
		free(ids->devs);
		free(ids->classes);
		ids->pool = NULL;
		ids->vendors = NULL;
		ids->devs = NULL;
		ids->classes = NULL;
		ids->pool_len = ids->pool_alloc = 0;
		ids->nvendors = ids->vendors_alloc = 0;
		ids->ndevs = ids->devs_alloc = 0;
		ids->nclasses = ids->classes_alloc = 0;
	}
	ids->error = ret;
	return ret;
}

static const struct pciids_vendor *pciids_find_vendor(struct iorep_pciids *ids, uint16_t vendor)
{
	struct pciids_vendor key = {.id = vendor};

	if (iorep_pciids_load(ids) < 0 || !ids->nvendors)
		return NULL;
	return bsearch(&key, ids->vendors, ids->nvendors, sizeof(key), cmp_vendor);
}

const char *iorep_pciids_vendor(struct iorep_pciids *ids, uint16_t vendor)
{
	const struct pciids_vendor *v = pciids_find_vendor(ids, vendor);

	return v ? ids->pool + v->name : NULL;
}

const char *iorep_pciids_device(struct iorep_pciids *ids, uint16_t vendor, uint16_t device)
{
	const struct pciids_vendor *v = pciids_find_vendor(ids, vendor);
	struct pciids_id key = {.id = device};
	const struct pciids_id *d;

	if (!v || !v->ndev)
		return NULL;
	d = bsearch(&key, ids->devs + v->first, v->ndev, sizeof(key), cmp_id);
	return d ? ids->pool + d->name : NULL;
}

const char *iorep_pciids_class(struct iorep_pciids *ids, uint16_t class_code)
{
	struct pciids_id key = {.id = class_code};
	const struct pciids_id *c;

	if (iorep_pciids_load(ids) < 0 || !ids->nclasses)
		return NULL;
	c = bsearch(&key, ids->classes, ids->nclasses, sizeof(key), cmp_id);
	if (c)
		return ids->pool + c->name;
	key.id = BASE_CLASS_KEY(class_code >> 8);
	c = bsearch(&key, ids->classes, ids->nclasses, sizeof(key), cmp_id);
	return c ? ids->pool + c->name : NULL;
}
