#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Makes tests/data/instance.v6.dat: the 6.1 dma-traffic corpus file with its
events moved into an instance buffer named "iommu", as `trace-cmd record -B
iommu` leaves them, and the top buffer empty; and its version 7 forms,
converted by trace-cmd: instance.v7.dat (not compressed) and
instance.v7-zstd.dat; and instance-both.v6.dat, whose top buffer keeps the
events too (both buffers' tables point at the same pages: each event twice,
at the same time, the order then up to how the buffers are merged).

    tests/data/make-instance.py [OUT]     default OUT: tests/data/instance.v6.dat

How (version 6): the file's UNAME option makes room for a BUFFER option (the
instance's name and the offset of its CPU data) and a filler; a copy of the
top buffer's "flyrecord" CPU table is appended, which the BUFFER option points
to; the top buffer's own table then gives every CPU a size of 0.  The
instance's table points at the same pages.  `trace-cmd report` must then show
the events under the instance and none in the top buffer.
"""
import importlib.util
import os
import struct
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))

spec = importlib.util.spec_from_file_location(
    "moc", os.path.join(here, "..", "fuzz", "make-option-crashes.py"))
moc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(moc)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "instance.v6.dat")
    src = os.path.join(here, "..", "fuzz", "corpus", "tracedat", "6.1-dma-traffic.v6.dat")
    d = bytearray(open(src, "rb").read())
    _, p, _ = moc.header(d)
    opts, table_end = moc.options_v6(d, p)
    fly = d.rindex(b"flyrecord\0", 0, table_end)  # the tag right before the table
    ncpus = (table_end - fly - 10) // 16
    table = d[fly:table_end]
    inst = len(d)
    d += table
    moc.rewrite(d, opts, "uname", [(moc.OPT["buffer"], struct.pack("<Q", inst) + b"iommu\0")])
    # the same with the top buffer kept: every event twice, at the same time in both
    both = os.path.join(os.path.dirname(out), "instance-both.v6.dat")
    open(both, "wb").write(d)
    for cpu in range(ncpus):
        struct.pack_into("<Q", d, fly + 10 + 16 * cpu + 8, 0)
    open(out, "wb").write(d)
    env = dict(os.environ, HOME="/nonexistent")
    rep = subprocess.run(["trace-cmd", "report", "-N", "-i", out], capture_output=True,
                         text=True, env=env)
    if rep.returncode != 0 or "map:" not in rep.stdout:
        sys.exit("make-instance: trace-cmd report does not show the instance's events:\n" +
                 rep.stderr)
    print("%s: %d CPUs, instance at offset %d" % (out, ncpus, inst))
    for comp, name in (("none", "instance.v7.dat"), ("zstd", "instance.v7-zstd.dat")):
        v7 = os.path.join(os.path.dirname(out), name)
        subprocess.run(["trace-cmd", "convert", "-i", out, "--file-version", "7",
                        "--compression", comp, "-o", v7], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(v7)


if __name__ == "__main__":
    main()
