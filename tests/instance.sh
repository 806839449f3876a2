#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A trace.dat whose events are in an instance buffer (trace-cmd record -B),
# tests/data/instance.v6.dat and its version 7 forms (made by
# tests/data/make-instance.py from the 6.1 dma-traffic corpus file):
#  1. version 6, version 7 and version 7 zstd through the kbuffer walk, and
#     version 6 and 7 through libtracecmd's loop (IOREP_PLAIN_READ=1): the
#     instance is read, without a note, and gives the very event stream of
#     the original file;
#     with events in the top buffer too, both paths merge the buffers alike;
#  2. version 7 zstd through libtracecmd's loop, which does not read a
#     compressed instance: the note on stderr names it and says how to read
#     it, and the report, --summary and the JSON name it
#     (input.instances_unread, input.instance_names);
#  3. `trace-cmd report` of it, given as text, gives the very event stream
#     that `trace-cmd report` of the original file gives: the instance's name
#     that report puts before each line is not taken for part of the comm.
#
#   tests/instance.sh BIN
#
# Exit 0 = passed, 1 = failed, 77 = skipped: trace-cmd is not installed.
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")/.."

if ! command -v trace-cmd >/dev/null; then
	echo "instance: skipped: trace-cmd is not installed (Debian package trace-cmd)"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work # no plugins of ours in ~/.local
fail=0
dat=tests/data/instance.v6.dat
orig=tests/fuzz/corpus/tracedat/6.1-dma-traffic.v6.dat

"$bin" --events=json "$orig" >"$work/orig-dat.jsonl"
# FILE READER [VAR=VALUE]: FILE read by READER gives the original's events, and no note
read_whole() {
	env ${3:+"$3"} "$bin" --events=json "$1" >"$work/read.jsonl" 2>"$work/err"
	env ${3:+"$3"} "$bin" --summary "$1" >"$work/summary" 2>>"$work/err"
	if [ -s "$work/err" ] || ! cmp -s "$work/orig-dat.jsonl" "$work/read.jsonl" ||
		! grep -q "^reader: *$2$" "$work/summary"; then
		echo "FAIL: $1 ($2${3:+, $3}): not the original's events, or with a note:"
		cat "$work/err"
		grep "^reader" "$work/summary"
		diff "$work/orig-dat.jsonl" "$work/read.jsonl" | head -5 || true
		fail=1
	fi
}
for f in "$dat" tests/data/instance.v7.dat tests/data/instance.v7-zstd.dat; do
	read_whole "$f" kbuffer
	"$bin" -q --json "$work/read.json" "$f" >/dev/null || [ $? -eq 1 ]
	if ! grep -q '"instances_unread":0,"instance_names":\[\]' "$work/read.json"; then
		echo "FAIL: $f: the JSON has an instance unread"
		fail=1
	fi
done
for f in "$dat" tests/data/instance.v7.dat; do
	read_whole "$f" libtracecmd IOREP_PLAIN_READ=1
done

# events in the top buffer and in an instance, at the same times: both paths merge the
# buffers by time (not one after the other), so each event comes twice in a row
"$bin" --events=json tests/data/instance-both.v6.dat >"$work/both.jsonl"
IOREP_PLAIN_READ=1 "$bin" --events=json tests/data/instance-both.v6.dat >"$work/both-plain.jsonl"
awk '{ print; print }' "$work/orig-dat.jsonl" >"$work/twice.jsonl"
if ! cmp -s "$work/twice.jsonl" "$work/both.jsonl" || ! cmp -s "$work/both.jsonl" "$work/both-plain.jsonl"; then
	echo "FAIL: instance-both.v6.dat: not each event twice in a row on both paths"
	fail=1
fi

# a damaged page of the instance (CPU 1's second: its commit word past the page) is
# skipped, and the warning names the instance, on both paths
python3 - "$work/damaged.dat" <<'PY'
import struct, sys
d = bytearray(open("tests/data/instance.v6.dat", "rb").read())
table = d.rindex(b"flyrecord\0") + 10  # the instance's table, the file's last
off, size = struct.unpack_from("<QQ", d, table + 16)
struct.pack_into("<Q", d, off + 4096 + 8, 0x7ffffff)
open(sys.argv[1], "wb").write(d)
PY
for plain in 0 1; do
	if [ "$plain" = 1 ]; then export IOREP_PLAIN_READ=1; fi
	"$bin" --summary "$work/damaged.dat" >/dev/null 2>"$work/err" || true
	unset IOREP_PLAIN_READ
	if ! grep -q "a ring-buffer page of CPU 1 of instance iommu whose header" "$work/err"; then
		echo "FAIL: the damaged instance page (plain=$plain) is not said so:"
		cat "$work/err"
		fail=1
	fi
done

# libtracecmd's loop does not read a compressed instance (its pages are not checked)
export IOREP_PLAIN_READ=1
dat=tests/data/instance.v7-zstd.dat
"$bin" --summary "$dat" >"$work/summary" 2>"$work/err"
if ! grep -q "note: .*: 1 instance buffer (iommu) not read, only the top buffer" "$work/err"; then
	echo "FAIL: no note of the instance on stderr:"
	cat "$work/err"
	fail=1
fi
"$bin" -q --json "$work/inst.json" "$dat" >/dev/null || [ $? -eq 1 ]
if ! grep -q '"instances_unread":1,"instance_names":\["iommu"\]' "$work/inst.json"; then
	echo "FAIL: the JSON does not name the instance:"
	grep '"input"' "$work/inst.json"
	fail=1
fi
python3 tests/schema-check.py "$work/inst.json" || [ $? -eq 77 ] || fail=1
if ! grep -q "^instances: 1 not read: iommu$" "$work/summary"; then
	echo "FAIL: --summary does not name the instance"
	fail=1
fi
"$bin" -q "$dat" >"$work/report" || [ $? -eq 1 ]
if ! grep -q "^instances  1 not read: iommu (trace-cmd report" "$work/report"; then
	echo "FAIL: the report does not name the instance:"
	head -8 "$work/report"
	fail=1
fi
if ! grep -q "^events: *0 iommu/dma" "$work/summary"; then
	echo "FAIL: events read from the top buffer, which is empty:"
	cat "$work/summary"
	fail=1
fi
unset IOREP_PLAIN_READ

trace-cmd report -i "$dat" >"$work/inst.txt" 2>/dev/null
trace-cmd report -i "$orig" >"$work/orig.txt" 2>/dev/null
if ! grep -q "^iommu: .* map: " "$work/inst.txt"; then
	echo "FAIL: trace-cmd report does not name the instance before its lines"
	fail=1
fi
"$bin" --events=json "$work/inst.txt" >"$work/inst.jsonl" 2>"$work/inst.err"
"$bin" --events=json "$work/orig.txt" >"$work/orig.jsonl" 2>"$work/orig.err"
n=$(grep -c '"event":"map"' "$work/inst.jsonl" || true)
if [ "$n" -lt 100 ] || ! cmp -s "$work/inst.jsonl" "$work/orig.jsonl"; then
	echo "FAIL: the instance's report text gives $n maps, and not the original's stream:"
	diff "$work/orig.jsonl" "$work/inst.jsonl" | head -5 || true
	fail=1
fi
if grep -q '"comm":"iommu:' "$work/inst.jsonl"; then
	echo "FAIL: the instance's name taken into a comm"
	fail=1
fi
[ "$fail" = 0 ] && echo "instance: passed (v6, v7, v7 zstd read; unread one named; $n maps through the report text)"
exit "$fail"
