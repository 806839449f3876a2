// SPDX-License-Identifier: MIT
/*
 * Payloads as plugin_iommu prints them (plugins/iommu-print.c), read back:
 * once the plugin is installed, `trace-cmd report` text is in this form, and
 * it must stay an input.  The grammar is the printer's, event class by
 * event class; every field the printer writes is read back exactly (sizes
 * in binary units are exact by construction), so the text gives the events
 * the trace.dat gives.
 */
#include <stdbool.h>
#include <string.h>

#include "iorep-error.h"
#include "textparse-local.h"

struct cur {
	const char *p, *end;
};

static bool lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

/* A run of bytes up to the next space (or the end). */
static size_t word(struct cur *c, const char **w)
{
	*w = c->p;
	while (c->p < c->end && *c->p != ' ')
		c->p++;
	return (size_t)(c->p - *w);
}

static int digit(char ch, int base)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (base == 16 && ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (base == 16 && ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool num(struct cur *c, int base, uint64_t *v)
{
	const char *start = c->p;
	int d;

	*v = 0;
	while (c->p < c->end && (d = digit(*c->p, base)) >= 0) {
		if (*v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		*v = *v * (uint64_t)base + (uint64_t)d;
		c->p++;
	}
	return c->p > start;
}

static bool hex(struct cur *c, uint64_t *v)
{
	return lit(c, "0x") && num(c, 16, v);
}

static bool int32(struct cur *c, int32_t *v)
{
	bool neg = lit(c, "-");
	uint64_t u;

	if (!num(c, 10, &u) || u > (neg ? 0x80000000ull : 0x7fffffffull))
		return false;
	*v = neg ? (int32_t)(0 - u) : (int32_t)u;
	return true;
}

/* "8192", or "8 KiB" (human=1): exact either way. */
static bool size(struct cur *c, uint64_t *v)
{
	static const char *const units[] = {" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"};
	unsigned int u;

	if (!num(c, 10, v))
		return false;
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (!lit(c, units[u]))
			continue;
		if (u && *v > UINT64_MAX >> (10 * u))
			return false;
		*v <<= 10 * u;
		break;
	}
	return true;
}

/* "[0xA, 0xB) SIZE" and maybe " (N pages)"; the end must agree with the size. */
static bool range(struct cur *c, uint64_t *start, uint64_t *len)
{
	uint64_t end, pages;

	if (!lit(c, "[") || !hex(c, start) || !lit(c, ", ") || !hex(c, &end))
		return false;
	if (!lit(c, ") ") && !lit(c, " + 2^64) "))
		return false;
	if (!size(c, len) || *start + *len != end)
		return false;
	if (lit(c, " (") && !(num(c, 10, &pages) && (lit(c, " page)") || lit(c, " pages)"))))
		return false;
	return true;
}

/* "phys 0x1, 0x2" or "phys none", the keyword already read, into array 0. */
static int u64_list(struct iorep_textparse *tp, struct cur *c)
{
	uint64_t v;
	int ret;

	tp->n64[0] = 0;
	if (lit(c, " none"))
		return 0;
	if (!lit(c, " "))
		return -1;
	do {
		if (!hex(c, &v))
			return -1;
		ret = iorep_textparse_push_u64(tp, 0, v);
		if (ret < 0)
			return ret;
	} while (lit(c, ", "));
	return 0;
}

/* " [0xA, 0xB) SIZE, ..." or " none" after "dma", into dma_addrs and lengths. */
static int range_list(struct iorep_textparse *tp, struct cur *c)
{
	uint64_t start, len;
	int ret;

	tp->n64[1] = tp->n32 = 0;
	if (lit(c, " none"))
		return 0;
	if (!lit(c, " "))
		return -1;
	do {
		if (!range(c, &start, &len) || len > UINT32_MAX)
			return -1;
		ret = iorep_textparse_push_u64(tp, 1, start);
		if (ret == 0)
			ret = iorep_textparse_push_u32(tp, (uint32_t)len);
		if (ret < 0)
			return ret;
	} while (lit(c, ", "));
	return 0;
}

static void set(struct iorep_event *ev, int f)
{
	ev->have |= 1u << f;
}

static int string(struct iorep_textparse *tp, struct iorep_event *ev, int f, const char *p,
		  size_t n)
{
	const char *s = iorep_textparse_intern(tp, p, n);

	if (!s)
		return -IOREP_ENOMEM;
	if (f == IOREP_F_DRIVER)
		ev->driver = s;
	else if (f == IOREP_F_GFP)
		ev->gfp = s;
	else
		ev->device = s;
	set(ev, f);
	return 0;
}

static int read_unmap(struct cur *c, struct iorep_event *ev)
{
	uint64_t start, end;

	if (!lit(c, "iova ") || !range(c, &ev->iova, &ev->size))
		return -1;
	ev->unmapped_size = ev->size;
	if (lit(c, ", nothing unmapped")) {
		ev->unmapped_size = 0;
	} else if (lit(c, ", unmapped ")) {
		if (!size(c, &ev->unmapped_size) || !lit(c, " [") || !hex(c, &start) ||
		    !lit(c, ", ") || !hex(c, &end) || !lit(c, "): ") ||
		    !(lit(c, "more than asked") || lit(c, "less than asked")))
			return -1;
	}
	set(ev, IOREP_F_IOVA);
	set(ev, IOREP_F_SIZE);
	set(ev, IOREP_F_UNMAPPED_SIZE);
	return 0;
}

/* "DEV (DRIVER): read|write[ [BITS]] at iova 0x..., flags 0x...." */
static int read_fault(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev)
{
	const char *dev, *drv, *close;
	size_t n;
	uint64_t v;
	int ret;

	n = word(c, &dev);
	if (lit(c, " (")) {
		for (close = c->p; close + 2 < c->end && memcmp(close, "): ", 3); close++)
			;
		if (close + 2 >= c->end)
			return 1;
		drv = c->p;
		c->p = close + 3;
		ret = string(tp, ev, IOREP_F_DRIVER, drv, (size_t)(close - drv));
		if (ret < 0)
			return ret;
	} else {
		if (!n || dev[n - 1] != ':' || !lit(c, " "))
			return 1; /* e.g. trace-cmd -R: "device=... driver=..." */
		n--;
	}
	ret = string(tp, ev, IOREP_F_DEVICE, dev, n);
	if (ret < 0)
		return ret;
	if (!lit(c, "read") && !lit(c, "write"))
		return -1;
	if (lit(c, " ["))
		while (c->p < c->end && *c->p != ']')
			c->p++;
	lit(c, "]");
	if (!lit(c, " at iova ") || !hex(c, &ev->iova) || !lit(c, ", flags ") || !hex(c, &v) ||
	    v > UINT32_MAX)
		return -1;
	ev->fault_flags = (uint32_t)v;
	set(ev, IOREP_F_IOVA);
	set(ev, IOREP_F_FAULT_FLAGS);
	return 0;
}

/* The optional tail of a single mapping: phys, virt, sg phys, gfp, attrs. */
static int read_dma_tail(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev)
{
	const char *w;
	size_t n;
	int ret;

	if (lit(c, " <- phys ")) {
		if (!hex(c, &ev->phys_addr))
			return -1;
		set(ev, IOREP_F_PHYS_ADDR);
	}
	if (lit(c, " virt ")) {
		if (!hex(c, &ev->virt_addr))
			return -1;
		set(ev, IOREP_F_VIRT_ADDR);
	}
	if (lit(c, " phys")) {
		ret = u64_list(tp, c);
		if (ret)
			return ret;
		ev->phys_addrs = (struct iorep_u64s){tp->u64s[0], tp->n64[0]};
		set(ev, IOREP_F_PHYS_ADDRS);
	}
	if (lit(c, " gfp ")) {
		n = word(c, &w);
		ret = string(tp, ev, IOREP_F_GFP, w, n);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static bool has_field(const struct iorep_event *ev, enum iorep_field f)
{
	return iorep_event_desc_has(iorep_event_desc(ev->type), f);
}

static int read_attrs(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev)
{
	const char *w;
	size_t n;

	if (!lit(c, " attrs=")) {
		/* the printer leaves out attrs of 0 */
		if (has_field(ev, IOREP_F_ATTRS))
			set(ev, IOREP_F_ATTRS);
		return 0;
	}
	n = word(c, &w);
	return iorep_textparse_set_field(tp, ev, IOREP_F_ATTRS, w, n);
}

/* dma_map_sg: "sg N -> M[ (truncated, of A -> B)]: dma RANGES; phys LIST". */
static int read_map_sg(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev)
{
	uint64_t nin, nout;
	int ret;

	if (!lit(c, "sg ") || !num(c, 10, &nin) || !lit(c, " -> ") || !num(c, 10, &nout))
		return -1;
	if (lit(c, " (truncated, of ")) {
		if (!int32(c, &ev->full_nents) || !lit(c, " -> ") || !int32(c, &ev->full_ents) ||
		    !lit(c, ")"))
			return -1;
		ev->truncated = true;
	} else {
		ev->full_nents = (int32_t)nin;
		ev->full_ents = (int32_t)nout;
	}
	if (!lit(c, ": dma"))
		return -1;
	ret = range_list(tp, c);
	if (ret)
		return ret;
	if (!lit(c, "; phys"))
		return -1;
	ret = u64_list(tp, c);
	if (ret)
		return ret;
	if (tp->n64[0] != nin || tp->n64[1] != nout)
		return -1;
	ev->phys_addrs = (struct iorep_u64s){tp->u64s[0], tp->n64[0]};
	ev->dma_addrs = (struct iorep_u64s){tp->u64s[1], tp->n64[1]};
	ev->lengths = (struct iorep_u32s){tp->u32s, tp->n32};
	set(ev, IOREP_F_PHYS_ADDRS);
	set(ev, IOREP_F_DMA_ADDRS);
	set(ev, IOREP_F_LENGTHS);
	set(ev, IOREP_F_FULL_NENTS);
	set(ev, IOREP_F_FULL_ENTS);
	set(ev, IOREP_F_TRUNCATED);
	return read_attrs(tp, c, ev);
}

/* The dma:* events: "DEV [DIR ]dma RANGE..." or "DEV [DIR ]sg ...". */
static int read_dma(struct iorep_textparse *tp, struct cur *c, struct iorep_event *ev)
{
	enum iorep_class cls = iorep_event_desc(ev->type)->cls;
	const char *dev, *w;
	struct cur peek;
	uint64_t n;
	size_t devlen, len;
	int dir, ret;

	devlen = word(c, &dev);
	if (!devlen || !lit(c, " "))
		return 1;
	peek = *c;
	len = word(&peek, &w);
	dir = iorep_dma_dir_lookup(w, (int)len);
	if (dir >= 0) {
		*c = peek;
		if (!lit(c, " "))
			return 1;
		ev->dir = dir;
		set(ev, IOREP_F_DIR);
	}
	if (!(c->end - c->p >= 3 && (!memcmp(c->p, "dma", 3) || !memcmp(c->p, "sg ", 3))))
		return 1; /* "DEV dir=..." and the like: the kernel's own form */
	ret = string(tp, ev, IOREP_F_DEVICE, dev, devlen);
	if (ret < 0)
		return ret;

	switch (cls) {
	case IOREP_C_DMA_MAP_SG:
		return read_map_sg(tp, c, ev);
	case IOREP_C_DMA_UNMAP_SG:
		if (!lit(c, "sg ") || !num(c, 10, &n) || !lit(c, ": phys"))
			return -1;
		ret = u64_list(tp, c);
		if (ret || tp->n64[0] != n)
			return ret ? ret : -1;
		ev->phys_addrs = (struct iorep_u64s){tp->u64s[0], tp->n64[0]};
		set(ev, IOREP_F_ADDRS);
		return read_attrs(tp, c, ev);
	case IOREP_C_DMA_SYNC_SG:
		if (!lit(c, "sg ") || !num(c, 10, &n) || !lit(c, ": dma"))
			return -1;
		ret = range_list(tp, c);
		if (ret || tp->n64[1] != n)
			return ret ? ret : -1;
		ev->dma_addrs = (struct iorep_u64s){tp->u64s[1], tp->n64[1]};
		ev->lengths = (struct iorep_u32s){tp->u32s, tp->n32};
		set(ev, IOREP_F_DMA_ADDRS);
		set(ev, IOREP_F_LENGTHS);
		return 0;
	default:
		break;
	}
	if (lit(c, "sg phys")) {
		/* dma_map_sg_err */
		ret = u64_list(tp, c);
		if (ret)
			return ret;
		ev->phys_addrs = (struct iorep_u64s){tp->u64s[0], tp->n64[0]};
		set(ev, IOREP_F_PHYS_ADDRS);
	} else {
		if (!lit(c, "dma ") || !range(c, &ev->dma_addr, &ev->size))
			return -1;
		set(ev, has_field(ev, IOREP_F_ADDR) ? IOREP_F_ADDR : IOREP_F_DMA_ADDR);
		set(ev, IOREP_F_SIZE);
		ret = read_dma_tail(tp, c, ev);
		if (ret)
			return ret;
	}
	ret = read_attrs(tp, c, ev);
	if (ret || cls != IOREP_C_DMA_ERR)
		return ret;
	if (lit(c, ": failed, error ")) {
		if (!int32(c, &ev->err))
			return -1;
		set(ev, IOREP_F_ERR);
		return 0;
	}
	return lit(c, ": failed") ? 0 : -1;
}

int iorep_textparse_plugin(struct iorep_textparse *tp, struct iorep_event *ev, const char *p,
			   size_t n)
{
	struct cur c = {p, p + n};
	size_t len;
	int ret;

	switch (iorep_event_desc(ev->type)->cls) {
	case IOREP_C_GROUP_ADD:
	case IOREP_C_GROUP_REMOVE:
		if (!lit(&c, "group "))
			return 1;
		if (!int32(&c, &ev->gid) || !lit(&c, ": ") ||
		    !lit(&c, ev->type == IOREP_EV_ADD_DEVICE ? "add " : "remove ") || c.p == c.end)
			return -1;
		set(ev, IOREP_F_GID);
		return string(tp, ev, IOREP_F_DEVICE, c.p, (size_t)(c.end - c.p));
	case IOREP_C_ATTACH:
	case IOREP_C_DETACH:
		len = strlen(" attached"); /* as long as " detached" */
		if (n <= len || (memcmp(p + n - len, " attached", len) &&
				 memcmp(p + n - len, " detached", len)))
			return 1;
		return string(tp, ev, IOREP_F_DEVICE, p, n - len);
	case IOREP_C_MAP:
		if (!lit(&c, "iova ["))
			return 1;
		c.p--;
		if (!range(&c, &ev->iova, &ev->size) || !lit(&c, " -> paddr ") ||
		    !hex(&c, &ev->paddr))
			return -1;
		set(ev, IOREP_F_IOVA);
		set(ev, IOREP_F_SIZE);
		set(ev, IOREP_F_PADDR);
		break;
	case IOREP_C_UNMAP:
		if (n < 6 || memcmp(p, "iova [", 6))
			return 1;
		if (read_unmap(&c, ev))
			return -1;
		break;
	case IOREP_C_FAULT:
		ret = read_fault(tp, &c, ev);
		if (ret)
			return ret;
		break;
	case IOREP_C_LOST:
	case IOREP_C_STACK:
	case IOREP_C_NONE:
		return 1;
	default:
		ret = read_dma(tp, &c, ev);
		if (ret)
			return ret;
		break;
	}
	return c.p == c.end ? 0 : -1;
}
