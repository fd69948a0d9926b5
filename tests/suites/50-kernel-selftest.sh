#!/bin/sh
# In-kernel tests. The product kernel carries none (kernel/kernel.mk): they
# run in the test kernel, booted from build/test/nonos-test.img with the
# harness of tests/qemu/boot.sh (OVMF, q35, TCG, headless, snapshot disk,
# isa-debug-exit).
#
# Host checks of the kernel files: no W+X segment in either kernel, the
# product under 512 KiB and free of test code and of the TOML compiler.
#
# The test image's bundle: the system capsules plus the hostile capsules and
# names-echo-* of tests/capsules/ (test-bundle.sh); init starts them all, so the
# prompt is the shell capsule's, which forwards `selftest` to the test
# kernel (kernel_report topics 7-10, docs/userland.md).
#
# Boot 1 (a CPU with SMEP, SMAP, RDRAND, XSAVE, AVX and AVX2, so those tests bite,
# lib/crypto's AVX2 Keccak among them;
# boot 2's qemu64 has no XSAVE: the FXSAVE fallback runs there. xsaveopt is
# listed because QEMU's TCG hangs on the CR4.OSXSAVE write of a CPU model
# with xsave but without xsaveopt):
#   `selftest list` gives the kernel's own list of tests (from the same
#   tables the run walks); `selftest exit` runs them. Every listed test must
#   report exactly once, the summary must match the lines, and the verdict is
#   taken only from isa-debug-exit (QEMU status 33 = all passed, 35 =
#   failures); anything else (a poweroff, a reset, a timeout) fails.
# Boot 1 has QEMU's intel-iommu (intremap=on); boot 2 has no IOMMU: the
#   kernel must say which (kernel_iommu_*), the iommu_* tests pass in both.
# Boot 2 (qemu64: no RDRAND, no RDSEED): the run must fail exactly the
#   hardware random source test and report the failure through isa-debug-exit
#   (status 35): a machine without a hardware source never passes it, and a
#   failing run is seen as failing.
# KERNEL_SELFTEST_CPU overrides boot 1's CPU model.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/qemu/lib.sh
. tests/lib.sh
suite_require clang ld.lld lld-link sgdisk mkfs.fat mcopy llvm-readelf llvm-nm
suite_require_qemu

dir=build/test/kernel-selftest
product=build/kernel/nonos-kernel.elf
test_kernel=build/kernel/nonos-kernel-test.elf
mkdir -p "$dir"

# Other suites may build at the same moment: retry once.
targets="build/test/nonos-test.img build/gen/nonos/BUNDLE.BIN $product $test_kernel"
# shellcheck disable=SC2086
make -s $targets || { sleep 5; make -s $targets; } ||
    { echo "FAIL kernel_selftest_build: make $targets failed"; exit 1; }

# --- the kernel files -------------------------------------------------------
for elf in "$product" "$test_kernel"; do
    segments=$(llvm-readelf -lW "$elf" |
        awk '$1 == "LOAD" { f = ""; for (i = 7; i < NF; i++) f = f $i; printf "%s ", f }')
    segments=${segments% }
    case "$segments" in
        *W*E* | "") echo "FAIL kernel_elf_segments_wx $(basename "$elf"): PT_LOAD flags: $segments" ;;
        *) echo "PASS kernel_elf_segments_wx $(basename "$elf") ($segments)" ;;
    esac
done
size=$(wc -c <"$product")
if [ "$size" -lt 524288 ]; then
    echo "PASS kernel_elf_size ($size bytes < 512 KiB)"
else
    echo "FAIL kernel_elf_size: $size bytes, target under 512 KiB"
fi
# Test code and the TOML compiler, by symbol: present in the test kernel
# (so the pattern is known to match), absent from the product.
test_symbols='selftest_|test_fail|_cases_table$'
toml_symbols='toml_|manifest_parse_toml|manifest_from_toml'
symbols_of() { llvm-nm "$1" | awk '{ print $NF }'; }
found=$(symbols_of "$test_kernel" | grep -cE "$test_symbols")
leaked=$(symbols_of "$product" | grep -E "$test_symbols|$toml_symbols" | tr '\n' ' ')
tables=$(llvm-nm "$product" | awk '$3 ~ /^__kernel_test_tables_(start|end)$/ { print $1 }' | sort -u | wc -l)
if [ "$found" -eq 0 ]; then
    echo "FAIL kernel_product_has_no_test_code: test symbols not found in the test kernel either (pattern stale?)"
elif [ -n "$leaked" ] || [ "$tables" -ne 1 ]; then
    echo "FAIL kernel_product_has_no_test_code: product kernel has ${leaked:-a non-empty test table}"
else
    echo "PASS kernel_product_has_no_test_code (test kernel: $found test symbols; product: none, no TOML compiler)"
fi

# The test capsules (tests/capsules/: hostile-* and the name-service pair
# names-echo-*) are in the test image's bundle and never in the product's:
# by name, in the bundle files the two images are built from (the product's
# staged bundle is what build/nonos.img carries; the loader checks its
# digest).
product_bundle=build/gen/nonos/BUNDLE.BIN
test_bundle=build/test/capsules/bundle.bin
# The number of test capsules named in bundle $1 (one number; grep -c prints
# 0 and exits 1 when none match); fails, printing nothing, when $1 cannot be read.
test_capsules_in() { grep -acE 'hostile-|names-echo-' "$1"; [ $? -le 1 ]; }
if [ ! -s "$product_bundle" ] || [ ! -s "$test_bundle" ]; then
    echo "FAIL kernel_product_bundle_has_no_test_capsules: $product_bundle or $test_bundle missing"
elif [ "$(grep -ac 'hostile-' "$test_bundle")" -eq 0 ] || [ "$(grep -ac 'names-echo-' "$test_bundle")" -eq 0 ]; then
    echo "FAIL kernel_product_bundle_has_no_test_capsules: no hostile- or no names-echo- capsule in the test bundle either (pattern stale?)"
elif ! product_test_capsules=$(test_capsules_in "$product_bundle"); then
    echo "FAIL kernel_product_bundle_has_no_test_capsules: cannot read $product_bundle"
elif [ "$product_test_capsules" -ne 0 ]; then
    echo "FAIL kernel_product_bundle_has_no_test_capsules: $product_bundle holds a test capsule"
else
    echo "PASS kernel_product_bundle_has_no_test_capsules (test bundle: $(grep -c '^  [0-9]* hostile-.*: verified' build/test/capsules/bundle.txt) hostile capsules and the names-echo pair verified; product bundle: none)"
fi

# --- boots ------------------------------------------------------------------
# selftest_boot NAME CPU LIST(yes/no) [QEMU ARGS...]: boots a private copy of the test
# image, runs `selftest list` (if asked) and `selftest exit`; sets LOG,
# LISTED (names, one a line), AUDIT (the shell's `audit`, when listing),
# RAN (the PASS/FAIL lines), SUMMARY and QEMU_STATUS. Returns 1 (after a FAIL line) when the boot itself broke.
selftest_boot() {
    name=$1 cpu=$2 list=$3
    shift 3
    LOG=$dir/$name.log
    SERIAL_INPUT=$dir/$name.in
    export SERIAL_INPUT
    cp build/test/nonos-test.img "$dir/$name.img" ||
        { echo "FAIL kernel_selftest_$name: cannot copy the image"; return 1; }
    qemu_start "$dir/$name.img" "$LOG" 180 -cpu "$cpu" "$@"
    if ! qemu_wait_for "$LOG" 'nonos> ' 90; then
        boot_failed "$name" "no nonos> prompt within 90 s"
        return 1
    fi
    # With an init capsule in the bundle, init starts every capsule of it
    # while the shell capsule already answers; the hostile test capsules
    # exit at once without the harness's token, the names-echo pair (last
    # in the bundle) once its call is answered. The
    # tests start once the last one has (their timing and their log lines
    # are then not mixed with init's start-up).
    if [ -n "$init_last" ] && ! qemu_wait_for "$LOG" "init: $init_last \(process [0-9]+\) exited" 90; then
        boot_failed "$name" "init did not start and see the end of $init_last within 90 s"
        return 1
    fi
    LISTED=
    if [ "$list" = yes ]; then
        if ! qemu_command "$LOG" 'selftest list' 30; then
            boot_failed "$name" "no answer to 'selftest list' within 30 s"
            return 1
        fi
        LISTED=$(echo "$QEMU_ANSWER" | sed -n 's/^test //p')
        declared=$(echo "$QEMU_ANSWER" | sed -n 's/^selftest: \([0-9]*\) tests$/\1/p')
        if [ -z "$declared" ] || [ "$declared" -ne "$(echo "$LISTED" | grep -c .)" ]; then
            boot_failed "$name" "'selftest list' declared '${declared:-nothing}' tests, listed $(echo "$LISTED" | grep -c .)"
            return 1
        fi
    fi
    AUDIT=
    if [ "$list" = yes ]; then # the shell capsule's audit (audit_read), before the tests add records
        if ! qemu_command "$LOG" 'audit' 30; then
            boot_failed "$name" "no answer to 'audit' within 30 s"
            return 1
        fi
        AUDIT=$QEMU_ANSWER
    fi
    qemu_type 'selftest exit'
    qemu_status
    rm -f "$dir/$name.img"
    RAN=$(tr -d '\r' <"$LOG" | grep -aE '^(PASS|FAIL) ')
    SUMMARY=$(tr -d '\r' <"$LOG" | grep -aE '^selftest: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
    if grep -aq PANIC "$LOG"; then
        boot_failed "$name" "kernel panic"
        return 1
    fi
    return 0
}

boot_failed() {
    echo "FAIL kernel_selftest_$1: $2"
    echo "--- serial log tail ($LOG) ---"
    tr -d '\r' <"$LOG" | tail -n 40 | sed 's/^/  | /'
    qemu_stop
    rm -f "$dir/$1.img"
}

# check_run NAME: the lines agree with the summary and with the list.
check_run() {
    passed=$(echo "$RAN" | grep -c '^PASS ')
    failed=$(echo "$RAN" | grep -c '^FAIL ')
    if [ "$SUMMARY" != "selftest: $passed passed, $failed failed" ]; then
        echo "FAIL kernel_selftest_$1_summary: '$SUMMARY' does not match $passed PASS / $failed FAIL lines"
        return
    fi
    ran_names=$(echo "$RAN" | sed 's/^\(PASS\|FAIL\) \([^:]*\).*/\2/' | sort)
    missing=$(echo "$LISTED" | sort | comm -23 - "$(printf '%s\n' "$ran_names" >"$dir/ran"; echo "$dir/ran")" | tr '\n' ' ')
    repeated=$(echo "$ran_names" | uniq -d | tr '\n' ' ')
    if [ -n "$missing$repeated" ] || [ "$(echo "$ran_names" | grep -c .)" -ne "$(echo "$LISTED" | grep -c .)" ]; then
        echo "FAIL kernel_selftest_$1_complete: not run: ${missing:-none}; twice: ${repeated:-none}"
    else
        echo "PASS kernel_selftest_$1_complete (all $(echo "$LISTED" | grep -c .) listed tests ran once)"
    fi
}

bundle_report=build/test/capsules/bundle.txt
init_last=
# The last capsule of the bundle that ends by itself (the hostile and
# names-echo test capsules do; virtio-client, after them, keeps running).
if grep -q '^  [0-9]* init ' "$bundle_report" 2>/dev/null; then
    init_last=$(sed -n 's/^  [0-9]* \(hostile-[^ ]*\|names-echo-[^ ]*\) .*: verified .*/\1/p' \
        "$bundle_report" | tail -n 1)
fi

# iommu_line NAME PATTERN: boot NAME's log says what the IOMMU code found.
iommu_line() {
    line=$(tr -d '\r' <"$LOG" | grep -a '^iommu: ' | head -n 1)
    if echo "$line" | grep -q "$2"; then
        echo "PASS kernel_iommu_$1 ($line)"
    else
        echo "FAIL kernel_iommu_$1: boot log says '${line:-nothing about the IOMMU}', want /$2/"
    fi
}

cpu=${KERNEL_SELFTEST_CPU:-qemu64,+smep,+smap,+rdrand,+xsave,+xsaveopt,+ssse3,+sse4.1,+sse4.2,+avx,+avx2}
# Boot 1 has Intel VT-d with interrupt remapping (boot.sh's default: QEMU's
# intel-iommu before every other device), so the iommu_* tests check the
# hardware's tables; boot 2 has none (QEMU_IOMMU=off), and the same tests
# check that every IOMMU call refuses.
# Boot 1 gets a second virtio-rng: the bundle's virtio-rng driver claims the
# first; the in-kernel device tests and hostile-dma-rng
# (kernel/test/test_hostile_dma.c) use the one left unclaimed (boot 2 has
# no IOMMU: the driver is refused and the first stays free).
if selftest_boot main "$cpu" yes -device virtio-rng-pci,disable-legacy=on,iommu_platform=on; then
    iommu_line found_at_boot 'VT-d unit at 0x[0-9a-f]*, .* interrupt remapping on$'

    seeded=$(tr -d '\r' <"$LOG" | sed -n 's/^random: seeded from //p' | head -n 1)
    case "$seeded" in
        rdseed+* | rdrand+*) echo "PASS kernel_random_seeded_at_boot ($seeded)" ;;
        *) echo "FAIL kernel_random_seeded_at_boot: expected a hardware source, log says '${seeded:-nothing}'" ;;
    esac
    # The kernel's own PASS/FAIL lines are this suite's lines.
    echo "$RAN"
    check_run main
    expected=33
    echo "$RAN" | grep -q '^FAIL ' && expected=35
    if [ "$QEMU_STATUS" -eq "$expected" ]; then
        echo "PASS kernel_selftest_verdict (isa-debug-exit status $QEMU_STATUS)"
    else
        echo "FAIL kernel_selftest_verdict: QEMU exit status $QEMU_STATUS, expected $expected from isa-debug-exit (124: timeout, 0: no verdict)"
    fi
    main_list=$LISTED
    # The name service end to end (tests/capsules/names-echo-*, started by
    # init at boot): the server's REGISTER (a transfer, needing the grant
    # its provides list gives it on the names slot) is accepted, the client
    # looks the service up, calls it and is answered, its lookup of a name
    # it does not list is DENIED, and both exit with status 0.
    boot_lines=$(tr -d '\r' <"$LOG")
    if echo "$boot_lines" | grep -aq '^names: test.echo registered by process [0-9]* (names-echo-server)$' &&
        echo "$boot_lines" | grep -aq '^names-echo-client: ok, test.echo answered; nonos.other denied' &&
        echo "$boot_lines" | grep -aq '^proc: names-echo-server (process [0-9]*) ended: exit, status 0,' &&
        echo "$boot_lines" | grep -aq '^proc: names-echo-client (process [0-9]*) ended: exit, status 0,'; then
        echo "PASS names_service_register_lookup_call (names-echo-server registered test.echo; names-echo-client called it; nonos.other denied)"
    else
        echo "FAIL names_service_register_lookup_call: the boot log lacks a line of it:"
        echo "$boot_lines" | grep -a 'names-echo\|test.echo' | sed 's/^/  | /'
    fi
    # The shell capsule's `audit` (audit_read) shows the kernel's records:
    # starts, exits, and the client's refused process_list (call 42, slot 3).
    if echo "$AUDIT" | grep -aqE '^ +[0-9]+ +[0-9]+\.[0-9]{6}  process [0-9]+ \(names-echo-client\) denied: call 42 slot 3: ' &&
        echo "$AUDIT" | grep -aqE '  process 1 \(init\) start' &&
        echo "$AUDIT" | grep -aqE '  process [0-9]+ \(names-echo-server\) exit'; then
        echo "PASS shell_audit_shows_denial_and_lifecycle (audit at the shell capsule: init's start, names-echo-server's exit, names-echo-client's denied process_list)"
    else
        echo "FAIL shell_audit_shows_denial_and_lifecycle: the shell's audit said:"
        echo "$AUDIT" | sed 's/^/  | /'
    fi
fi

export QEMU_IOMMU=off
if selftest_boot no-hardware-random qemu64 no; then
    iommu_line absent_says_why '^iommu: none: no DMAR table in the XSDT; device DMA is not confined$'
    LISTED=${main_list:-$(echo "$RAN" | sed 's/^\(PASS\|FAIL\) \([^:]*\).*/\2/')}
    failures=$(echo "$RAN" | sed -n 's/^FAIL \([^:]*\):.*/\1/p' | tr '\n' ' ')
    if [ "$failures" = "random_hardware_sources_healthy " ] && [ "$QEMU_STATUS" -eq 35 ]; then
        echo "PASS kernel_selftest_without_hardware_random_fails (only random_hardware_sources_healthy failed; status 35)"
    else
        echo "FAIL kernel_selftest_without_hardware_random_fails: failed: '${failures:-none}', QEMU status $QEMU_STATUS (want only random_hardware_sources_healthy, 35)"
    fi
    check_run no-hardware-random
fi
