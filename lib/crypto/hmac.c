/* HMAC (RFC 2104): H((K0 ^ opad) || H((K0 ^ ipad) || message)), where K0 is
 * the key zero-padded to the hash block (or its hash, zero-padded, when it
 * is longer than a block).
 *
 * Only lengths steer branches; key and message bytes never do. Every
 * buffer that held key material is wiped before return. */
#include "crypto/hmac.h"

#define IPAD 0x36
#define OPAD 0x5c

void hmac_sha256_init(struct hmac_sha256_state *state, const uint8_t *key,
                      size_t key_len)
{
    uint8_t block[SHA256_BLOCK_SIZE] = { 0 };
    if (key_len > SHA256_BLOCK_SIZE)
        sha256(key, key_len, block);
    else if (key_len > 0)
        __builtin_memcpy(block, key, key_len);

    for (size_t i = 0; i < SHA256_BLOCK_SIZE; i++)
        block[i] ^= IPAD;
    sha256_init(&state->inner);
    sha256_update(&state->inner, block, SHA256_BLOCK_SIZE);
    for (size_t i = 0; i < SHA256_BLOCK_SIZE; i++)
        block[i] ^= IPAD ^ OPAD;
    sha256_init(&state->outer);
    sha256_update(&state->outer, block, SHA256_BLOCK_SIZE);
    crypto_wipe(block, sizeof(block));
}

void hmac_sha256_update(struct hmac_sha256_state *state, const uint8_t *msg,
                        size_t len)
{
    sha256_update(&state->inner, msg, len);
}

void hmac_sha256_final(struct hmac_sha256_state *state,
                       uint8_t mac[HMAC_SHA256_SIZE])
{
    uint8_t inner[SHA256_DIGEST_SIZE];
    sha256_final(&state->inner, inner);
    sha256_update(&state->outer, inner, sizeof(inner));
    sha256_final(&state->outer, mac);
    crypto_wipe(inner, sizeof(inner));
}

void hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg,
                 size_t msg_len, uint8_t mac[HMAC_SHA256_SIZE])
{
    struct hmac_sha256_state state;
    hmac_sha256_init(&state, key, key_len);
    hmac_sha256_update(&state, msg, msg_len);
    hmac_sha256_final(&state, mac);
}

enum crypto_result hmac_sha256_verify(const uint8_t *key, size_t key_len,
                                      const uint8_t *msg, size_t msg_len,
                                      const uint8_t *tag, size_t tag_len)
{
    if (tag_len < HMAC_SHA256_MIN_TAG_SIZE || tag_len > HMAC_SHA256_SIZE)
        return CRYPTO_ERR_PARAMETER;
    uint8_t mac[HMAC_SHA256_SIZE];
    hmac_sha256(key, key_len, msg, msg_len, mac);
    bool equal = crypto_equal(mac, tag, tag_len);
    crypto_wipe(mac, sizeof(mac));
    return equal ? CRYPTO_OK : CRYPTO_ERR_VERIFY;
}

void hmac_sha512_init(struct hmac_sha512_state *state, const uint8_t *key,
                      size_t key_len)
{
    uint8_t block[SHA512_BLOCK_SIZE] = { 0 };
    if (key_len > SHA512_BLOCK_SIZE)
        sha512(key, key_len, block);
    else if (key_len > 0)
        __builtin_memcpy(block, key, key_len);

    for (size_t i = 0; i < SHA512_BLOCK_SIZE; i++)
        block[i] ^= IPAD;
    sha512_init(&state->inner);
    sha512_update(&state->inner, block, SHA512_BLOCK_SIZE);
    for (size_t i = 0; i < SHA512_BLOCK_SIZE; i++)
        block[i] ^= IPAD ^ OPAD;
    sha512_init(&state->outer);
    sha512_update(&state->outer, block, SHA512_BLOCK_SIZE);
    crypto_wipe(block, sizeof(block));
}

void hmac_sha512_update(struct hmac_sha512_state *state, const uint8_t *msg,
                        size_t len)
{
    sha512_update(&state->inner, msg, len);
}

void hmac_sha512_final(struct hmac_sha512_state *state,
                       uint8_t mac[HMAC_SHA512_SIZE])
{
    uint8_t inner[SHA512_DIGEST_SIZE];
    sha512_final(&state->inner, inner);
    sha512_update(&state->outer, inner, sizeof(inner));
    sha512_final(&state->outer, mac);
    crypto_wipe(inner, sizeof(inner));
}

void hmac_sha512(const uint8_t *key, size_t key_len, const uint8_t *msg,
                 size_t msg_len, uint8_t mac[HMAC_SHA512_SIZE])
{
    struct hmac_sha512_state state;
    hmac_sha512_init(&state, key, key_len);
    hmac_sha512_update(&state, msg, msg_len);
    hmac_sha512_final(&state, mac);
}

enum crypto_result hmac_sha512_verify(const uint8_t *key, size_t key_len,
                                      const uint8_t *msg, size_t msg_len,
                                      const uint8_t *tag, size_t tag_len)
{
    if (tag_len < HMAC_SHA512_MIN_TAG_SIZE || tag_len > HMAC_SHA512_SIZE)
        return CRYPTO_ERR_PARAMETER;
    uint8_t mac[HMAC_SHA512_SIZE];
    hmac_sha512(key, key_len, msg, msg_len, mac);
    bool equal = crypto_equal(mac, tag, tag_len);
    crypto_wipe(mac, sizeof(mac));
    return equal ? CRYPTO_OK : CRYPTO_ERR_VERIFY;
}
