#!/bin/sh
# Hash area of the crypto core: SHA-256, SHA-512, HMAC, HKDF, BLAKE2b,
# Argon2id. Known-answer vectors typed from the specs, Wycheproof vectors,
# differential tests against libsodium, the committed Argon2id corpus
# tests/corpus/argon2id with each file's exact result, all under
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
$bin/hash_vectors corpus tests/corpus/argon2id || status=1

# Same vectors, library compiled with general registers only (kernel style).
gro=build/host-gro/tests/crypto/hash_vectors
if ! make -s -j2 $gro; then
    echo "FAIL general-registers build of the hash sources"
    status=1
else
    $gro > build/test-logs/hash-vectors-gro.txt || status=1
    sed 's/^\(PASS\|FAIL\) /\1 general-regs build: /' build/test-logs/hash-vectors-gro.txt
fi

# Argon2id's compression on x86_64 hosts: the AVX2 clone must be 256-bit VEX
# code (ymm registers, vpmuludq) with no call left in it but the stack
# protector's; a helper left out of line would make both clones call one
# shared SSE2 function (which is how the first version shipped).
argon_obj=build/host/lib/crypto/argon2id.o
if ! make -s $argon_obj; then
    echo "FAIL argon2id AVX2 clone check: make $argon_obj failed"
    status=1
else
    clone=$(objdump -dr --no-show-raw-insn $argon_obj |
            awk '/<block_compress\.avx2[^>]*>:/ { on = 1; next } /^$/ { on = 0 } on')
    ymm=$(printf '%s\n' "$clone" | grep -c 'ymm')
    multiplies=$(printf '%s\n' "$clone" | grep -c 'vpmuludq.*ymm')
    calls=$(printf '%s\n' "$clone" | grep 'R_X86_64_PLT32' | grep -vc '__stack_chk_fail')
    if [ -z "$clone" ]; then
        echo "FAIL argon2id AVX2 clone check: no block_compress.avx2 in $argon_obj"
        status=1
    elif [ "$ymm" -lt 100 ] || [ "$multiplies" -lt 8 ] || [ "$calls" -ne 0 ]; then
        echo "FAIL argon2id AVX2 clone check: $ymm ymm instructions, $multiplies vpmuludq ymm, $calls calls"
        status=1
    else
        echo "PASS argon2id AVX2 clone is VEX code ($ymm ymm instructions, $multiplies vpmuludq ymm, no call)"
    fi
fi

# Constant time (ctgrind): secrets marked undefined for memcheck; any report
# fails. Argon2id's password-dependent reference index (RFC 9106, from slice 2
# of pass 0 on) is declassified in the library by what it is, not by the
# function that uses it. A mutant of argon2id.c that picks reference blocks
# from the password in slices 0-1 too must be reported: the check can fail.
ct=build/host-ct/tests/crypto/hash_ct
ct_log=build/test-logs/hash-ct-valgrind.log
if ! make -s -j2 $ct; then
    echo "FAIL hash_ct build"
    status=1
else
    valgrind -q --log-file=$ct_log $ct || status=1
fi
# The same checks on the portable cores (-DNONOS_CRYPTO_SCALAR): valgrind
# reports AVX2 and BMI2, so the run above checks SHA-512's and BLAKE2b's
# vector paths, and only this one the code the kernel runs.
ct_scalar=build/host-ct-scalar/tests/crypto/hash_ct
if ! make -s -j2 $ct_scalar; then
    echo "FAIL hash_ct build (portable cores)"
    status=1
else
    valgrind -q --log-file=build/test-logs/hash-ct-scalar-valgrind.log $ct_scalar \
        > build/test-logs/hash-ct-scalar.txt || status=1
    sed 's/^\(PASS\|FAIL\) /\1 portable cores: /' build/test-logs/hash-ct-scalar.txt
    grep -q '^PASS ' build/test-logs/hash-ct-scalar.txt ||
        echo "FAIL hash_ct (portable cores): no check ran"
fi
mutant_dir=build/host-ct/mutant
mkdir -p $mutant_dir
sed 's/int independent = pos.pass == 0 \&\& pos.slice < SYNC_POINTS \/ 2;/int independent = 0;/' \
    lib/crypto/argon2id.c > $mutant_dir/argon2id_mutant.c
if cmp -s lib/crypto/argon2id.c $mutant_dir/argon2id_mutant.c; then
    echo "FAIL argon2id constant-time mutant: the sed pattern no longer matches argon2id.c"
    status=1
elif ! clang $(make -s --no-print-directory print-HOST_CT_CFLAGS) -Ilib/crypto -c \
        $mutant_dir/argon2id_mutant.c -o $mutant_dir/argon2id_mutant.o ||
     ! clang -pie build/host-ct/tests/crypto/hash_ct.o $mutant_dir/argon2id_mutant.o \
        $(echo "$(make -s --no-print-directory print-HASH_SRCS) lib/crypto/crypto.c" | tr ' ' '\n' |
          grep -v argon2id | sed 's|^\(.*\)\.c$|build/host-ct/\1.o|') -o $mutant_dir/hash_ct; then
    echo "FAIL argon2id constant-time mutant: build failed"
    status=1
else
    valgrind -q $mutant_dir/hash_ct argon2id > $mutant_dir/out 2> $mutant_dir/valgrind.log
    if grep -q '^FAIL ' $mutant_dir/out && grep -q 'uninitialised' $mutant_dir/valgrind.log; then
        echo "PASS argon2id constant-time check catches a secret-indexed load in slices 0-1 (mutant reported)"
    else
        echo "FAIL argon2id constant-time check: a mutant indexing by the password in slices 0-1 was not reported (log: $mutant_dir/valgrind.log)"
        status=1
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

# The fuzz target fuzz-argon2id is smoke-run by suite 80 with every other one,
# seeded from tests/corpus/argon2id.
exit $status
