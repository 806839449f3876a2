#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Screenshots of the HTML report for the README: runs iommu-report --html on
# the bundled 6.12 vfio and defects captures and takes a 1280x1600 picture of
# each page with headless Chromium, into docs/img/html-vfio.png and
# docs/img/html-defects.png; and draws the vfio capture's topology while
# vfio_map_test holds the NIC (--at 19) into docs/img/topology-vfio.png.
#
#   docs/screenshots.sh build/iommu-report
#
# Needs Debian's chromium (./run.sh test installs it).  Review the pictures
# before committing them.
set -euo pipefail
bin=$(realpath "${1:?usage: $0 BUILD_BIN}")
cd "$(dirname "$0")/.."
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
	echo "screenshots: $chromium is missing (apt-get install chromium)" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p docs/img
sample=samples/6.12.117+deb12-amd64
for capture in vfio defects; do
	dir=$sample/$capture
	status=0
	# relative paths, so the page shows samples/... and not this machine's paths
	"$bin" --quiet --sysfs "$dir/iommu_groups.txt" --lspci "$dir/lspci.txt" \
		--html "$tmp/$capture.html" "$dir/trace.dat" >/dev/null || status=$?
	if [ "$status" -gt 1 ]; then # 1 = findings, which defects has
		echo "screenshots: iommu-report failed on $dir (exit $status)" >&2
		exit 2
	fi
	out=docs/img/html-$capture.png
	# a fresh profile each time; the launcher's and dbus chatter on stderr is noise
	"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/profile" --no-first-run --disable-extensions \
		--force-device-scale-factor=1 --window-size=1280,1600 \
		--screenshot="$PWD/$out" "file://$tmp/$capture.html" >"$tmp/chromium.log" 2>&1 || {
		cat "$tmp/chromium.log" >&2
		exit 2
	}
	if [ ! -s "$out" ]; then
		echo "screenshots: chromium wrote no $out" >&2
		cat "$tmp/chromium.log" >&2
		exit 2
	fi
	echo "screenshots: $out ($(stat -c %s "$out") bytes)"
done
dir=$sample/vfio
"$bin" --quiet --sysfs "$dir/iommu_groups.txt" --lspci "$dir/lspci.txt" --at 19 \
	--png docs/img/topology-vfio.png "$dir/trace.dat" >/dev/null || [ $? -eq 1 ]
echo "screenshots: docs/img/topology-vfio.png ($(stat -c %s docs/img/topology-vfio.png) bytes)"
