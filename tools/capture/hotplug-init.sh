#!/bin/sh
# SPDX-License-Identifier: MIT
# init of the capture VM: hot-plug and default-domain type changes of an e1000
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null
M() { echo "CAPTURE: $*" > $T/trace_marker; echo "@@ $*"; }
nic() { # BDF of the e1000 behind root port $1 (00:0$1.0), if any
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat $d/vendor 2>/dev/null):$(cat $d/device 2>/dev/null)" = "0x8086:0x100e" ] || continue
		case "$(readlink -f $d)" in */0000:00:0$1.0/*) basename $d;; esac
	done
}
traffic() { # bring eth up, ping the slirp gateway
	for i in /sys/class/net/eth*; do
		[ -e "$i" ] || continue
		n=$(basename $i); ip link set $n up
	done
	sleep 2
	ping -c 4 -W 1 10.0.2.2 >/dev/null 2>&1
}
waitfor() { # waitfor present|absent PATH
	i=0
	while [ $i -lt 60 ]; do
		if [ "$1" = present ] && [ -e "$2" ]; then return 0; fi
		if [ "$1" = absent ] && [ ! -e "$2" ]; then return 0; fi
		sleep 1; i=$((i+1))
	done
	echo "@@ timeout waiting for $2 $1"
}
echo 1 > $T/tracing_on
find /sys/kernel/iommu_groups/ -type l > /tmp/iommu_groups-before.txt
/usr/bin/lspci -nn > /tmp/lspci-before.txt
M "load modules"
for m in $(cat /mods/order); do insmod /mods/$m; done
ip addr add 10.0.2.15/24 dev lo 2>/dev/null
B=$(nic 4)
G=$(basename $(readlink /sys/bus/pci/devices/$B/iommu_group))
M "e1000 $B in group $G: traffic"
traffic
# 1. the device removed and found again (sysfs remove, rescan)
M "remove $B through sysfs"
echo 1 > /sys/bus/pci/devices/$B/remove
waitfor absent /sys/bus/pci/devices/$B
sleep 1
M "rescan"
echo 1 > /sys/bus/pci/rescan
waitfor present /sys/bus/pci/devices/$B
G=$(basename $(readlink /sys/bus/pci/devices/$B/iommu_group))
M "$B back in group $G: traffic"
traffic
# 2. default domain type changes through sysfs, the driver unbound
for type in identity DMA; do
	M "unbind $B from e1000"
	echo $B > /sys/bus/pci/drivers/e1000/unbind
	M "group $G type $type"
	echo $type > /sys/kernel/iommu_groups/$G/type
	echo "@@ type now $(cat /sys/kernel/iommu_groups/$G/type)"
	M "bind $B to e1000"
	echo $B > /sys/bus/pci/drivers/e1000/bind
	traffic
done
# 3. a real hot-plug through QEMU's monitor (pciehp): device_add, device_del
M "hotplug-add"
waitfor present /sys/bus/pci/devices/0000:02:00.0
C=0000:02:00.0
M "$C added in group $(basename $(readlink /sys/bus/pci/devices/$C/iommu_group)): traffic"
traffic
M "hotplug-del"
waitfor absent /sys/bus/pci/devices/$C
M "end"
echo 0 > $T/tracing_on
find /sys/kernel/iommu_groups/ -type l > /out/iommu_groups.txt
/usr/bin/lspci -nn > /out/lspci.txt
cp /tmp/iommu_groups-before.txt /tmp/lspci-before.txt /out/
cat $T/trace > /out/trace.txt
mkdir -p /out/formats
for s in iommu dma; do
	for e in $T/events/$s/*/format; do
		[ -e "$e" ] || continue
		n=$(basename $(dirname $e)); mkdir -p /out/formats/$s; cp $e /out/formats/$s/$n
	done
done
cd /out && trace-cmd extract -o /out/trace.dat > /out/extract.log 2>&1
uname -r > /out/uname.txt
dmesg > /out/dmesg.txt
for d in /sys/bus/pci/devices/*; do echo "$(basename $d) $(cat $d/vendor):$(cat $d/device) $(cat $d/class)"; done > /out/devices.txt
tar cf /dev/vda -C /out .
sync
echo "@@ DONE"
poweroff -f
