/* X25519 Diffie-Hellman (RFC 7748 §5, §6.1).
 *
 * Constant time in the scalar (and in the point). The scalar is clamped as the
 * RFC says (bits 0-2 and 255 cleared, bit 254 set) and the top bit of the
 * point's u-coordinate is ignored; non-canonical u (>= p) is accepted and
 * reduced, as the RFC requires. */
#ifndef NONOS_CRYPTO_X25519_H
#define NONOS_CRYPTO_X25519_H

#include <stdint.h>

#include "crypto/crypto.h"

#define X25519_KEY_SIZE 32    /* secret scalar, public u-coordinate */
#define X25519_SHARED_SIZE 32 /* shared secret */

/* out = X25519(scalar, point). Returns CRYPTO_ERR_WEAK_KEY, with out all
 * zero, when the result is the all-zero value, i.e. when point has small
 * order (on the curve or its twist) and contributes nothing secret; the
 * caller must then abort the exchange (RFC 7748 §6.1). CRYPTO_OK otherwise. */
CRYPTO_MUST_CHECK
enum crypto_result x25519(uint8_t out[X25519_SHARED_SIZE], const uint8_t scalar[X25519_KEY_SIZE],
                          const uint8_t point[X25519_KEY_SIZE]);

/* out = X25519(scalar, 9): the public key of a secret scalar. */
void x25519_base(uint8_t out[X25519_KEY_SIZE], const uint8_t scalar[X25519_KEY_SIZE]);

#endif
