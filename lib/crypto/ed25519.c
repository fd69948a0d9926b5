/* Ed25519 (RFC 8032 §5.1): key generation, signing, strict verification.
 * See ed25519.h for the key layout and the verification policy. */
#include "crypto/ed25519.h"

#include "crypto/edwards25519.h"
#include "crypto/scalar25519.h"
#include "crypto/sha512.h"

/* RFC 8032 §5.1.5: h = SHA-512(seed); the secret scalar s is the clamped
 * first half, the second half (prefix) keys the nonce. */
static void ed25519_expand(uint8_t expanded[64], const uint8_t seed[ED25519_SEED_SIZE])
{
    sha512(seed, ED25519_SEED_SIZE, expanded);
    expanded[0] &= 248;
    expanded[31] &= 127;
    expanded[31] |= 64;
}

static void ed25519_public_key(uint8_t public_key[ED25519_PUBLIC_KEY_SIZE],
                               const uint8_t seed[ED25519_SEED_SIZE])
{
    uint8_t expanded[64];
    struct edwards_point a;
    ed25519_expand(expanded, seed);
    edwards_scalarmult_base(&a, expanded);
    edwards_encode(public_key, &a);
    crypto_wipe(expanded, sizeof expanded);
    crypto_wipe(&a, sizeof a);
}

void ed25519_keypair(uint8_t public_key[ED25519_PUBLIC_KEY_SIZE],
                     uint8_t secret_key[ED25519_SECRET_KEY_SIZE],
                     const uint8_t seed[ED25519_SEED_SIZE])
{
    ed25519_public_key(public_key, seed);
    for (int i = 0; i < 32; i++) {
        secret_key[i] = seed[i];
        secret_key[32 + i] = public_key[i];
    }
}

/* check = first half of SHA-512(expanded || A), 96 bytes: one compression.
 * It is a MAC of A (and of the expanded key itself) under the secret
 * expanded key: without it nobody can make a check for another A or another
 * scalar or prefix, so a key that passes was made by ed25519_key_from_seed
 * (or by someone who holds the secret anyway). */
static void ed25519_key_check(uint8_t check[ED25519_KEY_CHECK_SIZE], const uint8_t expanded[64],
                              const uint8_t public_key[ED25519_PUBLIC_KEY_SIZE])
{
    struct sha512_state state;
    uint8_t digest[SHA512_DIGEST_SIZE];
    sha512_init(&state);
    sha512_update(&state, expanded, 64);
    sha512_update(&state, public_key, ED25519_PUBLIC_KEY_SIZE);
    sha512_final(&state, digest);
    for (int i = 0; i < ED25519_KEY_CHECK_SIZE; i++)
        check[i] = digest[i];
    crypto_wipe(digest, sizeof digest);
}

void ed25519_key_from_seed(struct ed25519_secret_key *key, const uint8_t seed[ED25519_SEED_SIZE])
{
    struct edwards_point a;
    ed25519_expand(key->expanded, seed);
    edwards_scalarmult_base(&a, key->expanded);
    edwards_encode(key->public_key, &a);
    ed25519_key_check(key->check, key->expanded, key->public_key);
    crypto_wipe(&a, sizeof a);
}

/* out = SHA-512(first || second || message) mod L */
static void hash_to_scalar(uint8_t out[32], const uint8_t *first, size_t first_length,
                           const uint8_t second[32], const uint8_t *message, size_t length)
{
    struct sha512_state state;
    uint8_t digest[SHA512_DIGEST_SIZE];
    sha512_init(&state);
    sha512_update(&state, first, first_length);
    if (second != NULL)
        sha512_update(&state, second, 32);
    sha512_update(&state, message, length);
    sha512_final(&state, digest);
    scalar_reduce(out, digest);
    crypto_wipe(digest, sizeof digest);
}

__attribute__((noinline)) static enum crypto_result
ed25519_sign_work(uint8_t signature[ED25519_SIGNATURE_SIZE], const uint8_t *message,
                  size_t length, const struct ed25519_secret_key *key)
{
    uint8_t check[ED25519_KEY_CHECK_SIZE], nonce[32], challenge[32];
    const uint8_t *expanded = key->expanded;
    struct edwards_point r;
    /* Refuse a public half (or a scalar, or a prefix) that is not the one
     * ed25519_key_from_seed made, before anything is signed: one signature
     * under a wrong A next to one under the right A would give away the
     * secret scalar, and so would a nonce prefix the caller knows. */
    ed25519_key_check(check, expanded, key->public_key);
    bool genuine = crypto_equal(check, key->check, ED25519_KEY_CHECK_SIZE);
    crypto_wipe(check, sizeof check);
    CRYPTO_DECLASSIFY(&genuine, sizeof genuine); /* whether to sign is public */
    if (!genuine) {
        crypto_wipe(signature, ED25519_SIGNATURE_SIZE);
        return CRYPTO_ERR_PARAMETER;
    }
    /* r = SHA-512(prefix || M) mod L; R = [r]B */
    hash_to_scalar(nonce, expanded + 32, 32, NULL, message, length);
    edwards_scalarmult_base(&r, nonce);
    edwards_encode(signature, &r);
    /* k = SHA-512(R || A || M) mod L; S = r + k s mod L */
    hash_to_scalar(challenge, signature, 32, key->public_key, message, length);
    scalar_muladd(signature + 32, challenge, expanded, nonce);
    crypto_wipe(nonce, sizeof nonce);
    crypto_wipe(&r, sizeof r);
    return CRYPTO_OK;
}

/* The scalar arithmetic and SHA-512 leave words of the expanded key and the
 * nonce in spilled registers; the stack signing used (2.3 KiB measured) is
 * wiped afterwards, about 1% of the cost of a signature. */
#define ED25519_SIGN_STACK_DEPTH 3072

enum crypto_result ed25519_sign(uint8_t signature[ED25519_SIGNATURE_SIZE], const uint8_t *message,
                                size_t length, const struct ed25519_secret_key *key)
{
    enum crypto_result result = ed25519_sign_work(signature, message, length, key);
    crypto_wipe_stack(ED25519_SIGN_STACK_DEPTH);
    return result;
}

/* The checks on the encodings, before any curve arithmetic on them. */
static enum crypto_result ed25519_check_encodings(const uint8_t signature[64],
                                                  const uint8_t public_key[32])
{
    if (!scalar_is_canonical(signature + 32) || !field_is_canonical(signature) ||
        !field_is_canonical(public_key))
        return CRYPTO_ERR_ENCODING;
    if (edwards_is_small_order(signature) || edwards_is_small_order(public_key))
        return CRYPTO_ERR_WEAK_KEY;
    return CRYPTO_OK;
}

enum crypto_result ed25519_verify(const uint8_t signature[ED25519_SIGNATURE_SIZE],
                                  const uint8_t *message, size_t length,
                                  const uint8_t public_key[ED25519_PUBLIC_KEY_SIZE])
{
    enum crypto_result result = ed25519_check_encodings(signature, public_key);
    if (result != CRYPTO_OK)
        return result;
    struct edwards_point a, check;
    result = edwards_decode_vartime(&a, public_key);
    if (result != CRYPTO_OK)
        return result;
    uint8_t challenge[32], check_bytes[32];
    hash_to_scalar(challenge, signature, 32, public_key, message, length);
    /* [S]B - [k]A = [k](-A) + [S]B */
    field_neg(&a.x, &a.x);
    field_neg(&a.t, &a.t);
    edwards_double_scalarmult_vartime(&check, challenge, &a, signature + 32);
    edwards_encode(check_bytes, &check);
    return crypto_equal(check_bytes, signature, 32) ? CRYPTO_OK : CRYPTO_ERR_VERIFY;
}
