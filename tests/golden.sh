#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Golden JSON of every sample capture: runs iommu-report --json on each
# capture's trace.dat (seeded with its iommu_groups.txt, named by its
# lspci.txt) and compares with
# tests/golden/<kernel>--<capture>.json.  With --bless, rewrites the golden
# files instead (on purpose: review the diff before committing it).
#
#   tests/golden.sh BIN            compare (what ctest runs)
#   tests/golden.sh BIN --bless    rewrite
set -euo pipefail
bin=$(realpath "$1")
mode=${2:-check}
cd "$(dirname "$0")/.."

fail=0
for dir in samples/*/*/; do
	dir=${dir%/}
	kernel=$(basename "$(dirname "$dir")")
	capture=$(basename "$dir")
	golden=tests/golden/$kernel--$capture.json
	out=$(mktemp)
	# exit 1 means findings: expected for the defects captures
	"$bin" --quiet --sysfs "$dir/iommu_groups.txt" --lspci "$dir/lspci.txt" --json "$out" \
		"$dir/trace.dat" >/dev/null ||
		[ $? -eq 1 ]
	if [ "$mode" = --bless ]; then
		mv "$out" "$golden"
		echo "blessed $golden"
		continue
	fi
	# the text report fits an 80-column terminal
	wide=$("$bin" --quiet --sysfs "$dir/iommu_groups.txt" --lspci "$dir/lspci.txt" \
		"$dir/trace.dat" | awk 'length($0) > 80' | head -3) || true
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
	rm -f "$out" "$out.diff"
done
exit $fail
