/* SPDX-License-Identifier: MIT */
/*
 * The model: the state of the machine's IOMMU over the time of a trace,
 * rebuilt from the event stream, and the findings the checks make on it.
 *
 *   topology  group -> devices, from add/remove events and a sysfs seed
 *   domains   each device's timeline of domain epochs (attach events);
 *             domains are the host DMA domain of a group, user/unmanaged
 *             domains (VFIO, iommu_attach_device) owned by a process, and the
 *             pool of mappings that no event attributes to a domain
 *   mappings  per domain, an interval map of live IOVA ranges
 *   dma api   per device, the live DMA-API handles (6.12+ dma:* events)
 *
 * Every reporter renders this one struct, so text, JSON, DOT and HTML
 * cannot disagree.
 */
#ifndef IOREP_MODEL_H
#define IOREP_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "iorep-event.h"
#include "iorep-index.h"
#include "iorep-ivmap.h"
#include "iorep-pci.h"
#include "iorep-series.h"
#include "iorep-strtab.h"

#define IOREP_NONE UINT32_MAX	/* no device / domain / group index */
#define IOREP_TS_OPEN UINT64_MAX	/* an epoch still open at the end */
#define IOREP_CPU_HEAD_DROPPED UINT64_MAX /* model.cpu_seen: see there */

enum iorep_domain_kind {
	IOREP_DOM_DMA,		/* the kernel's default DMA domain of a group */
	IOREP_DOM_USER,		/* owned by a process: VFIO container, iommu_attach_device */
	IOREP_DOM_BLOCKED,	/* transitional: attached and left with no map in between */
	IOREP_DOM_POOL,		/* mappings no event attributes to a domain */
	IOREP_DOM_IDENTITY,	/* a default domain that sysfs says is identity, or that the
				 * DMA API used without the IOMMU mapping anything */
};

/* Findings: type name, default severity. */
#define IOREP_FINDINGS                                                         \
	_X(DOUBLE_UNMAP, "double_unmap", ERROR)                                \
	_X(PARTIAL_UNMAP, "partial_unmap", WARNING)                            \
	_X(UNMAP_SIZE_MISMATCH, "unmap_size_mismatch", WARNING)                \
	_X(UNMATCHED_UNMAP, "unmatched_unmap", INFO)                           \
	_X(OVERLAPPING_MAP, "overlapping_map", ERROR)                          \
	_X(LEAK, "leak", ERROR)                                                \
	_X(OUTSTANDING, "outstanding", INFO)                                   \
	_X(IO_PAGE_FAULT, "io_page_fault", ERROR)                              \
	_X(SPLIT_GROUP, "split_group", WARNING)                                \
	_X(DMA_API_LEAK, "dma_api_leak", ERROR)                                \
	_X(DMA_API_DOUBLE_UNMAP, "dma_api_double_unmap", ERROR)                \
	_X(DMA_API_UNMATCHED, "dma_api_unmatched_unmap", INFO)                 \
	_X(DMA_API_SIZE_MISMATCH, "dma_api_size_mismatch", ERROR)              \
	_X(DMA_API_TYPE_MISMATCH, "dma_api_type_mismatch", ERROR)              \
	_X(DMA_API_DIR_MISMATCH, "dma_api_dir_mismatch", ERROR)                \
	_X(DMA_API_OUTSTANDING, "dma_api_outstanding", INFO)                   \
	_X(DMA_API_ERROR, "dma_api_error", WARNING)

#define _X(id, name, sev) IOREP_FIND_##id,
enum iorep_finding_type { IOREP_FINDINGS IOREP_FIND__COUNT };
#undef _X

enum iorep_severity {
	IOREP_SEV_INFO,
	IOREP_SEV_WARNING,
	IOREP_SEV_ERROR,
};

/* One map or unmap of an IOVA, as a page fault's history shows it. */
struct iorep_iova_event {
	uint64_t ts;
	uint64_t start, end;	/* [start, end) */
	uint32_t domain;
	int32_t pid;		/* of the event, -1 when unknown */
	bool unmap;
};

/* Entries of a fault's history, at most. */
#define IOREP_FAULT_HISTORY_MAX 8

struct iorep_finding {
	enum iorep_finding_type type;
	enum iorep_severity severity;
	bool suspected;		/* after lost events, or by inference */
	uint64_t ts;		/* of the triggering event */
	/*
	 * The earlier event the finding rests on as well (the map of a leak or
	 * of the mapping a map overlaps, the first unmap of a double unmap),
	 * whose counterpart may have been lost: 0 when none
	 */
	uint64_t since;
	int32_t cpu;
	uint64_t pos;		/* input position of the triggering event */
	uint32_t device;	/* index in model.devices, or IOREP_NONE */
	uint32_t domain;	/* index in model.domains, or IOREP_NONE */
	bool has_iova;
	uint64_t iova;
	uint64_t size;
	uint64_t age_ns;	/* outstanding / leak: how long the range was live */
	char *message;		/* one line, owned by the model */
	uint32_t seq;		/* order found in */
	/* io_page_fault: the maps and unmaps of the IOVA known when it hit, by time */
	struct iorep_iova_event *history;	/* owned by the model */
	uint32_t nhistory;
	/*
	 * The kernel's stack trace where the input has one (interned, frames
	 * innermost first, one a line): of the map that made the range (leak,
	 * outstanding and their DMA-API kin), else of the triggering event
	 */
	const char *stack;
};

/* How an epoch began. */
enum iorep_epoch_how {
	IOREP_EPOCH_IMPLICIT,	/* in its DMA domain before the trace started */
	IOREP_EPOCH_APPEAR,	/* boot or hot-plug: the device appeared */
	IOREP_EPOCH_TOGGLE,	/* an attach moved it */
	IOREP_EPOCH_DEFAULT,	/* an attach moved it to its group's new default domain */
};

/* A device's stay in one domain: [start, end). */
struct iorep_epoch {
	uint64_t start;
	uint64_t end;		/* IOREP_TS_OPEN while current */
	uint32_t domain;	/* IOREP_NONE until the group is known */
	int32_t pid;		/* of the attach (its thread group when known), -1 for implicit */
	uint64_t pos;
	uint8_t how;		/* enum iorep_epoch_how */
	bool traffic;		/* maps or unmaps happened in its domain meanwhile */
	uint64_t ops_at_open;	/* the domain's maps + unmaps when it began */
};

struct iorep_device {
	const char *name;	/* interned */
	bool is_pci;
	struct iorep_pci_addr addr;
	int32_t group;		/* current group id, -1 when unknown */
	bool removed;		/* removed from its group (hot-unplug) */
	bool readded;		/* added to a group again since: its next attach is its first */
	/*
	 * Its attach came before its add to a group (6.1 joining a group that
	 * has a domain): the probe's attach to the same default domain follows.
	 */
	bool probe_attach_due;
	bool known;		/* in a group before its first attach (sysfs seed, add event) */
	bool added;		/* add_device_to_group seen in this trace */
	uint32_t own_domain;	/* its DMA domain while its group is unknown, or IOREP_NONE */
	/* from an lspci -nn snapshot (--lspci), when given */
	bool has_ids, has_class, bridge;
	uint16_t vendor, device_id, class_code;	/* class: base << 8 | sub-class */
	const char *description;	/* interned: "Intel Corporation 82574L ..." */
	const char *class_name;		/* interned: "Ethernet controller" */
	uint32_t attaches;
	struct iorep_epoch *epochs;
	uint32_t nepochs, epochs_cap;
	/* mapping traffic attributed to the device */
	uint64_t maps, unmaps, bytes_mapped;
	/* DMA API (dma:* events), keyed by dma address */
	struct iorep_ivmap dma_live;	/* live handles, and unmapped ones as dead nodes */
	struct iorep_ivmap sg_by_phys;	/* live sg lists by first physical address */
	uint64_t dma_maps, dma_unmaps;
	uint32_t findings;	/* findings that name the device */
	bool real_user;		/* last real (non-blocking) epoch was a user domain */
};

struct iorep_domain {
	enum iorep_domain_kind kind;
	int32_t group;		/* DMA domains: the group; else -1 */
	int32_t owner_pid;	/* USER: the attaching process */
	const char *owner_comm;
	uint64_t created;
	uint64_t left;		/* when its last device left, IOREP_TS_OPEN if never */
	uint32_t attached;	/* devices attached now */
	bool orphan_checked;	/* leaks of a left domain were reported */
	uint32_t dev_cache;	/* iorep_model_domain_device()'s answer at epoch_gen dev_gen */
	uint64_t dev_gen;
	/* live mappings; unmapped ranges (for double unmaps and faults) as dead nodes */
	struct iorep_ivmap live;
	uint64_t maps, unmaps, bytes_mapped, bytes_unmapped;
	uint64_t direct_maps;	/* of the maps, reserved regions 1:1 before an attach */
	uint64_t peak_live, peak_bytes;
};

struct iorep_group {
	int32_t id;
	uint32_t *devices;	/* indexes, current members */
	uint32_t ndevices, cap;
	uint32_t domain;	/* its default DMA domain */
	bool seeded;		/* known from the sysfs snapshot */
	bool dirty;		/* an attach happened: check for a split when it settles */
	bool split_reported;
	bool emptied;		/* its last device was removed: the kernel freed it */
};

/* Mapping statistics over the whole trace. */
struct iorep_map_stats {
	uint64_t maps, unmaps;
	uint64_t bytes_mapped, bytes_unmapped;
	uint64_t peak_live, peak_bytes;	/* over all domains at once */
	uint64_t live, live_bytes;	/* now (at the end: live at end) */
	uint64_t attributed_maps, attributed_unmaps;	/* to a device by dma:* events */
	uint64_t pid_maps, pid_unmaps;	/* to a user domain by process */
	uint64_t moved_maps;		/* moved between a user domain and the pool by a later unmap */
	uint64_t direct_maps;		/* reserved regions mapped 1:1 for an attach */
	uint64_t lifetime_count;	/* map->unmap lifetimes measured */
	uint64_t lifetime_sum_ns, lifetime_max_ns;
};

struct iorep_attrib; /* the attribution stage (model-attrib.h), when the model runs it */
struct iorep_stage;
struct iorep_stage_note;
struct iorep_stage_batch;

/*
 * Findings listed per type; more are counted (by their default severity) but
 * not kept, so that a trace full of one defect cannot exhaust memory.
 */
#define IOREP_FINDINGS_PER_TYPE 10000

/* Devices one model holds at most (-IOREP_ELIMIT past it, model.limit "devices"). */
#define IOREP_DEVICES_MAX (1u << 21)

/*
 * Entries of the model's cache of device lookups (a power of two).  With 16,
 * the 12 devices of the generator's trace collided there: 14% of the
 * lookups missed and hashed the name (callgrind, 1 M events).
 */
#define IOREP_DEV_CACHE 256

/* Stack traces by the input position of their event (src/model-stack.c). */
struct iorep_stack_entry {
	uint64_t pos;
	const char *stack; /* NULL: a free slot */
	uint8_t pending;   /* its event still held by the stage, not yet applied */
	uint8_t keep;	   /* a sweep's mark */
};

struct iorep_stacks {
	struct iorep_stack_entry *e;
	uint32_t cap, n; /* cap a power of two, or 0 */
	uint32_t kept;	 /* what the last rebuild kept */
};

struct iorep_model {
	struct iorep_strtab *st;
	struct iorep_device *devices;
	uint32_t ndevices, devices_cap;
	struct iorep_domain *domains;
	uint32_t ndomains, domains_cap;
	struct iorep_group *groups;
	uint32_t ngroups, groups_cap;
	/* lookups that stay O(1) with a million devices or groups (model.c's own) */
	struct iorep_index dev_index;	/* device name -> devices[] */
	struct iorep_index group_index;	/* group id -> groups[] */
	/* devices[] by the address of their interned name, for iorep_model_device_get() */
	uint32_t dev_cache[IOREP_DEV_CACHE];
	uint32_t *dirty, ndirty, dirty_cap;	/* groups to check for a split */
	uint32_t *user_doms, nuser_doms, user_doms_cap;	/* domains made as USER, in order */
	uint32_t *appear, nappear, appear_cap;	/* devices that appeared with no domain yet */
	uint64_t epoch_gen;	/* bumped whenever an epoch opens or changes domain */
	const char *limit;	/* what reached its limit, with error -IOREP_ELIMIT */
	uint64_t limit_max;	/* and the limit */
	struct iorep_finding *findings;
	uint32_t nfindings, findings_cap;
	uint32_t findings_by_sev[3];	/* listed and unlisted */
	uint32_t type_findings[IOREP_FIND__COUNT];	/* listed and unlisted, by type */
	uint64_t unlisted;	/* past IOREP_FINDINGS_PER_TYPE: counted, not listed */
	uint32_t pool;		/* the pool domain's index */
	struct iorep_map_stats stats;
	struct iorep_series series;	/* live mappings over time, downsampled */
	uint64_t first_ts, last_ts;
	uint64_t lost;		/* events dropped so far */
	bool lost_any;		/* events were dropped */
	bool lost_mid;		/* after a CPU's first event, or the input is incomplete:
				 * every later finding is suspected */
	/*
	 * Overwrite drops (each CPU's oldest events, before its first one
	 * here): the time from which every CPU's events are whole, the latest
	 * first event of such a CPU; 0 when none.  A finding before it, or
	 * resting on an event before it, is suspected; and one that a lost
	 * event could explain is info, as what predates a trace is.
	 */
	uint64_t complete_from;
	int32_t complete_cpu;	/* the CPU whose first event that is */
	/*
	 * the time of each CPU's last event (a CPU's dropped events came after
	 * it); IOREP_CPU_HEAD_DROPPED: dropped before its first event, still to come
	 */
	uint64_t *cpu_seen;
	uint32_t ncpu_seen, cpu_seen_cap;
	uint64_t events;
	struct iorep_attrib *attrib; /* iorep_model_feed()'s stage, made at the first event */
	int error;		/* first allocation failure, sticky */
	/* unmapped history (dead nodes) over all maps, bounded: see iorep_model_history_note() */
	uint64_t hist_added;	/* dead nodes made since the last count */
	uint64_t hist_sweep_ts;	/* time of the last sweep */
	uint64_t hist_sweeps;
	struct iorep_stacks stacks;
	/*
	 * The traced machine, as the input (or --machine) named it, interned;
	 * NULL when not named.  sw_msi: it is an Arm one, where the IOMMUs (the
	 * SMMUs, virtio-iommu) reserve the software MSI window: see
	 * iorep_model_set_machine().
	 */
	const char *machine;
	bool sw_msi;
};

/* @st must outlive the model.  iorep_model_release() frees what the model holds. */
void iorep_model_init(struct iorep_model *m, struct iorep_strtab *st);
void iorep_model_release(struct iorep_model *m);

/*
 * Seeds the topology from a sysfs snapshot: devices present when the trace
 * starts, in their groups and default domains.  Returns 0 or -IOREP_ENOMEM.
 */
int iorep_model_seed_groups(struct iorep_model *m, const struct iorep_sysfs_groups *g);

/*
 * Names the model's PCI devices from an lspci -nn snapshot: ids, class,
 * description, and whether each is a PCI bridge (which VFIO does not need
 * bound to vfio-pci).  Call it after iorep_model_finish().  Returns the number
 * of devices named, or -IOREP_ENOMEM.
 */
int iorep_model_apply_lspci(struct iorep_model *m, const struct iorep_lspci *l);

/* Feeds one event, in stream order.  Returns 0 or a negative IOREP_E* code. */
int iorep_model_feed(struct iorep_model *m, const struct iorep_event *ev);

/*
 * The model in two steps, for a caller that runs the first elsewhere (on
 * the reader's thread: iorep_input_read_ahead_staged()).  The first is a
 * stage (iorep-stage.h) that needs only the event stream: made by
 * iorep_model_stage_new(), freed by iorep_model_stage_free() once it is no
 * longer run.  The second is iorep_model_apply(), called with each event
 * the stage let go and its note, in order.  iorep_model_feed() is both in
 * one: the model's findings are the same either way.  Returns 0 or
 * -IOREP_ENOMEM, and 0 or a negative IOREP_E* code.
 */
int iorep_model_stage_new(struct iorep_stage *stage);
void iorep_model_stage_free(struct iorep_stage *stage);
int iorep_model_apply(struct iorep_model *m, const struct iorep_event *ev,
		      const struct iorep_stage_note *note);

/*
 * iorep_model_apply() on each note of @b in order, with its event for the
 * IOREP_STAGE_EVENT ones: a block of the reader's thread at once.  Returns
 * 0, or the first negative IOREP_E* code, with the position in the input
 * of the event it came from in *@pos (the notes after it are not applied).
 */
int iorep_model_apply_batch(struct iorep_model *m, const struct iorep_stage_batch *b,
			    uint64_t *pos);

/* Ends the trace: flushes pending attribution, reports leaks and outstanding mappings. */
int iorep_model_finish(struct iorep_model *m);

/*
 * The input was cut short or damaged: like lost events, every finding is
 * only suspected.
 */
void iorep_model_set_incomplete(struct iorep_model *m);

/*
 * The traced machine, uname -m ("aarch64"; NULL or "": not known), before
 * the first event; returns -IOREP_ENOMEM when it cannot be kept.  On an Arm
 * machine, a page mapped in the software MSI window of a domain is the
 * interrupt controller's doorbell (see check-life.c).
 */
int iorep_model_set_machine(struct iorep_model *m, const char *machine);

/*
 * With only overwrite drops (see complete_from), true and where the trace
 * holds every CPU's events from, and whose first event that is (-1: the
 * trace's first, no CPU's came later); false otherwise.
 */
bool iorep_model_whole_from(const struct iorep_model *m, uint64_t *ts, int32_t *cpu);

/*
 * The finding of @type just added as @idx (the index it had, listed or
 * not) rests on an earlier event at @since as well as its own (see
 * iorep_finding.since): before m->complete_from, that makes it suspected,
 * and info; the limit m->complete_from may still grow, and does the same then.
 */
void iorep_model_finding_since(struct iorep_model *m, uint32_t idx,
			       enum iorep_finding_type type, uint64_t since);

/* Lookups; return IOREP_NONE when absent. */
uint32_t iorep_model_device_find(const struct iorep_model *m, const char *name);
uint32_t iorep_model_group_find(const struct iorep_model *m, int32_t id);
/* The domain a device is in at the moment, or IOREP_NONE. */
uint32_t iorep_model_device_domain(const struct iorep_model *m, uint32_t dev);
/*
 * The indexes of m->groups in group id order (the model keeps them in the
 * order it met them).  Returns a malloc()ed array of m->ngroups entries the
 * caller frees, or NULL when there are no groups or no memory.
 */
uint32_t *iorep_model_group_order(const struct iorep_model *m);
/* The device most recently attached to a domain. */
uint32_t iorep_model_domain_device(struct iorep_model *m, uint32_t dom);

const char *iorep_finding_name(enum iorep_finding_type t);
enum iorep_severity iorep_finding_default_severity(enum iorep_finding_type t);
const char *iorep_severity_name(enum iorep_severity s);
/* Parses "error", "warning", "info"; returns -1 when unknown. */
int iorep_severity_parse(const char *s);
const char *iorep_domain_kind_name(enum iorep_domain_kind k);

#endif
