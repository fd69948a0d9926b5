#!/bin/sh
# `make bench-mesh`: the mesh's benchmarks, one section each; print figures
# with the command that made them. Sections add themselves below.
set -u
cd "$(dirname "$0")/../.." || exit 2
status=0

# Noise handshakes and DATA packets against libsodium (tests/bench/mesh_bench.c).
build/host/tests/bench/mesh_bench || status=1

# The DHT simulator (tools/mesh-sim, docs/mesh.md "Simulator"): speed in
# node-seconds simulated per wall-clock second, lookup hops and latency at
# 100, 1,000 and 10,000 nodes; then the hostile run with 2 lookup paths
# against 1.
for nodes in 100 1000 10000; do
    echo "command: build/host/tools/mesh-sim/mesh-sim bench --seed 1 --nodes $nodes"
    build/host/tools/mesh-sim/mesh-sim bench --seed 1 --nodes "$nodes" || status=1
done
echo "command: build/host/tools/mesh-sim/mesh-sim hostile-compare --seed 1 --nodes 300"
build/host/tools/mesh-sim/mesh-sim hostile-compare --seed 1 --nodes 300 || status=1

# Session throughput between two processes on loopback, each with its own
# lib/mesh session endpoint and UDP socket (what nonos-node runs), against
# plain UDP with the same 1,440-byte datagrams in the same run
# (tests/bench/mesh_throughput.c).
build/host/tests/bench/mesh_throughput || status=1

exit $status
