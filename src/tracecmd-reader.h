/* SPDX-License-Identifier: MIT */
/*
 * Private to the trace.dat reader: what opening the file (tracecmd-open.c)
 * sets up and reading its records (input-tracecmd.c) uses.
 */
#ifndef IOREP_TRACECMD_READER_H
#define IOREP_TRACECMD_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <trace-cmd.h>

#include "dat-check.h"
#include "input-local.h"
#include "kbuf-walk.h"
#include "tep-decode.h"

struct iorep_gfp_name {
	uint64_t value;
	const char *name;	/* interned */
};

struct iorep_pid_comm {
	int pid;	/* -1: empty slot */
	const char *comm;
};

/* One CPU of one buffer, as libtracecmd's loop reads them. */
struct iorep_tracecmd_stream {
	struct tracecmd_input *h;	/* the top buffer's handle, or an instance's */
	int cpu;
	const char *instance;		/* its name, NULL for the top buffer */
};

struct iorep_tracecmd_reader {
	int fd;
	struct tracecmd_input *handle;
	struct tep_handle *tep;
	int ncpus;			/* of the top buffer */
	/* instance buffers read (trace-cmd record -B), each through its own handle (NULL: walked) */
	struct tracecmd_input *inst[IOREP_DAT_INSTANCES_MAX];
	const char *inst_name[IOREP_DAT_INSTANCES_MAX];	/* interned */
	int ninst;
	uint32_t ninstances;		/* in the file, read or not (iorep_dat_check()'s) */
	uint64_t inst_checked;		/* iorep_dat_check()'s instances_checked */
	uint64_t inst_probed;		/* those libtracecmd opened in the probe (or all ones) */
	uint64_t inst_read;		/* those in inst[], bit i instance i */
	bool cut;			/* iorep_dat_check()'s cut and cut_at */
	uint64_t cut_at;
	/* libtracecmd's loop: the top buffer's CPUs, then each instance's */
	struct iorep_tracecmd_stream *streams;
	int nstreams;
	struct tep_record **head;	/* next record of each stream */
	unsigned long long *seen;	/* offset of each stream's last record read, 0: none */
	struct iorep_tep_dec decs[IOREP_EV_LOST];
	int ndecs;
	short *by_id;	/* event id -> index in decs, or -1 */
	int max_id;
	struct iorep_pid_comm *comms;
	unsigned int ncomms, comms_cap;	/* open addressing, cap a power of two */
	struct iorep_gfp_name *gfp_cache;
	unsigned int ngfp;
	struct tep_record *pending;	/* a record held back behind its drop marker */
	uint64_t *u64s[2];
	uint32_t cap64[2];
	uint32_t *u32s;
	uint32_t cap32;
	off_t file_size;
	struct iorep_dat_cpus cpus;	/* version 6: where its CPU data sizes are (dat-check.c) */
	struct iorep_dat_zcpu *zcpu;	/* compressed: the top buffer's CPUs, then instances' */
	uint32_t nzcpu;
	struct iorep_dat_zbufs zb;	/* whose they are (dat-check.c) */
	int fast;		/* records come from the kbuffer walk, not libtracecmd */
	bool plain;		/* IOREP_PLAIN_READ: libtracecmd reads every record */
	bool ts_scaled;		/* iorep_dat_check()'s: not one offset for every timestamp */
	unsigned int page_size;	/* of the ring buffer, in the file header */
	char comp[32];		/* the compression of the file read through a copy */
	struct iorep_kbuf kbuf;
	struct tep_record held;	/* the walk's current record */
	struct iorep_strtab_cache names;	/* devices and drivers */
	struct iorep_tep_common common;	/* where common_type and common_pid are */
	/* ftrace's kernel_stack (record -T, the stacktrace trigger): its id (-1: none), callers */
	int stack_id;
	struct tep_format_field *stack_caller;
	struct iorep_stack_build frames;
};

/*
 * Opens the trace.dat of @src for @in (iorep_input_ops.open), taking over
 * src->fd and src->bs: in->priv becomes its struct iorep_tracecmd_reader, which
 * the reader's close frees, even when this fails.  Returns 0 or -IOREP_E*
 * (most failures said through iorep_input_error()).
 */
int iorep_tracecmd_open(struct iorep_input *in, struct iorep_input_src *src);

/*
 * For when libtracecmd has no more records of stream @s (tracecmd_read_cpu_first()
 * or tracecmd_read_data() returned NULL): says, as damage, when they ended
 * short of its last record.  Returns nothing; reads tr->seen[@s].
 */
void iorep_tracecmd_check_cpu_end(struct iorep_input *in, struct iorep_tracecmd_reader *tr,
				  int s);

/*
 * " of instance NAME" for a CPU of instance @name, into @s (@len bytes);
 * "" for the top buffer's (@name NULL).  Returns @s.
 */
const char *iorep_tracecmd_of_instance(const char *name, char *s, size_t len);

/*
 * Stack traces (tracecmd-stack.c): iorep_tracecmd_stack_setup() finds the
 * kernel_stack event in the file's formats; iorep_tracecmd_stack() makes
 * @ev the stack of @rec, a kernel_stack record, its frames named by the
 * file's kallsyms.  0 or -IOREP_ENOMEM.
 */
void iorep_tracecmd_stack_setup(struct iorep_tracecmd_reader *tr);
int iorep_tracecmd_stack(struct iorep_input *in, struct iorep_tracecmd_reader *tr,
			 const struct tep_record *rec, struct iorep_event *ev);

/* Closes the instance buffers' handles tr->inst (before the top buffer's). */
void iorep_tracecmd_close_instances(struct iorep_tracecmd_reader *tr);

#endif
