#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# plugin_iommu inside the system's own trace-cmd (TRACEEVENT_PLUGIN_DIR set to
# PLUGIN_DIR, HOME set to an empty directory so no ~/.local plugin is loaded):
#
#  1. `trace-cmd report` of every capture samples/<kernel>/<capture>/trace.dat
#     equals tests/golden/plugin/<kernel>--<capture>.txt, header lines too:
#     exactly what a user sees.
#  2. The plugin really printed it: every map line reads "iova [0x.., 0x..) ",
#     no record is [FAILED TO PARSE], and the 6.12 dma-traffic capture has
#     dma_map_sg lines with " -> " and "; phys ".  (So a golden file blessed
#     without the plugin cannot pass.)
#  3. `trace-cmd list -O` lists the iommu options human, pages and amd, each
#     with a description, set to 1, 1 and 0.
#  4. Each option changes exactly the documented line: -O iommu:human=0,
#     -O iommu:pages=0, the bare -O iommu:human (flips the default: same as
#     human=0), -O iommu:human=1 (same as no option), and -O iommu:amd=1 on
#     tests/data/fault-amd.dat (made by tests/data/make-fault-amd.sh).
#  5. `BIN --events=text` of every capture equals its `trace-cmd report`
#     without the cpus= and "CPU N is empty" lines and the events of other
#     systems than iommu and dma (the print markers).
#
# With --bless, rewrites the golden files of 1 instead of comparing (only for
# output that passes 2; review the diff before committing it), then runs the
# other checks.
#
#   tests/plugin.sh PLUGIN_DIR BIN            compare (what ctest runs)
#   tests/plugin.sh PLUGIN_DIR BIN --bless    rewrite
#
# Exit 0 = all passed, 1 = something failed (one line per problem, with a
# diff excerpt), 77 = skipped: trace-cmd is not installed.
set -euo pipefail
plugdir=$(realpath "$1")
bin=$(realpath "$2")
mode=${3:-check}
cd "$(dirname "$0")/.."
. tests/captures.sh

if ! command -v trace-cmd >/dev/null; then
	echo "plugin: skipped: trace-cmd is not installed (Debian package trace-cmd)"
	exit 77
fi
if [ ! -f "$plugdir/plugin_iommu.so" ]; then
	echo "plugin: $plugdir/plugin_iommu.so does not exist"
	exit 1
fi

# (trace-cmd --version exits 255)
tcver=$({ trace-cmd --version 2>&1 || true; } | grep -m1 -o 'version [^ ]*') || tcver=unknown
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/home"
export HOME=$tmp/home
export TRACEEVENT_PLUGIN_DIR=$plugdir
# a sanitizer build of BIN needs what ctest gives the other tests
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export ASAN_OPTIONS=${ASAN_OPTIONS:-fast_unwind_on_malloc=1}

fail=0
problem() {
	echo "plugin: $*"
	fail=1
}

# report OUT ARGS...: `trace-cmd report ARGS` into OUT; it must succeed and
# keep stderr empty (a plugin that fails to load only warns there).
report() {
	local out=$1
	shift
	if ! trace-cmd report "$@" >"$out" 2>"$out.err"; then
		problem "trace-cmd report $* failed: $(head -1 "$out.err")"
		return 1
	fi
	if [ -s "$out.err" ]; then
		problem "trace-cmd report $* wrote to stderr: $(head -1 "$out.err")"
		return 1
	fi
}

# differ WHAT A B: fails with the first lines of the diff when A and B differ.
differ() {
	if ! diff -u "$2" "$3" >"$tmp/diff"; then
		problem "$1:"
		head -20 "$tmp/diff"
		return 1
	fi
}

# expect_line FILE WHAT KEY WANT: FILE has one line containing KEY (the
# timestamp and event name), and after KEY and its padding it reads WANT.
expect_line() {
	local file=$1 what=$2 key=$3 want=$4 n line got
	n=$(grep -cF -- "$key" "$file") || true
	if [ "$n" != 1 ]; then
		problem "$what: $n lines with '$key', expected 1"
		return
	fi
	line=$(grep -F -- "$key" "$file")
	got=${line#*"$key"}
	got=${got#"${got%%[! ]*}"}
	if [ "$got" != "$want" ]; then
		problem "$what: '$key' reads '$got', expected '$want'"
	fi
}

# iommu_dma_events TRACE: the names of the iommu:* and dma:* events whose
# formats TRACE holds (`trace-cmd dump --events` lists them system by system,
# in the order and numbers `trace-cmd dump --systems` gives).
iommu_dma_events() {
	trace-cmd dump --systems -i "$1" >"$tmp/systems" 2>/dev/null
	trace-cmd dump --events -i "$1" >"$tmp/formats" 2>/dev/null
	awk 'NR == FNR { if ($3 == "[system,") { n++; sys[n] = $1; cnt[n] = $2 } next }
	     /^name: / {
		if (!i) { i = 1; k = 0 }
		while (i <= n && k == cnt[i]) { i++; k = 0 }
		k++
		if (sys[i] == "iommu" || sys[i] == "dma") print $2
	     }
	     END {
		while (i <= n && k == cnt[i]) { i++; k = 0 }
		if (i != n + 1) { print "event formats do not add up to the systems" > "/dev/stderr"; exit 1 }
	     }' "$tmp/systems" "$tmp/formats"
}

# only_events NAMES < REPORT: REPORT without cpus=, "CPU N is empty" and the
# events not named in NAMES (space-separated).
only_events() {
	awk -v names="$1" '
		BEGIN { n = split(names, a, " "); for (j = 1; j <= n; j++) keep[a[j]] = 1 }
		/^cpus=[0-9]+$/ || /^CPU [0-9]+ is empty$/ { next }
		match($0, /\] +[0-9]+\.[0-9]+: [A-Za-z0-9_]+: /) {
			e = substr($0, RSTART, RLENGTH)
			sub(/: $/, "", e)
			sub(/^.*: /, "", e)
			if (!(e in keep)) next
		}
		{ print }'
}

# --- 1, 2, 5: every capture ------------------------------------------------
mkdir -p tests/golden/plugin
ncap=0
for trace in $(capture_dirs | sed "s|\$|trace.dat|"); do
	dir=$(dirname "$trace")
	kernel=$(basename "$(dirname "$dir")")
	capture=$(basename "$dir")
	golden=tests/golden/plugin/$kernel--$capture.txt
	out=$tmp/$kernel--$capture.txt
	ncap=$((ncap + 1))
	report "$out" "$trace" || continue

	# 2: the plugin's own wording
	ok=1
	if grep -q 'FAILED TO PARSE' "$out"; then
		problem "$trace: [FAILED TO PARSE] records: $(grep -m1 'FAILED TO PARSE' "$out")"
		ok=0
	fi
	maps=$(grep -cE '\] +[0-9]+\.[0-9]+: map: ' "$out") || true
	bad=$(grep -E '\] +[0-9]+\.[0-9]+: map: ' "$out" |
		grep -vE ': map: +iova \[0x[0-9a-f]+, 0x[0-9a-f]+\) ' | head -1) || true
	if [ "$maps" = 0 ]; then
		problem "$trace: no map lines"
		ok=0
	elif [ -n "$bad" ]; then
		problem "$trace: a map line not printed by the plugin: $bad"
		ok=0
	fi
	if [ "$kernel/$capture" = 6.12.117+deb12-amd64/dma-traffic ]; then
		sg=$(grep -cE '\] +[0-9]+\.[0-9]+: dma_map_sg: ' "$out") || true
		bad=$(grep -E '\] +[0-9]+\.[0-9]+: dma_map_sg: ' "$out" |
			grep -vF ' -> ' | head -1) || true
		bad=${bad:-$(grep -E '\] +[0-9]+\.[0-9]+: dma_map_sg: ' "$out" |
			grep -vF '; phys ' | head -1)} || true
		if [ "$sg" = 0 ]; then
			problem "$trace: no dma_map_sg lines"
			ok=0
		elif [ -n "$bad" ]; then
			problem "$trace: a dma_map_sg line not printed by the plugin: $bad"
			ok=0
		fi
	fi

	# 1: the golden output
	if [ "$mode" = --bless ]; then
		if [ $ok = 1 ]; then
			cp "$out" "$golden"
			echo "blessed $golden"
		else
			problem "not blessing $golden"
		fi
	elif [ ! -f "$golden" ]; then
		problem "$golden is missing (tests/plugin.sh PLUGIN_DIR BIN --bless writes it)"
	elif differ "$golden differs from trace-cmd report $trace (trace-cmd $tcver)" \
		"$golden" "$out"; then
		echo "plugin: $golden ok"
	fi

	# 5: iommu-report's own listing, through the same printer
	if ! names=$(iommu_dma_events "$trace" | tr '\n' ' '); then
		problem "$trace: cannot tell which events are iommu/dma ones"
		continue
	fi
	only_events "$names" <"$out" >"$out.events"
	if ! "$bin" --events=text "$trace" >"$out.bin" 2>"$out.bin.err"; then
		problem "$bin --events=text $trace failed: $(head -1 "$out.bin.err")"
	elif differ "$bin --events=text $trace differs from trace-cmd report" \
		"$out.events" "$out.bin"; then
		echo "plugin: --events=text of $trace ok"
	fi
done
if [ "$ncap" != "$(captures_expected)" ]; then
	problem "found $ncap captures samples/*/*/trace.dat, expected $(captures_expected)"
fi

# --- 3: trace-cmd list -O --------------------------------------------------
if ! trace-cmd list -O >"$tmp/list" 2>"$tmp/list.err"; then
	problem "trace-cmd list -O failed: $(head -1 "$tmp/list.err")"
else
	# one line per iommu option: NAME, whether desc: is non-empty, set:
	awk -F '\t' '
		/^ *plugin:/ { p = $2; o = ""; d = 0 }
		/^ *option:/ { o = $2 }
		/^ *desc:/ { d = ($2 != "") }
		/^ *set:/ { if (p == "iommu") print o, d, $2 }' "$tmp/list" >"$tmp/options"
	printf '%s\n' 'human 1 1' 'pages 1 1' 'amd 1 0' >"$tmp/options.want"
	if differ "trace-cmd list -O: the iommu options (name, has desc:, set:) differ" \
		"$tmp/options.want" "$tmp/options"; then
		echo "plugin: trace-cmd list -O ok"
	fi
fi

# --- 4: what each option changes --------------------------------------------
defects=samples/6.12.117+deb12-amd64/defects/trace.dat
key='15.849318: unmap:'
r=$tmp/defects
if report "$r.default" "$defects"; then
	expect_line "$r.default" "default" "$key" \
		'iova [0x3000000, 0x3001000) 4 KiB (1 page), unmapped 2 MiB [0x3000000, 0x3200000): more than asked'
fi
if report "$r.human0" -O iommu:human=0 "$defects"; then
	expect_line "$r.human0" "-O iommu:human=0" "$key" \
		'iova [0x3000000, 0x3001000) 4096 (1 page), unmapped 2097152 [0x3000000, 0x3200000): more than asked'
fi
if report "$r.pages0" -O iommu:pages=0 "$defects"; then
	expect_line "$r.pages0" "-O iommu:pages=0" "$key" \
		'iova [0x3000000, 0x3001000) 4 KiB, unmapped 2 MiB [0x3000000, 0x3200000): more than asked'
fi
if report "$r.human" -O iommu:human "$defects" && [ -f "$r.human0" ]; then
	differ "-O iommu:human (bare, flips the default) differs from -O iommu:human=0" \
		"$r.human0" "$r.human" || true
fi
if report "$r.human1" -O iommu:human=1 "$defects" && [ -f "$r.default" ]; then
	differ "-O iommu:human=1 differs from no option" "$r.default" "$r.human1" || true
fi

amd=tests/data/fault-amd.dat
key='15.848621: io_page_fault:'
if [ ! -f "$amd" ]; then
	problem "$amd is missing (tests/data/make-fault-amd.sh makes it)"
else
	if report "$tmp/amd.default" "$amd"; then
		expect_line "$tmp/amd.default" "$amd" "$key" \
			'0000:00:07.0 (pci): read at iova 0x100000, flags 0x0030'
	fi
	if report "$tmp/amd.amd1" -O iommu:amd=1 "$amd"; then
		expect_line "$tmp/amd.amd1" "$amd -O iommu:amd=1" "$key" \
			'0000:00:07.0 (pci): write [PR|RW] at iova 0x100000, flags 0x0030'
	fi
fi
[ $fail = 0 ] && echo "plugin: options ok; all ok"
exit $fail
