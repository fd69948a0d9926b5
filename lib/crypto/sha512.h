/* SHA-512 (FIPS 180-4, section 6.4).
 *
 * Freestanding: no libc, no heap (Ed25519 hashes with it in the kernel and in
 * capsules). A state is either fresh from sha512_init or in use; after
 * sha512_final it is wiped and must be initialized again before reuse.
 * Messages up to 2^64 - 1 bytes (the 128-bit length field's top bits are
 * derived from a 64-bit byte count). */
#ifndef NONOS_CRYPTO_SHA512_H
#define NONOS_CRYPTO_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define SHA512_DIGEST_SIZE 64
#define SHA512_BLOCK_SIZE 128

struct sha512_state {
    uint64_t h[8];                     /* chaining value */
    uint64_t length;                   /* message bytes absorbed so far */
    uint8_t buffer[SHA512_BLOCK_SIZE]; /* partial block, length % 128 bytes */
};

void sha512_init(struct sha512_state *state);
void sha512_update(struct sha512_state *state, const uint8_t *data, size_t len);
/* Writes the digest and wipes the state. */
void sha512_final(struct sha512_state *state, uint8_t digest[SHA512_DIGEST_SIZE]);
/* One call: digest = SHA-512(data). */
void sha512(const uint8_t *data, size_t len, uint8_t digest[SHA512_DIGEST_SIZE]);

#endif
