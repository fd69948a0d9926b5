/* libFuzzer target: the canonical manifest decoder. The property that makes
 * the encoding canonical: whatever the decoder accepts, the encoder writes
 * back byte for byte (so no two byte strings decode to one meaning). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsule/canonical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct manifest m;
    static uint8_t out[CANONICAL_MANIFEST_MAX];
    if (canonical_decode((struct bytes){ data, size }, &m) != CAPSULE_OK)
        return 0;
    struct byte_buffer b = { out, 0, sizeof out };
    if (canonical_encode(&m, &b) != CAPSULE_OK || b.len != size ||
        memcmp(out, data, size) != 0)
        abort();
    return 0;
}
