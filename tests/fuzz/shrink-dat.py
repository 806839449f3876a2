#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a small copy of a trace.dat file version 6: the same headers
without kallsyms and trace_printk formats (megabytes that the reader never
uses), only the event systems named with --systems and, with --events, only
the events named of those and of ftrace's own (the file's other events
become unknown ids, as a kernel's other events are), and the first --pages
ring-buffer pages of each CPU.  The result is still a valid trace.dat that
trace-cmd reads; it seeds the fuzz corpus and the damaged-file matrix.

usage: shrink-dat.py [--pages N] [--systems a,b] [--events x,y] IN.v6.dat OUT.dat
"""
import argparse
import struct
import sys

MAGIC = b"\x17\x08\x44tracing"


class Reader:
    def __init__(self, data):
        self.d = data
        self.p = 0

    def take(self, n):
        if self.p + n > len(self.d):
            sys.exit("shrink-dat: file ends inside its headers")
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def u(self, fmt):
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt)))[0]

    def cstr(self):
        end = self.d.index(b"\0", self.p)
        s = self.d[self.p:end]
        self.p = end + 1
        return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=4, help="ring-buffer pages kept per CPU")
    ap.add_argument("--systems", default="iommu,dma,intel_iommu",
                    help="event systems whose formats are kept")
    ap.add_argument("--events", help="event formats kept (all of the systems kept by default)")
    ap.add_argument("src")
    ap.add_argument("dst")
    a = ap.parse_args()
    keep = set(a.systems.encode().split(b","))
    events = set(a.events.encode().split(b",")) if a.events else None

    def wanted(fmt):
        return events is None or fmt.split(b"\n", 1)[0].split(b"name: ")[-1] in events

    r = Reader(open(a.src, "rb").read())
    out = bytearray()
    if r.take(10) != MAGIC:
        sys.exit("shrink-dat: not a trace.dat file")
    if r.cstr() != b"6":
        sys.exit("shrink-dat: only file version 6 (trace-cmd convert --file-version 6)")
    endian, long_size, page_size = r.u("B"), r.u("B"), r.u("I")
    if endian != 0:
        sys.exit("shrink-dat: only little-endian files")
    out += MAGIC + b"6\0" + struct.pack("<BBI", endian, long_size, page_size)
    for name in (b"header_page", b"header_event"):
        if r.cstr() != name:
            sys.exit("shrink-dat: no %s section" % name.decode())
        n = r.u("Q")
        out += name + b"\0" + struct.pack("<Q", n) + r.take(n)
    # ftrace's own event formats
    fmts = [r.take(r.u("Q")) for _ in range(r.u("I"))]
    fmts = [f for f in fmts if wanted(f)]
    out += struct.pack("<I", len(fmts))
    for f in fmts:
        out += struct.pack("<Q", len(f)) + f
    systems = []
    for _ in range(r.u("I")):
        name = r.cstr()
        fmts = [r.take(r.u("Q")) for _ in range(r.u("I"))]
        if name in keep:
            systems.append((name, [f for f in fmts if wanted(f)]))
    out += struct.pack("<I", len(systems))
    for name, fmts in systems:
        out += name + b"\0" + struct.pack("<I", len(fmts))
        for f in fmts:
            out += struct.pack("<Q", len(f)) + f
    r.take(r.u("I"))  # kallsyms
    r.take(r.u("I"))  # trace_printk formats
    out += struct.pack("<II", 0, 0)
    n = r.u("Q")
    out += struct.pack("<Q", n) + r.take(n)  # saved command lines
    ncpus = r.u("I")
    out += struct.pack("<I", ncpus)
    if r.take(10) != b"options  \0":
        sys.exit("shrink-dat: no options section")
    out += b"options  \0"
    while True:
        oid = r.u("H")
        out += struct.pack("<H", oid)
        if oid == 0:
            break
        n = r.u("I")
        out += struct.pack("<I", n) + r.take(n)
    if r.take(10) != b"flyrecord\0":
        sys.exit("shrink-dat: not a flyrecord trace")
    out += b"flyrecord\0"
    cpus = [(r.u("Q"), r.u("Q")) for _ in range(ncpus)]
    # the CPU table, then each CPU's first pages from the next page boundary on
    table = len(out)
    out += bytes(16 * ncpus)
    pages = []
    for off, size in cpus:
        size = min(size, a.pages * page_size)
        pages.append(r.d[off:off + size])
    off = -(-len(out) // page_size) * page_size
    out += bytes(off - len(out))
    for i, data in enumerate(pages):
        struct.pack_into("<QQ", out, table + 16 * i, off, len(data))
        out += data
        off += len(data)
    open(a.dst, "wb").write(out)


if __name__ == "__main__":
    main()
