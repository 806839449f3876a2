// SPDX-License-Identifier: MIT
/*
 * iommu-report: the command line.  The only file that exits.
 *
 * Exit status: 0 no finding at or above --fail-on, 1 findings, 2 bad usage
 * or unreadable input (with a one-line reason on stderr).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iorep-error.h"
#include "iorep-input.h"
#include "iorep-model.h"
#include "iorep-pci.h"
#include "iorep-report.h"
#include "iorep-strtab.h"

#define IOREP_VERSION "0.1.0"

enum { EXIT_FINDINGS = 1, EXIT_BAD = 2 };

struct options {
	const char *input;
	const char *sysfs;
	int events;
	int quiet;
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: iommu-report [OPTIONS] FILE\n"
		"\n"
		"Reads an IOMMU trace capture (trace.dat of any version, compressed or not,\n"
		"or ftrace text: the kernel's trace/trace_pipe, trace-cmd report output, dmesg\n"
		"with tp_printk; gzip/xz/zstd text too) and reports on it.  FILE \"-\" reads\n"
		"standard input.\n"
		"\n"
		"  --events       print the normalized event stream as JSON lines\n"
		"  -q, --quiet    no warnings on stderr\n"
		"  -h, --help     this help\n"
		"  -V, --version  the version\n"
		"\n"
		"Exit status: 0 no findings, 1 findings, 2 bad usage or unreadable input.\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "events", no_argument, NULL, 'e' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o->events = 1;
			break;
		case 's':
			o->sysfs = optarg;
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

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	struct iorep_strtab *st = NULL;
	struct iorep_input *in = NULL;
	struct iorep_sysfs_groups groups;
	struct iorep_model model;
	struct iorep_event ev;
	char err[512];
	int ret, status = EXIT_BAD;

	if (parse_args(argc, argv, &opts) < 0)
		return EXIT_BAD;
	st = iorep_strtab_new();
	if (!st) {
		fprintf(stderr, "iommu-report: %s\n", iorep_strerror(-IOREP_ENOMEM));
		return EXIT_BAD;
	}
	iorep_model_init(&model, st);
	iorep_sysfs_groups_init(&groups);
	err[0] = '\0';
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
		if (!opts.events) {
			ret = iorep_model_feed(&model, &ev);
			if (ret < 0) {
				snprintf(err, sizeof(err), "%s: %s", opts.input, iorep_strerror(ret));
				goto fail;
			}
			continue;
		}
		if (opts.events && iorep_event_write_json_line(&ev, stdout) < 0) {
			snprintf(err, sizeof(err), "standard output: %s",
				 iorep_strerror(-IOREP_EOUTPUT));
			ret = -IOREP_EOUTPUT;
			goto fail;
		}
	}
	if (ret < 0)
		goto fail;
	if (!opts.events) {
		ret = iorep_model_finish(&model);
		if (ret < 0)
			goto fail;
		iorep_summary_print(in, stdout);
		for (uint32_t i = 0; i < model.nfindings; i++) {
			struct iorep_finding *f = &model.findings[i];

			printf("%-8s %-22s %s %llu.%06llu %s %s\n", iorep_severity_name(f->severity),
			       iorep_finding_name(f->type), f->suspected ? "suspected" : "definite",
			       (unsigned long long)f->ts / 1000000000,
			       (unsigned long long)f->ts % 1000000000 / 1000,
			       f->device == IOREP_NONE ? "-" : model.devices[f->device].name,
			       f->message);
		}
	}
	if (fflush(stdout) != 0) {
		snprintf(err, sizeof(err), "standard output: %s", iorep_strerror(-IOREP_EOUTPUT));
		ret = -IOREP_EOUTPUT;
		goto fail;
	}
	if (!opts.quiet)
		iorep_input_print_warnings(in, stderr);
	status = 0;
	goto out;
fail:
	fprintf(stderr, "iommu-report: %s\n", err[0] ? err : iorep_strerror(ret));
out:
	iorep_model_release(&model);
	iorep_sysfs_groups_release(&groups);
	iorep_input_free(in);
	iorep_strtab_free(st);
	return status;
}
