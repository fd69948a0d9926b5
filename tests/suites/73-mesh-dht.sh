#!/bin/sh
# The Kademlia DHT of lib/mesh (docs/mesh.md "DHT", "Records", "Defences",
# "Simulator"): unit tests and the committed corpora of bad messages and
# records with their exact errors (ASan + UBSan), the freestanding build,
# then the simulator (tools/mesh-sim) with fixed seeds: 1,000 nodes'
# lookups and 30% killed at once, a partition that heals, 60 s of continuous
# churn (optimized build),
# the hostile-peer run (ASan + UBSan build), a determinism check (same seed,
# same output) and a failing run that must name its seed.
# Suite 80 smoke-runs the fuzzers fuzz-dht-message and fuzz-dht-record.
set -u
. tests/lib.sh
suite_require clang llvm-nm
status=0
if ! make -s -j2 mesh-dht-tests; then
    echo "FAIL mesh dht: build failed"
    exit 1
fi
bin=build/host-san/tests/mesh/dht_test
sim=build/host/tools/mesh-sim/mesh-sim
sim_san=build/host-san/tools/mesh-sim/mesh-sim
$bin || status=1
$bin --check-corpus tests/corpus || status=1

suite_check_freestanding "lib/mesh DHT" kernel \
    $(make -s --no-print-directory print-MESH_DHT_SRCS) $(make -s --no-print-directory print-MESH_DHT_CRYPTO_SRCS)

logs=build/test-logs/mesh-dht
mkdir -p "$logs"
run_sim() { # label, binary, arguments...
    _label=$1 _binary=$2
    shift 2
    "$_binary" "$@" >"$logs/$_label.log" 2>&1
    _status=$?
    grep -E '^(PASS|FAIL) ' "$logs/$_label.log"
    sed -n 's/^\(lookups\|partition\|churn\|hostile\): /    &/p' "$logs/$_label.log"
    if [ "$_status" -ne 0 ] && ! grep -q '^FAIL ' "$logs/$_label.log"; then
        echo "FAIL mesh-sim $*: exit status $_status without a FAIL line (see $logs/$_label.log)"
    fi
    [ "$_status" -eq 0 ] || status=1
}
run_sim lookups $sim lookups --seed 1 --nodes 1000
run_sim partition $sim partition --seed 1 --nodes 1000
run_sim churn $sim churn --seed 1 --nodes 500
run_sim hostile $sim_san hostile --seed 1 --nodes 200

# Determinism: one seed, one run (everything but the wall-clock figures).
a=$($sim lookups --seed 7 --nodes 150 | sed 's/ in [0-9.]* s wall//')
b=$($sim lookups --seed 7 --nodes 150 | sed 's/ in [0-9.]* s wall//')
c=$($sim lookups --seed 8 --nodes 150 | sed 's/ in [0-9.]* s wall//')
if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != "$c" ]; then
    echo "PASS mesh-sim is deterministic: seed 7 twice gives the same run, seed 8 another"
else
    echo "FAIL mesh-sim determinism: two runs of seed 7 differ, or seed 8 equals them"
    status=1
fi

# A failing run (70% of datagrams lost) must fail and name its seed.
out=$($sim lookups --seed 5 --nodes 100 --loss 700000)
fail_status=$?
if [ "$fail_status" -eq 1 ] &&
    echo "$out" | grep -q '^FAIL .*seed 5; reproduce: mesh-sim lookups --seed 5 --nodes 100 --loss 700000'; then
    echo "PASS mesh-sim: a failing run exits 1 and prints the seed and command that reproduce it"
else
    echo "FAIL mesh-sim: a run with 70% loss did not fail with its seed (status $fail_status)"
    status=1
fi
exit $status
