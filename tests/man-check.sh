#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The man page against the program: every option `BIN --help` lists is a
# .TP entry of the page's OPTIONS section with the same option names and
# argument ("--json [PATH]", "-q, --quiet"), the page documents no option
# --help lacks, no "--option" the page mentions anywhere else is unknown to
# --help, the messages the page quotes for damaged input are the program's own
# (run on such input built from samples/), and `groff -man -ww -z` prints no
# warning.  One line per problem, exit 1 if there is any.
#
#   tests/man-check.sh BIN MANPAGE
#
# Options of other commands (cmake --install, ...) are skipped when the
# command starts the source line or the shell segment (after |, ;, &&) they
# are on; see FOREIGN below.  Exits 77 (skip) when groff is not installed.
# MAN_CHECK_DEBUG=1 prints what it read from the page on stderr.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: tests/man-check.sh BIN MANPAGE" >&2
	exit 2
fi
bin=$1
page=$2

if ! command -v groff >/dev/null; then
	echo "man-check: groff is not installed (Debian: groff-base); skipping"
	exit 77
fi
if [ ! -r "$page" ]; then
	echo "man-check: $page: cannot read"
	exit 1
fi
if ! help=$("$bin" --help 2>&1); then
	echo "man-check: $bin --help failed"
	exit 1
fi

# Commands whose options the page may show besides iommu-report's.
FOREIGN="cmake ctest make trace-cmd perf groff man apt-get"

fail=0
problem() {
	echo "man-check: $*"
	fail=1
}

# --help's option entries: two spaces, then "--name ARG" or "-x, --name",
# up to the description (two or more spaces) or the end of the line.
declare -A help_tag=()
while IFS= read -r line; do
	tag=${line#  }
	tag=${tag%%  *}
	name=$(grep -o -- '--[a-z][a-z0-9-]*' <<<"$tag" | head -n1)
	help_tag[$name]=$tag
done < <(grep -E -- '^  (-[A-Za-z], )?--[a-z]' <<<"$help")
# Every long option --help names, in entries or in descriptions.
declare -A help_any=()
while read -r name; do
	help_any[$name]=1
done < <(grep -o -- '--[a-z][a-z0-9-]*' <<<"$help")
if [ ${#help_tag[@]} -eq 0 ]; then
	echo "man-check: $bin --help lists no long options"
	exit 1
fi

# The page, read as roff: "TAG<TAB>tag" for each .TP/.TQ tag of OPTIONS,
# "MENTION<TAB>--name<TAB>line" for each --name elsewhere.
man_records=$(awk -v foreign="$FOREIGN" '
function args_of(s,    out, i, c, n, q, a) {
	# the arguments of a macro line, as groff splits them, SUBSEP-joined
	n = 0
	i = 1
	while (i <= length(s)) {
		c = substr(s, i, 1)
		if (c == " " || c == "\t") { i++; continue }
		a = ""
		if (c == "\"") {
			for (i++; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c == "\"") {
					if (substr(s, i + 1, 1) == "\"") { a = a "\""; i++; continue }
					i++
					break
				}
				a = a c
			}
		} else {
			for (; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c == " " || c == "\t")
					break
				if (c == "\\") { a = a substr(s, i, 2); i++; continue }
				a = a c
			}
		}
		out = out (n++ ? SUBSEP : "") a
	}
	return out
}
function plain(s) {
	# roff escapes to the characters they print
	gsub(/\\f\[[^]]*\]/, "", s)
	gsub(/\\f\(../, "", s)
	gsub(/\\f./, "", s)
	gsub(/\\\(dq/, "\"", s)
	gsub(/\\\(aq/, "\047", s)
	gsub(/\\-/, "-", s)
	gsub(/\\[&%|^]/, "", s)
	gsub(/\\[ ~]/, " ", s)
	gsub(/\\e/, "\\", s)
	return s
}
function text_of(line,    m, rest, n, i, a, out, sep) {
	# what a source line prints: font macros joined as groff joins them
	if (line !~ /^[.\047]/)
		return plain(line)
	m = substr(line, 2)
	sub(/^[ \t]*/, "", m)
	rest = m
	sub(/[ \t].*$/, "", m)
	sub(/^[^ \t]*[ \t]*/, "", rest)
	sep = (m ~ /^(BR|BI|IB|IR|RB|RI)$/) ? "" : " "
	if (m !~ /^(B|I|SM|SB|BR|BI|IB|IR|RB|RI|TP|IP|TQ|SH|SS)$/)
		return ""
	n = split(args_of(rest), a, SUBSEP)
	out = ""
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? sep : "") a[i]
	return plain(out)
}
function squeeze(s) {
	gsub(/[ \t]+/, " ", s)
	sub(/^ /, "", s)
	sub(/ $/, "", s)
	return s
}
function mentions(s, lineno,    nseg, seg, j, w, nw, k, first, rest, p, name, before) {
	nseg = split(s, seg, /\||;|&&/)
	for (j = 1; j <= nseg; j++) {
		nw = split(seg[j], w, /[ \t]+/)
		first = ""
		for (k = 1; k <= nw; k++) {
			if (w[k] == "" || w[k] ~ /^[A-Za-z_][A-Za-z0-9_]*=/)
				continue
			first = w[k]
			break
		}
		gsub(/^[("\047\[]+/, "", first)
		if (first != "" && index(" " foreign " ", " " first " "))
			continue
		rest = seg[j]
		while (match(rest, /--[a-z][a-z0-9-]*/)) {
			before = RSTART > 1 ? substr(rest, RSTART - 1, 1) : ""
			name = substr(rest, RSTART, RLENGTH)
			if (before !~ /[A-Za-z0-9-]/)
				printf "MENTION\t%s\t%d\n", name, lineno
			rest = substr(rest, RSTART + RLENGTH)
		}
	}
}
/^[.\047][ \t]*\\"/ { next }
/^[.\047][ \t]*SH([ \t]|$)/ {
	sec = squeeze(text_of($0))
	want_tag = 0
	next
}
{
	if (sec == "OPTIONS" && want_tag) {
		printf "TAG\t%s\n", squeeze(text_of($0))
		want_tag = 0
		next
	}
	if (sec == "OPTIONS" && $0 ~ /^[.\047][ \t]*(TP|TQ)([ \t]|$)/) {
		want_tag = 1
		next
	}
	mentions(text_of($0), NR)
}
' "$page")

[ -z "${MAN_CHECK_DEBUG:-}" ] || printf "%s\n" "$man_records" >&2
# The OPTIONS tags against --help's entries.
declare -A man_tag=()
while IFS=$'\t' read -r kind tag _; do
	[ "$kind" = TAG ] || continue
	name=$(grep -o -- '--[a-z][a-z0-9-]*' <<<"$tag" | head -n1 || true)
	if [ -z "$name" ]; then
		problem "$page documents \"$tag\" in OPTIONS, which $bin --help lacks"
		continue
	fi
	man_tag[$name]=$tag
	# the tag is a mention too (for the names after the first)
	while read -r other; do
		[ -n "${help_any[$other]:-}" ] ||
			[ "$other" = "$name" ] ||
			problem "$page documents $other, which $bin --help lacks"
	done < <(grep -o -- '--[a-z][a-z0-9-]*' <<<"$tag")
done <<<"$man_records"

for name in $(printf '%s\n' "${!help_tag[@]}" | sort); do
	if [ -z "${man_tag[$name]:-}" ]; then
		problem "$page lacks $name (--help: \"${help_tag[$name]}\")"
	elif [ "${man_tag[$name]}" != "${help_tag[$name]}" ]; then
		problem "$name: --help says \"${help_tag[$name]}\", $page says \"${man_tag[$name]}\""
	fi
done
for name in $(printf '%s\n' "${!man_tag[@]}" | sort); do
	[ -n "${help_tag[$name]:-}" ] ||
		problem "$page documents $name (\"${man_tag[$name]}\"), which $bin --help lacks"
done

# --options named anywhere else on the page.
while IFS=$'\t' read -r kind name lineno; do
	[ "$kind" = MENTION ] || continue
	[ -n "${help_any[$name]:-}" ] ||
		problem "$page:$lineno: mentions $name, which $bin --help lacks"
done <<<"$man_records"

# The messages the page quotes (the "iommu-report: ..." lines of DAMAGED INPUT
# AND LOST EVENTS) against what the program prints for inputs damaged that way,
# each run on a file named FILE (as the page calls it) in a directory of its own.
check_messages() {
	local src=$1 tmp text dat v6 n=0 want got d
	text=$src/samples/6.12.117+deb12-amd64/defects/trace.txt
	dat=$src/samples/6.12.117+deb12-amd64/defects/trace.dat
	v6=$src/tests/fuzz/corpus/tracedat/6.12-dma-traffic.v6.dat
	if [ ! -r "$text" ] || [ ! -r "$dat" ] || [ ! -r "$v6" ]; then
		problem "no samples beside $page: cannot check the messages it quotes"
		return
	fi
	tmp=$(mktemp -d)
	mkdir "$tmp"/bad "$tmp"/cutline "$tmp"/lost "$tmp"/cutdat "$tmp"/page
	# six lines of garbage after line 20, and line 32 (an unmap) cut
	{
		sed -n 1,20p "$text"
		for d in 1 2 3 4 5 6; do echo "----- 8< ----- cut here"; done
		sed -n 21,31p "$text"
		sed -n 32p "$text" | cut -c1-60
		sed -n '33,$p' "$text"
	} >"$tmp/bad/FILE"
	head -c -10 "$text" >"$tmp/cutline/FILE"
	{
		sed -n 1,25p "$text"
		echo "CPU:0 [LOST 5 EVENTS]"
		sed -n '26,$p' "$text"
	} >"$tmp/lost/FILE"
	head -c 3000 "$dat" >"$tmp/cutdat/FILE"
	# the commit word of CPU 0's second ring-buffer page: more than a page holds
	cp "$v6" "$tmp/page/FILE"
	printf '\377\377\377\007\0\0\0\0' | dd of="$tmp/page/FILE" bs=1 seek=16392 \
		conv=notrunc 2>/dev/null
	for d in bad cutline lost cutdat page; do
		(cd "$tmp/$d" && "$bin" FILE >/dev/null 2>stderr) || true
		cat "$tmp/$d/stderr"
	done >"$tmp/printed"
	awk '/^\.SH/ { sec = $0 }
	     sec ~ /DAMAGED INPUT/ && /^\.B "iommu\\-report: / {
		s = $0; sub(/^\.B "/, "", s); sub(/"$/, "", s); gsub(/\\-/, "-", s); print s
	     }' "$page" >"$tmp/quoted"
	while IFS= read -r want; do
		n=$((n + 1))
		grep -qxF -- "$want" "$tmp/printed" ||
			problem "$page quotes a message the program does not print: $want"
	done <"$tmp/quoted"
	while IFS= read -r got; do
		grep -qxF -- "$got" "$tmp/quoted" ||
			problem "$page lacks the program's message for its damaged input: $got"
	done <"$tmp/printed"
	[ "$n" -eq 5 ] ||
		problem "$page quotes $n messages under DAMAGED INPUT AND LOST EVENTS, not 5"
	rm -rf "$tmp"
}
case $bin in
*/*) bin=$(realpath "$bin") ;;
esac
check_messages "$(cd "$(dirname "$page")/.." && pwd)"

# groff's own warnings, all of them (-ww).
while IFS= read -r line; do
	problem "groff: $line"
done < <(groff -man -ww -z "$page" 2>&1)

if [ "$fail" -ne 0 ]; then
	exit 1
fi
echo "man-check: $page agrees with $bin --help (${#help_tag[@]} options) and with its messages on damaged input, groff quiet"
