/* ChaCha20-Poly1305 (RFC 8439 §2.8) and XChaCha20-Poly1305
 * (draft-irtf-cfrg-xchacha-03 §2.3) authenticated encryption with
 * associated data.
 *
 * Layout: the sealed message is ciphertext || 16-byte tag, so
 * sealed_len = plain_len + AEAD_TAG_SIZE.
 *
 * Contract:
 *  - encrypt writes exactly plain_len + 16 bytes and needs out_cap >= that;
 *    otherwise CRYPTO_ERR_PARAMETER and out[0..out_cap) is zeroed.
 *  - decrypt checks the tag in constant time BEFORE writing any plaintext.
 *    On any failure (sealed_len < 16 or a bad tag: CRYPTO_ERR_VERIFY; out_cap
 *    < sealed_len - 16 or a message too long: CRYPTO_ERR_PARAMETER)
 *    out[0..out_cap) is all zero when it returns.
 *  - out may be exactly the input (in-place) but must not otherwise overlap.
 *  - A (key, nonce) pair seals at most one message. With the 12-byte nonce use
 *    a counter; the 24-byte XChaCha nonce may be random.
 *  - Messages are limited to (2^32 - 1) * 64 bytes by the 32-bit block
 *    counter (AEAD_MAX_PLAIN_SIZE). */
#ifndef NONOS_CRYPTO_AEAD_H
#define NONOS_CRYPTO_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define AEAD_KEY_SIZE 32
#define AEAD_TAG_SIZE 16
#define CHACHA20POLY1305_NONCE_SIZE 12
#define XCHACHA20POLY1305_NONCE_SIZE 24
#define AEAD_MAX_PLAIN_SIZE ((uint64_t)UINT32_MAX * 64)

CRYPTO_MUST_CHECK
enum crypto_result chacha20poly1305_encrypt(
    uint8_t *out, size_t out_cap, const uint8_t *plain, size_t plain_len,
    const uint8_t *ad, size_t ad_len,
    const uint8_t nonce[CHACHA20POLY1305_NONCE_SIZE],
    const uint8_t key[AEAD_KEY_SIZE]);

CRYPTO_MUST_CHECK
enum crypto_result chacha20poly1305_decrypt(
    uint8_t *out, size_t out_cap, const uint8_t *sealed, size_t sealed_len,
    const uint8_t *ad, size_t ad_len,
    const uint8_t nonce[CHACHA20POLY1305_NONCE_SIZE],
    const uint8_t key[AEAD_KEY_SIZE]);

CRYPTO_MUST_CHECK
enum crypto_result xchacha20poly1305_encrypt(
    uint8_t *out, size_t out_cap, const uint8_t *plain, size_t plain_len,
    const uint8_t *ad, size_t ad_len,
    const uint8_t nonce[XCHACHA20POLY1305_NONCE_SIZE],
    const uint8_t key[AEAD_KEY_SIZE]);

CRYPTO_MUST_CHECK
enum crypto_result xchacha20poly1305_decrypt(
    uint8_t *out, size_t out_cap, const uint8_t *sealed, size_t sealed_len,
    const uint8_t *ad, size_t ad_len,
    const uint8_t nonce[XCHACHA20POLY1305_NONCE_SIZE],
    const uint8_t key[AEAD_KEY_SIZE]);

#endif
