#!/bin/sh
# The kernel's portable parts on Linux under ASan + UBSan: ksnprintf (against
# the C library's snprintf), the log ring, PS/2 decoding, the framebuffer
# console and font (over a heap buffer standing in for the framebuffer), the ACPI table
# parser (synthetic tables, every error case, the committed fuzz corpus with
# its expected results) and a 10-second fuzz smoke run of the ACPI parser.
set -u
. tests/lib.sh
suite_require clang
status=0
if ! make -s -j2 build/tests/kernel/format_test build/tests/kernel/acpi_test \
        build/tests/kernel/framebuffer_test \
        build/fuzz/tests/fuzz/fuzz_acpi; then
    echo "FAIL kernel host tests: build failed"
    exit 1
fi
build/tests/kernel/format_test || status=1
build/tests/kernel/framebuffer_test || status=1
build/tests/kernel/acpi_test || status=1
build/tests/kernel/acpi_test --check-corpus tests/corpus/acpi || status=1

smoke=build/fuzz/corpus/acpi-smoke
rm -rf "$smoke" && mkdir -p "$smoke"
log=build/test-logs/fuzz-acpi-smoke.log
if build/fuzz/tests/fuzz/fuzz_acpi -max_total_time=10 -max_len=8192 "$smoke" tests/corpus/acpi \
        >"$log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tr -dc 0-9)
    echo "PASS fuzz-acpi smoke run (10 s from the corpus, $runs inputs, no crash)"
else
    echo "FAIL fuzz-acpi smoke run: crashed (see $log)"
    status=1
fi
exit $status
