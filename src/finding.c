// SPDX-License-Identifier: MIT
/*
 * Findings: the name tables of the model (finding types, severities, domain
 * kinds) as every reporter and the command line print and parse them, and
 * the one function through which the checks record a finding.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "model-local.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define _X(id, name, sev) name,
static const char *const iorep_finding_names[IOREP_FIND__COUNT] = { IOREP_FINDINGS };
#undef _X

#define _X(id, name, sev) IOREP_SEV_##sev,
static const enum iorep_severity iorep_finding_sevs[IOREP_FIND__COUNT] = { IOREP_FINDINGS };
#undef _X

static const char *const iorep_severity_names[] = {
	[IOREP_SEV_INFO] = "info",
	[IOREP_SEV_WARNING] = "warning",
	[IOREP_SEV_ERROR] = "error",
};

static const char *const iorep_domain_kind_names[] = {
	[IOREP_DOM_DMA] = "dma",
	[IOREP_DOM_USER] = "user",
	[IOREP_DOM_BLOCKED] = "blocked",
	[IOREP_DOM_POOL] = "pool",
	[IOREP_DOM_IDENTITY] = "identity",
};

const char *iorep_finding_name(enum iorep_finding_type t)
{
	if ((unsigned int)t >= IOREP_FIND__COUNT)
		return "unknown";
	return iorep_finding_names[t];
}

enum iorep_severity iorep_finding_default_severity(enum iorep_finding_type t)
{
	if ((unsigned int)t >= IOREP_FIND__COUNT)
		return IOREP_SEV_ERROR;
	return iorep_finding_sevs[t];
}

const char *iorep_severity_name(enum iorep_severity s)
{
	if ((unsigned int)s >= ARRAY_SIZE(iorep_severity_names))
		return "unknown";
	return iorep_severity_names[s];
}

int iorep_severity_parse(const char *s)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < ARRAY_SIZE(iorep_severity_names); i++)
		if (!strcmp(s, iorep_severity_names[i]))
			return (int)i;
	return -1;
}

const char *iorep_domain_kind_name(enum iorep_domain_kind k)
{
	if ((unsigned int)k >= ARRAY_SIZE(iorep_domain_kind_names))
		return "unknown";
	return iorep_domain_kind_names[k];
}

/* The message is malloc()ed here and freed by iorep_model_release(). */
int iorep_model_add_finding(struct iorep_model *m, enum iorep_finding_type type,
			    const struct iorep_event *ev, uint64_t ts, uint32_t device,
			    uint32_t domain, bool has_iova, uint64_t iova, uint64_t size,
			    const char *fmt, ...)
{
	struct iorep_finding *f;
	char *msg = NULL;
	va_list ap;
	int n, ret = 0;

	if (m->type_findings[type] >= IOREP_FINDINGS_PER_TYPE) {
		/* counted (severity, exit status), not listed: memory stays bounded */
		m->findings_by_sev[iorep_finding_default_severity(type)]++;
		m->type_findings[type]++;
		m->unlisted++;
		return 0;
	}
	if (m->nfindings >= m->findings_cap) {
		uint32_t ncap;
		void *p;

		if (m->findings_cap > (UINT32_MAX - 1) / 2) {
			ret = -IOREP_ELIMIT;
			goto out;
		}
		ncap = m->findings_cap ? m->findings_cap * 2 : 16;
		p = realloc(m->findings, (size_t)ncap * sizeof(*m->findings));
		if (!p) {
			ret = -IOREP_ENOMEM;
			goto out;
		}
		m->findings = p;
		m->findings_cap = ncap;
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		ret = -IOREP_EINVAL;
		goto out;
	}
	msg = malloc((size_t)n + 1);
	if (!msg) {
		ret = -IOREP_ENOMEM;
		goto out;
	}
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	f = &m->findings[m->nfindings++];
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->severity = iorep_finding_default_severity(type);
	f->suspected = m->lost_mid || (ev ? ev->ts : ts) < m->complete_from;
	f->ts = ev ? ev->ts : ts;
	f->cpu = ev ? ev->cpu : -1;
	f->pos = ev ? ev->pos : 0;
	if (device >= m->ndevices && domain < m->ndomains &&
	    m->domains[domain].kind != IOREP_DOM_POOL)
		device = iorep_model_domain_device(m, domain);
	f->device = device < m->ndevices ? device : IOREP_NONE;
	f->seq = m->nfindings - 1;
	f->domain = domain < m->ndomains ? domain : IOREP_NONE;
	f->has_iova = has_iova;
	f->iova = has_iova ? iova : 0;
	f->size = size;
	f->message = msg;
	msg = NULL;
	iorep_model_stack_finding(m, f, ev);
	m->findings_by_sev[f->severity]++;
	m->type_findings[type]++;
	if (f->device != IOREP_NONE)
		m->devices[f->device].findings++;
out:
	free(msg);
	if (ret < 0 && !m->error)
		m->error = ret;
	return ret;
}

void iorep_model_finding_of_map(struct iorep_model *m, uint32_t idx,
				enum iorep_finding_type type, const struct iorep_ivmap_node *n,
				uint64_t now)
{
	if (m->nfindings > idx) {
		m->findings[idx].age_ns = now - n->val.ts;
		m->findings[idx].stack = iorep_model_stack_at(m, n->val.pos);
	}
	iorep_model_finding_since(m, idx, type, n->val.ts);
}

/* One finding of severity @sev, listed or only counted, counts as info instead. */
static void count_as_info(struct iorep_model *m, enum iorep_severity sev)
{
	m->findings_by_sev[sev]--;
	m->findings_by_sev[IOREP_SEV_INFO]++;
}

/* Lowers listed finding @f to info, its count with it. */
static void lower_to_info(struct iorep_model *m, struct iorep_finding *f)
{
	if (f->severity == IOREP_SEV_INFO)
		return;
	count_as_info(m, f->severity);
	f->severity = IOREP_SEV_INFO;
}

void iorep_model_finding_since(struct iorep_model *m, uint32_t idx,
			       enum iorep_finding_type type, uint64_t since)
{
	enum iorep_severity sev = iorep_finding_default_severity(type);

	if (idx < m->nfindings && m->findings[idx].type == type) {
		m->findings[idx].since = since;
		iorep_model_window(m, &m->findings[idx]);
	} else if (idx >= m->nfindings && !m->error && since < m->complete_from &&
		   sev != IOREP_SEV_INFO && m->findings_by_sev[sev]) {
		/* counted, not listed: its count moves as a listed one would */
		count_as_info(m, sev);
	}
}

void iorep_model_finding_as_info(struct iorep_model *m, uint32_t idx,
				 enum iorep_finding_type type, uint64_t since)
{
	enum iorep_severity sev = iorep_finding_default_severity(type);

	if (idx < m->nfindings) {
		if (m->findings[idx].type == type)
			lower_to_info(m, &m->findings[idx]);
	} else if (!m->error && !(since < m->complete_from) && sev != IOREP_SEV_INFO &&
		   m->findings_by_sev[sev]) {
		/* counted, not listed, and not moved to info by its window already */
		count_as_info(m, sev);
	}
}

void iorep_model_window(struct iorep_model *m, struct iorep_finding *f)
{
	if (f->ts < m->complete_from)
		f->suspected = true;
	if (f->since && f->since < m->complete_from) {
		f->suspected = true;
		lower_to_info(m, f);
	}
}
