/* Proof section parsing, the domain-separated digest, verification and
 * signing (layout in proof.h and docs/capsule-format.md). */
#include "capsule/proof.h"

#include "base/endian.h"
#include "crypto/ed25519.h"
#include "crypto/mldsa65.h"

static const uint8_t mldsa65_context[] = PROOF_MLDSA65_CONTEXT;
#define MLDSA65_CONTEXT_LEN (sizeof mldsa65_context - 1) /* without the NUL */

/* Key and signature sizes of a known algorithm; false for an unknown one. */
static bool algorithm_sizes(uint16_t algorithm, size_t *key_len, size_t *sig_len)
{
    if (algorithm == PROOF_ALGORITHM_ED25519) {
        *key_len = PROOF_ED25519_KEY_SIZE;
        *sig_len = PROOF_ED25519_SIGNATURE_SIZE;
        return true;
    }
    if (algorithm == PROOF_ALGORITHM_MLDSA65) {
        *key_len = PROOF_MLDSA65_KEY_SIZE;
        *sig_len = PROOF_MLDSA65_SIGNATURE_SIZE;
        return true;
    }
    return false;
}

/* One signature record at section.data + *pos; checks it against the one
 * before it (prev NULL for the first). */
static enum capsule_error parse_signature(struct bytes section, size_t *pos,
                                          const struct proof_signature *prev,
                                          struct proof_signature *s)
{
    if (section.len - *pos < 6)
        return CAPSULE_ERR_PROOF_FORMAT;
    s->algorithm = load16_le(section.data + *pos);
    size_t key_len = load16_le(section.data + *pos + 2);
    size_t sig_len = load16_le(section.data + *pos + 4);
    size_t want_key, want_sig;
    *pos += 6;
    if (!algorithm_sizes(s->algorithm, &want_key, &want_sig))
        return CAPSULE_ERR_PROOF_ALGORITHM;
    if (key_len != want_key || sig_len != want_sig ||
        section.len - *pos < key_len + sig_len)
        return CAPSULE_ERR_PROOF_FORMAT;
    if (prev == NULL ? s->algorithm != PROOF_ALGORITHM_ED25519
                     : s->algorithm <= prev->algorithm)
        return CAPSULE_ERR_PROOF_FORMAT;
    s->public_key = bytes_make(section.data + *pos, key_len);
    s->signature = bytes_make(section.data + *pos + key_len, sig_len);
    *pos += key_len + sig_len;
    return CAPSULE_OK;
}

enum capsule_error proof_parse(struct bytes section, struct proof *out)
{
    out->count = 0;
    if (section.len < 2)
        return CAPSULE_ERR_PROOF_FORMAT;
    uint16_t count = load16_le(section.data);
    if (count == 0 || count > PROOF_SIGNATURES_MAX)
        return CAPSULE_ERR_PROOF_FORMAT;
    size_t pos = 2;
    for (size_t i = 0; i < count; i++) {
        enum capsule_error err = parse_signature(section, &pos,
                                                 i > 0 ? &out->signatures[i - 1] : NULL,
                                                 &out->signatures[i]);
        if (err != CAPSULE_OK)
            return err;
    }
    if (pos != section.len)
        return CAPSULE_ERR_PROOF_FORMAT;
    out->count = count;
    return CAPSULE_OK;
}

static void update_u16(struct blake2b_state *state, uint16_t v)
{
    uint8_t b[2];
    store16_le(b, v);
    blake2b_update(state, b, 2);
}

void proof_digest_begin(struct blake2b_state *state, uint16_t format_version,
                        const struct proof *proof)
{
    static const uint8_t domain[] = PROOF_DOMAIN; /* with its NUL */
    capsule_hash_init(state);
    blake2b_update(state, domain, sizeof domain);
    update_u16(state, format_version);
    update_u16(state, (uint16_t)proof->count);
    for (size_t i = 0; i < proof->count; i++) {
        const struct proof_signature *s = &proof->signatures[i];
        update_u16(state, s->algorithm);
        update_u16(state, (uint16_t)s->public_key.len);
        blake2b_update(state, s->public_key.data, s->public_key.len);
    }
}

void proof_digest_end(struct blake2b_state *state, const uint8_t manifest_hash[32],
                      const uint8_t payload_hash[32], uint8_t digest[PROOF_DIGEST_SIZE])
{
    blake2b_update(state, manifest_hash, 32);
    blake2b_update(state, payload_hash, 32);
    capsule_hash_final(state, digest);
}

void proof_digest(uint16_t format_version, const uint8_t manifest_hash[32],
                  const uint8_t payload_hash[32], const struct proof *proof,
                  uint8_t digest[PROOF_DIGEST_SIZE])
{
    struct blake2b_state state;
    proof_digest_begin(&state, format_version, proof);
    proof_digest_end(&state, manifest_hash, payload_hash, digest);
}

static enum capsule_error verify_one(const struct proof_signature *s,
                                     const uint8_t digest[PROOF_DIGEST_SIZE],
                                     const struct mldsa65_prepared_key *prepared)
{
    if (s->algorithm == PROOF_ALGORITHM_ED25519) {
        /* a non-canonical or small-order key, R or S is as bad as a
         * wrong signature: one refusal for all */
        return ed25519_verify(s->signature.data, digest, PROOF_DIGEST_SIZE,
                              s->public_key.data) == CRYPTO_OK
                   ? CAPSULE_OK : CAPSULE_ERR_PROOF_SIGNATURE;
    }
    if (s->algorithm == PROOF_ALGORITHM_MLDSA65) {
        enum crypto_result r =
            prepared != NULL
                ? mldsa65_verify_prepared(s->signature.data, digest, PROOF_DIGEST_SIZE,
                                          mldsa65_context, MLDSA65_CONTEXT_LEN, prepared)
                : mldsa65_verify(s->signature.data, digest, PROOF_DIGEST_SIZE,
                                 mldsa65_context, MLDSA65_CONTEXT_LEN, s->public_key.data);
        if (r == CRYPTO_OK)
            return CAPSULE_OK;
        return r == CRYPTO_ERR_ENCODING ? CAPSULE_ERR_PROOF_MLDSA_ENCODING
                                        : CAPSULE_ERR_PROOF_MLDSA_SIGNATURE;
    }
    return CAPSULE_ERR_PROOF_ALGORITHM;
}

enum capsule_error proof_verify_metered(const struct proof *proof,
                                        const uint8_t digest[PROOF_DIGEST_SIZE],
                                        const struct mldsa65_prepared_key *mldsa65,
                                        uint64_t (*clock)(void), uint64_t *mldsa65_ticks)
{
    *mldsa65_ticks = 0;
    if (proof->count == 0)
        return CAPSULE_ERR_PROOF_FORMAT;
    for (size_t i = 0; i < proof->count; i++) {
        bool metered = clock != NULL && proof->signatures[i].algorithm == PROOF_ALGORITHM_MLDSA65;
        uint64_t start = metered ? clock() : 0;
        enum capsule_error err = verify_one(&proof->signatures[i], digest, mldsa65);
        if (metered)
            *mldsa65_ticks += clock() - start;
        if (err != CAPSULE_OK)
            return err;
    }
    return CAPSULE_OK;
}

enum capsule_error proof_verify_prepared(const struct proof *proof,
                                         const uint8_t digest[PROOF_DIGEST_SIZE],
                                         const struct mldsa65_prepared_key *mldsa65)
{
    uint64_t unused;
    return proof_verify_metered(proof, digest, mldsa65, NULL, &unused);
}

enum capsule_error proof_verify(const struct proof *proof,
                                const uint8_t digest[PROOF_DIGEST_SIZE])
{
    return proof_verify_prepared(proof, digest, NULL);
}

void proof_author(const struct proof *proof, struct author_key *out)
{
    out->hybrid = false;
    for (size_t i = 0; i < proof->count; i++) {
        const struct proof_signature *s = &proof->signatures[i];
        uint8_t *key = s->algorithm == PROOF_ALGORITHM_ED25519 ? out->ed25519 : out->mldsa65;
        out->hybrid |= s->algorithm == PROOF_ALGORITHM_MLDSA65;
        for (size_t k = 0; k < s->public_key.len; k++)
            key[k] = s->public_key.data[k];
    }
}

/* Writes a record's header and key at out + *pos; returns where its
 * signature goes. */
static uint8_t *put_record(uint8_t *out, size_t *pos, uint16_t algorithm,
                           const uint8_t *key, size_t key_len, size_t sig_len)
{
    store16_le(out + *pos, algorithm);
    store16_le(out + *pos + 2, (uint16_t)key_len);
    store16_le(out + *pos + 4, (uint16_t)sig_len);
    for (size_t i = 0; i < key_len; i++)
        out[*pos + 6 + i] = key[i];
    uint8_t *sig = out + *pos + 6 + key_len;
    *pos += 6 + key_len + sig_len;
    return sig;
}

enum capsule_error proof_sign(uint16_t format_version, const uint8_t manifest_hash[32],
                              const uint8_t payload_hash[32],
                              const struct proof_signer *signer,
                              uint8_t out[PROOF_HYBRID_SECTION_SIZE], size_t *out_len,
                              uint8_t id[PROOF_DIGEST_SIZE])
{
    size_t pos = 2;
    uint8_t *ed_sig, *ml_sig = NULL;
    /* The Ed25519 public key is derived from the seed half; the stored
     * public half is never trusted (see crypto/ed25519.h). */
    struct ed25519_secret_key ed_key;
    ed25519_key_from_seed(&ed_key, signer->ed25519_secret);
    store16_le(out, signer->hybrid ? 2 : 1);
    ed_sig = put_record(out, &pos, PROOF_ALGORITHM_ED25519, ed_key.public_key,
                        PROOF_ED25519_KEY_SIZE, PROOF_ED25519_SIGNATURE_SIZE);
    if (signer->hybrid)
        ml_sig = put_record(out, &pos, PROOF_ALGORITHM_MLDSA65, signer->mldsa65_public,
                            PROOF_MLDSA65_KEY_SIZE, PROOF_MLDSA65_SIGNATURE_SIZE);
    *out_len = pos;
    struct proof proof;
    enum capsule_error err = proof_parse(bytes_make(out, pos), &proof);
    if (err == CAPSULE_OK) {
        proof_digest(format_version, manifest_hash, payload_hash, &proof, id);
        /* A key fresh from ed25519_key_from_seed always passes its check. */
        if (ed25519_sign(ed_sig, id, PROOF_DIGEST_SIZE, &ed_key) != CRYPTO_OK)
            err = CAPSULE_ERR_PROOF_SIGNATURE;
    }
    crypto_wipe(&ed_key, sizeof ed_key);
    if (err != CAPSULE_OK)
        return err;
    if (ml_sig != NULL &&
        mldsa65_sign(ml_sig, id, PROOF_DIGEST_SIZE, mldsa65_context, MLDSA65_CONTEXT_LEN,
                     signer->mldsa65_seed, signer->mldsa65_random) != CRYPTO_OK)
        return CAPSULE_ERR_PROOF_MLDSA_SIGNATURE;
    return CAPSULE_OK;
}
