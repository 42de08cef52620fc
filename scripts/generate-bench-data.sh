#!/usr/bin/env bash
# Generates the standard benchmark set into bench-data/ (git-ignored):
#   bench-data/flows-10m.log   10 million default-format (v2) records with header, about 1.2 GB
#   bench-data/gz/AWSLogs/...  200 gzip files of 50,000 records each in the S3 layout (10 million records)
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
    rm -rf bench-data/flows-10m.log bench-data/gz
fi
if [ ! -f bench-data/flows-10m.log ]; then
    $bench generate --ranges "$ranges" --records 10000000 --seed 1 --output bench-data/flows-10m.log
fi
if [ ! -d bench-data/gz ]; then
    $bench generate --ranges "$ranges" --records 10000000 --files 200 --gzip --seed 2 --output bench-data/gz
fi
echo "$model" > bench-data/MODEL
ls -la bench-data
du -sh bench-data/gz
