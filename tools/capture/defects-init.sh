#!/bin/sh
# SPDX-License-Identifier: MIT
# init of the capture VM: iommu_defects.ko (defects/iommu_defects.c) makes known
# IOMMU-API and DMA-API defects on QEMU's edu device, which no driver holds
. /guest-lib.sh
begin
E=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = 0x1234:0x11e8 ] && E=$(basename $d)
done
if [ ! -e /sys/bus/pci/devices/$E/iommu_group ]; then
	# virtio-iommu puts a device in a group when a driver binds it
	M "bind $E to vfio-pci and unbind it: a group"
	echo vfio-pci > /sys/bus/pci/devices/$E/driver_override
	echo $E > /sys/bus/pci/drivers/vfio-pci/bind
	echo $E > /sys/bus/pci/drivers/vfio-pci/unbind
	echo > /sys/bus/pci/devices/$E/driver_override
fi
GE=$(basename $(readlink /sys/bus/pci/devices/$E/iommu_group))
# the module's parameters on the kernel's command line (iommu_defects.device_dma=1)
P=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^iommu_defects\.//p' | tr '\n' ' ')
M "insmod iommu_defects.ko bdf=$E $P (edu, group $GE)"
insmod /bin/iommu_defects.ko bdf=$E $P
echo "@@ insmod rc=$?"
M "iommu_defects loaded"
dmesg | grep IOMMUDEF > /out/module-log.txt
collect
