// SPDX-License-Identifier: MIT
/*
 * Stack traces in the input (see input-local.h): which event each is of,
 * and its frames gathered into one interned string.
 *
 * The kernel records a stack trace (options/stacktrace, a "stacktrace"
 * trigger, trace-cmd record -T) as an event of its own, right after the
 * event it is of, on the same CPU and by the same task.  So a stack is of
 * the CPU's last event when that was an iommu/dma event of its task; an
 * event of another system in between (whose stack it then is) or a drop
 * leaves it of none.
 */
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "iorep-util.h"
#include "input-local.h"

int iorep_stack_owner_grow(struct iorep_stack_owners *o, int32_t cpu, uint64_t pos, int32_t pid)
{
	struct iorep_stack_owner *c;
	uint32_t i, n;

	if (cpu < 0 || cpu > IOREP_INPUT_MAX_CPU)
		return 0;
	n = (uint32_t)cpu + 1;
	c = realloc(o->cpu, n * sizeof(*c));
	if (!c)
		return -IOREP_ENOMEM;
	for (i = o->n; i < n; i++)
		c[i] = (struct iorep_stack_owner){ IOREP_STACK_NONE, -1 };
	o->cpu = c;
	o->n = n;
	c[cpu] = (struct iorep_stack_owner){ pos, pid };
	return 0;
}

void iorep_stack_owner_other(struct iorep_stack_owners *o, int32_t cpu)
{
	if (cpu >= 0 && (uint32_t)cpu < o->n)
		o->cpu[cpu].pos = IOREP_STACK_NONE;
}

uint64_t iorep_stack_owner_take(struct iorep_stack_owners *o, int32_t cpu, int32_t pid)
{
	struct iorep_stack_owner *c;
	uint64_t pos;

	if (cpu < 0 || (uint32_t)cpu >= o->n)
		return IOREP_STACK_NONE;
	c = &o->cpu[cpu];
	pos = c->pid == pid ? c->pos : IOREP_STACK_NONE;
	c->pos = IOREP_STACK_NONE; /* one stack an event: a user stack may follow */
	return pos;
}

void iorep_stack_owners_free(struct iorep_stack_owners *o)
{
	free(o->cpu);
	o->cpu = NULL;
	o->n = 0;
}

void iorep_stack_build_start(struct iorep_stack_build *b)
{
	b->len = 0;
	b->n = 0;
}

/* The tracing code's own frames, innermost, above the code that made the event. */
static bool tracing_frame(const char *name, size_t len)
{
	static const char *const prefix[] = {
		"trace_", "__trace", "perf_trace_", "ftrace_", "__ftrace_", "event_trigger",
		"stacktrace_",
	};
	size_t i, n;

	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		n = strlen(prefix[i]);
		if (len >= n && !memcmp(name, prefix[i], n))
			return true;
	}
	return false;
}

/*
 * The print format's entries past the end of the list (trace-cmd report -N
 * prints all eight): "0x0", or the -1 that ends it, 0xffffffffffffffff (or
 * 0xffffffff from a 32-bit kernel).
 */
static bool list_end(const char *name, size_t len)
{
	size_t i;

	if (len == 3 && !memcmp(name, "0x0", 3))
		return true;
	if ((len != 10 && len != 18) || memcmp(name, "0x", 2))
		return false;
	for (i = 2; i < len && name[i] == 'f'; i++)
		;
	return i == len;
}

void iorep_stack_build_frame(struct iorep_stack_build *b, const char *name, size_t len)
{
	/* no name: a user address "<00007f...>", or past the end of the list */
	if (!len || name[0] == '<' || list_end(name, len))
		return;
	if (!b->n && tracing_frame(name, len))
		return;
	if (b->n >= IOREP_STACK_MAX_FRAMES || b->len + len + 1 > sizeof(b->buf))
		return;
	if (b->n)
		b->buf[b->len++] = '\n';
	memcpy(b->buf + b->len, name, len);
	b->len += len;
	b->n++;
}

int iorep_stack_build_intern(const struct iorep_stack_build *b, struct iorep_strtab *st,
			     const char **out)
{
	*out = NULL;
	if (!b->n)
		return 0;
	*out = iorep_strtab_intern(st, b->buf, b->len);
	return *out ? 0 : -IOREP_ENOMEM;
}

size_t iorep_stack_frame_name(const char *p, size_t n, const char **name)
{
	size_t i = 0, start;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i + 1 < n && p[i] == '=' && p[i + 1] == '>') {
		i += 2;
	} else {
		/* perf's "ffffffff813a83e5 func+0x175 ([kernel.kallsyms])": past the address */
		while (i < n && iorep_hex_val(p[i]) >= 0)
			i++;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	start = i;
	/* "func", "func+0xa5/0x110 <addr>", "func (addr)" */
	while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '+')
		i++;
	*name = p + start;
	/* perf's "[unknown]": no name */
	return i > start && p[start] == '[' ? 0 : i - start;
}

bool iorep_stack_frame_is_perf(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return !(i + 1 < n && p[i] == '=' && p[i + 1] == '>');
}
