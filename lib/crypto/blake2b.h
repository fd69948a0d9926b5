/* BLAKE2b (RFC 7693): keyed and unkeyed hashing with 1..64 bytes of output.
 *
 * Keyed BLAKE2b is a MAC (the key, up to 64 bytes, is absorbed as a padded
 * first block). The output length is part of the parameter block, so a
 * 32-byte digest is not a prefix of a 64-byte one. Freestanding, no heap.
 * Lifecycle: blake2b_init, blake2b_update any number of times, blake2b_final
 * (which wipes the state). */
#ifndef NONOS_CRYPTO_BLAKE2B_H
#define NONOS_CRYPTO_BLAKE2B_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define BLAKE2B_BLOCK_SIZE 128
#define BLAKE2B_MAX_OUTPUT 64
#define BLAKE2B_MAX_KEY 64

struct blake2b_state {
    uint64_t h[8];                      /* chaining value */
    uint64_t t[2];                      /* 128-bit count of bytes compressed */
    uint8_t buffer[BLAKE2B_BLOCK_SIZE]; /* pending bytes, 0..128 of them */
    size_t buffer_len;
    size_t outlen;
};

/* CRYPTO_ERR_PARAMETER when outlen is not in 1..64, keylen exceeds 64, or
 * key is NULL with keylen > 0. keylen 0 means unkeyed. */
CRYPTO_MUST_CHECK
enum crypto_result blake2b_init(struct blake2b_state *state, size_t outlen,
                                const uint8_t *key, size_t keylen);
void blake2b_update(struct blake2b_state *state, const uint8_t *in, size_t inlen);
/* outlen must equal the one given to blake2b_init (else
 * CRYPTO_ERR_PARAMETER and out is zeroed). Wipes the state. */
CRYPTO_MUST_CHECK
enum crypto_result blake2b_final(struct blake2b_state *state, uint8_t *out,
                                 size_t outlen);
/* One call; same parameter rules as blake2b_init. out is zeroed on error. */
CRYPTO_MUST_CHECK
enum crypto_result blake2b(uint8_t *out, size_t outlen, const uint8_t *key,
                           size_t keylen, const uint8_t *in, size_t inlen);

#endif
