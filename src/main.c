// SPDX-License-Identifier: MIT
/*
 * iommu-report: the command line.  The only file that exits.
 *
 * Exit status: 0 no finding at or above --fail-on (or, with --baseline,
 * nothing new or worse), 1 findings, 2 bad usage or unreadable input (with a
 * one-line reason on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "iorep-error.h"
#include "iorep-graph.h"
#include "iorep-input.h"
#include "iorep-kmsg.h"
#include "iorep-message.h"
#include "iorep-model.h"
#include "iorep-output.h"
#include "iorep-pci.h"
#include "iorep-progress.h"
#include "iorep-render.h"
#include "iorep-report.h"
#include "iorep-strtab.h"
#include "json-util.h"

enum { EXIT_FINDINGS = 1, EXIT_BAD = 2 };
enum { AT_END, AT_ABS, AT_REL };

struct options {
	const char *input;
	const char *sysfs;
	const char *lspci;
	const char *dmesg;	/* --dmesg: the kernel log, for the faults it reports */
	const char *json;	/* NULL: none; "-": stdout */
	const char *baseline;
	const char *dot, *svg, *png, *html;
	const char *machine;	/* --machine, else NULL: the input's */
	const char *at;		/* --at as given, for messages */
	int at_mode;		/* AT_END, AT_ABS, AT_REL */
	uint64_t at_ns;
	int fail_on;		/* enum iorep_severity */
	int events;	/* EVENTS_* */
	int summary;
	int quiet;
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: iommu-report [OPTIONS] FILE\n"
		"\n"
		"Reads an IOMMU trace capture (trace.dat of any version, compressed or not,\n"
		"or ftrace text: the kernel's trace/trace_pipe, trace-cmd report output, perf\n"
		"script output, dmesg with tp_printk; gzip/xz/zstd text too), rebuilds the\n"
		"IOMMU groups, each device's domains and the live mappings, and reports what\n"
		"went wrong.\n"
		"FILE \"-\" reads standard input.\n"
		"\n"
		"  --sysfs PATH         seed the topology with `find /sys/kernel/iommu_groups/\n"
		"                       -type l` output, or a live /sys/kernel/iommu_groups;\n"
		"                       `grep -H . .../type` lines in it mark identity groups\n"
		"  --lspci FILE         name devices and find bridges from `lspci -nn` output\n"
		"  --dmesg FILE         the traced run's kernel log (dmesg, journalctl -k -o\n"
		"                       short-monotonic): IOMMU faults it reports (VT-d,\n"
		"                       virtio-iommu, SMMUv3, AMD-Vi) join the trace\n"
		"  --json [PATH]        write the JSON document to PATH (default, or \"-\": stdout)\n"
		"  --dot PATH           write the topology graph as graphviz DOT\n"
		"  --svg PATH           ... laid out and drawn as SVG\n"
		"  --png PATH           ... laid out and drawn as PNG\n"
		"  --at TIME            draw the domains of that moment: seconds as the\n"
		"                       reports print them (1234.567890), +SECONDS from the\n"
		"                       first event, \"start\" or \"end\" (default: end)\n"
		"  --html PATH          write one self-contained HTML report\n"
		"  --machine NAME       the traced machine, as `uname -m` names it (x86_64,\n"
		"                       aarch64, ...), for an input that does not say it\n"
		"                       (text); it overrides a trace.dat's\n"
		"  --fail-on SEVERITY   exit 1 on findings at or above error|warning|info\n"
		"                       (default: error)\n"
		"  --baseline OLD.json  exit 1 only on findings or counts that are new or worse\n"
		"                       than in OLD.json (written by --json), and say which\n"
		"  --events[=FORMAT]    print the iommu/dma events instead of the report:\n"
		"                       json (default, JSON lines) or text (as trace-cmd\n"
		"                       report prints them with plugin_iommu)\n"
		"  --summary            print only the input summary (events per type)\n"
		"  -q, --quiet          no warnings and no progress line on stderr\n"
		"  -h, --help           this help\n"
		"  -V, --version        the version\n"
		"\n"
		"Exit status: 0 no findings (at or above --fail-on), 1 findings, 2 bad usage\n"
		"or unreadable input.\n");
}

enum { EVENTS_NONE, EVENTS_JSON, EVENTS_TEXT };

/*
 * --events: every iommu/dma event of @in on stdout, as JSON lines or as
 * text lines printed by the plugin's printer (as `trace-cmd report` prints
 * them with plugin_iommu).
 */
static int list_events(struct iorep_input *in, int mode, char *err, size_t errsize)
{
	struct iorep_print_opts po = IOREP_PRINT_OPTS_DEFAULT;
	const struct iorep_event *ev;
	struct trace_seq s;
	int ret, wret = 0;

	if (iorep_input_info(in)->page_size)
		po.page_size = iorep_input_info(in)->page_size;
	trace_seq_init(&s);
	while ((ret = iorep_input_next_ref(in, &ev)) > 0) {
		if (ev->type == IOREP_EV_STACK) /* read into the findings, not listed */
			continue;
		if (mode == EVENTS_TEXT)
			wret = iorep_event_write_text_line(ev, &po, &s, stdout);
		else
			wret = iorep_event_write_json_line(ev, stdout);
		if (wret < 0)
			break;
	}
	trace_seq_destroy(&s);
	if (wret < 0) {
		snprintf(err, errsize, "standard output: %s", iorep_strerror(wret));
		return wret;
	}
	return ret;
}

/*
 * Reads @in on a thread of its own while this one feeds the model, unless
 * IOREP_READ_AHEAD=0 says not to or this process may run on one CPU only.
 * With @stage, that thread runs the model's first stage too (the model
 * thread is the busier one); returns whether it does.
 */
static bool start_read_ahead(struct iorep_input *in, struct iorep_stage *stage)
{
	const char *env = getenv("IOREP_READ_AHEAD");
	cpu_set_t cpus;

	if (env && !strcmp(env, "0"))
		return false;
	if (!sched_getaffinity(0, sizeof(cpus), &cpus) && CPU_COUNT(&cpus) < 2)
		return false;
	if (stage && iorep_model_stage_new(stage) == 0 &&
	    iorep_input_read_ahead_staged(in, stage) == 0)
		return true;
	if (stage)
		iorep_model_stage_free(stage);
	/* no thread: the input is read in this one, as with IOREP_READ_AHEAD=0 */
	(void)iorep_input_read_ahead(in);
	return false;
}

/* Is argv[i] a value of the option before it (one that takes an argument)? */
static int is_option_value(char **argv, int i)
{
	static const char *const with_arg[] = { "--sysfs", "--lspci", "--dmesg", "--fail-on", "--baseline",
						       "--dot",	  "--svg",   "--png",	  "--html",
						       "--at" };
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

/*
 * --at: "end", "start" (+0), "+S[.F]" from the first event, "S[.F]" as the
 * reports print times.  Exact to the nanosecond: no floating point.
 */
static int parse_at(const char *s, int *mode, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0, scale = 100000000;
	const char *p = s;

	if (!strcmp(s, "end")) {
		*mode = AT_END;
		return 0;
	}
	if (!strcmp(s, "start")) {
		*mode = AT_REL;
		*ns = 0;
		return 0;
	}
	*mode = AT_ABS;
	if (*p == '+') {
		*mode = AT_REL;
		p++;
	}
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (sec > (UINT64_MAX / 1000000000 - 9) / 10)
			return -1;
		sec = sec * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac += (uint64_t)(*p - '0') * scale;
	}
	if (*p)
		return -1;
	*ns = sec * 1000000000 + frac;
	return 0;
}

/*
 * getopt_long()'s complaint, said by us (opterr is 0: getopt would print the
 * argument raw): @c is '?' or ':' (an argument missing), @arg the element
 * getopt was on, @opt its optopt (0 for an unknown or ambiguous long option).
 */
static void bad_option(int c, const char *arg, int opt)
{
	const char *eq = strchr(arg, '=');

	if (c == ':')
		iorep_message(stderr, "option '%s' needs an argument", arg);
	else if (!opt)
		iorep_message(stderr, "unknown or ambiguous option '%s'", arg);
	else if (!strncmp(arg, "--", 2) && eq)
		iorep_message(stderr, "option '%.*s' takes no argument", (int)(eq - arg), arg);
	else
		iorep_message(stderr, "unknown option '-%c'", opt);
}

/* Whether @s can be a machine's name, as uname -m gives it: [A-Za-z0-9_.-]{1,64}. */
static bool machine_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	return n > 0 && n <= 64 && !s[n];
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "events", optional_argument, NULL, 'e' },
		{ "summary", no_argument, NULL, 'S' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "lspci", required_argument, NULL, 'l' },
		{ "dmesg", required_argument, NULL, 'k' },
		{ "json", optional_argument, NULL, 'j' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "dot", required_argument, NULL, 'D' },
		{ "svg", required_argument, NULL, 'G' },
		{ "png", required_argument, NULL, 'P' },
		{ "html", required_argument, NULL, 'H' },
		{ "at", required_argument, NULL, 'A' },
		{ "machine", required_argument, NULL, 'M' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int operands = count_operands(argc, argv);
	int c;

	o->fail_on = IOREP_SEV_ERROR;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (!optarg || !strcmp(optarg, "json")) {
				o->events = EVENTS_JSON;
			} else if (!strcmp(optarg, "text")) {
				o->events = EVENTS_TEXT;
			} else {
				iorep_message(stderr, "--events=%s: not json or text", optarg);
				return -1;
			}
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
		case 'k':
			o->dmesg = optarg;
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
				iorep_message(stderr,
					      "--fail-on: \"%s\" is not error, warning or info",
					      optarg);
				return -1;
			}
			break;
		case 'b':
			o->baseline = optarg;
			break;
		case 'D':
			o->dot = optarg;
			break;
		case 'G':
			o->svg = optarg;
			break;
		case 'P':
			o->png = optarg;
			break;
		case 'H':
			o->html = optarg;
			break;
		case 'A':
			o->at = optarg;
			if (parse_at(optarg, &o->at_mode, &o->at_ns) < 0) {
				iorep_message(stderr,
					      "--at: \"%s\" is not seconds (1234.5), +seconds, "
					      "start or end",
					      optarg);
				return -1;
			}
			break;
		case 'M':
			o->machine = optarg;
			if (!machine_name(optarg)) {
				iorep_message(stderr,
					      "--machine: \"%s\" is not a machine name, as uname -m "
					      "gives it (x86_64, aarch64, ...)",
					      optarg);
				return -1;
			}
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
			bad_option(c, argv[optind - 1], optopt);
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		iorep_message(stderr, "%s",
			      optind == argc ? "no input file (use - for stdin)"
					     : "one input file only");
		return -1;
	}
	o->input = argv[optind];
	return 0;
}

/* What the output callbacks write. */
struct out_ctx {
	const struct iorep_model *m;
	struct iorep_input *in;
	const char *data;	/* a rendered graph */
	size_t len;
};

static int put_json(FILE *fp, void *arg)
{
	struct out_ctx *c = arg;

	return iorep_report_json(c->m, iorep_input_info(c->in), iorep_input_stats(c->in), fp);
}

static int put_data(FILE *fp, void *arg)
{
	struct out_ctx *c = arg;

	return fwrite(c->data, 1, c->len, fp) == c->len ? 0 : -IOREP_EOUTPUT;
}

static int put_html(FILE *fp, void *arg)
{
	struct out_ctx *c = arg;

	return iorep_report_html(c->m, iorep_input_info(c->in), iorep_input_stats(c->in), c->data,
				 c->len, fp);
}

#define NINPUTS 5
/* 10^18 ns: a time past it is a time of day (2001 on), not an uptime (31 years) */
#define TIME_OF_DAY_NS 1000000000000000000ull

/* Every input path the options name (NULL where none). */
static void inputs_of(const struct options *o, const char *ins[NINPUTS])
{
	ins[0] = o->input;
	ins[1] = o->baseline;
	ins[2] = o->sysfs;
	ins[3] = o->lspci;
	ins[4] = o->dmesg;
}

/* The output paths, none of which may name an input. */
static const char *overwrites_input(const struct options *o)
{
	const char *outs[] = { o->json, o->dot, o->svg, o->png, o->html };
	const char *ins[NINPUTS];
	size_t i, k;

	inputs_of(o, ins);
	for (i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		for (k = 0; k < NINPUTS; k++)
			if (iorep_output_same_file(outs[i], ins[k]))
				return outs[i];
	return NULL;
}

/* Two inputs that both read standard input ("-"). */
static bool stdin_twice(const struct options *o)
{
	const char *ins[NINPUTS];
	size_t i;
	int n = 0;

	inputs_of(o, ins);
	for (i = 0; i < NINPUTS; i++)
		n += ins[i] && !strcmp(ins[i], "-");
	return n > 1;
}

/* An output written to standard output leaves no room for the text report. */
static int stdout_taken(const struct options *o)
{
	const char *outs[] = { o->json, o->dot, o->svg, o->png, o->html };
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		if (outs[i] && !strcmp(outs[i], "-"))
			n++;
	return n;
}

/* The trace time --at names, in the model's clock. */
static uint64_t at_time(const struct options *o, const struct iorep_model *m)
{
	switch (o->at_mode) {
	case AT_ABS:
		return o->at_ns;
	case AT_REL:
		return (m->events ? m->first_ts : 0) + o->at_ns;
	default:
		return IOREP_TS_OPEN;
	}
}

/* --dot, --svg, --png and --html: the graph is rendered once per format. */
static int write_drawings(const struct options *o, const struct iorep_model *m,
			  struct iorep_input *in, char *err, int errlen)
{
	const char *fmts[] = { "dot", "svg", "png" };
	const char *paths[] = { o->dot, o->svg, o->png };
	struct iorep_graph_opts gopts = { .at = at_time(o, m) };
	struct out_ctx c = { .m = m, .in = in };
	struct iorep_graphviz *gv = NULL;
	char *data = NULL;
	int i, ret = 0;

	bool laid_out = o->svg || o->png || o->html;	/* DOT needs no layout */

	if (!o->dot && !laid_out)
		return 0;
	gopts.ids = iorep_pciids_new(NULL);
	/* one graphviz context for every drawing (see iorep_graphviz_new()) */
	if (laid_out)
		gv = iorep_graphviz_new();
	if (!gopts.ids || (laid_out && !gv)) {
		iorep_pciids_free(gopts.ids);
		iorep_graphviz_free(gv);
		return -IOREP_ENOMEM;
	}
	for (i = 0; i < 3 && !ret; i++) {
		if (!paths[i])
			continue;
		ret = iorep_graph_render(gv, m, &gopts, fmts[i], &data, &c.len, err, errlen);
		if (!ret) {
			c.data = data;
			ret = iorep_output_write(paths[i], put_data, &c, err, errlen);
		}
		free(data);
		data = NULL;
	}
	if (!ret && o->html) {
		/* the page's drawing is of the end of the trace unless --at says otherwise */
		ret = iorep_graph_render(gv, m, &gopts, "svg", &data, &c.len, err, errlen);
		if (ret == -IOREP_EOUTPUT || ret == -IOREP_ELIMIT) {
			/* a page without the drawing is still worth having */
			if (!o->quiet)
				iorep_message(stderr, "warning: %s", err);
			err[0] = '\0';
			ret = 0;
			c.len = 0;
		}
		c.data = data;
		if (!ret)
			ret = iorep_output_write(o->html, put_html, &c, err, errlen);
		free(data);
	}
	iorep_pciids_free(gopts.ids);
	iorep_graphviz_free(gv);
	return ret;
}

/* Why the model stopped at the event at @pos: the file, that position, and the limit it reached. */
static void model_error(char *err, size_t len, const struct iorep_model *m, struct iorep_input *in,
			uint64_t pos, int ret)
{
	const struct iorep_input_info *info = iorep_input_info(in);

	if (ret == -IOREP_ELIMIT && m->limit)
		snprintf(err, len,
			 "%s: %s %" PRIu64 ": more %s than iommu-report holds (%" PRIu64 ")",
			 info->path, info->pos_unit, pos, m->limit, m->limit_max);
	else
		snprintf(err, len, "%s: %s %" PRIu64 ": %s", info->path, info->pos_unit, pos,
			 iorep_strerror(ret));
}

/*
 * Every event of @in into @model, the progress line drawn as it goes: a
 * block at a time when the stage ran on the reader's thread, else one by
 * one.  Returns 0, or a negative code with the message in @err (the input
 * writes its own there).
 */
static int model_input(struct iorep_input *in, bool staged, struct iorep_model *model,
		       struct iorep_progress *progress, char *err, size_t len)
{
	struct iorep_stage_batch batch;
	const struct iorep_event *ev;
	uint64_t done, total, pos = 0;
	bool tick;
	int ret;

	for (;;) {
		ret = staged ? iorep_input_next_batch(in, &batch) : iorep_input_next_ref(in, &ev);
		if (ret <= 0)
			return ret;
		tick = staged ? iorep_progress_ticks(progress, batch.n)
			      : iorep_progress_tick(progress);
		if (tick) {
			iorep_input_progress(in, &done, &total);
			iorep_progress_update(progress, done);
		}
		if (staged) {
			ret = iorep_model_apply_batch(model, &batch, &pos);
		} else {
			pos = ev->pos;
			ret = iorep_model_feed(model, ev);
		}
		if (ret < 0) {
			model_error(err, len, model, in, pos, ret);
			return ret;
		}
	}
}

/*
 * Whether a trace clock counts the time the kernel log's does (local_clock()):
 * "local", "global" and "perf" do; an unknown one (text) is taken as they do.
 */
static bool kmsg_clock_ok(const char *clock)
{
	return !clock || !strcmp(clock, "local") || !strcmp(clock, "global") ||
	       !strcmp(clock, "perf");
}

/* What the lines of a --sysfs or --lspci input are, for its messages. */
struct topo_kind {
	const char *one;	/* "an iommu_groups entry" */
	const char *many;	/* "iommu_groups entries" */
};

/*
 * Why the side file @path could not be read (@ret < 0), in @err; errno,
 * zeroed before the reader ran, says why it could not be opened.
 */
static void side_file_error(const char *path, int ret, char *err, size_t len)
{
	int e = errno;

	if (ret == -IOREP_EOPEN && e)
		snprintf(err, len, "%s: cannot open: %s", path, strerror(e));
	else if (ret == -IOREP_ELIMIT)
		snprintf(err, len, "%s: larger than %u MiB (decompressed), more than is read of it",
			 path, IOREP_SNAPSHOT_MAX >> 20);
	else
		snprintf(err, len, "%s: %s", path, iorep_strerror(ret));
}

/*
 * After reading --sysfs or --lspci @path (@ret, @bad lines not understood,
 * the first at line @first; 0 for a --sysfs directory's entries): a file
 * none of whose lines is understood (-IOREP_EPARSE) is an error naming the
 * first line, in @err; bad lines among good ones are skipped with a warning
 * that counts them and names the first.  Returns @ret.
 */
static int topo_input_done(const struct options *o, const char *path, const struct topo_kind *k,
			   uint64_t bad, uint64_t first, int ret, char *err, size_t len)
{
	if (ret == -IOREP_EPARSE && first)
		snprintf(err, len, "%s: line %" PRIu64 ": not %s (nor is any other line)", path,
			 first, k->one);
	else if (ret == -IOREP_EPARSE)
		snprintf(err, len, "%s: no GROUP/devices/NAME entry in the directory", path);
	else if (ret < 0)
		side_file_error(path, ret, err, len);
	if (ret < 0 || !bad || o->quiet)
		return ret;
	if (!first)
		iorep_message(stderr, "warning: %s: %" PRIu64 " %s not GROUP/devices/NAME; skipped",
			      path, bad, bad == 1 ? "entry is" : "entries are");
	else
		iorep_message(stderr,
			      "warning: %s: %" PRIu64 " %s not %s (%sline %" PRIu64 "); skipped",
			      path, bad, bad == 1 ? "line is" : "lines are",
			      bad == 1 ? k->one : k->many, bad == 1 ? "" : "the first: ", first);
	return ret;
}

/* In JSON mode on stdout an error is JSON too. */
static void json_error(const struct options *o, const char *msg)
{
	char *s, *inert = NULL;
	cJSON *doc;

	if (!o->json || strcmp(o->json, "-"))
		return;
	doc = cJSON_CreateObject();
	if (!doc)
		return;
	cJSON_AddStringToObject(doc, "schema_version", IOREP_JSON_SCHEMA_VERSION);
	/* a file name is the user's: bad UTF-8 as U+FFFD, what a terminal acts on escaped */
	iorep_json_add_str(doc, "error", msg);
	s = cJSON_PrintUnformatted(doc);
	if (s && !iorep_json_inert(s, &inert))
		printf("%s\n", inert ? inert : s);
	free(inert);
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

/*
 * Every fault of the log outside the trace's span, whose times are past
 * any uptime (a text trace of trace-cmd record --date, whose offset the
 * text does not give): said, as the likely reason.
 */
static void kmsg_all_outside(const struct iorep_input *in)
{
	const struct iorep_input_stats *s = iorep_input_stats(in);
	const struct iorep_input_info *info = iorep_input_info(in);

	if (!info->kernel_log || s->kmsg_faults || !s->kmsg_outside ||
	    s->first_ts < TIME_OF_DAY_NS)
		return;
	iorep_message(stderr,
		      "warning: %s: none of its faults is in the trace's span, whose times are "
		      "times of day (trace-cmd record --date?), not the kernel's: give "
		      "the trace.dat, or the text of trace-cmd report --nodate",
		      info->kernel_log);
}

int main(int argc, char **argv)
{
	static const struct topo_kind groups_kind = { "an iommu_groups entry",
						      "iommu_groups entries" };
	static const struct topo_kind lspci_kind = { "lspci output", "lspci output" };
	struct options opts = { 0 };
	struct iorep_strtab *st = NULL;
	struct iorep_input *in = NULL;
	struct iorep_sysfs_groups groups;
	struct iorep_lspci lspci;
	struct iorep_kmsg kmsg = { 0 };
	struct iorep_model model;
	struct iorep_stage stage = {0};
	bool staged;
	struct iorep_progress progress = { 0 };
	uint64_t done, total;
	FILE *out = stdout;
	char err[512];
	int ret, status = EXIT_BAD;

	if (parse_args(argc, argv, &opts) < 0)
		return EXIT_BAD;
	if (stdout_taken(&opts) > 1) {
		iorep_message(stderr, "only one output can go to standard output");
		return EXIT_BAD;
	}
	if (stdin_twice(&opts)) {
		iorep_message(stderr, "only one input can come from standard input");
		return EXIT_BAD;
	}
	if (overwrites_input(&opts)) {
		iorep_message(stderr, "%s would overwrite an input; not writing",
			      overwrites_input(&opts));
		return EXIT_BAD;
	}
	st = iorep_strtab_new();
	if (!st) {
		iorep_message(stderr, "%s", iorep_strerror(-IOREP_ENOMEM));
		return EXIT_BAD;
	}
	iorep_model_init(&model, st);
	iorep_sysfs_groups_init(&groups);
	iorep_lspci_init(&lspci);
	err[0] = '\0';
	if (opts.lspci) {
		errno = 0;
		ret = iorep_lspci_read_file(&lspci, opts.lspci);
		ret = topo_input_done(&opts, opts.lspci, &lspci_kind, lspci.bad,
				      lspci.first_bad_line, ret, err, sizeof(err));
		if (ret < 0)
			goto fail;
	}
	if (opts.sysfs) {
		errno = 0;
		ret = iorep_sysfs_groups_load(&groups, opts.sysfs);
		ret = topo_input_done(&opts, opts.sysfs, &groups_kind, groups.bad,
				      groups.first_bad_line, ret, err, sizeof(err));
		if (ret < 0)
			goto fail;
		ret = iorep_model_seed_groups(&model, &groups);
		if (ret < 0)
			goto fail;
	}
	if (opts.dmesg) {
		uint64_t line;

		errno = 0;
		ret = iorep_kmsg_read_file(&kmsg, opts.dmesg, st, &line);
		if (ret == -IOREP_EPARSE)
			snprintf(err, sizeof(err),
				 "%s: line %" PRIu64 ": an IOMMU fault without a time; give the "
				 "log as dmesg prints it (not dmesg -T), or journalctl -k -o "
				 "short-monotonic",
				 opts.dmesg, line);
		else if (ret < 0)
			side_file_error(opts.dmesg, ret, err, sizeof(err));
		if (ret < 0)
			goto fail;
		if (kmsg.lines && !kmsg.timed && !kmsg.untimed && !opts.quiet)
			iorep_message(stderr,
				      "warning: %s: no line has a kernel log's time (\"[seconds]\", "
				      "or a /dev/kmsg record): is it the kernel log?",
				      opts.dmesg);
		if (kmsg.untimed && !opts.quiet)
			iorep_message(stderr,
				      "warning: %s: %" PRIu64 " IOMMU fault line%s without a time "
				      "(line %" PRIu64 "); skipped",
				      opts.dmesg, kmsg.untimed, kmsg.untimed == 1 ? "" : "s",
				      kmsg.first_untimed);
	}
	ret = iorep_input_open(&in, opts.input, st, err, sizeof(err));
	if (ret < 0)
		goto fail;
	if (opts.dmesg && (ret = iorep_input_add_kmsg(in, &kmsg, opts.dmesg)) < 0)
		goto fail;
	/* a tp_printk kernel's log has the faults among the events: they are read too */
	if (!opts.dmesg && (ret = iorep_input_own_kmsg(in)) < 0)
		goto fail;
	if (opts.dmesg && !opts.quiet && !kmsg_clock_ok(iorep_input_info(in)->trace_clock))
		iorep_message(stderr,
			      "warning: %s: its times are the kernel's local clock, the trace's "
			      "are %s: its faults may be placed at the wrong moment",
			      opts.dmesg, iorep_input_info(in)->trace_clock);
	if (opts.dmesg && !opts.quiet && iorep_input_info(in)->ts_offset_unknown)
		iorep_message(stderr,
			      "warning: %s: the trace.dat's options are compressed, and an offset "
			      "they may add to its times (trace-cmd record --date) is not known: "
			      "its faults may be placed at the wrong moment",
			      opts.dmesg);
	ret = iorep_model_set_machine(&model, opts.machine ? opts.machine
							 : iorep_input_info(in)->machine);
	if (ret < 0)
		goto fail;
	staged = start_read_ahead(in, opts.events ? NULL : &stage);
	if (opts.events) {
		ret = list_events(in, opts.events, err, sizeof(err));
		if (ret < 0)
			goto fail;
	}
	iorep_input_progress(in, &done, &total);
	iorep_progress_init(&progress, stderr, !opts.quiet && isatty(STDERR_FILENO), total);
	ret = opts.events ? 0 : model_input(in, staged, &model, &progress, err, sizeof(err));
	iorep_progress_done(&progress);
	if (ret < 0)
		goto fail;
	if (!opts.quiet)
		iorep_input_print_warnings(in, stderr);
	if (!opts.quiet)
		kmsg_all_outside(in);
	if (opts.events) {
		status = 0;
		goto flush;
	}
	ret = iorep_model_finish(&model);
	if (ret < 0) {
		snprintf(err, sizeof(err), "%s: %s", opts.input, iorep_strerror(ret));
		goto fail;
	}
	if (iorep_input_stats(in)->truncated || iorep_input_stats(in)->damaged)
		iorep_model_set_incomplete(&model);
	ret = iorep_model_apply_lspci(&model, &lspci);
	if (ret < 0)
		goto fail;
	if (opts.json) {
		struct out_ctx c = { .m = &model, .in = in };

		ret = iorep_output_write(opts.json, put_json, &c, err, sizeof(err));
		if (ret < 0)
			goto fail;
	}
	if (stdout_taken(&opts))
		out = stderr;	/* keep stdout the one document asked for */
	ret = write_drawings(&opts, &model, in, err, sizeof(err));
	if (ret < 0)
		goto fail;
	if (opts.summary)
		iorep_summary_print(in, out);
	else if (!stdout_taken(&opts))
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
	iorep_progress_done(&progress);
	status = EXIT_BAD;
	if (!err[0])
		snprintf(err, sizeof(err), "%s", iorep_strerror(ret));
	json_error(&opts, err);
	iorep_message(stderr, "%s", err);
out:
	iorep_model_release(&model);
	iorep_sysfs_groups_release(&groups);
	iorep_lspci_release(&lspci);
	iorep_input_free(in);
	iorep_kmsg_release(&kmsg);
	iorep_model_stage_free(&stage); /* the reader's thread ran it until iorep_input_free() */
	iorep_strtab_free(st);
	return status;
}
