/* Ed25519 signatures (RFC 8032 §5.1, "pure" Ed25519: no prehash, no context).
 *
 * Signing takes a struct ed25519_secret_key, never raw bytes. Signing hashes
 * the public key A into the challenge, while the nonce depends on the seed and
 * the message only, so signing one message under two different A would reveal
 * the secret scalar (S - S' = (k - k')s). The key therefore carries, next to
 * the expanded secret (SHA-512 of the seed, scalar clamped) and A, a check
 * value: a hash of both that only the holder of the secret can compute.
 * ed25519_sign recomputes it and refuses (no signature) a key whose public
 * half, scalar or prefix was changed. Keeping the expanded secret saves the
 * hash of the seed that the check costs, so signing costs what it did. Signing is deterministic and constant time in the
 * secret key; the message is public.
 *
 * ed25519_keypair still writes libsodium's 64-byte layout (seed || A) for
 * storage and interchange; nothing signs from those bytes directly: load the
 * seed with ed25519_key_from_seed.
 *
 * Verification is strict, and makes the same decision as libsodium 1.0.18's
 * crypto_sign_verify_detached for every input (docs/crypto.md, "Ed25519
 * verification policy"): it rejects S >= L, a non-canonical A or R (y >= p),
 * an A or R of small order, an A that is not on the curve, and accepts only
 * when the encoding of [S]B - [k]A equals R byte for byte (the cofactorless
 * equation, k = SHA-512(R || A || M) mod L). */
#ifndef NONOS_CRYPTO_ED25519_H
#define NONOS_CRYPTO_ED25519_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define ED25519_SEED_SIZE 32
#define ED25519_PUBLIC_KEY_SIZE 32
#define ED25519_SECRET_KEY_SIZE 64
#define ED25519_SIGNATURE_SIZE 64
#define ED25519_KEY_CHECK_SIZE 32

/* A signing key. Make it only with ed25519_key_from_seed; wipe it with
 * crypto_wipe. public_key may be read; changing it (or check) makes
 * ed25519_sign refuse the key. */
struct ed25519_secret_key {
    uint8_t expanded[64];                  /* SHA-512(seed), scalar half clamped */
    uint8_t public_key[ED25519_PUBLIC_KEY_SIZE];
    uint8_t check[ED25519_KEY_CHECK_SIZE]; /* SHA-512(expanded || A), first half */
};

/* Derives the key pair of a 32-byte random seed (RFC 8032 §5.1.5) in
 * libsodium's storage layout: secret_key = seed || public_key. */
void ed25519_keypair(uint8_t public_key[ED25519_PUBLIC_KEY_SIZE],
                     uint8_t secret_key[ED25519_SECRET_KEY_SIZE],
                     const uint8_t seed[ED25519_SEED_SIZE]);

/* The signing key of a seed: A is computed here, from the seed, never taken
 * from the caller. */
void ed25519_key_from_seed(struct ed25519_secret_key *key, const uint8_t seed[ED25519_SEED_SIZE]);

/* signature = Sign(key, message) (RFC 8032 §5.1.6). CRYPTO_ERR_PARAMETER,
 * with the signature all zero, when key->expanded, key->public_key and
 * key->check are not what ed25519_key_from_seed made. */
CRYPTO_MUST_CHECK
enum crypto_result ed25519_sign(uint8_t signature[ED25519_SIGNATURE_SIZE], const uint8_t *message,
                                size_t length, const struct ed25519_secret_key *key);

/* CRYPTO_OK when signature is valid for (message, public_key) under the strict
 * policy above. Otherwise CRYPTO_ERR_ENCODING (S, R or A not canonical, A not
 * a curve point), CRYPTO_ERR_WEAK_KEY (A or R of small order) or
 * CRYPTO_ERR_VERIFY (the equation does not hold). Variable time: every input
 * is public. */
CRYPTO_MUST_CHECK
enum crypto_result ed25519_verify(const uint8_t signature[ED25519_SIGNATURE_SIZE],
                                  const uint8_t *message, size_t length,
                                  const uint8_t public_key[ED25519_PUBLIC_KEY_SIZE]);

#endif
