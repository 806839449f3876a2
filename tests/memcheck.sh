#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Runs PROGRAM under valgrind's memcheck, for the memcheck build
# (-DIOREP_MEMCHECK=ON, build-memcheck/ of ./run.sh test): every test program
# and, through the build's memcheck/iommu-report wrapper, every iommu-report
# the tests start.
#
#   tests/memcheck.sh LOGDIR PROGRAM [ARGS...]
#
# An invalid read or write, a use of uninitialised memory, a bad free or a
# definite leak is an error: valgrind's report is printed on stderr and kept
# in LOGDIR/<pid>.log, and the exit status is 99 (no test expects it, so the
# test fails).  A clean run leaves no log and exits with PROGRAM's status.
# The log files also catch the runs whose exit status a test does not look
# at: ./run.sh test fails when LOGDIR holds any after ctest.
# tests/valgrind.supp suppresses what the libraries we link do, not ours.
set -uo pipefail

if [ $# -lt 2 ]; then
	echo "usage: tests/memcheck.sh LOGDIR PROGRAM [ARGS...]" >&2
	exit 2
fi
logdir=$1
shift
mkdir -p "$logdir"
log=$logdir/$$.log

valgrind -q --tool=memcheck --error-exitcode=99 --log-file="$log" \
	--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
	--num-callers=24 --suppressions="$(dirname "$0")/valgrind.supp" "$@"
status=$?
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
exit $status
