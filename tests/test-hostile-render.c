// SPDX-License-Identifier: MIT
/*
 * Hostile names from the inputs to every output.  tests/data/hostile-render.txt
 * (the defects capture's text with its device, process and driver renamed,
 * and five more devices: markup, quotes, backslashes, escape sequences, a
 * tab, a carriage return, invalid UTF-8, bidirectional overrides, 4096
 * bytes), hostile-render-groups.txt (--sysfs) and hostile-render-lspci.txt
 * (--lspci), and a gen-trace trace.dat whose device name holds a newline,
 * go through the command line, and each output is checked for exactly how
 * each name comes out:
 *   text report      control bytes, invalid UTF-8, C1, U+2028/9 and bidi
 *                    controls as \n \t \xNN, a backslash as \\ (and nothing
 *                    else raw but '\n')
 *   --json, --events the JSON parses and gives back the original bytes, with
 *                    U+FFFD for each byte that is not UTF-8
 *   --events=text    the plugin's printer: \xNN for the same characters and
 *                    for a backslash
 *   --dot            read back by cgraph: one node per device, the label the
 *                    inert text with backslashes doubled and '&' as "&amp;"
 *   --html           no name as markup, the data block gives back the JSON
 *                    document, the drawing has the names as escaped text
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>
#include <graphviz/cgraph.h>

#include "iorep-render.h"
#include "test-util.h"

#define DATA IOREP_SOURCE_DIR "/tests/data/"
#define INPUTS                                                                                     \
	"--sysfs '" DATA "hostile-render-groups.txt' --lspci '" DATA "hostile-render-lspci.txt' "
#define TRACE DATA "hostile-render.txt"

/* The names as the inputs have them. */
#define D0 "\"><script>alert(1)</script>&amp;'\\\x1b[2J\xff\xfe\xe2\x80\xae"
#define COMM "ev'l\"<img src=x onerror=alert(2)>&\\\t\x1b]0;t\x07\xc3("
#define DRV "<b>drv&amp;\"'\\\x1b[1m"
#define D10 "a'b &amp; c\\d\te<u>"
#define D11 "\x1b[31mred\x1b[0m\x1b]0;title\x07\rover"
#define D12                                                                                        \
	"bad\xff\xfe\xc3(\xe2\x80\xae\xe2\x80\xa8"                                                 \
	"end"
#define D14 "}subgraph_cluster_z{\\l\\N\"];x[label=\""
#define D20 "<b>\"sys&fs'\\\xff<i>"
#define DESC "Evil <script>\"Corp\"</script> & 'Co' \\ \xff\xfe"

/* ... and in JSON: U+FFFD for each byte that is not UTF-8 */
#define FFFD "\xef\xbf\xbd"
#define D0_JSON "\"><script>alert(1)</script>&amp;'\\\x1b[2J" FFFD FFFD "\xe2\x80\xae"
#define COMM_JSON "ev'l\"<img src=x onerror=alert(2)>&\\\t\x1b]0;t\x07" FFFD "("
#define D12_JSON                                                                                   \
	"bad" FFFD FFFD FFFD "(\xe2\x80\xae\xe2\x80\xa8"                                           \
	"end"
#define D20_JSON "<b>\"sys&fs'\\" FFFD "<i>"
#define DESC_JSON "Evil <script>\"Corp\"</script> & 'Co' \\ " FFFD FFFD

/* ... and inert in the text report */
#define D0_TEXT "\"><script>alert(1)</script>&amp;'\\\\\\x1b[2J\\xff\\xfe\\xe2\\x80\\xae"
#define D10_TEXT "a'b &amp; c\\\\d\\te<u>"
#define D11_TEXT "\\x1b[31mred\\x1b[0m\\x1b]0;title\\x07\\rover"
#define D12_TEXT                                                                                   \
	"bad\\xff\\xfe\\xc3(\\xe2\\x80\\xae\\xe2\\x80\\xa8"                                        \
	"end"
#define D14_TEXT "}subgraph_cluster_z{\\\\l\\\\N\"];x[label=\""
#define D20_TEXT "<b>\"sys&fs'\\\\\\xff<i>"

static char tmpdir[256];

static void make_tmpdir(void)
{
	if (tmpdir[0])
		return;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/iorep-hostile-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
}

/* Runs iommu-report -q @args; returns its stdout (the caller frees it), exit status in *@status. */
static char *run(const char *args, int *status, size_t *len)
{
	char cmd[2048], out[600];
	int st;

	make_tmpdir();
	snprintf(out, sizeof(out), "%s/stdout", tmpdir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' -q %s > '%s'", tmpdir, IOREP_BIN, args, out);
	st = system(cmd);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return iorep_test_slurp(out, len);
}

/*
 * @len bytes at @s are valid UTF-8, hold no control byte but '\n' (and '\t'
 * when @tabs), no C1 control, no line or paragraph separator and no
 * bidirectional control.
 */
static bool inert(const char *s, size_t len, bool tabs)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	int n;

	while (i < len) {
		if (u[i] < 0x80) {
			if ((u[i] < 0x20 && u[i] != '\n' && !(tabs && u[i] == '\t')) ||
			    u[i] == 0x7f) {
				fprintf(stderr, "\nbyte 0x%02x at %zu\n", u[i], i);
				return false;
			}
			i++;
			continue;
		}
		n = iorep_utf8_char_len(s + i);
		if (!n || (u[i] == 0xc2 && u[i + 1] <= 0x9f) ||
		    (u[i] == 0xe2 && u[i + 1] == 0x80 && u[i + 2] >= 0xa8 && u[i + 2] <= 0xae) ||
		    (u[i] == 0xe2 && u[i + 1] == 0x81 && u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9)) {
			fprintf(stderr, "\nbad or unsafe UTF-8 at %zu\n", i);
			return false;
		}
		i += (size_t)n;
	}
	return true;
}

static bool has(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		return true;
	fprintf(stderr, "\nnot found: \"%s\"\n", needle);
	return false;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* The device named @name in document @doc's devices, or NULL. */
static const cJSON *device(const cJSON *doc, const char *name)
{
	const cJSON *d;

	cJSON_ArrayForEach(
		d, get(doc, "devices")) if (!strcmp(get(d, "name")->valuestring, name)) return d;
	fprintf(stderr, "\nno device \"%s\"\n", name);
	return NULL;
}

/* A name of 4096 bytes: "<", 4094 "A", ">". */
static char *long_name(void)
{
	char *s = malloc(4097);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	s[0] = '<';
	memset(s + 1, 'A', 4094);
	s[4095] = '>';
	s[4096] = '\0';
	return s;
}

/* ------------------------------------------------------------------------ */

static void test_text_report(void)
{
	char *out, *big = long_name(), line[4200];
	size_t len;
	int status;

	out = run(INPUTS "'" TRACE "'", &status, &len);
	CU_ASSERT_EQUAL(status, 1);
	CU_ASSERT_EQUAL(strlen(out), len);
	CU_ASSERT_TRUE(inert(out, len, false));
	CU_ASSERT_TRUE(has(out, "\n  group 9     " D0_TEXT "\n"));
	CU_ASSERT_TRUE(has(out, "\n  group 10    " D10_TEXT "\n"));
	CU_ASSERT_TRUE(has(out, "\n  group 11    " D11_TEXT "\n"));
	CU_ASSERT_TRUE(has(out, "\n  group 12    " D12_TEXT "\n"));
	snprintf(line, sizeof(line), "\n  group 13    %s\n", big);
	CU_ASSERT_TRUE(has(out, line));
	CU_ASSERT_TRUE(has(out, "\n  group 14    " D14_TEXT "\n"));
	CU_ASSERT_TRUE(has(out, "\n  group 20    " D20_TEXT "\n"));
	/* the lspci description */
	CU_ASSERT_TRUE(has(out, "\n    Evil <script>\"Corp\"</script> & 'Co' \\\\ \\xff\\xfe "
				"[8086:10d3]\n"));
	/* the process in a domain's name: cut (at 48 bytes) with a mark */
	CU_ASSERT_TRUE(
		has(out, "\n    -> user(ev'l\"<img src=x onerror=alert(2)>&\\\\\\t\\x1b]0.../386) "
			 "15.375\n"));
	/* ... and whole in a message, as is the driver */
	CU_ASSERT_TRUE(has(out,
			   "\n      user domain of ev'l\"<img src=x onerror=alert(2)>&\\\\\\t"
			   "\\x1b]0;t\\x07\\xc3( was\n      left at 15.849746, never unmapped\n"));
	CU_ASSERT_TRUE(has(out,
			   "\n    15.848495  " D0_TEXT "\n        0x100000\n      read fault of\n"
			   "      " D0_TEXT " at 0x100000"));
	free(out);
	free(big);
}

static void test_json(void)
{
	const cJSON *d, *f;
	char *out, *big = long_name();
	size_t len;
	int status, n = 0;
	cJSON *doc;

	out = run(INPUTS "--json - '" TRACE "'", &status, &len);
	CU_ASSERT_EQUAL(status, 1);
	CU_ASSERT_TRUE(inert(out, len, true));
	doc = cJSON_Parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(get(doc, "devices")), 8);
	CU_ASSERT_PTR_NOT_NULL(device(doc, D0_JSON));
	CU_ASSERT_PTR_NOT_NULL(device(doc, D10));
	CU_ASSERT_PTR_NOT_NULL(device(doc, D11));
	CU_ASSERT_PTR_NOT_NULL(device(doc, D12_JSON));
	CU_ASSERT_PTR_NOT_NULL(device(doc, big));
	CU_ASSERT_PTR_NOT_NULL(device(doc, D14));
	CU_ASSERT_PTR_NOT_NULL(device(doc, D20_JSON));
	d = device(doc, "0000:00:04.0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(get(d, "description")->valuestring, DESC_JSON);
	cJSON_ArrayForEach(d, get(doc, "domains")) if (cJSON_IsString(get(d, "owner_comm")))
		CU_ASSERT_STRING_EQUAL(get(d, "owner_comm")->valuestring, COMM_JSON);
	cJSON_ArrayForEach(f, get(doc, "findings"))
	{
		CU_ASSERT_STRING_EQUAL(get(f, "device")->valuestring, D0_JSON);
		n++;
	}
	CU_ASSERT_EQUAL(n, 10);
	/* escaped in the text, not raw: the escape, the tab, the quote */
	CU_ASSERT_TRUE(
		has(out, "\"ev'l\\\"<img src=x onerror=alert(2)>&\\\\\\t\\u001b]0;t\\u0007"));
	cJSON_Delete(doc);
	free(out);
	free(big);
}

static void test_events(void)
{
	char *out, *line, *nl;
	const cJSON *v;
	size_t len;
	int status, faults = 0, lines = 0;
	cJSON *ev;

	out = run("--events '" TRACE "'", &status, &len);
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT_TRUE(inert(out, len, false));
	for (line = out; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
		*nl = '\0';
		ev = cJSON_Parse(line);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
		lines++;
		v = get(ev, "comm");
		if (get(ev, "pid")->valuedouble == 386)
			CU_ASSERT_STRING_EQUAL(v->valuestring, COMM_JSON);
		if (!strcmp(get(ev, "event")->valuestring, "io_page_fault")) {
			CU_ASSERT_STRING_EQUAL(get(ev, "device")->valuestring, D0_JSON);
			CU_ASSERT_STRING_EQUAL(get(ev, "driver")->valuestring, DRV);
			faults++;
		}
		cJSON_Delete(ev);
	}
	CU_ASSERT_EQUAL(lines, 37);
	CU_ASSERT_EQUAL(faults, 1);
	free(out);

	/* as the plugin prints them */
	out = run("--events=text '" TRACE "'", &status, &len);
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT_TRUE(inert(out, len, false));
	CU_ASSERT_TRUE(has(out,
			   "\nev'l\"<img src=x onerror=alert(2)>&\\x5c\\x09\\x1b]0;t\\x07\\xc3("
			   "-386   [000]    15.848495: io_page_fault:        \"><script>alert(1)"
			   "</script>&amp;'\\x5c\\x1b[2J\\xff\\xfe\\xe2\\x80\\xae (<b>drv&amp;\"'"
			   "\\x5c\\x1b[1m): read at iova 0x100000, flags 0x0000\n"));
	CU_ASSERT_TRUE(has(out, ": add_device_to_group:  group 11: add \\x1b[31mred\\x1b[0m"
				"\\x1b]0;title\\x07\\x0dover\n"));
	CU_ASSERT_TRUE(has(out, ": add_device_to_group:  group 12: add bad\\xff\\xfe\\xc3("
				"\\xe2\\x80\\xae\\xe2\\x80\\xa8"
				"end\n"));
	free(out);
}

/* The label of node @name of @g, or "". */
static const char *label(Agraph_t *g, const char *name)
{
	Agnode_t *n = agnode(g, (char *)name, 0);

	if (!n) {
		fprintf(stderr, "\nno node %s\n", name);
		return "";
	}
	return agget(n, "label");
}

static void test_dot(void)
{
	char *out;
	size_t len;
	int status;
	Agraph_t *g;

	out = run(INPUTS "--at 15.5 --dot - '" TRACE "'", &status, &len);
	CU_ASSERT_EQUAL(status, 1);
	CU_ASSERT_TRUE(inert(out, len, true));
	g = agmemread(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	/* 8 devices, the user domain, the legend: no node, edge or attribute from a name */
	CU_ASSERT_EQUAL(agnnodes(g), 10);
	CU_ASSERT_PTR_NULL(agnode(g, "x", 0));
	/* in order of first sight: the sysfs groups, then the trace's */
	CU_ASSERT_STRING_EQUAL(label(g, "dev0"), "<b>\"sys&amp;fs'\\\\\\\\\\\\xff<i>\\ndma");
	CU_ASSERT_STRING_EQUAL(label(g, "dev1"),
			       "0000:00:04.0\\nEvil <script>\"Corp\"</script> &amp; 'Co' \\\\\\\\ "
			       "\\\\xff\\\\xfe\\nEthernet controller\\ndma");
	CU_ASSERT_STRING_EQUAL(label(g, "dev2"), "a'b &amp;amp; c\\\\\\\\d\\\\te<u>\\ndma");
	CU_ASSERT_STRING_EQUAL(label(g, "dev3"),
			       "\\\\x1b[31mred\\\\x1b[0m\\\\x1b]0;title\\\\x07\\\\rover\\ndma");
	CU_ASSERT_STRING_EQUAL(label(g, "dev4"),
			       "bad\\\\xff\\\\xfe\\\\xc3(\\\\xe2\\\\x80\\\\xae\\\\xe2\\\\x80\\\\xa8"
			       "end\\ndma");
	/* 64 columns at most: cut, and the cut marked */
	CU_ASSERT_STRING_EQUAL(
		label(g, "dev5"),
		"<AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...\\ndma");
	CU_ASSERT_STRING_EQUAL(label(g, "dev6"),
			       "}subgraph_cluster_z{\\\\\\\\l\\\\\\\\N\"];x[label=\"\\ndma");
	CU_ASSERT_STRING_EQUAL(
		label(g, "dev7"),
		"\"><script>alert(1)</script>&amp;amp;'\\\\\\\\\\\\x1b[2J\\\\xff\\\\xfe"
		"\\\\xe2\\\\x80\\\\xae\\nuser\\n10 findings");
	CU_ASSERT_STRING_EQUAL(
		label(g, "dom8"),
		"user domain 8\\nev'l\"<img src=x onerror=alert(2)>&amp;\\\\\\\\\\\\t"
		"\\\\x1b]0;t\\\\x07\\\\xc3( (pid 386)");
	agclose(g);
	free(out);
}

static void test_html(void)
{
	char *html, *json, *data, *end;
	size_t len, jlen;
	int status, n;
	cJSON *a, *b;
	const char *p;

	html = run(INPUTS "--html - '" TRACE "'", &status, &len);
	CU_ASSERT_EQUAL(status, 1);
	CU_ASSERT_TRUE(inert(html, len, true));
	/* no name as markup anywhere in the page */
	CU_ASSERT_PTR_NULL(strstr(html, "<script>alert"));
	CU_ASSERT_PTR_NULL(strstr(html, "<img"));
	CU_ASSERT_PTR_NULL(strstr(html, "<b>"));
	CU_ASSERT_PTR_NULL(strstr(html, "<i>"));
	CU_ASSERT_PTR_NULL(strstr(html, "<u>"));
	CU_ASSERT_PTR_NULL(strstr(html, "<AAAA"));
	for (n = 0, p = html; (p = strstr(p, "</script")); p++)
		n++;
	CU_ASSERT_EQUAL(n, 2); /* the data block's and the script's */
	/* the drawing has the names as text, escaped by graphviz */
	CU_ASSERT_TRUE(has(html, "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&#39;"));
	CU_ASSERT_TRUE(has(html, "Evil &lt;script&gt;&quot;Corp&quot;&lt;/script&gt; &amp; "));
	/* the data block is the --json document */
	data = strstr(html, "<script type=\"application/json\" id=\"iorep-data\">");
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	data = strchr(data, '>') + 1;
	end = strstr(data, "</script>");
	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	*end = '\0';
	CU_ASSERT_PTR_NULL(strpbrk(data, "<>&"));
	a = cJSON_Parse(data);
	json = run(INPUTS "--json - '" TRACE "'", &status, &jlen);
	b = cJSON_Parse(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_TRUE(cJSON_Compare(get(a, "devices"), get(b, "devices"), true));
	CU_ASSERT_TRUE(cJSON_Compare(get(a, "domains"), get(b, "domains"), true));
	CU_ASSERT_TRUE(cJSON_Compare(get(a, "findings"), get(b, "findings"), true));
	CU_ASSERT_PTR_NOT_NULL(device(a, D0_JSON));
	cJSON_Delete(a);
	cJSON_Delete(b);
	free(json);
	free(html);
}

/*
 * A newline in a name, which no text input can carry: a gen-trace
 * trace.dat whose device 0000:00:01.0 is renamed in place (same length).
 */
#define NL_NAME "a\nb\"<i>\x1b\\&'\t"

static void test_trace_dat_newline(void)
{
	char cmd[1200], path[600], *dat, *p, *out, args[700];
	size_t len, n = 0;
	int status;
	FILE *fp;
	cJSON *doc;
	const cJSON *d;

	make_tmpdir();
	snprintf(cmd, sizeof(cmd), "'%s' -n 2000 -d 4 -c 2 -D 0 --vfio 0 '%s/gen' > /dev/null",
		 IOREP_GEN_TRACE, tmpdir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/gen/trace.dat", tmpdir);
	dat = iorep_test_slurp(path, &len);
	CU_ASSERT_EQUAL_FATAL(strlen(NL_NAME), 12);
	for (p = dat; (p = memmem(p, len - (size_t)(p - dat), "0000:00:01.0", 12)); p += 12) {
		memcpy(p, NL_NAME, 12);
		n++;
	}
	CU_ASSERT_FATAL(n > 2);
	fp = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL_FATAL(fwrite(dat, 1, len, fp), len);
	CU_ASSERT_EQUAL_FATAL(fclose(fp), 0);
	free(dat);

	snprintf(args, sizeof(args), "'%s'", path);
	out = run(args, &status, &len);
	CU_ASSERT_TRUE(inert(out, len, false));
	CU_ASSERT_TRUE(has(out, "\n  group 1     a\\nb\"<i>\\x1b\\\\&'\\t\n"));
	free(out);
	snprintf(args, sizeof(args), "--json - '%s'", path);
	out = run(args, &status, &len);
	doc = cJSON_Parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	d = device(doc, NL_NAME);
	CU_ASSERT_PTR_NOT_NULL(d);
	cJSON_Delete(doc);
	free(out);
	snprintf(args, sizeof(args), "--events '%s'", path);
	out = run(args, &status, &len);
	CU_ASSERT_TRUE(inert(out, len, false));
	CU_ASSERT_TRUE(has(out, "\"device\":\"a\\nb\\\"<i>\\u001b\\\\&'\\t\""));
	free(out);
	snprintf(args, sizeof(args), "--events=text '%s'", path);
	out = run(args, &status, &len);
	CU_ASSERT_TRUE(inert(out, len, false));
	CU_ASSERT_TRUE(has(out, "group 1: add a\\x0ab\"<i>\\x1b\\x5c&'\\x09\n"));
	free(out);
	snprintf(args, sizeof(args), "--dot - '%s'", path);
	out = run(args, &status, &len);
	CU_ASSERT_TRUE(inert(out, len, true));
	CU_ASSERT_TRUE(has(out, "label=\"a\\\\nb\\\"<i>\\\\x1b\\\\\\\\&amp;'\\\\t\\n"));
	free(out);
	snprintf(args, sizeof(args), "--html - '%s'", path);
	out = run(args, &status, &len);
	CU_ASSERT_TRUE(inert(out, len, true));
	CU_ASSERT_PTR_NULL(strstr(out, "<i>"));
	free(out);
}

int main(void)
{
	static const struct iorep_test tests[] = {
		{"text report", test_text_report},
		{"--json", test_json},
		{"--events and --events=text", test_events},
		{"--dot", test_dot},
		{"--html", test_html},
		{"trace.dat: a newline in a name", test_trace_dat_newline},
		{NULL, NULL},
	};
	char cmd[300];
	int ret = iorep_test_main("hostile names in every output", tests);

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			ret = ret ? ret : 1;
	}
	return ret;
}
