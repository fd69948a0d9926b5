/* capsule_open and capsule_assemble (see capsule.h). */
#include "capsule/capsule.h"

#include "capsule/canonical.h"
#include "capsule/hash.h"

enum capsule_error capsule_decode(struct bytes file, struct capsule *out)
{
    struct capsule *c = out;
    enum capsule_error err = container_parse(file, &c->container);
    if (err == CAPSULE_OK)
        err = canonical_decode(c->container.manifest, &c->manifest);
    if (err == CAPSULE_OK)
        err = payload_check_elf(c->container.payload, &c->entry);
    if (err == CAPSULE_OK)
        err = proof_parse(c->container.proof, &c->proof);
    if (err != CAPSULE_OK)
        return err;
    proof_author(&c->proof, &c->author);
    return CAPSULE_OK;
}

enum capsule_error capsule_open(struct bytes file, struct capsule *out)
{
    enum capsule_error err = capsule_decode(file, out);
    if (err == CAPSULE_OK) {
        proof_digest(out->container.format_version, out->container.sections[0].hash,
                     out->container.sections[1].hash, &out->proof, out->id);
        err = proof_verify(&out->proof, out->id);
    }
    if (err != CAPSULE_OK)
        return err;
    author_fingerprint(&out->author, out->author_fingerprint);
    return CAPSULE_OK;
}

enum capsule_error capsule_assemble(struct bytes manifest, struct bytes payload,
                                    const struct proof_signer *signer,
                                    struct byte_buffer *out,
                                    uint8_t id[PROOF_DIGEST_SIZE])
{
    struct manifest decoded;
    uint64_t entry;
    enum capsule_error err = canonical_decode(manifest, &decoded);
    if (err == CAPSULE_OK)
        err = payload_check_elf(payload, &entry);
    if (err != CAPSULE_OK)
        return err;
    uint8_t manifest_hash[CAPSULE_HASH_SIZE], payload_hash[CAPSULE_HASH_SIZE];
    uint8_t proof[PROOF_HYBRID_SECTION_SIZE];
    size_t proof_len;
    capsule_hash(manifest.data, manifest.len, manifest_hash);
    capsule_hash(payload.data, payload.len, payload_hash);
    err = proof_sign(MOD_FORMAT_VERSION, manifest_hash, payload_hash, signer, proof,
                     &proof_len, id);
    if (err != CAPSULE_OK)
        return err;
    return container_write(manifest, payload, bytes_make(proof, proof_len), out);
}
