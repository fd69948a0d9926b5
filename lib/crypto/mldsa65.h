/* ML-DSA-65 signatures (FIPS 204, August 2024), "pure" ML-DSA with a context
 * string (not HashML-DSA).
 *
 * The private key is stored as the 32-byte seed xi of ML-DSA.KeyGen; every
 * signature expands it again (FIPS 204 allows storing the seed in place of the
 * expanded key). Signing is constant time in the seed: the only thing it leaks
 * is how many rejection-loop iterations ran, as FIPS 204's implementation
 * notes permit.
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

/* A polynomial of the internal arithmetic (lib/crypto/mldsa65_internal.h);
 * here only so that callers can allocate struct mldsa65_prepared_key. */
struct mldsa_poly {
    int32_t coefficients[256];
};

/* A public key expanded for repeated verification: the matrix A and t1 * 2^d
 * in the NTT domain, and tr = H(pk). 36,928 bytes: allocate it explicitly
 * (kernel heap, static storage), not on a kernel thread's 32 KiB stack.
 * Verifying with it skips the expansion of A (the larger part of a
 * verification's work). */
struct mldsa65_prepared_key {
    struct mldsa_poly matrix[6 * 5];
    struct mldsa_poly t1_hat[6];
    uint8_t tr[64];
};

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

/* Expands public_key into *key for mldsa65_verify_prepared. Every
 * 1952-byte string is a well-formed ML-DSA-65 public key: always CRYPTO_OK. */
__attribute__((warn_unused_result))
enum crypto_result mldsa65_prepare_key(struct mldsa65_prepared_key *key,
                                       const uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE]);

/* mldsa65_verify with a prepared key: the same decision and result code for
 * every input, about 12 KiB of stack, a fraction of the work. */
__attribute__((warn_unused_result))
enum crypto_result mldsa65_verify_prepared(const uint8_t signature[MLDSA65_SIGNATURE_SIZE],
                                           const uint8_t *message, size_t message_len,
                                           const uint8_t *context, size_t context_len,
                                           const struct mldsa65_prepared_key *key);

#endif
