#!/bin/sh
# lib/crypto curve area: X25519 and Ed25519.
#  - RFC 7748 and RFC 8032 vectors, constants, edge cases (ASan + UBSan);
#  - every Wycheproof X25519 and Ed25519 vector (ASan + UBSan);
#  - differential tests against libsodium: CURVE_DIFF_SAN random inputs per
#    primitive under ASan + UBSan (default 20,000) and CURVE_DIFF random inputs
#    per primitive optimized (default 100,000);
#  - the committed base-point table equals the generator's output;
#  - the committed verify corpus tests/corpus/ed25519: each file's exact
#    result, and libsodium's decision on it;
#  - a short libFuzzer run of the Ed25519 verify fuzzer, seeded with RFC 8032
#    TEST 1 and the committed corpus.
# CURVE_SEED fixes the random inputs (the log shows the seed of each run).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
suite_require clang jq cmp

vectors=tests/vectors/wycheproof
work=build/test-work/crypto-curve
mkdir -p "$work"

if ! make -s -j2 curve-tests fuzz-ed25519-build; then
    echo "FAIL crypto-curve build: make curve-tests fuzz-ed25519-build failed"
    exit 1
fi
san=build/host-san/tests/crypto/curve_test
fast=build/host/tests/crypto/curve_test

# run NAME PREFIX COMMAND...: runs a test program, prints its PASS/FAIL lines
# (with PREFIX after the verdict) and turns a crash without FAIL line into one.
run() {
    name=$1 prefix=$2
    shift 2
    "$@" >"$work/out" 2>"$work/$name.log"
    status=$?
    sed "s/^\(PASS\|FAIL\) /\1 $prefix/" "$work/out"
    cat "$work/$name.log"
    if [ "$status" -ne 0 ] && ! grep -q '^FAIL ' "$work/out"; then
        echo "FAIL $name: exited with status $status (log: $work/$name.log)"
    fi
}

run vectors "" "$san" vectors

if [ ! -f "$vectors/x25519_test.json" ] || [ ! -f "$vectors/ed25519_test.json" ]; then
    echo "FAIL wycheproof curve vectors: $vectors/{x25519,ed25519}_test.json missing"
else
    jq -r '.testGroups[].tests[] |
        "\(.tcId) \(.private) \(.public) \(.shared) \(.result)"' \
        "$vectors/x25519_test.json" >"$work/x25519.txt"
    run x25519-wycheproof "" "$san" x25519-wycheproof "$work/x25519.txt"
    jq -r '.testGroups[] | .publicKey.pk as $pk | .tests[] |
        "\(.tcId) \($pk) \(if .msg == "" then "-" else .msg end) \(if .sig == "" then "-" else .sig end) \(.result)"' \
        "$vectors/ed25519_test.json" >"$work/ed25519.txt"
    run ed25519-wycheproof "" "$san" ed25519-wycheproof "$work/ed25519.txt"
fi

run differential-asan "[asan] " "$san" differential "${CURVE_DIFF_SAN:-20000}"
run differential "[-O2] " "$fast" differential "${CURVE_DIFF:-100000}"

if build/host/tests/crypto/curve_table_gen >"$work/table.h" &&
    cmp -s "$work/table.h" lib/crypto/edwards25519_table.h; then
    echo "PASS edwards25519_table.h equals the output of curve_table_gen"
else
    echo "FAIL edwards25519_table.h: differs from curve_table_gen output (regenerate it)"
fi

run corpus "" "$san" corpus tests/corpus/ed25519

# Fuzz smoke: a fixed number of runs from the RFC 8032 seed and the committed
# corpus (copies, so the working corpus of `make fuzz-ed25519` is not touched).
rm -rf "$work/corpus" && cp -r build/fuzz/corpus/ed25519 "$work/corpus" &&
    cp tests/corpus/ed25519/* "$work/corpus/"
if build/fuzz/tests/fuzz/fuzz_ed25519 -runs="${CURVE_FUZZ_RUNS:-3000}" -max_len=1024 \
    -seed=1 "$work/corpus" >"$work/fuzz.log" 2>&1; then
    echo "PASS fuzz-ed25519 smoke (${CURVE_FUZZ_RUNS:-3000} runs, decisions equal libsodium's)"
else
    echo "FAIL fuzz-ed25519 smoke: crash or disagreement (log: $work/fuzz.log)"
fi
