// SPDX-License-Identifier: MIT
/* What the fuzz targets share (see fuzz-common.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "iorep-error.h"
#include "iorep-input.h"
#include "iorep-render.h"
#include "iorep-report.h"

void fuzz_assert(int cond, const char *what, const char *file, int line)
{
	if (cond)
		return;
	fprintf(stderr, "%s:%d: fuzz contract broken: %s\n", file, line, what);
	abort();
}

int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t len)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = memfd_create("iorep-fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	while (done < size) {
		n = write(fd, data + done, size - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

/* An error message: one line, "PATH: reason". */
static void check_error(const char *path, const char *err)
{
	FUZZ_ASSERT(err[0] != '\0');
	FUZZ_ASSERT(strchr(err, '\n') == NULL);
	FUZZ_ASSERT(strncmp(err, path, strlen(path)) == 0);
}

/* The JSON document must be valid, whatever strings the input held. */
static void check_json(const struct iorep_model *m, struct iorep_input *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int ret;

	fp = open_memstream(&buf, &len);
	FUZZ_ASSERT(fp != NULL);
	ret = iorep_report_json(m, iorep_input_info(in), iorep_input_stats(in), fp);
	fclose(fp);
	if (ret == 0)
		FUZZ_ASSERT(fuzz_json_valid(buf, len));
	free(buf);
}

void fuzz_pipeline(const char *path, struct iorep_strtab *st, struct iorep_model *m, int json,
		   struct fuzz_run *r)
{
	struct iorep_input *in = NULL;
	struct iorep_event ev;
	char err[512];
	FILE *null;
	int ret;

	memset(r, 0, sizeof(*r));
	/* r->in holds the reader from its allocation on (a guarded library crash keeps it) */
	ret = iorep_input_open(&r->in, path, st, err, sizeof(err));
	if (ret < 0) {
		FUZZ_ASSERT(r->in == NULL);
		check_error(path, err);
		r->ret = ret;
		r->stalled = strstr(err, "made no progress") != NULL;
		return;
	}
	in = r->in;
	r->opened = 1;
	err[0] = '\0';
	while ((ret = iorep_input_next(in, &ev)) > 0) {
		FUZZ_ASSERT(ev.type >= 0 && ev.type < IOREP_EV__COUNT);
		r->events++;
		ret = iorep_model_feed(m, &ev);
		if (ret < 0)
			goto out;
	}
	if (ret < 0) {
		check_error(path, err);
		goto out;
	}
	r->truncated = iorep_input_stats(in)->truncated || iorep_input_stats(in)->damaged;
	ret = iorep_model_finish(m);
	if (ret < 0)
		goto out;
	if (r->truncated)
		iorep_model_set_incomplete(m);
	null = fopen("/dev/null", "w");
	FUZZ_ASSERT(null != NULL);
	iorep_input_print_warnings(in, null);
	iorep_report_text(m, iorep_input_info(in), iorep_input_stats(in), null);
	iorep_summary_print(in, null);
	fclose(null);
	if (json)
		check_json(m, in);
out:
	r->ret = ret < 0 ? ret : 0;
	r->in = NULL;
	iorep_input_free(in);
}
