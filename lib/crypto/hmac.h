/* HMAC (RFC 2104) over SHA-256 and SHA-512.
 *
 * Keys of any length: longer than the hash block they are hashed first, as
 * the RFC says. The incremental API mirrors the hash it wraps: init, any
 * number of updates, final (which wipes the state). Verification compares in
 * constant time and accepts a tag truncated to its leading bytes, no shorter
 * than half the hash output (RFC 2104 section 5). Freestanding, no heap. */
#ifndef NONOS_CRYPTO_HMAC_H
#define NONOS_CRYPTO_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "crypto/sha512.h"

#define HMAC_SHA256_SIZE SHA256_DIGEST_SIZE
#define HMAC_SHA512_SIZE SHA512_DIGEST_SIZE
/* Shortest tag hmac_*_verify accepts: half the hash output. */
#define HMAC_SHA256_MIN_TAG_SIZE (SHA256_DIGEST_SIZE / 2)
#define HMAC_SHA512_MIN_TAG_SIZE (SHA512_DIGEST_SIZE / 2)

struct hmac_sha256_state {
    struct sha256_state inner; /* has absorbed key ^ ipad, then the message */
    struct sha256_state outer; /* has absorbed key ^ opad */
};

struct hmac_sha512_state {
    struct sha512_state inner;
    struct sha512_state outer;
};

void hmac_sha256_init(struct hmac_sha256_state *state, const uint8_t *key,
                      size_t key_len);
void hmac_sha256_update(struct hmac_sha256_state *state, const uint8_t *msg,
                        size_t len);
void hmac_sha256_final(struct hmac_sha256_state *state,
                       uint8_t mac[HMAC_SHA256_SIZE]);
void hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg,
                 size_t msg_len, uint8_t mac[HMAC_SHA256_SIZE]);
/* CRYPTO_OK when tag equals the first tag_len bytes of HMAC(key, msg);
 * CRYPTO_ERR_VERIFY when it does not; CRYPTO_ERR_PARAMETER when tag_len is
 * outside [HMAC_SHA256_MIN_TAG_SIZE, HMAC_SHA256_SIZE]. */
CRYPTO_MUST_CHECK
enum crypto_result hmac_sha256_verify(const uint8_t *key, size_t key_len,
                                      const uint8_t *msg, size_t msg_len,
                                      const uint8_t *tag, size_t tag_len);

void hmac_sha512_init(struct hmac_sha512_state *state, const uint8_t *key,
                      size_t key_len);
void hmac_sha512_update(struct hmac_sha512_state *state, const uint8_t *msg,
                        size_t len);
void hmac_sha512_final(struct hmac_sha512_state *state,
                       uint8_t mac[HMAC_SHA512_SIZE]);
void hmac_sha512(const uint8_t *key, size_t key_len, const uint8_t *msg,
                 size_t msg_len, uint8_t mac[HMAC_SHA512_SIZE]);
CRYPTO_MUST_CHECK
enum crypto_result hmac_sha512_verify(const uint8_t *key, size_t key_len,
                                      const uint8_t *msg, size_t msg_len,
                                      const uint8_t *tag, size_t tag_len);

#endif
