#!/bin/sh
# The system capsules (user/) on Linux under ASan + UBSan: their pure logic
# (tests/user/user_test.c: text buffers, line editor, name-service policy,
# init's start plan and restart limit, the shell's parsing and tables);
# each capsule's whole code against a fake kernel that answers its system
# calls (tests/user/{names,shell,init}_test.c with fake_kernel.c); the net
# capsule's datagram API against the fake kernel and a lib/net stack
# (tests/user/datagram_test.c) and its corpus of bad requests, each with
# its exact refusal (tests/corpus/net-datagram, datagram_corpus.c); the
# corpora of nonos.mesh's command line, of nonos.net's REPORT/PING
# requests and of the mesh capsule's reading of nonos.net's replies, each
# bad one with its exact refusal (tests/corpus/mesh-command, net-request,
# mesh-net-reply: mesh_command_corpus.c, net_request_corpus.c,
# mesh_net_reply_corpus.c); the corpus of the shell's reading of
# nonos.net's REPORT and PING replies, each bad one with its exact refusal
# and each good one with what the shell shows of its text, escaped
# (tests/corpus/shell-net-reply, shell_net_reply_corpus.c); the
# virtio drivers' PCI capability walk's corpus of bad devices, each with
# its exact refusal (tests/corpus/virtio-pci, virtio_pci_corpus.c); the
# virtio-net driver's checks of what its client controls (netif requests,
# ring indices, TX entries: tests/user/netif_wire_test.c, with the data
# path on host memory fed hostile indices) and their corpus, each with its
# exact refusal (tests/corpus/netif-request, netif_corpus.c); and the
# capsules built and signed with nonos-capsule into the boot bundle, each
# verified by the tool.
set -u
. tests/lib.sh
suite_require clang
status=0
tests="user_test user_names_test user_shell_test user_init_test user_datagram_test user_netif_wire_test"
if ! make -s -j2 $(for t in $tests user_datagram_corpus user_virtio_pci_corpus user_netif_corpus \
        user_mesh_command_corpus user_net_request_corpus user_mesh_net_reply_corpus \
        user_shell_net_reply_corpus; do echo build/tests/$t; done); then
    echo "FAIL user: host test build failed"
    exit 1
fi
for t in $tests; do
    build/tests/$t || status=1
done
build/tests/user_datagram_corpus --check tests/corpus/net-datagram || status=1
build/tests/user_virtio_pci_corpus --check tests/corpus/virtio-pci || status=1
build/tests/user_netif_corpus --check tests/corpus/netif-request || status=1
build/tests/user_mesh_command_corpus --check tests/corpus/mesh-command || status=1
build/tests/user_net_request_corpus --check tests/corpus/net-request || status=1
build/tests/user_mesh_net_reply_corpus --check tests/corpus/mesh-net-reply || status=1
build/tests/user_shell_net_reply_corpus --check tests/corpus/shell-net-reply || status=1

# Rebuilt here, so that the log holds nonos-capsule bundle's verdicts.
rm -f build/capsules/bundle.bin
if ! make -s -j2 user-capsules >build/test-logs/17-user-bundle.log 2>&1; then
    echo "FAIL user: the boot bundle with init, names, shell did not build (build/test-logs/17-user-bundle.log)"
    exit 1
fi
for name in init names shell; do
    mod=$(ls build/user/$name/$name-*.mod 2>/dev/null | head -n 1)
    if [ -n "$mod" ] && build/host/nonos-capsule verify "$mod" --trust build/capsules/keys/author.pub >/dev/null 2>&1; then
        echo "PASS user: $name capsule built, signed and verified by nonos-capsule"
    else
        echo "FAIL user: $name capsule missing or not verified (${mod:-no .mod})"
        status=1
    fi
done
for name in init names shell hello; do
    if grep -q "^  [0-9]* $name 0.1.0: verified" build/test-logs/17-user-bundle.log; then
        echo "PASS user: the boot bundle holds $name, verified as the kernel will"
    else
        echo "FAIL user: the boot bundle lacks a verified $name"
        status=1
    fi
done
exit $status
