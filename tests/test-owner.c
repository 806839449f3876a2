// SPDX-License-Identifier: MIT
/*
 * Where a map or unmap that no dma:* event claims goes (model-owner.c): to
 * the user domain of the process that made it, or to the pool.  A process
 * is its thread group where the text names it; nothing made in atomic
 * context is a user domain's, and a later unmap moves what the rule put in
 * the wrong place.  On the vfio-io captures and on a few lines of text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-model.h"
#include "test-run.h"
#include "test-util.h"

/*
 * A user domain a process mapped into stays a user domain when a dma:*
 * event names its device; one nothing was mapped into becomes the group's
 * default domain, and the old one's leftovers are leaks.
 */
static void test_dma_api_in_user_domain(void)
{
	static const char tail_vfio[] =
		"            qemu-400     [000] .....     6.000000: attach_device_to_domain: "
		"IOMMU: device=0000:00:02.0\n"
		"            qemu-400     [000] .....     6.100000: map: IOMMU: "
		"iova=0x0000000000000000 - 0x0000000000002000 paddr=0x0000000104faa000 size=8192\n"
		"            qemu-400     [000] .....     6.200000: dma_map_page: 0000:00:02.0 "
		"dir=TO_DEVICE dma_addr=ffffd000 size=4096 phys_addr=104fab000 attrs=\n";
	static const char tail_type[] =
		"            bash-300     [000] .....     6.000000: attach_device_to_domain: "
		"IOMMU: device=0000:00:02.0\n"
		"            bash-300     [000] .....     6.100000: map: IOMMU: "
		"iova=0x00000000ffffd000 - 0x00000000ffffe000 paddr=0x0000000104fab000 size=4096\n"
		"            bash-300     [000] .....     6.100001: dma_map_page: 0000:00:02.0 "
		"dir=TO_DEVICE dma_addr=ffffd000 size=4096 phys_addr=104fab000 attrs=\n";
	const char *tails[] = { tail_vfio, tail_type };
	size_t len, i, t;
	char *boot = iorep_test_slurp(K612 "boot/trace.txt", &len), *text;
	const struct iorep_device *d;
	uint32_t leaks, old, gi;
	struct run r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(boot);
	for (t = 0; t < 2; t++) {
		text = malloc(len + strlen(tails[t]) + 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		memcpy(text, boot, len);
		strcpy(text + len, tails[t]);
		run_text(&r, text);
		d = &r.m.devices[iorep_model_device_find(&r.m, "0000:00:02.0")];
		CU_ASSERT_EQUAL_FATAL(d->nepochs, 2);
		old = d->epochs[0].domain;
		gi = iorep_model_group_find(&r.m, d->group);
		for (i = 0, leaks = 0; i < r.m.nfindings; i++)
			leaks += r.m.findings[i].type == IOREP_FIND_LEAK;
		if (t == 0) {
			CU_ASSERT_EQUAL(epoch_kind(&r, d, 1), IOREP_DOM_USER);
			CU_ASSERT_EQUAL(r.m.groups[gi].domain, old);
			CU_ASSERT_EQUAL(leaks, 0);
		} else {
			CU_ASSERT_EQUAL(epoch_kind(&r, d, 1), IOREP_DOM_DMA);
			CU_ASSERT_EQUAL(r.m.groups[gi].domain, d->epochs[1].domain);
			CU_ASSERT_EQUAL(iorep_ivmap_count(&r.m.domains[d->epochs[1].domain].live), 1);
			/* what the boot left in the old domain: freed with it */
			CU_ASSERT_EQUAL(leaks, 3);
		}
		free_run(&r);
		free(text);
	}
	free(boot);
}

/*
 * 6.1 dma-traffic: of the pool's 199 unmatched unmaps, 63 hit a range the
 * trace saw mapped and unmapped; they say so (as info: the earlier unmap
 * may have been another domain's), not that the range was never mapped.
 */
static void test_pool_unmap_says_its_history(void)
{
	uint32_t i, unmatched = 0, again = 0;
	const struct iorep_finding *f;
	struct run r;

	run_model(&r, K61 "dma-traffic", "trace.dat", 1);
	for (i = 0; i < r.m.nfindings; i++) {
		f = &r.m.findings[i];
		if (f->type != IOREP_FIND_UNMATCHED_UNMAP)
			continue;
		unmatched++;
		CU_ASSERT_EQUAL(f->severity, IOREP_SEV_INFO);
		if (strstr(f->message, "already unmapped at "))
			again++;
		else
			CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "not mapped in this trace"));
		/* the first: mapped at 16.082621, unmapped at 16.082783 (trace.dat's time) */
		if (f->iova == 0xffffb000 && f->ts / 1000 == 16143351)
			CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "already unmapped at 16.082783 "));
	}
	CU_ASSERT_EQUAL(unmatched, 199);
	CU_ASSERT_EQUAL(again, 63);
	free_run(&r);
}

/*
 * dmesg lines (tp_printk) name no process: nothing is attributed by process.
 * Two DMA domains map the same top-down IOVA, as every DMA domain does; with
 * the maps in one "user domain of nobody" that was an overlapping map, a
 * double unmap and a leak.
 */
static void test_no_process_no_process_attribution(void)
{
	static const char text[] =
		"[    1.100000] add_device_to_group: IOMMU: groupID=5 device=0000:01:00.0\n"
		"[    1.100100] attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"[    1.200000] add_device_to_group: IOMMU: groupID=6 device=0000:02:00.0\n"
		"[    1.200100] attach_device_to_domain: IOMMU: device=0000:02:00.0\n"
		"[  100.000100] attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"[  100.100000] map: IOMMU: iova=0x00000000fffff000 - 0x0000000100000000 "
		"paddr=0x0000000200000000 size=4096\n"
		"[  100.100100] map: IOMMU: iova=0x00000000fffff000 - 0x0000000100000000 "
		"paddr=0x0000000300000000 size=4096\n"
		"[  100.200000] unmap: IOMMU: iova=0x00000000fffff000 - 0x0000000100000000 "
		"size=4096 unmapped_size=4096\n"
		"[  100.200100] unmap: IOMMU: iova=0x00000000fffff000 - 0x0000000100000000 "
		"size=4096 unmapped_size=4096\n"
		"[  102.000100] attach_device_to_domain: IOMMU: device=0000:01:00.0\n";
	struct run r;
	uint32_t i;

	run_text(&r, text);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(r.m.stats.pid_maps, 0);
	CU_ASSERT_EQUAL(r.m.stats.pid_unmaps, 0);
	for (i = 0; i < r.m.ndomains; i++) {
		CU_ASSERT_TRUE(r.m.domains[i].kind == IOREP_DOM_POOL || !r.m.domains[i].maps);
		CU_ASSERT_PTR_NULL(r.m.domains[i].owner_comm);
	}
	free_run(&r);
}

/* The user domain of @r's device 0000:01:00.0 (its third epoch: DMA, blocking, user). */
static const struct iorep_domain *user_of_01(const struct run *r)
{
	uint32_t dev = iorep_model_device_find(&r->m, "0000:01:00.0");

	CU_ASSERT_NOT_EQUAL_FATAL(dev, IOREP_NONE);
	CU_ASSERT_TRUE_FATAL(r->m.devices[dev].nepochs >= 3);
	CU_ASSERT_EQUAL_FATAL(epoch_kind(r, &r->m.devices[dev], 2), IOREP_DOM_USER);
	return &r->m.domains[r->m.devices[dev].epochs[2].domain];
}

/*
 * "comm-pid (tgid) [cpu] flags ts:" -> "comm-pid [cpu] ts:", trace-cmd
 * report's own form.  Command names may hold spaces, so the thread group is
 * the last '(' before the '['.
 */
static char *strip_tgid_flags(const char *text)
{
	char *out = malloc(strlen(text) + 1), *q = out;
	const char *line = text, *nl, *cpu, *paren, *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (; *line; line = nl) {
		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		cpu = memchr(line, '[', (size_t)(nl - line));
		for (paren = cpu; paren && paren > line && *paren != '('; paren--)
			;
		if (!cpu || !paren || *paren != '(') {
			memcpy(q, line, (size_t)(nl - line));
			q += nl - line;
			continue;
		}
		memcpy(q, line, (size_t)(paren - line));
		q += paren - line;
		p = strchr(cpu, ']') + 2;		/* "[cpu] " */
		memcpy(q, cpu, (size_t)(p - cpu));
		q += p - cpu;
		p = strchr(p, ' ') + 1;			/* the flags */
		memcpy(q, p, (size_t)(nl - p));
		q += nl - p;
	}
	*q = '\0';
	return out;
}

/*
 * @r of @text, where QEMU (pid 500) maps @user_maps of the @maps into the
 * user domain of 0000:01:00.0, @moved of them moved there or away on the
 * way, and unmaps every one, as the rest of the maps are: no error.
 */
static void run_qemu_text(struct run *r, const char *text, uint64_t user_maps, uint64_t maps,
			  uint64_t moved)
{
	const struct iorep_domain *user;

	run_text(r, text);
	CU_ASSERT_EQUAL(count(&r->m, IOREP_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(count(&r->m, IOREP_SEV_WARNING), 0);
	user = user_of_01(r);
	CU_ASSERT_EQUAL(user->maps, user_maps);
	CU_ASSERT_EQUAL(user->unmaps, user_maps);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&user->live), 0);
	CU_ASSERT_EQUAL(r->m.stats.pid_maps, user_maps);
	CU_ASSERT_EQUAL(r->m.stats.moved_maps, moved);
	CU_ASSERT_EQUAL(r->m.stats.maps, maps);
	CU_ASSERT_EQUAL_FATAL(r->m.pool != IOREP_NONE, true);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&r->m.domains[r->m.pool].live), 0);
}

/*
 * Without dma:* events, a map in QEMU's context goes to its VFIO domain,
 * but VFIO never maps or unmaps in atomic context: a disk's maps that QEMU
 * made leave the domain at their unmap in the disk's interrupt (over the
 * idle task, or without flags by pid 0), a map in a softirq never enters
 * it, and a mapping that reaches past an interrupt's unmap stays.  With the
 * text's thread groups, a vCPU thread's map is the process's.
 */
static void test_atomic_context_not_vfio(void)
{
	static const char text[] =
		"init-1 (1) [000] ..... 1.000000: add_device_to_group: IOMMU: groupID=5 "
		"device=0000:01:00.0\n"
		"init-1 (1) [000] ..... 1.000100: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 (500) [001] ..... 10.000000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 (500) [001] ..... 10.000100: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		/* guest RAM, and a BAR */
		"qemu-500 (500) [001] ..... 10.100000: map: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000200000 paddr=0x0000000100000000 size=2097152\n"
		"qemu-500 (500) [001] ..... 10.100100: map: IOMMU: iova=0x00000000fe000000 - "
		"0x00000000fe200000 paddr=0x0000000800000000 size=2097152\n"
		/* a disk's read submitted by QEMU, and its completion */
		"qemu-500 (500) [001] ..... 10.200000: map: IOMMU: iova=0x00000000fffff000 - "
		"0x0000000100000000 paddr=0x0000000200000000 size=4096\n"
		"qemu-500 (500) [001] ..... 10.200100: map: IOMMU: iova=0x00000000ffffe000 - "
		"0x00000000fffff000 paddr=0x0000000200001000 size=4096\n"
		"qemu-500 (500) [001] ..s1. 10.250000: map: IOMMU: iova=0x00000000ffffd000 - "
		"0x00000000ffffe000 paddr=0x0000000300000000 size=4096\n"
		"<idle>-0 (-------) [000] d.h1. 10.300000: unmap: IOMMU: iova=0x00000000ffffe000 - "
		"0x0000000100000000 size=8192 unmapped_size=8192\n"
		"<idle>-0 (-------) [000] d.h1. 10.300100: unmap: IOMMU: iova=0x00000000ffffd000 - "
		"0x00000000ffffe000 size=4096 unmapped_size=4096\n"
		/* another domain's IOVA inside the BAR's, unmapped in an interrupt */
		"<idle>-0 (-------) [000] d.h1. 10.300200: unmap: IOMMU: iova=0x00000000fe100000 - "
		"0x00000000fe101000 size=4096 unmapped_size=4096\n"
		/* a vCPU thread */
		"CPU 0/KVM-501 (500) [001] ..... 10.400000: map: IOMMU: iova=0x0000000000400000 - "
		"0x0000000000401000 paddr=0x0000000400000000 size=4096\n"
		"qemu-500 (500) [001] ..... 11.000000: unmap: IOMMU: iova=0x0000000000400000 - "
		"0x0000000000401000 size=4096 unmapped_size=4096\n"
		"qemu-500 (500) [001] ..... 11.000100: unmap: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000200000 size=2097152 unmapped_size=2097152\n"
		"qemu-500 (500) [001] ..... 11.100000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 (500) [001] ..... 11.100100: unmap: IOMMU: iova=0x00000000fe000000 - "
		"0x00000000fe200000 size=2097152 unmapped_size=2097152\n"
		"qemu-500 (500) [001] ..... 11.200000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n";
	char *flagless;
	struct run r;

	/* RAM, BAR, the vCPU thread's: the disk's two maps left, the softirq's never came */
	run_qemu_text(&r, text, 3, 6, 2);
	free_run(&r);
	/*
	 * As trace-cmd report prints it without -l: no thread group, no flags.
	 * pid 0's unmaps still take the disk's three maps (the softirq's went
	 * in first) out, and the owner's unmap takes the vCPU thread's in.
	 */
	flagless = strip_tgid_flags(text);
	run_qemu_text(&r, flagless, 3, 6, 4);
	free_run(&r);
	free(flagless);
}

/*
 * Without thread groups (trace.dat has none) a vCPU thread's map is the
 * pool's until the owner unmaps it: then it moves to the owner's domain.
 * What the pool held from before the domain was made, or mapped in an
 * interrupt, stays, and so do the owner's unmaps of it.
 */
static void test_owner_unmap_takes_its_threads(void)
{
	static const char text[] =
		"init-1 [000] ..... 1.000000: add_device_to_group: IOMMU: groupID=5 "
		"device=0000:01:00.0\n"
		"init-1 [000] ..... 1.000100: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"CPU 0/KVM-501 [001] ..... 5.000000: map: IOMMU: iova=0x0000000000400000 - "
		"0x0000000000401000 paddr=0x0000000100000000 size=4096\n"
		"qemu-500 [001] ..... 10.000000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 [001] ..... 10.000100: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 [001] ..... 10.100000: map: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000200000 paddr=0x0000000200000000 size=2097152\n"
		"kworker/1:1-77 [001] ..s1. 10.200000: map: IOMMU: iova=0x0000000000500000 - "
		"0x0000000000501000 paddr=0x0000000300000000 size=4096\n"
		"CPU 0/KVM-501 [001] ..... 10.300000: map: IOMMU: iova=0x0000000000600000 - "
		"0x0000000000601000 paddr=0x0000000400000000 size=4096\n"
		"qemu-500 [001] ..... 11.000000: unmap: IOMMU: iova=0x0000000000600000 - "
		"0x0000000000601000 size=4096 unmapped_size=4096\n"
		"qemu-500 [001] ..... 11.000100: unmap: IOMMU: iova=0x0000000000500000 - "
		"0x0000000000501000 size=4096 unmapped_size=4096\n"
		"qemu-500 [001] ..... 11.000200: unmap: IOMMU: iova=0x0000000000400000 - "
		"0x0000000000401000 size=4096 unmapped_size=4096\n"
		"qemu-500 [001] ..... 11.000300: unmap: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000200000 size=2097152 unmapped_size=2097152\n"
		"qemu-500 [001] ..... 11.100000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n"
		"qemu-500 [001] ..... 11.200000: attach_device_to_domain: IOMMU: "
		"device=0000:01:00.0\n";
	struct run r;

	run_qemu_text(&r, text, 2, 4, 1);
	CU_ASSERT_EQUAL(r.m.domains[r.m.pool].unmaps, 2);
	free_run(&r);
}

/*
 * The two devices of a container that 0000:02:00.0's group joined and left
 * (test_group_joins_container(), the vfio-two captures): no error or
 * warning, one user domain, both devices in it, 0000:02:00.0 back in its
 * group's same DMA domain.  Returns that user domain.
 */
static const struct iorep_domain *one_container(const struct run *r)
{
	static const enum iorep_domain_kind one[] = { IOREP_DOM_DMA, IOREP_DOM_BLOCKED,
						      IOREP_DOM_USER, IOREP_DOM_BLOCKED,
						      IOREP_DOM_DMA };
	static const enum iorep_domain_kind two[] = { IOREP_DOM_DMA,	 IOREP_DOM_BLOCKED,
						      IOREP_DOM_BLOCKED, IOREP_DOM_BLOCKED,
						      IOREP_DOM_USER,	 IOREP_DOM_BLOCKED,
						      IOREP_DOM_DMA };
	const struct iorep_device *a, *b;
	uint32_t k, users;

	CU_ASSERT_EQUAL(count(&r->m, IOREP_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(count(&r->m, IOREP_SEV_WARNING), 0);
	a = epochs_are(r, "0000:01:00.0", one, 5);
	b = epochs_are(r, "0000:02:00.0", two, 7);
	CU_ASSERT_EQUAL(b->epochs[4].domain, a->epochs[2].domain);
	CU_ASSERT_EQUAL(b->epochs[6].domain, b->epochs[0].domain);
	for (k = users = 0; k < r->m.ndomains; k++)
		users += r->m.domains[k].kind == IOREP_DOM_USER;
	CU_ASSERT_EQUAL(users, 1);
	return &r->m.domains[a->epochs[2].domain];
}

/*
 * @text leaves 0000:02:00.0 (@nb epochs) in a user domain of its own,
 * beside 0000:01:00.0's, one map in each, and no error.
 */
static void two_containers(const char *text, uint32_t nb)
{
	const struct iorep_device *a, *b;
	struct run r;

	run_text(&r, text);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
	b = &r.m.devices[iorep_model_device_find(&r.m, "0000:02:00.0")];
	a = &r.m.devices[iorep_model_device_find(&r.m, "0000:01:00.0")];
	CU_ASSERT_FATAL(b->nepochs == nb && a->nepochs == 3);
	CU_ASSERT_EQUAL(r.m.domains[b->epochs[nb - 1].domain].kind, IOREP_DOM_USER);
	CU_ASSERT_NOT_EQUAL(b->epochs[nb - 1].domain, a->epochs[2].domain);
	CU_ASSERT_EQUAL(r.m.domains[b->epochs[nb - 1].domain].maps, 1);
	CU_ASSERT_EQUAL(r.m.domains[a->epochs[2].domain].maps, 1);
	free_run(&r);
}

/*
 * A second group joins a VFIO container that holds mappings: type1 attaches
 * it four times (blocking, a trial domain, blocking, the container's) and
 * maps nothing; the process's next map, which overlaps nothing live in the
 * container, is the container's, and the device is in it (one user domain,
 * the device's three short stays blocked).  Leaving, it goes back to its
 * group's DMA domain, the same one.  A process whose next map lands on the
 * container's live mappings (type1's probe of a new domain, with IOVA 0
 * mapped in the container) has a new domain: that one stays.
 */
static void test_group_joins_container(void)
{
	static const char head[] =
		"init-1 [000] ..... 1.000000: add_device_to_group: IOMMU: groupID=7 "
		"device=0000:01:00.0\n"
		"init-1 [000] ..... 1.000100: attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"init-1 [000] ..... 1.000200: add_device_to_group: IOMMU: groupID=8 "
		"device=0000:02:00.0\n"
		"init-1 [000] ..... 1.000300: attach_device_to_domain: IOMMU: device=0000:02:00.0\n"
		"qemu-500 [001] ..... 10.000000: attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"qemu-500 [001] ..... 10.000100: attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"qemu-500 [001] ..... 10.100000: map: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000040000 paddr=0x0000000200000000 size=262144\n"
		"qemu-500 [001] ..... 11.000000: attach_device_to_domain: IOMMU: device=0000:02:00.0\n"
		"qemu-500 [001] ..... 11.000100: attach_device_to_domain: IOMMU: device=0000:02:00.0\n"
		"qemu-500 [001] ..... 11.000200: attach_device_to_domain: IOMMU: device=0000:02:00.0\n"
		"qemu-500 [001] ..... 11.000300: attach_device_to_domain: IOMMU: device=0000:02:00.0\n";
	static const char joined[] =
		"qemu-500 [001] ..... 12.000000: map: IOMMU: iova=0x0000000000200000 - "
		"0x0000000000210000 paddr=0x0000000300000000 size=65536\n"
		"qemu-500 [001] ..... 13.000000: unmap: IOMMU: iova=0x0000000000200000 - "
		"0x0000000000210000 size=65536 unmapped_size=65536\n"
		"qemu-500 [001] ..... 14.000000: attach_device_to_domain: IOMMU: device=0000:02:00.0\n"
		"qemu-500 [001] ..... 14.000100: attach_device_to_domain: IOMMU: device=0000:02:00.0\n"
		"qemu-500 [001] ..... 15.000000: unmap: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000040000 size=262144 unmapped_size=262144\n"
		"qemu-500 [001] ..... 15.100000: attach_device_to_domain: IOMMU: device=0000:01:00.0\n"
		"qemu-500 [001] ..... 15.100100: attach_device_to_domain: IOMMU: device=0000:01:00.0\n";
	/* a second container: its claim, its own domain, and its maps */
	static const char second[] =
		"qemu-500 [001] ..... 11.000000: attach_device_to_domain: IOMMU: device=0000:02:00.0\n"
		"qemu-500 [001] ..... 11.000100: attach_device_to_domain: IOMMU: device=0000:02:00.0\n"
		"qemu-500 [001] ..... 12.000000: map: IOMMU: iova=0x0000000000200000 - "
		"0x0000000000210000 paddr=0x0000000300000000 size=65536\n";
	static const char probed[] =
		"qemu-500 [001] ..... 12.000000: map: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000002000 paddr=0x0000000300000000 size=8192\n"
		"qemu-500 [001] ..... 12.000100: unmap: IOMMU: iova=0x0000000000000000 - "
		"0x0000000000002000 size=8192 unmapped_size=8192\n";
	const struct iorep_domain *user;
	char text[4096];
	struct run r;

	snprintf(text, sizeof(text), "%s%s", head, joined);
	run_text(&r, text);
	user = one_container(&r);
	CU_ASSERT_EQUAL(user->maps, 2);
	CU_ASSERT_EQUAL(user->unmaps, 2);
	free_run(&r);

	/* head without its four attaches of 0000:02:00.0, then the second container */
	snprintf(text, sizeof(text), "%.*s%s", (int)(strstr(head, "qemu-500 [001] ..... 11.0") - head),
		 head, second);
	two_containers(text, 3);
	snprintf(text, sizeof(text), "%s%s", head, probed);
	two_containers(text, 5);
}

/*
 * The vfio-two captures (their GROUND_TRUTH.md): the vfio-io program with a
 * second group that joins its container and leaves it.  One user domain,
 * both devices in it; the second device's group keeps its DMA domain.
 */
static void test_vfio_two_captures(void)
{
	static const struct {
		const char *cap, *file;
		int32_t pid;
		uint64_t maps, unmaps, moved;
	} want[] = {
		{ K612 "vfio-two", "trace.txt", 225, 78, 79, 0 },
		{ K612 "vfio-two", "trace.dat", 225, 78, 79, 3 },
		{ K61 "vfio-two", "trace.txt", 193, 18, 19, 52 },
		{ K61 "vfio-two", "trace.dat", 193, 18, 19, 35 },
	};
	const struct iorep_domain *user;
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!iorep_test_wanted(want[i].cap))
			continue;
		run_model(&r, want[i].cap, want[i].file, 1);
		user = one_container(&r);
		CU_ASSERT_EQUAL(user->owner_pid, want[i].pid);
		CU_ASSERT_EQUAL(user->maps, want[i].maps);
		CU_ASSERT_EQUAL(user->unmaps, want[i].unmaps);
		CU_ASSERT_EQUAL(user->bytes_mapped, 466944);
		CU_ASSERT_EQUAL(iorep_ivmap_count(&user->live), 0);
		CU_ASSERT_EQUAL(r.m.stats.moved_maps, want[i].moved);
		free_run(&r);
	}
}

/*
 * The vfio-io captures (their GROUND_TRUTH.md): a VFIO program maps into its
 * container from two threads and reads an NVMe disk from both, the disk's
 * maps made in its context and unmapped in the disk's interrupt.  Its user
 * domain holds exactly the container's mappings: on 6.1 the disk's moved
 * to the pool at their unmaps (in atomic context), and without the text's
 * thread groups (trace.dat) the second thread's taken from the pool at the
 * program's unmaps.  No error.  On AMD-Vi (vfio-io-amd) type1's unmaps of
 * 4 KiB inside a large page take the whole page, on virtio-iommu
 * (vfio-io-virtio) the whole mapping: one warning each, at these IOVAs,
 * and nothing left live.
 */
static void test_vfio_io_captures(void)
{
	static const uint64_t amd61[] = { 0x0,	       0x12000,	    0x28000,	 0x2c000,
					  0x100008000, 0x10000c000, 0x100010000, 0x100014000,
					  0x100018000, 0x10001c000 };
	static const uint64_t amd612[] = { 0x0, 0xa000 };
	static const uint64_t virtio612[] = { 0x0, 0x20e000, 0x28000, 0x100000000 };
	static const struct {
		const char *cap, *file;
		uint64_t maps, unmaps, moved;
		const uint64_t *wide;
		uint32_t nwide;
	} want[] = {
		{ K61 "vfio-io", "trace.txt", 105, 106, 144, NULL, 0 },
		{ K61 "vfio-io", "trace.dat", 105, 106, 147, NULL, 0 },
		{ K612 "vfio-io", "trace.txt", 109, 110, 0, NULL, 0 },
		{ K612 "vfio-io", "trace.dat", 109, 110, 16, NULL, 0 },
		{ K61 "vfio-io-amd", "trace.txt", 79, 90, 52, amd61, 10 },
		{ K61 "vfio-io-amd", "trace.dat", 79, 90, 36, amd61, 10 },
		{ K612 "vfio-io-amd", "trace.txt", 108, 112, 0, amd612, 2 },
		{ K612 "vfio-io-amd", "trace.dat", 108, 112, 16, amd612, 2 },
		{ K612 "vfio-io-virtio", "trace.txt", 58, 58, 0, virtio612, 4 },
		{ K612 "vfio-io-virtio", "trace.dat", 58, 58, 15, virtio612, 4 },
	};
	static const enum iorep_domain_kind kinds[] = { IOREP_DOM_DMA, IOREP_DOM_BLOCKED,
							IOREP_DOM_USER, IOREP_DOM_BLOCKED,
							IOREP_DOM_DMA };
	const struct iorep_domain *user;
	const struct iorep_device *d;
	const struct iorep_finding *f;
	uint32_t k, nwide;
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!iorep_test_wanted(want[i].cap))
			continue;
		run_model(&r, want[i].cap, want[i].file, 1);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
		CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_WARNING), want[i].nwide);
		for (k = nwide = 0; k < r.m.nfindings; k++) {
			f = &r.m.findings[k];
			if (f->type != IOREP_FIND_UNMAP_SIZE_MISMATCH)
				continue;
			if (nwide < want[i].nwide) {
				CU_ASSERT_EQUAL(f->iova, want[i].wide[nwide]);
				CU_ASSERT_EQUAL(f->size, 0x1000);
				CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "went whole"));
			}
			nwide++;
		}
		CU_ASSERT_EQUAL(nwide, want[i].nwide);
		d = epochs_are(&r, "0000:01:00.0", kinds, 5);
		user = &r.m.domains[d->epochs[2].domain];
		CU_ASSERT_STRING_EQUAL(user->owner_comm, "vfio-io");
		if (user->maps != want[i].maps || user->unmaps != want[i].unmaps ||
		    r.m.stats.moved_maps != want[i].moved)
			fprintf(stderr, "%s%s: user domain %llu/%llu, moved %llu\n", want[i].cap,
				want[i].file, (unsigned long long)user->maps,
				(unsigned long long)user->unmaps,
				(unsigned long long)r.m.stats.moved_maps);
		CU_ASSERT_EQUAL(user->maps, want[i].maps);
		CU_ASSERT_EQUAL(user->unmaps, want[i].unmaps);
		CU_ASSERT_EQUAL(iorep_ivmap_count(&user->live), 0);
		CU_ASSERT_EQUAL(r.m.stats.pid_maps, want[i].maps);
		CU_ASSERT_EQUAL(r.m.stats.moved_maps, want[i].moved);
		free_run(&r);
	}
}

/*
 * "comm-pid (tgid) [cpu] flags ts: rest" of a trace.txt line with thread
 * groups, as a kernel built with CONFIG_PRINTK_CALLER and booted with
 * tp_printk logs the event: "[ts][  Tpid] rest", or "[ts][     Ccpu] rest"
 * outside any task (the flags' hardirq/softirq column).  0, or -1 for a
 * line that is no event.
 */
static int caller_line(const char *line, FILE *out)
{
	const char *paren = strstr(line, ") ["), *open, *dash, *flags, *colon;
	long cpu, pid;
	bool task;

	if (!paren)
		return -1;
	for (open = paren; open > line && *open != '('; open--)
		;
	for (dash = open; dash > line && *dash != '-'; dash--)
		;
	pid = strtol(dash + 1, NULL, 10);
	cpu = strtol(paren + 3, NULL, 10);
	flags = strchr(paren + 3, ']');
	if (*open != '(' || *dash != '-' || !flags || strlen(flags) < 8)
		return -1;
	flags += 2;
	colon = strchr(flags + 5, ':');
	if (!colon)
		return -1;
	task = !strchr("hsHz", flags[2]) && pid != 0;
	fprintf(out, "[%12.*s][%6s%ld] %s", (int)(colon - flags - 6), flags + 6, task ? "T" : "C",
		task ? pid : cpu, colon + 2);
	return 0;
}

/*
 * The 6.12 vfio-io capture's trace.txt as a kernel with CONFIG_PRINTK_CALLER
 * logs it with tp_printk: the callers' task ids attribute the VFIO program's
 * maps by process, as trace.dat's pids do (its user domain, 109 maps and 110
 * unmaps, named by its id only), and what interrupts logged is atomic.
 * Every event is read, none is a bad line, and there is no error.
 */
static void test_printk_caller_dmesg(void)
{
	static const enum iorep_domain_kind kinds[] = { IOREP_DOM_DMA, IOREP_DOM_BLOCKED,
							IOREP_DOM_USER, IOREP_DOM_BLOCKED,
							IOREP_DOM_DMA };
	char dir[] = "/tmp/iorep-caller-XXXXXX", path[600];
	uint64_t n[IOREP_EV__COUNT] = { 0 }, txt[IOREP_EV__COUNT] = { 0 }, atomic = 0;
	struct iorep_strtab *st = iorep_strtab_new();
	const struct iorep_domain *user;
	struct iorep_input *in = NULL;
	const struct iorep_device *d;
	char *buf, *line, *nl, err[256];
	struct iorep_event ev;
	size_t i, lines = 0;
	struct run r;
	FILE *fp;

	if (!iorep_test_wanted(K612 "vfio-io")) {
		iorep_strtab_free(st);
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/caller.dmesg", dir);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	buf = iorep_test_slurp(K612 "vfio-io/trace.txt", NULL);
	for (line = buf; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (caller_line(line, fp) == 0) {
			fputc('\n', fp);
			lines++;
		}
	}
	free(buf);
	fclose(fp);
	CU_ASSERT_EQUAL(lines, 2363);

	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, K612 "vfio-io/trace.txt", st, err, sizeof(err)),
			      0);
	while (iorep_input_next(in, &ev) > 0)
		txt[ev.type]++;
	iorep_input_free(in);
	in = NULL;
	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, path, st, err, sizeof(err)), 0);
	while (iorep_input_next(in, &ev) > 0) {
		n[ev.type]++;
		atomic += ev.type == IOREP_EV_UNMAP && (ev.ctx & IOREP_CTX_ATOMIC);
		CU_ASSERT(ev.pid > 0 || ev.cpu >= 0);
	}
	CU_ASSERT_STRING_EQUAL(iorep_input_info(in)->variant, "dmesg");
	CU_ASSERT_EQUAL(iorep_input_stats(in)->bad_lines, 0);
	iorep_input_free(in);
	iorep_strtab_free(st);
	for (i = 0; i < IOREP_EV__COUNT; i++)
		if (i != IOREP_EV_STACK && i != IOREP_EV_LOST)
			CU_ASSERT_EQUAL(n[i], txt[i]);
	CU_ASSERT_EQUAL(n[IOREP_EV_MAP], 978);
	CU_ASSERT(atomic > 0);

	run_model(&r, dir, "caller.dmesg", 0);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
	d = epochs_are(&r, "0000:01:00.0", kinds, 5);
	user = &r.m.domains[d->epochs[2].domain];
	CU_ASSERT_EQUAL(user->owner_pid, 191);
	CU_ASSERT_PTR_NULL(user->owner_comm);
	CU_ASSERT_EQUAL(user->maps, 109);
	CU_ASSERT_EQUAL(user->unmaps, 110);
	CU_ASSERT_EQUAL(iorep_ivmap_count(&user->live), 0);
	free_run(&r);
	unlink(path);
	rmdir(dir);
}

/*
 * The kernel log of a real vfio-io run booted with tp_printk
 * (tools/capture/capture.py --tp-printk, its dmesg.txt, xz): every event of
 * its trace, and no process, so none attributed by one: VFIO's maps go to
 * the pool, the DMA API's to their devices.  No error, no warning.
 */
static void test_tp_printk_dmesg(void)
{
	static const struct {
		enum iorep_etype type;
		uint64_t n;
	} want[] = {
		{ IOREP_EV_ADD_DEVICE, 10 },	   { IOREP_EV_ATTACH, 14 },
		{ IOREP_EV_MAP, 968 },		   { IOREP_EV_UNMAP, 433 },
		{ IOREP_EV_DMA_MAP_PAGE, 531 },	   { IOREP_EV_DMA_UNMAP_PAGE, 276 },
		{ IOREP_EV_DMA_MAP_SG, 44 },	   { IOREP_EV_DMA_UNMAP_SG, 44 },
		{ IOREP_EV_DMA_ALLOC, 13 },	   { IOREP_EV_DMA_FREE, 2 },
	};
	static const char dir[] = IOREP_SOURCE_DIR "/tests/data", file[] = "vfio-io-tp-printk.dmesg.xz";
	uint64_t n[IOREP_EV__COUNT] = { 0 };
	struct iorep_strtab *st = iorep_strtab_new();
	struct iorep_input *in = NULL;
	struct iorep_event ev;
	char path[512], err[256];
	struct run r;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, path, st, err, sizeof(err)), 0);
	while (iorep_input_next(in, &ev) > 0)
		n[ev.type]++;
	CU_ASSERT_STRING_EQUAL(iorep_input_info(in)->variant, "dmesg");
	CU_ASSERT_EQUAL(iorep_input_stats(in)->bad_lines, 0);
	iorep_input_free(in);
	iorep_strtab_free(st);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CU_ASSERT_EQUAL(n[want[i].type], want[i].n);

	run_model(&r, dir, file, 0);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(count(&r.m, IOREP_SEV_WARNING), 0);
	CU_ASSERT_EQUAL(r.m.stats.pid_maps, 0);
	CU_ASSERT_EQUAL(r.m.stats.attributed_maps, 857);
	CU_ASSERT_EQUAL(r.m.stats.attributed_unmaps, 322);
	CU_ASSERT_EQUAL(r.m.domains[r.m.pool].maps, 110);
	CU_ASSERT_EQUAL(r.m.domains[r.m.pool].unmaps, 111);
	free_run(&r);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{ "vfio-io captures: the container's mappings only", test_vfio_io_captures },
		{ "the DMA API in a user domain: VFIO's, or a new default", test_dma_api_in_user_domain },
		{ "a pool unmap says the trace saw its range unmapped", test_pool_unmap_says_its_history },
		{ "no process named, none attributed by", test_no_process_no_process_attribution },
		{ "what is made in atomic context is no VFIO domain's", test_atomic_context_not_vfio },
		{ "the owner's unmap takes its threads' maps", test_owner_unmap_takes_its_threads },
		{ "a real tp_printk kernel log: no process, none attributed by", test_tp_printk_dmesg },
		{ "a kernel log with CONFIG_PRINTK_CALLER's callers", test_printk_caller_dmesg },
		{ "a second group joins the container's domain", test_group_joins_container },
		{ "vfio-two captures: two devices in one container", test_vfio_two_captures },
		{ NULL, NULL },
	};

	return iorep_test_main("owner", tests);
}
