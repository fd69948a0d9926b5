#!/bin/sh
# The network-stack capsule (user/net, lib/net over the virtio-net driver)
# in a booted system image: link-local claim, ARP, ping and a DHCP lease,
# against a scapy peer on QEMU's socket backend (loopback only;
# tests/net/qemu_check.sh).
set -u
. tests/lib.sh
suite_require clang
suite_require_qemu
if ! make -s -j2 all >build/test-logs/57-net-capsule-build.log 2>&1; then
    echo "FAIL net capsule: the system image did not build (see build/test-logs/57-net-capsule-build.log)"
    exit 1
fi
exec sh tests/net/qemu_check.sh build/nonos.img
