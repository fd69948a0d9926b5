/* libFuzzer target for DHT records (lib/mesh/dht_record.c): decoding, then
 * validation (kind, provider binding, expiry window, Ed25519 signature),
 * seeded from tests/corpus/dht-record. An accepted record must encode back
 * to the bytes it came from; validation may give any result but must not
 * crash or read outside the record. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mesh/dht.h"
#include "tests/mesh/dht_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dht_record record;
    size_t used = 0;
    if (dht_record_decode(&record, data, size, &used) != DHT_OK)
        return 0;
    uint8_t again[DHT_RECORD_MAX];
    if (used > size || dht_record_encode(&record, again, sizeof again) != used ||
        memcmp(again, data, used) != 0)
        __builtin_trap();
    (void)fixture_check_record(data, size);
    enum dht_error error = dht_record_validate(&record, FIXTURE_NOW, FIXTURE_LIFETIME, FIXTURE_DIFFICULTY);
    if (error >= DHT_ERROR_COUNT)
        __builtin_trap();
    return 0;
}
