#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the stack traces of iommu-report's findings on a trace whose every
event has one whose frame "caller_NAME_SEC_USEC" names the event (made by
tests/stack-form.py, or tests/perf-form.py --callchain): every finding but a
split group carries the stack of its event, or for a leak or an outstanding
mapping the stack of the map that made the range (its time: ts - age_ns).

    tests/stack-check.py [--first FRAME] [--last-caller] NAME JSON

With --first, each stack's innermost frame must be FRAME (the tracing code's
own frames above it left out); with --last-caller, the caller's frame must be
the outermost (nothing past the end of the list is taken for a frame).  Exit
status 0 when every finding passes.
"""
import json
import sys

MADE_BY_MAP = {"leak", "outstanding", "dma_api_leak", "dma_api_outstanding"}
NO_EVENT = {"split_group"}


def main():
    args = sys.argv[1:]
    first = None
    last_caller = "--last-caller" in args
    args = [a for a in args if a != "--last-caller"]
    if len(args) > 2 and args[0] == "--first":
        first = args[1]
        args = args[2:]
    if len(args) != 2:
        sys.exit(__doc__)
    name, path = args
    bad = 0
    for f in json.load(open(path))["findings"]:
        stack = f.get("stack") or []
        if f["type"] in NO_EVENT:
            continue
        ts = f["ts"] - (f["age_ns"] or 0) if f["type"] in MADE_BY_MAP else f["ts"]
        want = "_%d_%06d" % (ts // 10**9, ts % 10**9 // 1000)
        callers = [fr for fr in stack if fr.startswith("caller_")]
        if len(callers) != 1 or not callers[0].endswith(want):
            print("FAIL: %s: %s at %d: stack %s, not the one of its event at %s" %
                  (name, f["type"], f["ts"], callers or "without a caller", want[1:]))
            bad += 1
        if last_caller and stack and not stack[-1].startswith("caller_"):
            print("FAIL: %s: %s: the stack ends %s, past its caller" % (name, f["type"], stack[-2:]))
            bad += 1
        if first and stack and stack[0] != first:
            print("FAIL: %s: %s: the stack starts %s, not %s" % (name, f["type"], stack[:2], first))
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
