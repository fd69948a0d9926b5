/* ML-DSA-65 signatures (FIPS 204, August 2024), "pure" ML-DSA with a context
 * string (not HashML-DSA).
 *
 * The private key is stored as the 32-byte seed xi of ML-DSA.KeyGen; every
 * signature expands it again (FIPS 204 allows storing the seed in place of the
 * expanded key). Signing is constant time in the seed: the only thing it leaks
 * is how many rejection-loop iterations ran, as FIPS 204 §3.6.3 permits.
 * Verification is variable time: every input is public. Stack use of each
 * function is measured and given in docs/crypto.md ("ML-DSA-65"). */
#ifndef NONOS_CRYPTO_MLDSA65_H
#define NONOS_CRYPTO_MLDSA65_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define MLDSA65_SEED_SIZE 32          /* private key = 32-byte seed (xi) */
#define MLDSA65_PUBLIC_KEY_SIZE 1952
#define MLDSA65_SIGNATURE_SIZE 3309
#define MLDSA65_CONTEXT_MAX 255
#define MLDSA65_RANDOM_SIZE 32        /* rnd of mldsa65_sign */

/* Expands the seed (FIPS 204 ML-DSA.KeyGen_internal) to the public key. */
__attribute__((warn_unused_result))
enum crypto_result mldsa65_public_key(uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE],
                                      const uint8_t seed[MLDSA65_SEED_SIZE]);

/* Pure ML-DSA sign (FIPS 204 Algorithm 2) with context; rnd = 32 bytes of
 * fresh randomness (hedged) or NULL for the deterministic variant
 * (rnd = 0^32). CRYPTO_ERR_PARAMETER (signature zeroed) when context_len >
 * MLDSA65_CONTEXT_MAX. */
__attribute__((warn_unused_result))
enum crypto_result mldsa65_sign(uint8_t signature[MLDSA65_SIGNATURE_SIZE],
                                const uint8_t *message, size_t message_len,
                                const uint8_t *context, size_t context_len,
                                const uint8_t seed[MLDSA65_SEED_SIZE],
                                const uint8_t *rnd);

/* Pure ML-DSA verify (Algorithm 3): CRYPTO_OK only for a valid signature;
 * CRYPTO_ERR_ENCODING for a malformed signature or key (hint out of order,
 * z out of range), CRYPTO_ERR_VERIFY otherwise, CRYPTO_ERR_PARAMETER for
 * context too long. */
__attribute__((warn_unused_result))
enum crypto_result mldsa65_verify(const uint8_t signature[MLDSA65_SIGNATURE_SIZE],
                                  const uint8_t *message, size_t message_len,
                                  const uint8_t *context, size_t context_len,
                                  const uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE]);

#endif
