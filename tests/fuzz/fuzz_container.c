/* libFuzzer target: a whole .mod through capsule_open (container layout,
 * section hashes, canonical manifest, payload ELF, proof, signature), and
 * the container parser alone, whose section views must lie inside the
 * input and tile it exactly after the table. */
#include <stdint.h>
#include <stdlib.h>

#include "capsule/capsule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct capsule c;
    struct mod_container mc;
    struct bytes file = { data, size };
    if (container_parse(file, &mc) == CAPSULE_OK) {
        const uint8_t *end = data + size;
        if (mc.manifest.data != data + MOD_TABLE_END ||
            mc.payload.data != mc.manifest.data + mc.manifest.len ||
            mc.proof.data != mc.payload.data + mc.payload.len ||
            mc.proof.data + mc.proof.len != end)
            abort();
        uint64_t entry;
        (void)payload_check_elf(mc.payload, &entry);
        struct proof p;
        (void)proof_parse(mc.proof, &p);
    }
    (void)capsule_open(file, &c);
    return 0;
}
