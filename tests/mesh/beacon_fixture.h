/* What a receiver does with a beacon before its own state is consulted:
 * parse (proof of work at BEACON_FIXTURE_DIFFICULTY bits) and verify the
 * signature. Shared by fuzz_mesh_beacon and overlay_test's corpus check, so
 * the corpus and the fuzzer run the same path. */
#ifndef NONOS_TESTS_MESH_BEACON_FIXTURE_H
#define NONOS_TESTS_MESH_BEACON_FIXTURE_H

#include "mesh/beacon.h"

#define BEACON_FIXTURE_DIFFICULTY 8

static inline enum mesh_beacon_result beacon_fixture(const uint8_t *data, size_t len)
{
    struct mesh_beacon beacon;
    enum mesh_beacon_result result = mesh_beacon_parse(&beacon, data, len, BEACON_FIXTURE_DIFFICULTY);
    return result == MESH_BEACON_OK ? mesh_beacon_verify(&beacon, data, len) : result;
}

#endif
