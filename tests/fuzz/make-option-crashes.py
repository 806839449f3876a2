#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the trace.dat files of tests/fuzz/crashes/tracedat/ whose names start
with "libtracecmd-opt-": each is a fuzz corpus seed with one option (or one
section size) rewritten into what libtracecmd 1.3.1 reads past its buffers,
writes before them or dereferences NULL on (src/dat-check.c says which and
how).  An option is rewritten in place into options of the same total length
(an unknown id fills the rest, which libtracecmd skips), so no offset in the
file moves.

usage: make-option-crashes.py CORPUS_DIR OUT_DIR
"""
import os
import struct
import sys

MAGIC = b"\x17\x08\x44tracing"
OPT = {"date": 1, "cpustat": 2, "buffer": 3, "traceclock": 4, "uname": 5, "hook": 6,
       "version": 9, "cpucount": 8, "time_shift": 12, "guest": 13, "kallsyms": 19,
       "printk": 20, "cmdlines": 21}
FILLER = 0x7ff0  # an option id libtracecmd does not know: warned about and skipped


def cstr_end(d, p):
    return d.index(b"\0", p) + 1


def header(d):
    """(version, offset past the file header, compression name)"""
    if d[:10] != MAGIC:
        sys.exit("make-option-crashes: not a trace.dat file")
    p = cstr_end(d, 10)
    version = int(d[10:p - 1])
    p += 6  # endian, long size, page size
    comp = None
    if version >= 7:
        q = cstr_end(d, p)
        comp = d[p:q - 1]
        p = cstr_end(d, q)
    return version, p, comp


def options_v6(d, p):
    """Offsets of the v6 options and of the flyrecord CPU table."""
    def sized(p, width):
        n = int.from_bytes(d[p:p + width], "little")
        return p + width + n
    p = cstr_end(d, p)  # "header_page"
    p = sized(p, 8)
    p = cstr_end(d, p)  # "header_event"
    p = sized(p, 8)
    n = struct.unpack_from("<I", d, p)[0]
    p += 4
    for _ in range(n):
        p = sized(p, 8)
    nsys = struct.unpack_from("<I", d, p)[0]
    p += 4
    for _ in range(nsys):
        p = cstr_end(d, p)
        n = struct.unpack_from("<I", d, p)[0]
        p += 4
        for _ in range(n):
            p = sized(p, 8)
    p = sized(p, 4)  # kallsyms
    p = sized(p, 4)  # printk formats
    p = sized(p, 8)  # saved command lines
    ncpus = struct.unpack_from("<I", d, p)[0]
    p += 4
    assert d[p:p + 10] == b"options  \0"
    p += 10
    opts = []
    while struct.unpack_from("<H", d, p)[0] != 0:
        oid, size = struct.unpack_from("<HI", d, p)
        opts.append((oid, p, size))
        p += 6 + size
    p += 2
    assert d[p:p + 10] == b"flyrecord\0"
    return opts, p + 10 + 16 * ncpus


def options_v7(d, first):
    """Offsets of the options of every v7 option section."""
    opts, off = [], first
    while off:
        sid, flags = struct.unpack_from("<HH", d, off)
        assert sid == 0 and not flags & 1
        p, off = off + 16, 0
        while True:
            oid, size = struct.unpack_from("<HI", d, p)
            if oid == 0:
                off = struct.unpack_from("<Q", d, p + 6)[0]
                break
            opts.append((oid, p, size))
            p += 6 + size
    return opts


def rewrite(d, opts, name, new):
    """The first option @name, replaced by @new (id, payload) options and a filler."""
    oid, p, size = next(o for o in opts if o[0] == OPT[name])
    out = b"".join(struct.pack("<HI", i, len(b)) + b for i, b in new)
    room = 6 + size - len(out)
    assert room >= 6, "no room for the filler"
    out += struct.pack("<HI", FILLER, room - 6) + bytes(room - 6)
    d[p:p + 6 + size] = out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    corpus, outdir = sys.argv[1:]
    def read(name):
        return bytearray(open(os.path.join(corpus, name), "rb").read())
    # the smallest seeds: options are not compressed, even in a compressed file
    v6 = read("6.1-boot.v6.dat")
    v7 = read("6.1-boot.v7.dat")
    _, p6, _ = header(v6)
    opts6, clock6 = options_v6(v6, p6)
    _, p7, _ = header(v7)
    opts7 = options_v7(v7, struct.unpack_from("<Q", v7, p7)[0])
    # a kallsyms section is, so that one needs the uncompressed seed
    u7 = read("6.12-defects.v7-uncompressed.dat")
    _, pu7, comp = header(u7)
    assert comp == b"none"
    optsu7 = options_v7(u7, struct.unpack_from("<Q", u7, pu7)[0])
    out = {}

    def made(name, base, opts, option, new):
        d = bytearray(base)
        rewrite(d, opts, option, new)
        out[name] = d

    # the top buffer's clock name runs to the option's end: strdup() reads on
    made("buffer-clock-without-nul.v7", v7, opts7, "buffer",
         [(OPT["buffer"], struct.pack("<Q", 0) + b"\0glob")])
    # version 6 keeps an instance's name only, without a NUL here
    made("buffer-name-without-nul.v6", v6, opts6, "uname",
         [(OPT["buffer"], struct.pack("<Q", 4096) + b"inst")])
    # a CPU count of 2 bytes: libtracecmd reads 4
    made("cpucount-of-two-bytes.v6", v6, opts6, "version", [(OPT["cpucount"], b"\2\0")])
    # a guest whose name has no NUL: the size left goes negative and reads on
    made("guest-name-without-nul.v6", v6, opts6, "version", [(OPT["guest"], b"guest-vm")])
    # a guest CPU id of -1: libtracecmd writes before its array of PIDs
    made("guest-cpu-negative.v6", v6, opts6, "uname",
         [(OPT["guest"], b"vm\0" + struct.pack("<QiiI", 1, 1, -1, 4242))])
    # a hook that does not parse: libtracecmd dereferences the NULL it gets
    made("hook-malformed.v6", v6, opts6, "version", [(OPT["hook"], b"sched\0")])
    # "[]": strtok_r() finds no clock name in it, and sscanf() reads NULL
    made("traceclock-empty-brackets.v6", v6, opts6, "traceclock", [(OPT["traceclock"], b"[]\0")])
    # a time shift with one CPU of no samples: reading a timestamp looks at sample 0
    made("time-shift-cpu-without-samples.v7", v7, opts7, "uname",
         [(OPT["time_shift"], struct.pack("<QIII", 1, 0, 1, 0))])
    # version 6's trace clock text after the CPU table: "[]" as above
    d = bytearray(v6)
    struct.pack_into("<Q2s", d, clock6, 2, b"[]")
    out["trace-clock-empty-brackets.v6"] = d
    # version 7's kallsyms section sized all ones: malloc(size + 1) is malloc(0)
    oid, p, size = next(o for o in optsu7 if o[0] == OPT["kallsyms"])
    sec = struct.unpack_from("<Q", u7, p + 6)[0]
    d = bytearray(u7)
    d[sec + 16:sec + 20] = b"\xff" * 4
    out["kallsyms-section-size-all-ones.v7"] = d
    # version 7's printk formats, a line without ": format": libtraceevent strdup()s
    # the format from past the line (the rule version 6 has a fuzzer's file for).
    # The seed's printk section is empty, so a new one is appended to the file and
    # the option points there: no offset before it moves.
    oid, p, size = next(o for o in optsu7 if o[0] == OPT["printk"])
    sec = struct.unpack_from("<Q", u7, p + 6)[0]
    d = bytearray(u7)
    text = b'0xffffffff81000000 : "a good format"\n0xffffffff81000040\n'
    body = struct.pack("<I", len(text)) + text
    struct.pack_into("<Q", d, p + 6, len(d))
    d += d[sec:sec + 8] + struct.pack("<Q", len(body)) + body
    out["printk-line-without-format.v7"] = d
    for name, d in sorted(out.items()):
        path = os.path.join(outdir, "libtracecmd-opt-%s.dat" % name)
        open(path, "wb").write(d)
        print(path)


if __name__ == "__main__":
    main()
