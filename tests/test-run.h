/* SPDX-License-Identifier: MIT */
/* Building a model from a capture or from a few lines of text, for the tests. */
#ifndef IOREP_TEST_RUN_H
#define IOREP_TEST_RUN_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "iorep-input.h"
#include "iorep-model.h"
#include "iorep-pci.h"

#define K612 IOREP_SAMPLES_DIR "/6.12.117+deb12-amd64/"
#define K61 IOREP_SAMPLES_DIR "/6.1.0-56-amd64/"
#define K612A IOREP_SAMPLES_DIR "/6.12.117+deb12-arm64/"
#define K61A IOREP_SAMPLES_DIR "/6.1.0-56-arm64/"

struct run {
	struct iorep_strtab *st;
	struct iorep_model m;
};

/*
 * Builds the model of @capture/@file, seeded with its iommu_groups.txt when
 * @seed, on machine @machine (uname -m) when not NULL, else the input's.
 */
static inline void run_model_on(struct run *r, const char *capture, const char *file, int seed,
				const char *machine)
{
	struct iorep_sysfs_groups g;
	struct iorep_input *in = NULL;
	struct iorep_event ev;
	char path[1024], err[512];
	int ret;

	r->st = iorep_strtab_new();
	iorep_model_init(&r->m, r->st);
	iorep_sysfs_groups_init(&g);
	if (seed) {
		snprintf(path, sizeof(path), "%s/iommu_groups.txt", capture);
		CU_ASSERT_TRUE_FATAL(iorep_sysfs_groups_load(&g, path) > 0);
		CU_ASSERT_EQUAL_FATAL(iorep_model_seed_groups(&r->m, &g), 0);
	}
	snprintf(path, sizeof(path), "%s/%s", capture, file);
	CU_ASSERT_EQUAL_FATAL(iorep_input_open(&in, path, r->st, err, sizeof(err)), 0);
	iorep_model_set_machine(&r->m, machine ? machine : iorep_input_info(in)->machine);
	while ((ret = iorep_input_next(in, &ev)) > 0)
		CU_ASSERT_EQUAL_FATAL(iorep_model_feed(&r->m, &ev), 0);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(iorep_model_finish(&r->m), 0);
	iorep_input_free(in);
	iorep_sysfs_groups_release(&g);
}

static inline void run_model(struct run *r, const char *capture, const char *file, int seed)
{
	run_model_on(r, capture, file, seed, NULL);
}

static inline void free_run(struct run *r)
{
	iorep_model_release(&r->m);
	iorep_strtab_free(r->st);
}

/* Builds the model of @text, on machine @machine (NULL: not known). */
static inline void run_text_on(struct run *r, const char *text, const char *machine)
{
	char dir[] = "/tmp/iorep-model-XXXXXX", path[64];
	FILE *fp;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.txt", dir);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs(text, fp);
	fclose(fp);
	run_model_on(r, dir, "t.txt", 0, machine);
	unlink(path);
	rmdir(dir);
}

static inline void run_text(struct run *r, const char *text)
{
	run_text_on(r, text, NULL);
}

/* The findings of @m of severity @sev. */
static inline uint32_t count(const struct iorep_model *m, enum iorep_severity sev)
{
	uint32_t i, n = 0;

	for (i = 0; i < m->nfindings; i++)
		n += m->findings[i].severity == sev;
	return n;
}

/* The kind of the domain of @dev's epoch @e. */
static inline enum iorep_domain_kind epoch_kind(const struct run *r,
						const struct iorep_device *d, uint32_t e)
{
	return r->m.domains[d->epochs[e].domain].kind;
}

/* Device @name's @n epochs are in domains of @kinds, in order: the device. */
static inline const struct iorep_device *epochs_are(const struct run *r, const char *name,
						    const enum iorep_domain_kind *kinds, uint32_t n)
{
	uint32_t dev = iorep_model_device_find(&r->m, name), e;
	const struct iorep_device *d;

	CU_ASSERT_NOT_EQUAL_FATAL(dev, IOREP_NONE);
	d = &r->m.devices[dev];
	CU_ASSERT_EQUAL_FATAL(d->nepochs, n);
	for (e = 0; e < n; e++)
		CU_ASSERT_EQUAL(epoch_kind(r, d, e), kinds[e]);
	return d;
}

#endif
