#!/bin/sh
# In-kernel tests: boots the real image (build/nonos.img) once with helper
# BOOT's harness (tests/qemu/boot.sh: OVMF, q35, TCG, headless, snapshot
# disk, isa-debug-exit), waits for the nonos> prompt on COM1, types
# `selftest exit`, passes the kernel's PASS/FAIL lines through and checks
# three things agree: the lines, the kernel's closing "selftest: N passed,
# M failed" line, and the verdict the kernel wrote to isa-debug-exit (QEMU
# exit status 33 = all passed, 35 = failures; status 0 after a `poweroff`
# when the shell lacks `selftest exit`).
# The CPU model has SMEP, SMAP and RDRAND so those tests bite; KERNEL_SELFTEST_CPU
# overrides it (e.g. qemu64, to check the tests' no-SMEP/SMAP branch).
# A panic, a missing summary or a timeout is a FAIL with the serial log tail.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/qemu/lib.sh
. tests/lib.sh
suite_require clang ld.lld lld-link sgdisk mkfs.fat mcopy llvm-readelf llvm-nm
suite_require_qemu

cpu=${KERNEL_SELFTEST_CPU:-qemu64,+smep,+smap,+rdrand}
dir=build/test/kernel-selftest
log=$dir/serial.log
SERIAL_INPUT=$dir/serial.in
export SERIAL_INPUT

fail() {
    echo "FAIL $1: $2"
    echo "--- serial log tail ($log) ---"
    tr -d '\r' <"$log" | tail -n 40 | sed 's/^/  | /'
    qemu_stop
    rm -f "$dir/nonos.img"
    exit 1
}

# Other suites may build the image at the same moment: retry once, and
# boot a private copy so a rebuild cannot change the disk under QEMU.
make -s build/nonos.img || { sleep 5; make -s build/nonos.img; } ||
    { echo "FAIL kernel_selftest_build: make build/nonos.img failed"; exit 1; }
mkdir -p "$dir"

# The kernel file itself: loadable segments never writable and executable,
# and within the size target.
elf=build/kernel/nonos-kernel.elf
segments=$(llvm-readelf -lW "$elf" |
    awk '$1 == "LOAD" { f = ""; for (i = 7; i < NF; i++) f = f $i; printf "%s ", f }')
segments=${segments% }
case "$segments" in
    *W*E* | "") echo "FAIL kernel_elf_segments_wx: PT_LOAD flags: $segments" ;;
    *) echo "PASS kernel_elf_segments_wx ($segments)" ;;
esac
size=$(wc -c <"$elf")
if [ "$size" -lt 524288 ]; then
    echo "PASS kernel_elf_size ($size bytes < 512 KiB)"
else
    echo "FAIL kernel_elf_size: $size bytes, target under 512 KiB"
fi

cp build/nonos.img "$dir/nonos.img" || { echo "FAIL kernel_selftest_build: cannot copy the image"; exit 1; }
qemu_start "$dir/nonos.img" "$log" 150 -cpu "$cpu"

qemu_wait_for "$log" 'nonos> ' 90 || fail kernel_selftest_boot "no nonos> prompt within 90 s"
grep -aq PANIC "$log" && fail kernel_selftest_boot "panic during boot"
# The CPU offers RDRAND (QEMU's TCG has no RDSEED), so the generator must
# have been seeded from a hardware source and jitter.
seeded=$(tr -d '\r' <"$log" | sed -n 's/^random: seeded from //p' | head -n 1)
case "$seeded" in
    rdseed+jitter* | rdrand+jitter*) echo "PASS kernel_random_seeded_at_boot ($seeded)" ;;
    *) echo "FAIL kernel_random_seeded_at_boot: expected rdrand+jitter, log says '${seeded:-nothing}'" ;;
esac
qemu_type 'selftest exit'
qemu_wait_for "$log" '^selftest: [0-9]+ passed, [0-9]+ failed|PANIC' 90 ||
    fail kernel_selftest_run "no selftest summary within 90 s (hang?)"
grep -aq PANIC "$log" && fail kernel_selftest_run "kernel panic during selftest"
# A shell without `selftest exit` ignores the argument: then end the boot
# with poweroff (exit status 0) and take the verdict from serial alone.
waited=0
while kill -0 "$QEMU_JOB" 2>/dev/null && [ "$waited" -lt 50 ]; do
    sleep 0.2
    waited=$((waited + 1))
done
kill -0 "$QEMU_JOB" 2>/dev/null && qemu_type poweroff
qemu_status

lines=$(tr -d '\r' <"$log" | grep -aE '^(PASS|FAIL) ')
echo "$lines"
summary=$(tr -d '\r' <"$log" | grep -aE '^selftest: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
echo "$summary"
passed=$(echo "$lines" | grep -c '^PASS ')
failed=$(echo "$lines" | grep -c '^FAIL ')
[ "$summary" = "selftest: $passed passed, $failed failed" ] ||
    fail kernel_selftest_summary "summary '$summary' does not match $passed PASS / $failed FAIL lines"
[ $((passed + failed)) -ge 16 ] ||
    fail kernel_selftest_count "only $((passed + failed)) tests ran, expected at least 16"

expected_status=33
[ "$failed" -eq 0 ] || expected_status=35
[ "$QEMU_STATUS" -eq "$expected_status" ] || [ "$QEMU_STATUS" -eq 0 ] ||
    fail kernel_selftest_verdict "QEMU exit status $QEMU_STATUS, expected $expected_status from isa-debug-exit (124: timeout)"
rm -f "$dir/nonos.img"
[ "$failed" -eq 0 ]
