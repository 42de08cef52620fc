#!/usr/bin/env python3
"""Runs vpcflow and its peers side by side on one file, checks every peer's services.csv against
vpcflow's byte for byte, times each (median of N runs, warm page cache) and prints the table.
Called by scripts/bench-peers.sh, which prepares the virtual environment, builds vpcflow and compiles
the C baseline (Benchmarks/baseline-c/flowsum.c). Standard library only."""

import argparse
import csv
import datetime
import json
import os
import platform
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RANGES_TO_TEXT = os.path.join(HERE, "..", "..", "Benchmarks", "baseline-c", "ranges_to_text.py")


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Tool:
    def __init__(self, name, argv, kind, version="", cores=1, output=None, reference=None,
                 input_bytes=0, records=0, info=None, note="", ref_key="plain"):
        self.name, self.argv, self.kind = name, argv, kind
        self.version, self.cores = version, cores
        self.output, self.reference = output, reference    # the CSV it writes and vpcflow's to compare
        self.input_bytes, self.records = input_bytes, records
        self.info = info                                    # JSON written by a peer (--info)
        self.note, self.ref_key = note, ref_key
        self.times, self.rss_kb, self.cpu = [], [], []
        self.matches = None                                 # True/False; None: nothing to compare
        self.diff = ""
        self.extrapolated = None                            # notebook: (seconds, records/s)
        self.failed = ""


def slug(name):
    return "".join(c if c.isalnum() else "-" for c in name)


def timed_wrap(argv, rss_file):
    return ["/usr/bin/time", "-a", "-o", rss_file, "-f", "%M %U %S %e"] + argv


def read_rss(path, tool):
    if not os.path.exists(path):
        return
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4 and parts[0].isdigit():
                kb, user, system, wall = int(parts[0]), float(parts[1]), float(parts[2]), float(parts[3])
                tool.rss_kb.append(kb)
                if wall > 0:
                    tool.cpu.append((user + system) / wall)
    os.remove(path)


def run_once(tool, work):
    """The check run: also warms the page cache and the tool's own caches. Returns True on success."""
    rss = os.path.join(work, f"{slug(tool.name)}.check.rss")
    p = subprocess.run(timed_wrap(tool.argv, rss), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode != 0:
        last = p.stderr.decode(errors="replace").strip().splitlines()[-1:]
        tool.failed = f"exit {p.returncode}" + (f": {last[0][:200]}" if last else "")
        print(f"# {tool.name} failed: {tool.failed}", flush=True)
        return False
    read_rss(rss, tool)
    return True


def time_runs(tool, runs, work, hyperfine):
    """The tool's runs back to back (--grouped): with hyperfine when given, else our own loop."""
    tool.rss_kb, tool.cpu = [], []
    if not hyperfine:
        for _ in range(runs):
            time_one(tool, work)
            if tool.failed:
                return
        return
    rss = os.path.join(work, f"{slug(tool.name)}.rss")
    argv = timed_wrap(tool.argv, rss)
    js = os.path.join(work, f"{slug(tool.name)}.hyperfine.json")
    cmd = [hyperfine, "-N", "--runs", str(runs), "--warmup", "0", "--style", "none",
           "--export-json", js, shlex.join(argv)]
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode != 0:
        tool.failed = "hyperfine: " + p.stderr.decode(errors="replace").strip()[-300:]
        return
    with open(js) as f:
        tool.times = list(json.load(f)["results"][0]["times"])
    read_rss(rss, tool)


def time_one(tool, work):
    """One timed run, appended to the tool's times (the round-robin mode)."""
    rss = os.path.join(work, f"{slug(tool.name)}.rss")
    t0 = time.perf_counter()
    p = subprocess.run(timed_wrap(tool.argv, rss), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.perf_counter() - t0
    if p.returncode != 0:
        tool.failed = f"exit {p.returncode}"
        return
    tool.times.append(t)
    read_rss(rss, tool)


def compare(tool):
    if tool.output is None or tool.reference is None:
        return
    with open(tool.output, "rb") as f:
        mine = f.read()
    with open(tool.reference, "rb") as f:
        ref = f.read()
    tool.matches = mine == ref
    if tool.matches:
        return
    a, b = mine.decode().splitlines(), ref.decode().splitlines()
    same_rows = sorted(a) == sorted(b)
    lines = [f"{tool.name}: services.csv differs from vpcflow's"
             + (" (same rows, different order)" if same_rows else "")]
    ka = {tuple(r.split(",")[:3]): r for r in a[1:]}
    kb = {tuple(r.split(",")[:3]): r for r in b[1:]}
    if a[:1] != b[:1]:
        lines.append(f"  header: peer {a[:1]} vpcflow {b[:1]}")
    shown = 0
    for k in sorted(set(ka) | set(kb)):
        if ka.get(k) != kb.get(k):
            lines.append(f"  {','.join(k)}: peer {ka.get(k, '(none)')!s} | vpcflow {kb.get(k, '(none)')!s}")
            shown += 1
            if shown >= 10:
                break
    if same_rows:
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                lines.append(f"  first differing line {i + 1}: peer {x} | vpcflow {y}")
                break
    tool.diff = "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--ranges", required=True)
    ap.add_argument("--vpcflow", required=True)
    ap.add_argument("--python", required=True, help="the virtual environment's python")
    ap.add_argument("--jobs", type=int, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--gz", default="", help="folder of gzip flow logs for the zcat floor ('' for none)")
    ap.add_argument("--csv", default="")
    ap.add_argument("--work", required=True)
    ap.add_argument("--peers", default="c-baseline,duckdb,chdb,polars,pytricia,notebook")
    ap.add_argument("--missing", default="", help="peers whose package did not install")
    ap.add_argument("--notebook-sample", type=int, default=200)
    ap.add_argument("--notebook-variants", default="literal,prebuilt")
    ap.add_argument("--hyperfine", default="")
    ap.add_argument("--c-baseline", default="", help="the compiled Benchmarks/baseline-c/flowsum ('' if none)")
    ap.add_argument("--grouped", action="store_true",
                    help="time each tool's runs back to back (hyperfine) instead of round robin")
    ap.add_argument("--verify-only", action="store_true")
    ap.add_argument("--no-floor", action="store_true")
    a = ap.parse_args()

    os.makedirs(a.work, exist_ok=True)
    peers = [p for p in a.peers.split(",") if p]
    missing = set(p for p in a.missing.split(",") if p)
    file_bytes = os.path.getsize(a.file)
    started = datetime.datetime.now(datetime.timezone.utc)
    meta = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "host": socket.gethostname(),
        "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip() or platform.processor(),
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "file": a.file, "file_bytes": file_bytes,
        "commit": sh("git -C " + shlex.quote(HERE) + " rev-parse --short HEAD")
        + (" + uncommitted changes" if sh("git -C " + shlex.quote(HERE) + " status --porcelain --untracked-files=no") else ""),
        "load_before": loadavg(),
        "timing": (f"grouped, hyperfine {sh(a.hyperfine + ' --version').split()[-1]}" if a.hyperfine
                   else "grouped, own loop") if a.grouped else "round robin, own loop",
    }
    print(f"# {meta['date']}  {meta['host']}  {meta['cpu']}, {meta['cores']} cores, Linux {meta['kernel']}")
    print(f"# work tree at {meta['commit']}; file {a.file} ({file_bytes / 1e6:.1f} MB); jobs {a.jobs}; "
          f"runs {a.runs} ({meta['timing']}); load average before: {meta['load_before']}")

    # Warm the page cache (and fail early on a missing file).
    subprocess.run(["cat", a.file], stdout=subprocess.DEVNULL, check=True)
    vpc_version = subprocess.run([a.vpcflow, "--version"], capture_output=True, text=True).stdout.split()[-1]
    ranges = ["--ranges", a.ranges]

    def vpc_tool(name, inputs, jobs, outdir, in_bytes, ref_key):
        return Tool(name, [a.vpcflow, "summarize", "--attribution", "all", *ranges, "--jobs", str(jobs),
                           "--quiet", "--output", outdir, *inputs],
                    "vpcflow", vpc_version, jobs, output=os.path.join(outdir, "services.csv"),
                    input_bytes=in_bytes, ref_key=ref_key)

    tools = []
    ref_dir = os.path.join(a.work, "vpcflow-ref")
    # The reference: vpcflow --jobs 1 writes the CSV every other tool is compared with.
    ref = vpc_tool("vpcflow --jobs 1", [a.file], 1, ref_dir, file_bytes, "plain")
    ref.output = None
    if not run_once(ref, a.work):
        sys.exit(f"vpcflow failed: {ref.failed}")
    ref_csv = os.path.join(ref_dir, "services.csv")
    with open(os.path.join(ref_dir, "summary.json")) as f:
        records = json.load(f)["records"]["data_lines"]
    ref.records = records
    tools.append(ref)
    job_list = [1] + ([a.jobs] if a.jobs != 1 else [])
    for j in job_list[1:]:
        t = vpc_tool(f"vpcflow --jobs {j}", [a.file], j, os.path.join(a.work, f"vpcflow-j{j}"), file_bytes, "plain")
        t.reference, t.records = ref_csv, records
        tools.append(t)

    def add_peer(name, script, extra=(), sample=None, input_bytes=file_bytes, recs=records, reference=ref_csv):
        if name.split("-")[0] in missing:
            t = Tool(name, [], "peer", note="not installed")
            t.failed = "not installed"
            tools.append(t)
            return
        out = os.path.join(a.work, f"{name}.csv")
        info = os.path.join(a.work, f"{name}.json")
        argv = [a.python, os.path.join(HERE, script), "--ranges", a.ranges, "--output", out, "--info", info,
                *extra, sample or a.file]
        t = Tool(name, argv, "peer", output=out, reference=reference, input_bytes=input_bytes,
                 records=recs, info=info)
        tools.append(t)

    def add_c_baseline():
        """Issue 4's straightforward C program. It reads the ranges as text, converted from
        ip-ranges.json here by python3 (stdlib json) before any check or timed run: that conversion
        is timed on its own (median of 3) and named in the row's note, and is NOT in the row's time,
        whereas vpcflow and the Python peers read ip-ranges.json inside theirs."""
        name = "c-baseline"
        if name in missing or not a.c_baseline:
            t = Tool(name, [], "peer", note="not compiled")
            t.failed = "not compiled"
            tools.append(t)
            return
        text = os.path.join(a.work, "c-baseline-ranges.txt")
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            p = subprocess.run([a.python, RANGES_TO_TEXT, a.ranges, text], stderr=subprocess.PIPE)
            times.append(time.perf_counter() - t0)
            if p.returncode != 0:
                t = Tool(name, [], "peer")
                t.failed = "ranges_to_text.py failed: " + p.stderr.decode(errors="replace").strip()[-200:]
                tools.append(t)
                return
        # One core and --jobs cores, as issue 4 quotes it (and as vpcflow's rows).
        for j in sorted({1, a.jobs}):
            label = f"{name} --jobs {j}"
            out = os.path.join(a.work, f"{slug(label)}.csv")
            info = os.path.join(a.work, f"{slug(label)}.json")
            argv = [a.c_baseline, "--ranges", text, "--jobs", str(j), "--output", out, "--info", info, a.file]
            tools.append(Tool(label, argv, "peer", output=out, reference=ref_csv, input_bytes=file_bytes,
                              records=records, info=info,
                              note=f"compiled -O2; ranges pre-converted from JSON to text by python3 in "
                                   f"{statistics.median(times):.3f} s (median of 3), not in this time; peak "
                                   f"RSS counts the pages of the mapped file"))

    for p in peers:
        if p == "c-baseline":
            add_c_baseline()
        elif p == "duckdb":
            add_peer("duckdb", "duckdb_peer.py", ["--jobs", str(a.jobs)])
        elif p == "chdb":
            add_peer("chdb", "chdb_peer.py", ["--jobs", str(a.jobs)])
        elif p == "polars":
            add_peer("polars", "polars_peer.py", ["--jobs", str(a.jobs)])
        elif p == "pytricia":
            add_peer("pytricia", "pytricia_peer.py", ["--jobs", str(a.jobs)])
        elif p == "notebook":
            sample = os.path.join(a.work, "notebook-sample.log")
            with open(a.file, "rb") as src, open(sample, "wb") as dst:
                for i, line in enumerate(src):
                    if i > a.notebook_sample:
                        break
                    dst.write(line)
            sref = vpc_tool("vpcflow (sample)", [sample], 1, os.path.join(a.work, "vpcflow-sample"), 0, "plain")
            if not run_once(sref, a.work):
                sys.exit(f"vpcflow failed on the sample: {sref.failed}")
            for v in a.notebook_variants.split(","):
                add_peer(f"notebook-{v}", "notebook_peer.py",
                         ["--sample", str(a.notebook_sample), "--variant", v], sample=sample,
                         reference=os.path.join(a.work, "vpcflow-sample", "services.csv"))
        else:
            sys.exit(f"unknown peer {p}")

    if not a.no_floor:
        tools.append(Tool("cat FILE > /dev/null", ["cat", a.file], "floor",
                          sh("cat --version | head -1"), 1, input_bytes=file_bytes, records=records))
        tools.append(Tool("wc -l FILE", ["wc", "-l", a.file], "floor",
                          sh("wc --version | head -1"), 1, input_bytes=file_bytes, records=records))
        if a.gz and os.path.isdir(a.gz):
            gz_files = sorted(os.path.join(d, f) for d, _, fs in os.walk(a.gz) for f in fs)
            gz_dir = os.path.join(a.work, "vpcflow-gz-j1")
            gref = vpc_tool("vpcflow gz --jobs 1", [a.gz], 1, gz_dir, 0, "gz")
            gref.output = None
            if run_once(gref, a.work):
                with open(os.path.join(gz_dir, "summary.json")) as f:
                    s = json.load(f)
                gz_records = s["records"]["data_lines"]
                gz_bytes = sum(os.path.getsize(p) for p in gz_files)
                unz = int(sh("zcat " + " ".join(shlex.quote(p) for p in gz_files) + " | wc -c"))
                gnote = f"{len(gz_files)} gzip files, {gz_bytes / 1e6:.0f} MB compressed; MB/s of inflated bytes"
                gref.input_bytes, gref.records, gref.note = unz, gz_records, gnote
                tools.append(gref)
                for j in job_list[1:]:
                    t = vpc_tool(f"vpcflow gz --jobs {j}", [a.gz], j, os.path.join(a.work, f"vpcflow-gz-j{j}"),
                                 unz, "gz")
                    t.reference, t.records, t.note = os.path.join(gz_dir, "services.csv"), gz_records, gnote
                    tools.append(t)
                tools.append(Tool("zcat GZ-SET > /dev/null", ["zcat", *gz_files], "floor",
                                  sh("gzip --version | head -1"), 1, input_bytes=unz, records=gz_records,
                                  note=gnote, ref_key="gz"))
            else:
                print(f"# vpcflow failed on the gzip set: {gref.failed}")

    # Check runs first (all outputs compared before any timing), then the timed runs.
    for t in tools:
        if t is ref or t.failed:
            continue
        print(f"# check: {t.name} ...", flush=True)
        if run_once(t, a.work):
            compare(t)
            if t.info and os.path.exists(t.info):
                with open(t.info) as f:
                    info = json.load(f)
                t.version, t.cores = info.get("version", ""), info.get("cores", 1)
                if "records_per_second" in info:
                    t.extrapolated = info
        if t.diff:
            print(t.diff)

    if not a.verify_only:
        timed = []
        for t in tools:
            if t.failed:
                continue
            if t.kind == "peer" and t.name.startswith("notebook"):
                # One run on the sample (its own loop timing is what counts); extrapolated below.
                t.times = [0.0]
                continue
            timed.append(t)
        if a.grouped:
            for t in timed:
                print(f"# timing: {t.name} ({a.runs} runs) ...", flush=True)
                time_runs(t, a.runs, a.work, a.hyperfine)
        else:
            # Round robin: run r of every tool, then run r + 1 of every tool. On a shared machine
            # whose speed drifts over minutes, each tool then sees the same mix of fast and slow
            # phases, and the ratios compare like with like.
            for t in timed:
                t.times, t.rss_kb, t.cpu = [], [], []
            for r in range(a.runs):
                print(f"# timing: round {r + 1} of {a.runs} ...", flush=True)
                for t in timed:
                    if not t.failed:
                        time_one(t, a.work)
    load_after = loadavg()

    # The table.
    refs = {}
    for t in tools:
        if t.kind == "vpcflow" and t.times and t.name.endswith(f"--jobs {a.jobs}"):
            refs[t.ref_key] = statistics.median(t.times)
    rows = []
    for t in tools:
        row = {"tool": t.name, "version": t.version, "cores": t.cores, "runs": len(t.times),
               "median_s": "", "min_s": "", "max_s": "", "mb_s": "", "records_s": "",
               "peak_rss_mb": f"{max(t.rss_kb) / 1024:.0f}" if t.rss_kb else "",
               "cpu_util": f"{statistics.median(t.cpu):.2f}" if t.cpu else "",
               "vpcflow_ratio": "", "csv_matches": {True: "yes", False: "NO", None: "-"}[t.matches]
               if not t.failed else "-",
               "note": t.failed or t.note}
        if t.name.startswith("notebook") and t.extrapolated:
            e = t.extrapolated
            rps = e["records_per_second"]
            secs = records / rps
            row.update(runs=1, median_s=f"{secs:.0f}", mb_s=f"{file_bytes / 1e6 / secs:.2g}",
                       records_s=f"{rps:.1f}", cores=1,
                       note=f"EXTRAPOLATED from {e['sample_lines']} records in {e['loop_seconds']:.1f} s "
                            f"({secs / 3600:.1f} h for the file); peak RSS on the sample")
            if "plain" in refs:
                row["vpcflow_ratio"] = f"{secs / refs['plain']:.0f}"
        elif t.times and not t.failed and not (a.verify_only):
            med = statistics.median(t.times)
            row.update(median_s=f"{med:.3f}", min_s=f"{min(t.times):.3f}", max_s=f"{max(t.times):.3f}",
                       mb_s=f"{t.input_bytes / 1e6 / med:.1f}", records_s=f"{t.records / med:.0f}")
            if t.ref_key in refs:
                row["vpcflow_ratio"] = f"{med / refs[t.ref_key]:.2f}"
        rows.append(row)

    cols = [("tool", "tool"), ("version", "version"), ("cores", "cores"), ("cpu_util", "cpu"),
            ("median_s", "median s"), ("mb_s", "MB/s"), ("records_s", "records/s"),
            ("peak_rss_mb", "peak RSS MB"), ("vpcflow_ratio", f"x vpcflow -j{a.jobs}"),
            ("csv_matches", "CSV = vpcflow")]
    widths = {k: max(len(h), *(len(str(r[k])) for r in rows)) for k, h in cols}
    print()
    print("  ".join(h.ljust(widths[k]) for k, h in cols) + "  note")
    for r in rows:
        print("  ".join(str(r[k]).ljust(widths[k]) for k, _ in cols) + "  " + r["note"])
    print()
    print(f"# records: {records} ({file_bytes / 1e6:.1f} MB); 'x vpcflow -j{a.jobs}' = the tool's median time / "
          f"vpcflow --jobs {a.jobs}'s on the same input (gzip rows: on the gzip set); cpu = (user+sys)/wall, "
          f"median of the timed runs; peak RSS = max of /usr/bin/time %M")
    print(f"# load average before: {meta['load_before']}; after: {load_after}")
    bad = [t.name for t in tools if t.matches is False]
    print("# every checked CSV is byte-identical to vpcflow's" if not bad else
          f"# DIFFERENT from vpcflow's: {', '.join(bad)}")

    if a.csv:
        os.makedirs(os.path.dirname(os.path.abspath(a.csv)), exist_ok=True)
        with open(a.csv, "w", newline="") as f:
            fields = ["tool", "version", "cores", "cpu_util", "runs", "median_s", "min_s", "max_s", "mb_s",
                      "records_s", "peak_rss_mb", "vpcflow_ratio", "csv_matches", "note",
                      "file", "file_bytes", "records", "jobs", "date", "host", "cpu", "commit",
                      "load_before", "load_after"]
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            for r in rows:
                r = dict(r, file=a.file, file_bytes=file_bytes, records=records, jobs=a.jobs, date=meta["date"],
                         host=meta["host"], cpu=meta["cpu"], commit=meta["commit"],
                         load_before=meta["load_before"], load_after=load_after)
                w.writerow(r)
        print(f"# CSV written to {a.csv}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
