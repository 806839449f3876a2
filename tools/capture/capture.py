#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""capture.py [--iommu intel|amd|virtio|none] [--passthrough] [--buffer SIZE] [--tp-printk] SCENARIO KERNEL_ROOT KVER OUTDIR.

Boots KERNEL_ROOT/boot/vmlinuz-KVER under QEMU (TCG, q35, an emulated Intel VT-d
or, with --iommu amd, an emulated AMD-Vi; --iommu virtio: a virtio-iommu; --iommu
none: no IOMMU; --passthrough:
identity default domains, iommu.passthrough=1; --buffer: the ring buffer's size
per CPU, trace_buf_size, 16M unless given: a small one overflows; --tp-printk: every
event printed to the kernel log too, which dmesg.txt keeps) with an
initramfs running SCENARIO-init.sh (hotplug, vfio-io; vfio-two: vfio-io's with a
second e1000 in the VFIO container), answers its requests for a
PCIe hot-plug on QEMU's monitor (device_add, device_del), and unpacks what it
wrote to its output disk into OUTDIR.
"""
import os, socket, subprocess, sys, time, tarfile
args = sys.argv[1:]
iommu, passthrough, bufsize, printk = "intel", 0, "16M", ""
while args[:1] in (["--iommu"], ["--passthrough"], ["--buffer"], ["--tp-printk"]):
    if args[0] == "--tp-printk":
        printk, args = " tp_printk log_buf_len=8M", args[1:]
    elif args[0] == "--iommu":
        iommu, args = args[1], args[2:]
    elif args[0] == "--buffer":
        bufsize, args = args[1], args[2:]
    else:
        passthrough, args = 1, args[1:]
if iommu not in ("intel", "amd", "virtio", "none") or len(args) != 4:
    sys.exit(__doc__.splitlines()[0])
scenario, x, v, outdir = args
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(outdir, exist_ok=True)
img = f"{outdir}/out.img"
with open(img, "wb") as f:
    f.truncate(256 << 20)
initrd = f"{outdir}/init.cpio.gz"
files, extra, env = [], [], dict(os.environ)
# vfio-two: the vfio-io scenario with a second e1000 behind 00:05.0, in the same container
init = {"vfio-two": "vfio-io"}.get(scenario, scenario)
if init == "vfio-io":
    # the VFIO program, and an NVMe disk for it to read (random data)
    prog = f"{outdir}/vfio-io"
    subprocess.run(["gcc", "-static", "-O2", "-pthread", "-o", prog, f"{here}/vfio-io.c"],
                   check=True)
    files.append(prog)
    with open(f"{outdir}/nvme.img", "wb") as f:
        f.write(os.urandom(8 << 20))
    extra = ["-drive", f"file={outdir}/nvme.img,format=raw,if=none,id=nv",
             "-device", "nvme,serial=capnvme,drive=nv,bus=pcie.0,addr=0x7"]
    env["MODS"] = "virtio_pci virtio_blk e1000 nvme vfio-pci vfio_iommu_type1"
if scenario == "vfio-two":
    extra += ["-device", "e1000,netdev=n2,bus=rp2,id=nic2"]
if iommu == "virtio":
    # ACPI VIOT holds the devices' drivers back until the module is in
    env["MODS"] = "virtio_pci virtio-iommu " + env.get("MODS", "virtio_blk e1000 virtio_net")
subprocess.run([f"{here}/mkinit.sh", x, v, f"{here}/{init}-init.sh", initrd] + files,
               check=True, env=env)
mon = f"{outdir}/mon.sock"
if os.path.exists(mon):
    os.unlink(mon)
events = "iommu:*" if v.startswith("6.1.") else "iommu:*,dma:*"
# AMD-Vi is on whenever the firmware describes it (ACPI IVRS): no option to turn it on
# virtio-iommu remaps no interrupts, which VFIO type1 refuses unless told
on = {"intel": "intel_iommu=on ", "amd": "", "none": "intel_iommu=off ",
      "virtio": "vfio_iommu_type1.allow_unsafe_interrupts=1 "}[iommu]
cmdline = (f"console=ttyS0 {on}iommu.strict=1 iommu.passthrough={passthrough} "
           f"trace_clock=global trace_event={events} trace_buf_size={bufsize}{printk} panic=-1 quiet")
with open(f"{outdir}/cmdline.txt", "w") as f:
    print(cmdline, file=f)
# QEMU's AMD-Vi translates DMA only (its interrupt remapping needs a split irqchip, which TCG lacks)
unit = {"intel": ["-device", "intel-iommu,intremap=on,caching-mode=on"],
        "amd": ["-device", "amd-iommu"], "virtio": ["-device", "virtio-iommu-pci"],
        "none": []}[iommu]
cmd = ["qemu-system-x86_64", "-accel", "tcg,thread=multi", "-cpu", "max", "-machine", "q35", 
       "-smp", "2", "-m", "1024", *unit,
       "-device", "pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x4",
       "-device", "pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0,addr=0x5",
       "-netdev", "user,id=n1", "-device", "e1000,netdev=n1,bus=rp1,id=nic1",
       "-netdev", "user,id=n2",
       "-drive", f"file={img},format=raw,if=none,id=o",
       "-device", "virtio-blk-pci,drive=o,bus=pcie.0,addr=0x6",
       *extra,
       "-kernel", f"{x}/boot/vmlinuz-{v}", "-initrd", initrd,
       "-append", cmdline,
       "-display", "none", "-serial", "stdio", "-no-reboot",
       "-monitor", f"unix:{mon},server,nowait"]
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
        monitor("device_add e1000,netdev=n2,bus=rp2,id=nic2")
    elif "@@ hotplug-del" in line:
        monitor("device_del nic2")
    if time.time() - start > 600:
        p.kill()
p.wait()
with tarfile.open(img) as t:
    t.extractall(outdir)
print("done", p.returncode)
