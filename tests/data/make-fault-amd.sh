#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Makes tests/data/fault-amd.dat: the 6.12 defects capture with the flags of
# its one io_page_fault record set to 0x0030 (AMD-Vi PR|RW), so that
# tests/plugin.sh can show what -O iommu:amd=1 changes (the real captures
# only have flags 0x0000, which every decoding reads the same).
#
#   tests/data/make-fault-amd.sh [OUT]     default OUT: tests/data/fault-amd.dat
#
# How: trace-cmd convert writes the capture as a version 6 file without
# compression, where each record's bytes sit as they are in the per-CPU
# ring-buffer pages.  The io_page_fault record is found there by its event
# id (common_type) and its iova (0x100000), at the field offsets the file's
# own event format gives; exactly one match is required.  Its 4-byte flags
# field is patched in place, then `trace-cmd report -N` (no plugins) must
# show flags=0x0030.  Last, the patched file is converted back to version 7
# with zstd compression: the version 6 file is ~7.8 MB, almost all of it
# the uncompressed kallsyms.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=samples/6.12.117+deb12-amd64/defects/trace.dat
out=${1:-tests/data/fault-amd.dat}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp # no ~/.local plugins

v6=$tmp/v6.dat
trace-cmd convert --file-version 6 --compression none -i "$src" -o "$v6" 2>"$tmp/convert.err" || {
	echo "make-fault-amd: trace-cmd convert failed:" >&2
	cat "$tmp/convert.err" >&2
	exit 1
}
trace-cmd dump --summary -i "$v6" >"$tmp/summary" 2>&1
trace-cmd dump --events -i "$v6" >"$tmp/events" 2>&1
trace-cmd dump --flyrecord -i "$v6" >"$tmp/flyrecord" 2>&1

python3 - "$v6" "$tmp/summary" "$tmp/events" "$tmp/flyrecord" <<'EOF'
import re
import struct
import sys

dat, summary, events, flyrecord = sys.argv[1:]


def die(msg):
    sys.exit("make-fault-amd: " + msg)


if not re.search(r"^\s*0\s+\[Little endian\]", open(summary).read(), re.M):
    die("the converted file is not little-endian")

# The io_page_fault format: its id and the offsets of common_type, iova, flags.
fmt = re.search(r"^name: io_page_fault\nID: (\d+)\nformat:\n(.*?)\n\nprint fmt",
                open(events).read(), re.M | re.S)
if not fmt:
    die("no io_page_fault format in the converted file")
evid = int(fmt.group(1))
fields = {}
for m in re.finditer(r"field:[^;]*?(\w+);\s*offset:(\d+);\s*size:(\d+);", fmt.group(2)):
    fields[m.group(1)] = (int(m.group(2)), int(m.group(3)))
for name, size in (("common_type", 2), ("iova", 8), ("flags", 4)):
    if name not in fields or fields[name][1] != size:
        die(f"io_page_fault has no {size}-byte field {name}: {fields}")

# Where the per-CPU ring-buffer pages are.
cpus = [(int(o), int(s)) for o, s in
        re.findall(r"^\s*(\d+)\s+(\d+)\s+\[offset, size of cpu \d+\]",
                   open(flyrecord).read(), re.M)]
if not cpus:
    die("no per-CPU data in the converted file")

with open(dat, "rb") as f:
    data = bytearray(f.read())

ct, fl, io = fields["common_type"][0], fields["flags"][0], fields["iova"][0]
pattern = re.compile(b"(?=" + re.escape(struct.pack("<H", evid)) + b")", re.S)
hits = []
for off, size in cpus:
    for m in pattern.finditer(data, off, off + size):
        rec = m.start() - ct
        if rec + max(fl + 4, io + 8) > off + size:
            continue
        if struct.unpack_from("<Q", data, rec + io)[0] == 0x100000:
            hits.append(rec)
if len(hits) != 1:
    die(f"expected one io_page_fault record with iova 0x100000, found {len(hits)}")
rec = hits[0]
old = struct.unpack_from("<i", data, rec + fl)[0]
if old != 0:
    die(f"the io_page_fault record has flags 0x{old:04x}, expected 0x0000")
with open(dat, "r+b") as f:
    f.seek(rec + fl)
    f.write(struct.pack("<i", 0x0030))
print(f"make-fault-amd: patched flags at file offset {rec + fl} (record at {rec})")
EOF

check() {
	local n
	n=$(trace-cmd report -N "$1" 2>/dev/null | grep -c ' io_page_fault: .* iova=0x0000000000100000 flags=0x0030$') || true
	if [ "$n" != 1 ]; then
		echo "make-fault-amd: $1 does not show the patched io_page_fault (flags=0x0030) once" >&2
		trace-cmd report -N "$1" 2>/dev/null | grep ' io_page_fault: ' >&2 || true
		exit 1
	fi
}
check "$v6"

trace-cmd convert --file-version 7 --compression zstd -i "$v6" -o "$tmp/v7.dat" 2>"$tmp/convert.err" || {
	echo "make-fault-amd: trace-cmd convert back to version 7 failed:" >&2
	cat "$tmp/convert.err" >&2
	exit 1
}
check "$tmp/v7.dat"
# apart from the flags, what trace-cmd reports is the capture's own
if ! diff <(trace-cmd report -N "$src" 2>/dev/null | sed '/ io_page_fault: /s/ flags=0x0000$/ flags=0x0030/') \
	<(trace-cmd report -N "$tmp/v7.dat" 2>/dev/null) >"$tmp/diff"; then
	echo "make-fault-amd: the patched file differs from $src in more than the flags:" >&2
	head -20 "$tmp/diff" >&2
	exit 1
fi
mv "$tmp/v7.dat" "$out"
echo "make-fault-amd: wrote $out ($(stat -c %s "$out") bytes)"
