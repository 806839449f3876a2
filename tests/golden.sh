#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Golden JSON and DOT of every sample capture: runs iommu-report --json and
# --dot on each capture's trace.dat (seeded with its iommu_groups.txt, named
# by its lspci.txt) and compares with tests/golden/<kernel>--<capture>.json
# and .dot; also checks that the --svg drawing is well-formed XML.  With
# --bless, rewrites the golden files instead (on purpose: review the diff
# before committing it).
#
#   tests/golden.sh BIN            compare (what ctest runs)
#   tests/golden.sh BIN --bless    rewrite
set -euo pipefail
bin=$(realpath "$1")
mode=${2:-check}
cd "$(dirname "$0")/.."
. tests/captures.sh

fail=0
n=0
for dir in $(capture_dirs); do
	n=$((n + 1))
	dir=${dir%/}
	kernel=$(basename "$(dirname "$dir")")
	capture=$(basename "$dir")
	golden=tests/golden/$kernel--$capture.json
	gdot=tests/golden/$kernel--$capture.dot
	out=$(mktemp)
	# exit 1 means findings: expected for the defects captures.  One run writes
	# every form (the text report on stdout is the same as without the files).
	"$bin" --quiet --sysfs "$dir/iommu_groups.txt" --lspci "$dir/lspci.txt" --json "$out" \
		--dot "$out.dot" --svg "$out.svg" "$dir/trace.dat" >"$out.txt" ||
		[ $? -eq 1 ]
	if [ "$mode" = --bless ]; then
		mv "$out" "$golden"
		mv "$out.dot" "$gdot"
		rm -f "$out.svg" "$out.txt"
		echo "blessed $golden $gdot"
		continue
	fi
	if ! python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); \
			assert d.documentElement.tagName == "svg"' "$out.svg"; then
		echo "golden: the SVG of $dir is not well-formed"
		fail=1
	fi
	if ! diff -u "$gdot" "$out.dot" >"$out.diff"; then
		echo "golden: $gdot differs:"
		head -40 "$out.diff"
		fail=1
	fi
	# the text report fits an 80-column terminal
	wide=$(awk 'length($0) > 80' "$out.txt" | head -3)
	if [ -n "$wide" ]; then
		echo "golden: the text report of $dir has lines over 80 columns:"
		echo "$wide"
		fail=1
	fi
	if ! python3 tests/schema-check.py "$out"; then
		echo "golden: the JSON of $dir does not follow docs/iommu-report.schema.json"
		fail=1
	fi
	if ! diff -u "$golden" "$out" >"$out.diff"; then
		echo "golden: $golden differs:"
		head -40 "$out.diff"
		fail=1
	else
		echo "golden: $golden ok"
	fi
	rm -f "$out" "$out.diff" "$out.dot" "$out.svg" "$out.txt"
done
if [ "$n" != "$(captures_expected)" ]; then
	echo "golden: $n captures, expected $(captures_expected)"
	fail=1
fi
exit $fail
