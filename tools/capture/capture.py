#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""capture.py [--iommu intel|amd|virtio|smmuv3|none] [--passthrough] [--buffer SIZE] [--tp-printk] [--date] [--nic e1000|e1000e] SCENARIO KERNEL_ROOT KVER OUTDIR.

Boots KERNEL_ROOT/boot/vmlinuz-KVER under QEMU (TCG, q35, an emulated Intel VT-d
or, with --iommu amd, an emulated AMD-Vi; --iommu virtio: a virtio-iommu; --iommu
none: no IOMMU; --iommu smmuv3: an arm64 kernel on QEMU's virt machine with its
emulated Arm SMMUv3, the guest's programs from SYSROOT, below; --passthrough:
identity default domains, iommu.passthrough=1; --buffer: the ring buffer's size
per CPU, trace_buf_size, 16M unless given: a small one overflows; --tp-printk: every
event printed to the kernel log too, which dmesg.txt keeps; --date: trace.dat's
times made wall-clock times (trace-cmd extract --date, its DATE option); --nic e1000e: QEMU's
e1000e for each e1000, a NIC with MSI, which vfio-io turns on) with an
initramfs running SCENARIO-init.sh (hotplug, vfio-io, defects; vfio-two: vfio-io's with a
second e1000 in the VFIO container; defects-dma: defects' with the edu device doing DMA
before and after unmaps and a map over a live mapping's front, iommu_defects.device_dma=1
rollback=1), answers its requests for a
PCIe hot-plug on QEMU's monitor (device_add, device_del), and unpacks what it
wrote to its output disk into OUTDIR.

QEMU_EXTRA in the environment: more words for QEMU's command line (-trace ...).

For --iommu smmuv3, the environment's SYSROOT names a directory where Debian's
arm64 busybox-static, trace-cmd and pciutils and their libraries are unpacked
(dpkg -x), and the VFIO program is built with aarch64-linux-gnu-gcc.
"""
import os, socket, subprocess, sys, time, tarfile
args = sys.argv[1:]
iommu, passthrough, bufsize, printk, nic, date = "intel", 0, "16M", "", "e1000", ""
while args[:1] in (["--iommu"], ["--passthrough"], ["--buffer"], ["--tp-printk"], ["--nic"], ["--date"]):
    if args[0] == "--date":
        # read by guest-lib.sh's collect() from /proc/cmdline
        date, args = " iorep_extract_date=1", args[1:]
    elif args[0] == "--nic":
        nic, args = args[1], args[2:]
    elif args[0] == "--tp-printk":
        printk, args = " tp_printk log_buf_len=8M", args[1:]
    elif args[0] == "--iommu":
        iommu, args = args[1], args[2:]
    elif args[0] == "--buffer":
        bufsize, args = args[1], args[2:]
    else:
        passthrough, args = 1, args[1:]
if iommu not in ("intel", "amd", "virtio", "smmuv3", "none") or nic not in ("e1000", "e1000e") or len(args) != 4:
    sys.exit(__doc__.splitlines()[0])
scenario, x, v, outdir = args
arm = iommu == "smmuv3"
if arm and not os.environ.get("SYSROOT"):
    sys.exit("capture.py: --iommu smmuv3 needs SYSROOT (the guest's arm64 programs)")
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(outdir, exist_ok=True)
img = f"{outdir}/out.img"
with open(img, "wb") as f:
    f.truncate(256 << 20)
initrd = f"{outdir}/init.cpio.gz"
files, extra, env = [], [], dict(os.environ)
env["MODS"] = f"virtio_pci virtio_blk {nic} virtio_net"
# vfio-two: the vfio-io scenario with a second e1000 behind 00:05.0, in the same container
# defects-dma: the defects scenario with its module's device_dma=1 (on the command line)
init = {"vfio-two": "vfio-io", "defects-dma": "defects"}.get(scenario, scenario)
if init == "vfio-io":
    # the VFIO program, and an NVMe disk for it to read (random data)
    prog = f"{outdir}/vfio-io"
    subprocess.run(["aarch64-linux-gnu-gcc" if arm else "gcc", "-static", "-O2", "-pthread", "-o", prog, f"{here}/vfio-io.c"],
                   check=True)
    files.append(prog)
    with open(f"{outdir}/nvme.img", "wb") as f:
        f.write(os.urandom(8 << 20))
    extra = ["-drive", f"file={outdir}/nvme.img,format=raw,if=none,id=nv",
             "-device", "nvme,serial=capnvme,drive=nv,bus=pcie.0,addr=0x7"]
    env["MODS"] = f"virtio_pci virtio_blk {nic} nvme vfio-pci vfio_iommu_type1"
if init == "defects":
    # the module, built against the kernel's headers (KBUILD, else Debian's
    # linux-headers-KVER), and QEMU's edu device for it to misuse
    kb = os.environ.get("KBUILD", f"/usr/src/linux-headers-{v}")
    mod = f"{outdir}/module"
    os.makedirs(mod, exist_ok=True)
    for n in ("iommu_defects.c", "Kbuild"):
        with open(f"{here}/defects/{n}") as a, open(f"{mod}/{n}", "w") as b:
            b.write(a.read())
    cross = ["ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-"] if arm else []
    subprocess.run(["make", "-C", kb, f"M={os.path.abspath(mod)}", *cross, "modules"], check=True)
    files.append(f"{mod}/iommu_defects.ko")
    extra = ["-device", "edu,bus=pcie.0,addr=0x8"]
    # vfio-pci: a bind that puts the edu in a group where the IOMMU finds devices
    # only when a driver binds them (virtio-iommu)
    env["MODS"] = f"virtio_pci virtio_blk {nic} virtio_net vfio-pci"
if scenario == "vfio-two":
    extra += ["-device", f"{nic},netdev=n2,bus=rp2,id=nic2"]
if iommu == "virtio":
    # ACPI VIOT holds the devices' drivers back until the module is in
    env["MODS"] = "virtio_pci virtio-iommu " + env["MODS"]
subprocess.run([f"{here}/mkinit.sh", x, v, f"{here}/{init}-init.sh", initrd] + files,
               check=True, env=env)
mon = f"{outdir}/mon.sock"
if os.path.exists(mon):
    os.unlink(mon)
events = "iommu:*" if v.startswith("6.1.") else "iommu:*,dma:*"
# AMD-Vi is on whenever the firmware describes it (ACPI IVRS): no option to turn it on
# virtio-iommu remaps no interrupts, which VFIO type1 refuses unless told
on = {"intel": "intel_iommu=on ", "amd": "", "none": "intel_iommu=off ", "smmuv3": "",
      "virtio": "vfio_iommu_type1.allow_unsafe_interrupts=1 "}[iommu]
console = "ttyAMA0" if arm else "ttyS0"
cmdline = (f"console={console} {on}iommu.strict=1 iommu.passthrough={passthrough} "
           f"trace_clock=global trace_event={events} trace_buf_size={bufsize}{printk}{date} panic=-1 quiet")
if scenario == "defects-dma":
    cmdline += " iommu_defects.device_dma=1 iommu_defects.rollback=1"
with open(f"{outdir}/cmdline.txt", "w") as f:
    print(cmdline, file=f)
# QEMU's AMD-Vi translates DMA only (its interrupt remapping needs a split irqchip, which TCG lacks)
unit = {"intel": ["-device", "intel-iommu,intremap=on,caching-mode=on"],
        "amd": ["-device", "amd-iommu"], "virtio": ["-device", "virtio-iommu-pci"],
        "smmuv3": [], "none": []}[iommu]
# arm64: QEMU's virt machine, its SMMUv3 in front of the whole PCIe bus, a GICv3 with an
# ITS (MSIs go through the SMMU), the kernel's console on its PL011
machine = (["qemu-system-aarch64", "-machine", "virt,iommu=smmuv3,gic-version=3", "-cpu", "cortex-a72"]
           if arm else ["qemu-system-x86_64", "-machine", "q35", "-cpu", "max"])
cmd = [machine[0], "-accel", "tcg,thread=multi", *machine[1:],
       "-smp", "2", "-m", "1024", *unit,
       "-device", "pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x4",
       "-device", "pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0,addr=0x5",
       "-netdev", "user,id=n1", "-device", f"{nic},netdev=n1,bus=rp1,id=nic1",
       "-netdev", "user,id=n2",
       "-drive", f"file={img},format=raw,if=none,id=o",
       "-device", "virtio-blk-pci,drive=o,bus=pcie.0,addr=0x6",
       *extra,
       "-kernel", f"{x}/boot/vmlinuz-{v}", "-initrd", initrd,
       "-append", cmdline,
       "-display", "none", "-serial", "stdio", "-no-reboot",
       "-monitor", f"unix:{mon},server,nowait"] + os.environ.get("QEMU_EXTRA", "").split()
log = open(f"{outdir}/console.log", "w")
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
time.sleep(1)
def monitor(line):
    s = socket.socket(socket.AF_UNIX)
    s.connect(mon)
    time.sleep(0.3)
    s.recv(4096)
    s.sendall((line + "\n").encode())
    time.sleep(0.5)
    print("monitor:", line, s.recv(4096).decode(errors="replace").strip()[-200:], flush=True)
    s.close()
start = time.time()
for line in p.stdout:
    log.write(line); log.flush()
    if line.startswith("@@"):
        print(f"{time.time()-start:7.1f} {line.rstrip()}", flush=True)
    if "@@ hotplug-add" in line:
        monitor(f"device_add {nic},netdev=n2,bus=rp2,id=nic2")
    elif "@@ hotplug-del" in line:
        monitor("device_del nic2")
    if time.time() - start > 600:
        p.kill()
p.wait()
with tarfile.open(img) as t:
    t.extractall(outdir)
print("done", p.returncode)
