// SPDX-License-Identifier: MIT
/*
 * A walk over a trace.dat's headers and ring-buffer pages before
 * libtracecmd opens it: the damage that libtracecmd 1.3.1 and
 * libtraceevent 1.7.1 do not survive is refused here with a reason, or, for
 * pages, reported so that the reader can blank them, instead of a crash or
 * a loop without end inside the libraries.
 *
 * Only what the libraries get wrong is checked, as found by fuzzing and by
 * damaging files (tests/fuzz/crashes/tracedat/ keeps one of each):
 *  - version 7 chains its option sections by offset; a chain that comes
 *    back to a section makes libtracecmd read it again and again, until
 *    the stack or the memory runs out;
 *  - options whose payload libtracecmd reads past, writes before or
 *    dereferences NULL on (dat-option.c lists them), and version 6's trace
 *    clock list after the CPU table, read as the TRACECLOCK option is;
 *  - a ring-buffer page whose commit word is more than the page holds:
 *    libtraceevent's kbuffer reads events past the page, to a crash (the
 *    top buffer's pages, and those of the instance buffers whose tables
 *    are found: only those are read, instances_checked);
 *  - a ring-buffer page with a record whose length sends kbuffer back to an
 *    earlier one: it reads them in a circle, for ever (found by
 *    fuzz-tracedat: a data record's length word of 0);
 *  - a CPU's data that ends part-way through a page: libtracecmd reads
 *    past that page when it looks for the CPU's last record;
 *  - an event format whose print format has __print_flags() or
 *    __print_symbolic() of a field the event does not have: libtraceevent
 *    looks the field up and writes to it unchecked (process_entry()), a
 *    NULL dereference;
 *  - printk formats that libtraceevent reads past or before (dat-option.c);
 *  - a CPU count over 2^20 (the header's, or a CPUCOUNT option's):
 *    tracecmd_close() loops over every one, two seconds for 1.8 G (the
 *    fuzzer's timeout); no kernel has more than 8192;
 *  - a kallsyms, printk or (version 6) cmdlines size of all ones:
 *    libtracecmd allocates size + 1 bytes, none, and reads the file into
 *    them (a cmdlines size of 8 bytes fails read() as too big, though);
 *  - a version 7 header section whose size is negative as libtracecmd
 *    seeks by it: it reads the sections before it again, without end;
 *  - an event format with a field whose '[' is followed by a byte that is
 *    no token (not printable) or by its end: libtraceevent compares the
 *    missing token with "]", a NULL strcmp().
 * Everything else (sizes past the end of the file, sections of the wrong
 * kind) libtracecmd refuses by itself, and the walk stops there.  The
 * sizeof() forms on which libtraceevent frees a token twice are not
 * refused: fmt-guard.c rewrites them in the text libtraceevent is given.
 * Compressed data (version 7) is not looked into here: the kbuffer walk
 * checks each page as it decompresses it (kbuf-zdata.h), and a copy
 * decompressed by libtracecmd is checked again.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dat-check.h"
#include "dat-option.h"
#include "iorep-error.h"
#include "kbuf-walk.h"

/* libtracecmd's section ids (version 7) */
enum {
	SEC_FTRACE_EVENTS = 17,
	SEC_EVENT_FORMATS = 18,
};

#define SEC_FL_COMPRESS 1
#define ALL_ONES \
	"a section's size is all ones (libtracecmd would read the file into a buffer of no bytes)"
#define MAX_OPTION_SECTIONS 64
/* option payloads longer than this are not looked into (libtracecmd reads them whole) */
#define MAX_OPTION (16 << 20)
/* event formats longer than this are not looked into (the kernel's are a few KiB) */
#define MAX_FORMAT (256 * 1024)

/* One CPU's ring-buffer pages. */
struct extent {
	uint64_t off, size;
	uint64_t cpu;  /* its number in its buffer */
	uint32_t inst; /* of an instance buffer: which */
	uint64_t name; /* of an instance buffer: where its name is in the file, else 0 */
};

struct walk {
	int fd;
	uint64_t size;
	bool big_endian;
	bool v7;
	unsigned int long_size;
	unsigned int page_size;
	/* the CPUs of the top buffer (NULL: unknown or compressed), [1] of instances found */
	struct extent *cpus[2];
	uint64_t ncpus[2];
	/* version 6: where each instance's CPU table is, in the order of their BUFFER options */
	uint64_t inst_off[IOREP_DAT_INSTANCES_MAX];
	uint64_t inst_name[IOREP_DAT_INSTANCES_MAX]; /* where each one's name is */
	/* version 7: the compressed instances' CPUs (c->zinst says whose), for c->zcpu */
	struct iorep_dat_zcpu *izcpu;
	uint32_t nizcpu;
	struct iorep_dat_check *c;
	char *fmt;	   /* an event format's text, MAX_FORMAT bytes */
	unsigned char *opt; /* an option's payload, opt_cap bytes */
	size_t opt_cap;
	bool clock_list;   /* a TRACECLOCK option: version 6 has the list again after its CPUs */
	bool cpucount_set; /* a CPUCOUNT option: libtracecmd's count of CPUs, not the header's */
	uint64_t cpucount;
	bool flag_pending; /* libtraceevent's is_flag_field/is_symbolic_field, set */
};

/* Reads @n bytes at @off; false past the end of the file. */
static bool rd(struct walk *w, uint64_t off, void *buf, size_t n)
{
	if (off > w->size || n > w->size - off)
		return false;
	return pread(w->fd, buf, n, (off_t)off) == (ssize_t)n;
}

static bool num(struct walk *w, uint64_t off, size_t n, uint64_t *v)
{
	unsigned char b[8];

	if (!rd(w, off, b, n))
		return false;
	*v = iorep_dat_num(b, n, w->big_endian);
	return true;
}

static int refuse(struct walk *w, uint64_t at, const char *what)
{
	w->c->at = at;
	snprintf(w->c->why, sizeof(w->c->why), "%s", what);
	return -1;
}

static bool skip_string(struct walk *w, uint64_t *off);

/* The file ends at or before @at in something it must hold: the lowest such place. */
static void cut(struct walk *w, uint64_t at)
{
	if (at > w->size)
		at = w->size;
	if (!w->c->cut || at < w->c->cut_at)
		w->c->cut_at = at;
	w->c->cut = true;
}

/*
 * The CPU table at @off (@ncpus entries: id, offset, size) of a buffer
 * whose data is compressed, appended to *@z (*@n of them); left out when a
 * CPU's id is not its place in the table (libtracecmd numbers them by their
 * place).  Returns 1 when appended, 0 when left out, or -IOREP_ENOMEM.
 */
static int compressed_cpus(struct walk *w, uint64_t off, uint64_t ncpus,
			   struct iorep_dat_zcpu **z, uint32_t *n)
{
	struct iorep_dat_zcpu *a;
	uint64_t i, id;

	if (ncpus > (1 << 20) - *n)
		return 0;
	a = realloc(*z, (*n + ncpus + 1) * sizeof(*a));
	if (!a)
		return -IOREP_ENOMEM;
	*z = a;
	a += *n;
	memset(a, 0, ncpus * sizeof(*a));
	for (i = 0; i < ncpus; i++, off += 20)
		if (!num(w, off, 4, &id) || id != i || !num(w, off + 4, 8, &a[i].off) ||
		    !num(w, off + 12, 8, &a[i].size))
			return 0;
	*n += (uint32_t)ncpus;
	return 1;
}

/*
 * Appends @n CPUs to w->cpus[@inst] (the top buffer's, or instances'): the
 * table at @off, of entries of @width bytes after an id of @id_width.
 */
static int add_cpus(struct walk *w, bool inst, uint64_t off, uint64_t n, unsigned int width,
		    unsigned int id_width, uint32_t which)
{
	struct extent *e;
	uint64_t i;

	e = realloc(w->cpus[inst], (w->ncpus[inst] + n + 1) * sizeof(*e));
	if (!e)
		return -IOREP_ENOMEM;
	w->cpus[inst] = e;
	for (e += w->ncpus[inst], i = 0; i < n; i++, off += width, e++) {
		e->cpu = i;
		e->inst = which;
		e->name = inst ? w->inst_name[which] : 0;
		if ((id_width && !num(w, off, id_width, &e->cpu)) ||
		    !num(w, off + id_width, 8, &e->off) || !num(w, off + id_width + 8, 8, &e->size))
			e->off = e->size = 0;
	}
	w->ncpus[inst] += n;
	return 0;
}

/*
 * A BUFFER or BUFFER_TEXT option (its payload at @off): version 7's top
 * buffer (no name), where its CPUs' pages are, unless the section they are
 * in is compressed; or an instance buffer (trace-cmd record -B), numbered as
 * libtracecmd numbers them: version 6's table is found later (check_v6()),
 * version 7's pages here, when not compressed, of the file's page size.
 */
static int buffer_option(struct walk *w, uint64_t id, uint64_t off, uint64_t size)
{
	struct iorep_dat_check *dc = w->c;
	uint64_t end = off + size, sec, flags, ncpus, page, inst;
	unsigned char c;
	int ret;

	if (size < 9 || !num(w, off, 8, &sec) || !rd(w, off + 8, &c, 1))
		return 0; /* unreadable: libtracecmd refuses it */
	if (c && dc->ninstances == UINT32_MAX)
		return 0;
	inst = c ? dc->ninstances++ : 0;
	if (c && (id != IOREP_OPT_BUFFER || inst >= IOREP_DAT_INSTANCES_MAX))
		return 0; /* a latency-format text, or one too many: not read */
	if (c)
		w->inst_name[inst] = off + 8;
	if (!w->v7) {
		if (c)
			w->inst_off[inst] = sec;
		return 0;
	}
	off += 8;
	if (!skip_string(w, &off) || !skip_string(w, &off)) /* the name, the clock's name */
		return 0;
	if (!num(w, off, 4, &page) || !num(w, off + 4, 4, &ncpus) || ncpus > 1 << 16 ||
	    off + 8 + ncpus * 20 > end || !num(w, sec + 2, 2, &flags))
		return 0;
	if (page != w->page_size)
		return 0;
	if ((flags & SEC_FL_COMPRESS) && !c) {
		/* the last top buffer is libtracecmd's */
		free(dc->zcpu);
		dc->zcpu = NULL;
		dc->nzcpu = 0;
		ret = compressed_cpus(w, off + 8, ncpus, &dc->zcpu, &dc->nzcpu);
		return ret < 0 ? ret : 0;
	}
	if (flags & SEC_FL_COMPRESS) {
		/* an instance's, to follow the top buffer's CPUs (iorep_dat_check()) */
		ret = compressed_cpus(w, off + 8, ncpus, &w->izcpu, &w->nizcpu);
		if (ret > 0) {
			dc->zb.zinst[dc->zb.nzinst].inst = (uint32_t)inst;
			dc->zb.zinst[dc->zb.nzinst++].n = (uint32_t)ncpus;
		}
		return ret < 0 ? ret : 0;
	}
	if (!c) {
		/* the last top buffer is libtracecmd's */
		free(w->cpus[0]);
		w->cpus[0] = NULL;
		w->ncpus[0] = 0;
	}
	ret = add_cpus(w, c, off + 8, ncpus, 20, 4, (uint32_t)inst);
	if (ret == 0 && c)
		dc->instances_checked |= 1ULL << inst;
	return ret;
}

/*
 * The @size bytes of the option payload at @off into w->opt (and a NUL past
 * them).  Returns 1, 0 when the file ends first, or -IOREP_ENOMEM.
 */
static int payload(struct walk *w, uint64_t off, uint64_t size)
{
	unsigned char *p;

	if (size + 1 > w->opt_cap) {
		p = realloc(w->opt, (size_t)size + 1);
		if (!p)
			return -IOREP_ENOMEM;
		w->opt = p;
		w->opt_cap = (size_t)size + 1;
	}
	if (!rd(w, off, w->opt, (size_t)size))
		return 0;
	w->opt[size] = '\0';
	return 1;
}

/*
 * The text of @size bytes at @off (printk formats, a trace clock list), as
 * @trap judges it: 0, or -1 (refused at @at) or -IOREP_ENOMEM.
 */
static int text_at(struct walk *w, uint64_t at, uint64_t off, uint64_t size,
		   const char *(*trap)(const char *text))
{
	const char *why;
	int ret;

	if (size > MAX_OPTION || (ret = payload(w, off, size)) == 0)
		return 0; /* not looked into, or cut short: libtracecmd fails by itself */
	if (ret < 0)
		return ret;
	why = trap((const char *)w->opt);
	return why ? refuse(w, at, why) : 0;
}

/* The printk formats, the @size bytes at @off. */
static int printk_text(struct walk *w, uint64_t off, uint64_t size)
{
	return text_at(w, off, off, size, iorep_dat_printk_trap);
}

/*
 * Version 7: the kallsyms or printk section (option @id) whose offset the
 * option payload at @off holds.  libtracecmd allocates its size + 1 bytes
 * (4 bytes of size) and reads size bytes into them: a size of all ones
 * allocates none, and the rest of the file goes over the heap.
 */
static int text_section(struct walk *w, unsigned int id, uint64_t off)
{
	uint64_t sec, sid, flags, size;

	if (!num(w, off, 8, &sec) || !num(w, sec, 2, &sid) || !num(w, sec + 2, 2, &flags) ||
	    sid != id || (flags & SEC_FL_COMPRESS) || !num(w, sec + 16, 4, &size))
		return 0;
	if (size == UINT32_MAX)
		return refuse(w, sec + 16, ALL_ONES);
	return id == IOREP_OPT_PRINTK ? printk_text(w, sec + 20, size) : 0;
}

/*
 * A DATE or OFFSET option (@id), @size bytes at @off: a number as text,
 * which libtracecmd adds to every time (DATE's in microseconds), as
 * strtoll() reads it.
 */
static int time_offset(struct walk *w, unsigned int id, uint64_t off, uint64_t size)
{
	long long v;
	int ret;

	if (size > 64)
		return 0;
	ret = payload(w, off, size);
	if (ret <= 0)
		return ret;
	v = strtoll((const char *)w->opt, NULL, 0);
	if (id == IOREP_OPT_DATE)
		v = (long long)((unsigned long long)v * 1000u);
	w->c->ts_offset = (int64_t)((uint64_t)w->c->ts_offset + (uint64_t)v);
	return 0;
}

/*
 * The options from @off on, to the DONE option.  Version 7: *@next gets
 * the offset its payload holds (the next option section, 0 for none);
 * version 6: *@next gets the offset past it.  Returns 0 (also when the file
 * ends first: libtracecmd fails there by itself), or -1 with the reason.
 */
static int options(struct walk *w, uint64_t off, uint64_t *next)
{
	uint64_t id, size;
	const char *why;
	int ret;

	*next = 0;
	while (num(w, off, 2, &id)) {
		if (id == IOREP_OPT_DONE && !w->v7) {
			*next = off + 2;
			return 0;
		}
		if (!num(w, off + 2, 4, &size)) {
			cut(w, off);
			return 0;
		}
		if (size > w->size - off - 6) /* off + 6 <= w->size: num() read 6 bytes */
			cut(w, off);
		if (id == IOREP_OPT_DONE) {
			if (size < 8 || !num(w, off + 6, 8, next))
				*next = 0;
			return 0;
		}
		if (iorep_dat_option_checked((unsigned int)id) && size <= MAX_OPTION) {
			ret = payload(w, off + 6, size);
			if (ret < 0)
				return ret;
			why = ret ? iorep_dat_option_trap((unsigned int)id, w->opt, (size_t)size,
							  w->v7, w->big_endian)
				  : NULL;
			if (why)
				return refuse(w, off, why);
		}
		if ((id == IOREP_OPT_DATE || id == IOREP_OPT_OFFSET) &&
		    (ret = time_offset(w, (unsigned int)id, off + 6, size)) < 0)
			return ret;
		if (id == IOREP_OPT_TRACECLOCK)
			w->clock_list = true;
		if (id == IOREP_OPT_TSC2NSEC || id == IOREP_OPT_TIME_SHIFT)
			w->c->ts_scaled = true;
		if (id == IOREP_OPT_CPUCOUNT && size >= 4 && num(w, off + 6, 4, &w->cpucount))
			w->cpucount_set = true;
		if ((id == IOREP_OPT_BUFFER || id == IOREP_OPT_BUFFER_TEXT) &&
		    (ret = buffer_option(w, id, off + 6, size)) < 0)
			return ret;
		if (w->v7 && (id == IOREP_OPT_KALLSYMS || id == IOREP_OPT_PRINTK) && size >= 8 &&
		    (ret = text_section(w, (unsigned int)id, off + 6)) < 0)
			return ret;
		off += 6 + size;
	}
	/* no DONE option: the file ends in its options (libtracecmd may read what is there) */
	cut(w, off);
	return 0;
}

/*
 * The event format at *@off (a size of 8 bytes, then its text), moved past.
 * Returns 1, 0 when the file cannot be followed further, or -1 (refused).
 */
static int event_format(struct walk *w, uint64_t *off)
{
	const char *why;
	uint64_t size;

	if (!num(w, *off, 8, &size) || size > w->size - *off - 8)
		return 0;
	if (size > MAX_FORMAT || !rd(w, *off + 8, w->fmt, (size_t)size)) {
		*off += 8 + size;
		return 1;
	}
	why = iorep_dat_format_refusal(w->fmt, (size_t)size, &w->flag_pending);
	if (why)
		return refuse(w, *off, why);
	*off += 8 + size;
	return 1;
}

/*
 * The ftrace formats (@systems false: a count, then formats) or the event
 * formats (a count of systems, each a name, a count and formats) at *@off,
 * moved past.  Returns as event_format().
 */
static int event_formats(struct walk *w, uint64_t *off, bool systems)
{
	uint64_t nsys = 1, n, i;
	int ret;

	if (systems) {
		if (!num(w, *off, 4, &nsys))
			return 0;
		*off += 4;
	}
	for (; nsys; nsys--) {
		if (systems && !skip_string(w, off))
			return 0;
		if (!num(w, *off, 4, &n))
			return 0;
		for (*off += 4, i = 0; i < n; i++)
			if ((ret = event_format(w, off)) <= 0)
				return ret;
	}
	return 1;
}

/* Past a @n-byte size and the data it counts, at *@off; false past the end. */
static bool skip_sized(struct walk *w, uint64_t *off, size_t n)
{
	uint64_t size;

	if (!num(w, *off, n, &size) || size > w->size - *off - n)
		return false;
	*off += n + size;
	return true;
}

/* Past a NUL-terminated string at *@off. */
static bool skip_string(struct walk *w, uint64_t *off)
{
	unsigned char buf[256];
	size_t n, i;

	while (*off < w->size) {
		n = w->size - *off < sizeof(buf) ? (size_t)(w->size - *off) : sizeof(buf);
		if (!rd(w, *off, buf, n))
			return false;
		for (i = 0; i < n && buf[i]; i++)
			;
		*off += i;
		if (i < n) {
			(*off)++;
			return true;
		}
	}
	return false;
}

/*
 * Version 6: the kallsyms, printk and cmdlines texts at *@off, each after its
 * size (4, 4 and 8 bytes), moved past.  libtracecmd allocates size + 1 bytes
 * for one and reads size bytes into them: a size of all ones allocates none,
 * and the rest of the file goes over the heap.  Returns 1, 0 when the file
 * cannot be followed further, or -1 (refused).
 */
static int v6_texts(struct walk *w, uint64_t *off)
{
	static const size_t width[3] = {4, 4, 8};
	uint64_t size;
	int i, ret;

	for (i = 0; i < 3; i++) {
		if (!num(w, *off, width[i], &size))
			return 0;
		if (size == (width[i] == 8 ? UINT64_MAX : UINT32_MAX))
			return refuse(w, *off, ALL_ONES);
		if (i == 1 && (ret = printk_text(w, *off + 4, size)) != 0)
			return ret;
		if (!skip_sized(w, off, width[i]))
			return 0;
	}
	return 1;
}

/*
 * Version 6: past the header files, the event formats, kallsyms, printk
 * formats, saved command lines and the CPU count, to the options, past
 * them to the table of the CPUs' pages, and past it to the trace clocks.
 */
static int check_v6(struct walk *w, uint64_t off)
{
	uint64_t i, ncpus, size;
	char tag[13];
	int ret;

	if (!rd(w, off, tag, 12) || memcmp(tag, "header_page", 12))
		return 0;
	off += 12;
	if (!skip_sized(w, &off, 8) || !rd(w, off, tag, 13) || memcmp(tag, "header_event", 13))
		return 0;
	off += 13;
	if (!skip_sized(w, &off, 8))
		return 0;
	if ((ret = event_formats(w, &off, false)) <= 0 || (ret = event_formats(w, &off, true)) <= 0)
		return ret < 0 ? ret : 0;
	if ((ret = v6_texts(w, &off)) <= 0)
		return ret < 0 ? ret : 0;
	if (!num(w, off, 4, &ncpus))
		return 0;
	if (ncpus > IOREP_DAT_CPUS_MAX)
		return refuse(w, off, IOREP_DAT_CPUS_TOO_MANY);
	off += 4;
	/* tags as libtracecmd tells them, by 7 or 9 bytes; options may be missing */
	if (!rd(w, off, tag, 10))
		return 0;
	if (!memcmp(tag, "options", 7)) {
		ret = options(w, off + 10, &off);
		if (ret < 0 || !off || !rd(w, off, tag, 10))
			return ret;
	}
	if (w->cpucount_set) /* what libtracecmd reads the table by */
		ncpus = w->cpucount;
	if (memcmp(tag, "flyrecord", 9) || ncpus > 1 << 16)
		return 0;
	w->c->cpus.table = off + 10;
	w->c->cpus.ncpus = (uint32_t)ncpus;
	w->c->cpus.page_size = w->page_size;
	w->c->cpus.big_endian = w->big_endian;
	ret = add_cpus(w, false, off + 10, ncpus, 16, 0, 0);
	if (ret < 0)
		return ret;
	/*
	 * each instance's table, of as many CPUs, after its own tag: one whose
	 * tag is another ("options", "latency") is not read
	 */
	for (i = 0; i < w->c->ninstances && i < IOREP_DAT_INSTANCES_MAX; i++) {
		if (w->inst_off[i] > w->size - 10 - 16 * ncpus || w->size < 10 + 16 * ncpus)
			cut(w, w->inst_off[i]); /* its table past the end */
		if (!w->inst_off[i] || !rd(w, w->inst_off[i], tag, 10) ||
		    memcmp(tag, "flyrecord", 10))
			continue;
		ret = add_cpus(w, true, w->inst_off[i] + 10, ncpus, 16, 0, (uint32_t)i);
		if (ret < 0)
			return ret;
		w->c->instances_checked |= 1ULL << i;
	}
	/* with a TRACECLOCK option, libtracecmd parses the clock list after the table too */
	off += 10 + 16 * ncpus;
	if (!w->clock_list || !num(w, off, 8, &size))
		return 0;
	return text_at(w, off, off + 8, size, iorep_dat_clock_trap);
}

/*
 * Version 7: the sections that follow the file header, one after the
 * other, up to one that is not a known header section: the event formats
 * of those not compressed.
 */
static int v7_formats(struct walk *w, uint64_t off)
{
	uint64_t id, flags, size, at;
	int ret;

	while (num(w, off, 2, &id) && num(w, off + 2, 2, &flags) && num(w, off + 8, 8, &size) &&
	       (id == IOREP_OPT_DONE || (id >= 16 && id <= 21))) {
		/* libtracecmd seeks past it by the size, signed: back, then on again */
		if (size >> 63)
			return refuse(w, off,
				      "a header section's size leads back into the file (libtracecmd "
				      "would read its sections in a loop)");
		if (size > w->size - off - 16)
			break;
		at = off + 16;
		if (!(flags & SEC_FL_COMPRESS) &&
		    (id == SEC_FTRACE_EVENTS || id == SEC_EVENT_FORMATS) &&
		    (ret = event_formats(w, &at, id == SEC_EVENT_FORMATS)) < 0)
			return ret;
		off += 16 + size;
	}
	return 0;
}

/*
 * Version 7: the sections follow each other to the end of the file, each
 * after its 16 bytes of header (libtracecmd walks them all for the strings
 * of their names).  One that runs past the end is where the file was cut,
 * whatever libtracecmd still reads before it.
 */
static void v7_end(struct walk *w, uint64_t off)
{
	unsigned char tail[16] = {0}, zero[16] = {0};
	uint64_t size, n;

	for (n = 0; off < w->size && n < 1 << 20; n++, off += 16 + size) {
		if (w->size - off < 16) {
			/* less than a header: zeros are padding, anything else a header cut */
			if (!rd(w, off, tail, (size_t)(w->size - off)) || memcmp(tail, zero, 16))
				cut(w, off);
			return;
		}
		if (!num(w, off + 8, 8, &size) || size > w->size - off - 16) {
			cut(w, off);
			return;
		}
	}
}

/* Version 7: the chain of option sections from the offset in the file header. */
static int check_v7(struct walk *w, uint64_t off)
{
	uint64_t seen[MAX_OPTION_SECTIONS], first, id, flags, next;
	int n = 0, k, ret;

	/* the compression's name and version */
	if (!skip_string(w, &off) || !skip_string(w, &off) || !num(w, off, 8, &first))
		return 0;
	ret = v7_formats(w, off + 8);
	if (ret < 0)
		return ret;
	v7_end(w, off + 8);
	for (off = first; off; off = next) {
		for (k = 0; k < n; k++)
			if (seen[k] == off)
				return refuse(w, off, "its option sections form a loop");
		if (n == MAX_OPTION_SECTIONS)
			return refuse(w, off, "it has too many option sections");
		seen[n++] = off;
		/* section header: id, flags, description, size */
		if (!num(w, off, 2, &id) || !num(w, off + 2, 2, &flags)) {
			cut(w, off); /* an option section past the end */
			return 0;
		}
		if (id != IOREP_OPT_DONE || (flags & SEC_FL_COMPRESS)) {
			w->c->ts_offset_known = false;
			return 0; /* libtracecmd refuses it, or it cannot be read here */
		}
		ret = options(w, off + 16, &next);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Adds the page at @page of CPU @e to c->bad. */
static int add_bad(struct walk *w, uint64_t page, const struct extent *e)
{
	struct iorep_dat_check *c = w->c;
	uint64_t *bad;

	if (!(c->nbad & (c->nbad + 1))) {
		bad = realloc(c->bad, 2 * (c->nbad + 1) * sizeof(*bad));
		if (!bad)
			return -IOREP_ENOMEM;
		c->bad = bad;
	}
	if (!c->nbad) {
		c->bad_cpu = (int)e->cpu;
		/* an instance's: its name, as its BUFFER option has it (NUL-terminated there) */
		if (e->name && rd(w, e->name, c->bad_instance, sizeof(c->bad_instance) - 1))
			c->bad_instance[sizeof(c->bad_instance) - 1] = '\0';
		else if (e->name)
			snprintf(c->bad_instance, sizeof(c->bad_instance), "?");
	}
	c->bad[c->nbad++] = page;
	return 0;
}

/*
 * The pages of one CPU @e, @n of them from @off, that libtraceevent's kbuffer
 * cannot walk (see iorep_kbuf_page_ok()), into w->c->bad in order.  All of
 * them with @full; otherwise only the pages libtracecmd reads when it is
 * asked for the CPU's first and last record: from the first page to the
 * first that holds a data record, and from the last back to the last that
 * does.  The pages between are not touched: the kbuffer walk checks each
 * as it comes to it, and when libtracecmd's loop reads them instead, the
 * reader checks them all first (a full check).
 */
static int scan_cpu(struct walk *w, const unsigned char *map, const struct extent *e,
		    uint64_t off, uint64_t n, bool full)
{
	uint64_t i, lo = n, hi = n;
	bool data;
	int ret;

	/* the first page with a data record, and the last (none: every page is an end) */
	for (i = 0; i < n && lo == n; i++)
		if (iorep_kbuf_page_ok(map + off + i * w->page_size, w->page_size, w->long_size,
				       w->big_endian, &data) &&
		    data)
			lo = i;
	for (i = n; i > lo && hi == n; i--)
		if (iorep_kbuf_page_ok(map + off + (i - 1) * w->page_size, w->page_size,
				       w->long_size, w->big_endian, &data) &&
		    data)
			hi = i - 1;
	for (i = 0; i < n; i++) {
		if (!full && i > lo && i < hi)
			i = hi;
		if (!iorep_kbuf_page_ok(map + off + i * w->page_size, w->page_size, w->long_size,
					w->big_endian, NULL) &&
		    (ret = add_bad(w, off + i * w->page_size, e)) < 0)
			return ret;
	}
	return 0;
}

/*
 * The pages of the CPUs @e[@n] (see scan_pages()), the file mapped at @map:
 * the top buffer's, or with @inst instances', of those still to be read.
 */
static int scan_cpus(struct walk *w, const unsigned char *map, const struct extent *e,
		     uint64_t n, bool inst, bool full)
{
	uint64_t i, pages, end, page;
	int ret = 0;

	for (i = 0; i < n && !ret; i++, e++) {
		if (inst && !(w->c->instances_checked >> e->inst & 1))
			continue;
		end = e->off + e->size;
		if (end < e->off || end > w->size)
			end = w->size; /* cut short: the rest is read as zeros */
		if (end <= e->off)
			continue;
		pages = (end - e->off) / w->page_size;
		ret = scan_cpu(w, map, e, e->off, pages, full);
		/* a last page cut short (read as zeros past the cut): its commit word, if there */
		page = e->off + pages * w->page_size;
		if (!ret && page + 8 + w->long_size <= end &&
		    !iorep_kbuf_commit_ok(iorep_dat_num(map + page + 8, w->long_size, w->big_endian),
					  w->page_size, w->long_size))
			ret = add_bad(w, page, e);
	}
	return ret;
}

/*
 * The pages of every CPU that libtraceevent's kbuffer cannot walk (see
 * scan_cpu()); or a refusal (-1) when a CPU's data is not a whole number of
 * pages: libtracecmd, asked for the last record of a CPU whose records it
 * has read to the end, reads past that last, partial page (a SIGSEGV in
 * libtraceevent's kbuffer).  trace-cmd writes whole pages.  An instance
 * buffer with such a CPU is not refused, only left unread.
 */
static int scan_pages(struct walk *w, bool full)
{
	struct iorep_dat_check *c = w->c;
	const unsigned char *map;
	uint64_t i;
	int ret;

	if (w->page_size < 64 || w->page_size > 1 << 20 || (w->page_size & 7)) {
		c->instances_checked = 0;
		return 0;
	}
	for (i = 0; i < w->ncpus[0]; i++)
		if (w->cpus[0][i].size % w->page_size)
			return refuse(w,
				      w->cpus[0][i].off + w->cpus[0][i].size / w->page_size *
							      w->page_size,
				      "a CPU's data ends part-way through a ring-buffer page "
				      "(libtracecmd reads past that page)");
	for (i = 0; i < w->ncpus[1]; i++) {
		if (w->cpus[1][i].off + w->cpus[1][i].size > w->size ||
		    w->cpus[1][i].off + w->cpus[1][i].size < w->cpus[1][i].off) {
			/* past the end: libtracecmd does not open it, and it is said cut short */
			cut(w, w->cpus[1][i].off);
			c->instances_checked &= ~(1ULL << w->cpus[1][i].inst);
		}
		if (w->cpus[1][i].size % w->page_size)
			c->instances_checked &= ~(1ULL << w->cpus[1][i].inst);
	}
	if (!w->ncpus[0] && !w->ncpus[1])
		return 0;
	map = mmap(NULL, (size_t)w->size, PROT_READ, MAP_PRIVATE, w->fd, 0);
	if (map == MAP_FAILED) {
		c->instances_checked = 0;
		return 0;
	}
	ret = scan_cpus(w, map, w->cpus[0], w->ncpus[0], false, full);
	if (!ret)
		ret = scan_cpus(w, map, w->cpus[1], w->ncpus[1], true, full);
	c->long_size = w->long_size;
	c->big_endian = w->big_endian;
	munmap((void *)map, (size_t)w->size);
	return ret;
}

/*
 * The compressed instances' @n CPUs @iz after the top buffer's in c->zcpu;
 * none when the top buffer is not compressed (it has no BUFFER option of
 * its own when only instances were recorded: none of its CPUs then).
 */
static int join_zcpu(struct walk *w, const struct iorep_dat_zcpu *iz, uint32_t n)
{
	struct iorep_dat_check *c = w->c;
	struct iorep_dat_zcpu *z;

	c->zb.nztop = c->nzcpu;
	if ((!c->zcpu && w->ncpus[0]) || !n) {
		c->zb.nzinst = 0;
		return 0;
	}
	z = realloc(c->zcpu, (c->nzcpu + n + 1) * sizeof(*z));
	if (!z)
		return -IOREP_ENOMEM;
	memcpy(z + c->nzcpu, iz, n * sizeof(*z));
	c->zcpu = z;
	c->nzcpu += n;
	return 0;
}

int iorep_dat_check(int fd, uint64_t size, bool full, struct iorep_dat_check *c)
{
	struct walk w = {.fd = fd, .size = size, .c = c};
	unsigned char head[18];
	uint64_t page = 0;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	if (!rd(&w, 0, head, sizeof(head)))
		return 0;
	c->ts_offset_known = true;	/* until an option section cannot be read */
	w.fmt = malloc(MAX_FORMAT);
	if (!w.fmt)
		return -IOREP_ENOMEM;
	w.big_endian = head[12] != 0;
	w.long_size = head[13] == 4 ? 4 : 8;
	num(&w, 14, 4, &page);
	w.page_size = (unsigned int)page;
	if (!memcmp(head + 10, "6", 2)) {
		ret = check_v6(&w, 18);
	} else if (!memcmp(head + 10, "7", 2)) {
		w.v7 = true;
		ret = check_v7(&w, 18);
	}
	if (ret == 0)
		ret = scan_pages(&w, full);
	if (ret == 0)
		ret = join_zcpu(&w, w.izcpu, w.nizcpu);
	free(w.izcpu);
	free(w.cpus[0]);
	free(w.cpus[1]);
	free(w.fmt);
	free(w.opt);
	return ret;
}

void iorep_dat_check_release(struct iorep_dat_check *c)
{
	free(c->bad);
	c->bad = NULL;
	c->nbad = 0;
	free(c->zcpu);
	c->zcpu = NULL;
	c->nzcpu = c->zb.nztop = c->zb.nzinst = 0;
}
