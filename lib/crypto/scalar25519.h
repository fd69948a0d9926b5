/* Arithmetic modulo the prime group order of edwards25519,
 *     L = 2^252 + 27742317777372353535851937790883648493   (RFC 8032 §5.1),
 * on 32-byte little-endian scalars. Constant time: Ed25519 signing feeds
 * secrets (the nonce and the secret scalar) through scalar_reduce and
 * scalar_muladd. */
#ifndef NONOS_CRYPTO_SCALAR25519_H
#define NONOS_CRYPTO_SCALAR25519_H

#include <stdbool.h>
#include <stdint.h>

/* out = in mod L, in a 64-byte little-endian number (a SHA-512 digest). */
void scalar_reduce(uint8_t out[32], const uint8_t in[64]);
/* out = a * b + c mod L (any 32-byte a, b, c: a * b + c < 2^512 always). */
void scalar_muladd(uint8_t out[32], const uint8_t a[32], const uint8_t b[32],
                   const uint8_t c[32]);
/* True when s < L: the canonical range of Ed25519's S (RFC 8032 §5.1.7). */
bool scalar_is_canonical(const uint8_t s[32]);

#endif
