#!/bin/sh
# Static analysis of the product code (not the tests): clang's static analyzer
# on every C file with the flags of the environment it is built for, and
# cppcheck over the same files. Any finding fails.
#
# Usage: tests/static-analysis.sh [AREA...]   (areas: lib boot kernel tools sdk user)
# Prints PASS/FAIL lines per area and tool (the tests/run.sh protocol).
set -u
cd "$(dirname "$0")/.." || exit 2
out=build/static-analysis
mkdir -p "$out"

# The flags each area is compiled with (kept in step with the Makefile).
make_flags() { make -s --no-print-directory print-$1; }

areas=${*:-lib boot kernel tools sdk user}
status=0
for area in $areas; do
    files=$(find "$area" -name '*.c' 2>/dev/null | sort)
    [ -n "$files" ] || continue
    case "$area" in
        kernel) flags=$(make_flags KERNEL_CFLAGS) ;;
        boot) flags=$(make_flags EFI_CFLAGS) ;;
        *) flags=$(make_flags HOST_CFLAGS) ;;
    esac
    log="$out/clang-$area.log"
    : >"$log"
    for file in $files; do
        # shellcheck disable=SC2086
        clang --analyze $flags -Xanalyzer -analyzer-output=text \
            -o /dev/null "$file" >>"$log" 2>&1
    done
    findings=$(grep -c 'warning:\|error:' "$log")
    if [ "$findings" -eq 0 ]; then
        echo "PASS clang-analyzer $area ($(echo "$files" | wc -l) files)"
    else
        echo "FAIL clang-analyzer $area: $findings findings (see $log)"
        grep 'warning:\|error:' "$log" | head -n 20
        status=1
    fi
    log="$out/cppcheck-$area.log"
    # shellcheck disable=SC2086
    cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
        --inline-suppr --std=c11 -I . -I lib -D__x86_64__ -DNONOS_FREESTANDING \
        --suppress=missingIncludeSystem $files >"$log" 2>&1
    if [ $? -eq 0 ]; then
        echo "PASS cppcheck $area"
    else
        echo "FAIL cppcheck $area: see $log"
        head -n 20 "$log"
        status=1
    fi
done
exit $status
