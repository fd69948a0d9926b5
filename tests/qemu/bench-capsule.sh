#!/bin/sh
# `make bench-capsule` (a benchmark, not a test): capsule verification cost.
#   host:   capsule_open for 4 KiB, 1 MiB and 16 MiB payloads (Ed25519-only
#           proofs) and a 4 KiB hybrid (Ed25519 + ML-DSA-65) one, against
#           the floor sha256sum + one libsodium Ed25519 verification (+ one
#           ML-DSA-65 verification for the hybrid) (tests/bench/capsule_bench.c);
#   kernel: the same capsules in a boot bundle, verified by the kernel at
#           boot under QEMU -icount shift=0,sleep=off -rtc clock=vm, where the
#           TSC counts instructions ("capsules: ... in N tsc").
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/qemu/lib.sh
dir=build/bench-capsule
mkdir -p "$dir"
trap 'qemu_stop' EXIT

build/host/tests/bench/capsule_bench "$dir" || exit 1
for size in 4KiB 4KiB-hybrid 1MiB 16MiB; do
    trust=$dir/author.pub
    case $size in *-hybrid) trust=$dir/author-hybrid.pub ;; esac
    build/host/nonos-capsule bundle --trust "$trust" -o "$dir/bundle-$size.bin" \
        "$dir/payload-$size.mod" >"$dir/bundle-$size.log" || exit 1
    make -s -j2 "$dir/bench-$size.img" >"$dir/image-$size.log" 2>&1 ||
        { echo "bench-capsule: image build failed (see $dir/image-$size.log)"; exit 1; }
    log=$dir/icount-$size.log
    qemu_start "$dir/bench-$size.img" "$log" 900 -icount shift=0,sleep=off -rtc clock=vm \
        2>>"$dir/qemu.err"
    if ! qemu_wait_for "$log" 'capsules: [0-9]+ of [0-9]+ verified' 890; then
        echo "bench-capsule: no verification line for $size (log: $log)"
        exit 1
    fi
    qemu_stop
    line=$(tr -d '\r' <"$log" | grep -a 'capsules: [0-9]* of [0-9]* verified' | head -n 1)
    instructions=$(echo "$line" | sed -n 's/.* in \([0-9]*\) tsc.*/\1/p')
    bytes=$(wc -c <"$dir/payload-$size.mod" | tr -d ' ')
    eval "instructions_$(echo "$size" | tr -d -)=\$instructions"
    echo "bench-capsule kernel $size ($bytes-byte .mod): $instructions instructions" \
        "($(awk -v i="$instructions" -v b="$bytes" 'BEGIN { printf "%.1f", i / b }') per byte)," \
        "verdict: ${line#capsules: }"
done
# The hybrid proof's cost at boot, next to the Ed25519-only one (4 KiB).
echo "bench-capsule kernel 4KiB hybrid (Ed25519 + ML-DSA-65) vs Ed25519 only:" \
    "$instructions_4KiBhybrid vs $instructions_4KiB instructions" \
    "(+$((instructions_4KiBhybrid - instructions_4KiB)) for the ML-DSA-65 verification," \
    "the longer proof and the hybrid author's fingerprint)"
