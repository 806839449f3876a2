#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# cmake --install of a build tree, into a scratch DESTDIR: the program, the
# man page and plugin_iommu.so land where they should (the plugin in
# libtraceevent's own plugin directory, or in -DIOREP_PLUGIN_DIR), and
# trace-cmd loads the installed plugin from there.
#
#   tests/install.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$(dirname "$0")/..")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

libdir=$(pkg-config --variable=libdir libtraceevent)
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
plugin_dir=$(sed -n 's/^IOREP_PLUGIN_DIR:PATH=//p' "$build/CMakeCache.txt")

check() {
	if [ ! -f "$1" ]; then
		echo "install: $2 is not at $1"
		fail=1
	fi
}

DESTDIR=$tmp/root cmake --install "$build" >/dev/null
check "$tmp/root$prefix/bin/iommu-report" "the program"
check "$tmp/root$prefix/share/man/man1/iommu-report.1" "the man page"
check "$tmp/root$libdir/traceevent/plugins/plugin_iommu.so" "plugin_iommu.so"
if [ "$plugin_dir" != "$libdir/traceevent/plugins" ]; then
	echo "install: IOREP_PLUGIN_DIR defaults to $plugin_dir, not libtraceevent's $libdir/traceevent/plugins"
	fail=1
fi

# The installed plugin is the one trace-cmd uses from its directory.
if command -v trace-cmd >/dev/null; then
	line=$(HOME=$tmp TRACEEVENT_PLUGIN_DIR=$tmp/root$libdir/traceevent/plugins \
		trace-cmd report "$src/samples/6.12.117+deb12-amd64/defects/trace.dat" |
		grep -m1 ' map: ' || true)
	case $line in
	*"iova [0xffff000, 0x10000000) 4 KiB (1 page) -> paddr 0x1038a0000") ;;
	*)
		echo "install: trace-cmd did not print through the installed plugin: $line"
		fail=1
		;;
	esac
fi

# -DIOREP_PLUGIN_DIR moves it; --component plugin installs only the plugin.
cmake -S "$src" -B "$tmp/b2" -DIOREP_PLUGIN_DIR=/opt/tep-plugins >/dev/null
cmake --build "$tmp/b2" --target plugin_iommu >/dev/null
DESTDIR=$tmp/root2 cmake --install "$tmp/b2" --component plugin >/dev/null
check "$tmp/root2/opt/tep-plugins/plugin_iommu.so" "plugin_iommu.so (-DIOREP_PLUGIN_DIR)"
if [ -n "$(find "$tmp/root2" -type f ! -name plugin_iommu.so)" ]; then
	echo "install: --component plugin installed more than the plugin"
	fail=1
fi

[ $fail -eq 0 ] && echo "install: ok ($prefix, plugin in $plugin_dir)"
exit $fail
