/* Differential tests of the hash area against libsodium: random inputs (with
 * lengths biased to 0 and block boundaries), our incremental API fed in
 * random pieces, libsodium's one-shot result as the reference.
 *
 *   hash_differential <primitive> <iterations> <seed>
 *
 * primitive: sha256 sha512 hmac-sha256 hmac-sha512 hkdf-sha256 hkdf-sha512
 * blake2b argon2id. Prints one PASS/FAIL line; the seed is in the line on
 * failure so the run can be repeated exactly. libsodium 1.0.18 has no HKDF,
 * so the reference HKDF is RFC 5869 written here over libsodium's HMAC. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/argon2id.h"
#include "crypto/blake2b.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "crypto/sha512.h"
#include "tests/host/test.h"

#define MAX_INPUT 4500

static uint64_t rng_state;

/* splitmix64: a small, seedable generator so a failure can be replayed. */
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
    return n == 0 ? 0 : (size_t)(rng_next() % n);
}

static void rng_fill(uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)rng_next();
}

/* A length in [0, max]: a quarter of the time 0 or next to a multiple of
 * `block`, otherwise uniform. */
static size_t random_length(size_t max, size_t block)
{
    if (rng_below(4) == 0) {
        size_t len = block * rng_below(max / block + 1) + rng_below(3);
        len = len > 0 ? len - 1 : 0;
        return len > max ? max : len;
    }
    return rng_below(max + 1);
}

/* Splits [0, len) into random pieces and calls feed on each. */
#define FEED_IN_PIECES(data, len, feed)                              \
    do {                                                             \
        size_t off_ = 0;                                             \
        while (off_ < (len)) {                                       \
            size_t piece_ = 1 + rng_below((len) - off_);             \
            if (rng_below(2) == 0 && piece_ > 200)                   \
                piece_ = 1 + rng_below(200);                         \
            feed((data) + off_, piece_);                             \
            off_ += piece_;                                          \
        }                                                            \
        if (rng_below(8) == 0)                                       \
            feed((data) + off_, 0);                                  \
    } while (0)

static uint8_t input[MAX_INPUT], key[300], salt[300], info[300];

static bool check_sha256(void)
{
    size_t len = random_length(MAX_INPUT, SHA256_BLOCK_SIZE);
    uint8_t ours[32], theirs[32];
    struct sha256_state s;
    rng_fill(input, len);
    sha256_init(&s);
#define FEED(p, n) sha256_update(&s, p, n)
    FEED_IN_PIECES(input, len, FEED);
#undef FEED
    sha256_final(&s, ours);
    crypto_hash_sha256(theirs, input, len);
    return memcmp(ours, theirs, 32) == 0;
}

static bool check_sha512(void)
{
    size_t len = random_length(MAX_INPUT, SHA512_BLOCK_SIZE);
    uint8_t ours[64], theirs[64];
    struct sha512_state s;
    rng_fill(input, len);
    sha512_init(&s);
#define FEED(p, n) sha512_update(&s, p, n)
    FEED_IN_PIECES(input, len, FEED);
#undef FEED
    sha512_final(&s, ours);
    crypto_hash_sha512(theirs, input, len);
    return memcmp(ours, theirs, 64) == 0;
}

/* Random key (half the time exactly 32 bytes, libsodium's verify size) and
 * message; both MACs must match, both verifiers must accept the tag and
 * reject it with one random bit flipped. */
static bool check_hmac_sha256(void)
{
    size_t key_len = rng_below(2) ? 32 : random_length(200, SHA256_BLOCK_SIZE);
    size_t len = random_length(1000, SHA256_BLOCK_SIZE);
    uint8_t ours[32], theirs[32];
    rng_fill(key, key_len);
    rng_fill(input, len);
    struct hmac_sha256_state s;
    hmac_sha256_init(&s, key, key_len);
#define FEED(p, n) hmac_sha256_update(&s, p, n)
    FEED_IN_PIECES(input, len, FEED);
#undef FEED
    hmac_sha256_final(&s, ours);
    crypto_auth_hmacsha256_state ref;
    crypto_auth_hmacsha256_init(&ref, key, key_len);
    crypto_auth_hmacsha256_update(&ref, input, len);
    crypto_auth_hmacsha256_final(&ref, theirs);
    bool ok = memcmp(ours, theirs, 32) == 0 &&
              hmac_sha256_verify(key, key_len, input, len, theirs, 32) == CRYPTO_OK;
    theirs[rng_below(32)] ^= (uint8_t)(1u << rng_below(8));
    ok = ok && hmac_sha256_verify(key, key_len, input, len, theirs, 32) == CRYPTO_ERR_VERIFY;
    if (key_len == 32)
        ok = ok && crypto_auth_hmacsha256_verify(ours, input, len, key) == 0 &&
             crypto_auth_hmacsha256_verify(theirs, input, len, key) != 0;
    return ok;
}

static bool check_hmac_sha512(void)
{
    size_t key_len = rng_below(2) ? 32 : random_length(300, SHA512_BLOCK_SIZE);
    size_t len = random_length(1000, SHA512_BLOCK_SIZE);
    uint8_t ours[64], theirs[64];
    rng_fill(key, key_len);
    rng_fill(input, len);
    struct hmac_sha512_state s;
    hmac_sha512_init(&s, key, key_len);
#define FEED(p, n) hmac_sha512_update(&s, p, n)
    FEED_IN_PIECES(input, len, FEED);
#undef FEED
    hmac_sha512_final(&s, ours);
    crypto_auth_hmacsha512_state ref;
    crypto_auth_hmacsha512_init(&ref, key, key_len);
    crypto_auth_hmacsha512_update(&ref, input, len);
    crypto_auth_hmacsha512_final(&ref, theirs);
    bool ok = memcmp(ours, theirs, 64) == 0 &&
              hmac_sha512_verify(key, key_len, input, len, theirs, 64) == CRYPTO_OK;
    theirs[rng_below(64)] ^= (uint8_t)(1u << rng_below(8));
    ok = ok && hmac_sha512_verify(key, key_len, input, len, theirs, 64) == CRYPTO_ERR_VERIFY;
    if (key_len == 32)
        ok = ok && crypto_auth_hmacsha512_verify(ours, input, len, key) == 0 &&
             crypto_auth_hmacsha512_verify(theirs, input, len, key) != 0;
    return ok;
}

/* RFC 5869 over libsodium's HMAC-SHA-256: the reference HKDF. */
static void reference_hkdf_sha256(uint8_t *okm, size_t okm_len, const uint8_t *s,
                                  size_t s_len, const uint8_t *ikm, size_t ikm_len,
                                  const uint8_t *inf, size_t inf_len)
{
    uint8_t prk[32], t[32];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, s, s_len);
    crypto_auth_hmacsha256_update(&st, ikm, ikm_len);
    crypto_auth_hmacsha256_final(&st, prk);
    for (size_t i = 1, done = 0; done < okm_len; i++) {
        uint8_t counter = (uint8_t)i;
        crypto_auth_hmacsha256_init(&st, prk, 32);
        if (i > 1)
            crypto_auth_hmacsha256_update(&st, t, 32);
        crypto_auth_hmacsha256_update(&st, inf, inf_len);
        crypto_auth_hmacsha256_update(&st, &counter, 1);
        crypto_auth_hmacsha256_final(&st, t);
        size_t n = okm_len - done < 32 ? okm_len - done : 32;
        memcpy(okm + done, t, n);
        done += n;
    }
}

static void reference_hkdf_sha512(uint8_t *okm, size_t okm_len, const uint8_t *s,
                                  size_t s_len, const uint8_t *ikm, size_t ikm_len,
                                  const uint8_t *inf, size_t inf_len)
{
    uint8_t prk[64], t[64];
    crypto_auth_hmacsha512_state st;
    crypto_auth_hmacsha512_init(&st, s, s_len);
    crypto_auth_hmacsha512_update(&st, ikm, ikm_len);
    crypto_auth_hmacsha512_final(&st, prk);
    for (size_t i = 1, done = 0; done < okm_len; i++) {
        uint8_t counter = (uint8_t)i;
        crypto_auth_hmacsha512_init(&st, prk, 64);
        if (i > 1)
            crypto_auth_hmacsha512_update(&st, t, 64);
        crypto_auth_hmacsha512_update(&st, inf, inf_len);
        crypto_auth_hmacsha512_update(&st, &counter, 1);
        crypto_auth_hmacsha512_final(&st, t);
        size_t n = okm_len - done < 64 ? okm_len - done : 64;
        memcpy(okm + done, t, n);
        done += n;
    }
}

static uint8_t okm_ours[HKDF_SHA512_MAX_OUTPUT + 1], okm_theirs[HKDF_SHA512_MAX_OUTPUT + 1];

/* Output lengths: mostly short, sometimes up to the maximum, and now and
 * then one byte past it, which must be refused. */
static size_t hkdf_length(size_t hash_len, size_t max)
{
    switch (rng_below(40)) {
    case 0: case 1: return max + 1;
    case 2: return max - rng_below(2 * hash_len);
    case 3: return rng_below(max + 1);
    default: return random_length(4 * hash_len, hash_len);
    }
}

static bool check_hkdf_sha256(void)
{
    size_t ikm_len = random_length(200, 64), salt_len = random_length(200, 64);
    size_t info_len = random_length(200, 64);
    size_t len = hkdf_length(32, HKDF_SHA256_MAX_OUTPUT);
    rng_fill(input, ikm_len);
    rng_fill(salt, salt_len);
    rng_fill(info, info_len);
    enum crypto_result r = hkdf_sha256(okm_ours, len, salt, salt_len, input,
                                       ikm_len, info, info_len);
    if (len > HKDF_SHA256_MAX_OUTPUT)
        return r == CRYPTO_ERR_PARAMETER;
    reference_hkdf_sha256(okm_theirs, len, salt, salt_len, input, ikm_len, info, info_len);
    return r == CRYPTO_OK && memcmp(okm_ours, okm_theirs, len) == 0;
}

static bool check_hkdf_sha512(void)
{
    size_t ikm_len = random_length(200, 128), salt_len = random_length(300, 128);
    size_t info_len = random_length(300, 128);
    size_t len = hkdf_length(64, HKDF_SHA512_MAX_OUTPUT);
    rng_fill(input, ikm_len);
    rng_fill(salt, salt_len);
    rng_fill(info, info_len);
    enum crypto_result r = hkdf_sha512(okm_ours, len, salt, salt_len, input,
                                       ikm_len, info, info_len);
    if (len > HKDF_SHA512_MAX_OUTPUT)
        return r == CRYPTO_ERR_PARAMETER;
    reference_hkdf_sha512(okm_theirs, len, salt, salt_len, input, ikm_len, info, info_len);
    return r == CRYPTO_OK && memcmp(okm_ours, okm_theirs, len) == 0;
}

/* Keyed half the time; output length 1..64. */
static bool check_blake2b(void)
{
    size_t out_len = 1 + rng_below(64);
    size_t key_len = rng_below(2) ? 0 : 1 + rng_below(64);
    size_t len = random_length(MAX_INPUT, BLAKE2B_BLOCK_SIZE);
    uint8_t ours[64], theirs[64];
    rng_fill(key, key_len);
    rng_fill(input, len);
    struct blake2b_state s;
    bool ok = blake2b_init(&s, out_len, key_len ? key : NULL, key_len) == CRYPTO_OK;
#define FEED(p, n) blake2b_update(&s, p, n)
    FEED_IN_PIECES(input, len, FEED);
#undef FEED
    ok = ok && blake2b_final(&s, ours, out_len) == CRYPTO_OK;
    ok = ok && crypto_generichash(theirs, out_len, input, len, key_len ? key : NULL, key_len) == 0;
    return ok && memcmp(ours, theirs, out_len) == 0;
}

static struct argon2id_block argon2_work[256];

/* libsodium's Argon2id API fixes parallelism 1, a 16-byte salt, no secret
 * and no associated data, and wants at least 16 bytes of tag. Within that:
 * random t 1..3, m 8..256 KiB (any value, so rounding is exercised), tag
 * 16..200 bytes (H' beyond 64 bytes), password 0..300 bytes. */
static bool check_argon2id(void)
{
    uint8_t ours[200], theirs[200];
    size_t tag_len = 16 + rng_below(185);
    size_t password_len = random_length(300, 64);
    rng_fill(input, password_len);
    rng_fill(salt, crypto_pwhash_argon2id_SALTBYTES);
    struct argon2id_params p = {
        .t_cost = (uint32_t)(1 + rng_below(3)),
        .m_cost = (uint32_t)(8 + rng_below(249)),
        .parallelism = 1,
        .password = input, .password_len = password_len,
        .salt = salt, .salt_len = crypto_pwhash_argon2id_SALTBYTES,
    };
    bool ok = argon2id(ours, tag_len, &p, argon2_work, 256) == CRYPTO_OK;
    ok = ok && crypto_pwhash_argon2id(theirs, tag_len, (const char *)input, password_len,
                                      salt, p.t_cost, (size_t)p.m_cost * 1024,
                                      crypto_pwhash_argon2id_ALG_ARGON2ID13) == 0;
    return ok && memcmp(ours, theirs, tag_len) == 0;
}

struct primitive {
    const char *name;
    bool (*check)(void);
};

static const struct primitive primitives[] = {
    { "sha256", check_sha256 },           { "sha512", check_sha512 },
    { "hmac-sha256", check_hmac_sha256 }, { "hmac-sha512", check_hmac_sha512 },
    { "hkdf-sha256", check_hkdf_sha256 }, { "hkdf-sha512", check_hkdf_sha512 },
    { "blake2b", check_blake2b },         { "argon2id", check_argon2id },
};

int main(int argc, char **argv)
{
    if (argc != 4 || sodium_init() < 0) {
        fprintf(stderr, "usage: hash_differential <primitive> <iterations> <seed>\n");
        return 2;
    }
    const struct primitive *p = NULL;
    for (size_t i = 0; i < sizeof(primitives) / sizeof(primitives[0]); i++)
        if (strcmp(argv[1], primitives[i].name) == 0)
            p = &primitives[i];
    if (p == NULL) {
        fprintf(stderr, "unknown primitive %s\n", argv[1]);
        return 2;
    }
    unsigned long iterations = strtoul(argv[2], NULL, 10);
    unsigned long long seed = strtoull(argv[3], NULL, 10);
    rng_state = seed;
    const char *unit = p->check == check_argon2id ? "parameter sets" : "inputs";
    for (unsigned long i = 0; i < iterations; i++) {
        if (!p->check()) {
            test_check(false, "%s vs libsodium: %lu random %s: mismatch at iteration %lu (seed %llu)",
                       p->name, iterations, unit, i, seed);
            return test_finish();
        }
    }
    test_check(iterations > 0, "%s vs libsodium: %lu random %s agree", p->name, iterations, unit);
    return test_finish();
}
