#!/usr/bin/env bash
# Issue 13's figures in one run (BENCHMARKS.md, "Gzip and many small files"): vpcflow against the
# inflaters alone, on the inputs S3 delivers.
#
#   scripts/bench-gzip.sh [options]          (needs bench-data/ from scripts/generate-bench-data.sh,
#                                             hyperfine, python3 and /usr/bin/time)
#
# One hyperfine run per set, every command side by side (warm page cache, 1 warm-up):
#   zcat, pigz -dc, igzip -dc of all the set's files in one process (a peer that is not installed is
#     skipped, and says so; `cat` instead on the plain set), and
#   vpcflow summarize --jobs JOBS with each inflater (--inflater zlib, --inflater isal, when the binary
#     has the option: `vpcflow summarize --help` is asked; otherwise once, without it; on the plain set
#     once), and the same for --baseline BIN when given,
# over these sets:
#   gz200        bench-data/gz, the 200 gzip files of 50,000 records
#   large        bench-data/flows-10m.log.gz, the 10 M file compressed with gzip -6 (one file)
#   small-gz     bench-data/small-gz, 20,000 gzip files of 100 records in the S3 layout
#   small-plain  bench-data/small-plain, the same 20,000 files uncompressed
# Every tool reads the same list of files: the set's files in byte order of their paths, hidden
# names left out, as vpcflow's folder walk reads them (vpcflow is given the folder; the script checks
# that its summary.json counted the same files and text bytes). The peers get the list through
# xargs with the stack limit raised (`ulimit -s`, so that 20,000 paths fit one exec); the script says
# so if xargs still had to split it.
# MB/s is of text (the inflated bytes, counted once with the fastest inflater present) over the
# median; the ratios are those of issue 13, section 5 (throughput of vpcflow over the peer's).
#
# Then, unless --no-fixed:
#   fixed   CPU time (user + system, from the children's rusage: the kernel's exact run time, split
#           into user and system by sampling) per file, from bench-data/empty-{plain,gz} and
#           one-{plain,gz} (2,000 files each), --jobs 1 and JOBS, round robin, FIXED_RUNS runs each:
#           (median CPU of the set - median CPU of a run on one empty file) / 1,999
#   rss     peak RSS (/usr/bin/time -v, the median of 3) of summarize on the large gzip file, and on
#           bench-data/flows-10m.log for comparison
#
# Options:
#   --binary BIN      the vpcflow to measure (default: $VPCFLOW, else .build/release/vpcflow, which
#                     is built when missing)
#   --baseline BIN    a second build, measured in the same runs (e.g. the one before a change); its
#                     rows are labelled "baseline" and the ratios against it are printed
#   --runs N          timed runs per command (default 5; RUNS)
#   --fixed-runs N    runs per command of the fixed-cost part (default 11)
#   --jobs J          vpcflow's --jobs (default 2; JOBS)
#   --sets LIST       comma-separated subset of gz200,large,small-gz,small-plain,fixed,rss (default all)
#   --no-fixed        the same as --sets gz200,large,small-gz,small-plain
#   --out DIR         hyperfine's JSON, the reports and the summary (default bench-data/bench-gzip;
#                     emptied first)
#   --ranges FILE     ip-ranges.json (default ../shared/datasets/ip-ranges.json; RANGES)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${VPCFLOW:-}
baseline=""
runs=${RUNS:-5}
fixed_runs=11
jobs=${JOBS:-2}
sets=gz200,large,small-gz,small-plain,fixed,rss
out=bench-data/bench-gzip
ranges=${RANGES:-../shared/datasets/ip-ranges.json}
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) bin=$2; shift 2 ;;
        --baseline) baseline=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --fixed-runs) fixed_runs=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --sets) sets=$2; shift 2 ;;
        --no-fixed) sets=gz200,large,small-gz,small-plain; shift ;;
        --out) out=$2; shift 2 ;;
        --ranges) ranges=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done
want() { case ",$sets," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
[ -f "$ranges" ] || { echo "no ranges file $ranges (set --ranges or RANGES=...)" >&2; exit 66; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 69; }
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 69; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed for peak RSS (apt-get install time)" >&2; exit 69; }
if [ -z "$bin" ]; then
    bin=.build/release/vpcflow
    [ -x "$bin" ] || swift build -c release --product vpcflow >/dev/null
fi
[ -x "$bin" ] || { echo "no vpcflow binary at $bin" >&2; exit 66; }
[ -z "$baseline" ] || [ -x "$baseline" ] || { echo "no baseline binary at $baseline" >&2; exit 66; }
# Absolute, so that commands still find them from any folder; printed relative to the repository.
bin=$(realpath "$bin")
[ -z "$baseline" ] || baseline=$(realpath "$baseline")

rm -rf "$out" && mkdir -p "$out"
summary=$out/summary.txt
say() { echo "$@" | tee -a "$summary"; }

# --- the tools ----------------------------------------------------------------------------------------
declare -a peers=()
for peer in zcat pigz igzip; do
    if command -v "$peer" >/dev/null; then peers+=("$peer"); else say "# $peer is not installed: its rows are skipped"; fi
done
peer_cmd() { case "$1" in zcat) echo zcat ;; *) echo "$1 -dc" ;; esac; }
# The fastest inflater present counts the text bytes.
counter=zcat
for p in pigz igzip; do command -v "$p" >/dev/null && counter="$p -dc"; done

# vpcflow's variants: NAME<TAB>BINARY<TAB>EXTRA OPTIONS, for the binary and the baseline.
probe=$(find bench-data/small-gz -type f -name '*.gz' 2>/dev/null | LC_ALL=C sort | head -1 || true)
[ -n "$probe" ] || probe=$(find bench-data/gz -type f -name '*.gz' | LC_ALL=C sort | head -1)
variants=$out/variants
: > "$variants"
add_variants() {  # LABEL BINARY
    local label=$1 b=$2
    if "$b" summarize --help 2>&1 | grep -q -- '--inflater'; then
        for inflater in zlib isal; do
            if "$b" summarize --quiet --inflater "$inflater" --ranges "$ranges" --output "$out/probe" "$probe" >/dev/null 2>&1; then
                printf '%s\t%s\t%s\n' "$label --inflater $inflater" "$b" "--inflater $inflater" >> "$variants"
            else
                say "# $label: --inflater $inflater does not run here (exit $?): its rows are skipped"
            fi
        done
    else
        say "# $label has no --inflater option: measured once, with its own inflater"
        printf '%s\t%s\t%s\n' "$label" "$b" "" >> "$variants"
    fi
}
add_variants vpcflow "$bin"
[ -z "$baseline" ] || add_variants baseline "$baseline"

say "# vpcflow: $(realpath --relative-to=. "$bin") ($(stat -c %s "$bin") bytes, built $(date -r "$bin" '+%Y-%m-%d %H:%M'))"
[ -z "$baseline" ] || say "# baseline: $(realpath --relative-to=. "$baseline") (built $(date -r "$baseline" '+%Y-%m-%d %H:%M'))"
say "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg); jobs $jobs, $runs runs"
say "# peers: ${peers[*]:-none} ($(for p in ${peers[@]+"${peers[@]}"}; do case $p in
    zcat) echo -n "gzip $(gzip --version | head -1 | awk '{print $2}') " ;;
    pigz) echo -n "pigz $(pigz --version 2>&1 | awk '{print $2}') " ;;
    igzip) echo -n "igzip $(igzip --version 2>&1 | awk '{print $NF}') " ;; esac; done))"

# --- one set ------------------------------------------------------------------------------------------
# The stack limit that lets one exec hold 20,000 paths (the kernel allows a quarter of it, at most 6 MB).
stack_kb=65536
run_set() {  # NAME PATH KIND(gz|plain)
    local name=$1 path=$2 kind=$3
    [ -e "$path" ] || { say "# $name: no $path (run scripts/generate-bench-data.sh): skipped"; return 0; }
    local list=$out/$name.list
    if [ -d "$path" ]; then
        find "$path" -type f ! -name '.*' ! -path '*/.*' -print0 | LC_ALL=C sort -z > "$list"
    else
        printf '%s\0' "$path" > "$list"
    fi
    local files stored text
    files=$(tr -cd '\0' < "$list" | wc -c)
    stored=$(xargs -0 stat -c %s < "$list" | awk '{s += $1} END {print s}')
    local xa="ulimit -s $stack_kb && xargs -0 -s 5000000"
    local execs
    execs=$(bash -c "$xa sh -c 'echo \$#' sh < $list" | wc -l)
    [ "$execs" = 1 ] || say "# $name: xargs split the list into $execs processes per peer"
    if [ "$kind" = gz ]; then
        text=$(bash -c "$xa $counter < $list" | wc -c)
    else
        text=$stored
    fi
    local -a cmds=()
    local -a names=()
    if [ "$kind" = gz ]; then
        for p in ${peers[@]+"${peers[@]}"}; do
            names+=("$(peer_cmd "$p")"); cmds+=("$xa $(peer_cmd "$p") < $list")
        done
    else
        names+=("cat"); cmds+=("$xa cat < $list")
    fi
    local n=0
    while IFS=$'\t' read -r label b extra; do
        # Nothing is inflated on a plain set: one row per binary.
        [ "$kind" = gz ] || [ "${extra#*isal}" = "$extra" ] || continue
        n=$((n + 1))
        # Checked once before the timing: the same files and text bytes as the peers.
        "$b" summarize --quiet --jobs "$jobs" $extra --ranges "$ranges" --output "$out/check-$name-$n" "$path"
        local counted
        counted=$(python3 -c 'import json, sys; i = json.load(open(sys.argv[1]))["inputs"]; print(i["files"], i["text_bytes"])' \
            "$out/check-$name-$n/summary.json")
        [ "$counted" = "$files $text" ] || { say "# $name: $label counted '$counted' (files, text bytes), the list '$files $text'"; exit 1; }
        rm -rf "$out/check-$name-$n"
        names+=("$label --jobs $jobs")
        cmds+=("$b summarize --quiet --jobs $jobs $extra --ranges $ranges --output $out/report-$name-$n $path")
    done < "$variants"
    local -a args=()
    local i
    for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
    echo "== $name: $path, $files files, $stored bytes stored, $text bytes of text"
    hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$out/$name.json" "${args[@]}"
    python3 - "$out/$name.json" "$name" "$files" "$stored" "$text" <<'EOF' | tee -a "$summary"
import json, sys
path, name, files, stored, text = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rows = json.load(open(path))["results"]
med = {r["command"]: r["median"] for r in rows}
print(f"\n## {name}: {files:,} files, {stored:,} bytes stored, {text:,} bytes of text")
floor = "zcat" if "zcat" in med else "cat"
print(f"| command | median s (min / max) | MB/s of text | user + sys s (means) | vs igzip -dc | vs {floor} | vs baseline |")
print("|---|---|---|---|---|---|---|")
def ratio(a, b):  # throughput of a over b's
    return f"{med[b] / med[a]:.2f}×" if b in med and a in med else ""
base = {r["command"] for r in rows if r["command"].startswith("baseline")}
for r in rows:
    c = r["command"]
    vs_base = ""
    if c.startswith("vpcflow") and len(base) == 1:
        vs_base = ratio(c, next(iter(base)))
    elif c.startswith("vpcflow"):  # a baseline with the same inflater option
        vs_base = ratio(c, c.replace("vpcflow", "baseline", 1))
    print(f"| {c} | {r['median']:.3f} ({r['min']:.3f} / {r['max']:.3f}) | {text / r['median'] / 1e6:,.0f} | "
          f"{r['user']:.2f} + {r['system']:.2f} | {ratio(c, 'igzip -dc')} | {ratio(c, floor)} | {vs_base} |")
json.dump({"text": text, "files": files, "stored": stored}, open(path[:-5] + ".bytes.json", "w"))
EOF
}
want gz200 && run_set gz200 bench-data/gz gz
want large && run_set large bench-data/flows-10m.log.gz gz
want small-gz && run_set small-gz bench-data/small-gz gz
want small-plain && run_set small-plain bench-data/small-plain plain

# --- fixed cost per file --------------------------------------------------------------------------------
if want fixed; then
    one_empty=$(find bench-data/empty-plain -type f 2>/dev/null | LC_ALL=C sort | head -1 || true)
    if [ -z "$one_empty" ]; then
        say "# fixed: no bench-data/empty-plain (run scripts/generate-bench-data.sh): skipped"
    else
        echo "== fixed cost per file: $fixed_runs runs of each, round robin"
        spec=$out/fixed.spec   # LABEL<TAB>FILES<TAB>COMMAND
        : > "$spec"
        while IFS=$'\t' read -r label b extra; do
            for j in 1 "$jobs"; do
                for set in "$one_empty" bench-data/empty-plain bench-data/one-plain bench-data/empty-gz bench-data/one-gz; do
                    [ -e "$set" ] || continue
                    # Plain sets once per binary, not once per inflater.
                    if [ "$set" != "$one_empty" ]; then case "$set:$extra" in *plain*:*isal*) continue ;; esac; fi
                    k=$(find "$set" -type f | wc -l)
                    what=$set; [ "$set" != "$one_empty" ] || what="one empty file"
                    printf '%s\t%s\t%s\t%s\n' "$label --jobs $j" "$what" "$k" \
                        "$b summarize --quiet --jobs $j $extra --ranges $ranges --output $out/fixed-report $set" >> "$spec"
                done
            done
        done < "$variants"
        python3 - "$spec" "$fixed_runs" <<'EOF' | tee -a "$summary"
import os, resource, shlex, statistics, subprocess, sys, time
spec, runs = sys.argv[1], int(sys.argv[2])
rows = [line.rstrip("\n").split("\t") for line in open(spec)]
samples = {i: [] for i in range(len(rows))}
for _ in range(runs):
    for i, (label, what, files, command) in enumerate(rows):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(shlex.split(command), check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
        samples[i].append((user + system, user, system, wall))
med = {i: tuple(statistics.median(s[k] for s in samples[i]) for k in range(4)) for i in samples}
print("\n## fixed cost per file (CPU = user + sys of the process, medians of %d runs, round robin)" % runs)
print("| run | input | files | CPU ms | user ms | sys ms | wall ms | CPU µs per file beyond the one-empty-file run | wall µs per file |")
print("|---|---|---|---|---|---|---|---|---|")
empty = {}
saved = []
for i, (label, what, files, command) in enumerate(rows):
    if what == "one empty file":
        empty[label] = med[i]
for i, (label, what, files, command) in enumerate(rows):
    cpu, user, system, wall = med[i]
    n = int(files)
    per, per_wall = "", ""
    if what != "one empty file" and label in empty:
        per = f"{(cpu - empty[label][0]) / (n - 1) * 1e6:.1f}"
        per_wall = f"{(wall - empty[label][3]) / (n - 1) * 1e6:.1f}"
    print(f"| {label} | {what} | {n:,} | {cpu * 1e3:.1f} | {user * 1e3:.1f} | {system * 1e3:.1f} | {wall * 1e3:.1f} | {per} | {per_wall} |")
    if per:
        saved.append({"run": label, "input": what, "cpu_us_per_file": float(per)})
import json
json.dump(saved, open(os.path.join(os.path.dirname(spec), "fixed.json"), "w"))
EOF
    fi
fi

# --- peak RSS -------------------------------------------------------------------------------------------
if want rss; then
    echo "== peak RSS"
    {
        echo
        echo "## peak RSS (/usr/bin/time -v, median of 3 runs)"
        echo "| run | input | peak RSS MB | wall s |"
        echo "|---|---|---|---|"
    } | tee -a "$summary"
    while IFS=$'\t' read -r label b extra; do
        for input in bench-data/flows-10m.log.gz bench-data/flows-10m.log; do
            [ -e "$input" ] || continue
            [ "$input" != bench-data/flows-10m.log ] || [ -z "$extra" ] || [ "${extra#*isal}" = "$extra" ] || continue
            for r in 1 2 3; do
                /usr/bin/time -v "$b" summarize --quiet --jobs "$jobs" $extra --ranges "$ranges" \
                    --output "$out/rss-report" "$input" 2>&1 >/dev/null |
                    awk -F': ' '/Maximum resident/ {rss = $2} /Elapsed/ {w = $2} END {print rss, w}'
            done | python3 -c '
import statistics, sys
rows = [l.split() for l in sys.stdin if l.strip()]
def secs(t):
    s = 0.0
    for part in t.split(":"): s = s * 60 + float(part)
    return s
rss = statistics.median(int(r[0]) for r in rows) / 1024
wall = statistics.median(secs(r[1]) for r in rows)
print(f"| {sys.argv[1]} --jobs {sys.argv[3]} | {sys.argv[2]} | {rss:.0f} | {wall:.2f} |")
with open(sys.argv[4], "a") as f: f.write(f"{sys.argv[1]}\t{sys.argv[2]}\t{rss:.1f}\n")' "$label" "$input" "$jobs" "$out/rss.tsv" | tee -a "$summary"
        done
    done < "$variants"
fi
# --- issue 13, section 5 ----------------------------------------------------------------------------------
python3 - "$out" <<'EOF' | tee -a "$summary"
import json, os, sys
out = sys.argv[1]
def load(name):
    p = os.path.join(out, name + ".json")
    if not os.path.exists(p): return None, None
    rows = {r["command"]: r["median"] for r in json.load(open(p))["results"]}
    return rows, json.load(open(os.path.join(out, name + ".bytes.json")))
print("\n## issue 13, section 5 (throughput ratios: the other command's median time over this one's)")
for name, what in [("gz200", "200-file gzip set"), ("large", "one large gzip -6 file"),
                   ("small-gz", "20,000 small gzip files"), ("small-plain", "20,000 small plain files")]:
    rows, b = load(name)
    if rows is None: continue
    for c, t in rows.items():
        if not (c.startswith("vpcflow") or c.startswith("baseline")): continue
        parts = [f"{b['text'] / t / 1e6:,.0f} MB/s of text"]
        for peer in ("igzip -dc", "zcat", "cat"):
            if peer in rows: parts.append(f"{rows[peer] / t:.2f}x {peer}")
        base = [k for k in rows if k.startswith("baseline")]
        if c.startswith("vpcflow") and base:
            same = c.replace("vpcflow", "baseline", 1)
            k = same if same in rows else (base[0] if len(base) == 1 else None)
            if k: parts.append(f"{rows[k] / t:.2f}x {k.split(' --jobs')[0]}")
        print(f"- {what}, {c}: " + ", ".join(parts))
p = os.path.join(out, "fixed.json")
if os.path.exists(p):
    for r in json.load(open(p)):
        print(f"- fixed cost per file, {r['run']}, {r['input']}: {r['cpu_us_per_file']:.1f} µs of CPU")
p = os.path.join(out, "rss.tsv")
if os.path.exists(p):
    for line in open(p):
        label, inp, rss = line.rstrip("\n").split("\t")
        print(f"- peak RSS, {label}, {inp}: {float(rss):.0f} MB")
EOF
say ""
say "# load after: $(cut -d' ' -f1-3 /proc/loadavg); summary in $summary, hyperfine's JSON beside it"
