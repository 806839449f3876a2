# SPDX-License-Identifier: MIT
# Sourced by the test scripts, run from the source tree's top: the sample
# captures (samples/KERNEL/NAME/ with a GROUND_TRUTH.md) that a script reading
# every capture reads.  IOREP_TEST_CAPTURES ("KERNEL/NAME ...") names the ones
# to read instead: the memcheck build sets it, where a trace.dat costs seconds
# to open (tests/test-util.h reads it too).

# the captures' directories, samples/KERNEL/NAME/, one a line
capture_dirs() {
	local c
	if [ -n "${IOREP_TEST_CAPTURES:-}" ]; then
		for c in $IOREP_TEST_CAPTURES; do
			echo "samples/$c/"
		done
	else
		for c in samples/*/*/GROUND_TRUTH.md; do
			echo "${c%GROUND_TRUTH.md}"
		done
	fi
}

# how many capture_dirs gives: every capture (IOREP_TEST_NCAPTURES, which
# tests/test-util.h defines for the C tests too), or the subset's
captures_expected() {
	if [ -n "${IOREP_TEST_CAPTURES:-}" ]; then
		set -- $IOREP_TEST_CAPTURES
		echo $#
	else
		sed -n 's/^#define IOREP_TEST_NCAPTURES \([0-9]*\)$/\1/p' tests/test-util.h
	fi
}
