#!/bin/sh
# Hash area of the crypto core: SHA-256, SHA-512, HMAC, HKDF, BLAKE2b,
# Argon2id. Known-answer vectors typed from the specs, Wycheproof vectors,
# differential tests against libsodium and a fuzz smoke run, all under
# ASan + UBSan; plus a check that the sources build freestanding.
set -u
. tests/lib.sh
suite_require clang jq llvm-nm valgrind
status=0
bin=build/host-san/tests/crypto

# Freestanding: kernel and UEFI objects must build, and may only need the
# memory functions of lib/base/mem.c and crypto.c's crypto_wipe.
hash_objects() {
    for f in $(make -s --no-print-directory print-hash-srcs); do
        echo "build/$1/${f%.c}.o"
    done
}
for env in kernel efi; do
    objects=$(hash_objects "$env")
    if ! make -s -j2 $objects; then
        echo "FAIL hash sources build freestanding ($env): compile error"
        continue
    fi
    defined=$(llvm-nm --defined-only $objects | awk 'NF == 3 { print $3 }' | sort -u)
    extra=$(llvm-nm -u $objects | awk 'NF == 2 { print $2 }' | sort -u |
            grep -v -x -e memcpy -e memset -e memmove -e crypto_wipe -e crypto_equal \
                 $(for d in $defined; do printf ' -e %s' "$d"; done) | tr '\n' ' ')
    if [ -n "$extra" ]; then
        echo "FAIL hash sources build freestanding ($env): undefined symbols: $extra"
    else
        echo "PASS hash sources build freestanding ($env), no libc symbols"
    fi
done

make -s -j2 $bin/hash_vectors || { echo "FAIL hash test build"; exit 1; }
$bin/hash_vectors || status=1

# Same vectors, library compiled with general registers only (kernel style).
gro=build/host-gro/tests/crypto/hash_vectors
if ! make -s -j2 $gro; then
    echo "FAIL general-registers build of the hash sources"
    status=1
else
    $gro > build/test-logs/hash-vectors-gro.txt || status=1
    sed 's/^\(PASS\|FAIL\) /\1 general-regs build: /' build/test-logs/hash-vectors-gro.txt
fi

# Constant time (ctgrind): secrets marked undefined for memcheck. The only
# reports allowed are Argon2id's reference-block selection (reference_block)
# and the load of that block (reg_load in G), which RFC 9106 makes depend on
# the password after the first half pass.
ct=build/host-ct/tests/crypto/hash_ct
ct_log=build/test-logs/hash-ct-valgrind.log
if ! make -s -j2 $ct; then
    echo "FAIL hash_ct build"
    status=1
else
    valgrind --log-file=$ct_log $ct || status=1
    others=$(awk '/^==[0-9]+== (Conditional jump|Use of uninitialised)/ { getline; print $4 }' $ct_log |
             grep -v -x -e reference_block -e reg_load | sort -u | tr '\n' ' ')
    if [ -n "$others" ]; then
        echo "FAIL argon2id secret-dependent operations only in reference selection: also in $others"
        status=1
    elif ! grep -q 'reference_block' $ct_log; then
        echo "FAIL argon2id secret-dependent operations only in reference selection: none reported at all"
        status=1
    else
        echo "PASS argon2id secret-dependent operations only in reference selection (memcheck)"
    fi
fi

# Wycheproof: JSON to one line per vector, "-" for empty byte strings.
vectors=tests/vectors/wycheproof
if [ ! -d "$vectors" ]; then
    echo "FAIL wycheproof vectors: $vectors missing"
    exit 1
fi
make -s -j2 $bin/hash_wycheproof || { echo "FAIL hash_wycheproof build"; exit 1; }
{
    for h in sha256 sha512; do
        jq -r --arg kind "hmac-$h" '.testGroups[].tests[] |
            [$kind, .tcId, .result, .key, .msg, .tag] | map(tostring) |
            map(if . == "" then "-" else . end) | join(" ")' "$vectors/hmac_${h}_test.json" || exit 1
        jq -r --arg kind "hkdf-$h" '.testGroups[].tests[] |
            [$kind, .tcId, .result, .ikm, .salt, .info, .size, .okm] | map(tostring) |
            map(if . == "" then "-" else . end) | join(" ")' "$vectors/hkdf_${h}_test.json" || exit 1
    done
} > build/test-logs/hash-wycheproof.txt || { echo "FAIL wycheproof conversion (jq)"; exit 1; }
$bin/hash_wycheproof < build/test-logs/hash-wycheproof.txt || status=1

# Differential tests against libsodium. A fresh seed each run widens the
# coverage over time; a failing line names its seed for replay.
make -s -j2 $bin/hash_differential || { echo "FAIL hash_differential build"; exit 1; }
seed=${HASH_SEED:-$(date +%s)}
iterations=${HASH_ITERATIONS:-100000}
echo "differential seed $seed"
for primitive in sha256 sha512 hmac-sha256 hmac-sha512 hkdf-sha256 hkdf-sha512 blake2b; do
    $bin/hash_differential $primitive "$iterations" "$seed" || status=1
done
$bin/hash_differential argon2id "${HASH_ARGON2_SETS:-1000}" "$seed" || status=1

# Fuzz smoke run: the Argon2id parameter fuzzer from its seed corpus for a
# bounded time (make fuzz-argon2id runs it longer). New inputs go to build/.
fuzzer=build/fuzz/tests/fuzz/fuzz_argon2id
smoke_seconds=${HASH_FUZZ_SECONDS:-10}
if ! make -s -j2 $fuzzer; then
    echo "FAIL fuzz_argon2id build"
    status=1
else
    mkdir -p build/fuzz/corpus/argon2id-smoke
    if $fuzzer -max_total_time="$smoke_seconds" -seed="$seed" \
            build/fuzz/corpus/argon2id-smoke tests/corpus/argon2id \
            > build/test-logs/fuzz-argon2id-smoke.log 2>&1; then
        runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' build/test-logs/fuzz-argon2id-smoke.log)
        echo "PASS fuzz_argon2id smoke run (${smoke_seconds}s, ${runs:-?} executions, no crash)"
    else
        echo "FAIL fuzz_argon2id smoke run: crash (see build/test-logs/fuzz-argon2id-smoke.log, seed $seed)"
        status=1
    fi
fi
exit $status
