#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Throughput and memory of iommu-report against trace-cmd, libtracecmd, grep and awk.

    bench/bench.py [--events N] [--cpus C] [--runs R] [--keep DIR] [--json OUT] [--verbose]
                   BUILD_DIR
    bench/bench.py --memory [--events N] [--small N] [--live N] [--inputs dat,v7,txt]
                   [--keep DIR] [--json OUT] BUILD_DIR

BUILD_DIR is a cmake build of this repository: it has iommu-report,
bench/gen-trace, bench/bare-loop and bench/memrun.

Throughput (the default): gen-trace (seed 1) writes N events (default 10 M)
of C CPUs (default 4; libtracecmd's loop looks at every CPU for every
event, so its cost grows with C)
as trace.dat (v6, uncompressed), trace.v7.dat (v7, zstd) and trace.txt, into
a temporary directory removed at the end, or into DIR with --keep (reused
when it already holds the same parameters).  Each file is read once with cat
so that every tool reads it from the page cache; then every command runs R
times (default 3), the commands taking turns, each under bench/memrun (the
same sampling of /proc/PID/status for all).  The table has the median wall
and CPU (user+sys) time of each command, the events and input MB per second
of wall time (and events per CPU second), the largest anonymous memory
(RssAnon) sampled and the peak RSS (ru_maxrss, file pages included); then
the ratios issue 6 sets, with the target and PASS/FAIL, on wall time and on
CPU time (the machine may be shared: CPU time is the less noisy one).

Memory (--memory): iommu-report's full analysis of a trace.dat (and with
--inputs, of the zstd v7 copy and the text too) of SMALL (default 1 M) and
of N events, the generator's --live fixed (default 2000),
and RssAnon at the last sample before it exits and at its peak, against the
budget 64 MiB + 100 bytes per live mapping (IOMMU peak live plus DMA-API
handles live at the end, from its JSON).

--json OUT writes everything printed, and every run, as JSON.
--verbose prints each command as it runs.
Exit status 0 when every run did what it should (PASS/FAIL does not change it),
1 when a command failed or read the wrong number of events, 2 on bad usage.
"""
import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MB = 1e6
MIB = 1024 * 1024
SEED = 1

# The text the awk reads: the kernel's trace format that gen-trace writes, e.g.
#   dd-429   [002] .....    15.001178: map: IOMMU: iova=0x... - 0x... paddr=0x... size=16384
# field 5 is the event name, the last field size=N.
AWK_MAP_SIZES = '$5 == "map:" { n++; s += substr($NF, 6) } END { printf "%d %d\\n", n, s }'


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build_dir)
        self.bin = os.path.join(self.build, "iommu-report")
        self.gen = os.path.join(self.build, "bench", "gen-trace")
        self.bare = os.path.join(self.build, "bench", "bare-loop")
        self.memrun = os.path.join(self.build, "bench", "memrun")
        self.failures = []
        self.commands = []
        for p in (self.bin, self.gen, self.bare, self.memrun):
            if not os.access(p, os.X_OK):
                sys.exit(f"bench.py: {p} is missing: build {self.build} first")

    def log(self, msg):
        print(msg, flush=True)

    def verbose(self, msg):
        if self.args.verbose:
            print("  $ " + msg, flush=True)

    # --- the inputs -------------------------------------------------------

    def generate(self, outdir, events, text=True, v7=True, live=None):
        """gen-trace into outdir, unless it already holds these parameters."""
        params = {"events": events, "seed": SEED, "text": text, "v7": v7,
                  "cpus": self.args.cpus}
        if live is not None:
            params["live"] = live
        truth_path = os.path.join(outdir, "GROUND_TRUTH.json")
        if os.path.exists(truth_path):
            with open(truth_path) as f:
                have = json.load(f)["params"]
            if all(have.get(k) == v for k, v in params.items()):
                self.log(f"reusing {outdir} ({events} events)")
                with open(truth_path) as f:
                    return json.load(f)
        if os.path.exists(outdir):
            shutil.rmtree(outdir)
        cmd = [self.gen, "--events", str(events), "--seed", str(SEED),
               "--cpus", str(self.args.cpus)]
        if live is not None:
            cmd += ["--live", str(live)]
        if v7:
            cmd.append("--v7")
        if not text:
            cmd.append("--no-text")
        cmd.append(outdir)
        self.verbose(shlex.join(cmd))
        t0 = time.monotonic()
        run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if run.returncode:
            sys.exit(f"bench.py: gen-trace failed: {run.stderr.strip()}")
        self.log(f"generated {events} events into {outdir} in {time.monotonic() - t0:.1f} s")
        with open(truth_path) as f:
            return json.load(f)

    def warm(self, path):
        """Read path once, so every tool finds it in the page cache."""
        self.verbose(f"cat {shlex.quote(path)} > /dev/null")
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass

    # --- one measured run -------------------------------------------------

    def measure(self, cmd, env=None, stdout="/dev/null"):
        """Run cmd under memrun; returns memrun's figures and the command's output."""
        with tempfile.NamedTemporaryFile("r", prefix="memrun-", suffix=".txt") as rep, \
                tempfile.NamedTemporaryFile("r", prefix="out-", suffix=".txt") as out:
            target = stdout if stdout else out.name
            full = [self.memrun, "-r", rep.name, "-o", target, "--"] + cmd
            shown = " ".join(f"{k}={v}" for k, v in (env or {}).items())
            shown = (shown + " " if shown else "") + shlex.join(cmd)
            shown += " > " + (stdout if stdout else "OUT")
            self.verbose(f"memrun {shown}")
            full_env = dict(os.environ, LC_ALL="C")
            full_env.update(env or {})
            run = subprocess.run(full, env=full_env, stderr=subprocess.PIPE, text=True)
            fig = {}
            for kv in rep.read().split():
                k, v = kv.split("=", 1)
                fig[k] = float(v) if "." in v else int(v)
            fig["stdout"] = out.read() if not stdout else ""
            fig["stderr"] = run.stderr
            fig["command"] = shown
            return fig


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_table(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    lines = []
    for r in [header] + rows:
        cells = []
        for i, c in enumerate(r):
            cells.append(str(c).ljust(widths[i]) if i < 2 else str(c).rjust(widths[i]))
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- throughput --------------------------------------------------------------


def throughput(b, args, outdir):
    truth = b.generate(outdir, args.events)
    total = truth["total_events"]
    maps = truth["event_counts"].get("map", 0)
    dat = os.path.join(outdir, "trace.dat")
    v7 = os.path.join(outdir, "trace.v7.dat")
    txt = os.path.join(outdir, "trace.txt")
    sizes = {p: os.path.getsize(p) for p in (dat, v7, txt)}
    for p in (dat, v7, txt):
        b.warm(p)

    def ok_status(*codes):
        return lambda fig: fig["status"] in codes or f"exit status {fig['status']}"

    def ok_bare(fig):
        if fig["status"]:
            return f"exit status {fig['status']}"
        got = fig["stdout"].split()[0] if fig["stdout"] else "events=?"
        return got == f"events={total}" or f"{got}, {total} generated"

    def ok_count(want):
        def check(fig):
            if fig["status"]:
                return f"exit status {fig['status']}"
            got = fig["stdout"].split()[0] if fig["stdout"] else "?"
            return got == str(want) or f"counted {got} map lines, {want} generated"
        return check

    ir = [b.bin, "-q", "--json", "-"]
    # (key, tool, input label, path, command, env, capture stdout?, check)
    cases = [
        ("dat.iommu-report", "iommu-report --json", "trace.dat v6", dat, ir + [dat], None,
         False, ok_status(0, 1)),
        ("dat.one-thread", "iommu-report IOREP_READ_AHEAD=0", "trace.dat v6", dat, ir + [dat],
         {"IOREP_READ_AHEAD": "0"}, False, ok_status(0, 1)),
        ("dat.plain-read", "iommu-report IOREP_PLAIN_READ=1", "trace.dat v6", dat, ir + [dat],
         {"IOREP_PLAIN_READ": "1"}, False, ok_status(0, 1)),
        ("dat.trace-cmd", "trace-cmd report", "trace.dat v6", dat, ["trace-cmd", "report", dat],
         None, False, ok_status(0)),
        ("dat.bare-loop", "bare libtracecmd loop", "trace.dat v6", dat, [b.bare, dat], None, True,
         ok_bare),
        ("v7.iommu-report", "iommu-report --json", "trace.v7.dat zstd", v7, ir + [v7], None,
         False, ok_status(0, 1)),
        ("v7.trace-cmd", "trace-cmd report", "trace.v7.dat zstd", v7,
         ["trace-cmd", "report", v7], None, False, ok_status(0)),
        ("v7.bare-loop", "bare libtracecmd loop", "trace.v7.dat zstd", v7, [b.bare, v7], None,
         True, ok_bare),
        ("txt.iommu-report", "iommu-report --json", "trace.txt", txt, ir + [txt], None, False,
         ok_status(0, 1)),
        ("txt.one-thread", "iommu-report IOREP_READ_AHEAD=0", "trace.txt", txt, ir + [txt],
         {"IOREP_READ_AHEAD": "0"}, False, ok_status(0, 1)),
        ("txt.awk", "awk: sum of map sizes", "trace.txt", txt, ["awk", AWK_MAP_SIZES, txt], None,
         True, ok_count(maps)),
        ("txt.grep", "grep -c ' map: '", "trace.txt", txt, ["grep", "-c", " map: ", txt], None,
         True, ok_count(maps)),
        ("txt.wc", "wc -l", "trace.txt", txt, ["wc", "-l", txt], None, True, ok_status(0)),
    ]
    if shutil.which("trace-cmd") is None:
        b.log("trace-cmd is not installed: its rows are left out")
        cases = [c for c in cases if "trace-cmd" not in c[0]]

    runs = {c[0]: [] for c in cases}
    for r in range(args.runs):
        b.log(f"run {r + 1} of {args.runs}")
        last = None
        for key, tool, label, path, cmd, env, capture, check in cases:
            # Each input read through again, untimed, before its first tool: the
            # run right after the 1.5 GB text's tools was slower on this VM
            # (1.97 s against 1.25 s on trace.dat, 3.1 s of CPU against 2.4 s),
            # which a read of its own file first takes away.
            if path != last:
                b.warm(path)
                last = path
            fig = b.measure(cmd, env=env, stdout=None if capture else "/dev/null")
            verdict = check(fig)
            if verdict is not True:
                b.failures.append(f"{tool} on {label}: {verdict}: {fig['stderr'].strip()[:300]}")
            runs[key].append(fig)

    results = {}
    rows = []
    for key, tool, label, path, cmd, env, capture, check in cases:
        figs = runs[key]
        wall = median([f["wall_s"] for f in figs])
        cpu = median([f["cpu_s"] for f in figs])
        res = {
            "tool": tool, "input": label, "path": os.path.basename(path),
            "bytes": sizes[path], "events": total, "command": figs[0]["command"],
            "wall_s": wall, "cpu_s": cpu,
            "mevents_per_s": total / wall / 1e6, "mevents_per_cpu_s": total / cpu / 1e6,
            "mb_per_s": sizes[path] / MB / wall,
            "peak_anon_mb": max(f["peak_anon_kb"] for f in figs) * 1024 / MB,
            "peak_rss_mb": max(f["maxrss_kb"] for f in figs) * 1024 / MB,
            "runs": [{k: v for k, v in f.items() if k not in ("stderr", "command")}
                     for f in figs],
        }
        results[key] = res
        rows.append([tool, label, f"{total}", f"{wall:.2f}", f"{cpu:.2f}",
                     f"{res['mevents_per_s']:.2f}", f"{res['mevents_per_cpu_s']:.2f}",
                     f"{res['mb_per_s']:.0f}", f"{res['peak_anon_mb']:.1f}",
                     f"{res['peak_rss_mb']:.1f}"])
    header = ["tool", "input", "events", "wall s", "cpu s", "Mev/s", "Mev/cpu-s", "MB/s",
              "anon MB", "rss MB"]

    targets = [
        ("trace.dat: iommu-report vs trace-cmd report", "dat.iommu-report", "dat.trace-cmd", 10),
        ("trace.dat: iommu-report vs bare libtracecmd loop", "dat.iommu-report", "dat.bare-loop",
         1),
        ("trace.v7.dat (zstd): iommu-report vs bare libtracecmd loop", "v7.iommu-report",
         "v7.bare-loop", 3),
        ("trace.txt: iommu-report vs awk summing map sizes", "txt.iommu-report", "txt.awk", 3),
        ("trace.v7.dat (zstd): iommu-report vs trace-cmd report", "v7.iommu-report",
         "v7.trace-cmd", None),
        ("trace.dat: iommu-report's libtracecmd path vs bare loop", "dat.plain-read",
         "dat.bare-loop", None),
        ("trace.dat: reading ahead on a thread vs one thread", "dat.iommu-report",
         "dat.one-thread", None),
        ("trace.txt: reading ahead on a thread vs one thread", "txt.iommu-report",
         "txt.one-thread", None),
        ("trace.txt: iommu-report vs grep -c", "txt.iommu-report", "txt.grep", None),
        ("trace.txt: iommu-report vs wc -l", "txt.iommu-report", "txt.wc", None),
    ]
    ratios = []
    rrows = []
    for name, ours, theirs, target in targets:
        if ours not in results or theirs not in results:
            continue
        wall = results[theirs]["wall_s"] / results[ours]["wall_s"]
        cpu = results[theirs]["cpu_s"] / results[ours]["cpu_s"]
        ratio = {"name": name, "ours": ours, "theirs": theirs, "target": target,
                 "wall_ratio": wall, "cpu_ratio": cpu}
        if target is not None:
            ratio["pass_wall"] = wall >= target
            ratio["pass_cpu"] = cpu >= target
        ratios.append(ratio)
        verdict = lambda p: "PASS" if p else "FAIL"
        rrows.append([name, "", f">= {target}x" if target else "(info)", f"{wall:.2f}x",
                      f"{cpu:.2f}x",
                      verdict(ratio["pass_wall"]) if target else "",
                      verdict(ratio["pass_cpu"]) if target else ""])

    print()
    print(f"{total} events (gen-trace --events {args.events} --cpus {args.cpus} "
          f"--seed {SEED}); "
          f"files: trace.dat {sizes[dat] / MB:.0f} MB, trace.v7.dat {sizes[v7] / MB:.0f} MB, "
          f"trace.txt {sizes[txt] / MB:.0f} MB; median of {args.runs} runs; "
          f"Mev/s and MB/s per wall second; memory: largest sample of any run")
    print(fmt_table(rows, header))
    print()
    print("Speed ratios (the other tool's time / iommu-report's time)")
    print(fmt_table([[r[0]] + r[2:] for r in rrows],
                    ["comparison", "target", "wall ratio", "cpu ratio", "on wall", "on cpu"]))
    return {"events": total, "files": {os.path.basename(p): s for p, s in sizes.items()},
            "results": results, "ratios": ratios}


# --- memory ------------------------------------------------------------------


MEMORY_INPUTS = {"dat": "trace.dat", "v7": "trace.v7.dat", "txt": "trace.txt"}


def memory(b, args, basedir):
    budget_base = 64 * MIB
    inputs = args.inputs.split(",")
    rows = []
    out = []
    for events in (args.small, args.events):
        outdir = os.path.join(basedir, f"mem-{events}")
        truth = b.generate(outdir, events, text="txt" in inputs, v7="v7" in inputs,
                           live=args.live)
        for name in inputs:
            path = os.path.join(outdir, MEMORY_INPUTS[name])
            b.warm(path)
            fig = b.measure([b.bin, "-q", "--json", "-", path], stdout=None)
            if fig["status"] not in (0, 1):
                b.failures.append(f"iommu-report on {path}: exit status {fig['status']}: "
                                  f"{fig['stderr'].strip()[:300]}")
                continue
            doc = json.loads(fig["stdout"])
            peak_live = doc["mappings"]["peak_live"]
            dma_live = sum(d.get("dma_live_at_end", 0) for d in doc["devices"])
            counted = sum(doc["events"].values())
            if counted != truth["total_events"]:
                b.failures.append(f"iommu-report on {path}: {counted} events, "
                                  f"{truth['total_events']} generated")
            live = peak_live + dma_live
            budget = budget_base + 100 * live
            end = fig["last_anon_kb"] * 1024
            peak = fig["peak_anon_kb"] * 1024
            res = {"input": MEMORY_INPUTS[name], "events": truth["total_events"],
                   "bytes": os.path.getsize(path), "iommu_peak_live": peak_live,
                   "dma_live_at_end": dma_live, "budget_bytes": budget, "end_anon_bytes": end,
                   "peak_anon_bytes": peak, "peak_rss_bytes": fig["maxrss_kb"] * 1024,
                   "wall_s": fig["wall_s"], "cpu_s": fig["cpu_s"], "samples": fig["samples"],
                   "command": fig["command"], "pass_end": end <= budget,
                   "pass_peak": peak <= budget}
            out.append(res)
            rows.append([MEMORY_INPUTS[name], f"{res['events']}", f"{res['bytes'] / MIB:.0f}",
                         f"{peak_live}", f"{dma_live}", f"{budget / MIB:.1f}",
                         f"{end / MIB:.1f}", "PASS" if res["pass_end"] else "FAIL",
                         f"{peak / MIB:.1f}", "PASS" if res["pass_peak"] else "FAIL",
                         f"{res['peak_rss_bytes'] / MIB:.0f}", f"{fig['wall_s']:.1f}",
                         f"{fig['cpu_s']:.1f}"])
        if not args.keep:
            shutil.rmtree(outdir)
    print()
    print(f"iommu-report --json, gen-trace --live {args.live}: RssAnon (MiB) at the last sample "
          f"before exit and at its peak, against 64 MiB + 100 B x live mappings "
          f"(IOMMU peak live + DMA-API handles live at the end)")
    print(fmt_table(rows, ["input", "events", "file MiB", "iommu live", "dma live",
                           "budget MiB", "anon end", "", "anon peak", "", "rss MiB", "wall s",
                           "cpu s"]))
    for name in MEMORY_INPUTS.values():
        runs = [r for r in out if r["input"] == name]
        if len(runs) == 2:
            grow = runs[1]["end_anon_bytes"] - runs[0]["end_anon_bytes"]
            print(f"{name}: RssAnon at the end grows by {grow / MIB:.1f} MiB from "
                  f"{runs[0]['events']} to {runs[1]['events']} events")
    return {"live": args.live, "runs": out}


def machine():
    info = {"python": platform.python_version(), "kernel": platform.release(),
            "nproc": os.cpu_count(), "loadavg": os.getloadavg()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for name, cmd in (("trace-cmd", ["trace-cmd", "--version"]), ("awk", ["awk", "-W", "version"]),
                      ("grep", ["grep", "--version"])):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            lines = (r.stdout + r.stderr).strip().splitlines()
            info[name] = next((l.strip() for l in lines if l.strip()), "")
        except (OSError, subprocess.TimeoutExpired):
            info[name] = None
    return info


def main():
    ap = argparse.ArgumentParser(description="iommu-report throughput and memory bench")
    ap.add_argument("build_dir")
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--cpus", type=int, default=4,
                    help="CPUs of the generated trace (gen-trace --cpus, default 4)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (reused)")
    ap.add_argument("--json", metavar="OUT", help="write the results as JSON to OUT")
    ap.add_argument("--verbose", action="store_true", help="print each command as it runs")
    ap.add_argument("--memory", action="store_true", help="the memory bound, not throughput")
    ap.add_argument("--small", type=int, default=1_000_000, help="--memory: the small run")
    ap.add_argument("--live", type=int, default=2000, help="--memory: gen-trace --live")
    ap.add_argument("--inputs", default="dat", help="--memory: which of dat,v7,txt (default dat)")
    args = ap.parse_args()
    if min(args.events, args.runs, args.small, args.live, args.cpus) <= 0:
        ap.error("--events, --cpus, --runs, --small and --live must be positive")
    if not args.inputs or any(i not in MEMORY_INPUTS for i in args.inputs.split(",")):
        ap.error("--inputs takes a comma-separated list of dat, v7, txt")

    b = Bench(args)
    info = machine()
    print(f"machine: {info.get('cpu')}, {info['nproc']} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in info['loadavg'])} (timings on a shared machine are "
          f"noisy); {info.get('trace-cmd')}; {info.get('awk')}; {info.get('grep')}")
    base = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="iorep-bench-")
    os.makedirs(base, exist_ok=True)
    doc = {"machine": info,
           "params": {"events": args.events, "cpus": args.cpus, "runs": args.runs, "seed": SEED}}
    try:
        if args.memory:
            doc["params"].update(small=args.small, live=args.live, inputs=args.inputs)
            doc["memory"] = memory(b, args, base)
        else:
            name = f"gen-{args.events}" + (f"-{args.cpus}cpu" if args.cpus != 4 else "")
            doc["throughput"] = throughput(b, args, os.path.join(base, name))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    doc["failures"] = b.failures
    if b.failures:
        print()
        for f in b.failures:
            print("FAILED: " + f)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
    sys.exit(1 if b.failures else 0)


if __name__ == "__main__":
    main()
