#!/bin/sh
# Static analysis of the product code (not the tests): clang's static analyzer
# on every C file with the flags of the environment it is built for, and
# cppcheck over the same files. Any finding fails.
#
# Usage: tests/static-analysis.sh [AREA...]   (areas: lib boot kernel tools sdk user)
# Prints PASS/FAIL lines per area and tool (the tests/run.sh protocol).
# A missing tool, an analyzer that exits with an error, or an area with no
# files is a FAIL: a check that did not run never passes.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh
suite_require clang cppcheck
out=${STATIC_ANALYSIS_OUT:-build/static-analysis}
mkdir -p "$out"

# The flags each area is compiled with (kept in step with the Makefile).
make_flags() { make -s --no-print-directory print-$1; }

areas=${*:-lib boot kernel tools sdk user}
status=0
for area in $areas; do
    [ -d "$area" ] || continue
    files=$(find "$area" -name '*.c' | sort)
    if [ -z "$files" ]; then
        echo "FAIL static-analysis $area: no C files found"
        status=1
        continue
    fi
    case "$area" in
        kernel) flags=$(make_flags KERNEL_CFLAGS) ;;
        boot) flags=$(make_flags EFI_CFLAGS) ;;
        user) flags=$(make_flags USER_ANALYSIS_CFLAGS) ;;
        *) flags=$(make_flags HOST_CFLAGS) ;;
    esac
    log="$out/clang-$area.log"
    : >"$log"
    failed_runs=0
    for file in $files; do
        # shellcheck disable=SC2086
        if ! clang --analyze $flags -Xanalyzer -analyzer-output=text \
            -o /dev/null "$file" >>"$log" 2>&1; then
            failed_runs=$((failed_runs + 1))
            echo "clang --analyze exited with an error on $file" >>"$log"
        fi
    done
    findings=$(grep -c 'warning:\|error:' "$log")
    if [ "$failed_runs" -ne 0 ]; then
        echo "FAIL clang-analyzer $area: clang exited with an error on $failed_runs files (see $log)"
        tail -n 5 "$log"
        status=1
    elif [ "$findings" -eq 0 ]; then
        echo "PASS clang-analyzer $area ($(echo "$files" | wc -l) files)"
    else
        echo "FAIL clang-analyzer $area: $findings findings (see $log)"
        grep 'warning:\|error:' "$log" | head -n 20
        status=1
    fi
    log="$out/cppcheck-$area.log"
    includes="-I . -I lib"
    [ "$area" = user ] && includes="$includes -I user/lib -I sdk/include"
    # shellcheck disable=SC2086
    cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
        --inline-suppr --std=c11 $includes -D__x86_64__ -DNONOS_FREESTANDING \
        --suppress=missingIncludeSystem $files >"$log" 2>&1
    cppcheck_status=$?
    if [ "$cppcheck_status" -eq 0 ]; then
        echo "PASS cppcheck $area ($(echo "$files" | wc -l) files)"
    else
        echo "FAIL cppcheck $area: exit status $cppcheck_status (see $log)"
        head -n 20 "$log"
        status=1
    fi
done
exit $status
