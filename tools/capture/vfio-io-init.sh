#!/bin/sh
# SPDX-License-Identifier: MIT
# init of the capture VM: an e1000 given to a VFIO program (vfio-io.c) that also
# reads an NVMe disk behind the IOMMU, from two threads; with a second e1000
# behind 00:05.0 (the vfio-two scenario), both, in one container
. /guest-lib.sh
# text lines carry the thread group: the second thread's maps are the program's
echo 1 > $T/options/record-tgid
begin
D=/dev/nvme0n1
waitfor present $D
B2=$(nic 5)
G2=
[ -n "$B2" ] && G2=$(basename $(readlink /sys/bus/pci/devices/$B2/iommu_group))
M "e1000 $B in group $G${B2:+, $B2 in group $G2}: traffic"
traffic
M "disk reads from the shell"
dd if=$D of=/dev/null bs=32k count=8 iflag=direct 2>/dev/null
for b in $B $B2; do
	M "unbind $b from $DRV"
	echo $b > /sys/bus/pci/drivers/$DRV/unbind
	M "bind $b to vfio-pci"
	echo vfio-pci > /sys/bus/pci/devices/$b/driver_override
	echo $b > /sys/bus/pci/drivers/vfio-pci/bind
done
waitfor present /dev/vfio/$G
[ -n "$B2" ] && waitfor present /dev/vfio/$G2
/bin/vfio-io $G $B $D ${B2:+$G2 $B2}
echo "@@ vfio-io rc=$?"
for b in $B $B2; do
	M "unbind $b from vfio-pci, bind $DRV"
	echo $b > /sys/bus/pci/drivers/vfio-pci/unbind
	echo > /sys/bus/pci/devices/$b/driver_override
	echo $b > /sys/bus/pci/drivers/$DRV/bind
done
traffic
M "disk reads from the shell"
dd if=$D of=/dev/null bs=32k count=8 iflag=direct 2>/dev/null
M "end"
collect
