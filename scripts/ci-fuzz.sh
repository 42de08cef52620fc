#!/usr/bin/env bash
# CI: the short fuzz pass (issue 11 §3). Builds every target in Fuzz/ with libFuzzer and address
# sanitizer (scripts/fuzz.sh), runs each from its committed seed corpus for FUZZ_CI_SECONDS
# (default 30) one after another, prints per target how many executions ran, and fails on any
# crash, sanitizer report or disagreement (the input is saved and named in the output).
# About 4-5 minutes on 2 cores, build included (measured: build 55 s, then 31 s per target).
# Called from .ci/run after the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_CI_SECONDS:-30}"
swiftc="$(command -v swiftc)"
runtime=$(ls "$(dirname "$swiftc")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null | head -1 || true)
if [ -z "$runtime" ]; then
    echo "ci-fuzz: this Swift toolchain has no libFuzzer runtime (libclang_rt.fuzzer-x86_64.a); cannot fuzz" >&2
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/vpcflow-ci-fuzz.XXXXXX")"
echo "ci-fuzz: building the fuzz targets"
scripts/fuzz.sh --build-only
echo "ci-fuzz: ${seconds}s per target, scratch folder $work"
set +e
scripts/fuzz.sh --no-build --time "$seconds" --work "$work" | tee "$work/summary.txt"
rc=${PIPESTATUS[0]}
set -e
echo
echo "ci-fuzz: executions per target:"
sed -n '/^== summary/,$p' "$work/summary.txt" | tail -n +2
if [ "$rc" -ne 0 ]; then
    echo "ci-fuzz: FAILED: a target found a crash or a disagreement (inputs under $work/*/crashes/;" \
        "reproduce with .build-fuzz/bin/TARGET FILE, see FUZZING.md)" >&2
    exit 1
fi
echo "ci-fuzz: every target ran clean"
rm -rf "$work"
