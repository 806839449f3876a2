/* SPDX-License-Identifier: MIT */
/*
 * libtracecmd functions that Debian 12's libtracecmd 1.3.1 exports (see
 * `nm -D libtracecmd.so.1`) but whose declarations live in trace-cmd's
 * private header, which is not installed.  CMake checks that they link.
 */
#ifndef IOREP_TRACECMD_EXTRA_H
#define IOREP_TRACECMD_EXTRA_H

#include <stdbool.h>
#include <sys/types.h>

struct tracecmd_input;
struct tracecmd_output;
struct tracecmd_compression;
struct tracecmd_msg_handle;
struct tep_handle;
struct tep_record;

/* enum tracecmd_file_states: after the options, and after the CPU data is read */
#define IOREP_TRACECMD_FILE_OPTIONS 9
#define IOREP_TRACECMD_FILE_CPU_FLYRECORD 11

const char *tracecmd_get_uname(struct tracecmd_input *handle);
/* the clock the file's TRACECLOCK option selects ("local", "x86-tsc", ...), or NULL */
const char *tracecmd_get_trace_clock(struct tracecmd_input *handle);
unsigned long tracecmd_get_in_file_version(struct tracecmd_input *handle);
int tracecmd_get_file_compress_proto(struct tracecmd_input *handle, const char **name,
				     const char **version);
off_t tracecmd_get_cpu_file_size(struct tracecmd_input *handle, int cpu);
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
struct tep_record *tracecmd_read_cpu_last(struct tracecmd_input *handle, int cpu);
int tracecmd_page_size(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);
struct tracecmd_output *tracecmd_copy(struct tracecmd_input *ihandle, const char *file,
				      int state, int file_version, const char *compression);
void tracecmd_output_close(struct tracecmd_output *handle);

/*
 * One chunk of a CPU's compressed data (version 7): @size bytes once
 * decompressed, @offset into the CPU's decompressed data; @zsize bytes
 * compressed, after the 8-byte chunk header at file offset @zoffset.
 * The layout is libtracecmd 1.3.1's own.
 */
struct tracecmd_compress_chunk {
	unsigned int size;
	unsigned int zsize;
	off_t zoffset;
	off_t offset;
};

struct tracecmd_compression *tracecmd_compress_alloc(const char *name, const char *version, int fd,
						     struct tep_handle *tep,
						     struct tracecmd_msg_handle *msg_handle);
void tracecmd_compress_destroy(struct tracecmd_compression *handle);
int tracecmd_load_chunks_info(struct tracecmd_compression *handle,
			      struct tracecmd_compress_chunk **chunks_info);
int tracecmd_uncompress_chunk(struct tracecmd_compression *handle,
			      struct tracecmd_compress_chunk *chunk, char *data);

/*
 * Whether this libtracecmd decompresses @name (the version is not looked
 * at); and the names and versions of all it does, NULL-ended arrays of its
 * own strings (the arrays are the caller's to free): their count, or -1.
 */
bool tracecmd_compress_is_supported(const char *name, const char *version);
int tracecmd_compress_protos_get(char ***names, char ***versions);

#endif
