#!/usr/bin/env bash
# vpcflow and its peers side by side, in one run, on the same file (issue 4, section 3).
#
#   scripts/bench-peers.sh [options] [FILE]        FILE default: bench-data/flows-10m.log
#
# Every tool computes services.csv with all-attribution (side, region, service: flows, packets, bytes
# over every matching ip-ranges.json entry). Each peer's CSV is checked byte for byte against vpcflow's
# before anything is timed; then each tool runs N times (median, warm page cache).
#   vpcflow summarize --attribution all, --jobs 1 and --jobs JOBS (also on the gzip set)
#   DuckDB, ClickHouse in-process (chdb), polars, pytricia in a Python loop  (scripts/peers/*.py)
#   c-baseline: issue 4's "straightforward C program" (Benchmarks/baseline-c/flowsum.c), --jobs JOBS;
#     its ranges are converted from JSON to text beforehand, timed separately (see its row's note)
#   the original notebook's method on the first --notebook-sample records, extrapolated (clearly labelled)
#   the floor: cat FILE > /dev/null, wc -l FILE, zcat of the gzip set
#
# Options:
#   --jobs J             threads/processes for vpcflow and every peer that can use them (default: nproc)
#   --runs N             timed runs per tool (default 3)
#   --csv PATH           also write the table as CSV to PATH
#   --ranges FILE        ip-ranges.json (default ../shared/datasets/ip-ranges.json)
#   --gz DIR             gzip set for the zcat floor and vpcflow's gzip rows (default bench-data/gz; 'none')
#   --peers LIST         comma-separated subset of c-baseline,duckdb,chdb,polars,pytricia,notebook
#                        (default all of them)
#   --notebook-sample S  records for the notebook's method (default 200)
#   --notebook-variants  literal,prebuilt (default both; see scripts/peers/notebook_peer.py)
#   --verify-only        check every CSV against vpcflow's, time nothing
#   --no-floor           skip cat / wc / zcat and the gzip rows
#   --vpcflow BIN        use this vpcflow binary instead of building one (.build-peers/release/vpcflow)
#   --no-install         do not run pip (use Benchmarks/.venv as it is)
#   --grouped            time each tool's runs back to back (with hyperfine when installed)
#                        instead of round robin
#   --no-hyperfine       with --grouped: time with our own loop even when hyperfine is installed
# Environment: JOBS, RUNS, RANGES as the options; CC, the C compiler for c-baseline (default cc);
# PEERS_VENV (default Benchmarks/.venv) and PEERS_CONSTRAINTS (default scripts/peers/constraints.txt)
# to try another environment.
#
# Set-up, done here: a virtual environment in Benchmarks/.venv (git-ignored) from PyPI with the pinned
# versions of scripts/peers/constraints.txt (a package that does not install is reported and its peer
# skipped); vpcflow built with `swift build -c release --product vpcflow --scratch-path .build-peers`;
# the C baseline compiled with `${CC:-cc} -std=c11 -O2 -pthread -Wall -Wextra` into .build-baseline-c/
# (git-ignored; if it does not compile, that peer is skipped). Its version column is the compiler's.
# Timing is round robin by default: run 1 of every tool, then run 2 of every tool, and so on, each
# timed by our own loop; on a shared machine whose speed drifts over minutes every tool then sees the
# same mix of fast and slow phases, so the ratios compare like with like. With --grouped, each tool's
# runs are back to back, timed by hyperfine when installed (apt-get install hyperfine).
# Peak memory is /usr/bin/time's %M (maximum resident set) around every run: for a tool that runs
# several processes (pytricia with JOBS > 1) that is its largest process, not the sum.
# Each time is the whole process: for a peer that includes Python start-up, imports and reading
# ip-ranges.json (0.3-0.6 s), as vpcflow's includes loading and indexing the ranges.
# The machine should be otherwise idle: the table prints the load average before and after, and a
# 'cpu' column ((user+sys)/wall) that falls below the cores used when others took the processors.
set -euo pipefail
cd "$(dirname "$0")/.."

file=bench-data/flows-10m.log
jobs=${JOBS:-$(nproc)}
runs=${RUNS:-3}
csv_out=""
ranges=${RANGES:-../shared/datasets/ip-ranges.json}
gz=bench-data/gz
peers=c-baseline,duckdb,chdb,polars,pytricia,notebook
nb_sample=200
nb_variants=literal,prebuilt
verify_only=""
no_floor=""
grouped=""
vpcflow=""
install=1
use_hyperfine=1
while [ $# -gt 0 ]; do
    case "$1" in
        --jobs) jobs=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --csv) csv_out=$2; shift 2 ;;
        --ranges) ranges=$2; shift 2 ;;
        --gz) gz=$2; shift 2 ;;
        --peers) peers=$2; shift 2 ;;
        --notebook-sample) nb_sample=$2; shift 2 ;;
        --notebook-variants) nb_variants=$2; shift 2 ;;
        --verify-only) verify_only=--verify-only; shift ;;
        --no-floor) no_floor=--no-floor; shift ;;
        --vpcflow) vpcflow=$2; shift 2 ;;
        --no-install) install=""; shift ;;
        --no-hyperfine) use_hyperfine=""; shift ;;
        --grouped) grouped=--grouped; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option $1 (see --help)" >&2; exit 64 ;;
        *) file=$1; shift ;;
    esac
done
[ "$gz" = none ] && gz=""
[ -f "$file" ] || { echo "no flow-log file $file (run scripts/generate-bench-data.sh)" >&2; exit 66; }
[ -f "$ranges" ] || { echo "no ranges file $ranges (set --ranges or RANGES=...)" >&2; exit 66; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed for peak memory (apt-get install time)" >&2; exit 69; }

# --- the virtual environment ------------------------------------------------------------------------
venv=${PEERS_VENV:-Benchmarks/.venv}
py=$venv/bin/python
constraints=${PEERS_CONSTRAINTS:-scripts/peers/constraints.txt}
if [ ! -x "$py" ]; then
    echo "# creating $venv"
    python3 -m venv "$venv"
fi
declare -A package=([duckdb]=duckdb [chdb]=chdb [polars]=polars [pytricia]=pytricia [notebook]=pandas)
declare -A module=([duckdb]=duckdb [chdb]=chdb [polars]=polars [pytricia]=pytricia [notebook]=pandas)
missing=""
c_baseline=""
for peer in ${peers//,/ }; do
    if [ "$peer" = c-baseline ]; then
        # The C baseline: compiled here on every run (under a second), nothing to install.
        cc=${CC:-cc}
        mkdir -p .build-baseline-c
        if "$cc" -std=c11 -O2 -pthread -Wall -Wextra -o .build-baseline-c/flowsum \
                Benchmarks/baseline-c/flowsum.c >.build-baseline-c/cc.log 2>&1; then
            c_baseline=.build-baseline-c/flowsum
            echo "# c-baseline compiled: $cc -std=c11 -O2 -pthread -Wall -Wextra ($("$cc" --version 2>&1 | head -1))"
            [ ! -s .build-baseline-c/cc.log ] || echo "# c-baseline: the compiler warned (see .build-baseline-c/cc.log)"
        else
            echo "# c-baseline did not compile with $cc: peer skipped (see .build-baseline-c/cc.log)"
            missing="$missing,$peer"
        fi
        continue
    fi
    pkg=${package[$peer]:-}
    [ -n "$pkg" ] || { echo "unknown peer $peer" >&2; exit 64; }
    pin=$(grep -i "^$pkg==" "$constraints" || true)
    if [ -n "$install" ] && ! "$py" -m pip install --disable-pip-version-check -q -c "$constraints" "$pin" \
            >"$venv/pip-$pkg.log" 2>&1; then
        echo "# $pin did not install on $("$py" -V 2>&1): peer $peer skipped (see $venv/pip-$pkg.log)"
        missing="$missing,$peer"
        continue
    fi
    if ! "$py" -c "import ${module[$peer]}" 2>/dev/null; then
        echo "# ${module[$peer]} cannot be imported: peer $peer skipped"
        missing="$missing,$peer"
    fi
done

# --- vpcflow ----------------------------------------------------------------------------------------
if [ -z "$vpcflow" ]; then
    echo "# building vpcflow (release, scratch path .build-peers) from the work tree at $(git rev-parse --short HEAD)$(
        [ -z "$(git status --porcelain --untracked-files=no)" ] || echo ' + uncommitted changes')"
    swift build -c release --product vpcflow --scratch-path .build-peers >/dev/null
    vpcflow=.build-peers/release/vpcflow
else
    echo "# vpcflow binary given: $vpcflow (built $(date -r "$vpcflow" '+%Y-%m-%d %H:%M'), not rebuilt here)"
fi

hyperfine=""
if [ -n "$use_hyperfine" ]; then
    hyperfine=$(command -v hyperfine || true)
    [ -n "$hyperfine" ] || echo "# hyperfine not installed: timing with our own loop (apt-get install hyperfine to use it)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "# uptime before: $(uptime)"
status=0
"$py" scripts/peers/run_bench.py "$file" --ranges "$ranges" --vpcflow "$vpcflow" --python "$py" \
    --jobs "$jobs" --runs "$runs" --gz "$gz" --csv "$csv_out" --work "$work" --peers "$peers" \
    --missing "${missing#,}" --notebook-sample "$nb_sample" --c-baseline "$c_baseline" \
    --notebook-variants "$nb_variants" --hyperfine "$hyperfine" \
    $verify_only $no_floor $grouped || status=$?
echo "# uptime after: $(uptime)"
exit $status
