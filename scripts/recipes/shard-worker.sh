#!/usr/bin/env bash
# One worker of a sharded vpcflow run: an AWS Batch array child, a Kubernetes Indexed Job pod, or
# one GNU parallel job (RECIPES.md).
#
#   shard-worker.sh MANIFEST PARTIAL
#
# MANIFEST: one input per line, a local file or an s3:// URI (the URI is the input's logical name).
# PARTIAL: where the partial goes, a local path or an s3:// URI.
# Environment:
#   SHARD_COUNT   N, the number of workers (required)
#   SHARD_INDEX   I (0 <= I < N); else AWS_BATCH_JOB_ARRAY_INDEX (Batch), else JOB_COMPLETION_INDEX (K8s)
#   VPCFLOW       the binary (default: vpcflow on PATH)
#   RANGES        the ip-ranges.json to count with (default: vpcflow's own: $VPCFLOW_RANGES, the cache)
#   FETCH         command that copies URI to FILE, run as `$FETCH URI FILE` (default: aws s3 cp --quiet)
#   STORE         command that copies FILE to URI, run as `$STORE FILE URI` (default: aws s3 cp --quiet)
#
# The worker computes its own shard with vpcflow's documented rule (ShardPlan.swift: order the
# names by the first 8 bytes of their SHA-256, then by name; position mod N) so that it copies only
# its own objects, then gives vpcflow the whole list with `--shard I/N`: its own inputs as
# LOCAL<TAB>NAME, the others under a path that does not exist, which vpcflow never opens because
# they are not in its shard (if the two rules ever disagreed, vpcflow would report those inputs as
# missing). The partial so carries the list's digest, and `vpcflow merge` refuses to write reports
# while a shard is missing. Exit status: vpcflow's (a partial is written for 0, 65, 66 and 74).
set -euo pipefail
manifest="${1:?usage: shard-worker.sh MANIFEST PARTIAL}"
partial="${2:?usage: shard-worker.sh MANIFEST PARTIAL}"
count="${SHARD_COUNT:?set SHARD_COUNT to the number of workers}"
index="${SHARD_INDEX:-${AWS_BATCH_JOB_ARRAY_INDEX:-${JOB_COMPLETION_INDEX:-}}}"
[ -n "$index" ] || { echo "shard-worker: set SHARD_INDEX (or run as a Batch array or Indexed Job child)" >&2; exit 64; }
vpcflow="${VPCFLOW:-vpcflow}"
read -r -a fetch <<< "${FETCH:-aws s3 cp --quiet}"
read -r -a store <<< "${STORE:-aws s3 cp --quiet}"

spool="$(mktemp -d "${TMPDIR:-/tmp}/vpcflow-shard.XXXXXX")"
trap 'rm -rf "$spool"' EXIT

# The names of this shard: "KEY<TAB>NAME" sorted in byte order is the rule's order (KEY has a fixed
# width), every N-th from position I.
while IFS= read -r name || [ -n "$name" ]; do
    name="${name%$'\r'}"
    [ -n "${name//[[:space:]]/}" ] || continue
    printf '%s\t%s\n' "$(printf '%s' "$name" | sha256sum | cut -c1-16)" "$name"
done < "$manifest" | LC_ALL=C sort -u | awk -F '\t' -v i="$index" -v n="$count" '(NR - 1) % n == i { print $2 }' \
    > "$spool/mine"

list="$spool/list"
: > "$list"
number=0
# Each manifest line once, marked 1 when it is in this shard.
awk -v mine="$spool/mine" 'BEGIN { while ((getline line < mine) > 0) own[line] = 1 }
    { sub(/\r$/, "") } /^[[:space:]]*$/ { next } !seen[$0]++ { print ($0 in own ? 1 : 0) "\t" $0 }' "$manifest" |
while IFS=$'\t' read -r own name; do
    if [ "$own" = 0 ]; then
        printf '%s\t%s\n' "$spool/not-this-shard" "$name" >> "$list"
    elif [[ "$name" == *://* ]]; then
        number=$((number + 1))
        local_copy="$spool/$number-${name##*/}"
        "${fetch[@]}" "$name" "$local_copy"
        printf '%s\t%s\n' "$local_copy" "$name" >> "$list"
    else
        printf '%s\t%s\n' "$name" "$name" >> "$list"
    fi
done

ranges=()
[ -z "${RANGES:-}" ] || ranges=(--ranges "$RANGES")
status=0
if [[ "$partial" == *://* ]]; then
    "$vpcflow" summarize --quiet "${ranges[@]}" --files-from "$list" --shard "$index/$count" --partial "$spool/partial" || status=$?
    [ ! -f "$spool/partial" ] || "${store[@]}" "$spool/partial" "$partial"
else
    "$vpcflow" summarize --quiet "${ranges[@]}" --files-from "$list" --shard "$index/$count" --partial "$partial" || status=$?
fi
exit "$status"
