#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# perf script's text of every capture, made from its report.txt by
# tests/perf-form.py (the same events, with the head perf prints):
#  1. its JSON is report.txt's, but for input.path and input.variant, which
#     is "perf script": the same events, counts, findings and line numbers;
#  2. with -F's "pid/tid" task and a -g call chain under every event, the
#     event stream (--events) is report.txt's, byte for byte, and every
#     finding has its event's call chain (tests/stack-check.py).
#
#   tests/perf-script.sh BIN
#
# Exit 0 = passed, 1 = failed.
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")/.."
. tests/captures.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
n=0

# the JSON document of $1 without what names the file: path and variant
strip() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["input"].pop("variant"), d["input"]["bad_lines"])
d["input"].pop("path")
json.dump(d, open(sys.argv[1], "w"), sort_keys=True, indent=1)' "$1"
}

for report in $(capture_dirs | sed "s|\$|report.txt|"); do
	name=${report#samples/}
	name=${name%/report.txt}
	python3 tests/perf-form.py <"$report" >"$work/perf.txt"
	python3 tests/perf-form.py --pid-tid --callchain <"$report" >"$work/perf-g.txt"
	for f in "$report" "$work/perf.txt"; do
		"$bin" -q --json "$work/$(basename "$f").json" "$f" >/dev/null || [ $? -eq 1 ]
	done
	strip "$work/report.txt.json" >/dev/null
	if [ "$(strip "$work/perf.txt.json")" != "perf script 0" ]; then
		echo "FAIL: $name: not read as perf script, or with bad lines:"
		strip "$work/perf.txt.json"
		fail=1
	fi
	if ! diff -u "$work/report.txt.json" "$work/perf.txt.json" >"$work/diff"; then
		echo "FAIL: $name: perf script's JSON differs from report.txt's:"
		head -20 "$work/diff"
		fail=1
	fi
	"$bin" -q --json "$work/perf-g.json" "$work/perf-g.txt" >/dev/null || [ $? -eq 1 ]
	python3 tests/stack-check.py --first ttwu_do_activate "$name: perf script -g" \
		"$work/perf-g.json" || fail=1
	"$bin" --events "$report" >"$work/report.events"
	"$bin" --events "$work/perf-g.txt" >"$work/perf-g.events"
	if ! cmp -s "$work/report.events" "$work/perf-g.events"; then
		echo "FAIL: $name: perf script -F pid,tid -g gives other events than report.txt:"
		diff "$work/report.events" "$work/perf-g.events" | head -10
		fail=1
	fi
	n=$((n + 1))
done
if [ "$n" != "$(captures_expected)" ]; then
	echo "FAIL: $n captures in samples/, not $(captures_expected)"
	fail=1
fi
[ "$fail" -eq 0 ] && echo "perf-script: $n captures: JSON and event streams as report.txt's, call chains in the findings"
exit "$fail"
