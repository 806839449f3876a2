#!/bin/sh
# SPDX-License-Identifier: MIT
#
# A trace.dat whose one CPU holds more than 2 GiB of ring-buffer pages is read
# whole by iommu-report.
#
#   bench/big-file.sh BUILD_DIR [EVENTS]
#
# gen-trace writes EVENTS (default 42 M, about 2.3 GB) events on one CPU, no
# text.  libtracecmd 3.1.6 stops early on such a CPU (its mmap window is an
# int): bench/bare-loop shows how many events it reads.  iommu-report must
# read every event and report exactly the injected defects: bench/check-truth.py
# compares its JSON with GROUND_TRUTH.json.  Needs about 2.3 GB in ${TMPDIR:-/tmp},
# removed at the end; takes a few minutes.
#
# Exit status: 0 when iommu-report read every event and the findings match,
# 1 when not (or the data did not pass 2 GiB), 2 on bad usage.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILD_DIR [EVENTS]" >&2
	exit 2
fi
build=$1
events=${2:-42000000}
here=$(cd "$(dirname "$0")" && pwd)
for f in "$build/iommu-report" "$build/bench/gen-trace" "$build/bench/bare-loop"; do
	if [ ! -x "$f" ]; then
		echo "$0: $f is missing: build $build first" >&2
		exit 2
	fi
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/iorep-big-file.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
t0=$(date +%s)

"$build/bench/gen-trace" --cpus 1 --events "$events" --no-text "$dir"
# the generated events and the bytes of CPU 0's pages
set -- $(python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))
print(t["total_events"], t["cpus"][0]["bytes"])' "$dir/GROUND_TRUTH.json")
total=$1
bytes=$2
ls -l "$dir/trace.dat"
if [ "$bytes" -le 2147483648 ]; then
	echo "FAIL: CPU 0 has $bytes bytes of pages, not more than 2 GiB: give more events"
	exit 1
fi
echo "CPU 0: $bytes bytes of ring-buffer pages (2 GiB = 2147483648), $total events"

# libtracecmd's own reader, for the record: not a failure when it reads all
bare=$("$build/bench/bare-loop" "$dir/trace.dat" 2>&1) || true
echo "libtracecmd (bench/bare-loop): $bare"
case "$bare" in
"events=$total "*) echo "note: this libtracecmd read every event" ;;
*) echo "libtracecmd stopped early: $total events generated" ;;
esac

status=0
python3 "$here/check-truth.py" "$dir" "$build/iommu-report" || status=1
echo "big-file.sh: $(($(date +%s) - t0)) s, $([ $status -eq 0 ] && echo PASS || echo FAIL)"
exit $status
