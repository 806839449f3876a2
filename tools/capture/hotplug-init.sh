#!/bin/sh
# SPDX-License-Identifier: MIT
# init of the capture VM: hot-plug and default-domain type changes of an e1000
. /guest-lib.sh
begin
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
	M "unbind $B from $DRV"
	echo $B > /sys/bus/pci/drivers/$DRV/unbind
	M "group $G type $type"
	echo $type > /sys/kernel/iommu_groups/$G/type
	echo "@@ type now $(cat /sys/kernel/iommu_groups/$G/type)"
	M "bind $B to $DRV"
	echo $B > /sys/bus/pci/drivers/$DRV/bind
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
collect
