#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare iommu-report's findings on a gen-trace output with its ground truth.

    bench/check-truth.py [--trace-cmd] OUTDIR BIN

Runs `BIN --json - FILE` on OUTDIR/trace.dat, and on OUTDIR/trace.txt and
OUTDIR/trace.v7.dat when they exist, and checks against OUTDIR/GROUND_TRUTH.json:
  - every finding the truth expects (type, severity, device, iova, size, and
    ts: exact for trace.dat, to the microsecond for the text) is reported,
    as often as expected;
  - nothing else of severity error or warning is reported;
  - info findings come in the expected numbers (outstanding, ...);
  - the events per name and the events lost are what the generator wrote.
With --trace-cmd, `trace-cmd report` must also read each trace.dat with exit
status 0, nothing on stderr and the same events per name.
A trace made with --stacks (params.stacks) has a stack trace after every
event: every finding but a split group must carry the stack of its event
(of the map, for a leak or an outstanding mapping), told by its frame
gen_NAME; with --trace-cmd, trace-cmd report's text of each trace.dat is
checked as trace.txt is.
Exit status 0 when every input passes, 1 otherwise.
"""
import collections
import json
import os
import re
import subprocess
import sys

REPORT_LINE = re.compile(r"^\s*.*-\d+\s+\[\d+\]\s+\d+\.\d+:\s+(\w+):")


# Whose stack each finding has (gen-stack.c's frame gen_NAME): the events that may make it.
DMA_MAPS = {"dma_map_page", "dma_map_sg", "dma_alloc"}
DMA_UNMAPS = {"dma_unmap_page", "dma_unmap_sg", "dma_free"}
STACK_OF = {
    "leak": {"map"}, "outstanding": {"map"}, "overlapping_map": {"map"},
    "double_unmap": {"unmap"}, "unmatched_unmap": {"unmap"}, "partial_unmap": {"unmap"},
    "unmap_size_mismatch": {"unmap"}, "io_page_fault": {"io_page_fault"},
    "dma_api_leak": DMA_MAPS, "dma_api_outstanding": DMA_MAPS, "dma_api_error": DMA_MAPS,
    "dma_api_double_unmap": DMA_UNMAPS, "dma_api_unmatched_unmap": DMA_UNMAPS,
    "dma_api_size_mismatch": DMA_UNMAPS, "dma_api_type_mismatch": DMA_UNMAPS,
    "dma_api_dir_mismatch": DMA_UNMAPS,
}


def check_stacks(doc):
    errors = []
    for f in doc["findings"]:
        stack = f.get("stack")
        if f["type"] == "split_group":
            if stack:
                errors.append(f"split_group with a stack: {stack}")
            continue
        names = STACK_OF.get(f["type"])
        if names is None:
            errors.append(f"no stack expected of a {f['type']}")
        elif (not stack or len(stack) != 2 or stack[1] != "gen_work" or
              stack[0][4:] not in names or not stack[0].startswith("gen_")):
            errors.append(f"{f['type']} at {f['ts']}: stack {stack}, not one of {sorted(names)}")
    return errors


def key(f, exact_ts):
    iova = f.get("iova")
    if isinstance(iova, str):
        iova = int(iova, 16)
    ts = f.get("ts") or 0
    if not exact_ts:  # the text has microseconds, rounded as the kernel does
        ts = (ts + 500) // 1000
    return (f["type"], f.get("severity"), f.get("device"), iova, f.get("size") or 0, ts)


def fmt(k):
    t, sev, dev, iova, size, ts = k
    iova = "-" if iova is None else hex(iova)
    return f"{t} ({sev}) {dev} iova={iova} size={size} ts={ts}"


def check(path, binary, truth, exact_ts):
    errors = []
    run = subprocess.run([binary, "--json", "-", path], capture_output=True, text=True)
    if run.returncode not in (0, 1):
        return [f"exit status {run.returncode}: {run.stderr.strip()}"], None
    doc = json.loads(run.stdout)

    want = collections.Counter()
    for d in truth["defects"]:
        for f in d["findings"]:
            want[key(f, exact_ts)] += 1
    got = collections.Counter()
    info = collections.Counter()
    for f in doc["findings"]:
        if f["severity"] == "info":
            info[f["type"]] += 1
        else:
            got[key(f, exact_ts)] += 1
    for k in sorted((want - got).elements(), key=str):
        errors.append("missing: " + fmt(k))
    for k in sorted((got - want).elements(), key=str):
        errors.append("unexpected: " + fmt(k))
    for t, n in truth["expected_info"].items():
        if info[t] != n:
            errors.append(f"info {t}: {info[t]} reported, {n} expected")

    counts = {k: v for k, v in doc["events"].items() if v}
    if counts != truth["event_counts"]:
        errors.append(f"events: {counts} != {truth['event_counts']}")
    if truth["params"].get("stacks"):
        errors += check_stacks(doc)
    lost = sum(x["count"] for x in truth["lost_events"])
    if doc["lost_events"]["total"] != lost:
        errors.append(f"lost events: {doc['lost_events']['total']} reported, {lost} written")
    return errors, doc


def check_trace_cmd(path, truth, binary):
    """trace-cmd report's events per name (Debian's trace-cmd: dma_map_sg as FAILED TO PARSE)."""
    try:
        run = subprocess.run(["trace-cmd", "report", path], capture_output=True, text=True)
    except FileNotFoundError:
        return ["trace-cmd is not installed"], 0
    counts = collections.Counter()
    for line in run.stdout.splitlines():
        m = REPORT_LINE.match(line)
        if m:
            counts[m.group(1)] += 1
    errors = []
    if truth["params"].get("stacks"):
        stacks = counts.pop("kernel_stack", 0)
        if stacks != sum(counts.values()):
            errors.append(f"trace-cmd report: {stacks} stack traces, not one an event")
        # its text, whose frames trace-cmd named by the file's kallsyms, read as trace.txt is
        text = path + ".report.txt"
        with open(text, "w") as out:
            out.write(run.stdout)
        more, _ = check(text, binary, truth, False)
        errors += ["trace-cmd report's text: " + e for e in more]
        os.unlink(text)
    if run.returncode or run.stderr.strip():
        errors.append(f"trace-cmd report: exit {run.returncode}, stderr {run.stderr.strip()[:200]!r}")
    if dict(counts) != truth["event_counts"]:
        errors.append(f"trace-cmd report events: {dict(counts)} != {truth['event_counts']}")
    return errors, sum(counts.values())


def main():
    args = sys.argv[1:]
    trace_cmd = "--trace-cmd" in args
    args = [a for a in args if a != "--trace-cmd"]
    if len(args) != 2:
        sys.exit("usage: check-truth.py [--trace-cmd] OUTDIR BIN")
    outdir, binary = args
    with open(os.path.join(outdir, "GROUND_TRUTH.json")) as f:
        truth = json.load(f)
    nwant = sum(len(d["findings"]) for d in truth["defects"])
    failed = False
    for name, exact in (("trace.dat", True), ("trace.txt", False), ("trace.v7.dat", True)):
        path = os.path.join(outdir, name)
        if not os.path.exists(path):
            continue
        errors, doc = check(path, binary, truth, exact)
        if trace_cmd and name != "trace.txt":
            more, n = check_trace_cmd(path, truth, binary)
            errors += more
            if not more:
                print(f"ok   trace-cmd report {path}: {n} events, the same per name")
        if errors:
            failed = True
            print(f"FAIL {path}")
            for e in errors[:50]:
                print("  " + e)
            if len(errors) > 50:
                print(f"  ... and {len(errors) - 50} more")
        else:
            print(f"ok   {path}: {len(truth['defects'])} defects, {nwant} expected findings "
                  f"and nothing else of severity error/warning, "
                  f"{sum(truth['event_counts'].values())} events, "
                  f"{doc['lost_events']['total']} lost")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
