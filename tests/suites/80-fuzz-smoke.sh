#!/bin/sh
# Every libFuzzer target, smoke-run. The list comes from the files: each
# tests/fuzz/fuzz_NAME.c must have a make target fuzz-NAME (underscores as
# dashes; Makefile FUZZ_TARGETS) that builds it and runs it from its seed
# corpus. Each runs FUZZ_SMOKE_SECONDS (default 5) here; `make fuzz` runs
# them all for FUZZ_SECONDS (default 60). A target that fails to build,
# crashes, or has no rule is a FAIL; so is finding no fuzz files at all.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
suite_require clang
seconds=${FUZZ_SMOKE_SECONDS:-5}
logs=build/test-logs/fuzz-smoke
mkdir -p "$logs"

fuzz_dir=${FUZZ_DIR:-tests/fuzz}
export FUZZ_DIR=$fuzz_dir
sources=$(ls "$fuzz_dir"/fuzz_*.c 2>/dev/null)
if [ -z "$sources" ]; then
    echo "FAIL fuzz targets: no $fuzz_dir/fuzz_*.c found"
    exit 1
fi
targets=$(make -s --no-print-directory print-FUZZ_TARGETS)
for source in $sources; do
    name=$(basename "$source" .c)
    target=$(echo "fuzz-${name#fuzz_}" | tr _ -)
    case " $targets " in
        *" $target "*) ;;
        *) echo "FAIL $target: $source is not in FUZZ_TARGETS"; continue ;;
    esac
    log=$logs/$target.log
    if make -s --no-print-directory "$target" FUZZ_SECONDS="$seconds" >"$log" 2>&1; then
        runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
        if [ -n "$runs" ] && [ "$runs" -gt 0 ]; then
            echo "PASS $target smoke run (${seconds}s, $runs inputs, no crash)"
        else
            echo "FAIL $target: finished without reporting any run (see $log)"
        fi
    elif grep -q "No rule to make target '$target'" "$log"; then
        echo "FAIL $target: no make rule for $source"
    else
        echo "FAIL $target: build failed or the fuzzer crashed (see $log)"
        grep -E '^==[0-9]+==ERROR|SUMMARY|error:' "$log" | head -n 5
    fi
done
