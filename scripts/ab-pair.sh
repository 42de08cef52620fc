#!/usr/bin/env bash
# Which of two vpcflow binaries does less CPU work, on a shared machine whose speed drifts.
#
#   scripts/ab-pair.sh [--runs N] [--ranges FILE] A B FILE
#
# Runs `summarize --jobs 1` of A and of B at the same time, A on CPU 0 and B on CPU 1, then the
# other way round, N times (default 10). For each such pair of runs, the geometric mean of the two
# task-clock ratios B/A cancels both the moment (both binaries run in the same host conditions) and
# the core (on the 2-core VM of BENCHMARKS.md the two vCPUs differed by up to 30% at the same
# moment). Prints the median, min and max of the per-pair ratios: below 1, B does less work.
#
# Why not alternate A and B one after the other: there, the drift between two runs of the same
# binary (up to +-25% a minute apart) hides a 5% difference even after 5-8 runs each; see
# BENCHMARKS.md, "Measuring on this machine". Needs perf (linux-perf) and taskset (util-linux).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=10
ranges=${RANGES:-../shared/datasets/ip-ranges.json}
while [[ $# -gt 0 ]]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --ranges) ranges=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
if [[ $# -ne 3 ]]; then
    echo "usage: scripts/ab-pair.sh [--runs N] [--ranges FILE] A B FILE" >&2
    exit 64
fi
a=$1 b=$2 file=$3
for tool in perf taskset; do
    command -v $tool > /dev/null || { echo "ab-pair: $tool is not installed" >&2; exit 69; }
done
[[ -r $ranges ]] || { echo "ab-pair: cannot read the ranges file $ranges" >&2; exit 66; }
[[ -r $file ]] || { echo "ab-pair: cannot read $file" >&2; exit 66; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# task-clock in milliseconds of one run of binary $1 on CPU $2 (output folder $3).
run() {
    taskset -c "$2" perf stat -x, -e task-clock -o "$3.stat" \
        "$1" summarize --jobs 1 --quiet --ranges "$ranges" --output "$3" "$file"
}
clock() { grep task-clock "$1.stat" | cut -d, -f1; }

for ((i = 0; i < runs; i++)); do
    line=""
    for cpu_a in 0 1; do
        run "$a" $cpu_a "$scratch/a" &
        run "$b" $((1 - cpu_a)) "$scratch/b" &
        wait
        line="$line $(clock "$scratch/a") $(clock "$scratch/b")"
    done
    echo "$line" >> "$scratch/pairs"
done

echo "pairs (A ms, B ms on CPUs 0/1, then 1/0):"
cat "$scratch/pairs"
awk '{print sqrt(($2 / $1) * ($4 / $3)), ($1 + $3) / 2, ($2 + $4) / 2}' "$scratch/pairs" | sort -n |
    awk -v a="$a" -v b="$b" '{r[NR] = $1; sa += $2; sb += $3}
        END {printf "B/A task-clock: median %.3f  min %.3f  max %.3f  (%d pairs; mean A %.0f ms, B %.0f ms)\n  A = %s\n  B = %s\n",
                    r[int((NR + 1) / 2)], r[1], r[NR], NR, sa / NR, sb / NR, a, b}'
