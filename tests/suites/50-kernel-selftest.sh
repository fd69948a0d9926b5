#!/bin/sh
# In-kernel tests: boots the real image (build/nonos.img) once in QEMU (OVMF,
# q35, TCG, -nographic), waits for the nonos> prompt on serial, types
# `selftest`, passes the kernel's PASS/FAIL lines through, checks the
# kernel's closing "selftest: N passed, M failed" line against them, then
# types `poweroff`. The CPU model has SMEP and SMAP so those tests bite
# (KERNEL_SELFTEST_CPU overrides it, e.g. qemu64 to check their absence).
# A panic, a missing summary or a timeout is a FAIL with the log tail.
set -u
cd "$(dirname "$0")/../.." || exit 2

cpu=${KERNEL_SELFTEST_CPU:-qemu64,+smep,+smap}
dir=build/test/kernel-selftest
serial=$dir/serial.log
input=$dir/input
qemu_pid=

fail() {
    echo "FAIL $1: $2"
    if [ -f "$serial" ]; then
        echo "--- serial log tail ($serial) ---"
        tr -d '\r' <"$serial" | tail -n 40
    fi
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
    exit 1
}

# wait_for <extended regex> <seconds>: true once the serial log matches.
wait_for() {
    waited=0
    while [ "$waited" -lt $(( $2 * 5 )) ]; do
        tr -d '\r' <"$serial" | grep -Eq "$1" && return 0
        tr -d '\r' <"$serial" | grep -q 'PANIC' && return 1
        kill -0 "$qemu_pid" 2>/dev/null || return 1
        sleep 0.2
        waited=$((waited + 1))
    done
    return 1
}

make -s build/nonos.img || fail kernel_selftest_build "make build/nonos.img failed"
mkdir -p "$dir"
rm -f "$input" "$serial"
mkfifo "$input" || fail kernel_selftest_setup "mkfifo failed"
cp /usr/share/OVMF/OVMF_VARS.fd "$dir/vars.fd" || fail kernel_selftest_setup "no OVMF"

qemu-system-x86_64 -machine q35 -cpu "$cpu" -m 256M -nographic -no-reboot \
    -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
    -drive if=pflash,format=raw,file="$dir/vars.fd" \
    -drive format=raw,file=build/nonos.img,snapshot=on \
    -serial stdio -monitor none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 <"$input" >"$serial" 2>&1 &
qemu_pid=$!
exec 3>"$input"

wait_for '^nonos> ' 90 || fail kernel_selftest_boot "no nonos> prompt within 90 s"
printf 'selftest\n' >&3
wait_for '^selftest: [0-9]+ passed, [0-9]+ failed' 90 ||
    fail kernel_selftest_run "no selftest summary (panic, hang or timeout)"
printf 'poweroff\n' >&3

lines=$(tr -d '\r' <"$serial" | grep -E '^(PASS|FAIL) ')
echo "$lines"
summary=$(tr -d '\r' <"$serial" | grep -E '^selftest: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
echo "$summary"
passed=$(echo "$lines" | grep -c '^PASS ')
failed=$(echo "$lines" | grep -c '^FAIL ')
[ "$summary" = "selftest: $passed passed, $failed failed" ] ||
    fail kernel_selftest_summary "summary '$summary' does not match $passed PASS / $failed FAIL lines"
[ "$passed" -ge 14 ] || fail kernel_selftest_count "only $passed tests ran, expected at least 14"

# poweroff should end QEMU; give it a few seconds, then stop it.
waited=0
while kill -0 "$qemu_pid" 2>/dev/null && [ "$waited" -lt 50 ]; do
    sleep 0.2
    waited=$((waited + 1))
done
if kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid"
    echo "FAIL kernel_selftest_poweroff: QEMU still running 10 s after poweroff"
    exit 1
fi
exec 3>&-
[ "$failed" -eq 0 ]
