#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Binaries compared on one file, run in turn round after round.

    bench/ab.py [--rounds N] FILE BIN...

Each round runs every BIN once on FILE, in the order given, so a change in
the machine's speed (another guest on the host, the page cache) falls on
all of them alike; then prints, per BIN, the median and the least wall and
CPU (user + system) seconds over the rounds.  An iommu-report binary runs
as `BIN -q --json /dev/null FILE`; bench/bare-loop (any BIN whose name ends
in bare-loop) as `BIN FILE`.  Its standard output is thrown away.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time


def command(binary, path):
    if os.path.basename(binary).endswith("bare-loop"):
        return [binary, path]
    return [binary, "-q", "--json", os.devnull, path]


def run_once(argv):
    """Wall and CPU seconds of one run of argv; exits on a status above 1."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    status = subprocess.run(argv, stdout=subprocess.DEVNULL).returncode
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if status not in (0, 1):  # 1: iommu-report found something
        sys.exit("%s: exit status %d" % (" ".join(argv), status))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("file")
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if not os.path.isfile(args.file):
        ap.error("%s: no such file" % args.file)
    times = {b: [] for b in args.binaries}
    for _ in range(args.rounds):
        for b in args.binaries:
            times[b].append(run_once(command(b, args.file)))
    width = max(len(b) for b in args.binaries)
    print("%-*s  %8s %8s  %8s %8s  (wall s, each round)" %
          (width, "binary", "wall med", "min", "cpu med", "min"))
    for b in args.binaries:
        wall = [w for w, _ in times[b]]
        cpu = [c for _, c in times[b]]
        print("%-*s  %8.2f %8.2f  %8.2f %8.2f  (%s)" %
              (width, b, statistics.median(wall), min(wall), statistics.median(cpu), min(cpu),
               " ".join("%.2f" % w for w in wall)))


if __name__ == "__main__":
    main()
