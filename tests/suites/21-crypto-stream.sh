#!/bin/sh
# Stream area of the crypto core: ChaCha20, XChaCha20, Poly1305, the two
# AEADs and the random generator. RFC 8439 and XChaCha draft vectors, all
# Wycheproof AEAD vectors, differential tests against libsodium (100,000
# random inputs per primitive, plus the portable core alone), random
# generator behaviour, the committed AEAD open corpus tests/corpus/aead with
# each file's exact result, all under ASan + UBSan (suite 80 smoke-runs the
# AEAD fuzzer, seeded from that corpus); a
# valgrind constant-time check (ctgrind) of both ChaCha20 paths; plus a
# check that the sources build freestanding without libc.
set -u
. tests/lib.sh
suite_require clang jq llvm-nm od valgrind
status=0
bin=build/host-san/tests/crypto
vectors=tests/vectors/wycheproof

# Freestanding: kernel and UEFI objects must build and need nothing beyond
# the memory functions (lib/base/mem.c) and the crypto core itself.
for env in kernel efi; do
    # shellcheck disable=SC2046
    suite_check_freestanding stream "$env" $(make -s --no-print-directory print-stream-srcs) \
        lib/crypto/sha256.c lib/crypto/crypto.c
done

make -s -j2 $bin/stream_vectors $bin/stream_wycheproof $bin/stream_differential \
    $bin/stream_differential_scalar $bin/stream_random ||
    { echo "FAIL stream test build"; exit 1; }

$bin/stream_vectors || status=1
$bin/stream_vectors corpus tests/corpus/aead || status=1

if [ ! -d "$vectors" ]; then
    echo "FAIL stream wycheproof: vectors not found at $vectors"
else
    for algorithm in chacha20 xchacha20; do
        file="$vectors/${algorithm}_poly1305_test.json"
        jq -r '.testGroups[] | .ivSize as $iv | .tests[] |
               [(.tcId | tostring), ($iv | tostring), .key, .iv, .aad, .msg, .ct, .tag, .result] |
               map(if . == "" then "-" else . end) | join(" ")' "$file" |
            $bin/stream_wycheproof "${algorithm%20}" "$algorithm-poly1305" || status=1
    done
fi

# A fresh seed each run (printed to the log) widens coverage over time.
seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
echo "differential seed: $seed (rerun: $bin/stream_differential 100000 $seed)"
$bin/stream_differential 100000 "$seed" || status=1
STREAM_VARIANT="portable core: " $bin/stream_differential_scalar 20000 "$seed" || status=1

$bin/stream_random || status=1

# Constant time (ctgrind): secrets marked undefined, valgrind reports any
# branch or address that depends on them; the "leaky" control must be caught.
ct_work=build/test-work/stream-ct
mkdir -p "$ct_work"
for variant in host-ct host-ct-scalar; do
    program=build/$variant/tests/crypto/stream_ct
    label=$([ "$variant" = host-ct ] && echo "vector path" || echo "portable core")
    if ! command -v valgrind >/dev/null || ! make -s -j2 "$program"; then
        echo "FAIL stream constant-time ($label): valgrind missing or build failed"
        status=1
        continue
    fi
    for operation in chacha20 xchacha20 aead-encrypt xaead-encrypt aead-decrypt xaead-decrypt \
            random random-seed leaky; do
        log="$ct_work/$variant-$operation.log"
        valgrind -q --error-exitcode=1 "$program" "$operation" >"$log" 2>&1
        result=$?
        if [ "$operation" = leaky ]; then
            if [ "$result" -eq 1 ] && grep -q 'uninitialised value' "$log"; then
                echo "PASS stream constant-time ($label): the leaky control is caught"
            else
                echo "FAIL stream constant-time ($label): leaky control not reported (log: $log)"
            fi
        elif [ "$result" -eq 0 ]; then
            echo "PASS stream constant-time ($label) $operation: no secret-dependent branch or index"
        else
            echo "FAIL stream constant-time ($label) $operation: valgrind report or status $result (log: $log)"
        fi
    done
done

# The fuzz target fuzz-aead is smoke-run by suite 80 with every other one.
exit $status
