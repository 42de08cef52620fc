#!/usr/bin/env bash
# Instructions per record of the scan, for one or more builds: a figure that is the same on every
# run, where times on a shared machine are not (BENCHMARKS.md, "Instruction counts").
#
#   scripts/count-instructions.sh [--ranges FILE] [--input FILE] [--records N] [--keep DIR] BIN...
#
# BIN is a vpcflow-count binary (swift build -c release --product vpcflow-count; copy it aside
# to compare builds). Each is run under valgrind's cachegrind on the first 1,000 and the first
# N (default 200,000) records of --input (default bench-data/flows-10m.log, from
# scripts/generate-bench-data.sh); the difference divided by N - 1,000 is what one record costs,
# without the fixed cost of loading the ranges. With --keep DIR, the cachegrind output of the
# large run is kept as DIR/cachegrind.<bin> for `cg_annotate --auto=yes` (per source line).
# Needs valgrind (Debian package).
set -euo pipefail
cd "$(dirname "$0")/.."

ranges=${RANGES:-../shared/datasets/ip-ranges.json}
input=bench-data/flows-10m.log
records=200000
keep=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --ranges) ranges=$2; shift 2 ;;
        --input) input=$2; shift 2 ;;
        --records) records=$2; shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
if [[ $# -eq 0 ]]; then
    echo "usage: scripts/count-instructions.sh [--ranges FILE] [--input FILE] [--records N] [--keep DIR] BIN..." >&2
    exit 64
fi
command -v valgrind > /dev/null || { echo "count-instructions: valgrind is not installed" >&2; exit 69; }
[[ -r $ranges ]] || { echo "count-instructions: cannot read the ranges file $ranges" >&2; exit 66; }
[[ -r $input ]] || { echo "count-instructions: cannot read $input (scripts/generate-bench-data.sh makes it)" >&2; exit 66; }
(( records > 1000 )) || { echo "count-instructions: --records must be more than 1000" >&2; exit 64; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The header line (if any) plus the records.
head -n 1001 "$input" > "$scratch/small.log"
head -n $((records + 1)) "$input" > "$scratch/large.log"
[[ -z $keep ]] || mkdir -p "$keep"

# Instructions of one run of $1 on $2 (cachegrind output to $3).
instructions() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$3" "$1" "$ranges" "$2" 2> "$scratch/err" \
        > "$scratch/out" || { cat "$scratch/err" "$scratch/out" >&2; return 1; }
    awk '/I +refs:/ {gsub(",", "", $NF); print $NF}' "$scratch/err"
}

for bin in "$@"; do
    name=$(basename "$bin")
    small=$(instructions "$bin" "$scratch/small.log" /dev/null)
    out=${keep:+$keep/cachegrind.$name}
    large=$(instructions "$bin" "$scratch/large.log" "${out:-/dev/null}")
    counted=$(cat "$scratch/out")
    echo "$name: $(( (large - small) / (records - 1000) )) instructions per record" \
        "(fixed cost $(( small / 1000000 )) M; $counted)"
done
