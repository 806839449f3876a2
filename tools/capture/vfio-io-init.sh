#!/bin/sh
# SPDX-License-Identifier: MIT
# init of the capture VM: an e1000 given to a VFIO program (vfio-io.c) that also
# reads an NVMe disk behind the IOMMU, from two threads
. /guest-lib.sh
# text lines carry the thread group: the second thread's maps are the program's
echo 1 > $T/options/record-tgid
begin
D=/dev/nvme0n1
waitfor present $D
M "e1000 $B in group $G: traffic"
traffic
M "disk reads from the shell"
dd if=$D of=/dev/null bs=32k count=8 iflag=direct 2>/dev/null
M "unbind $B from e1000"
echo $B > /sys/bus/pci/drivers/e1000/unbind
M "bind $B to vfio-pci"
echo vfio-pci > /sys/bus/pci/devices/$B/driver_override
echo $B > /sys/bus/pci/drivers/vfio-pci/bind
waitfor present /dev/vfio/$G
/bin/vfio-io $G $B $D
echo "@@ vfio-io rc=$?"
M "unbind $B from vfio-pci, bind e1000"
echo $B > /sys/bus/pci/drivers/vfio-pci/unbind
echo > /sys/bus/pci/devices/$B/driver_override
echo $B > /sys/bus/pci/drivers/e1000/bind
traffic
M "disk reads from the shell"
dd if=$D of=/dev/null bs=32k count=8 iflag=direct 2>/dev/null
M "end"
collect
