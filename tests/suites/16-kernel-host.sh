#!/bin/sh
# The kernel's portable parts on Linux under ASan + UBSan: ksnprintf (against
# the C library's snprintf), the log ring, PS/2 decoding, the console's line
# editor (tests/kernel/console_input_test.c: exact echo, and the corpus
# tests/corpus/console-input of hostile keystrokes and scancodes), the framebuffer
# console and font (over a heap buffer standing in for the framebuffer), the ACPI table
# parsers (RSDP/FADT/DSDT, MCFG/MADT and DMAR: synthetic tables; the boot command line; every error
# case, the committed fuzz corpora with their expected results; suite 80
# smoke-runs their fuzzers), capabilities
# (tests/kernel/capability_test.c: directed cases and randomized sequences
# against a model), the system-call dispatcher with the generated table
# (tests/kernel/dispatch_test.c), and
# the arch boundary (tests/kernel/arch_boundary.sh): first on a planted tree,
# where it must name every violation, then on the real kernel/; and the
# system-call generator (tests/syscall/generate_check.sh): committed files
# identical to a fresh generation, bad descriptions refused.
set -u
. tests/lib.sh
suite_require clang python3 llvm-objdump
status=0
if ! make -s -j2 build/tests/kernel/format_test build/tests/kernel/acpi_test \
        build/tests/kernel/acpi_platform_test build/tests/kernel/cmdline_test \
        build/tests/kernel/framebuffer_test build/tests/kernel/capability_test \
        build/tests/kernel/dispatch_test build/tests/kernel/dmar_test \
        build/tests/kernel/console_input_test; then
    echo "FAIL kernel host tests: build failed"
    exit 1
fi
build/tests/kernel/format_test || status=1
build/tests/kernel/console_input_test || status=1
build/tests/kernel/console_input_test --check tests/corpus/console-input || status=1
build/tests/kernel/framebuffer_test || status=1
build/tests/kernel/acpi_test || status=1
build/tests/kernel/acpi_test --check-corpus tests/corpus/acpi || status=1
build/tests/kernel/dmar_test || status=1
build/tests/kernel/dmar_test --check-corpus tests/corpus/acpi-dmar || status=1
build/tests/kernel/acpi_platform_test || status=1
build/tests/kernel/acpi_platform_test --check-corpus tests/corpus/acpi-platform || status=1
build/tests/kernel/cmdline_test || status=1
build/tests/kernel/cmdline_test --check-corpus tests/corpus/cmdline || status=1
build/tests/kernel/capability_test 2>build/tests/kernel/capability_test.log || {
    echo "FAIL capability host test: exit status $? (see build/tests/kernel/capability_test.log)"
    status=1
}
build/tests/kernel/dispatch_test 2>build/tests/kernel/dispatch_test.log || {
    echo "FAIL dispatcher host test: exit status $? (see build/tests/kernel/dispatch_test.log)"
    status=1
}

sh tests/syscall/generate_check.sh || status=1

# The fuzz targets fuzz-acpi, fuzz-acpi-platform, fuzz-cmdline and fuzz-console-input are smoke-run by suite 80 with every other one.

# The boundary check must catch what it claims to: a planted tree with one
# violation of each kind (and two allowed constructs) gives exactly these.
planted=build/tests/kernel/arch-boundary-planted
rm -rf "$planted" && mkdir -p "$planted/kernel/mm" "$planted/kernel/arch/x86_64"
printf '%s\n' '#include "kernel/arch/x86_64/cpu.h"' \
    'static void a(void) { __asm__ volatile("cli"); }' \
    'static void b(void) { __asm__ volatile(""); }' \
    'static void c(void) { write_cr3(0); }' \
    '/* read_cr3 named in a comment */' \
    'static void d(void) { asm volatile(' '    "hlt"); }' \
    'static int e(void) { return PTE_NX != 0; }' >"$planted/kernel/mm/bad.c"
echo 'nop' >"$planted/kernel/mm/bad.S"
echo '#include "kernel/arch/x86_64/cpu.h"' >"$planted/kernel/arch/interface.h"
printf '%s\n' '#include "kernel/arch/x86_64/cpu.h"' '__asm__("hlt");' >"$planted/kernel/arch/x86_64/ok.c"
expected='kernel/mm/bad.S:1: assembly outside kernel/arch/x86_64/
kernel/mm/bad.c:1: includes kernel/arch/x86_64/ (include the kernel/arch/*.h interface instead)
kernel/mm/bad.c:2: inline assembly outside kernel/arch/x86_64/
kernel/mm/bad.c:6: inline assembly outside kernel/arch/x86_64/
kernel/mm/bad.c:4: x86 identifier write_cr3 outside kernel/arch/x86_64/
kernel/mm/bad.c:8: x86 identifier PTE_NX outside kernel/arch/x86_64/
arch boundary: 3 files checked, 6 violations'
if got=$(sh tests/kernel/arch_boundary.sh "$planted"); then
    echo "FAIL arch boundary check on a planted tree: passed (it must fail)"
    status=1
elif [ "$got" != "$expected" ]; then
    echo "FAIL arch boundary check on a planted tree: reported"
    echo "$got" | sed 's/^/    /'
    status=1
else
    echo "PASS arch boundary check names each planted violation (6 of 4 kinds)"
fi
if got=$(sh tests/kernel/arch_boundary.sh .); then
    echo "PASS arch boundary: ${got#arch boundary: }"
else
    echo "FAIL arch boundary: generic kernel code reaches past kernel/arch/*.h:"
    echo "$got" | sed 's/^/    /'
    status=1
fi
exit $status
