#!/bin/sh
# Installs the Debian packages that building and testing NØNOS need, and only
# the missing ones: a machine that already has them is left untouched, so this
# runs at the start of `make run` and `make test` at almost no cost.
set -eu

PACKAGES="clang lld llvm make qemu-system-x86 ovmf mtools gdisk dosfstools
libsodium-dev libclang-rt-14-dev valgrind cppcheck clang-tools jq xxd python3
python3-scapy"

missing=""
for package in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $package" ;;
    esac
done

# python3-scapy is the independent implementation lib/net's packet codecs are
# checked against (tests/net/scapy_check.py, suite 26-net).

# node and npm run the second ML-DSA implementation (@noble/post-quantum,
# suite 23-crypto-mldsa) and fetch PQClean's sources for bench-pq. Debian 12's
# nodejs 18 is enough (the pinned noble 0.4.1 asks for no newer node); a node
# from elsewhere that bundles npm (e.g. nodesource) is fine too, so the check
# is on the commands, not on the Debian packages.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

[ -z "$missing" ] && exit 0

echo "deps: installing missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
