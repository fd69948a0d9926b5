#!/bin/sh
# lib/crypto post-quantum area: SHAKE128/SHAKE256 and ML-DSA-65.
#  - FIPS 202 SHAKE examples, streaming, NTT constants and API edge cases (ASan + UBSan);
#  - the four-way Keccak and the AVX2 polynomial arithmetic against the portable code;
#  - SHAKE differential against node's crypto module (OpenSSL), MLDSA_SHAKE_CASES (2,000);
#  - Wycheproof mldsa_65_sign_seed (all cases; external-mu ones through
#    mldsa65_sign_mu), mldsa_65_verify (all), mldsa_65_sign_noseed (its
#    signatures verified; its signing skipped: expanded private keys);
#  - the CCTV accumulated check over MLDSA_ACCUMULATED keys (10,000, -O2);
#  - differential against @noble/post-quantum (pinned in tests/crypto/mldsa-noble,
#    installed with `npm ci` into build/mldsa-noble when missing),
#    MLDSA_NOBLE_CASES random cases (10,000, -O2);
#  - the bad-signature corpus with the exact result of each file;
#  - valgrind constant-time check of key expansion and signing;
#  - freestanding builds (kernel, efi) without libc symbols;
#  - stack use of keygen, sign and verify with the kernel's code generation;
#  - a short libFuzzer run of the decoding fuzzer.
# MLDSA_SEED fixes the random inputs (the log shows the seed of each run).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
suite_require clang jq llvm-nm valgrind

vectors=tests/vectors/wycheproof
work=build/test-work/crypto-mldsa
mkdir -p "$work"
san=build/host-san/tests/crypto/mldsa_test
fast=build/host/tests/crypto/mldsa_test
seed=${MLDSA_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "mldsa seed: $seed (rerun with MLDSA_SEED=$seed)"

if ! make -s -j2 mldsa-tests fuzz-mldsa65-build build/host/tests/crypto/mldsa_measure; then
    echo "FAIL crypto-mldsa build: make mldsa-tests fuzz-mldsa65-build failed"
    exit 1
fi

# run NAME COMMAND...: runs a test program, prints its PASS/FAIL lines and
# turns a failure without a FAIL line into one.
run() {
    name=$1
    shift
    "$@" >"$work/out" 2>"$work/$name.log"
    status=$?
    cat "$work/out"
    if [ "$status" -ne 0 ] && ! grep -q '^FAIL ' "$work/out"; then
        echo "FAIL $name: exited with status $status (log: $work/$name.log)"
    fi
}

run vectors "$san" vectors
# The four-way SHAKE128 of ExpandA (keccak_x4.h) on both paths: each run
# also checks both four-way permutations against the scalar one. The AVX2
# path needs an AVX2 CPU: without one these are FAIL lines, not skips.
for simd in avx2 portable; do
    export MLDSA_SIMD=$simd
    run "shake-x4-$simd" "$san" shake-x4 "${MLDSA_X4_CASES:-500}" "$seed"
done
unset MLDSA_SIMD
# The AVX2 polynomial arithmetic (mldsa65_poly_avx2.c) against the portable
# one, bit for bit; also needs an AVX2 CPU (else a FAIL line).
run arith "$san" arith "${MLDSA_ARITH_CASES:-2000}" "$seed"
run small-window build/host-san/tests/crypto/mldsa_test_small_window sample-in-ball \
    "built with a 4-candidate window, so nearly every call takes the fallback: "

# The second implementations run on node: a missing node or npm, or a failed
# install, is a failure, never a skip.
noble=build/mldsa-noble
node_ok=1
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "FAIL mldsa node/npm: not installed (make deps)"
    node_ok=0
elif ! cmp -s tests/crypto/mldsa-noble/package-lock.json "$noble/package-lock.json" ||
     [ ! -f "$noble/node_modules/@noble/post-quantum/ml-dsa.js" ]; then
    rm -rf "$noble" && mkdir -p "$noble" &&
        cp tests/crypto/mldsa-noble/package.json tests/crypto/mldsa-noble/package-lock.json "$noble/"
    if ! (cd "$noble" && npm ci --ignore-scripts --no-audit --no-fund) >"$work/npm.log" 2>&1; then
        echo "FAIL mldsa npm ci of @noble/post-quantum: see $work/npm.log"
        rm -f "$noble/package-lock.json"
        node_ok=0
    fi
fi

if [ "$node_ok" -eq 1 ]; then
    "$fast" shake-cases "${MLDSA_SHAKE_CASES:-2000}" "$seed" >"$work/shake-ours.txt" &&
        node tests/crypto/mldsa-noble/shake.cjs <"$work/shake-ours.txt" >"$work/shake-node.txt" ||
        echo "FAIL shake differential: generating or running node failed"
    run shake-differential "$san" shake-check <"$work/shake-node.txt"
fi

if [ ! -f "$vectors/mldsa_65_sign_seed_test.json" ] || [ ! -f "$vectors/mldsa_65_verify_test.json" ] ||
   [ ! -f "$vectors/mldsa_65_sign_noseed_test.json" ]; then
    echo "FAIL wycheproof mldsa vectors: $vectors/mldsa_65_*_test.json missing"
else
    jq -r '.testGroups[] | (.privateSeed // "none") as $seed | (.publicKey // "none") as $pk | .tests[] |
        [(.tcId | tostring), $seed, $pk, (.msg // "none"), (.mu // "none"), (.ctx // "none"),
         (.rnd // "none"), (.sig // "none"), .result] |
        map(if . == "" then "-" else . end) | join(" ")' \
        "$vectors/mldsa_65_sign_seed_test.json" >"$work/sign-seed.txt"
    jq -r '.testGroups[] | (.publicKey // "none") as $pk | .tests[] |
        [(.tcId | tostring), $pk, (.msg // "none"), (.ctx // "none"), (.sig // "none"), .result] |
        map(if . == "" then "-" else . end) | join(" ")' \
        "$vectors/mldsa_65_verify_test.json" >"$work/verify.txt"
    # Verification with a prepared key expands A four streams at a time: the
    # vectors run with the AVX2 path and with the portable one.
    for simd in avx2 portable; do
        export MLDSA_SIMD=$simd
        run "sign-seed-$simd" "$san" sign-wycheproof "wycheproof mldsa_65_sign_seed ($simd)" <"$work/sign-seed.txt"
        run "verify-$simd" "$san" verify-wycheproof "wycheproof mldsa_65_verify ($simd)" <"$work/verify.txt"
    done
    unset MLDSA_SIMD
    # The noseed file gives expanded private keys, which a seed-only API
    # cannot sign with: its valid signatures over a message are verified
    # under the group's public key, its too-long contexts must be refused
    # by verify; the rest is counted as skipped.
    jq -r '.testGroups[] | (.publicKey // "none") as $pk | .tests[] |
        select(.msg != null and (.result == "valid" or (.flags | index("InvalidContext")))) |
        [(.tcId | tostring), $pk, .msg, (.ctx // "none"), (.sig // "none"), .result] |
        map(if . == "" then "-" else . end) | join(" ")' \
        "$vectors/mldsa_65_sign_noseed_test.json" >"$work/noseed.txt"
    run noseed "$san" verify-wycheproof "wycheproof mldsa_65_sign_noseed signatures (verify only)" \
        <"$work/noseed.txt"
    total=$(jq '[.testGroups[].tests[]] | length' "$vectors/mldsa_65_sign_noseed_test.json")
    used=$(wc -l <"$work/noseed.txt")
    echo "PASS wycheproof mldsa_65_sign_noseed: signing skipped for all $total cases (expanded private keys; the API takes seeds); $used verified, $((total - used)) skipped entirely (external mu only, or a bad private key: lengths 4031/4033, s1 or s2 out of range)"
fi

iterations=${MLDSA_ACCUMULATED:-10000}
expected=$(awk -v n="$iterations" '$1 == "ML-DSA-65" && $2 == n { print $3 }' \
    tests/vectors/cctv/mldsa-accumulated.txt)
if [ -z "$expected" ]; then
    echo "FAIL mldsa65 CCTV accumulated: no ML-DSA-65 digest for $iterations iterations in tests/vectors/cctv/mldsa-accumulated.txt"
else
    run accumulated "$fast" accumulated "$iterations" "$expected"
fi

if [ "$node_ok" -eq 1 ]; then
    cases=${MLDSA_NOBLE_CASES:-10000}
    if "$fast" noble-cases "$cases" "$seed" >"$work/noble-ours.txt" 2>"$work/noble-cases.log"; then
        echo "PASS mldsa65 our mutated signatures refused by us ($cases cases)"
    else
        echo "FAIL mldsa65 noble-cases: $(cat "$work/noble-cases.log")"
    fi
    node tests/crypto/mldsa-noble/differential.cjs "$noble" "$work/noble-theirs.txt" \
        <"$work/noble-ours.txt" 2>"$work/noble.log"
    if [ $? -ne 0 ] && [ -s "$work/noble.log" ]; then
        echo "FAIL mldsa65 noble script: $(head -c 300 "$work/noble.log")"
    fi
    for simd in avx2 portable; do
        export MLDSA_SIMD=$simd
        run "noble-check-$simd" "$fast" noble-check <"$work/noble-theirs.txt"
    done
    unset MLDSA_SIMD
fi

run corpus "$san" corpus tests/corpus/mldsa65

# Constant time (ctgrind), as in suite 25.
program=build/host-ct-mldsa/tests/crypto/mldsa_ct
if ! command -v valgrind >/dev/null || ! make -s -j2 "$program"; then
    echo "FAIL mldsa constant-time: valgrind missing or build failed"
else
    # Signing with the portable and with the AVX2 arithmetic (an AVX2 CPU
    # is needed, as above: its absence makes the avx2 runs fail).
    for operation in public-key sign sign-hedged leaky public-key:avx2 sign:avx2 sign-hedged:avx2; do
        log="$work/ct-$operation.log"
        simd=portable
        case $operation in *:avx2) simd=avx2 ;; esac
        MLDSA_SIMD=$simd valgrind -q --error-exitcode=1 --track-origins=yes "$program" \
            "${operation%:avx2}" >"$log" 2>&1
        result=$?
        if [ "$operation" = leaky ]; then
            if [ "$result" -eq 1 ] && grep -q 'uninitialised value' "$log"; then
                echo "PASS mldsa constant-time: the leaky control is caught"
            else
                echo "FAIL mldsa constant-time: leaky control not reported (log: $log)"
            fi
        elif [ "$result" -eq 0 ]; then
            echo "PASS mldsa constant-time $operation: no secret-dependent branch or index beyond the FIPS 204 public values"
        else
            echo "FAIL mldsa constant-time $operation: valgrind report or status $result (log: $log)"
        fi
    done
fi

# Freestanding: kernel and UEFI objects need nothing beyond the memory
# functions and the crypto core.
for env in kernel efi; do
    # shellcheck disable=SC2046
    suite_check_freestanding mldsa "$env" $(make -s --no-print-directory print-pq-srcs) \
        lib/crypto/crypto.c
done

# Stack use with the kernel's code generation; verification must stay well
# inside a 32 KiB kernel stack (limit MLDSA_VERIFY_STACK_LIMIT, 12 KiB).
if build/host/tests/crypto/mldsa_measure stack >"$work/stack.txt" 2>"$work/stack.log"; then
    verify=$(awk '$1 == "verify" { print $2 }' "$work/stack.txt")
    prepared=$(awk '$1 == "verify_prepared" { print $2 }' "$work/stack.txt")
    figures=$(tr '\n' ' ' <"$work/stack.txt")
    if [ -n "$verify" ] && [ "$verify" -le "${MLDSA_VERIFY_STACK_LIMIT:-12288}" ] &&
       [ -n "$prepared" ] && [ "$prepared" -le "${MLDSA_VERIFY_STACK_LIMIT:-12288}" ]; then
        echo "PASS mldsa stack use (bytes, kernel code generation): $figures"
    else
        echo "FAIL mldsa stack use: verify or verify_prepared over ${MLDSA_VERIFY_STACK_LIMIT:-12288} bytes ($figures)"
    fi
else
    echo "FAIL mldsa stack measurement: $(cat "$work/stack.log")"
fi

# Fuzz smoke: a fixed number of runs from the committed corpus (a copy).
rm -rf "$work/corpus" && cp -r tests/corpus/mldsa65 "$work/corpus"
runs=${MLDSA_FUZZ_RUNS:-2000}
if build/fuzz/tests/fuzz/fuzz_mldsa65 -runs="$runs" -max_len=6000 -seed=1 "$work/corpus" \
        >"$work/fuzz.log" 2>&1; then
    echo "PASS fuzz-mldsa65 smoke ($runs runs, decoding decisions equal the reference reading)"
else
    echo "FAIL fuzz-mldsa65 smoke: crash or disagreement (log: $work/fuzz.log)"
fi
