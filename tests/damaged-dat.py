#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Damaged trace.dat files: each sample is cut at every 4 KiB boundary, has
bytes flipped (fixed seeds) in its headers and in its ring-buffer pages, and
(version 6) has the header of each ring-buffer page made impossible in turn;
iommu-report runs on each copy, on the kbuffer path and on the plain
libtracecmd path (IOREP_PLAIN_READ=1), under a timeout.  Every run must end
  - with exit 0 or 1, and for a copy cut short a warning on stderr that says
    so, for a damaged page header one that says it is damaged, both saying
    that findings are only suspected; any other stderr line is a warning
    about this file;
  - or with exit 2 and exactly one line on stderr, naming the file;
never with a signal, never past the timeout.  Damage that crashes
libtraceevent itself where no cheap check of ours can see it first (a
division by zero in a damaged print format) is an ordinary refusal on both
paths: libtracecmd first opens the file in a child process
(src/dat-probe.c), which dies of it, and a compressed file is read through
an uncompressed copy made there.

  damaged-dat.py BIN FILE...            the matrix on FILEs
  damaged-dat.py BIN --quick SRCDIR     what ctest runs: the small v6/v7
                                        files of tests/fuzz/corpus/tracedat
Options: --flips N (copies with flipped bytes per region and file, default
16), --step BYTES (cut step, default 4096), --jobs N (default 2), --keep DIR
(where to keep the copies that failed), --timeout S (per run, default 20).
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

TIMEOUT = 20
ASAN_NULL = re.compile(r"==\d+==WARNING: AddressSanitizer failed to allocate 0x[0-9a-f]+ bytes$")
MAGIC = b"\x17\x08\x44tracing"


def data_start(blob):
    """Where the ring-buffer pages begin: the first CPU's offset in a v6
    file's flyrecord table; for other versions, the end of the last
    page-aligned block of headers is not known here, so half the file."""
    at = blob.find(b"flyrecord\0")
    if blob[10:12] == b"6\0" and at > 0 and at + 18 <= len(blob):
        off = struct.unpack_from("<Q", blob, at + 10)[0]
        if 0 < off < len(blob):
            return off
    return len(blob) // 2


def check(bin_path, path, env, want, timeout):
    """Runs one copy; returns None or what was wrong."""
    try:
        p = subprocess.run([bin_path, path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang (more than %d s)" % timeout
    err = p.stderr.decode("utf-8", "replace")
    # an ASan build's note that a malloc of a size read from the damage
    # returned NULL, as glibc's does (tests/CMakeLists.txt)
    lines = [l for l in err.splitlines() if not ASAN_NULL.match(l)]
    if p.returncode < 0:
        return "killed by signal %d: %s" % (-p.returncode, err[-300:])
    if p.returncode == 2:
        if len(lines) != 1 or path not in lines[0]:
            return "exit 2 with %d stderr lines: %s" % (len(lines), err[-500:])
        return None
    if p.returncode not in (0, 1):
        return "exit %d: %s" % (p.returncode, err[-300:])
    for line in lines:
        if not line.startswith(("iommu-report: warning: " + path + ": ",
                                "iommu-report: note: " + path + ": ")):
            return "stderr line is not a warning or note about the file: " + line
    if want and not any(want in l and "suspected" in l for l in lines):
        return "%s, exit %d, but no warning says so: %s" % (want, p.returncode, err[-300:])
    return None


def page_headers(blob):
    """Offsets of the version 6 ring-buffer pages (page size at offset 14)."""
    if blob[10:12] != b"6\0":
        return []
    page = struct.unpack_from("<I", blob, 14)[0]
    at = blob.find(b"flyrecord\0")
    ncpus = struct.unpack_from("<I", blob, blob.rfind(b"options  \0", 0, at) - 4)[0]
    pages = []
    for cpu in range(ncpus):
        off, size = struct.unpack_from("<QQ", blob, at + 10 + 16 * cpu)
        pages += range(off, off + size, page)
    return pages


def copies(blob, name, flips, step):
    """(label, bytes, warning expected) of every damaged copy of @blob."""
    for at in range(0, len(blob), step):
        yield "%s cut at %d" % (name, at), blob[:at], "cut short" if at else None
    for at in page_headers(blob):
        b = bytearray(blob)
        struct.pack_into("<Q", b, at + 8, 0x7ffffff)  # commit: more than a page holds
        yield "%s page at %d damaged" % (name, at), bytes(b), "damaged"
    start = data_start(blob)
    for region, lo, hi in (("header", len(MAGIC), start), ("data", start, len(blob))):
        if hi <= lo:
            continue
        for seed in range(flips):
            rnd = random.Random("%s %s %d" % (name, region, seed))
            b = bytearray(blob)
            where = []
            for _ in range(rnd.randint(1, 4)):
                i = rnd.randrange(lo, hi)
                b[i] ^= rnd.randint(1, 255)
                where.append(i)
            yield "%s %s flip seed %d at %s" % (name, region, seed, where), bytes(b), None


def lib_temp_files():
    """The files libtracecmd decompresses a CPU's data to (its COMPR_TEMP_FILE)."""
    return {os.path.join("/tmp", f) for f in os.listdir("/tmp")
            if f.startswith("trace_cpu_data")}


def held_open():
    """The files some process holds open (ctest runs other tests at the same time)."""
    held = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir("/proc/%s/fd" % pid)
        except OSError:
            continue
        for fd in fds:
            try:
                held.add(os.readlink("/proc/%s/fd/%s" % (pid, fd)))
            except OSError:
                pass
    return held


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("files", nargs="*")
    ap.add_argument("--quick", metavar="SRCDIR")
    ap.add_argument("--flips", type=int, default=16)
    ap.add_argument("--step", type=int, default=4096)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", metavar="DIR")
    ap.add_argument("--timeout", type=int, default=TIMEOUT)
    a = ap.parse_intermixed_args()
    files = list(a.files)
    if a.quick:
        corpus = os.path.join(a.quick, "tests/fuzz/corpus/tracedat")
        files += [os.path.join(corpus, f) for f in sorted(os.listdir(corpus))]
    if not files:
        ap.error("no input")
    bin_path = os.path.realpath(a.bin)
    lib_before = lib_temp_files()
    tmp = tempfile.mkdtemp(prefix="iorep-damaged-")
    runs = failures = 0
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        for f in files:
            blob = open(f, "rb").read()
            name = os.path.basename(f)
            jobs = []
            for n, (label, data, want) in enumerate(copies(blob, name, a.flips, a.step)):
                path = os.path.join(tmp, "%s.%d" % (name, n))
                with open(path, "wb") as out:
                    out.write(data)
                for plain in (False, True):
                    env = dict(os.environ)
                    env.pop("IOREP_PLAIN_READ", None)
                    if plain:
                        env["IOREP_PLAIN_READ"] = "1"
                    jobs.append((label + (" (plain)" if plain else ""), path,
                                 pool.submit(check, bin_path, path, env, want, a.timeout)))
            for label, path, fut in jobs:
                runs += 1
                why = fut.result()
                if why:
                    failures += 1
                    print("FAIL %s: %s" % (label, why))
                    if a.keep and os.path.exists(path):
                        os.makedirs(a.keep, exist_ok=True)
                        shutil.copy(path, os.path.join(a.keep, re.sub(r"[^\w.-]+", "-", label)))
            for _, path, _ in jobs:
                if os.path.exists(path):
                    os.unlink(path)
    os.rmdir(tmp)
    # libtracecmd's own files of a compressed file's copy: removed even when
    # the copy fails or crashes (a copy running elsewhere has them a moment)
    left = lib_temp_files() - lib_before
    if left:
        time.sleep(3)
        left = {f for f in left if os.path.exists(f)} - held_open()
    if left:
        failures += 1
        print("FAIL %d of libtracecmd's temporary files left behind: %s" %
              (len(left), ", ".join(sorted(left)[:3])))
    print("damaged-dat: %d runs, %d failed" % (runs, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
