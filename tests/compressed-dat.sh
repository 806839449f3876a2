#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The three ways a compressed trace.dat is read.  For every compressed
# sample capture, against the file `trace-cmd convert --compression none`
# writes of it:
#
#  1. By default, the kbuffer walk decompresses one chunk at a time
#     (src/kbuf-zdata.c).  Its JSON equals libtracecmd's own in-memory read
#     of the file (IOREP_PLAIN_READ=1 without a TMPDIR), byte for byte:
#     findings' "pos" are the offsets libtracecmd gives the records.  It
#     equals the conversion's JSON but for "pos" and the input's path and
#     variant ("v7 zstd" / "v7").  It needs no temporary file: with TMPDIR a
#     directory that does not exist it says nothing on stderr.
#  2. IOREP_PLAIN_READ=1 reads it through an uncompressed copy
#     (src/dat-probe.c), the conversion itself: the same JSON as the
#     conversion's, positions included.  Nothing is left in TMPDIR, nor in
#     /tmp (libtracecmd's own per-CPU files).
#  3. IOREP_PLAIN_READ=1 without a TMPDIR: libtracecmd reads it in memory,
#     with one note on stderr that says why (not under valgrind, which needs
#     a TMPDIR of its own).
#
#   tests/compressed-dat.sh BIN
#
# Exit 0 = all passed, 1 = something failed, 77 = skipped: trace-cmd is not
# installed.
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")/.."
. tests/captures.sh

if ! command -v trace-cmd >/dev/null; then
	echo "compressed-dat: skipped: trace-cmd is not installed (Debian package trace-cmd)"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"
fail=0
checked=0
valgrind=0
grep -qs memcheck.sh "$bin" && valgrind=1

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

# same WHAT A B [-p]: A's JSON equals B's (positions aside with -p)
same() {
	if ! diff -q <(strip ${4:-} "$2") <(strip ${4:-} "$3") >/dev/null; then
		echo "FAIL: $1:"
		diff <(strip ${4:-} "$2") <(strip ${4:-} "$3") | head -5
		fail=1
	fi
}

# what the trace itself makes iommu-report say on stderr, the same whatever
# reads it (events the ring buffer dropped: the vfio-io-lost capture); any
# other line is the reader's
drops() {
	grep ': the ring buffer dropped [0-9]* events; findings that may rest on them are only suspected$' \
		"$1" | sed 's/^iommu-report: warning: .*: the ring/the ring/' || true
}
others() {
	grep -v ': the ring buffer dropped [0-9]* events; findings that may rest on them are only suspected$' \
		"$1" || true
}

# quiet WHAT OUT: nothing on OUT's stderr but what the conversion's run says of the drops
quiet() {
	if [ -n "$(others "$2.err")" ] || [ "$(drops "$2.err")" != "$(drops "$w.conv.json.err")" ]; then
		echo "FAIL: $1: stderr: $(head -1 "$2.err")"
		fail=1
	fi
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
for dat in $(capture_dirs | sed "s|\$|trace.dat|"); do
	summary=$(trace-cmd dump --summary "$dat" 2>/dev/null || true)
	case $summary in *"Compression algorithm"*) ;; *) continue ;; esac
	name=$(echo "$dat" | tr / -)
	w=$work/$name
	trace-cmd convert --compression none -i "$dat" -o "$w.plain" >/dev/null 2>&1
	run "$w.conv.json" "$w.plain"

	# 1. the walk a chunk at a time
	TMPDIR="$work/tmp" run "$w.json" "$dat"
	quiet "$dat" "$w.json"
	same "$dat: the walk's JSON differs from its conversion's (positions aside)" \
		"$w.json" "$w.conv.json" -p
	# 2. the copy
	TMPDIR="$work/tmp" IOREP_PLAIN_READ=1 run "$w.copy.json" "$dat"
	quiet "$dat (IOREP_PLAIN_READ=1)" "$w.copy.json"
	same "$dat: the copy's JSON differs from its conversion's" "$w.copy.json" "$w.conv.json"
	if [ -n "$(ls -A "$work/tmp")" ]; then
		echo "FAIL: $dat: left in TMPDIR: $(ls -A "$work/tmp" | head -3)"
		fail=1
	fi
	checked=$((checked + 1))
	# valgrind needs TMPDIR itself: under the memcheck build's wrapper the rest
	# is left to the other builds
	[ $valgrind = 1 ] && continue
	TMPDIR="$work/none" run "$w.none.json" "$dat"
	quiet "$dat (no TMPDIR)" "$w.none.json"
	if ! cmp -s "$w.json" "$w.none.json"; then
		echo "FAIL: $dat: the walk's JSON differs without a TMPDIR"
		fail=1
	fi
	# 3. libtracecmd in memory
	TMPDIR="$work/none" IOREP_PLAIN_READ=1 run "$w.mem.json" "$dat"
	if ! cmp -s "$w.json" "$w.mem.json"; then
		echo "FAIL: $dat: the walk's JSON differs from libtracecmd's in-memory read:"
		diff <(tr , '\n' <"$w.json") <(tr , '\n' <"$w.mem.json") | head -5
		fail=1
	fi
	want="iommu-report: note: $dat: no temporary file for an uncompressed copy (No such file"
	want+=" or directory), so the compressed data is read in memory (slower, and memory"
	want+=" grows with the file)"
	if [ "$(others "$w.mem.json.err")" != "$want" ] ||
		[ "$(drops "$w.mem.json.err")" != "$(drops "$w.conv.json.err")" ]; then
		echo "FAIL: $dat: IOREP_PLAIN_READ=1 without TMPDIR, stderr: $(cat "$w.mem.json.err")"
		fail=1
	fi
done
# a file between its close() and its unlink() is not held either: look again later
left=$(comm -13 <(echo "$before_tmp") <(lib_left))
[ -z "$left" ] || { sleep 3; left=$(comm -12 <(echo "$left") <(lib_left)); }
if [ -n "$left" ]; then
	echo "FAIL: libtracecmd's temporary files left in /tmp: $(echo $left)"
	fail=1
fi
if [ "$checked" != "$(captures_expected)" ]; then
	echo "FAIL: $checked compressed captures checked, expected $(captures_expected)"
	fail=1
fi
[ $fail -eq 0 ] && echo "compressed-dat: $checked captures: the walk, the copy and libtracecmd agree"
exit $fail
