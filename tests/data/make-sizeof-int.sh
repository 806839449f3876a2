#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Makes tests/data/sizeof-int.v7.dat: the 6.12 dma-traffic capture with every
# sizeof(u64) in its event formats' print formats written sizeof(int) (the
# same length), as version 7 with zstd compression.  libtraceevent 1.7.1
# frees a token twice on sizeof(int) (src/fmt-guard.c); the real capture has
# sizeof(unsigned int) too, but behind a sizeof(u64) that stops 1.7.1's parse
# before it.  The events and their fields are the capture's, so iommu-report
# must report exactly what it reports on the capture (tests/test-fmt-guard.c).
#
#   tests/data/make-sizeof-int.sh [OUT]     default OUT: tests/data/sizeof-int.v7.dat
#
# trace-cmd convert itself parses the formats with libtraceevent 1.7.1 and so
# runs on a corrupted heap; it has not failed here, and the test checks the
# output it wrote, not trace-cmd.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=samples/6.12.117+deb12-amd64/dma-traffic/trace.v6.dat
out=${1:-tests/data/sizeof-int.v7.dat}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp # no ~/.local plugins

python3 - "$src" "$tmp/v6.dat" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
n = data.count(b'sizeof(u64)')
if n == 0:
    sys.exit('no sizeof(u64) in ' + sys.argv[1])
open(sys.argv[2], 'wb').write(data.replace(b'sizeof(u64)', b'sizeof(int)'))
print(f'{n} sizeof(u64) written sizeof(int)')
PY
trace-cmd convert --file-version 7 --compression zstd -i "$tmp/v6.dat" -o "$tmp/v7.dat"
mv "$tmp/v7.dat" "$out"
echo "wrote $out"
