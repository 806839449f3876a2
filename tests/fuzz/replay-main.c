// SPDX-License-Identifier: MIT
/*
 * The fuzz targets without libFuzzer: runs LLVMFuzzerTestOneInput() once on
 * each file named on the command line, and on each file of each directory
 * named (not recursively), so every build can replay the corpus and the
 * crashes.  A directory that does not exist is skipped with a note (a
 * target without a crash yet has no crashes/TARGET/).  Exit status 0 when
 * every input ran; a crash is a crash.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz-common.h"

/* Reads @path whole; the caller frees *@buf. */
static int slurp(const char *path, uint8_t **buf, size_t *len)
{
	size_t cap = 0, n;
	uint8_t *p = NULL, *np;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return -1;
	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			np = realloc(p, cap);
			if (!np) {
				free(p);
				fclose(fp);
				return -1;
			}
			p = np;
		}
		n = fread(p + *len, 1, cap - *len, fp);
		if (!n)
			break;
		*len += n;
	}
	fclose(fp);
	*buf = p;
	return 0;
}

static int run_file(const char *path)
{
	uint8_t *buf;
	size_t len;

	if (slurp(path, &buf, &len) < 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of @dir in name order, so that runs are reproducible. */
static int run_dir(const char *dir, unsigned int *count)
{
	char **names = NULL, **nn, path[4096];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat sb;
	int ret = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				ret = -1;
				break;
			}
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			ret = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!ret && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (run_file(path) < 0)
				ret = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int count = 0;
	struct stat sb;
	int i, ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc && !ret; i++) {
		if (stat(argv[i], &sb) < 0) {
			printf("replay: no %s, nothing to replay there\n", argv[i]);
		} else if (S_ISDIR(sb.st_mode)) {
			ret = run_dir(argv[i], &count);
		} else {
			ret = run_file(argv[i]);
			count += ret == 0;
		}
	}
	printf("replayed %u input%s\n", count, count == 1 ? "" : "s");
	return ret < 0 ? 1 : 0;
}
