#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Rewrites `trace-cmd report` text into the text `perf script` prints for
the same events, for tests/perf-script.sh: no capture here was recorded with
perf (this machine's perf records tracepoints, but its kernel makes no iommu
or dma events), so the perf form is made from the captures' real report.txt.

What differs is only each line's head.  perf 6.1 (Debian 12) prints a
tracepoint sample with its default fields as

    printf("%16s %7d [%03d] %lu.%06lu: %*s: ", comm, tid, cpu, sec, usec,
           width, "system:name")

(the comm and the names right-aligned, width the longest event name
recorded), or "%7d/%-7d " for the task with `-F ...,pid,tid,...`; then the
event's print format through libtraceevent, as trace-cmd report prints it.

With --callchain each event is followed by a call chain as `perf record -g`
makes perf script print it: frames, then a blank line (three frames of perf
6.1's own output on this project's build machine, the same under every
event, and a kernel frame between them, "caller_NAME_SEC_USEC", that names
the event, for tests/stack-check.py).

    tests/perf-form.py [--pid-tid] [--callchain] < report.txt > perf.txt
"""
import re
import sys

IOMMU = {"add_device_to_group", "remove_device_from_group", "attach_device_to_domain",
         "detach_device_from_domain", "map", "unmap", "io_page_fault"}
# trace-cmd report: "comm-pid [cpu] ts: name: payload", the name padded with spaces
LINE = re.compile(r"^\s*(.*)-(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+(\w+):\s*(.*)$")
# and its drop marker, before the CPU's next record
DROP = re.compile(r"^CPU:(\d+) \[(\d+) EVENTS DROPPED\]$")


CHAIN = ("\tffffffff813a83e5 ttwu_do_activate+0x175 ([kernel.kallsyms])\n"
         "\tffffffff813a8887 try_to_wake_up+0x267 ([kernel.kallsyms])\n"
         "\t           ee137 sched_setaffinity@@GLIBC_2.3.4+0x7 "
         "(/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
         "\n")


def system(name):
    if name in IOMMU:
        return "iommu"
    return "dma" if name.startswith("dma_") else "ftrace"


def main():
    pid_tid = "--pid-tid" in sys.argv[1:]
    chain = CHAIN if "--callchain" in sys.argv[1:] else ""
    lines = []
    dropped = []  # "CPU:N [M EVENTS DROPPED]" waiting for the next event's time
    for line in sys.stdin:
        line = line.rstrip("\n")
        m = LINE.match(line)
        d = DROP.match(line)
        if d:
            dropped.append((int(d.group(1)), d.group(2)))
        elif m:
            comm, pid, cpu, ts, name, payload = m.groups()
            # perf script --show-lost-events: the lost record as a line of its
            # CPU, as perf 6.1 prints one ("perf  9398 [001] T: PERF_RECORD_LOST lost 555")
            for dcpu, count in dropped:
                lines.append(("perf", 0, dcpu, ts, "PERF_RECORD_LOST", "lost " + count))
            dropped = []
            lines.append((comm, int(pid), int(cpu), ts, system(name) + ":" + name, payload))
        elif line.startswith("cpus="):
            # as perf script --header says it: line numbers stay those of report.txt
            lines.append("# nrcpus online : " + line[5:])
        else:
            sys.exit("perf-form.py: line %d is not trace-cmd report's: %s" % (len(lines) + 1, line))
    width = max((len(e[4]) for e in lines if not isinstance(e, str) and e[0] != "perf"),
                default=0)
    out = sys.stdout
    for e in lines:
        if isinstance(e, str):
            out.write(e + "\n")
            continue
        comm, pid, cpu, ts, name, payload = e
        task = "%7d/%-7d " % (pid, pid) if pid_tid else "%7d " % pid
        if name == "PERF_RECORD_LOST":
            out.write("%16s %s[%03d] %s: %s %s\n" % (comm, task, cpu, ts, name, payload))
            continue
        # a kernel frame under the others names the event, so that a test can tell whose
        # stack a finding has
        mine = ("\tffffffffc03a0000 caller_%s_%s+0x1c ([kernel.kallsyms])\n" %
                (name.split(":")[1], ts.replace(".", "_"))) if chain else ""
        out.write("%16s %s[%03d] %s: %*s: %s\n%s" % (comm, task, cpu, ts, width, name, payload,
                                                      chain[:chain.index("\t    ")] + mine +
                                                      chain[chain.index("\t    "):]
                                                      if chain else ""))


if __name__ == "__main__":
    main()
