/* Ed25519 signatures (RFC 8032 §5.1, "pure" Ed25519: no prehash, no context).
 *
 * Keys are laid out as libsodium does: the 64-byte secret key is the 32-byte
 * seed followed by the 32-byte public key, and signing uses that stored public
 * key (keep the two halves together). Signing is deterministic and constant
 * time in the secret key; the message is public.
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

/* Derives the key pair of a 32-byte random seed (RFC 8032 §5.1.5). */
void ed25519_keypair(uint8_t public_key[ED25519_PUBLIC_KEY_SIZE],
                     uint8_t secret_key[ED25519_SECRET_KEY_SIZE],
                     const uint8_t seed[ED25519_SEED_SIZE]);

/* signature = Sign(secret_key, message) (RFC 8032 §5.1.6). */
void ed25519_sign(uint8_t signature[ED25519_SIGNATURE_SIZE], const uint8_t *message,
                  size_t length, const uint8_t secret_key[ED25519_SECRET_KEY_SIZE]);

/* CRYPTO_OK when signature is valid for (message, public_key) under the strict
 * policy above. Otherwise CRYPTO_ERR_ENCODING (S, R or A not canonical, A not
 * a curve point), CRYPTO_ERR_WEAK_KEY (A or R of small order) or
 * CRYPTO_ERR_VERIFY (the equation does not hold). Variable time: every input
 * is public. */
enum crypto_result ed25519_verify(const uint8_t signature[ED25519_SIGNATURE_SIZE],
                                  const uint8_t *message, size_t length,
                                  const uint8_t public_key[ED25519_PUBLIC_KEY_SIZE]);

#endif
