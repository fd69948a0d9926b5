/* The proof section: signatures by the author over a domain-separated
 * digest of what the capsule is.
 *
 *   digest = BLAKE2b-256( "NONOS-CAPSULE-PROOF-v4" || 0x00
 *                         || u16 format version || u16 signer count
 *                         || for each signer: u16 algorithm || u16 key length || key
 *                         || manifest hash || payload hash )
 *
 * (capsule/hash.h). Formats 1-3 took SHA-256 under "NONOS-CAPSULE-PROOF-v1",
 * with the section hashes before the signers; format 4 puts the signers
 * first, so that everything before the section hashes depends on the
 * author's keys alone and a bundle absorbs it once per author
 * (proof_digest_begin).
 *
 * Every signature signs the same 32-byte digest, which covers every public
 * key of the proof: Ed25519 (pure, RFC 8032) over the digest, ML-DSA-65
 * (pure, FIPS 204) over the digest with the context string "NONOS-CAPSULE".
 * A hybrid proof (Ed25519 then ML-DSA-65) verifies only if both do, so it
 * stays unforgeable while either scheme holds. The digest is also the
 * capsule's content id (what dependencies pin and the trust store records).
 *
 * Since format version 2: the first signature is always Ed25519 (algorithm 1); an
 * ML-DSA-65 signature (algorithm 2) may follow. An unknown algorithm is
 * refused, never skipped. Whether an author's capsule must be hybrid is the
 * trust store's decision (trust.h): the proof alone cannot tell a stripped
 * hybrid proof from an Ed25519-only author's. */
#ifndef NONOS_CAPSULE_PROOF_H
#define NONOS_CAPSULE_PROOF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "capsule/author.h"
#include "capsule/error.h"
#include "capsule/hash.h"

#define PROOF_DOMAIN "NONOS-CAPSULE-PROOF-v4"
#define PROOF_MLDSA65_CONTEXT "NONOS-CAPSULE"
#define PROOF_DIGEST_SIZE CAPSULE_HASH_SIZE
#define PROOF_SIGNATURES_MAX 4
#define PROOF_ALGORITHM_ED25519 AUTHOR_ALGORITHM_ED25519
#define PROOF_ALGORITHM_MLDSA65 AUTHOR_ALGORITHM_MLDSA65
#define PROOF_ED25519_KEY_SIZE 32
#define PROOF_ED25519_SIGNATURE_SIZE 64
#define PROOF_MLDSA65_KEY_SIZE MLDSA65_PUBLIC_KEY_SIZE
#define PROOF_MLDSA65_SIGNATURE_SIZE MLDSA65_SIGNATURE_SIZE
/* Size of a proof section with one Ed25519 signature, and with both. */
#define PROOF_ED25519_SECTION_SIZE (2 + 6 + PROOF_ED25519_KEY_SIZE + PROOF_ED25519_SIGNATURE_SIZE)
#define PROOF_HYBRID_SECTION_SIZE \
    (PROOF_ED25519_SECTION_SIZE + 6 + PROOF_MLDSA65_KEY_SIZE + PROOF_MLDSA65_SIGNATURE_SIZE)

struct proof_signature {
    uint16_t algorithm;
    struct bytes public_key; /* views into the proof section */
    struct bytes signature;
};

struct proof {
    size_t count;
    struct proof_signature signatures[PROOF_SIGNATURES_MAX];
};

/* What signs a capsule: the Ed25519 secret key (libsodium-style seed ||
 * public; only the seed is used, the public key is derived from it) and, for a hybrid author, the ML-DSA-65 seed and its public key.
 * mldsa65_random: 32 fresh bytes (hedged signing) or NULL (deterministic). */
struct proof_signer {
    uint8_t ed25519_secret[64];
    bool hybrid;
    uint8_t mldsa65_seed[MLDSA65_SEED_SIZE];
    uint8_t mldsa65_public[MLDSA65_PUBLIC_KEY_SIZE];
    const uint8_t *mldsa65_random;
};

/* Parses the section layout; refuses unknown algorithms, wrong key or
 * signature lengths, repeated or unsorted algorithms, a first signature
 * that is not Ed25519, and trailing bytes. */
enum capsule_error proof_parse(struct bytes section, struct proof *out);

void proof_digest(uint16_t format_version, const uint8_t manifest_hash[32],
                  const uint8_t payload_hash[32], const struct proof *proof,
                  uint8_t digest[PROOF_DIGEST_SIZE]);

/* proof_digest in two steps. proof_digest_begin absorbs what depends only
 * on the format version and the proof's signers (2,016 of a hybrid proof's
 * 2,084 digest bytes); proof_digest_end absorbs the section hashes and
 * finishes (wiping state). A caller that keeps a begun state may end a copy
 * of it for every proof with exactly the same signers (algorithms and keys)
 * and format version, as bundle.c does per registered author. */
void proof_digest_begin(struct blake2b_state *state, uint16_t format_version,
                        const struct proof *proof);
void proof_digest_end(struct blake2b_state *state, const uint8_t manifest_hash[32],
                      const uint8_t payload_hash[32], uint8_t digest[PROOF_DIGEST_SIZE]);

/* CAPSULE_OK when every signature verifies over digest: Ed25519 first
 * (ERR_PROOF_SIGNATURE), then ML-DSA-65 (ERR_PROOF_MLDSA_ENCODING for a
 * malformed signature or key, ERR_PROOF_MLDSA_SIGNATURE otherwise). */
enum capsule_error proof_verify(const struct proof *proof,
                                const uint8_t digest[PROOF_DIGEST_SIZE]);

/* proof_verify with the ML-DSA-65 signature checked against mldsa65, the
 * expansion (mldsa65_prepare_key) of the proof's own ML-DSA-65 key; the same
 * result for every input, a fraction of the work once the key is prepared.
 * mldsa65 NULL: exactly proof_verify. The caller makes sure mldsa65 was
 * prepared from the very key in the proof (bundle.c compares the key sets). */
enum capsule_error proof_verify_prepared(const struct proof *proof,
                                         const uint8_t digest[PROOF_DIGEST_SIZE],
                                         const struct mldsa65_prepared_key *mldsa65);

/* proof_verify_prepared that also gives, in *mldsa65_ticks, how many ticks
 * of clock its ML-DSA-65 verification took (0 without one, or with clock
 * NULL): for the kernel's boot figures (make bench-capsule). */
enum capsule_error proof_verify_metered(const struct proof *proof,
                                        const uint8_t digest[PROOF_DIGEST_SIZE],
                                        const struct mldsa65_prepared_key *mldsa65,
                                        uint64_t (*clock)(void), uint64_t *mldsa65_ticks);

/* The author keys of a parsed proof. */
void proof_author(const struct proof *proof, struct author_key *out);

/* Writes the proof section (PROOF_ED25519_SECTION_SIZE or
 * PROOF_HYBRID_SECTION_SIZE bytes, as signer->hybrid says) into
 * out[PROOF_HYBRID_SECTION_SIZE], its length into *out_len and the capsule
 * id into id. ERR_PROOF_MLDSA_SIGNATURE if ML-DSA-65 signing fails. */
enum capsule_error proof_sign(uint16_t format_version, const uint8_t manifest_hash[32],
                              const uint8_t payload_hash[32],
                              const struct proof_signer *signer,
                              uint8_t out[PROOF_HYBRID_SECTION_SIZE], size_t *out_len,
                              uint8_t id[PROOF_DIGEST_SIZE]);

#endif
