#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The HTML report in a real browser: runs iommu-report --html (and --json,
# for the expected counts, in the same run) on the bundled vfio and defects
# captures, on tests/data/hostile-names.txt (device names and a comm made of
# markup), on tests/data/hostile-render.txt with its --sysfs and --lspci
# files, on a text trace with lines not understood, on a trace.dat with
# a damaged page and on one with an instance buffer, on a text trace with
# stack traces, then opens each page in headless Chromium
# (tests/html-check.py): the DOM shows the devices and
# findings the JSON has, the console stays quiet, nothing is requested, the
# hostile names are text only, and the damage is said.
#
#   tests/html.sh BIN
#
# Needs Debian's chromium, chromium-driver and python3-selenium (./run.sh test
# installs them); without them the test is skipped (exit 77).
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")/.."

# Debian's python3 has python3-selenium; another python3 first on PATH may not.
py=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import selenium' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -z "$py" ] || [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
	if [ -n "${IOREP_REQUIRE_BROWSER:-}" ]; then
		# CI (./run.sh test) installed them: missing means the set-up broke
		echo "html: chromium, chromium-driver or python3-selenium is missing"
		exit 1
	fi
	echo "html: skipped: needs chromium, chromium-driver and python3-selenium"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# page NAME ARGS...: writes $tmp/NAME.html and $tmp/NAME.json, then checks the page
page() {
	local name=$1 status=0
	shift
	"$bin" --quiet --json "$tmp/$name.json" --html "$tmp/$name.html" "$@" >/dev/null ||
		status=$?
	# 1 means findings, which these inputs have
	if [ "$status" -gt 1 ]; then
		echo "html: iommu-report failed on $name (exit $status)"
		fail=1
		return 1
	fi
	echo "html: $name.html is $(stat -c %s "$tmp/$name.html") bytes"
}

check() {
	local name=$1
	shift
	"$py" tests/html-check.py "$tmp/$name.html" --expect-json "$tmp/$name.json" "$@" || fail=1
}

sample=samples/6.12.117+deb12-amd64
for capture in vfio defects; do
	dir=$sample/$capture
	if page "$capture" --sysfs "$dir/iommu_groups.txt" --lspci "$dir/lspci.txt" \
		"$dir/trace.dat"; then
		check "$capture"
	fi
done

if page hostile tests/data/hostile-names.txt; then
	check hostile --hostile-json tests/data/hostile-names.json
	# the data block holds no markup: "<" and ">" are \u escapes in it
	if grep -aq '<script>alert\|<img\|<svg/onload' "$tmp/hostile.html"; then
		echo "html: hostile.html holds a hostile name as raw markup:"
		grep -an '<script>alert\|<img\|<svg/onload' "$tmp/hostile.html" | cut -c1-200
		fail=1
	fi
fi
# a trace.dat with a damaged ring-buffer page (CPU 0's second says it holds more than a
# page): the banner says what was skipped, not that the ring buffer lost events
cp tests/fuzz/corpus/tracedat/6.12-dma-traffic.v6.dat "$tmp/damaged-page.dat"
printf '\377\377\377\007\0\0\0\0' |
	dd of="$tmp/damaged-page.dat" bs=1 seek=16392 conv=notrunc 2>/dev/null
if page damaged-page "$tmp/damaged-page.dat"; then
	check damaged-page --expect-text "Damaged data was skipped 1 time, the first at offset \
16,384: the events there are lost, every finding is only suspected." \
		--reject-text "lost by the ring buffer"
fi

# seven lines not understood after line 20 of a text trace: the banner names the first
# five as the text report and the JSON (input.bad_line_numbers) do
awk 'NR == 21 { for (i = 0; i < 7; i++) print "garbage line " i } { print }' \
	$sample/defects/trace.txt >"$tmp/bad-lines.txt"
if page bad-lines "$tmp/bad-lines.txt"; then
	check bad-lines --expect-text "7 lines of the input were not understood (lines 21, 22, \
23, 24, 25 and 2 more)." --reject-text "lost by the ring buffer"
fi

# a compressed trace.dat with its events in an instance buffer, which libtracecmd's loop
# does not read: the banner says so
if IOREP_PLAIN_READ=1 page instance tests/data/instance.v7-zstd.dat; then
	check instance --expect-text "1 instance buffer was not read (iommu): their events are \
not in this report; trace-cmd report of the file, given as text, has them."
fi

# a stack trace under every event (tests/stack-form.py): a finding's row opens its frames
python3 tests/stack-form.py kernel <$sample/defects/trace.txt >"$tmp/stacks.txt"
if page stacks "$tmp/stacks.txt"; then
	check stacks --expect-text "stack (6)"
fi

# names with escape sequences, backslashes, invalid UTF-8 and 4096 bytes, from the
# text trace, --sysfs and --lspci (tests/test-hostile-render.c checks the other outputs)
data=tests/data/hostile-render
if page hostile-render --sysfs $data-groups.txt --lspci $data-lspci.txt $data.txt; then
	check hostile-render --hostile-json $data.json
	if grep -aq '<script>alert\|<img\|<b>\|<i>' "$tmp/hostile-render.html"; then
		echo "html: hostile-render.html holds a hostile name as raw markup"
		fail=1
	fi
fi
exit $fail
