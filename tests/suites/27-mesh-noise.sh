#!/bin/sh
# lib/mesh: node identity, Noise and sessions over datagrams.
#  - every cacophony vector of tests/vectors/noise (Noise_XX_25519_ChaChaPoly_BLAKE2b
#    and every other pattern and psk modifier, BLAKE2b and SHA256), byte for
#    byte, ASan + UBSan; zero vectors read is a FAIL;
#  - differential against npm noise-protocol (pinned in
#    tests/mesh/noise-differential, installed with `npm ci` into
#    build/mesh-noise-differential when missing): MESH_NOISE_CASES random
#    vectors made by ours and replayed by it, and as many made by it and
#    replayed by ours (15 patterns, handshake and transport messages);
#  - the handshake reader's error table;
#  - sessions over a lossy, reordering, duplicating in-memory channel,
#    replay window, tampering, authentication, rate limit, rekeying,
#    expiry, retransmission, the packet decoder's error table (MESH_SEED);
#  - the fuzz corpora with the exact result of each file;
#  - valgrind: no secret-dependent branch or index in an XX handshake and
#    its transport messages (and the control is flagged);
#  - freestanding builds (kernel, efi) without libc symbols;
#  - a short libFuzzer run of both fuzzers.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
suite_require clang jq valgrind llvm-nm

work=build/test-work/mesh-noise
mkdir -p "$work"
san=build/host-san/tests/mesh
seed=${MESH_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "mesh seed: $seed (rerun with MESH_SEED=$seed)"

if ! make -s -j2 mesh-session-tests build/fuzz/tests/fuzz/fuzz_mesh_packet \
        build/fuzz/tests/fuzz/fuzz_mesh_handshake; then
    echo "FAIL mesh-noise build: make mesh-session-tests and the fuzzers failed"
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

# Cacophony vectors as lines: name prologue_i s_i e_i rs_i psk_i prologue_r
# s_r e_r rs_r psk_r hash N (payload ciphertext)*N; "-" empty, "none" absent.
vectors=tests/vectors/noise/cacophony.json
if [ ! -f "$vectors" ]; then
    echo "FAIL noise cacophony vectors: $vectors missing"
else
    jq -r '.vectors[] | [.protocol_name,
        (.init_prologue // "none"), (.init_static // "none"), (.init_ephemeral // "none"),
        (.init_remote_static // "none"), ((.init_psks // [])[0] // "none"),
        (.resp_prologue // "none"), (.resp_static // "none"), (.resp_ephemeral // "none"),
        (.resp_remote_static // "none"), ((.resp_psks // [])[0] // "none"),
        .handshake_hash, (.messages | length | tostring),
        (.messages[] | .payload, .ciphertext)] | map(if . == "" then "-" else . end) | join(" ")' \
        "$vectors" >"$work/cacophony.txt"
    run cacophony "$san/noise_test" vectors <"$work/cacophony.txt"
fi
run noise-errors "$san/noise_test" errors

# The second implementation runs on node: a missing node or npm, or a failed
# install, is a failure, never a skip.
modules=build/mesh-noise-differential
node_ok=1
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "FAIL noise differential: node/npm not installed (make deps)"
    node_ok=0
elif ! cmp -s tests/mesh/noise-differential/package-lock.json "$modules/package-lock.json" ||
     [ ! -f "$modules/node_modules/noise-protocol/handshake-state.js" ]; then
    rm -rf "$modules" && mkdir -p "$modules" &&
        cp tests/mesh/noise-differential/package.json tests/mesh/noise-differential/package-lock.json "$modules/"
    if ! (cd "$modules" && npm ci --ignore-scripts --no-audit --no-fund) >"$work/npm.log" 2>&1; then
        echo "FAIL noise differential: npm ci of noise-protocol failed (see $work/npm.log)"
        rm -f "$modules/package-lock.json"
        node_ok=0
    fi
fi
if [ "$node_ok" -eq 1 ]; then
    cases=${MESH_NOISE_CASES:-1000}
    NOISE_NODE_MODULES="$(pwd)/$modules/node_modules"
    export NOISE_NODE_MODULES
    if "$san/noise_test" make-vectors "$cases" "$seed" >"$work/ours.txt" 2>"$work/make-ours.log"; then
        node --expose-gc tests/mesh/noise-differential/differential.cjs check <"$work/ours.txt" 2>"$work/check-ours.log" ||
            echo "FAIL noise differential (ours checked by noise-protocol): node failed (see $work/check-ours.log)"
    else
        echo "FAIL noise differential: noise_test make-vectors failed (see $work/make-ours.log)"
    fi
    if node --expose-gc tests/mesh/noise-differential/differential.cjs make "$cases" "$seed" \
            >"$work/theirs.txt" 2>"$work/make-theirs.log"; then
        run theirs "$san/noise_test" vectors "noise differential (noise-protocol's checked by ours)" \
            <"$work/theirs.txt"
    else
        echo "FAIL noise differential: node make failed (see $work/make-theirs.log)"
    fi
fi

run sessions "$san/session_test" "$seed"
run corpus-packet "$san/corpus_check" packet tests/corpus/mesh-packet
run corpus-handshake "$san/corpus_check" handshake tests/corpus/mesh-handshake

# Constant time: silent on the handshake, loud on the control.
ct=build/host-ct/tests/mesh/noise_ct
valgrind -q --error-exitcode=1 --track-origins=yes "$ct" xx >"$work/ct-xx.log" 2>&1
case $? in
    0) echo "PASS constant-time noise XX handshake and transport (no secret-dependent branch or index)" ;;
    1) echo "FAIL constant-time noise XX: valgrind reports a secret-dependent branch or index (log: $work/ct-xx.log)" ;;
    *) echo "FAIL constant-time noise XX: wrong result or crash (log: $work/ct-xx.log)" ;;
esac
valgrind -q --error-exitcode=1 "$ct" leaky >"$work/ct-leaky.log" 2>&1
if [ $? -eq 1 ] && grep -q 'uninitialised value' "$work/ct-leaky.log"; then
    echo "PASS constant-time detector flags the deliberately leaky control"
else
    echo "FAIL constant-time detector: the leaky control was not flagged (log: $work/ct-leaky.log)"
fi

mesh_srcs=$(make -s --no-print-directory print-MESH_SESSION_SRCS)
mesh_crypto=$(make -s --no-print-directory print-MESH_SESSION_CRYPTO_SRCS)
# shellcheck disable=SC2086
suite_check_freestanding "lib/mesh" kernel $mesh_srcs $mesh_crypto
# shellcheck disable=SC2086
suite_check_freestanding "lib/mesh" efi $mesh_srcs $mesh_crypto

# Fuzz smoke: a fixed number of runs from the committed corpora (copies).
for target in packet handshake; do
    rm -rf "$work/corpus-$target" && cp -r "tests/corpus/mesh-$target" "$work/corpus-$target"
    runs=${MESH_FUZZ_RUNS:-2000}
    if "build/fuzz/tests/fuzz/fuzz_mesh_$target" -runs="$runs" -max_len=2048 -seed=1 \
            "$work/corpus-$target" >"$work/fuzz-$target.log" 2>&1; then
        echo "PASS fuzz_mesh_$target: $runs runs from the corpus, no crash"
    else
        echo "FAIL fuzz_mesh_$target: crashed (see $work/fuzz-$target.log)"
    fi
done
