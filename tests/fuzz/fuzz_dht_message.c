/* libFuzzer target for the DHT message decoder (lib/mesh/dht_wire.c), seeded
 * from tests/corpus/dht-message. Any input may be refused; a crash, a read
 * outside the input or undefined behaviour is a bug, and so is an accepted
 * message that does not encode back to the bytes it came from (the encoding
 * is canonical: one message, one byte string, then only zero padding). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mesh/dht.h"
#include "tests/mesh/dht_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_canonical(const struct dht_message *message, const uint8_t *data, size_t size)
{
    uint8_t again[DHT_MESSAGE_MAX];
    size_t len = dht_message_encode(message, again, sizeof again);
    if (len == 0 || len > size || memcmp(again, data, len) != 0)
        __builtin_trap();
    for (size_t i = len; i < size; i++)
        if (data[i] != 0)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct dht_message message;
    /* Difficulty 0 reaches every field; the real difficulty the ID checks. */
    if (dht_message_decode(&message, data, size, 0) == DHT_OK)
        check_canonical(&message, data, size);
    if (dht_message_decode(&message, data, size, FIXTURE_DIFFICULTY) == DHT_OK)
        check_canonical(&message, data, size);
    return 0;
}
