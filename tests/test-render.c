// SPDX-License-Identifier: MIT
/*
 * The renderings of the model: JSON (exact fields and values, trace order,
 * escaping, the schema in docs/), the text report (layout, inert strings,
 * lost events first, per-type limits) and the baseline comparison (the
 * multiset of findings, lost events, hostile baseline files).
 *
 * Models are built by hand, filling struct iorep_model directly, so these
 * tests depend on the header only, not on what model.c infers.
 */
#define _GNU_SOURCE /* memmem, open_memstream */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#include "iorep-error.h"
#include "iorep-render.h"
#include "test-util.h"

#define S(x) (x##ULL * 1000000000ULL) /* seconds to ns */
#define MS(x) (x##ULL * 1000000ULL)

/* ------------------------------------------------------------------------ */
/* Hand-built models */

struct tm {
	struct iorep_model m;
	struct iorep_input_info info;
	struct iorep_input_stats stats;
	uint64_t lost[4];
	char *owned[16]; /* strings the model points to */
	int nowned;
};

static void *grow(void *p, uint32_t n, size_t size)
{
	void *q = realloc(p, (size_t)(n + 1) * size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	memset((char *)q + (size_t)n * size, 0, size);
	return q;
}

static const char *tm_str(struct tm *t, const char *s)
{
	char *c = strdup(s);

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_FATAL(t->nowned < 16);
	t->owned[t->nowned++] = c;
	return c;
}

static uint32_t tm_device(struct tm *t, const char *name, int32_t group)
{
	struct iorep_model *m = &t->m;
	struct iorep_device *d;

	m->devices = grow(m->devices, m->ndevices, sizeof(*m->devices));
	d = &m->devices[m->ndevices];
	d->name = name;
	d->is_pci = iorep_pci_name_is_pci(&d->addr, name, strlen(name));
	d->group = group;
	iorep_ivmap_init(&d->dma_live);
	iorep_ivmap_init(&d->sg_by_phys);
	return m->ndevices++;
}

static uint32_t tm_domain(struct tm *t, enum iorep_domain_kind kind, int32_t group, int32_t pid,
			  const char *comm, uint64_t created, uint64_t left)
{
	struct iorep_model *m = &t->m;
	struct iorep_domain *d;

	m->domains = grow(m->domains, m->ndomains, sizeof(*m->domains));
	d = &m->domains[m->ndomains];
	d->kind = kind;
	d->group = group;
	d->owner_pid = pid;
	d->owner_comm = comm;
	d->created = created;
	d->left = left;
	iorep_ivmap_init(&d->live);
	return m->ndomains++;
}

static void tm_group(struct tm *t, int32_t id, uint32_t domain, uint32_t ndev, const uint32_t *devs)
{
	struct iorep_model *m = &t->m;
	struct iorep_group *g;

	m->groups = grow(m->groups, m->ngroups, sizeof(*m->groups));
	g = &m->groups[m->ngroups++];
	g->id = id;
	g->domain = domain;
	g->ndevices = g->cap = ndev;
	g->devices = calloc(ndev ? ndev : 1, sizeof(*g->devices));
	CU_ASSERT_PTR_NOT_NULL_FATAL(g->devices);
	memcpy(g->devices, devs, ndev * sizeof(*devs));
}

static void tm_epoch(struct tm *t, uint32_t dev, uint32_t domain, uint64_t start, uint64_t end,
		     int32_t pid)
{
	struct iorep_device *d = &t->m.devices[dev];

	d->epochs = grow(d->epochs, d->nepochs, sizeof(*d->epochs));
	d->epochs[d->nepochs].domain = domain;
	d->epochs[d->nepochs].start = start;
	d->epochs[d->nepochs].end = end;
	d->epochs[d->nepochs].pid = pid;
	d->nepochs++;
	d->epochs_cap = d->nepochs;
	d->attaches++;
}

static struct iorep_finding *tm_finding(struct tm *t, enum iorep_finding_type type, uint64_t ts,
					uint32_t dev, uint32_t dom, bool has_iova, uint64_t iova,
					uint64_t size, const char *msg)
{
	struct iorep_model *m = &t->m;
	struct iorep_finding *f;

	m->findings = grow(m->findings, m->nfindings, sizeof(*m->findings));
	f = &m->findings[m->nfindings++];
	m->findings_cap = m->nfindings;
	f->type = type;
	f->severity = iorep_finding_default_severity(type);
	f->suspected = m->lost_any;
	f->ts = ts;
	f->cpu = 1;
	f->pos = ts / 1000;
	f->device = dev;
	f->domain = dom;
	f->has_iova = has_iova;
	f->iova = iova;
	f->size = size;
	f->message = strdup(msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->message);
	m->findings_by_sev[f->severity]++;
	if (dev != IOREP_NONE)
		m->devices[dev].findings++;
	return f;
}

static void tm_free(struct tm *t)
{
	struct iorep_model *m = &t->m;
	uint32_t i;

	for (i = 0; i < m->ndevices; i++) {
		free(m->devices[i].epochs);
		iorep_ivmap_release(&m->devices[i].dma_live);
		iorep_ivmap_release(&m->devices[i].sg_by_phys);
	}
	for (i = 0; i < m->ndomains; i++) {
		iorep_ivmap_release(&m->domains[i].live);
	}
	for (i = 0; i < m->ngroups; i++)
		free(m->groups[i].devices);
	for (i = 0; i < m->nfindings; i++)
		free(m->findings[i].message);
	free(m->devices);
	free(m->domains);
	free(m->groups);
	free(m->findings);
	for (i = 0; i < (uint32_t)t->nowned; i++)
		free(t->owned[i]);
	free(t);
}

enum { DEV_VFIO, DEV_NIC0, DEV_NIC1, DEV_EDU };
enum { DOM_G4, DOM_G5, DOM_G6, DOM_BLOCKED, DOM_USER, DOM_POOL };

/*
 * The vfio capture in small: 0000:00:06.0 (group 5) goes through a
 * blocking domain into vfio_map_test's container and back; group 4 holds
 * two devices; three findings of three severities.
 */
static struct tm *tm_sample(void)
{
	struct tm *t = calloc(1, sizeof(*t));
	struct iorep_model *m;
	struct iorep_ivmap_val val = {.paddr = 0x1000, .ts = S(19)};
	uint32_t g4[2], g5[1], g6[1];

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	m = &t->m;
	m->pool = IOREP_NONE;
	g5[0] = tm_device(t, "0000:00:06.0", 5);
	g4[0] = tm_device(t, "0000:00:05.0", 4);
	g4[1] = tm_device(t, "0000:00:05.1", 4);
	g6[0] = tm_device(t, "0000:00:07.0", 6);
	tm_domain(t, IOREP_DOM_DMA, 4, -1, NULL, 0, IOREP_TS_OPEN);
	tm_domain(t, IOREP_DOM_DMA, 5, -1, NULL, 0, IOREP_TS_OPEN);
	tm_domain(t, IOREP_DOM_DMA, 6, -1, NULL, 0, IOREP_TS_OPEN);
	tm_domain(t, IOREP_DOM_BLOCKED, -1, -1, NULL, S(18) + MS(793), S(18) + MS(794));
	tm_domain(t, IOREP_DOM_USER, -1, 407, "vfio_map_test", S(18) + MS(794), S(19) + MS(113));
	m->pool = tm_domain(t, IOREP_DOM_POOL, -1, -1, NULL, 0, IOREP_TS_OPEN);
	/* groups in model order 6, 4, 5: the JSON lists them by id */
	tm_group(t, 6, DOM_G6, 1, g6);
	tm_group(t, 4, DOM_G4, 2, g4);
	tm_group(t, 5, DOM_G5, 1, g5);

	tm_epoch(t, DEV_VFIO, DOM_G5, 0, S(18) + MS(793), -1);
	tm_epoch(t, DEV_VFIO, DOM_BLOCKED, S(18) + MS(793), S(18) + MS(794), 407);
	tm_epoch(t, DEV_VFIO, DOM_USER, S(18) + MS(794), S(19) + MS(113), 407);
	tm_epoch(t, DEV_VFIO, DOM_G5, S(19) + MS(113), IOREP_TS_OPEN, 407);
	tm_epoch(t, DEV_NIC0, DOM_G4, 0, IOREP_TS_OPEN, -1);
	tm_epoch(t, DEV_NIC1, DOM_G4, 0, IOREP_TS_OPEN, -1);
	tm_epoch(t, DEV_EDU, DOM_G6, 0, IOREP_TS_OPEN, -1);
	m->devices[DEV_VFIO].maps = 4;
	m->devices[DEV_VFIO].unmaps = 2;
	m->devices[DEV_VFIO].bytes_mapped = 0x215000;
	m->devices[DEV_EDU].dma_maps = 3;
	m->devices[DEV_EDU].dma_unmaps = 3;

	m->domains[DOM_USER].maps = 4;
	m->domains[DOM_USER].unmaps = 2;
	m->domains[DOM_USER].bytes_mapped = 0x215000;
	m->domains[DOM_USER].peak_live = 4;
	CU_ASSERT_PTR_NOT_NULL_FATAL(
		iorep_ivmap_insert(&m->domains[DOM_G6].live, 0xffff0000, 0xffff2000, &val));

	m->stats.maps = 281;
	m->stats.unmaps = 281;
	m->stats.bytes_mapped = UINT64_MAX; /* exact 64-bit integers */
	m->stats.bytes_unmapped = 0x200000;
	m->stats.peak_live = 12;
	m->stats.peak_bytes = 0x30000;
	m->stats.live = 1;
	m->stats.live_bytes = 0x2000;
	m->stats.attributed_maps = 255;
	m->stats.attributed_unmaps = 255;
	m->stats.pid_maps = 4;
	m->stats.pid_unmaps = 2;
	m->stats.lifetime_count = 3;
	m->stats.lifetime_sum_ns = 3000;
	m->stats.lifetime_max_ns = 2500;
	m->first_ts = S(18) + MS(512);
	m->last_ts = S(23) + MS(412);
	m->events = 562;

	tm_finding(t, IOREP_FIND_DOUBLE_UNMAP, S(19), DEV_EDU, DOM_G6, true, 0xffff000, 4096,
		   "unmap of [0xffff000, 0x10000000) unmapped 12 us before");
	tm_finding(t, IOREP_FIND_SPLIT_GROUP, S(20), IOREP_NONE, IOREP_NONE, false, 0, 0,
		   "group 4 split between two domains");
	tm_finding(t, IOREP_FIND_OUTSTANDING, S(23), DEV_EDU, DOM_G6, true, 0xffff0000, 0x2000,
		   "2 pages live at the end");
	m->findings[2].age_ns = S(4);

	t->info.path = "samples/vfio/trace.dat";
	t->info.format = "trace.dat";
	t->info.variant = "v7 zstd";
	t->info.kernel = "6.12.117+deb12-amd64";
	t->info.pos_unit = "offset";
	t->stats.events[IOREP_EV_MAP] = 281;
	t->stats.events[IOREP_EV_UNMAP] = 281;
	t->stats.events[IOREP_EV_ATTACH] = 4;
	t->stats.other_events = 17;
	t->stats.ncpus = 4;
	t->stats.lost = t->lost;
	t->stats.first_ts = m->first_ts;
	t->stats.last_ts = m->last_ts;
	return t;
}

/* ------------------------------------------------------------------------ */
/* Rendering into memory, files, JSON lookups */

struct out {
	char *buf;
	size_t len;
};

static char *render_json(struct tm *t, bool with_input)
{
	struct out o = {0};
	FILE *fp = open_memstream(&o.buf, &o.len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(iorep_report_json(&t->m, with_input ? &t->info : NULL,
					  with_input ? &t->stats : NULL, fp),
			0);
	fclose(fp);
	return o.buf;
}

static char *render_text(struct tm *t)
{
	struct out o = {0};
	FILE *fp = open_memstream(&o.buf, &o.len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	iorep_report_text(&t->m, &t->info, &t->stats, fp);
	fclose(fp);
	return o.buf;
}

static void write_file(const char *path, const char *s, size_t len)
{
	FILE *fp = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fwrite(s, 1, len, fp), len);
	fclose(fp);
}

/* A new temporary file name (the file exists, empty); the caller unlinks it. */
static void tmp_name(char *buf, size_t size)
{
	int fd;

	snprintf(buf, size, "/tmp/iorep-test-render-XXXXXX");
	fd = mkstemp(buf);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
}

/* "devices.0.domains.3.end": object members and array indexes. */
static cJSON *jget(cJSON *o, const char *path)
{
	char key[128];
	const char *p = path, *dot;
	size_t n;

	while (o && *p) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (cJSON_IsArray(o))
			o = cJSON_GetArrayItem(o, atoi(key));
		else
			o = cJSON_GetObjectItemCaseSensitive(o, key);
		p += n + (dot ? 1 : 0);
	}
	return o;
}

static const char *jstr(cJSON *doc, const char *path)
{
	cJSON *v = jget(doc, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(cJSON *doc, const char *path)
{
	cJSON *v = jget(doc, path);

	return cJSON_IsNumber(v) ? v->valuedouble : -12345.0;
}

static bool jnull(cJSON *doc, const char *path)
{
	return cJSON_IsNull(jget(doc, path));
}

#define ASSERT_JSTR(doc, path, want)                                                               \
	do {                                                                                       \
		const char *_s = jstr((doc), (path));                                              \
		CU_ASSERT_PTR_NOT_NULL(_s);                                                        \
		if (_s)                                                                            \
			CU_ASSERT_STRING_EQUAL(_s, (want));                                        \
	} while (0)

/* ------------------------------------------------------------------------ */
/* JSON */

static void test_json_fields(void)
{
	struct tm *t = tm_sample();
	char *s = render_json(t, true);
	cJSON *doc = cJSON_Parse(s);
	cJSON *v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	ASSERT_JSTR(doc, "schema_version", "1.9");
	ASSERT_JSTR(doc, "tool.name", "iommu-report");
	ASSERT_JSTR(doc, "tool.version", IOREP_VERSION);
	ASSERT_JSTR(doc, "input.path", "samples/vfio/trace.dat");
	ASSERT_JSTR(doc, "input.format", "trace.dat");
	ASSERT_JSTR(doc, "input.variant", "v7 zstd");
	ASSERT_JSTR(doc, "input.kernel", "6.12.117+deb12-amd64");
	CU_ASSERT(jnull(doc, "input.compression"));
	CU_ASSERT(cJSON_IsFalse(jget(doc, "input.truncated")));

	/* events: every nonzero type, nothing else */
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(doc, "events")), 3);
	CU_ASSERT_EQUAL(jnum(doc, "events.map"), 281);
	CU_ASSERT_EQUAL(jnum(doc, "events.unmap"), 281);
	CU_ASSERT_EQUAL(jnum(doc, "events.attach_device_to_domain"), 4);
	CU_ASSERT_PTR_NULL(jget(doc, "events.lost_events"));

	CU_ASSERT_EQUAL(jnum(doc, "lost_events.total"), 0);
	CU_ASSERT(cJSON_IsFalse(jget(doc, "lost_events.any")));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(doc, "lost_events.per_cpu")), 4);
	CU_ASSERT(strstr(s, "\"first_ts\":18512000000,\"last_ts\":23412000000") != NULL);

	/* groups by id; multi-device flagged */
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(doc, "groups")), 3);
	CU_ASSERT_EQUAL(jnum(doc, "groups.0.id"), 4);
	CU_ASSERT_EQUAL(jnum(doc, "groups.1.id"), 5);
	CU_ASSERT_EQUAL(jnum(doc, "groups.2.id"), 6);
	CU_ASSERT(cJSON_IsTrue(jget(doc, "groups.0.multi_device")));
	CU_ASSERT(cJSON_IsFalse(jget(doc, "groups.1.multi_device")));
	ASSERT_JSTR(doc, "groups.0.devices.0", "0000:00:05.0");
	ASSERT_JSTR(doc, "groups.0.devices.1", "0000:00:05.1");
	CU_ASSERT_EQUAL(jnum(doc, "groups.0.domain"), DOM_G4);

	/* devices and their timelines */
	ASSERT_JSTR(doc, "devices.0.name", "0000:00:06.0");
	CU_ASSERT_EQUAL(jnum(doc, "devices.0.group"), 5);
	CU_ASSERT(cJSON_IsTrue(jget(doc, "devices.0.pci")));
	CU_ASSERT_EQUAL(jnum(doc, "devices.0.attaches"), 4);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(doc, "devices.0.domains")), 4);
	CU_ASSERT_EQUAL(jnum(doc, "devices.0.domains.2.domain"), DOM_USER);
	ASSERT_JSTR(doc, "devices.0.domains.2.kind", "user");
	CU_ASSERT_EQUAL(jnum(doc, "devices.0.domains.2.start"), 18794000000.0);
	CU_ASSERT_EQUAL(jnum(doc, "devices.0.domains.2.end"), 19113000000.0);
	CU_ASSERT_EQUAL(jnum(doc, "devices.0.domains.2.pid"), 407);
	CU_ASSERT(jnull(doc, "devices.0.domains.0.pid"));
	CU_ASSERT(jnull(doc, "devices.0.domains.3.end"));
	ASSERT_JSTR(doc, "devices.0.domains.1.kind", "blocked");
	CU_ASSERT_EQUAL(jnum(doc, "devices.0.maps"), 4);
	CU_ASSERT_EQUAL(jnum(doc, "devices.0.bytes_mapped"), 0x215000);
	CU_ASSERT_EQUAL(jnum(doc, "devices.3.dma_maps"), 3);
	CU_ASSERT_EQUAL(jnum(doc, "devices.3.findings"), 2);

	/* domains */
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(doc, "domains")), 6);
	CU_ASSERT_EQUAL(jnum(doc, "domains.4.id"), 4);
	ASSERT_JSTR(doc, "domains.4.kind", "user");
	CU_ASSERT_EQUAL(jnum(doc, "domains.4.owner_pid"), 407);
	ASSERT_JSTR(doc, "domains.4.owner_comm", "vfio_map_test");
	CU_ASSERT(jnull(doc, "domains.4.group"));
	CU_ASSERT_EQUAL(jnum(doc, "domains.4.left"), 19113000000.0);
	CU_ASSERT(jnull(doc, "domains.1.left"));
	CU_ASSERT(jnull(doc, "domains.1.owner_pid"));
	CU_ASSERT(jnull(doc, "domains.1.owner_comm"));
	CU_ASSERT_EQUAL(jnum(doc, "domains.1.group"), 5);
	ASSERT_JSTR(doc, "domains.5.kind", "pool");
	CU_ASSERT_EQUAL(jnum(doc, "domains.2.live_at_end"), 1);
	CU_ASSERT_EQUAL(jnum(doc, "domains.2.live_bytes_at_end"), 0x2000);

	/* mappings: exact u64, percentage with one decimal */
	CU_ASSERT(strstr(s, "\"bytes_mapped\":18446744073709551615") != NULL);
	CU_ASSERT_EQUAL(jnum(doc, "mappings.maps"), 281);
	CU_ASSERT_EQUAL(jnum(doc, "mappings.attributed_maps"), 259);
	CU_ASSERT_EQUAL(jnum(doc, "mappings.attributed_unmaps"), 257);
	CU_ASSERT(strstr(s, "\"attributed_pct\":91.8,") != NULL); /* 516 / 562 */
	CU_ASSERT_EQUAL(jnum(doc, "mappings.attribution.process_maps"), 4);
	CU_ASSERT_EQUAL(jnum(doc, "mappings.lifetime.count"), 3);
	CU_ASSERT_EQUAL(jnum(doc, "mappings.lifetime.mean_ns"), 1000);
	CU_ASSERT_EQUAL(jnum(doc, "mappings.lifetime.max_ns"), 2500);
	CU_ASSERT_EQUAL(jnum(doc, "mappings.live_at_end"), 1);

	/* findings in model order, every field */
	v = jget(doc, "findings");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(v), 3);
	ASSERT_JSTR(doc, "findings.0.type", "double_unmap");
	ASSERT_JSTR(doc, "findings.1.type", "split_group");
	ASSERT_JSTR(doc, "findings.2.type", "outstanding");
	ASSERT_JSTR(doc, "findings.0.severity", "error");
	ASSERT_JSTR(doc, "findings.1.severity", "warning");
	ASSERT_JSTR(doc, "findings.2.severity", "info");
	ASSERT_JSTR(doc, "findings.0.confidence", "definite");
	CU_ASSERT_EQUAL(jnum(doc, "findings.0.ts"), 19000000000.0);
	CU_ASSERT_EQUAL(jnum(doc, "findings.0.cpu"), 1);
	CU_ASSERT_EQUAL(jnum(doc, "findings.0.pos"), 19000000);
	ASSERT_JSTR(doc, "findings.0.device", "0000:00:07.0");
	CU_ASSERT_EQUAL(jnum(doc, "findings.0.domain"), DOM_G6);
	ASSERT_JSTR(doc, "findings.0.iova", "0xffff000");
	CU_ASSERT_EQUAL(jnum(doc, "findings.0.size"), 4096);
	CU_ASSERT(jnull(doc, "findings.0.age_ns"));
	ASSERT_JSTR(doc, "findings.0.message",
		    "unmap of [0xffff000, 0x10000000) unmapped 12 us before");
	CU_ASSERT(jnull(doc, "findings.1.device"));
	CU_ASSERT(jnull(doc, "findings.1.domain"));
	CU_ASSERT(jnull(doc, "findings.1.iova"));
	CU_ASSERT(jnull(doc, "findings.1.size"));
	CU_ASSERT_EQUAL(jnum(doc, "findings.2.age_ns"), 4e9);

	CU_ASSERT_EQUAL(jnum(doc, "summary.error"), 1);
	CU_ASSERT_EQUAL(jnum(doc, "summary.warning"), 1);
	CU_ASSERT_EQUAL(jnum(doc, "summary.info"), 1);
	CU_ASSERT_EQUAL(jnum(doc, "summary.total"), 3);
	CU_ASSERT_EQUAL(jnum(doc, "summary.by_type.double_unmap"), 1);

	cJSON_Delete(doc);
	free(s);
	tm_free(t);
}

/* The output depends on the model only: twice the same bytes, no pointers, no clock. */
static void test_json_deterministic(void)
{
	struct tm *t = tm_sample();
	char *a = render_json(t, true), *b = render_json(t, true);

	CU_ASSERT_STRING_EQUAL(a, b);
	/* one finding a line, so golden files diff well */
	CU_ASSERT(strstr(a, "\n\t\t{\"type\":\"split_group\"") != NULL);
	free(a);
	free(b);
	tm_free(t);
}

static void test_json_no_input(void)
{
	struct tm *t = tm_sample();
	char *s;
	cJSON *doc;

	t->m.lost = 7;
	t->m.lost_any = true;
	s = render_json(t, false);
	doc = cJSON_Parse(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT(jnull(doc, "input.path"));
	CU_ASSERT(jnull(doc, "input.kernel"));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(doc, "events")), 0);
	CU_ASSERT_EQUAL(jnum(doc, "lost_events.total"), 7);
	CU_ASSERT(cJSON_IsTrue(jget(doc, "lost_events.any")));
	CU_ASSERT_EQUAL(jnum(doc, "span.first_ts"), 18512000000.0);
	cJSON_Delete(doc);
	free(s);
	tm_free(t);
}

static void test_json_empty_model(void)
{
	struct tm *t = calloc(1, sizeof(*t));
	char *s;
	cJSON *doc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	t->m.pool = IOREP_NONE;
	t->m.first_ts = UINT64_MAX; /* as iorep_model_init() leaves it */
	s = render_json(t, false);
	doc = cJSON_Parse(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT(jnull(doc, "span.first_ts"));
	CU_ASSERT(jnull(doc, "mappings.attributed_pct"));
	CU_ASSERT(jnull(doc, "mappings.lifetime.mean_ns"));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(doc, "findings")), 0);
	CU_ASSERT(strstr(s, "\"findings\": [],") != NULL);
	cJSON_Delete(doc);
	free(s);
	tm_free(t);
}

/* Names and messages with every character that can break JSON or a terminal. */
#define NASTY "q\"uote <b>&amp; new\nline back\\slash tab\t bell\x07 esc\x1b[31m del\x7f"

static struct tm *tm_nasty(char **longname)
{
	struct tm *t = tm_sample();
	char *big = malloc(4097);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	for (i = 0; i < 4096; i++)
		big[i] = (char)('a' + i % 26);
	big[4096] = '\0';
	t->owned[t->nowned++] = big;
	*longname = big;
	t->m.devices[DEV_NIC0].name = tm_str(t, NASTY);
	t->m.devices[DEV_NIC1].name = big;
	t->m.domains[DOM_USER].owner_comm = tm_str(t, "evil\ncomm\x1b]0;x\x07");
	tm_finding(t, IOREP_FIND_LEAK, S(21), DEV_NIC0, DOM_G4, true, 0x1000, 0x1000, NASTY);
	tm_finding(t, IOREP_FIND_LEAK, S(21), DEV_NIC1, DOM_G4, true, 0x2000, 0x1000, big);
	tm_finding(t, IOREP_FIND_IO_PAGE_FAULT, S(22), DEV_EDU, DOM_G6, true, 0x3000, 0,
		   "bad \xff\xfe utf-8 \xe2\x80\xae rlo");
	t->info.path = tm_str(t, "dir/with\nnewline.dat");
	return t;
}

static void test_json_escaping(void)
{
	char *big;
	struct tm *t = tm_nasty(&big);
	char *s = render_json(t, true);
	cJSON *doc = cJSON_Parse(s);
	const char *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	ASSERT_JSTR(doc, "devices.1.name", NASTY);
	ASSERT_JSTR(doc, "devices.2.name", big);
	ASSERT_JSTR(doc, "groups.0.devices.0", NASTY);
	ASSERT_JSTR(doc, "findings.3.message", NASTY);
	ASSERT_JSTR(doc, "findings.3.device", NASTY);
	ASSERT_JSTR(doc, "findings.4.message", big);
	ASSERT_JSTR(doc, "domains.4.owner_comm", "evil\ncomm\x1b]0;x\x07");
	ASSERT_JSTR(doc, "input.path", "dir/with\nnewline.dat");
	/* invalid UTF-8 becomes U+FFFD; valid characters stay */
	ASSERT_JSTR(doc, "findings.5.message",
		    "bad \xef\xbf\xbd\xef\xbf\xbd utf-8 \xe2\x80\xae rlo");
	/* escaped, not raw, in the text of the document */
	CU_ASSERT(strstr(s, "q\\\"uote <b>&amp; new\\nline back\\\\slash tab\\t bell\\u0007") !=
		  NULL);
	for (p = s; *p; p++)
		CU_ASSERT_FATAL((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t');
	/* raw newlines only between members and elements */
	CU_ASSERT(strstr(s, "new\nline") == NULL);
	cJSON_Delete(doc);
	free(s);
	tm_free(t);
}

/* ------------------------------------------------------------------------ */
/* Schema */

#ifdef IOREP_SOURCE_DIR
/*
 * Runs tests/schema-check.py on @json, its errors on stderr unless @quiet;
 * returns its exit status, 77 when it cannot run.
 */
static int schema_check(const char *json, bool quiet)
{
	char path[64], cmd[1024];
	int rc;

	tmp_name(path, sizeof(path));
	write_file(path, json, strlen(json));
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/schema-check.py' '%s'%s", IOREP_SOURCE_DIR,
		 path, quiet ? " 2>/dev/null" : "");
	rc = system(cmd);
	unlink(path);
	if (rc == -1 || !WIFEXITED(rc))
		return 77;
	return WEXITSTATUS(rc) == 127 ? 77 : WEXITSTATUS(rc);
}

static void test_schema(void)
{
	char *big, *s, *bad, *at;
	struct tm *t;
	int rc;

	t = tm_sample();
	s = render_json(t, true);
	rc = schema_check(s, false);
	if (rc == 77) {
		fprintf(stderr,
			"\n  SKIPPED: python3 with jsonschema (python3-jsonschema) is missing\n");
		free(s);
		tm_free(t);
		return;
	}
	CU_ASSERT_EQUAL(rc, 0);
	/* a renamed field fails */
	bad = strdup(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	at = strstr(bad, "\"attaches\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	memcpy(at, "\"attachez\"", 10);
	CU_ASSERT_EQUAL(schema_check(bad, true), 1);
	free(bad);
	/* a mistyped value fails */
	bad = strdup(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	at = strstr(bad, "\"severity\":\"error\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	memcpy(at, "\"severity\":\"errox\"", 18);
	CU_ASSERT_EQUAL(schema_check(bad, true), 1);
	free(bad);
	free(s);
	s = render_json(t, false);
	CU_ASSERT_EQUAL(schema_check(s, false), 0);
	free(s);
	tm_free(t);

	t = tm_nasty(&big);
	t->m.lost_any = true;
	t->m.findings[0].suspected = true;
	t->lost[2] = 99;
	t->stats.lost_total = 99;
	t->stats.truncated = true;
	t->stats.truncated_at = 4096;
	s = render_json(t, true);
	CU_ASSERT_EQUAL(schema_check(s, false), 0);
	free(s);
	tm_free(t);

	t = calloc(1, sizeof(*t));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	t->m.first_ts = UINT64_MAX;
	s = render_json(t, false);
	CU_ASSERT_EQUAL(schema_check(s, false), 0);
	free(s);
	tm_free(t);
}
#else
static void test_schema(void)
{
	fprintf(stderr, "\n  SKIPPED: built without IOREP_SOURCE_DIR\n");
}
#endif

/* ------------------------------------------------------------------------ */
/* Text */

/* Columns of one line: UTF-8 continuation bytes take none. */
static size_t columns(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* Asserts that every line of @s ends in a newline within 80 columns. */
static void text_fits(const char *s)
{
	const char *line, *nl;

	for (line = s; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
		CU_ASSERT(columns(line, (size_t)(nl - line)) <= 80);
	}
}

/* Reserved regions mapped 1:1 in group 4's domain: said under the group and in the attribution. */
static void test_text_direct_maps(void)
{
	struct tm *t = tm_sample();
	char *s;

	t->m.domains[DOM_G4].direct_maps = 2;
	t->m.stats.direct_maps = 2;
	s = render_text(t);
	CU_ASSERT(strstr(s, "  group 4     0000:00:05.0 0000:00:05.1\n"
			    "              ! 2 devices in one group: VFIO needs the whole group\n"
			    "              ! 2 reserved regions mapped 1:1: VFIO may refuse its device\n"
			    "  group 5 ") != NULL);
	/* past 80 columns after "by process 4/2": under it */
	CU_ASSERT(strstr(s, "by process 4/2,\n                                direct 2\n") != NULL);
	text_fits(s);
	/* counted among the attributed: 259 + 2 maps, 257 unmaps of 562 */
	CU_ASSERT(strstr(s, "92.2%") != NULL);
	free(s);
	/* a big trace's counts: what does not fit goes under, each line in 80 columns */
	t->m.stats.attributed_maps = 4181704;
	t->m.stats.attributed_unmaps = 1938730;
	t->m.stats.pid_maps = 19;
	t->m.stats.pid_unmaps = 22;
	s = render_text(t);
	CU_ASSERT(strstr(s, "by dma:* events 4181704/1938730,\n"
			    "                                by process 19/22, direct 2\n") != NULL);
	text_fits(s);
	free(s);
	tm_free(t);
}

static void test_text_layout(void)
{
	struct tm *t = tm_sample();
	char *s = render_text(t);

	/* printf("%s", s); */
	CU_ASSERT(strncmp(s, "iommu-report ", 13) == 0);
	CU_ASSERT(
		strstr(s, "\ninput      samples/vfio/trace.dat\nformat     trace.dat, v7 zstd\n") !=
		NULL);
	CU_ASSERT(strstr(s, "\nkernel     6.12.117+deb12-amd64\n") != NULL);
	CU_ASSERT(strstr(s, "\nspan       18.512000 - 23.412000 s (4.900000 s)\n") != NULL);
	CU_ASSERT(strstr(s, "\nlost       none\n") != NULL);
	CU_ASSERT(strstr(s, "WARNING") == NULL);
	CU_ASSERT(strstr(s, "  group 4     0000:00:05.0 0000:00:05.1\n") != NULL);
	CU_ASSERT(strstr(s, "VFIO needs the whole group") != NULL);
	CU_ASSERT(strstr(s,
			 "    dma(g5) 0.000 -> blocked 18.793 -> user(vfio_map_test/407) 18.794\n"
			 "    -> dma(g5) 19.113\n") != NULL);
	CU_ASSERT(strstr(s, "attributed") != NULL && strstr(s, "91.8%") != NULL);
	CU_ASSERT(strstr(s, "by process 4/") != NULL && strstr(s, ", direct") == NULL);
	CU_ASSERT(strstr(s, "reserved region") == NULL);
	CU_ASSERT(strstr(s, "lifetimes") != NULL && strstr(s, "mean 1.0 us, max 2.5 us") != NULL);
	CU_ASSERT(strstr(s, "Findings: 1 error, 1 warning, 1 info\n") != NULL);
	CU_ASSERT(strstr(s,
			 "    19.000000  0000:00:07.0 [0xffff000, 0x10000000) 4 KiB\n"
			 "      unmap of [0xffff000, 0x10000000) unmapped 12 us before\n") != NULL);
	CU_ASSERT(strstr(s, "age 4.000 s") != NULL);
	/* errors first */
	CU_ASSERT(strstr(s, "\nErrors\n") < strstr(s, "\nWarnings\n"));
	CU_ASSERT(strstr(s, "\nWarnings\n") < strstr(s, "\nInfo\n"));
	text_fits(s);
	free(s);
	tm_free(t);
}

static void test_text_inert(void)
{
	char *big;
	struct tm *t = tm_nasty(&big);
	char *s = render_text(t);
	const char *p, *line, *nl;

	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		CU_ASSERT_FATAL(c >= 0x20 || c == '\n');
		CU_ASSERT_FATAL(c != 0x7f);
	}
	CU_ASSERT(strstr(s,
			 "q\"uote <b>&amp; new\\nline back\\\\slash tab\\t bell\\x07 esc\\x1b[31m "
			 "del\\x7f") != NULL);
	CU_ASSERT(strstr(s, "user(evil\\ncomm\\x1b]0;x\\x07/407)") != NULL);
	CU_ASSERT(strstr(s, "dir/with\\nnewline.dat") != NULL);
	/* invalid UTF-8 and a right-to-left override are shown as bytes */
	CU_ASSERT(strstr(s, "bad \\xff\\xfe utf-8 \\xe2\\x80\\xae rlo") != NULL);
	CU_ASSERT(strstr(s, big) != NULL);
	/* only lines with the long name or a message may pass 80 columns */
	for (line = s; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
		if (columns(line, (size_t)(nl - line)) > 80)
			CU_ASSERT(memmem(line, (size_t)(nl - line), "abcdefghij", 10) != NULL ||
				  memmem(line, (size_t)(nl - line), "q\"uote", 6) != NULL);
	}
	free(s);
	tm_free(t);
}

static void test_text_lost_first(void)
{
	struct tm *t = tm_sample();
	char *s;

	t->lost[3] = 1234;
	t->stats.lost_total = 1234;
	t->m.lost = 1234;
	t->m.lost_any = true;
	s = render_text(t);
	CU_ASSERT(strncmp(s,
			  "WARNING: 1234 events were lost (ring buffer overrun).\n"
			  "         Findings after the first drop are only suspected.\n",
			  110) == 0);
	CU_ASSERT(strstr(s, "\nlost       1234: cpu3=1234\n") != NULL);
	free(s);
	tm_free(t);

	/* drops of unknown size count too */
	t = tm_sample();
	t->stats.lost_unknown = 1;
	s = render_text(t);
	CU_ASSERT(strncmp(s, "WARNING: events were lost", 25) == 0);
	free(s);
	tm_free(t);
}

static void test_text_per_type_limit(void)
{
	struct tm *t = tm_sample();
	char *s, *p;
	int i, n = 0;

	for (i = 0; i < 25; i++)
		tm_finding(t, IOREP_FIND_UNMATCHED_UNMAP, S(20) + (uint64_t)i, DEV_EDU, DOM_G6,
			   true, 0x100000 + 0x1000 * (uint64_t)i, 0x1000, "never mapped");
	t->m.findings[5].suspected = true;
	s = render_text(t);
	CU_ASSERT(strstr(s, "  unmatched_unmap: 25\n") != NULL);
	CU_ASSERT(strstr(s, "    ... and 5 more\n") != NULL);
	for (p = s; (p = strstr(p, "never mapped")); p++)
		n++;
	CU_ASSERT_EQUAL(n, IOREP_TEXT_FINDINGS_PER_TYPE);
	/* trace order within the type */
	CU_ASSERT(strstr(s, "20.000000  0000:00:07.0 [0x100000, 0x101000)") <
		  strstr(s, "20.000000  0000:00:07.0 [0x101000, 0x102000)"));
	CU_ASSERT(strstr(s, "(suspected)") != NULL);
	CU_ASSERT(strstr(s, "(1 suspected)") != NULL);
	free(s);
	tm_free(t);
}

/* ------------------------------------------------------------------------ */
/* Baseline */

/* Writes the JSON of @t to a new temporary file named in @path. */
static void baseline_file(struct tm *t, char *path, size_t size)
{
	char *s = render_json(t, true);

	tmp_name(path, size);
	write_file(path, s, strlen(s));
	free(s);
}

/* Runs the comparison; the output goes to *@outp (caller frees). */
static int compare(struct tm *t, const char *path, char **outp, char *err, int errlen)
{
	struct out o = {0};
	FILE *fp = open_memstream(&o.buf, &o.len);
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	ret = iorep_baseline_compare(&t->m, path, fp, err, errlen);
	fclose(fp);
	*outp = o.buf;
	return ret;
}

static void test_baseline_same(void)
{
	struct tm *t = tm_sample();
	char path[64], err[512], *out;

	baseline_file(t, path, sizeof(path));
	CU_ASSERT_EQUAL(compare(t, path, &out, err, sizeof(err)), 0);
	CU_ASSERT(strstr(out, ": nothing new or worse\n") != NULL);
	CU_ASSERT(strstr(out, "new:") == NULL);
	free(out);

	/* other timestamps, positions and messages: the same findings */
	t->m.findings[0].ts += S(5);
	t->m.findings[0].pos += 77;
	t->m.findings[0].cpu = 3;
	CU_ASSERT_EQUAL(compare(t, path, &out, err, sizeof(err)), 0);
	free(out);
	unlink(path);
	tm_free(t);
}

static void test_baseline_new_finding(void)
{
	struct tm *t = tm_sample();
	char path[64], err[512], *out;

	baseline_file(t, path, sizeof(path));
	tm_finding(t, IOREP_FIND_DOUBLE_UNMAP, S(22), DEV_EDU, DOM_G6, true, 0xffff000, 4096,
		   "unmapped again");
	CU_ASSERT_EQUAL(compare(t, path, &out, err, sizeof(err)), 1);
	CU_ASSERT(strstr(out, "new: double_unmap (error) device 0000:00:07.0 iova 0xffff000 "
			      "size 4096 at 22.000000: unmapped again\n") != NULL);
	CU_ASSERT(strstr(out, "more: double_unmap 1 -> 2\n") != NULL);
	CU_ASSERT(strstr(out, ": 1 new or worse\n") != NULL);
	free(out);

	/* the same key with another size is another finding */
	t->m.findings[3].size = 8192;
	CU_ASSERT_EQUAL(compare(t, path, &out, err, sizeof(err)), 1);
	CU_ASSERT(strstr(out, "size 8192") != NULL);
	free(out);

	/* a finding that is gone is not worse */
	t->m.nfindings = 2;
	CU_ASSERT_EQUAL(compare(t, path, &out, err, sizeof(err)), 0);
	CU_ASSERT(strstr(out, ": nothing new or worse\n") != NULL);
	free(out);
	t->m.nfindings = 4;
	unlink(path);
	tm_free(t);
}

static void test_baseline_lost_grew(void)
{
	struct tm *t = tm_sample();
	char path[64], err[512], *out;

	baseline_file(t, path, sizeof(path));
	t->m.lost = 10;
	t->m.lost_any = true;
	CU_ASSERT_EQUAL(compare(t, path, &out, err, sizeof(err)), 1);
	CU_ASSERT(strstr(out, "more: lost events 0 -> 10\n") != NULL);
	free(out);
	unlink(path);
	tm_free(t);
}

/* Compares the sample model with a baseline holding @json; checks the reason. */
static void bad_baseline(const char *json, size_t len, int want, const char *reason)
{
	struct tm *t = tm_sample();
	char path[64], err[512], *out;
	int ret;

	tmp_name(path, sizeof(path));
	write_file(path, json, len);
	memset(err, 'x', sizeof(err));
	ret = compare(t, path, &out, err, sizeof(err));
	CU_ASSERT_EQUAL(ret, want);
	if (want < 0) {
		CU_ASSERT(strncmp(err, path, strlen(path)) == 0);
		CU_ASSERT(strchr(err, '\n') == NULL);
		if (!strstr(err, reason))
			fprintf(stderr, "\n  reason: %s\n", err);
		CU_ASSERT(strstr(err, reason) != NULL);
	}
	free(out);
	unlink(path);
	tm_free(t);
}

#define BAD(json, want, reason) bad_baseline(json, sizeof(json) - 1, want, reason)
#define DOC(findings)                                                                              \
	"{\"schema_version\":\"1.0\",\"lost_events\":{\"total\":0},\"findings\":" findings "}"

static void test_baseline_bad_files(void)
{
	struct tm *t = tm_sample();
	char err[512], *out, *big;
	size_t i, n;
	int ret;

	ret = compare(t, "/nonexistent/dir/base.json", &out, err, sizeof(err));
	CU_ASSERT_EQUAL(ret, -IOREP_EOPEN);
	CU_ASSERT(strstr(err, "/nonexistent/dir/base.json: cannot open baseline") == err);
	free(out);
	/* a tiny errbuf is cut, and NULL is fine */
	ret = compare(t, "/nonexistent/dir/base.json", &out, err, 8);
	CU_ASSERT_EQUAL(ret, -IOREP_EOPEN);
	CU_ASSERT_EQUAL(strlen(err), 7);
	free(out);
	ret = compare(t, "/nonexistent", &out, NULL, 0);
	CU_ASSERT_EQUAL(ret, -IOREP_EOPEN);
	free(out);
	tm_free(t);

	BAD("", -IOREP_EPARSE, "not JSON");
	BAD("not json at all", -IOREP_EPARSE, "not JSON");
	BAD("{\"schema_version\":\"1.0\",", -IOREP_EPARSE, "not JSON");
	BAD(DOC("[]") " trailing", -IOREP_EPARSE, "garbage after the document");
	BAD(DOC("[]") "\0{}", -IOREP_EPARSE, "garbage after the document");
	BAD("[1,2,3]", -IOREP_EPARSE, "not an iommu-report JSON document (schema_version missing)");
	BAD("{\"findings\":[]}", -IOREP_EPARSE, "(schema_version missing)");
	BAD("{\"schema_version\":2}", -IOREP_EPARSE, "(schema_version is not a string)");
	BAD("{\"schema_version\":\"2.0\"}", -IOREP_EPARSE,
	    "not an iommu-report JSON document (schema_version \"2.0\", need 1.x)");
	BAD("{\"schema_version\":\"x\\n1\"}", -IOREP_EPARSE, "(schema_version \"x\\n1\"");
	BAD("{\"schema_version\":\"1.0\",\"findings\":{}}", -IOREP_EPARSE,
	    "findings is not an array");
	BAD("{\"schema_version\":\"1.0\",\"findings\":[]}", -IOREP_EPARSE, "lost_events.total");
	BAD("{\"schema_version\":\"1.0\",\"lost_events\":{\"total\":\"1\"},\"findings\":[]}",
	    -IOREP_EPARSE, "lost_events.total");
	BAD(DOC("[null]"), -IOREP_EPARSE, "findings[0] is not an object");
	BAD(DOC("[{\"type\":\"leak\",\"severity\":\"error\"},{\"type\":5}]"), -IOREP_EPARSE,
	    "findings[1].type is not a string");
	BAD(DOC("[{\"type\":\"leak\"}]"), -IOREP_EPARSE, "findings[0].severity is not a string");
	BAD(DOC("[{\"type\":\"leak\",\"severity\":\"error\",\"device\":[]}]"), -IOREP_EPARSE,
	    "findings[0].device");
	BAD(DOC("[{\"type\":\"leak\",\"severity\":\"error\",\"iova\":4096}]"), -IOREP_EPARSE,
	    "findings[0].iova");
	BAD(DOC("[{\"type\":\"leak\",\"severity\":\"error\",\"iova\":\"0x12345678901234567\"}]"),
	    -IOREP_EPARSE, "findings[0].iova is not a 0x... address");
	BAD(DOC("[{\"type\":\"leak\",\"severity\":\"error\",\"size\":\"big\"}]"), -IOREP_EPARSE,
	    "findings[0].size");

	/* valid but odd: unknown types and severities match nothing; all three findings are new */
	BAD(DOC("[{\"type\":\"whatever\",\"severity\":\"error\"},"
		"{\"type\":\"leak\",\"severity\":\"fatal\",\"device\":null,\"iova\":null}]"),
	    3, NULL);
	/* the sample's findings, in another order and with other timestamps: nothing new */
	BAD(DOC("[{\"type\":\"outstanding\",\"severity\":\"info\",\"device\":\"0000:00:07.0\","
		"\"iova\":\"0xFFFF0000\",\"size\":8192,\"ts\":1},"
		"{\"type\":\"split_group\",\"severity\":\"warning\",\"device\":null,\"iova\":null,"
		"\"size\":null},"
		"{\"type\":\"double_unmap\",\"severity\":\"error\",\"device\":\"0000:00:07.0\","
		"\"iova\":\"0xffff000\",\"size\":4096}]"),
	    0, NULL);

	/* deep nesting and a huge array: refused or read, never a crash */
	n = 100000;
	big = malloc(2 * n + 128);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	for (i = 0; i < n; i++)
		big[i] = '[';
	for (i = 0; i < n; i++)
		big[n + i] = ']';
	bad_baseline(big, 2 * n, -IOREP_EPARSE, "not JSON");
	i = (size_t)snprintf(big, 128,
			     "{\"schema_version\":\"1.0\",\"lost_events\":{\"total\":0},"
			     "\"findings\":[");
	for (; i + 3 < 2 * n; i += 3)
		memcpy(big + i, "{},", 3);
	memcpy(big + i, "{}]}", 4);
	bad_baseline(big, i + 4, -IOREP_EPARSE, "findings[0].type is not a string");
	free(big);
}

/* Characters a terminal or an editor would take as a line break or a direction. */
static void test_inert_separators(void)
{
	char buf[128];

	iorep_inert_copy(buf, sizeof(buf), "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xe2\x80\xae" "d\xe2\x80\xa7" "e");
	/* U+2027 (hyphenation point) is an ordinary character */
	CU_ASSERT_STRING_EQUAL(buf, "a\\xe2\\x80\\xa8b\\xe2\\x80\\xa9c\\xe2\\x80\\xaed\xe2\x80\xa7" "e");
	CU_ASSERT_EQUAL(iorep_inert_width("a\xe2\x80\xa8"), 13);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"inert: separators and overrides", test_inert_separators},
		{"json: exact fields and values", test_json_fields},
		{"json: deterministic, one element a line", test_json_deterministic},
		{"json: without input info", test_json_no_input},
		{"json: empty model", test_json_empty_model},
		{"json: escaping of hostile strings", test_json_escaping},
		{"json: valid against docs/iommu-report.schema.json", test_schema},
		{"text: layout and values", test_text_layout},
		{"text: reserved regions under their group", test_text_direct_maps},
		{"text: hostile strings are inert", test_text_inert},
		{"text: lost events come first", test_text_lost_first},
		{"text: findings per type are limited", test_text_per_type_limit},
		{"baseline: identical is not worse", test_baseline_same},
		{"baseline: a new finding, a removed one", test_baseline_new_finding},
		{"baseline: more lost events", test_baseline_lost_grew},
		{"baseline: bad and hostile files", test_baseline_bad_files},
		{NULL, NULL},
	};

	return iorep_test_main("render", tests);
}
