// SPDX-License-Identifier: MIT
/* Atomic output files: write beside, then rename (never over a device or a link). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iorep-error.h"
#include "iorep-output.h"

int iorep_output_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!a || !b || !strcmp(a, "-") || !strcmp(b, "-"))
		return 0;
	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The process's umask; reading it means setting it back (single-threaded CLI). */
static mode_t umask_get(void)
{
	mode_t u = umask(022);

	umask(u);
	return u;
}

/* Writes to @path itself: a device, a FIFO, what a dangling link names. */
static int write_in_place(const char *path, iorep_output_fn fn, void *ctx, char *err, int errlen)
{
	FILE *fp = fopen(path, "w");
	int ret;

	if (!fp) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -IOREP_EOUTPUT;
	}
	ret = fn(fp, ctx);
	if (fclose(fp) != 0 && !ret)
		ret = -IOREP_EOUTPUT;
	if (ret < 0)
		snprintf(err, errlen, "%s: cannot write: %s", path, iorep_strerror(ret));
	return ret;
}

int iorep_output_write(const char *path, iorep_output_fn fn, void *ctx, char *err, int errlen)
{
	char tmp[4096], *target = NULL;
	const char *file = path;
	struct stat st;
	FILE *fp;
	int fd, ret;

	if (!strcmp(path, "-")) {
		ret = fn(stdout, ctx);
		if (!ret && fflush(stdout) != 0)
			ret = -IOREP_EOUTPUT;
		if (ret < 0)
			snprintf(err, errlen, "standard output: %s", iorep_strerror(ret));
		return ret;
	}
	/* never rename over what is not a regular file (a directory fails below) */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return write_in_place(path, fn, ctx, err, errlen);
	/* a link stays a link: the file it points to is replaced */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		target = realpath(path, NULL);
		if (!target)
			return write_in_place(path, fn, ctx, err, errlen);
		file = target;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", file) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		ret = -IOREP_EINVAL;
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0 || !(fp = fdopen(fd, "w"))) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		ret = -IOREP_EOUTPUT;
		goto out;
	}
	/*
	 * mkstemp() makes the file 0600; give it the mode any new file gets.
	 * If that fails the file stays 0600, which is still a correct output.
	 */
	fchmod(fd, 0666 & ~umask_get());
	ret = fn(fp, ctx);
	if (fclose(fp) != 0 && !ret)
		ret = -IOREP_EOUTPUT;
	if (!ret && rename(tmp, file) < 0)
		ret = -IOREP_EOUTPUT;
	if (ret < 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, iorep_strerror(ret));
		unlink(tmp);
	}
out:
	free(target);
	return ret;
}
