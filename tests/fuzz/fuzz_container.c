/* libFuzzer target: a whole .mod through capsule_open (container layout,
 * section hashes, canonical manifest, payload ELF, proof, signature), the
 * container parser alone, whose section views must lie inside the input
 * and tile it exactly after the table, and the same input as a boot bundle
 * (bundle_verify), whose capsule views must lie inside the input. */
#include <stdint.h>
#include <stdlib.h>

#include "capsule/bundle.h"
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
    static struct bundle_work work;
    static struct bundle_report report;
    if (bundle_verify(file, &work, &report) == CAPSULE_OK) {
        for (size_t i = 0; i < report.count; i++) {
            struct bytes e = report.entries[i].file;
            if (e.data < data || e.len > size || e.data + e.len > data + size)
                abort();
        }
    }
    return 0;
}
