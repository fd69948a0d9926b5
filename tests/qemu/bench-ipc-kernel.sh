#!/bin/sh
# `make bench-ipc-kernel` (a benchmark, not a test): the instructions of one
# kernel-level IPC call+reply round trip between two address spaces
# (kernel/test/test_ipc.c, ipc_round_trip_two_spaces: 2000 calls of 8 data
# bytes from a kernel thread to an echo server thread in a space of its own,
# through ipc_call and ipc_reply_receive). The test image boots under QEMU
# -icount shift=0,sleep=off -rtc clock=vm, where the TSC counts instructions;
# `selftest` runs the in-kernel tests and the IPC test logs
# "ipc: kernel call+reply round trip ... N tsc". The ring-3 figure (system
# call entry and exit included) is make bench-ipc's.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/qemu/lib.sh
dir=build/bench-ipc-kernel
mkdir -p "$dir"
trap 'qemu_stop' EXIT
SERIAL_INPUT=$dir/serial.in
export SERIAL_INPUT
cp build/test/nonos-test.img "$dir/bench.img" || exit 1
log=$dir/icount.log
qemu_start "$dir/bench.img" "$log" 900 -cpu qemu64,+smep,+smap,+rdrand \
    -icount shift=0,sleep=off -rtc clock=vm 2>>"$dir/qemu.err"
qemu_wait_for "$log" 'nonos> ' 300 || { echo "bench-ipc-kernel: no prompt (log: $log)"; exit 1; }
qemu_type 'selftest run ipc_round_trip_two_spaces'
qemu_wait_for "$log" 'ipc: kernel call\+reply round trip' 600 ||
    { echo "bench-ipc-kernel: no IPC figure (log: $log)"; exit 1; }
qemu_wait_for "$log" 'PASS ipc_round_trip_two_spaces|FAIL ipc_round_trip_two_spaces' 60
line=$(tr -d '\r' <"$log" | grep -a 'ipc: kernel call+reply round trip' | head -n 1)
verdict=$(tr -d '\r' <"$log" | grep -aE '^(PASS|FAIL) ipc_round_trip_two_spaces' | head -n 1)
instructions=$(echo "$line" | sed -n 's/.*: \([0-9]*\) tsc.*/\1/p')
echo "bench-ipc-kernel: kernel-level IPC call+reply round trip between two address spaces," \
    "8 data bytes: $instructions instructions (QEMU -icount shift=0; $verdict)"
