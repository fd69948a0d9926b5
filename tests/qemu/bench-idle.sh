#!/bin/sh
# Idle CPU of the network capsules (make bench-idle; docs/net.md, "Waiting
# for events"): boots the product image (virtio-net on a QEMU hub port with
# nothing else on it: frames go nowhere), waits until the mesh node has
# started and settled its clock, then reads `ps` and `uptime` twice, at
# least BENCH_IDLE_SECONDS (default 20) guest seconds apart, and prints the CPU
# time the kernel charged to net, mesh and virtio-net in between, per
# second of guest uptime.
#
# BENCH_IDLE_ICOUNT=1 runs QEMU with `-icount shift=0,sleep=off -rtc
# clock=vm`: the guest TSC then counts retired instructions, so a charged
# microsecond is 1,000 instructions and the figure is instructions per
# guest second (the idle guest's clock jumps to its next timer, so guest
# seconds pass faster than host seconds).
# usage: tests/qemu/bench-idle.sh IMAGE   (from the root of the tree)
set -u
. tests/lib.sh
. tests/qemu/lib.sh
suite_require_qemu
image=${1:-build/nonos.img}
seconds=${BENCH_IDLE_SECONDS:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/nonos-idle.XXXXXX")
log=build/test-logs/bench-idle.log
mkdir -p build/test-logs
export SERIAL_INPUT="$work/serial.in"
extra=
[ "${BENCH_IDLE_ICOUNT:-0}" = 1 ] && extra="-icount shift=0,sleep=off -rtc clock=vm"
# shellcheck disable=SC2086
qemu_start "$image" "$log" $((seconds * 12 + 300)) -cpu qemu64,+rdrand,+smep,+smap $extra
trap 'qemu_stop; rm -rf "$work"' EXIT
if ! qemu_wait_for "$log" '(^|nonos> )mesh: node [0-9a-f]+\.\.\. at 169\.254\.' 180 ||
   ! qemu_wait_for "$log" 'nonos> ' 30; then
    echo "FAILED bench-idle: the mesh node did not start (see $log)"
    exit 1
fi
# Steady state: the mesh node beacons once its clock is settled (adopted,
# or its own after 15 s alone).
if ! qemu_wait_for "$log" '(^|nonos> )mesh: (no beacon heard|mesh clock adopted)' 120; then
    echo "FAILED bench-idle: the mesh node never settled its clock (see $log)"
    exit 1
fi
sleep 2
first=$(qemu_cpu_sample "$log" net mesh virtio-net) || { echo "FAILED bench-idle: no answer to uptime/ps"; exit 1; }
# At least `seconds` of guest time: on a loaded host TCG's guest clock can
# lag the host's. Bounded: 12 looks at most.
looks=0
while :; do
    sleep "$seconds"
    second=$(qemu_cpu_sample "$log" net mesh virtio-net) || { echo "FAILED bench-idle: no answer to uptime/ps"; exit 1; }
    looks=$((looks + 1))
    [ $(( (${second%% *} - ${first%% *}) / 1000000 )) -ge "$seconds" ] || [ $looks -ge 12 ] && break
done
echo "$first $second" | awk -v mode="${BENCH_IDLE_ICOUNT:-0}" '
NF != 8 { print "FAILED bench-idle: unparsed samples: " $0; exit 1 }
{
    guest_s = ($5 - $1) / 1000000
    if (guest_s <= 0) { print "FAILED bench-idle: no guest time passed"; exit 1 }
    unit = mode == 1 ? "instructions per guest second" : "us of CPU per guest second"
    scale = mode == 1 ? 1000 : 1
    printf "idle interval: %.1f guest seconds\n", guest_s
    printf "net:        %12.0f %s\n", ($6 - $2) * scale / guest_s, unit
    printf "mesh:       %12.0f %s\n", ($7 - $3) * scale / guest_s, unit
    printf "virtio-net: %12.0f %s\n", ($8 - $4) * scale / guest_s, unit
}'
