#!/bin/sh
# `make bench-ipc-kernel` (a benchmark, not a test): the instructions of one
# kernel-level IPC call+reply round trip between two address spaces
# (kernel/test/test_ipc.c, ipc_round_trip_two_spaces: 2000 calls of 8 data
# bytes from a kernel thread to an echo server thread in a space of its own,
# through ipc_call and ipc_reply_receive). The test image boots under QEMU
# -icount shift=0,sleep=off -rtc clock=vm, where the TSC counts instructions;
# `selftest run NAME` runs the two IPC cost tests, which log "... N tsc":
# ipc_round_trip_two_spaces (kernel threads, kernel-level API) and
# ipc_ring3_echo_between_processes (two ring-3 processes through the system
# calls: entry, dispatcher, user copies included; kernel/test/test_ipc_user.c)
# and ipc_ring3_register_fast_path (the same through the register calls 62
# and 63, which take the fast path: no user copies).
# make bench-ipc measures capsules built with the SDK against Linux.
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
qemu_start "$dir/bench.img" "$log" 2400 -cpu qemu64,+smep,+smap,+rdrand \
    -icount shift=0,sleep=off -rtc clock=vm 2>>"$dir/qemu.err"
qemu_wait_for "$log" 'nonos> ' 1200 || { echo "bench-ipc-kernel: no prompt (log: $log)"; exit 1; }
# The test bundle's capsules (init starts them after the prompt) must be
# done first: a hostile capsule running during a measured run was seen to
# add tens of millions of instructions to it. names-echo-server is the
# last one init starts.
qemu_wait_for "$log" 'init: names-echo-server \(process [0-9]+\) exited' 600 ||
    { echo "bench-ipc-kernel: the test bundle's capsules did not end (log: $log)"; exit 1; }
qemu_type 'selftest run ipc_round_trip_two_spaces'
qemu_wait_for "$log" '(PASS|FAIL) ipc_round_trip_two_spaces' 600 ||
    { echo "bench-ipc-kernel: the kernel-level test did not end (log: $log)"; exit 1; }
qemu_type 'selftest run ipc_ring3_echo_between_processes'
qemu_wait_for "$log" '(PASS|FAIL) ipc_ring3_echo_between_processes' 600 ||
    { echo "bench-ipc-kernel: the ring-3 test did not end (log: $log)"; exit 1; }
# figure NAME PATTERN: the tsc figure of the line matching PATTERN, and the
# test's verdict.
qemu_type 'selftest run ipc_ring3_register_fast_path'
qemu_wait_for "$log" '(PASS|FAIL) ipc_ring3_register_fast_path' 600 ||
    { echo "bench-ipc-kernel: the register test did not end (log: $log)"; exit 1; }
report() {
    line=$(tr -d '\r' <"$log" | grep -a "$2" | head -n 1)
    verdict=$(tr -d '\r' <"$log" | grep -aE "^(PASS|FAIL) $1" | head -n 1)
    instructions=$(echo "$line" | sed -n 's/.*: \([0-9]*\) tsc.*/\1/p')
    echo "bench-ipc-kernel: $3: ${instructions:-no figure} instructions" \
        "(QEMU -icount shift=0; $verdict)"
}
report ipc_round_trip_two_spaces 'ipc: kernel call+reply round trip' \
    "kernel-level call+reply round trip between two address spaces, 8 data bytes"
report ipc_ring3_echo_between_processes 'ipc: ring-3 call+reply round trip' \
    "ring-3 call+reply round trip between two processes (system calls included), 8 data bytes"
report ipc_ring3_register_fast_path 'ipc: ring-3 register call+reply round trip' \
    "ring-3 register call+reply round trip between two processes, fast path (system calls included), 32 data bytes"
