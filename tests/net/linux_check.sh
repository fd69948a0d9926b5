#!/bin/sh
# lib/net against Linux's own ARP, ICMP and UDP, inside a network namespace
# made for the test (unshare -n): a veth pair, one end Linux's at
# 169.254.50.50/16, the other driven by tests/net/linux_peer (the lib/net
# stack on an AF_PACKET socket), while tests/net/linux_check.py plays
# Linux's side. No traffic leaves the namespace.
# usage: tests/net/linux_check.sh LINUX_PEER   (run as root, from the root of the tree)
set -u
peer=$1
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
    echo "FAIL linux cross-check: needs root, unshare and ip (iproute2) to make a network namespace"
    exit 1
fi
exec unshare -n sh -c '
    set -e
    ip link set lo up
    ip link add nonos0 type veth peer name linux0
    ip link set nonos0 up
    ip addr add 169.254.50.50/16 dev linux0
    ip link set linux0 up
    echo "0 0" > /proc/sys/net/ipv4/ping_group_range
    sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null || true
    "$0" nonos0 linux0 16 > "$1" 2>&1 &
    peer_pid=$!
    set +e
    /usr/bin/python3 tests/net/linux_check.py
    python_status=$?
    wait $peer_pid
    peer_status=$?
    cat "$1"
    [ $python_status -eq 0 ] && [ $peer_status -eq 0 ]
' "$peer" "${TMPDIR:-/tmp}/linux-peer.$$.log"
