#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Puts a stack trace under every iommu and dma event of a text trace, as the
kernel prints one with options/stacktrace (or a "stacktrace" trigger on the
event) and as trace-cmd report prints the kernel_stack event of
`trace-cmd record -T`, for tests/text-forms.sh: no capture here was recorded
with stack traces.

Each stack's outermost frame names its event and time,
"caller_map_15_253402", so that a test can tell whose stack a finding has.

The forms are this project's build machine's own output (Linux 6.18,
trace-cmd 3.1.6), for sched_process_exec with options/stacktrace set, read
from /sys/kernel/tracing/trace and through `trace-cmd extract` and
`trace-cmd report`:

  kernel      "<stack trace>" after the event's head, then " => func" lines
  kernel-sym  with options sym-offset, sym-addr and userstacktrace:
              " => func+0xa5/0x110 <ffffffff813a0e15>", then
              "<user stack trace>" and " =>  <00007fd6c887cb70>"
  trace-cmd   "kernel_stack:         <stack trace >", "=> func (ffffffff813a0e15)"
  trace-cmd-N trace-cmd report -N (no plugins): the print format's "\\t=> func"
              lines, the first after the event's name, then the entries past
              the list's end: "\\t=> 0xffffffffffffffff" (the -1 that ends it)
              and "\\t=> 0x0"

    tests/stack-form.py FORM < trace.txt > stacked.txt
"""
import re
import sys

# the event's head, up to the space after the timestamp's colon
HEAD = re.compile(r"^(.*?(\d+\.\d+): )(\w+):")
OURS = re.compile(r"^(map|unmap|add_device_to_group|remove_device_from_group|"
                  r"attach_device_to_domain|detach_device_from_domain|io_page_fault|dma_\w+)$")

FRAMES = (("trace_event_raw_event_map", 0xa5, 0x110, 0xffffffff813a0e15),
          ("__iommu_map", 0x1d9, 0x4c0, 0xffffffff81a1c2b9),
          ("iommu_map", 0x2f, 0xb0, 0xffffffff81a1c6af),
          ("__iommu_dma_map", 0xc4, 0x150, 0xffffffff81a24d34),
          ("dma_map_page_attrs", 0x1a2, 0x290, 0xffffffff8120a6c2),
          ("e1000_xmit_frame", 0x6b1, 0x1070, 0xffffffffc03a96f1))


def stack(form, head, name, ts):
    # the caller's frame names its event, so that a test can tell whose stack a finding has
    frames = FRAMES + (("caller_%s_%s" % (name, ts.replace(".", "_")), 0x1c, 0x80,
                        0xffffffffc03a0000),)
    if form == "kernel":
        return [head + "<stack trace>"] + [" => " + f[0] for f in frames]
    if form == "kernel-sym":
        return ([head + "<stack trace>"] +
                [" => %s+0x%x/0x%x <%016x>" % f for f in frames] +
                [head + "<user stack trace>", " =>  <00007fd6c887cb70>"])
    if form == "trace-cmd":
        return ([head + "%-21s <stack trace >" % "kernel_stack:"] +
                ["=> %s (%x)" % (f[0], f[3]) for f in frames])
    if form == "trace-cmd-N":
        return ([head + "%-21s \t=> %s" % ("kernel_stack:", frames[0][0])] +
                ["\t=> " + f[0] for f in frames[1:]] + ["\t=> 0xffffffffffffffff", "\t=> 0x0"])
    sys.exit("stack-form.py: unknown form " + form)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.stdout
    for line in sys.stdin:
        out.write(line)
        m = HEAD.match(line)
        if m and OURS.match(m.group(3)):
            for s in stack(sys.argv[1], m.group(1), m.group(3), m.group(2)):
                out.write(s + "\n")


if __name__ == "__main__":
    main()
