#!/bin/sh
# SPDX-License-Identifier: MIT
#
# merge-check.sh GEN_TRACE IOMMU_REPORT DIR
#
# Writes a gen-trace of 64 CPUs with --ties (one operation in four starts at
# the nanosecond the last one ended, often on another CPU) into DIR and
# checks that iommu-report's kbuffer walk, which merges the CPUs through a
# heap by their next event's time, gives exactly the event stream of
# libtracecmd's loop (IOREP_PLAIN_READ=1): every generated event, ties
# broken lowest CPU first.  Exit status 0 when they agree.
set -eu
gen=$1
cli=$2
dir=$3

rm -rf "$dir"
"$gen" --events 30000 --cpus 64 --ties --no-text "$dir" >/dev/null
"$cli" --events=json "$dir/trace.dat" >"$dir/walk.jsonl"
IOREP_PLAIN_READ=1 "$cli" --events=json "$dir/trace.dat" >"$dir/plain.jsonl"
want=$(sed -n 's/^ *"total_events": \([0-9]*\),$/\1/p' "$dir/GROUND_TRUTH.json")
got=$(wc -l <"$dir/walk.jsonl")
if [ -z "$want" ] || [ "$got" -ne "$want" ]; then
	echo "merge-check: the kbuffer walk read $got events, gen-trace wrote ${want:-?}" >&2
	exit 1
fi
# the ties are there to be broken
ties=$(sed -n 's/^{"ts":\([0-9]*\),.*/\1/p' "$dir/walk.jsonl" | uniq -d | wc -l)
if [ "$ties" -lt 1000 ]; then
	echo "merge-check: only $ties timestamps shared by two events" >&2
	exit 1
fi
if ! cmp "$dir/walk.jsonl" "$dir/plain.jsonl"; then
	echo "merge-check: the kbuffer walk and libtracecmd's loop order the events differently" >&2
	exit 1
fi
echo "merge-check: $got events, $ties ties, the same order both ways"
rm -rf "$dir"
