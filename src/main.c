// SPDX-License-Identifier: MIT
/*
 * iommu-report: the command line.  The only file that exits.
 *
 * Exit status: 0 no finding at or above --fail-on (or, with --baseline,
 * nothing new or worse), 1 findings, 2 bad usage or unreadable input (with a
 * one-line reason on stderr).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "iorep-error.h"
#include "iorep-input.h"
#include "iorep-model.h"
#include "iorep-pci.h"
#include "iorep-render.h"
#include "iorep-report.h"
#include "iorep-strtab.h"

enum { EXIT_FINDINGS = 1, EXIT_BAD = 2 };

struct options {
	const char *input;
	const char *sysfs;
	const char *lspci;
	const char *json;	/* NULL: none; "-": stdout */
	const char *baseline;
	int fail_on;		/* enum iorep_severity */
	int events;
	int summary;
	int quiet;
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: iommu-report [OPTIONS] FILE\n"
		"\n"
		"Reads an IOMMU trace capture (trace.dat of any version, compressed or not,\n"
		"or ftrace text: the kernel's trace/trace_pipe, trace-cmd report output, dmesg\n"
		"with tp_printk; gzip/xz/zstd text too), rebuilds the IOMMU groups, each\n"
		"device's domains and the live mappings, and reports what went wrong.\n"
		"FILE \"-\" reads standard input.\n"
		"\n"
		"  --sysfs PATH         seed the topology with `find /sys/kernel/iommu_groups/\n"
		"                       -type l` output, or a live /sys/kernel/iommu_groups\n"
		"  --lspci FILE         name devices and find bridges from `lspci -nn` output\n"
		"  --json [PATH]        write the JSON document to PATH (default, or \"-\": stdout)\n"
		"  --fail-on SEVERITY   exit 1 on findings at or above error|warning|info\n"
		"                       (default: error)\n"
		"  --baseline OLD.json  exit 1 only on findings or counts that are new or worse\n"
		"                       than in OLD.json (written by --json), and say which\n"
		"  --events             print the normalized event stream as JSON lines\n"
		"  --summary            print only the input summary (events per type)\n"
		"  -q, --quiet          no warnings on stderr\n"
		"  -h, --help           this help\n"
		"  -V, --version        the version\n"
		"\n"
		"Exit status: 0 no findings (at or above --fail-on), 1 findings, 2 bad usage\n"
		"or unreadable input.\n");
}

/* Is argv[i] a value of the option before it (one that takes an argument)? */
static int is_option_value(char **argv, int i)
{
	static const char *const with_arg[] = { "--sysfs", "--lspci", "--fail-on", "--baseline" };
	size_t k;

	if (i == 0)
		return 0;
	for (k = 0; k < sizeof(with_arg) / sizeof(with_arg[0]); k++)
		if (!strcmp(argv[i - 1], with_arg[k]))
			return 1;
	return 0;
}

/* Arguments that are neither options nor option values. */
static int count_operands(int argc, char **argv)
{
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return n + argc - i - 1;
		if ((argv[i][0] != '-' || !strcmp(argv[i], "-")) && !is_option_value(argv, i))
			n++;
	}
	return n;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "events", no_argument, NULL, 'e' },
		{ "summary", no_argument, NULL, 'S' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "lspci", required_argument, NULL, 'l' },
		{ "json", optional_argument, NULL, 'j' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int operands = count_operands(argc, argv);
	int c;

	o->fail_on = IOREP_SEV_ERROR;
	while ((c = getopt_long(argc, argv, "qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o->events = 1;
			break;
		case 'S':
			o->summary = 1;
			break;
		case 's':
			o->sysfs = optarg;
			break;
		case 'l':
			o->lspci = optarg;
			break;
		case 'j':
			o->json = "-";
			if (optarg) {
				o->json = optarg;
			} else if (operands >= 2 && optind < argc &&
				   (argv[optind][0] != '-' || !strcmp(argv[optind], "-"))) {
				/* "--json PATH FILE": the PATH is the operand after --json */
				o->json = argv[optind++];
				operands--;
			}
			break;
		case 'f':
			o->fail_on = iorep_severity_parse(optarg);
			if (o->fail_on < 0) {
				fprintf(stderr, "iommu-report: --fail-on: \"%s\" is not error, "
						"warning or info\n", optarg);
				return -1;
			}
			break;
		case 'b':
			o->baseline = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("iommu-report %s\n", IOREP_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "iommu-report: %s\n",
			optind == argc ? "no input file (use - for stdin)" : "one input file only");
		return -1;
	}
	o->input = argv[optind];
	return 0;
}

/* The JSON output must never overwrite the input or the baseline it is compared with. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!a || !b || !strcmp(a, "-") || !strcmp(b, "-"))
		return 0;
	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Writes the JSON document to a temporary file beside PATH, then renames it. */
static int write_json(const struct iorep_model *m, struct iorep_input *in, const char *path,
		      char *err, int errlen)
{
	char tmp[4096];
	FILE *fp;
	int ret;

	if (!strcmp(path, "-")) {
		ret = iorep_report_json(m, iorep_input_info(in), iorep_input_stats(in), stdout);
		if (ret < 0)
			snprintf(err, errlen, "standard output: %s", iorep_strerror(ret));
		return ret;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -IOREP_EINVAL;
	}
	ret = mkstemp(tmp);
	if (ret < 0 || !(fp = fdopen(ret, "w"))) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		if (ret >= 0)
			close(ret);
		return -IOREP_EOUTPUT;
	}
	ret = iorep_report_json(m, iorep_input_info(in), iorep_input_stats(in), fp);
	if (fclose(fp) != 0 && !ret)
		ret = -IOREP_EOUTPUT;
	if (!ret && rename(tmp, path) < 0)
		ret = -IOREP_EOUTPUT;
	if (ret < 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, iorep_strerror(ret));
		unlink(tmp);
	}
	return ret;
}

/* In JSON mode on stdout an error is JSON too. */
static void json_error(const struct options *o, const char *msg)
{
	cJSON *doc;
	char *s;

	if (!o->json || strcmp(o->json, "-"))
		return;
	doc = cJSON_CreateObject();
	if (!doc)
		return;
	cJSON_AddStringToObject(doc, "schema_version", IOREP_JSON_SCHEMA_VERSION);
	cJSON_AddStringToObject(doc, "error", msg);
	s = cJSON_PrintUnformatted(doc);
	if (s)
		printf("%s\n", s);
	cJSON_free(s);
	cJSON_Delete(doc);
}

static int exit_status(const struct options *o, const struct iorep_model *m, FILE *out,
		       char *err, int errlen)
{
	uint32_t i;
	int ret;

	if (o->baseline) {
		ret = iorep_baseline_compare(m, o->baseline, out, err, errlen);
		if (ret < 0)
			return -EXIT_BAD;
		return ret ? EXIT_FINDINGS : 0;
	}
	for (i = 0; i < m->nfindings; i++)
		if ((int)m->findings[i].severity >= o->fail_on)
			return EXIT_FINDINGS;
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	struct iorep_strtab *st = NULL;
	struct iorep_input *in = NULL;
	struct iorep_sysfs_groups groups;
	struct iorep_lspci lspci;
	struct iorep_model model;
	struct iorep_event ev;
	FILE *out = stdout;
	char err[512];
	int ret, status = EXIT_BAD;

	if (parse_args(argc, argv, &opts) < 0)
		return EXIT_BAD;
	if (same_file(opts.json, opts.input) || same_file(opts.json, opts.baseline)) {
		fprintf(stderr, "iommu-report: --json %s would overwrite an input; not writing\n",
			opts.json);
		return EXIT_BAD;
	}
	st = iorep_strtab_new();
	if (!st) {
		fprintf(stderr, "iommu-report: %s\n", iorep_strerror(-IOREP_ENOMEM));
		return EXIT_BAD;
	}
	iorep_model_init(&model, st);
	iorep_sysfs_groups_init(&groups);
	iorep_lspci_init(&lspci);
	err[0] = '\0';
	if (opts.lspci) {
		ret = iorep_lspci_read_file(&lspci, opts.lspci);
		if (ret < 0) {
			snprintf(err, sizeof(err), "%s: %s", opts.lspci, iorep_strerror(ret));
			goto fail;
		}
	}
	if (opts.sysfs) {
		ret = iorep_sysfs_groups_load(&groups, opts.sysfs);
		if (ret < 0) {
			snprintf(err, sizeof(err), "%s: %s", opts.sysfs, iorep_strerror(ret));
			goto fail;
		}
		ret = iorep_model_seed_groups(&model, &groups);
		if (ret < 0)
			goto fail;
	}
	ret = iorep_input_open(&in, opts.input, st, err, sizeof(err));
	if (ret < 0)
		goto fail;
	while ((ret = iorep_input_next(in, &ev)) > 0) {
		if (opts.events) {
			ret = iorep_event_write_json_line(&ev, stdout);
			if (ret < 0) {
				snprintf(err, sizeof(err), "standard output: %s",
					 iorep_strerror(ret));
				goto fail;
			}
			continue;
		}
		ret = iorep_model_feed(&model, &ev);
		if (ret < 0) {
			snprintf(err, sizeof(err), "%s: %s", opts.input, iorep_strerror(ret));
			goto fail;
		}
	}
	if (ret < 0)
		goto fail;
	if (!opts.quiet)
		iorep_input_print_warnings(in, stderr);
	if (opts.events) {
		status = 0;
		goto flush;
	}
	ret = iorep_model_finish(&model);
	if (ret < 0) {
		snprintf(err, sizeof(err), "%s: %s", opts.input, iorep_strerror(ret));
		goto fail;
	}
	if (iorep_input_stats(in)->truncated)
		iorep_model_set_incomplete(&model);
	ret = iorep_model_apply_lspci(&model, &lspci);
	if (ret < 0)
		goto fail;
	if (opts.json) {
		ret = write_json(&model, in, opts.json, err, sizeof(err));
		if (ret < 0)
			goto fail;
		if (!strcmp(opts.json, "-"))
			out = stderr;	/* keep stdout one JSON document */
	}
	if (opts.summary)
		iorep_summary_print(in, out);
	else if (!opts.json || strcmp(opts.json, "-"))
		iorep_report_text(&model, iorep_input_info(in), iorep_input_stats(in), out);
	ret = exit_status(&opts, &model, out, err, sizeof(err));
	if (ret < 0)
		goto fail;
	status = ret;
flush:
	if (fflush(stdout) != 0) {
		snprintf(err, sizeof(err), "standard output: %s", iorep_strerror(-IOREP_EOUTPUT));
		status = EXIT_BAD;
		goto fail;
	}
	goto out;
fail:
	status = EXIT_BAD;
	if (!err[0])
		snprintf(err, sizeof(err), "%s", iorep_strerror(ret));
	json_error(&opts, err);
	fprintf(stderr, "iommu-report: %s\n", err);
out:
	iorep_model_release(&model);
	iorep_sysfs_groups_release(&groups);
	iorep_lspci_release(&lspci);
	iorep_input_free(in);
	iorep_strtab_free(st);
	return status;
}
