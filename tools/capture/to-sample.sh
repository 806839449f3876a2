#!/bin/bash
# SPDX-License-Identifier: MIT
#
# to-sample.sh OUT SAMPLE: a capture's output (capture.py's OUTDIR) as a sample
# directory of samples/: the guest's files, and what the host adds: report.txt
# (trace-cmd report), trace.v6.dat (trace-cmd convert to an uncompressed version 6)
# with trace.v6.dat.CHECK when both give the same report, the events per name of
# trace.txt (counts-text.txt, counts.txt) and report.txt (counts-report.txt), the
# kernel command line and the console's steps.  GROUND_TRUTH.md is written by hand.
set -euo pipefail
out=$1; dst=$2
mkdir -p "$dst"
cp -r "$out"/{trace.txt,trace.dat,dmesg.txt,uname.txt,devices.txt,formats} "$dst"/
cp "$out"/iommu_groups*.txt "$out"/lspci*.txt "$dst"/
cd "$dst"
trace-cmd report trace.dat > report.txt
trace-cmd convert --file-version 6 --compression none -i trace.dat -o trace.v6.dat \
	2> convert.stderr
if cmp -s <(trace-cmd report trace.dat) <(trace-cmd report trace.v6.dat); then
	echo "report(trace.dat) == report(trace.v6.dat)" > trace.v6.dat.CHECK
fi
# events per name: the field before the first ": " after the timestamp
count() { grep -v '^#' "$1" | sed -n 's/^.*[0-9]: \([a-z_0-9]*\): .*$/\1/p' | sort | uniq -c |
	awk '{print $1, $2}'; }
count trace.txt > counts-text.txt
cp counts-text.txt counts.txt
count report.txt > counts-report.txt
cp "$out/cmdline.txt" .
grep -E '^@@|^qemu' "$out/console.log" > console.log || true
