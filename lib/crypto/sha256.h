/* SHA-256 (FIPS 180-4, section 6.2).
 *
 * Freestanding: no libc, no heap; the UEFI loader and the kernel measure
 * images with it. A state is either fresh from sha256_init or in use; after
 * sha256_final it is wiped and must be initialized again before reuse.
 * Messages up to 2^64 - 1 bytes (the length field counts bits mod 2^64). */
#ifndef NONOS_CRYPTO_SHA256_H
#define NONOS_CRYPTO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct sha256_state {
    uint32_t h[8];                     /* chaining value */
    uint64_t length;                   /* message bytes absorbed so far */
    uint8_t buffer[SHA256_BLOCK_SIZE]; /* partial block, length % 64 bytes */
};

void sha256_init(struct sha256_state *state);
void sha256_update(struct sha256_state *state, const uint8_t *data, size_t len);
/* Writes the digest and wipes the state. */
void sha256_final(struct sha256_state *state, uint8_t digest[SHA256_DIGEST_SIZE]);
/* One call: digest = SHA-256(data). */
void sha256(const uint8_t *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif
