#!/usr/bin/env bash
# Generates the standard benchmark set into bench-data/ (git-ignored):
#   bench-data/flows-10m.log   10 million default-format (v2) records with header, about 1.2 GB
#   bench-data/gz/AWSLogs/...  200 gzip files of 50,000 records each in the S3 layout (10 million records)
#   bench-data/flows-10m.log.gz    the 10 M file compressed once with `gzip -6 -n` (about 348 MB)
#   bench-data/small-gz/AWSLogs/...     20,000 gzip files of 100 records each in the S3 layout (2 M records,
#                                       about 238 MB of text, 85 MB stored): what S3 delivers (issue 13, section 4)
#   bench-data/small-plain/AWSLogs/...  the same 20,000 files uncompressed (the same text, file for file)
#   bench-data/empty-plain, empty-gz    2,000 empty files (0 bytes; one empty gzip member, 20 bytes)
#   bench-data/one-plain, one-gz        2,000 files of one record line each (no header), plain and gzip
# The last four are for the fixed cost per file (scripts/bench-gzip.sh). Everything but the first two
# sets is made at `nice` (NICE=n, default 10), so that it can run beside other work.
# Deterministic: the same seed gives the same bytes. Needs the real ranges snapshot
# (../shared/datasets/ip-ranges.json, or RANGES=path). bench-data/MODEL names the generator's model
# the set was made with; a set made with another (or none: before the per-interface model of
# 2026-11-29) is made again. BENCHMARKS.md says which figures were measured on which set.
set -euo pipefail
cd "$(dirname "$0")/.."
ranges=${RANGES:-../shared/datasets/ip-ranges.json}
[ -f "$ranges" ] || { echo "no ranges file at $ranges (set RANGES=...)" >&2; exit 66; }
swift build -c release --product vpcflow-bench >/dev/null
bench=.build/release/vpcflow-bench
model="per-interface (vpcflow-bench generate --enis 400)"
mkdir -p bench-data
if [ "$(cat bench-data/MODEL 2>/dev/null)" != "$model" ]; then
    echo "bench-data/ was made with another generator model: making it again" >&2
    rm -rf bench-data/flows-10m.log bench-data/flows-10m.log.gz bench-data/gz bench-data/small-gz \
        bench-data/small-plain bench-data/empty-plain bench-data/empty-gz bench-data/one-plain bench-data/one-gz
fi
if [ ! -f bench-data/flows-10m.log ]; then
    $bench generate --ranges "$ranges" --records 10000000 --seed 1 --output bench-data/flows-10m.log
fi
if [ ! -d bench-data/gz ]; then
    $bench generate --ranges "$ranges" --records 10000000 --files 200 --gzip --seed 2 --output bench-data/gz
fi
nice=(nice -n "${NICE:-10}")
if [ ! -f bench-data/flows-10m.log.gz ]; then
    # -n: no name or time stamp in the header, so the same text gives the same bytes.
    "${nice[@]}" gzip -6 -n -c bench-data/flows-10m.log > bench-data/flows-10m.log.gz.tmp
    mv bench-data/flows-10m.log.gz.tmp bench-data/flows-10m.log.gz
fi
# Each set is written to a .tmp folder and renamed, so that an interrupted run leaves no partial set.
make_set() {  # NAME, then generate's options
    local name=$1
    shift
    [ ! -d "bench-data/$name" ] || return 0
    rm -rf "bench-data/$name.tmp"
    "${nice[@]}" $bench generate --ranges "$ranges" "$@" --output "bench-data/$name.tmp"
    mv "bench-data/$name.tmp" "bench-data/$name"
}
make_set small-gz --records 2000000 --files 20000 --gzip --seed 4
make_set small-plain --records 2000000 --files 20000 --seed 4
make_set empty-plain --records 0 --files 2000 --format v2-noheader
make_set empty-gz --records 0 --files 2000 --format v2-noheader --gzip
make_set one-plain --records 2000 --files 2000 --format v2-noheader --seed 5
make_set one-gz --records 2000 --files 2000 --format v2-noheader --gzip --seed 5
echo "$model" > bench-data/MODEL
ls -la bench-data
du -sh bench-data/gz bench-data/small-gz bench-data/small-plain
