#!/bin/sh
# Constant-time test of the secret-dependent crypto operations, the ctgrind
# technique: tests/crypto/ct_test.c marks secrets undefined for valgrind's
# memcheck, which reports any branch or memory address that depends on them.
# Each operation passes only if valgrind reports nothing; the two deliberately
# leaky functions pass only if valgrind does report them.
# Then the key residue test (tests/crypto/residue_test.c): every primitive on
# a marked key, its stack scanned for key words afterwards, with the vector
# paths and with the portable core; its control (an unwiped copy) must be found.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
suite_require clang valgrind
work=build/test-work/constant-time
mkdir -p "$work"
program=build/host-ct/tests/crypto/ct_test

if ! make -s -j2 "$program"; then
    echo "FAIL constant-time build: make $program failed"
    exit 1
fi

# ctgrind OPERATION: runs one operation under memcheck; status 1 = a report.
ctgrind() {
    valgrind -q --error-exitcode=1 --track-origins=yes "$program" "$1" >"$work/$1.log" 2>&1
}

# x25519 (the public function) runs the portable ladder under valgrind, whose
# CPUID hides ADX; the two x25519-ladder-* operations call each ladder directly.
for operation in x25519 x25519-ladder-portable x25519-ladder-mulx x25519-base ed25519-keypair ed25519-sign poly1305 crypto-equal; do
    ctgrind "$operation"
    status=$?
    case $status in
        0) echo "PASS constant-time $operation (no secret-dependent branch or index)" ;;
        1) echo "FAIL constant-time $operation: valgrind reports a secret-dependent branch or index (log: $work/$operation.log)" ;;
        *) echo "FAIL constant-time $operation: exited with status $status (log: $work/$operation.log)" ;;
    esac
done

for operation in leaky-compare leaky-lookup; do
    ctgrind "$operation"
    status=$?
    if [ "$status" -eq 1 ] && grep -q 'uninitialised value' "$work/$operation.log"; then
        echo "PASS constant-time detector flags the deliberately leaky $operation"
    else
        echo "FAIL constant-time detector: $operation not flagged (status $status, log: $work/$operation.log)"
    fi
done

for variant in host-ct host-ct-scalar; do
    residue=build/$variant/tests/crypto/residue_test
    label=$([ "$variant" = host-ct ] && echo "vector paths" || echo "portable core")
    if ! make -s -j2 "$residue"; then
        echo "FAIL key residue ($label) build: make $residue failed"
        continue
    fi
    "$residue" >"$work/residue-$variant.out" 2>"$work/residue-$variant.log"
    status=$?
    sed "s/^\(PASS\|FAIL\) residue /\1 key residue ($label) /" "$work/residue-$variant.out"
    if ! grep -q '^PASS residue control' "$work/residue-$variant.out"; then
        echo "FAIL key residue ($label): the control was not found or did not run (status $status)"
    fi
    if [ "$status" -ne 0 ] && ! grep -q '^FAIL ' "$work/residue-$variant.out"; then
        echo "FAIL key residue ($label): exited with status $status (log: $work/residue-$variant.log)"
    fi
done
