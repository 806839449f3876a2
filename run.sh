#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Set up, build and run iommu-report on a fresh Debian 12 machine.
#
#   ./run.sh        install what is missing, build, analyse a bundled capture
#   ./run.sh test   the same, then run every test
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

IOREP_REQUIRE_BROWSER=1 ctest --test-dir build --output-on-failure -j "$jobs"
