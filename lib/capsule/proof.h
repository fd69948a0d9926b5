/* The proof section: signatures by the author over a domain-separated
 * digest of what the capsule is.
 *
 *   digest = SHA-256( "NONOS-CAPSULE-PROOF-v1" || 0x00
 *                     || u16 format version || manifest hash || payload hash
 *                     || u16 signer count
 *                     || for each signer: u16 algorithm || u16 key length || key )
 *
 * Each signature signs the 32-byte digest. An Ed25519 signature is a
 * non-interactive Schnorr proof of knowledge of the author's secret key,
 * bound to exactly these bytes: a different manifest, payload, key or
 * format version gives a different digest. The digest is also the capsule's
 * content id (what dependencies pin and the trust store records).
 *
 * Algorithm-agile: each signature names its algorithm; every signature must
 * verify, and an unknown algorithm is refused, never skipped. Only Ed25519
 * (1) exists today; a hybrid Ed25519 + ML-DSA-65 pair is planned (see
 * docs/capsule-format.md). */
#ifndef NONOS_CAPSULE_PROOF_H
#define NONOS_CAPSULE_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "capsule/error.h"

#define PROOF_DOMAIN "NONOS-CAPSULE-PROOF-v1"
#define PROOF_DIGEST_SIZE 32
#define PROOF_SIGNATURES_MAX 4
#define PROOF_ALGORITHM_ED25519 1
#define PROOF_ED25519_KEY_SIZE 32
#define PROOF_ED25519_SIGNATURE_SIZE 64
/* Size of a proof section with one Ed25519 signature. */
#define PROOF_ED25519_SECTION_SIZE (2 + 6 + 32 + 64)

struct proof_signature {
    uint16_t algorithm;
    struct bytes public_key; /* views into the proof section */
    struct bytes signature;
};

struct proof {
    size_t count;
    struct proof_signature signatures[PROOF_SIGNATURES_MAX];
};

/* Parses the section layout; refuses unknown algorithms, wrong key or
 * signature lengths, repeated or unsorted algorithms and trailing bytes. */
enum capsule_error proof_parse(struct bytes section, struct proof *out);

void proof_digest(uint16_t format_version, const uint8_t manifest_hash[32],
                  const uint8_t payload_hash[32], const struct proof *proof,
                  uint8_t digest[PROOF_DIGEST_SIZE]);

/* CAPSULE_OK when every signature verifies over digest. */
enum capsule_error proof_verify(const struct proof *proof,
                                const uint8_t digest[PROOF_DIGEST_SIZE]);

/* Writes a one-signature Ed25519 proof section into out[PROOF_ED25519_SECTION_SIZE]
 * and the capsule id into id. secret_key is libsodium-style seed || public; only
 * the seed is used, the public key is derived from it. */
void proof_sign_ed25519(uint16_t format_version, const uint8_t manifest_hash[32],
                        const uint8_t payload_hash[32],
                        const uint8_t secret_key[64],
                        uint8_t out[PROOF_ED25519_SECTION_SIZE],
                        uint8_t id[PROOF_DIGEST_SIZE]);

#endif
