#!/bin/sh
# Builds the boot bundle of the system image (BUNDLE_FILE, default
# build/capsules/bundle.bin): the capsules the kernel verifies at boot and
# the author key it trusts for them.
#
# usage: system-bundle.sh TOOL OUT_DIR
#
# The author key of this build tree lives in OUT_DIR/keys (created once,
# mode 0600 secret, never printed): a hybrid Ed25519 + ML-DSA-65 key. A key
# left by an older tree (Ed25519 only, before capsule format 2) is replaced,
# so the system bundle is always signed with a hybrid key. Until the system capsules of user/
# exist, the bundle holds the SDK's template capsule "hello", built and
# signed exactly as an author would (docs/capsules.md).
set -eu
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
mkdir -p "$out"
cd "$out"
export NONOS_KEY_DIR="$PWD/keys"
if [ -f keys/author.key ] && ! grep -q '^ml-dsa-65-secret:' keys/author.key; then
    rm -rf keys
fi
[ -f keys/author.key ] || "$tool" keygen --dir keys >/dev/null
rm -rf hello
"$tool" new hello >/dev/null
(cd hello && "$tool" build >/dev/null && "$tool" sign >/dev/null)
"$tool" bundle --trust keys/author.pub -o bundle.bin hello/hello-0.1.0.mod
