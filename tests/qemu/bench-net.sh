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
#   Linux: Debian 12's kernel (tests/qemu/debian-linux.sh: apt-get
#          download, never installed; cached in build/bench-net/linux)
#          booted directly (-kernel, SeaBIOS instead of OVMF) with the same
#          CPU, flags and devices (intel-iommu, virtio-rng-pci and
#          virtio-net-pci with disable-legacy=on,iommu_platform=on, the same
#          loopback socket and host program) and an initramfs of
#          tests/bench/net/linux_init.c plus the package's virtio and
#          virtio_net modules: UDP sendto, AF_PACKET sendto and AF_PACKET
#          receive per frame, the loop's instructions over its frames (the
#          CPU never idles in a round, so interrupts and softirqs that ran
#          meanwhile count). Booted twice: intel_iommu=on (the NIC's DMA
#          translated, as NØNOS's) and, for reference, iommu=pt
#          (passthrough: no IOMMU mapping per buffer).
# A figure that could not be measured is a FAILED line with the reason,
# never a number, and makes the exit status 1.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/qemu/lib.sh
. tests/qemu/debian-linux.sh
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

# --- Linux ------------------------------------------------------------------
# The modules linux_init.c loads, in its order (paths under lib/modules/*/kernel).
LINUX_MODULES="drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko drivers/virtio/virtio_pci_modern_dev.ko
drivers/virtio/virtio_pci_legacy_dev.ko drivers/virtio/virtio_pci.ko net/core/failover.ko
drivers/net/net_failover.ko drivers/net/virtio_net.ko"
linux_initramfs() {
    modules=$work/linux/modules
    rm -rf "$modules" && mkdir -p "$modules"
    patterns=
    for module in $LINUX_MODULES; do patterns="$patterns ./lib/modules/*/kernel/$module"; done
    # shellcheck disable=SC2086
    dpkg-deb --fsys-tarfile "$LINUX_DEB" | tar -x -C "$modules" --wildcards $patterns ||
        { echo "the modules are not all in $LINUX_DEB"; return 1; }
    files=
    for module in $LINUX_MODULES; do files="$files $(echo "$modules"/lib/modules/*/kernel/"$module")"; done
    # shellcheck disable=SC2086
    sh tests/bench/ipc/make-initramfs.sh "$work/init" "$work/initramfs.cpio.gz" $files
}
# linux_boot LOG APPEND: one boot to its own power-off (600 s at most).
linux_boot() {
    timeout -k 5 600 qemu-system-x86_64 -machine q35 -m 512M -accel tcg -cpu "$CPU" \
        -icount shift=0,sleep=off -rtc clock=vm \
        -display none -monitor none -serial "file:$1" -no-reboot \
        -device intel-iommu,intremap=on -device virtio-rng-pci,disable-legacy=on,iommu_platform=on \
        -netdev "socket,id=net0,udp=127.0.0.1:$peer_listen,localaddr=127.0.0.1:$peer_send" \
        -device virtio-net-pci,netdev=net0,disable-legacy=on,iommu_platform=on \
        -kernel "$LINUX_VMLINUZ" -initrd "$work/initramfs.cpio.gz" -append "$2" \
        </dev/null >>"$work/qemu.err" 2>&1
}
linux_figure() {
    tr -d '\r' <"$1" | sed -n "s/.*bench-net linux: $2 \([0-9]*\) instructions per frame.*/\1/p" | head -n 1
}
peer_listen=$1 peer_send=$2
linux_name='Linux (not run)'
if debian_linux_fetch "$work/linux" && linux_initramfs; then
    linux_name="Linux $(echo "$LINUX_PACKAGE" | sed 's/.* \([0-9.]*\)-.*/\1/')"
    for variant in iommu pt; do
        append="console=ttyS0 quiet intel_iommu=on"
        [ "$variant" = pt ] && append="$append iommu=pt"
        log=$work/linux-$variant.log
        : >"$log"
        linux_boot "$log" "$append"
        status=$?
        echo "bench-net linux: Debian $LINUX_PACKAGE, -kernel $LINUX_VMLINUZ -append \"$append\"" \
            "(exit $status; log: $log)"
        tr -d '\r' <"$log" | grep -a 'bench-net linux: ' | grep -v 'linux: start\|linux: done' | sed 's/^/  /'
        for metric in udp_tx64 packet_tx64 packet_rx64 udp_tx1514 packet_tx1514 packet_rx1514; do
            value=$(linux_figure "$log" "$metric")
            [ -n "$value" ] || fail "linux ($append) $metric: not measured (see $log)"
            eval "linux_${variant}_$metric=\$value"
        done
    done
else
    fail "linux: not measured (the kernel or its modules could not be fetched)"
    for variant in iommu pt; do
        for metric in udp_tx64 packet_tx64 packet_rx64 udp_tx1514 packet_tx1514 packet_rx1514; do
            eval "linux_${variant}_$metric="
        done
    done
fi

# --- The table ----------------------------------------------------------------
cell() { if [ -n "$1" ]; then echo "$1"; else echo "FAILED (not measured)"; fi; }
number() { echo "${1%% *}"; }
# verdict NONOS LINUX: met when NØNOS's figure is no more than Linux's.
verdict() {
    if [ -n "$1" ] && [ -n "$2" ]; then
        awk -v v="$(number "$1")" -v t="$2" 'BEGIN { print (v <= t) ? "met" : "MISSED" }'
    else
        echo "FAILED (not measured)"
    fi
}
echo "bench-net: table (instructions per frame; NØNOS: CPU time charged to the client and the virtio-net" \
    "driver; Linux: $linux_name, intel_iommu=on, loop instructions over frames, median of 5 rounds;" \
    "Linux with iommu=pt in brackets)"
echo "| frame | NØNOS send | Linux UDP sendto | Linux AF_PACKET sendto | NØNOS receive | Linux AF_PACKET receive |" \
    "target: NØNOS <= Linux (send vs UDP / vs AF_PACKET; receive) |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
nt='' nr='' lu='' lp='' lr='' pu='' pp='' pr='' # set by the evals below, per frame size
for size in 64 1514; do
    eval "nt=\$nonos_tx$size nr=\$nonos_rx$size"
    eval "lu=\$linux_iommu_udp_tx$size lp=\$linux_iommu_packet_tx$size lr=\$linux_iommu_packet_rx$size"
    eval "pu=\$linux_pt_udp_tx$size pp=\$linux_pt_packet_tx$size pr=\$linux_pt_packet_rx$size"
    label=$size; [ "$size" = 1514 ] && label=1,514
    echo "| $label bytes | $(cell "$nt") | $(cell "$lu") [${pu:-?}] | $(cell "$lp") [${pp:-?}] |" \
        "$(cell "$nr") | $(cell "$lr") [${pr:-?}] |" \
        "$(verdict "$nt" "$lu") / $(verdict "$nt" "$lp"); $(verdict "$nr" "$lr") |"
done
exit "$failed"
