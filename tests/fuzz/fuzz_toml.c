/* libFuzzer target: capsule.toml text -> TOML tree -> manifest -> canonical
 * bytes. Any input must give OK or an error, never a crash, a hang or a
 * sanitizer report; an accepted manifest must encode, and its encoding must
 * decode back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsule/canonical.h"
#include "capsule/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct toml_node nodes[1024];
    static uint8_t text[1 << 16];
    static struct manifest m, back;
    static uint8_t enc1[CANONICAL_MANIFEST_MAX], enc2[CANONICAL_MANIFEST_MAX];
    if (size > sizeof text)
        return 0;
    struct capsule_diag diag;
    if (manifest_parse_toml((struct bytes){ data, size }, &m, nodes, 1024, text,
                            sizeof text, &diag) != CAPSULE_OK)
        return 0;
    struct byte_buffer b1 = { enc1, 0, sizeof enc1 }, b2 = { enc2, 0, sizeof enc2 };
    if (canonical_encode(&m, &b1) != CAPSULE_OK ||
        canonical_decode((struct bytes){ enc1, b1.len }, &back) != CAPSULE_OK ||
        canonical_encode(&back, &b2) != CAPSULE_OK || b1.len != b2.len ||
        memcmp(enc1, enc2, b1.len) != 0)
        abort();
    return 0;
}
