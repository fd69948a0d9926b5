#!/bin/sh
# The network-stack capsule (user/net) in a booted NØNOS: the system image
# with \NONOS\CMDLINE "dma=unconfined" (this machine has no IOMMU driver on
# this branch), a virtio-net device on QEMU's socket backend (one UDP
# datagram per frame, loopback only) and tests/net/qemu_peer.py at the other
# end: the capsule's link-local claim, ARP, ping and DHCP lease.
# usage: tests/net/qemu_check.sh IMAGE   (from the root of the tree)
set -u
. tests/lib.sh
suite_require_qemu
suite_require mcopy /usr/bin/python3
image=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/nonos-net-qemu.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$image" "$work/net.img"
printf 'dma=unconfined' >"$work/CMDLINE"
if ! mcopy -o -i "$work/net.img@@1M" "$work/CMDLINE" ::/NONOS/CMDLINE; then
    echo "FAIL qemu net: cannot add \\NONOS\\CMDLINE to the image"
    exit 1
fi
# Two loopback ports from the process id, away from the usual ranges.
base=$((40000 + ($$ % 5000) * 2))
guest=$base peer=$((base + 1))
log=build/test-logs/net-qemu.log
mkdir -p build/test-logs
: >"$log"
sh tests/qemu/boot.sh "$work/net.img" "$log" 180 \
    -device virtio-rng-pci,disable-legacy=on,iommu_platform=on \
    -netdev "socket,id=net0,udp=127.0.0.1:$peer,localaddr=127.0.0.1:$guest" \
    -device virtio-net-pci,netdev=net0,disable-legacy=on,iommu_platform=on,mac=02:00:00:00:00:42 &
qemu=$!
/usr/bin/python3 tests/net/qemu_peer.py --listen "127.0.0.1:$peer" --peer "127.0.0.1:$guest" --seconds 150
status=$?
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null
if grep -q '^net: link-local 169\.254\.' "$log" && grep -q '^net: dhcp lease 10\.0\.77\.50' "$log"; then
    echo "PASS qemu net: the capsule reports its link-local address and its lease on the console"
else
    echo "FAIL qemu net: no 'net: link-local' / 'net: dhcp lease' lines on the console (see $log)"
    status=1
fi
exit $status
