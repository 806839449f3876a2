#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A compressed trace.dat is read through an uncompressed copy
# (src/dat-probe.c), the file `trace-cmd convert --compression none`
# writes.  For every compressed sample capture:
#
#  1. iommu-report's JSON of the capture equals its JSON of that converted
#     file, positions included (findings' "pos" are offsets in it), except
#     for the input's path and variant ("v7 zstd" / "v7").
#  2. The copy leaves nothing behind: no file appears in TMPDIR, nor in /tmp
#     (libtracecmd's own per-CPU files).
#  3. With TMPDIR a directory that does not exist, the capture is read in
#     memory as before: the same JSON except "pos", and one note on stderr
#     that says why (not under valgrind, which needs a TMPDIR of its own).
#
#   tests/uncompressed-copy.sh BIN
#
# Exit 0 = all passed, 1 = something failed, 77 = skipped: trace-cmd is not
# installed.
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")/.."

if ! command -v trace-cmd >/dev/null; then
	echo "uncompressed-copy: skipped: trace-cmd is not installed (Debian package trace-cmd)"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"
fail=0
checked=0

# the JSON without the input's path and variant (and, with -p, without positions)
strip() {
	local sed_pos=
	[ "$1" = -p ] && { sed_pos='s/"pos":[0-9]*/"pos":-/g'; shift; }
	sed -e 's/"path":"[^"]*"//' -e 's/"variant":"[^"]*"//' -e "$sed_pos" "$1"
}

# run OUT.json ARGS...: iommu-report --json OUT ARGS (exit 0 or 1), stderr to OUT.err
run() {
	local out=$1
	shift
	"$bin" --json "$out" "$@" >/dev/null 2>"$out.err" || [ $? -eq 1 ] || {
		echo "FAIL: $bin $* exited $?: $(head -1 "$out.err")"
		fail=1
	}
}

# libtracecmd's temporary files in /tmp that no process holds open: those a run
# left behind (ctest runs other tests at the same time, whose files are open)
lib_left() {
	local f l held
	for f in /tmp/trace_cpu_data*; do
		[ -e "$f" ] || continue
		held=0
		for l in /proc/[0-9]*/fd/*; do
			if [ "$(readlink "$l" 2>/dev/null)" = "$f" ]; then
				held=1
				break
			fi
		done
		[ "$held" = 1 ] || echo "$f"
	done | sort
}
before_tmp=$(lib_left)
for dat in samples/*/*/trace.dat; do
	summary=$(trace-cmd dump --summary "$dat" 2>/dev/null || true)
	case $summary in *"Compression algorithm"*) ;; *) continue ;; esac
	name=$(echo "$dat" | tr / -)
	trace-cmd convert --compression none -i "$dat" -o "$work/$name.plain" >/dev/null 2>&1
	TMPDIR="$work/tmp" run "$work/$name.json" "$dat"
	run "$work/$name.plain.json" "$work/$name.plain"
	if ! diff -q <(strip "$work/$name.json") <(strip "$work/$name.plain.json") >/dev/null; then
		echo "FAIL: $dat: JSON differs from that of its uncompressed conversion:"
		diff <(strip "$work/$name.json") <(strip "$work/$name.plain.json") | head -5
		fail=1
	fi
	if [ -s "$work/$name.json.err" ]; then
		echo "FAIL: $dat: stderr: $(head -1 "$work/$name.json.err")"
		fail=1
	fi
	if [ -n "$(ls -A "$work/tmp")" ]; then
		echo "FAIL: $dat: left in TMPDIR: $(ls -A "$work/tmp" | head -3)"
		fail=1
	fi
	# valgrind needs TMPDIR itself: under the memcheck build's wrapper the fallback
	# is left to the other builds
	grep -qs memcheck.sh "$bin" && { checked=$((checked + 1)); continue; }
	TMPDIR="$work/none" run "$work/$name.mem.json" "$dat"
	if ! diff -q <(strip -p "$work/$name.json") <(strip -p "$work/$name.mem.json") >/dev/null
	then
		echo "FAIL: $dat: JSON read in memory differs (positions aside)"
		fail=1
	fi
	want="iommu-report: note: $dat: no temporary file for an uncompressed copy (No such file"
	want+=" or directory), so the compressed data is read in memory (slower, and memory"
	want+=" grows with the file)"
	if [ "$(cat "$work/$name.mem.json.err")" != "$want" ]; then
		echo "FAIL: $dat: without TMPDIR, stderr: $(cat "$work/$name.mem.json.err")"
		fail=1
	fi
	checked=$((checked + 1))
done
# a file between its close() and its unlink() is not held either: look again later
left=$(comm -13 <(echo "$before_tmp") <(lib_left))
[ -z "$left" ] || { sleep 3; left=$(comm -12 <(echo "$left") <(lib_left)); }
if [ -n "$left" ]; then
	echo "FAIL: libtracecmd's temporary files left in /tmp: $(echo $left)"
	fail=1
fi
if [ "$checked" -ne 7 ]; then
	echo "FAIL: $checked compressed captures checked, expected 7"
	fail=1
fi
[ $fail -eq 0 ] && echo "uncompressed-copy: $checked captures: same JSON as their conversion"
exit $fail
