#!/bin/sh
# Builds the boot bundle of the system image (BUNDLE_FILE, default
# build/capsules/bundle.bin): the capsules the kernel verifies at boot and
# the author key it trusts for them.
#
# usage: system-bundle.sh TOOL OUT_DIR [PROJECT_DIR...]
#
# Each PROJECT_DIR is a capsule project (capsule.toml and src/, staged by
# user/user.mk for the system capsules init, names and shell); it is built
# and signed with TOOL exactly as an author would (docs/capsules.md) and
# goes into the bundle in the order given, followed by the SDK's template
# capsule "hello" (nonos-capsule new), which prints one line and exits.
#
# The author key of this build tree lives in OUT_DIR/keys (created once,
# mode 0600 secret, never printed): a hybrid Ed25519 + ML-DSA-65 key. A key
# left by an older tree (Ed25519 only, before capsule format 2) is replaced,
# so the system bundle is always signed with a hybrid key.
set -eu
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
shift 2
mkdir -p "$out"
out=$(cd "$out" && pwd)
export NONOS_KEY_DIR="$out/keys"
if [ -f "$out/keys/author.key" ] && ! grep -q '^ml-dsa-65-secret:' "$out/keys/author.key"; then
    rm -rf "$out/keys"
fi
[ -f "$out/keys/author.key" ] || "$tool" keygen --dir "$out/keys" >/dev/null
mods=""
for project in "$@"; do
    project=$(cd "$project" && pwd)
    rm -f "$project"/*.mod
    (cd "$project" && "$tool" build >/dev/null && "$tool" sign >/dev/null)
    mods="$mods $(ls "$project"/*.mod)"
done
cd "$out"
rm -rf hello
"$tool" new hello >/dev/null
(cd hello && "$tool" build >/dev/null && "$tool" sign >/dev/null)
# shellcheck disable=SC2086
"$tool" bundle --trust keys/author.pub -o bundle.bin $mods hello/hello-0.1.0.mod
