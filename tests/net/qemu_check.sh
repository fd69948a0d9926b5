#!/bin/sh
# The network-stack capsule (user/net) in a booted NØNOS: the system image
# with \NONOS\CMDLINE "dma=unconfined" (this branch has no IOMMU driver), a
# virtio-net device on QEMU's socket backend (one UDP datagram per frame,
# loopback only) and tests/net/qemu_peer.py at the other end (a scapy host
# and DHCP server): the capsule's link-local claim, ARP, ping and DHCP
# lease, then the shell's `ip` showing them and its `ping` of the peer.
# usage: tests/net/qemu_check.sh IMAGE   (from the root of the tree)
set -u
. tests/lib.sh
. tests/qemu/lib.sh
suite_require_qemu
suite_require mcopy /usr/bin/python3
image=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/nonos-net-qemu.XXXXXX")
cp "$image" "$work/net.img"
printf 'dma=unconfined' >"$work/CMDLINE"
if ! mcopy -o -i "$work/net.img@@1M" "$work/CMDLINE" ::/NONOS/CMDLINE; then
    echo "FAIL qemu net: cannot add \\NONOS\\CMDLINE to the image"
    rm -rf "$work"
    exit 1
fi
# Two loopback ports from the process id, away from the usual ranges.
base=$((40000 + ($$ % 5000) * 2))
guest=$base peer=$((base + 1))
log=build/test-logs/net-qemu.log
mkdir -p build/test-logs
export SERIAL_INPUT="$work/serial.in"
# boot.sh's default devices: virtio-rng and virtio-net (behind intel-iommu)
# on QEMU's socket backend towards the peer.
QEMU_NET=socket QEMU_NET_LOCAL_PORT=$guest QEMU_NET_REMOTE_PORT=$peer QEMU_NET_MAC=02:00:00:00:00:42 \
    qemu_start "$work/net.img" "$log" 240
/usr/bin/python3 tests/net/qemu_peer.py --listen "127.0.0.1:$peer" --peer "127.0.0.1:$guest" --seconds 180 \
    >"$work/peer.out" 2>&1 &
peer_job=$!
status=0
if qemu_wait_for "$log" '(^|nonos> )net: dhcp lease 10\.0\.77\.50' 180 && qemu_wait_for "$log" '(^|nonos> )net: link-local 169\.254\.' 60 &&
   qemu_wait_for "$log" 'nonos> ' 60; then
    echo "PASS qemu net: the capsule reports its link-local address and its lease on the console"
else
    echo "FAIL qemu net: no 'net: link-local' / 'net: dhcp lease' lines or no prompt on the console (see $log)"
    status=1
fi
# The peer prints its four result lines once it has seen everything.
ticks=0
while [ "$(grep -c '^PASS\|^FAIL' "$work/peer.out")" -lt 4 ] && [ $ticks -lt 300 ] && kill -0 "$peer_job" 2>/dev/null; do
    sleep 0.5
    ticks=$((ticks + 1))
done
grep '^PASS\|^FAIL' "$work/peer.out" || echo "FAIL qemu net: the scapy peer reported nothing ($(tail -n 3 "$work/peer.out" | tr '\n' ' '))"
grep -q '^FAIL' "$work/peer.out" && status=1
[ "$(grep -c '^PASS' "$work/peer.out")" -eq 4 ] || status=1
if [ $status -eq 0 ] && qemu_command "$log" ip 30 &&
   echo "$QEMU_ANSWER" | grep -qE '^link-local 169\.254\.[0-9]+\.[0-9]+ \((announcing|bound)\)$' &&
   echo "$QEMU_ANSWER" | grep -q '^dhcp 10\.0\.77\.50/24 router 10\.0\.77\.1 server 10\.0\.77\.1 (bound, lease ends in [0-9]* s)$' &&
   echo "$QEMU_ANSWER" | grep -q '^  0\.0\.0\.0/0 via 10\.0\.77\.1 (clearnet)$' &&
   echo "$QEMU_ANSWER" | grep -q '^  169\.254\.77\.77 02:00:00:00:00:77 expires in [0-9]* s$' &&
   echo "$QEMU_ANSWER" | grep -q ' echo-requests-in [1-9]'; then
    echo "PASS qemu net: the shell's ip shows the link-local address, the lease, the routes, the peer in the ARP table and the pings counted"
else
    echo "FAIL qemu net: ip: $(echo "${QEMU_ANSWER:-no answer}" | head -n 12 | tr '\n' '|')"
    status=1
fi
if [ $status -eq 0 ] && qemu_command "$log" "ping 169.254.77.77" 30 &&
   [ "$(echo "$QEMU_ANSWER" | grep -c '^reply from 169\.254\.77\.77: sequence [123], [0-9]* ms$')" -eq 3 ] &&
   qemu_command "$log" "ping 169.254.1.1" 30 &&
   [ "$(echo "$QEMU_ANSWER" | grep -c '^169\.254\.1\.1: sequence [123]: no reply within 1 s$')" -eq 3 ]; then
    echo "PASS qemu net: the shell's ping gets three replies from the peer and reports none from an absent host"
else
    echo "FAIL qemu net: ping: $(echo "${QEMU_ANSWER:-no answer}" | head -n 6 | tr '\n' '|')"
    status=1
fi
# The datagram API's policy (docs/net.md, "Datagrams"): the shell's
# manifest allows no network, so nonos.net refuses it a socket; the mesh
# capsule's (allow_mesh only) has no route to 10.0.0.1.
if qemu_command "$log" "udp 169.254.77.77 9 hello" 20 &&
   echo "$QEMU_ANSWER" | grep -q "^udp: bind: the capsule's policy does not allow this" &&
   qemu_wait_for "$log" '(^|nonos> )mesh: send to 10\.0\.0\.1 \(clearnet\) from the mesh scope: no route, as the policy says' 30; then
    echo "PASS qemu net: datagrams: the shell (no network policy) is refused a socket; the mesh capsule (allow_mesh only) has no route to 10.0.0.1"
else
    echo "FAIL qemu net: datagrams: $(echo "${QEMU_ANSWER:-no answer}" | head -n 3 | tr '\n' '|') $(grep -a '^mesh: send to' "$log" | tr -d '\r')"
    status=1
fi
kill "$peer_job" 2>/dev/null
wait "$peer_job" 2>/dev/null
qemu_stop
rm -rf "$work"
exit $status
