#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (address sanitizer + libFuzzer) and runs them.
#
#   scripts/fuzz.sh [--time SECONDS] [--runs N] [--build-only] [--no-build] [--work DIR] [TARGET...]
#
# Default: every target, 60 seconds each, one after another (with both limits, the first reached
# ends a target's run). Each run starts from a copy of the
# committed seed corpus (Fuzz/corpus/TARGET) in a scratch folder (default .build-fuzz/work,
# override with --work or FUZZ_WORK), so the committed corpus is never written. Crashes, leaks,
# sanitizer reports and disagreements are saved there as crash-*/leak-*/timeout-*/oom-* files and
# named in the summary. Exit status: 0 when every target ran clean, 1 on any finding, 2 on a
# usage or build error.
#
# SwiftPM cannot link a fuzzer's main with the package's executables, so the modules are built
# here with swiftc directly, into .build-fuzz/: every C target under Sources/ that has .c files
# (compiled with clang, address sanitizer and coverage), every module map under Sources/ (system
# libraries such as CZlib, and a generated one for a C target with an include/ folder and no map of
# its own), then FlowIO and FlowEngine (whole-module, -O, -enable-testing so that the targets can
# reach the engine's internal API with @testable import), then one executable per Fuzz/*.swift.
# Language mode and upcoming features are read from Package.swift, so they stay the same.
#
# Nice: the runs use `nice -n 19` and one process at a time (the machine is shared).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

time_limit=""
runs_limit=""
build=1
run=1
work="${FUZZ_WORK:-$root/.build-fuzz/work}"
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --time) time_limit="${2:?--time needs SECONDS}"; shift 2 ;;
        --runs) runs_limit="${2:?--runs needs N}"; shift 2 ;;
        --build-only) run=0; shift ;;
        --no-build) build=0; shift ;;
        --work) work="${2:?--work needs DIR}"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[ -n "$time_limit$runs_limit" ] || time_limit=60
for v in $time_limit $runs_limit; do
    case "$v" in *[!0-9]*) echo "fuzz.sh: --time/--runs needs a whole number, not '$v'" >&2; exit 2 ;; esac
done
limits="${time_limit:+${time_limit}s}${time_limit:+${runs_limit:+ or }}${runs_limit:+$runs_limit runs}"

all_targets=()
for f in Fuzz/*.swift; do
    name="$(basename "$f" .swift)"
    case "$name" in Fuzz*|_*) continue ;; esac   # shared helpers, not targets
    all_targets+=("$name")
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    [ -f "Fuzz/$t.swift" ] || { echo "fuzz.sh: no target '$t' (have: ${all_targets[*]})" >&2; exit 2; }
done

export VPCFLOW_FUZZ_ROOT="$root"   # the chunk target reads the test fixtures
# The Swift runtime's backtracer and address sanitizer both want the crash; leave it to libFuzzer
# (the runtime still prints its "Fatal error" message, which names the file and line).
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
out="$root/.build-fuzz"
bin="$out/bin"
mods="$out/modules"
objs="$out/obj"

swiftc="${SWIFTC:-$(command -v swiftc)}"
clang="${CLANG:-$(dirname "$swiftc")/clang}"
[ -x "$clang" ] || clang="$(command -v clang)"

# Same language mode and upcoming features as Package.swift.
swift_flags=(-swift-version 6 -parse-as-library -O -g -enable-testing -sanitize=fuzzer,address)
while read -r feature; do
    swift_flags+=(-enable-upcoming-feature "$feature")
done < <(grep -o 'enableUpcomingFeature("[A-Za-z]*")' Package.swift | sed 's/.*("\(.*\)")/\1/' | sort -u)

# lld when the toolchain has it (gold warns about every sanitizer symbol it cannot export).
linker=()
[ -x "$(dirname "$swiftc")/ld.lld" ] && linker=(-use-ld=lld)

# Every module map under Sources/, and every C target's objects.
module_flags=()
c_objects=()
link_flags=()

build_c_targets() {
    rm -rf "$objs/c" "$out/modulemaps"
    mkdir -p "$objs/c" "$out/modulemaps"
    for dir in Sources/*/; do
        dir="${dir%/}"
        name="$(basename "$dir")"
        map=""
        [ -f "$dir/module.modulemap" ] && map="$root/$dir/module.modulemap"
        [ -z "$map" ] && [ -f "$dir/include/module.modulemap" ] && map="$root/$dir/include/module.modulemap"
        shopt -s nullglob
        sources=("$dir"/*.c "$dir"/src/*.c)
        headers=("$dir"/include/*.h)
        shopt -u nullglob
        if [ -z "$map" ] && [ ${#headers[@]} -gt 0 ]; then
            # What SwiftPM generates for a C target with public headers and no map of its own.
            mkdir -p "$out/modulemaps/$name"
            map="$out/modulemaps/$name/module.modulemap"
            {
                echo "module $name {"
                for h in "${headers[@]}"; do echo "    header \"$root/$h\""; done
                echo "    export *"
                echo "}"
            } > "$map"
        fi
        [ -n "$map" ] && module_flags+=(-Xcc "-fmodule-map-file=$map")
        [ -d "$dir/include" ] && module_flags+=(-Xcc "-I$root/$dir/include")
        for c in "${sources[@]}"; do
            o="$objs/c/$name-$(basename "$c" .c).o"
            "$clang" -c -O1 -g -fsanitize=address,fuzzer-no-link -Wall -I"$dir/include" "$c" -o "$o"
            c_objects+=("$o")
        done
        # Libraries a system module map links (`link "z"`).
        if [ -f "$dir/module.modulemap" ]; then
            while read -r lib; do link_flags+=("-l$lib"); done < <(grep -o 'link "[^"]*"' "$dir/module.modulemap" | sed 's/link "\(.*\)"/\1/')
        fi
    done
}

# Builds one Swift module as an object file and a .swiftmodule; fails on any warning.
build_module() {
    local name="$1"; shift
    local log="$out/log/$name.log"
    "$swiftc" "${swift_flags[@]}" "${module_flags[@]}" -I "$mods" -module-name "$name" -wmo -c \
        -emit-module -emit-module-path "$mods/$name.swiftmodule" -o "$objs/$name.o" "$@" 2>&1 | tee "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz.sh: building $name failed" >&2; exit 2; }
    if grep -qE "\.(swift|c|h):[0-9]+:[0-9]+: warning: " "$log"; then echo "fuzz.sh: $name has compiler warnings (above)" >&2; exit 2; fi
}

if [ "$build" = 1 ]; then
    mkdir -p "$bin" "$mods" "$objs" "$out/log"
    echo "== building (swiftc: $("$swiftc" --version 2>&1 | head -1))"
    build_c_targets
    build_module FlowIO $(find Sources/FlowIO -name '*.swift' | sort)
    build_module FlowEngine $(find Sources/FlowEngine -name '*.swift' | sort)
    shared=(Fuzz/FuzzSupport.swift)
    for t in "${targets[@]}"; do
        extra=()
        # A target may name more sources (the tests' reference implementation) on a line
        # `// fuzz-sources: PATH...` (paths from the repository root).
        while read -r p; do extra+=("$p"); done < <(sed -n 's|^// fuzz-sources: ||p' "Fuzz/$t.swift" | tr ' ' '\n' | sed '/^$/d')
        # ... and enums to lift out of a test file (a reference kept inside a test suite), on a line
        # `// fuzz-extract: PATH NAME`: the lines from `    enum NAME {` to the next `    }`.
        while read -r path name; do
            [ -n "$path" ] || continue
            gen="$out/gen/$t-$name.swift"
            mkdir -p "$out/gen"
            { echo "// Generated by scripts/fuzz.sh from $path ($name); do not edit."
              grep -E '^(@testable )?import ' "$path" | grep -v '^import Testing'
              awk -v start="^    enum $name [{]" '$0 ~ start {on=1} on {print} on && /^    }$/ {exit}' "$path" | sed 's/^    //'
            } > "$gen"
            grep -q "^enum $name" "$gen" || { echo "fuzz.sh: no 'enum $name' in $path" >&2; exit 2; }
            extra+=("$gen")
        done < <(sed -n 's|^// fuzz-extract: ||p' "Fuzz/$t.swift")
        log="$out/log/$t.log"
        "$swiftc" "${swift_flags[@]}" "${module_flags[@]}" -I "$mods" -module-name "Fuzz_$t" \
            "Fuzz/$t.swift" "${shared[@]}" "${extra[@]}" "$objs/FlowEngine.o" "$objs/FlowIO.o" "${c_objects[@]}" \
            "${link_flags[@]}" "${linker[@]}" -o "$bin/$t" 2>&1 | tee "$log"
        [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz.sh: building target $t failed" >&2; exit 2; }
        if grep -qE "\.(swift|c|h):[0-9]+:[0-9]+: warning: " "$log"; then echo "fuzz.sh: target $t has compiler warnings (above)" >&2; exit 2; fi
        echo "   built $t"
    done
fi
[ "$run" = 1 ] || exit 0

# Per-target libFuzzer options (input size limits fit each format).
max_len() {
    case "$1" in
        address) echo 64 ;;
        line) echo 600 ;;
        chunk) echo 4096 ;;
        gzip) echo 16384 ;;
        *) echo 8192 ;;
    esac
}

mkdir -p "$work"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
failed=0
summary=()
for t in "${targets[@]}"; do
    dir="$work/$t-$stamp"
    mkdir -p "$dir/corpus" "$dir/crashes"
    [ -d "Fuzz/corpus/$t" ] && cp -R "Fuzz/corpus/$t/." "$dir/corpus/"
    seeds=$(find "$dir/corpus" -type f | wc -l)
    opts=(-max_len="$(max_len "$t")" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix="$dir/crashes/")
    [ -f "Fuzz/dict/$t.dict" ] && opts+=(-dict="$root/Fuzz/dict/$t.dict")
    [ -n "$time_limit" ] && opts+=(-max_total_time="$time_limit")
    [ -n "$runs_limit" ] && opts+=(-runs="$runs_limit")
    echo "== $t: $limits, $seeds seeds, log $dir/fuzz.log"
    set +e
    (cd "$dir" && ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}" nice -n 19 "$bin/$t" "${opts[@]}" corpus > fuzz.log 2>&1)
    rc=$?
    set -e
    log="$dir/fuzz.log"
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    secs=$(grep -o 'stat::number_of_executed_units\|Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' | tail -1 || true)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || true)
    ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || true)
    corp=$(echo "$last" | grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' | sed 's/corp: //' || true)
    shopt -s nullglob
    findings=("$dir"/crashes/*)
    shopt -u nullglob
    line="$t: ${execs:-?} executions${secs:+ in ${secs}s}, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
    if [ "$rc" -ne 0 ] || [ ${#findings[@]} -gt 0 ]; then
        failed=1
        line="$line: FAILED (exit $rc)"
        for f in "${findings[@]}"; do line="$line
    finding: $f ($(wc -c < "$f") bytes)"; done
        grep -E 'ERROR: |disagree|Fatal error|SUMMARY: ' "$log" | head -5 | sed 's/^/    /' || true
    else
        line="$line: clean"
    fi
    echo "$line"
    summary+=("$line")
done
echo "== summary ($limits per target; logs and corpora in $work)"
printf '%s\n' "${summary[@]}"
exit "$failed"
