#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mkinit.sh KERNEL_ROOT KVER INIT OUT.cpio.gz [FILE...]: a busybox initramfs that runs
# INIT (with guest-lib.sh beside it), with trace-cmd and lspci (and their libraries) from
# this machine, each FILE (a static program) in /bin, and the modules INIT loads ($MODS,
# default virtio_pci virtio_blk e1000 virtio_net; with their dependencies, in load
# order in /mods/order) from KERNEL_ROOT, a linux-image package unpacked with
# dpkg -x.  Needs busybox-static, cpio, kmod (depmod), xz and pciutils.
# With SYSROOT set (another architecture's busybox-static, trace-cmd, pciutils and
# their libraries unpacked there with dpkg -x), busybox, trace-cmd and lspci come from
# it, with every library it holds, instead of from this machine.
set -euo pipefail
x=$1; v=$2; scen=$3; out=$4
shift 4
depmod -b "$x" "$v"
r=$(mktemp -d)
mkdir -p $r/{bin,sbin,proc,sys,dev,tmp,out,mods,lib64,lib/x86_64-linux-gnu,etc,usr/bin}
sys=${SYSROOT:-}
cp $sys/bin/busybox $r/bin/
# the applets of this machine's busybox: the same Debian version
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox $r/bin/$a; done
# trace-cmd and lspci (pciutils), with their libraries and the PCI ids
for b in /usr/bin/trace-cmd /usr/bin/lspci; do
	cp $sys$b $r/usr/bin/
	[ -n "$sys" ] && continue
	for l in $(ldd $b | awk '/=>/{print $3} /ld-linux/{print $1}'); do cp -L $l $r$l; done
done
if [ -n "$sys" ]; then
	for d in lib usr/lib; do
		[ -d $sys/$d ] && mkdir -p $r/$d && cp -a $sys/$d/. $r/$d/
	done
fi
mkdir -p $r/usr/share/misc
cp /usr/share/misc/pci.ids $r/usr/share/misc/
# modules and their dependencies, in load order
: > $r/mods/order
want=${MODS:-virtio_pci virtio_blk e1000 virtio_net}
dep=$x/lib/modules/$v/modules.dep
add() { # path relative to lib/modules/v
	local p=$1 d
	grep -qx "$p" $r/mods/seen 2>/dev/null && return 0
	echo "$p" >> $r/mods/seen
	for d in $(grep "^$p:" $dep | cut -d: -f2); do add $d; done
	local b=$(basename $p); b=${b%.xz}
	if [[ $p == *.xz ]]; then xz -dc $x/lib/modules/$v/$p > $r/mods/$b; else cp $x/lib/modules/$v/$p $r/mods/$b; fi
	echo $b >> $r/mods/order
}
for w in $want; do
	p=$(grep -E "/$w\.ko(\.xz)?:" $dep | cut -d: -f1 || true)
	[ -n "$p" ] && add $p
done
cp $scen $r/init; chmod +x $r/init
cp "$(dirname "$0")/guest-lib.sh" $r/
for f in "$@"; do cp "$f" $r/bin/; done
(cd $r && find . | cpio -o -H newc 2>/dev/null | gzip -1) > $out
rm -rf $r
