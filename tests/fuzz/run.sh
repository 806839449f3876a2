#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Builds the libFuzzer targets with clang (ASan+UBSan, -DIOREP_FUZZ=ON) and
# runs each for SECONDS.  New interesting inputs go to a corpus directory
# outside the checked-in tree (fuzz/out/TARGET/corpus, ignored by git; or
# $IOREP_FUZZ_OUT/TARGET/corpus), seeded from tests/fuzz/corpus/TARGET and
# tests/fuzz/crashes/TARGET, which are read, never written.  Crashes, hangs
# and leaks land in fuzz/out/TARGET/artifacts/; keep each one, once fixed,
# as tests/fuzz/crashes/TARGET/<what-it-was> (ctest replays them).
#
#   tests/fuzz/run.sh TARGET|all SECONDS [libFuzzer options...]
#   targets: text tracedat baseline ivmap fmt kmsg
#   IOREP_FUZZ_BUILD (default build-fuzz), IOREP_FUZZ_OUT (default fuzz/out)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
targets="text tracedat baseline ivmap fmt kmsg"
if [ $# -lt 2 ]; then
	sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
which=$1
seconds=$2
shift 2
[ "$which" = all ] && which=$targets
for t in $which; do
	case " $targets " in
	*" $t "*) ;;
	*) echo "run.sh: unknown target $t (targets: $targets)" >&2; exit 2 ;;
	esac
done

build=${IOREP_FUZZ_BUILD:-$repo/build-fuzz}
out=${IOREP_FUZZ_OUT:-$repo/fuzz/out}
CC=clang cmake -S "$repo" -B "$build" -DIOREP_FUZZ=ON -DIOREP_WERROR=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets_built=$(printf 'fuzz-%s ' $which)
case " $which " in *" tracedat "*) targets_built="$targets_built fuzz-tracedat-replay" ;; esac
cmake --build "$build" -j2 --target $targets_built >/dev/null

# libtracecmd allocates what a damaged size field says and copes with NULL,
# as the program does outside ASan; it leaves a handle behind on purpose
# (see tests/lsan.supp).
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
for t in $which; do
	mkdir -p "$out/$t/corpus" "$out/$t/artifacts"
	# an ivmap program's cost grows with its length squared: keep them short;
	# a text file's first lines show its form (the seeds are cut there)
	opts=()
	[ "$t" = ivmap ] && opts=(-max_len=256)
	[ "$t" = text ] && opts=(-max_len=4096)
	# one process per corpus directory: nothing else writes to it, and libFuzzer's
	# re-reading of it every few seconds was 8% of a text run's time
	[ "$t" != tracedat ] && opts+=(-reload=0)
	# a damaged size asks libtracecmd for gigabytes it never touches
	[ "$t" = tracedat ] && opts=(-malloc_limit_mb=65536)
	# ... and when the read that follows fails, drops them (suppressed, tests/fuzz/lsan.supp).
	# Each leak check then reads every byte of every such block, more of them with every
	# leaky input: 0.8 exec/s.  Above 256 MB the allocation fails instead (NULL), which
	# libtracecmd, and our reader, must survive as any failed allocation; no undamaged input
	# of the corpus's size needs that much.
	asan=$ASAN_OPTIONS
	[ "$t" = tracedat ] && asan=$asan:max_allocation_size_mb=256
	[ "$t" = fmt ] && asan=$asan:detect_leaks=0
	# libFuzzer runs an input whose mallocs outnumber its frees once more, then checks
	# the whole heap for leaks.  Nearly every damaged trace.dat leaks inside libtracecmd
	# (suppressed), so that is most inputs (1.6 times fewer executions with it), and
	# libFuzzer gives the check up after 1000 such inputs, minutes into a run.  tracedat has
	# its leak check at the end instead: every input the run kept, and the seeds, read
	# in one process whose exit LeakSanitizer checks, with the same suppressions.
	[ "$t" = tracedat ] && opts+=(-detect_leaks=0)
	# Its memory grows too, by those leaks, about 29 MB per 1,000 inputs: a single
	# process reached -rss_limit_mb after some 50,000.  So tracedat fuzzes in a child
	# process that libFuzzer replaces every few minutes (-fork=1: each child runs up
	# to 300 s on a sample of the corpus, and its new inputs are merged back into it).
	# A crash or a child over the memory limit still stops the run, its input in
	# artifacts/ as without -fork.  A timeout does not: its input is kept in
	# artifacts/ too, the run goes on with a new child, and run.sh fails at the end.
	# (A child of the reader that opens the file, src/dat-probe.c, was seen stuck for
	# good inside ASan's allocator, twice in 20 minutes, never again on its input; the
	# reader now stops a child that makes no progress, below.)  The inputs the guard
	# took (library crashes, fuzz-tracedat.c) and those whose child was stopped are
	# kept in guarded/, one line each in guarded/log.
	guarded=
	[ "$t" = tracedat ] && opts+=(-fork=1 -ignore_crashes=0 -ignore_timeouts=1 -ignore_ooms=0)
	# fmt runs libtraceevent's format parser in its own process under the same guard
	# (fuzz-guard.c); the parser leaks the tokens of a format it fails on (34,816 blocks
	# in 1.6 M inputs), not ours to free, so no leak check, by libFuzzer or at exit
	[ "$t" = fmt ] && opts+=(-detect_leaks=0)
	if [ "$t" = tracedat ] || [ "$t" = fmt ]; then
		guarded=$out/$t/guarded
		mkdir -p "$guarded"
		rm -f "$guarded/log"
	fi
	# libFuzzer stops on a seed directory that does not exist, and git keeps no empty
	# crashes/TARGET
	seeds=()
	for d in "$here/corpus/$t" "$here/crashes/$t"; do
		[ -d "$d" ] && seeds+=("$d")
	done
	log=$out/$t/last-run.log
	echo "fuzz-$t: $seconds s, corpus $out/$t/corpus, log $log"
	set +e
	# a stuck probe child (dat-probe.c) is stopped before libFuzzer's 10 s timeout
	ASAN_OPTIONS=$asan IOREP_FUZZ_GUARDED=$guarded IOREP_PROBE_STALL_MS=5000 \
		"$build/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$t/artifacts/" \
		"${opts[@]}" "$@" \
		"$out/$t/corpus" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	set -e
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	# -fork=1: the parent's last "#RUNS: cov: ..." line counts every child's runs
	[ "$t" = tracedat ] && execs=$(sed -n 's/^#\([0-9]*\): cov: .*/\1/p' "$log" | tail -n 1)
	timeouts=0
	if [ -n "$guarded" ]; then
		n=0 stalled=0
		if [ -f "$guarded/log" ]; then
			n=$(grep -c '^signal' "$guarded/log" || true)
			stalled=$(grep -c '^stalled' "$guarded/log" || true)
		fi
		echo "fuzz-$t: $n library crashes taken by the guard, $stalled inputs on which" \
			"libtracecmd was stopped for no progress; inputs in $guarded/"
		timeouts=$(sed -n 's|^#.* oom/timeout/crash: [0-9]*/\([0-9]*\)/.*|\1|p' "$log" |
			tail -n 1)
		timeouts=${timeouts:-0}
		# the parent exits with its last child's status: 70 if that one timed out
		[ "$rc" -eq 70 ] && [ "$timeouts" -gt 0 ] && rc=0
	fi
	if [ "$t" = tracedat ] && [ "$rc" -eq 0 ]; then
		set +e
		ASAN_OPTIONS=$asan:detect_leaks=1 "$build/tests/fuzz/fuzz-tracedat-replay" \
			"$out/$t/corpus" "${seeds[@]}" >"$out/$t/leak-check.log" 2>&1
		rc=$?
		set -e
		if [ "$rc" -eq 0 ]; then
			echo "fuzz-$t: leak check: $(tail -n 1 "$out/$t/leak-check.log"), no leak"
		else
			echo "fuzz-$t: leak check failed (exit $rc); see $out/$t/leak-check.log"
			grep -m 5 -E '^==[0-9]+==ERROR|SUMMARY' "$out/$t/leak-check.log" || true
			status=1
			continue
		fi
	fi
	if [ "$rc" -eq 0 ] && [ "$timeouts" -gt 0 ]; then
		echo "fuzz-$t: ${execs:-?} executions, no crash, but $timeouts timeouts;" \
			"see $out/$t/artifacts/timeout-*"
		status=1
	elif [ "$rc" -eq 0 ]; then
		echo "fuzz-$t: ${execs:-?} executions, no crash"
	else
		echo "fuzz-$t: stopped (exit $rc) after ${execs:-?} executions; see $log and" \
			"$out/$t/artifacts/"
		grep -m 5 -E '^==[0-9]+==ERROR|SUMMARY|fuzz contract|runtime error' "$log" || true
		status=1
	fi
done
exit $status
