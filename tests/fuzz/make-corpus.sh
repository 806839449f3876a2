#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Rewrites the seed corpora under tests/fuzz/corpus/ from the sample captures
# (how the checked-in seeds were made; run it again only on purpose, and
# review the diff).  Needs trace-cmd (v7 copies), python3, gzip, xz, zstd and
# a build's bench/gen-trace.
#
#   tests/fuzz/make-corpus.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
cd "$(dirname "$0")"
s=../../samples
k612=6.12.117+deb12-amd64
k61=6.1.0-56-amd64
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf corpus
mkdir -p corpus/text corpus/tracedat corpus/baseline corpus/ivmap corpus/fmt

# trace.dat: headers without kallsyms, the iommu and dma formats, a few pages per
# CPU; all but the defects capture keep only the formats of the events they hold
# (libtraceevent's parsing of the formats is most of a small file's run)
dat() { # KERNEL CAPTURE NAME PAGES [EVENTS]
	./shrink-dat.py --pages "$4" ${5:+--events "$5"} "$s/$1/$2/trace.v6.dat" \
		"corpus/tracedat/$3.v6.dat"
	trace-cmd convert -i "corpus/tracedat/$3.v6.dat" --file-version 7 --compression zstd \
		-o "corpus/tracedat/$3.v7.dat" >/dev/null 2>&1
}
iommu=print,map,unmap,attach_device_to_domain,add_device_to_group,remove_device_from_group
iommu=$iommu,detach_device_from_domain,io_page_fault
dat $k612 dma-traffic 6.12-dma-traffic 2 $iommu,dma_map_page,dma_unmap_page,dma_map_sg,dma_unmap_sg
dat $k61 dma-traffic 6.1-dma-traffic 3 $iommu
dat $k612 defects 6.12-defects 1
dat $k61 boot 6.1-boot 2 $iommu
dat $k612 vfio 6.12-vfio 2 $iommu,dma_map_page,dma_unmap_page,dma_alloc,dma_free
trace-cmd convert -i corpus/tracedat/6.12-defects.v6.dat --file-version 7 --compression none \
	-o corpus/tracedat/6.12-defects.v7-uncompressed.dat >/dev/null 2>&1
# a ring-buffer overrun (missed events in a page header), from the generator
"$build/bench/gen-trace" -n 300 -c 2 -d 4 -l 20 -D 10 --lost 1:1:7 --v7 "$tmp/gen" >/dev/null 2>&1
cp "$tmp/gen/trace.dat" corpus/tracedat/gen-lost.v6.dat
cp "$tmp/gen/trace.v7.dat" corpus/tracedat/gen-lost.v7.dat

# text: a few hundred lines of each form
head -n 200 "$s/$k612/dma-traffic/trace.txt" >corpus/text/6.12-dma-traffic.trace.txt
head -n 200 "$s/$k612/boot/trace.txt" >corpus/text/6.12-boot.trace.txt
head -n 200 "$s/$k61/boot/trace.txt" >corpus/text/6.1-boot.trace.txt
cp "$s/$k612/defects/trace.txt" corpus/text/6.12-defects.trace.txt
head -n 200 "$s/$k612/vfio/report.txt" >corpus/text/6.12-vfio.report.txt
head -n 200 "$s/$k612/dma-traffic/report.txt" >corpus/text/6.12-dma-traffic.report.txt
head -n 200 "$s/$k61/defects/report.txt" >corpus/text/6.1-defects.report.txt
head -n 200 "../golden/plugin/$k612--dma-traffic.txt" >corpus/text/6.12-dma-traffic.plugin.txt
head -n 200 "../golden/plugin/$k612--vfio.txt" >corpus/text/6.12-vfio.plugin.txt
head -n 200 "../golden/plugin/$k61--boot.txt" >corpus/text/6.1-boot.plugin.txt
# dmesg with tp_printk: the kernel's lines behind a console timestamp
grep -v '^#' "$s/$k612/defects/trace.txt" |
	sed -E 's/^ *[^[]*\[[0-9]+\] [^ ]* +([0-9.]+): /[ \1] /' >corpus/text/6.12-defects.dmesg.txt
head -n 200 "$tmp/gen/trace.txt" >corpus/text/gen-lost.trace.txt
grep -m1 -B3 -A3 LOST "$tmp/gen/trace.txt" >>corpus/text/gen-lost.trace.txt
cp ../data/hostile-names.txt corpus/text/
gzip -9nc "$s/$k612/defects/trace.txt" >corpus/text/6.12-defects.trace.txt.gz
xz -9c "$s/$k61/defects/trace.txt" >corpus/text/6.1-defects.trace.txt.xz
zstd -19qc "$s/$k612/defects/report.txt" >corpus/text/6.12-defects.report.txt.zst
# an instance buffer (trace-cmd record -B), versions 6 and 7 (tests/data/make-instance.py,
# itself made from the 6.1 dma-traffic seed above)
../data/make-instance.py "$tmp/instance.v6.dat" >/dev/null
cp "$tmp/instance.v6.dat" corpus/tracedat/6.1-instance.v6.dat
cp "$tmp/instance.v7.dat" corpus/tracedat/6.1-instance.v7.dat
cp "$tmp/instance.v7-zstd.dat" corpus/tracedat/6.1-instance.v7-zstd.dat
# perf script's form of it, with -F pid,tid and -g call chains (tests/perf-form.py)
../perf-form.py --pid-tid --callchain <"$s/$k612/defects/report.txt" \
	>corpus/text/6.12-defects.perf.txt

# baseline: the golden documents of the defects captures, and the hostile one
cp "../golden/$k612--defects.json" "../golden/$k61--defects.json" ../data/hostile-names.json \
	corpus/baseline/

# fmt: the iommu and dma event formats as the kernels wrote them, and the 6.12
# dma_sync_sg_for_cpu with sizeof(int) in place of sizeof(u64) (src/fmt-guard.c; in
# dma_map_sg libtraceevent 1.7.1 gives up before its first sizeof)
for f in "$s/$k612"/dma-traffic/formats/{iommu,dma}/*.format; do
	cp "$f" "corpus/fmt/6.12-$(basename "$f")"
done
for f in "$s/$k61"/dma-traffic/formats/iommu/*.format; do
	cp "$f" "corpus/fmt/6.1-$(basename "$f")"
done
sed 's/sizeof(u64)/sizeof(int)/g' "$s/$k612/dma-traffic/formats/dma/dma_sync_sg_for_cpu.format" \
	>corpus/fmt/6.12-dma_sync_sg_for_cpu-sizeof-int.format

# ivmap: programs of random bytes (fixed seeds)
python3 - <<'EOF'
import random
for seed, n in ((1, 64), (2, 256), (3, 512), (4, 1024)):
    r = random.Random(seed)
    open("corpus/ivmap/random-%d" % seed, "wb").write(bytes(r.randrange(256) for _ in range(n)))
EOF
du -sh corpus
