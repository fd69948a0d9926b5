#!/bin/sh
# `make bench-mesh`: the mesh's benchmarks, one section each; print figures
# with the command that made them. Sections add themselves below (the
# simulator's figures are to come from the DHT work).
set -u
cd "$(dirname "$0")/../.." || exit 2
status=0

# Noise handshakes and DATA packets against libsodium (tests/bench/mesh_bench.c).
build/host/tests/bench/mesh_bench || status=1

exit $status
