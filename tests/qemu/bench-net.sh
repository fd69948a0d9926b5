#!/bin/sh
# `make bench-net` (a benchmark, not a test): instructions per Ethernet
# frame sent and received between a client capsule and the wire, through
# the virtio-net driver capsule (docs/drivers.md, "Benchmark"), for 64- and
# 1,514-byte frames. QEMU -icount shift=0,sleep=off -rtc clock=vm (TCG,
# -cpu qemu64,+rdrand,+smep,+smap, q35, 512 MiB, intel-iommu with interrupt
# remapping, virtio-net-pci behind it), the NIC's backend a UDP socket on
# loopback whose other end is tests/qemu/netif_peer.py (bench mode: counts
# the guest's frames, sends frames on request).
#   NØNOS: an image whose boot bundle is the system bundle plus
#          tests/bench/net/client (bench-net-client), which prints the
#          figures: the CPU time charged to the client and the driver per
#          frame (under icount 1 ns = 1 instruction; idling not counted).
#   Linux: not measured yet (see docs/drivers.md, "Benchmark"): a FAILED
#          line says so.
# A figure that could not be measured is a FAILED line with the reason,
# never a number, and makes the exit status 1.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/qemu/lib.sh
work=build/bench-net
mkdir -p "$work"
failed=0
CPU=${BENCH_NET_CPU:-qemu64,+rdrand,+smep,+smap}
fail() {
    echo "FAILED bench-net $*"
    failed=1
}
echo "bench-net: command: make bench-net (tests/qemu/bench-net.sh; QEMU TCG, q35, 512 MiB, -cpu $CPU," \
    "1 vCPU, -icount shift=0,sleep=off -rtc clock=vm, intel-iommu, virtio-net-pci on a loopback UDP socket)"

# The bench bundle: the staged system capsules, then bench-net-client,
# built and signed as the system bundle is (tools/capsule/system-bundle.sh).
projects=$work/projects
rm -rf "$projects" && mkdir -p "$projects"
list=
for project in ${BENCH_NET_SYSTEM_PROJECTS:-}; do
    cp -R "$project" "$projects/$(basename "$project")"
    list="$list $projects/$(basename "$project")"
done
cp -R tests/bench/net/client "$projects/bench-net-client"
list="$list $projects/bench-net-client"
# shellcheck disable=SC2086
if ! sh tools/capsule/system-bundle.sh build/host/nonos-capsule "$work/system" $list >"$work/bundle.log" 2>&1; then
    fail "nonos: the bench bundle could not be built (see $work/bundle.log)"
    exit 1
fi
cp "$work/system/bundle.bin" "$work/bundle.bin"
make -s -j2 "$work/bench-net.img" >"$work/image.log" 2>&1 || { fail "nonos: image build failed (see $work/image.log)"; exit 1; }

ports=$(python3 -c '
import socket
s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
# shellcheck disable=SC2086
set -- $ports
log=$work/nonos.log
: >"$work/peer.log"
python3 tests/qemu/netif_peer.py --listen "127.0.0.1:$1" --peer "127.0.0.1:$2" --log "$work/peer.log" --seconds 900 &
peer_job=$!
trap 'qemu_stop; kill $peer_job 2>/dev/null; wait $peer_job 2>/dev/null' EXIT
QEMU_NET=socket QEMU_NET_REMOTE_PORT=$1 QEMU_NET_LOCAL_PORT=$2 \
    qemu_start "$work/bench-net.img" "$log" 900 -cpu "$CPU" -icount shift=0,sleep=off -rtc clock=vm \
    2>>"$work/qemu.err"
qemu_wait_for "$log" 'bench-net nonos: (done|FAILED)|PANIC' 880
qemu_stop
tr -d '\r' <"$log" | grep -a 'bench-net nonos: ' | sed 's/^/  /'
figure() { tr -d '\r' <"$log" | sed -n "s/.*bench-net nonos: $1 \([0-9]*\) instructions per frame (\(.*\))/\1 (\2)/p" | head -n 1; }
for metric in tx64 rx64 tx1514 rx1514; do
    value=$(figure "$metric")
    if [ -n "$value" ]; then
        eval "nonos_$metric=\"\$value\""
    else
        eval "nonos_$metric="
        fail "nonos $metric: not measured (see $log)"
    fi
done
fail "linux: not measured (Linux sending a UDP datagram over virtio-net is not built yet)"
cell() { if [ -n "$1" ]; then echo "$1"; else echo "FAILED (not measured)"; fi; }
echo "bench-net: table (instructions per frame: CPU time charged to the client and the virtio-net driver)"
echo "| frame | NØNOS send | NØNOS receive | Linux 6.1 UDP send |"
echo "| --- | --- | --- | --- |"
echo "| 64 bytes | $(cell "$nonos_tx64") | $(cell "$nonos_rx64") | FAILED (not measured) |"
echo "| 1,514 bytes | $(cell "$nonos_tx1514") | $(cell "$nonos_rx1514") | FAILED (not measured) |"
exit "$failed"
