#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The text forms printed beside the events, on every capture:
#  1. trace-cmd report of trace.dat with --ts-diff (a column after the
#     timestamp), --debug (page notes, a note after each event: but for the
#     line numbers), -N, -q and -w gives the JSON of plain trace-cmd report,
#     but for input.path;
#  2. trace.txt and report.txt with a stack trace under every iommu and dma
#     event (tests/stack-form.py: the kernel's forms, and trace-cmd report's
#     with and without its plugins) give their own JSON, but for the line
#     numbers and the count of other events, and the same --events stream,
#     with no line not understood.
# Part 1 is skipped without trace-cmd.
#
#   tests/text-forms.sh BIN [CAPTURE...]
#
# CAPTURE (samples/KERNEL/NAME) limits it to those captures (the valgrind
# build runs two: each run costs a second or more of CPU there).
#
# Exit 0 = passed, 1 = failed.
set -euo pipefail
bin=$(realpath "$1")
shift
cd "$(dirname "$0")/.."
. tests/captures.sh
captures=("$@")
[ ${#captures[@]} -gt 0 ] || mapfile -t captures < <(capture_dirs)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
n=0

# strip JSON KEYS...: the document without input.path and the named keys, at any depth
strip() {
	python3 -c '
import json, sys
def drop(o, keys):
    if isinstance(o, dict):
        return {k: drop(v, keys) for k, v in o.items() if k not in keys}
    if isinstance(o, list):
        return [drop(v, keys) for v in o]
    return o
d = json.load(open(sys.argv[1]))
d["input"].pop("path")
d = drop(d, set(sys.argv[2:]))
json.dump(d, open(sys.argv[1], "w"), sort_keys=True, indent=1)' "$@"
}

# same NAME A B: A's JSON and B's, stripped alike, are equal
same() {
	if ! diff -u "$2" "$3" >"$work/diff"; then
		echo "FAIL: $1:"
		head -20 "$work/diff"
		fail=1
	fi
}

# json FILE OUT: iommu-report's JSON of FILE; status 0 or 1 (findings), else a failure
json() {
	local st=0

	"$bin" -q --json "$2" "$1" >/dev/null 2>"$work/stderr" || st=$?
	if [ "$st" -gt 1 ]; then
		echo "FAIL: $1: exit status $st: $(head -1 "$work/stderr")"
		fail=1
		echo '{"input": {"path": ""}}' >"$2"
	fi
}

have_tc=0
command -v trace-cmd >/dev/null && have_tc=1
for dir in "${captures[@]}"; do
	dir=${dir%/}
	name=$(basename "$(dirname "$dir")")/$(basename "$dir")
	if [ "$have_tc" -eq 1 ]; then
		trace-cmd report "$dir/trace.dat" >"$work/plain.txt" 2>/dev/null
		json "$work/plain.txt" "$work/plain.json"
		cp "$work/plain.json" "$work/plain-pos.json"
		strip "$work/plain.json"
		strip "$work/plain-pos.json" pos
		for opt in --ts-diff --debug -N -q -w; do
			trace-cmd report "$opt" "$dir/trace.dat" >"$work/opt.txt" 2>/dev/null
			json "$work/opt.txt" "$work/opt.json"
			if [ "$opt" = --debug ]; then
				strip "$work/opt.json" pos
				want=$work/plain-pos.json
			else
				strip "$work/opt.json"
				want=$work/plain.json
			fi
			same "$name: trace-cmd report $opt gives other JSON than without it" \
				"$want" "$work/opt.json"
		done
	fi
	for src in trace.txt report.txt; do
		case $src in
		trace.txt) forms="kernel kernel-sym" ;;
		*) forms="trace-cmd trace-cmd-N" ;;
		esac
		json "$dir/$src" "$work/orig.json"
		strip "$work/orig.json" pos other_events
		"$bin" --events "$dir/$src" >"$work/orig.events"
		for form in $forms; do
			python3 tests/stack-form.py "$form" <"$dir/$src" >"$work/stacked.txt"
			json "$work/stacked.txt" "$work/stacked.json"
			python3 tests/stack-check.py --first __iommu_map --last-caller \
				"$name: $src with $form stack traces" "$work/stacked.json" || fail=1
			python3 tests/schema-check.py "$work/stacked.json" || fail=1
			strip "$work/stacked.json" pos other_events stack
			same "$name: $src with $form stack traces gives other JSON" \
				"$work/orig.json" "$work/stacked.json"
			"$bin" --events "$work/stacked.txt" >"$work/stacked.events"
			if ! cmp -s "$work/orig.events" "$work/stacked.events"; then
				echo "FAIL: $name: $src with $form stack traces gives other events"
				diff "$work/orig.events" "$work/stacked.events" | head -10
				fail=1
			fi
		done
	done
	n=$((n + 1))
done
if [ $# -eq 0 ] && [ "$n" != "$(captures_expected)" ]; then
	echo "FAIL: $n captures in samples/, not $(captures_expected)"
	fail=1
fi
[ "$have_tc" -eq 1 ] || echo "text-forms: trace-cmd not found: its report options not tried"
[ "$fail" -eq 0 ] && echo "text-forms: $n captures: report options and stack traces read as without"
exit "$fail"
