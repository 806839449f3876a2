# SPDX-License-Identifier: MIT
# Sourced by the capture VMs' init scripts (/guest-lib.sh in the initramfs): the
# mounts, the markers, helpers, begin(), which starts tracing, and collect(),
# which writes the output disk.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null
M() { echo "CAPTURE: $*" > $T/trace_marker; echo "@@ $*"; }
nic() { # BDF of the e1000 (or e1000e) behind root port $1 (00:0$1.0), if any
	for d in /sys/bus/pci/devices/*; do
		case "$(cat $d/vendor 2>/dev/null):$(cat $d/device 2>/dev/null)" in
		0x8086:0x100e|0x8086:0x10d3) ;;
		*) continue;;
		esac
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
snapshot() { # snapshot SUFFIX: the groups and lspci into /tmp
	find /sys/kernel/iommu_groups/ -type l > /tmp/iommu_groups$1.txt
	/usr/bin/lspci -nn > /tmp/lspci$1.txt
}
begin() { # tracing on, the "before" snapshot, the modules; B, G, DRV: the e1000 behind 00:04.0, its group, its driver
	echo 1 > $T/tracing_on
	snapshot -before
	M "load modules"
	for m in $(cat /mods/order); do insmod /mods/$m; done
	# insmod, unlike modprobe, leaves the command line's module.param=value alone
	for a in $(cat /proc/cmdline); do
		case "$a" in *.*=*) ;; *) continue;; esac
		p=/sys/module/${a%%.*}/parameters/${a#*.}; p=${p%%=*}
		[ -w "$p" ] && echo "${a#*=}" > "$p"
	done
	ip addr add 10.0.2.15/24 dev lo 2>/dev/null
	B=$(nic 4)
	G=$(basename $(readlink /sys/bus/pci/devices/$B/iommu_group))
	DRV=$(basename $(readlink /sys/bus/pci/devices/$B/driver))
}
collect() { # tracing off; the trace, formats and snapshots to the output disk; power off
	echo 0 > $T/tracing_on
	snapshot ""
	cp /tmp/iommu_groups*.txt /tmp/lspci*.txt /out/
	cat $T/trace > /out/trace.txt
	mkdir -p /out/formats
	for s in iommu dma; do
		for e in $T/events/$s/*/format; do
			[ -e "$e" ] || continue
			n=$(basename $(dirname $e)); mkdir -p /out/formats/$s; cp $e /out/formats/$s/$n
		done
	done
	# capture.py --date: wall-clock times in trace.dat (its DATE option)
	XA=; grep -q iorep_extract_date=1 /proc/cmdline && XA=--date
	cd /out && trace-cmd extract $XA -o /out/trace.dat > /out/extract.log 2>&1
	uname -r > /out/uname.txt
	dmesg > /out/dmesg.txt
	for d in /sys/bus/pci/devices/*; do echo "$(basename $d) $(cat $d/vendor):$(cat $d/device) $(cat $d/class)"; done > /out/devices.txt
	tar cf /dev/vda -C /out .
	sync
	echo "@@ DONE"
	poweroff -f
}
