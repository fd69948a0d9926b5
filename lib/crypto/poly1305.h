/* Poly1305 one-time authenticator (RFC 8439 §2.5).
 *
 * A Poly1305 key authenticates ONE message: two tags under the same key let
 * an attacker forge. The AEADs derive a fresh key per (key, nonce).
 *
 * Constant time: the running time depends on the message length only, never
 * on the key, the message bytes or the tag. Use crypto_equal to compare
 * tags. */
#ifndef NONOS_CRYPTO_POLY1305_H
#define NONOS_CRYPTO_POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define POLY1305_KEY_SIZE 32
#define POLY1305_TAG_SIZE 16
#define POLY1305_BLOCK_SIZE 16

/* Incremental state. The accumulator h is kept in radix 2^64 (h0, h1, and
 * the few top bits in h2), partially reduced modulo 2^130 - 5. */
struct poly1305_state {
    uint64_t r0, r1;     /* clamped first half of the key */
    uint64_t s1;         /* r1 + r1 / 4: folds 2^128 * r1 back modulo p */
    uint64_t h0, h1, h2; /* accumulator */
    uint64_t pad0, pad1; /* second half of the key, added at the end */
    uint8_t buffer[POLY1305_BLOCK_SIZE];
    size_t buffered;     /* bytes waiting in buffer, always < 16 */
};

void poly1305_init(struct poly1305_state *state,
                   const uint8_t key[POLY1305_KEY_SIZE]);
void poly1305_update(struct poly1305_state *state, const uint8_t *message,
                     size_t len);
/* Writes the tag and wipes the state. */
void poly1305_final(struct poly1305_state *state,
                    uint8_t tag[POLY1305_TAG_SIZE]);

/* One call: tag = Poly1305(key, message). */
void poly1305(uint8_t tag[POLY1305_TAG_SIZE], const uint8_t *message,
              size_t len, const uint8_t key[POLY1305_KEY_SIZE]);

#endif
