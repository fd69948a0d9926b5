/* libFuzzer: LAN beacons (lib/mesh/beacon.c) through the receiver's
 * parse-then-verify path; the corpus (tests/corpus/mesh-beacon, expected
 * results in its `expected`) is checked by overlay_test --check-corpus. */
#include <stddef.h>
#include <stdint.h>

#include "tests/mesh/beacon_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)beacon_fixture(data, size);
    return 0;
}
