// SPDX-License-Identifier: MIT
/*
 * IOMMU groups as sysfs lists them: `find /sys/kernel/iommu_groups/ -type l`
 * output, or the directory itself.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iorep-error.h"
#include "iorep-pci.h"

void iorep_sysfs_groups_init(struct iorep_sysfs_groups *g)
{
	memset(g, 0, sizeof(*g));
}

void iorep_sysfs_groups_release(struct iorep_sysfs_groups *g)
{
	size_t i;

	for (i = 0; i < g->nr; i++)
		free(g->devs[i].name);
	free(g->devs);
	free(g->types);
	memset(g, 0, sizeof(*g));
}

/* A group id as the kernel writes it: decimal, no sign, no leading zero, <= INT32_MAX. */
static bool parse_group(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 10 || (len > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > INT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A name sysfs could hold: 1..NAME_MAX bytes, no '/', no control bytes, not "." or "..". */
static bool valid_dev_name(const char *s, size_t len)
{
	size_t i;

	if (!len || len > IOREP_DEV_NAME_MAX)
		return false;
	if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '/')
			return false;
	}
	return true;
}

/*
 * Appends one entry with a copy of @name, which the list owns (freed by
 * iorep_sysfs_groups_release()).  0 or -IOREP_EPARSE / -IOREP_ENOMEM.
 */
static int groups_add(struct iorep_sysfs_groups *g, uint32_t group, const char *name, size_t len)
{
	struct iorep_group_dev *d;
	char *copy;

	if (!valid_dev_name(name, len))
		return -IOREP_EPARSE;
	if (g->nr == g->alloc) {
		size_t n = g->alloc ? g->alloc * 2 : 64;

		d = realloc(g->devs, n * sizeof(*d));
		if (!d)
			return -IOREP_ENOMEM;
		g->devs = d;
		g->alloc = n;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -IOREP_ENOMEM;
	memcpy(copy, name, len);
	copy[len] = '\0';
	d = &g->devs[g->nr++];
	memset(d, 0, sizeof(*d));
	d->group = group;
	d->name = copy;
	d->is_pci = iorep_pci_name_is_pci(&d->addr, name, len);
	return 0;
}

static int cmp_dev(const struct iorep_group_dev *a, const struct iorep_group_dev *b)
{
	if (a->is_pci != b->is_pci)
		return a->is_pci ? -1 : 1;
	if (a->is_pci) {
		int c = iorep_pci_addr_cmp(&a->addr, &b->addr);

		if (c)
			return c;
	}
	return strcmp(a->name, b->name);
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct iorep_group_dev *a = pa, *b = pb;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return cmp_dev(a, b);
}

static int cmp_name(const void *pa, const void *pb)
{
	const struct iorep_group_dev *a = *(const struct iorep_group_dev *const *)pa;
	const struct iorep_group_dev *b = *(const struct iorep_group_dev *const *)pb;

	return strcmp(a->name, b->name);
}

/* Sorts and drops exact duplicates, counting them.  Allocates nothing. */
static void groups_sort(struct iorep_sysfs_groups *g)
{
	size_t i, j;

	if (g->nr < 2)
		return;
	qsort(g->devs, g->nr, sizeof(*g->devs), cmp_entry);
	for (i = 1, j = 0; i < g->nr; i++) {
		if (g->devs[i].group == g->devs[j].group &&
		    !strcmp(g->devs[i].name, g->devs[j].name)) {
			free(g->devs[i].name);
			g->duplicates++;
			continue;
		}
		g->devs[++j] = g->devs[i];
	}
	g->nr = j + 1;
}

/* Counts devices listed in more than one group.  0 or -IOREP_ENOMEM. */
static int groups_count_conflicts(struct iorep_sysfs_groups *g)
{
	const struct iorep_group_dev **byname = NULL;
	size_t i;
	int ret = 0;

	g->conflicts = 0;
	if (g->nr < 2)
		goto out;
	byname = malloc(g->nr * sizeof(*byname));
	if (!byname) {
		ret = -IOREP_ENOMEM;
		goto out;
	}
	for (i = 0; i < g->nr; i++)
		byname[i] = &g->devs[i];
	qsort(byname, g->nr, sizeof(*byname), cmp_name);
	for (i = 1; i < g->nr; i++)
		if (!strcmp(byname[i]->name, byname[i - 1]->name))
			g->conflicts++;
out:
	free(byname);
	return ret;
}

/*
 * Ends a parse or read that appended entries from index @before on: sorts
 * (always, so that even a failed read leaves a sorted list), counts
 * conflicts, and turns @ret into the number of new entries, or
 * -IOREP_EPARSE when the input had bad entries and nothing else.
 */
static int groups_finish(struct iorep_sysfs_groups *g, int ret, size_t before, uint64_t bad_before)
{
	bool parsed = g->nr > before; /* before duplicates are dropped */

	groups_sort(g);
	if (ret < 0)
		return ret;
	ret = groups_count_conflicts(g);
	if (ret < 0)
		return ret;
	if (!parsed && g->bad > bad_before)
		return -IOREP_EPARSE;
	return (int)(g->nr - before);
}

/* Records a group's type: letters and '-' only, as the kernel writes them. */
static int types_add(struct iorep_sysfs_groups *g, uint32_t group, const char *s, size_t len)
{
	struct iorep_group_type *t;
	size_t i;

	if (!len || len >= IOREP_GROUP_TYPE_MAX)
		return -IOREP_EPARSE;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '-'))
			return -IOREP_EPARSE;
	if (g->ntypes == g->types_alloc) {
		size_t alloc = g->types_alloc ? g->types_alloc * 2 : 16;

		t = realloc(g->types, alloc * sizeof(*t));
		if (!t)
			return -IOREP_ENOMEM;
		g->types = t;
		g->types_alloc = alloc;
	}
	t = &g->types[g->ntypes++];
	t->group = group;
	memcpy(t->type, s, len);
	t->type[len] = '\0';
	return 1;
}

const char *iorep_sysfs_groups_type(const struct iorep_sysfs_groups *g, uint32_t group)
{
	size_t i;

	for (i = g->ntypes; i-- > 0;)
		if (g->types[i].group == group)
			return g->types[i].type;
	return NULL;
}

/* ".../<group>/type:<type>": 1, 0 when the line is not one, or a negative code. */
static int parse_type_line(struct iorep_sysfs_groups *g, const char *s, size_t len)
{
	size_t slash = len, start;
	uint32_t group;

	while (slash > 0 && s[slash - 1] != '/')
		slash--;
	if (!slash || len - slash < 5 || memcmp(s + slash, "type:", 5))
		return 0;
	start = slash - 1;
	while (start > 0 && s[start - 1] != '/')
		start--;
	if (!parse_group(s + start, slash - 1 - start, &group))
		return -IOREP_EPARSE;
	return types_add(g, group, s + slash + 5, len - slash - 5);
}

static void note_bad(struct iorep_sysfs_groups *g, uint64_t lineno)
{
	if (!g->bad && lineno)
		g->first_bad_line = lineno;
	g->bad++;
}

/*
 * One line: the last three path components must be <group>, "devices",
 * <name>; empty components (doubled or trailing slashes) are skipped.
 */
static int parse_line(struct iorep_sysfs_groups *g, const char *s, size_t len)
{
	const char *comp[3] = {NULL, NULL, NULL};
	size_t clen[3] = {0, 0, 0};
	size_t end = len, start, n = 0;
	uint32_t group;
	int ret;

	if (memchr(s, '\0', len))
		return -IOREP_EPARSE;
	ret = parse_type_line(g, s, len);
	if (ret)
		return ret;
	while (n < 3 && end > 0) {
		while (end > 0 && s[end - 1] == '/')
			end--;
		if (!end)
			break;
		start = end;
		while (start > 0 && s[start - 1] != '/')
			start--;
		comp[2 - n] = s + start;
		clen[2 - n] = end - start;
		n++;
		end = start;
	}
	if (n < 3)
		return -IOREP_EPARSE;
	if (clen[1] != 7 || memcmp(comp[1], "devices", 7))
		return -IOREP_EPARSE;
	if (!parse_group(comp[0], clen[0], &group))
		return -IOREP_EPARSE;
	return groups_add(g, group, comp[2], clen[2]);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int iorep_sysfs_groups_parse(struct iorep_sysfs_groups *g, const char *buf, size_t len)
{
	const char *line = buf, *end = buf + len, *nl;
	size_t before = g->nr, llen;
	uint64_t lineno = 0, bad_before = g->bad;
	int ret;

	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		llen = (size_t)(nl - line);
		lineno++;
		g->lines++;
		while (llen && is_space(line[llen - 1]))
			llen--;
		while (llen && is_space(*line)) {
			line++;
			llen--;
		}
		if (!llen)
			continue;
		ret = parse_line(g, line, llen);
		if (ret == -IOREP_ENOMEM)
			goto out;
		if (ret < 0)
			note_bad(g, lineno);
	}
	ret = 0;
out:
	return groups_finish(g, ret, before, bad_before);
}

int iorep_sysfs_groups_read_file(struct iorep_sysfs_groups *g, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = iorep_snapshot_read(path, IOREP_SNAPSHOT_MAX, &buf, &len);
	if (ret < 0)
		goto out;
	ret = iorep_sysfs_groups_parse(g, buf, len);
out:
	free(buf);
	return ret;
}

/* <group>/type, when there is one (kernels since 5.11; copies may lack it). */
static int read_type(struct iorep_sysfs_groups *g, int gdir, uint32_t group)
{
	char buf[IOREP_GROUP_TYPE_MAX + 2];
	ssize_t n;
	int fd;

	fd = openat(gdir, "type", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	return types_add(g, group, buf, (size_t)n);
}

/* Adds the entries of <dirfd>/<group>/devices.  0 or -IOREP_E*. */
static int read_group(struct iorep_sysfs_groups *g, int dirfd, const char *gname, uint32_t group)
{
	struct dirent *de;
	DIR *dir = NULL;
	int fd = -1, sub = -1, ret;

	sub = openat(dirfd, gname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sub < 0) {
		ret = -IOREP_EPARSE;
		goto out;
	}
	ret = read_type(g, sub, group);
	if (ret == -IOREP_ENOMEM)
		goto out;
	fd = openat(sub, "devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -IOREP_EPARSE;
		goto out;
	}
	dir = fdopendir(fd);
	if (!dir) {
		ret = -IOREP_EIO;
		goto out;
	}
	fd = -1; /* closedir() closes it */
	ret = 0;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		g->lines++;
		ret = groups_add(g, group, de->d_name, strlen(de->d_name));
		if (ret == -IOREP_ENOMEM)
			goto out;
		if (ret < 0)
			note_bad(g, 0);
		ret = 0;
	}
out:
	if (dir)
		closedir(dir);
	if (fd >= 0)
		close(fd);
	if (sub >= 0)
		close(sub);
	return ret;
}

int iorep_sysfs_groups_read_dir(struct iorep_sysfs_groups *g, const char *path)
{
	struct dirent *de;
	DIR *dir = NULL;
	size_t before = g->nr;
	uint64_t bad_before = g->bad;
	uint32_t group;
	int fd, ret;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -IOREP_EOPEN;
		goto out;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		ret = -IOREP_EOPEN;
		goto out;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!parse_group(de->d_name, strlen(de->d_name), &group)) {
			g->lines++;
			note_bad(g, 0);
			continue;
		}
		ret = read_group(g, dirfd(dir), de->d_name, group);
		if (ret == -IOREP_ENOMEM)
			goto out;
		if (ret < 0) {
			g->lines++;
			note_bad(g, 0);
		}
	}
	ret = 0;
out:
	if (dir)
		closedir(dir);
	return groups_finish(g, ret, before, bad_before);
}

int iorep_sysfs_groups_load(struct iorep_sysfs_groups *g, const char *path)
{
	struct stat st;

	if (strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode))
		return iorep_sysfs_groups_read_dir(g, path);
	return iorep_sysfs_groups_read_file(g, path);
}

size_t iorep_sysfs_groups_count(const struct iorep_sysfs_groups *g)
{
	size_t i, n = 0;

	for (i = 0; i < g->nr; i++)
		if (!i || g->devs[i].group != g->devs[i - 1].group)
			n++;
	return n;
}

const struct iorep_group_dev *iorep_sysfs_groups_find(const struct iorep_sysfs_groups *g,
						      const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < g->nr; i++)
		if (strlen(g->devs[i].name) == len && !memcmp(g->devs[i].name, name, len))
			return &g->devs[i];
	return NULL;
}
