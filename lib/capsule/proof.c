/* Proof section parsing, the domain-separated digest, verification and
 * signing (layout in proof.h and docs/capsule-format.md). */
#include "capsule/proof.h"

#include "base/endian.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"

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
        if (section.len - pos < 6)
            return CAPSULE_ERR_PROOF_FORMAT;
        struct proof_signature *s = &out->signatures[i];
        s->algorithm = load16_le(section.data + pos);
        size_t key_len = load16_le(section.data + pos + 2);
        size_t sig_len = load16_le(section.data + pos + 4);
        pos += 6;
        if (s->algorithm != PROOF_ALGORITHM_ED25519)
            return CAPSULE_ERR_PROOF_ALGORITHM;
        if (key_len != PROOF_ED25519_KEY_SIZE || sig_len != PROOF_ED25519_SIGNATURE_SIZE ||
            section.len - pos < key_len + sig_len)
            return CAPSULE_ERR_PROOF_FORMAT;
        if (i > 0 && s->algorithm <= out->signatures[i - 1].algorithm)
            return CAPSULE_ERR_PROOF_FORMAT;
        s->public_key = bytes_make(section.data + pos, key_len);
        s->signature = bytes_make(section.data + pos + key_len, sig_len);
        pos += key_len + sig_len;
    }
    if (pos != section.len)
        return CAPSULE_ERR_PROOF_FORMAT;
    out->count = count;
    return CAPSULE_OK;
}

static void update_u16(struct sha256_state *state, uint16_t v)
{
    uint8_t b[2];
    store16_le(b, v);
    sha256_update(state, b, 2);
}

void proof_digest(uint16_t format_version, const uint8_t manifest_hash[32],
                  const uint8_t payload_hash[32], const struct proof *proof,
                  uint8_t digest[PROOF_DIGEST_SIZE])
{
    static const uint8_t domain[] = PROOF_DOMAIN; /* with its NUL */
    struct sha256_state state;
    sha256_init(&state);
    sha256_update(&state, domain, sizeof domain);
    update_u16(&state, format_version);
    sha256_update(&state, manifest_hash, 32);
    sha256_update(&state, payload_hash, 32);
    update_u16(&state, (uint16_t)proof->count);
    for (size_t i = 0; i < proof->count; i++) {
        const struct proof_signature *s = &proof->signatures[i];
        update_u16(&state, s->algorithm);
        update_u16(&state, (uint16_t)s->public_key.len);
        sha256_update(&state, s->public_key.data, s->public_key.len);
    }
    sha256_final(&state, digest);
}

enum capsule_error proof_verify(const struct proof *proof,
                                const uint8_t digest[PROOF_DIGEST_SIZE])
{
    if (proof->count == 0)
        return CAPSULE_ERR_PROOF_FORMAT;
    for (size_t i = 0; i < proof->count; i++) {
        const struct proof_signature *s = &proof->signatures[i];
        if (s->algorithm != PROOF_ALGORITHM_ED25519)
            return CAPSULE_ERR_PROOF_ALGORITHM;
        enum crypto_result r = ed25519_verify(s->signature.data, digest,
                                              PROOF_DIGEST_SIZE, s->public_key.data);
        /* a non-canonical or small-order key, R or S is as bad as a
         * wrong signature: one refusal for all */
        if (r != CRYPTO_OK)
            return CAPSULE_ERR_PROOF_SIGNATURE;
    }
    return CAPSULE_OK;
}

void proof_sign_ed25519(uint16_t format_version, const uint8_t manifest_hash[32],
                        const uint8_t payload_hash[32],
                        const uint8_t secret_key[64],
                        uint8_t out[PROOF_ED25519_SECTION_SIZE],
                        uint8_t id[PROOF_DIGEST_SIZE])
{
    store16_le(out, 1);
    store16_le(out + 2, PROOF_ALGORITHM_ED25519);
    store16_le(out + 4, PROOF_ED25519_KEY_SIZE);
    store16_le(out + 6, PROOF_ED25519_SIGNATURE_SIZE);
    /* The public key is derived from the seed half; the stored public half
     * is never trusted (see crypto/ed25519.h). */
    struct ed25519_secret_key key;
    ed25519_key_from_seed(&key, secret_key);
    for (size_t i = 0; i < PROOF_ED25519_KEY_SIZE; i++)
        out[8 + i] = key.public_key[i];
    struct proof proof = { 1, { { PROOF_ALGORITHM_ED25519,
                                  bytes_make(out + 8, PROOF_ED25519_KEY_SIZE),
                                  bytes_make(NULL, 0) } } };
    proof_digest(format_version, manifest_hash, payload_hash, &proof, id);
    /* A key fresh from ed25519_key_from_seed always passes its check. */
    if (ed25519_sign(out + 8 + PROOF_ED25519_KEY_SIZE, id, PROOF_DIGEST_SIZE, &key) != CRYPTO_OK)
        crypto_wipe(out, PROOF_ED25519_SECTION_SIZE);
    crypto_wipe(&key, sizeof key);
}
