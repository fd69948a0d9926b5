/* Opening and assembling whole capsules: the one entry point that the
 * kernel, the host tool and the tests share for "may this capsule run?"
 * (apart from the trust decision, trust.h).
 *
 * capsule_open checks, in order: the container layout and section hashes,
 * the canonical manifest, the payload ELF, the proof layout, and the
 * signatures over the domain-separated digest (both of a hybrid proof).
 * It fills `out` only on success; every failure is one enum capsule_error.
 * Whether the author is trusted, and whether its capsules must be hybrid,
 * is trust.h's decision. */
#ifndef NONOS_CAPSULE_CAPSULE_H
#define NONOS_CAPSULE_CAPSULE_H

#include <stdint.h>

#include "base/bytes.h"
#include "capsule/container.h"
#include "capsule/error.h"
#include "capsule/manifest.h"
#include "capsule/proof.h"

struct capsule {
    struct mod_container container;
    struct manifest manifest;
    struct proof proof;
    uint8_t id[PROOF_DIGEST_SIZE];     /* the proof digest: content id */
    struct author_key author;          /* the proof's public keys */
    uint8_t author_fingerprint[AUTHOR_FINGERPRINT_SIZE];
    uint64_t entry;                    /* payload ELF entry point */
};

enum capsule_error capsule_open(struct bytes file, struct capsule *out);

/* capsule_open's checks up to the signatures, without them: layout and
 * section hashes, manifest, ELF, proof layout; fills out->author (the
 * proof's keys) but neither out->id nor out->author_fingerprint. Nothing it
 * returns is authenticated: the caller must still compute the id
 * (proof_digest, or proof_digest_end on a state begun for the same signers)
 * and run proof_verify (or proof_verify_prepared) on out->proof and it, as
 * bundle.c does to reuse what a registered author's capsules share. */
enum capsule_error capsule_decode(struct bytes file, struct capsule *out);

/* Builds a signed .mod (hybrid when signer->hybrid) from canonical
 * manifest bytes and an ELF payload (both checked first) into out; id gets
 * the capsule id. */
enum capsule_error capsule_assemble(struct bytes manifest, struct bytes payload,
                                    const struct proof_signer *signer,
                                    struct byte_buffer *out,
                                    uint8_t id[PROOF_DIGEST_SIZE]);

#endif
