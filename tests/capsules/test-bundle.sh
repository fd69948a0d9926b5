#!/bin/sh
# Builds the TEST image's boot bundle: the product bundle's capsules plus
# the hostile test capsules of tests/capsules/ (docs/kernel.md, "Hostile
# tests"), the name-service pair tests/capsules/names-echo-*
# (docs/names.md) and the drivers' test client tests/capsules/virtio-client
# (docs/drivers.md), each built and signed with nonos-capsule exactly as an author
# would, with the product bundle's author key. The product image never
# carries these (suite 50 checks its bundle).
#
# usage: test-bundle.sh TOOL PRODUCT_BUNDLE KEY_DIR OUT_DIR
#
# Each tests/capsules/hostile-*/, names-echo-*/ and virtio-client/ is staged to OUT_DIR/NAME/ (capsule.toml,
# and src/ with the directory's sources and every file of
# tests/capsules/lib/), so nothing is written into the source tree.
set -eu
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
product=$2
# The product bundle's key (made by system-bundle.sh); made here if a
# bundle from elsewhere (make BUNDLE_FILE=...) left none.
[ -f "$3/author.key" ] || "$tool" keygen --dir "$3" >/dev/null
keys=$(cd "$3" && pwd)
out=$4
source=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out/product"
out=$(cd "$out" && pwd)
export NONOS_KEY_DIR="$keys"
# The product bundle's capsules, as .mod files (capsule-format.md section 6).
python3 - "$product" "$out/product" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"NONOSBDL" and struct.unpack_from("<H", data, 8)[0] == 2, "not a bundle"
authors, capsules = struct.unpack_from("<HI", data, 10)
at = 16
for _ in range(authors):
    keys = struct.unpack_from("<H", data, at)[0]
    at += {1: 38, 2: 1994}[keys]
for i in range(capsules):
    length = struct.unpack_from("<I", data, at)[0]
    open("%s/%02d.mod" % (sys.argv[2], i), "wb").write(data[at + 4:at + 4 + length])
    at += 4 + length
assert at == len(data), "trailing bytes"
PY
# All of them, the shell capsule included: it is the test image's prompt
# too (the kernel starts no shell of its own when init runs), and suite 50
# types `selftest` there (forwarded to the test kernel, docs/userland.md).
# Except the network stack (user/net) and the mesh node (user/mesh): the
# net capsule would hold nonos.netif, which virtio-client must attach to,
# and their timers (ARP, DHCP, beacons every second) would add context
# switches to the kernel tests that count them
# (thread_join_waits_without_polling); suites 57-net-capsule and
# 58-one-mesh boot them in the product image.
mods=
for mod in "$out"/product/*.mod; do
    [ -f "$mod" ] || continue
    "$tool" inspect "$mod" 2>/dev/null | grep -qE '^capsule +(net|mesh) ' && continue
    mods="$mods $mod"
done
# virtio-client first: it never exits, and suite 50 waits for the last
# capsule of the bundle to end.
for dir in "$source"/virtio-client/ "$source"/hostile-*/ "$source"/names-echo-*/; do
    name=$(basename "$dir")
    mkdir -p "$out/$name/src"
    cp "$dir/capsule.toml" "$out/$name/"
    cp "$dir"/*.c "$source"/lib/* "$out/$name/src/"
    case "$name" in # the DMA drivers drive their device with the drivers' own library
        virtio-client) cp "$source"/../../user/lib/netif_client.[ch] "$out/$name/src/" ;;
        hostile-dma-*) cp "$source"/../../user/lib/virtio.[ch] "$source"/../../user/lib/virtio_pci.[ch] \
            "$source"/../../user/lib/virtqueue.[ch] \
            "$source"/../../lib/base/mem.c \
            "$out/$name/src/" ;;
    esac
    (cd "$out/$name" && "$tool" build >/dev/null && "$tool" sign >/dev/null)
    mods="$mods $(ls "$out/$name"/*.mod)"
done
# shellcheck disable=SC2086
"$tool" bundle --trust "$keys/author.pub" -o "$out/bundle.bin" $mods >"$out/bundle.txt"
