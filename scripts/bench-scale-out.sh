#!/usr/bin/env bash
# Issue 12's figures, in one run (BENCHMARKS.md, "Scale-out"): partial sizes, merge of 1,000
# partials, --files-from with 10,000 names, and the Spark driver on local[2] against one
# `summarize --jobs 2` over the same 200 gzip files.
#
#   scripts/bench-scale-out.sh [--runs N]     (default 5; needs bench-data/ from generate-bench-data.sh,
#                                              hyperfine, and .venv-spark for the Spark figure)
#
# Scratch files go to bench-data/scale-out/ (git-ignored). Prints hyperfine's tables and a
# summary; the raw JSON is kept beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5
[ "${1:-}" != "--runs" ] || runs="$2"
ranges=${RANGES:-../shared/datasets/ip-ranges.json}
[ -f bench-data/flows-10m.log ] && [ -d bench-data/gz ] || { echo "run scripts/generate-bench-data.sh first" >&2; exit 66; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 69; }
swift build -c release --product vpcflow >/dev/null
bin=$PWD/.build/release/vpcflow
work=bench-data/scale-out
rm -rf "$work" && mkdir -p "$work"

echo "== partial sizes"
"$bin" summarize --quiet --ranges "$ranges" --partial "$work/p-10m" bench-data/flows-10m.log
one=$(find bench-data/gz -type f -name '*.gz' | LC_ALL=C sort | head -1)
"$bin" summarize --quiet --ranges "$ranges" --partial "$work/p-one-gz" "$one"
"$bin" summarize --quiet --ranges "$ranges" --partial "$work/p-gz-set" bench-data/gz
"$bin" summarize --quiet --ranges "$ranges" --output "$work/report-10m" bench-data/flows-10m.log
printf '10M set: %s bytes (its services.csv %s, paths.csv %s)\none gzip file (%s bytes): %s bytes\nthe 200-file gzip set: %s bytes\n' \
    "$(stat -c %s "$work/p-10m")" "$(stat -c %s "$work/report-10m/services.csv")" "$(stat -c %s "$work/report-10m/paths.csv")" \
    "$(stat -c %s "$one")" "$(stat -c %s "$work/p-one-gz")" "$(stat -c %s "$work/p-gz-set")"

echo "== 1,000 partials: each gzip file five times under five names, one partial each"
mkdir -p "$work/parts"
find "$PWD/bench-data/gz" -type f -name '*.gz' | LC_ALL=C sort > "$work/gz-files"
n=0
while IFS= read -r f; do
    for copy in 1 2 3 4 5; do
        printf '%s\t%s#%s\n' "$f" "$f" "$copy" | "$bin" summarize --quiet --ranges "$ranges" --jobs 1 --files-from - --partial "$work/parts/p-$n-$copy"
    done
    n=$((n + 1))
done < "$work/gz-files"
echo "partials: $(ls "$work/parts" | wc -l), $(du -sb "$work/parts" | cut -f1) bytes"
hyperfine --runs "$runs" --warmup 1 --export-json "$work/merge.json" \
    "$bin merge --quiet --output $work/merged $work/parts" \
    "$bin merge --quiet --partial $work/merged.partial $work/parts"

echo "== --files-from: 10,000 small files, as a folder and as a list"
"$PWD/.build/release/vpcflow-bench" generate --ranges "$ranges" --records 1000000 --files 10000 --seed 3 --output "$work/small" >/dev/null
find "$PWD/$work/small" -type f | LC_ALL=C sort > "$work/list-plain"
awk '{ print $0 "\ts3://my-bucket/" substr($0, index($0, "AWSLogs/")) }' "$work/list-plain" > "$work/list-named"
hyperfine --runs "$runs" --warmup 1 --export-json "$work/files-from.json" \
    "$bin summarize --quiet --ranges $ranges --output $work/o1 $work/small" \
    "$bin summarize --quiet --ranges $ranges --output $work/o2 --files-from $work/list-plain" \
    "$bin summarize --quiet --ranges $ranges --output $work/o3 --files-from $work/list-named" \
    "$bin summarize --quiet --ranges $ranges --output $work/o4 --files-from $work/list-named --shard 0/1"

if [ -x .venv-spark/bin/spark-submit ] && command -v java >/dev/null; then
    echo "== Spark local[2] against summarize --jobs 2, the 200 gzip files"
    export SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON=$PWD/.venv-spark/bin/python
    hyperfine --runs "$runs" --warmup 1 --export-json "$work/spark.json" \
        "$bin summarize --quiet --jobs 2 --ranges $ranges --output $work/one bench-data/gz" \
        ".venv-spark/bin/spark-submit --master local[2] scripts/spark/vpcflow_spark.py --vpcflow $bin --ranges $ranges --partitions 2 --quiet --output $work/spark2 bench-data/gz" \
        ".venv-spark/bin/spark-submit --master local[2] scripts/spark/vpcflow_spark.py --vpcflow $bin --ranges $ranges --partitions 8 --quiet --output $work/spark8 bench-data/gz" \
        ".venv-spark/bin/spark-submit --master local[2] scripts/spark/vpcflow_spark.py --vpcflow $bin --ranges $ranges --partitions 2 --quiet --output $work/spark0 $one"
    for f in services.csv paths.csv; do cmp "$work/one/$f" "$work/spark2/$f" && cmp "$work/one/$f" "$work/spark8/$f"; done
    echo "Spark reports identical to summarize's: yes"
fi
