#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Set up, build and run iommu-report on a fresh Debian 12 machine.
#
#   ./run.sh        install what is missing, build, analyse a bundled capture
#   ./run.sh test   the same, then run every test three times: in ./build, in
#                   ./build-asan (ASan + UBSan) and in ./build-memcheck (every
#                   test program and every iommu-report they start under
#                   valgrind; tests/memcheck.sh); IOREP_MEMCHECK=0 leaves the
#                   last out (a quicker look, not what CI runs)
#
# Packages are installed with apt-get only when missing (as root, or through
# sudo).  The build goes to ./build.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-run}
case "$mode" in
run | test) ;;
*)
	echo "usage: $0 [run|test]" >&2
	exit 2
	;;
esac

packages=(
	build-essential cmake pkg-config
	libtracecmd-dev libtraceevent-dev libtracefs-dev trace-cmd
	libgraphviz-dev libcjson-dev libcunit1-dev
	zlib1g-dev liblzma-dev libzstd-dev
	gzip xz-utils zstd python3 python3-jsonschema
)
if [ "$mode" = test ]; then
	# the HTML report's test opens the page in headless Chromium (tests/html.sh)
	packages+=(chromium chromium-driver python3-selenium)
	# the plugin's load/unload test under valgrind; the man page check (groff)
	packages+=(valgrind groff-base)
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "run.sh: installing ${missing[*]}"
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
start=$SECONDS
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"

if [ "$mode" = run ]; then
	sample=samples/6.12.117+deb12-amd64/defects
	status=0
	./build/iommu-report --sysfs "$sample/iommu_groups.txt" "$sample/trace.dat" || status=$?
	# 1 means "findings": this capture was made to have them (see its GROUND_TRUTH.md)
	if [ "$status" -eq 1 ]; then
		echo "run.sh: exit status 1 = findings, as $sample/GROUND_TRUTH.md expects"
		exit 0
	fi
	exit "$status"
fi

# the browser test must not skip: the packages above are installed
export IOREP_REQUIRE_BROWSER=1
times=()
# how long each stage took, also when one fails
trap 'printf "  %s\n" "${times[@]}"' EXIT
# stage NAME CMD...: runs CMD, notes how long it took
stage() {
	local name=$1 t=$SECONDS
	shift
	echo "run.sh: $name"
	"$@"
	times+=("$(printf '%-34s %4d s' "$name" $((SECONDS - t)))")
}

times+=("$(printf '%-34s %4d s' "build" $((SECONDS - start)))")
stage "tests" ctest --test-dir build --output-on-failure -j "$jobs"

configure() {
	cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${@:2}" >/dev/null
	cmake --build "$1" -j "$jobs" >/dev/null
}
stage "build-asan (ASan + UBSan)" configure build-asan -DIOREP_SANITIZE=ON
stage "tests in build-asan" ctest --test-dir build-asan --output-on-failure -j "$jobs"

# The valgrind pass: every test and every iommu-report they start under memcheck.
if [ "${IOREP_MEMCHECK:-1}" = 1 ]; then
	stage "build-memcheck" configure build-memcheck -DIOREP_MEMCHECK=ON
	rm -rf build-memcheck/memcheck/logs
	stage "tests in build-memcheck (valgrind)" ctest --test-dir build-memcheck --output-on-failure -j "$jobs"
	# a valgrind report of a run whose exit status no test looked at
	if [ -n "$(ls -A build-memcheck/memcheck/logs 2>/dev/null)" ]; then
		echo "run.sh: valgrind found errors (the exit status did not fail a test):"
		for log in build-memcheck/memcheck/logs/*; do
			echo "== $log"
			cat "$log"
		done
		exit 1
	fi
else
	echo "run.sh: IOREP_MEMCHECK=0: the valgrind pass (build-memcheck) is left out"
fi

times+=("$(printf '%-34s %4d s' "total" $((SECONDS - start)))")
passed="build and build-asan"
[ "${IOREP_MEMCHECK:-1}" = 1 ] && passed="build, build-asan and build-memcheck"
echo "run.sh: every test passed in $passed"
