#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Runs PROGRAM under valgrind's memcheck, for the memcheck build
# (-DIOREP_MEMCHECK=ON, build-memcheck/ of ./run.sh test): every test program
# and, through the build's memcheck/iommu-report wrapper, every iommu-report
# the tests start.
#
#   tests/memcheck.sh DIR PROGRAM [ARGS...]
#
# DIR is the build's memcheck/ directory: the reports go to DIR/logs.
#
# An invalid read or write, a use of uninitialised memory, a bad free or a
# definite leak is an error: valgrind's report is printed on stderr and kept
# in DIR/logs/<pid>.log, and the exit status is 99 (no test expects it, so the
# test fails).  A clean run leaves no log and exits with PROGRAM's status; a
# PROGRAM killed by a signal kills this script with it (valgrind's note that
# it did is not an error).  The log files also catch the runs whose exit
# status a test does not look at: ./run.sh test fails when DIR/logs holds any
# after ctest.  tests/valgrind.supp suppresses what the libraries we link do,
# not ours.  IOREP_MEMCHECK_LEAKS=0 turns the leak check off (a test that
# abandons a run on purpose, as tests/fuzz/fuzz-tracedat.c does).
set -uo pipefail

if [ $# -lt 2 ]; then
	echo "usage: tests/memcheck.sh DIR PROGRAM [ARGS...]" >&2
	exit 2
fi
dir=$1
shift
mkdir -p "$dir/logs"
log=$dir/logs/$$.log

leaks=(--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite)
[ "${IOREP_MEMCHECK_LEAKS:-1}" != 0 ] || leaks=(--leak-check=no)

# (the shell's own stderr, where it would say that PROGRAM was killed, is
# kept out of PROGRAM's: that is this script's exit status)
exec 3>&2
{
	valgrind -q --tool=memcheck --error-exitcode=99 --log-file="$log" "${leaks[@]}" \
		--num-callers=24 --suppressions="$(dirname "$0")/valgrind.supp" "$@" 2>&3 3>&-
} 2>/dev/null
status=$?
# what valgrind reports starts in column 0 after "==PID== ", the details of
# each report are indented
if [ -s "$log" ] && ! grep -qvE '^==[0-9]+== ( |$|Process terminating with default action of signal )' "$log"; then
	rm -f "$log"
fi
if [ -s "$log" ]; then
	{
		echo "memcheck: valgrind found errors in: $*"
		cat "$log"
		echo "memcheck: (kept in $log)"
	} >&2
	[ $status -ne 0 ] || status=99
else
	rm -f "$log"
fi
if [ $status -gt 128 ] && [ $status -lt 160 ]; then
	trap - $((status - 128))
	kill -$((status - 128)) $$
fi
exit $status
