/* Differential tests of the stream area against libsodium on random inputs:
 * ChaCha20 and XChaCha20 (with random initial counters), Poly1305 (one call
 * and random incremental splits), ChaCha20-Poly1305 and XChaCha20-Poly1305
 * (random lengths including 0 and block boundaries, random AD), plus random
 * tampering of ciphertext, tag, AD or nonce, which both libraries must
 * refuse.
 *
 * Usage: stream_differential ITERATIONS [SEED]   (one PASS line per primitive) */
#include <sodium.h>

#include "crypto/aead.h"
#include "crypto/chacha20.h"
#include "crypto/poly1305.h"
#include "tests/host/hex_input.h"
#include "tests/host/test.h"

#define MAX_LEN 4200

static uint64_t prng_state;

/* splitmix64: a reproducible test input generator, not a secure one. */
static uint64_t prng_next(void)
{
    uint64_t z = (prng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void prng_fill(uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)prng_next();
}

/* Lengths that exercise the edges: 0, around every 16- and 64-byte block
 * boundary, around the 512-byte width of the eight-block path, and any. */
static size_t random_length(void)
{
    switch (prng_next() % 4) {
    case 0: return (size_t)(prng_next() % 1100);
    case 1: {
        size_t base = 16 * (size_t)(prng_next() % 70);
        size_t delta = (size_t)(prng_next() % 3);
        return base + delta == 0 ? 0 : base + delta - 1;
    }
    case 2: return (size_t)(prng_next() % 16);
    default: return (size_t)(prng_next() % MAX_LEN);
    }
}

static uint8_t key[32], nonce[24], in[MAX_LEN], ours[MAX_LEN + 16], theirs[MAX_LEN + 16];
static uint8_t ad[300], opened[MAX_LEN];

static const char *diff_chacha20(bool extended)
{
    prng_fill(key, 32);
    prng_fill(nonce, 24);
    size_t len = random_length();
    prng_fill(in, len);
    uint32_t counter = (uint32_t)prng_next();
    if (prng_next() % 4 == 0)
        counter = UINT32_MAX - (uint32_t)(prng_next() % 80); /* near the end */
    uint64_t blocks = (len + 63) / 64;
    bool fits = blocks <= (uint64_t)UINT32_MAX - counter + 1;
    enum crypto_result r = extended ? xchacha20_xor(ours, in, len, key, nonce, counter)
                                    : chacha20_xor(ours, in, len, key, nonce, counter);
    if (!fits)
        return r == CRYPTO_ERR_PARAMETER ? NULL : "counter overflow not refused";
    if (r != CRYPTO_OK)
        return "refused a request that fits the counter";
    if (extended)
        crypto_stream_xchacha20_xor_ic(theirs, in, len, nonce, counter, key);
    else
        crypto_stream_chacha20_ietf_xor_ic(theirs, in, len, nonce, counter, key);
    return memcmp(ours, theirs, len) == 0 ? NULL : "output differs from libsodium";
}

static const char *diff_poly1305(void)
{
    uint8_t tag[16], split_tag[16], their_tag[16];
    prng_fill(key, 32);
    size_t len = random_length();
    prng_fill(in, len);
    poly1305(tag, in, len, key);
    struct poly1305_state state;
    poly1305_init(&state, key);
    for (size_t done = 0; done < len;) {
        size_t piece = (size_t)(prng_next() % 70);
        if (piece > len - done)
            piece = len - done;
        poly1305_update(&state, in + done, piece);
        done += piece;
    }
    poly1305_final(&state, split_tag);
    crypto_onetimeauth_poly1305(their_tag, in, len, key);
    if (memcmp(tag, their_tag, 16) != 0)
        return "tag differs from libsodium";
    return memcmp(split_tag, their_tag, 16) == 0 ? NULL : "incremental tag differs";
}

/* Flips one random bit of ciphertext, tag, AD or nonce (or truncates); both
 * libraries must refuse, ours with a wiped output. */
static const char *tamper(bool extended, size_t len, size_t ad_len)
{
    size_t sealed_len = len + 16;
    int where = (int)(prng_next() % 5);
    if (where == 2 && ad_len == 0)
        where = 1;
    uint8_t *target = NULL;
    uint8_t bit = (uint8_t)(1u << (prng_next() % 8));
    if (where == 0 && len == 0)
        where = 1;
    switch (where) {
    case 0: target = ours + prng_next() % len; break;
    case 1: target = ours + len + prng_next() % 16; break;
    case 2: target = ad + prng_next() % ad_len; break;
    case 3: target = nonce + prng_next() % (extended ? 24 : 12); break;
    default: sealed_len -= 1 + (size_t)(prng_next() % sealed_len); break;
    }
    if (target)
        *target ^= bit;
    memset(opened, 0x5a, sizeof opened);
    enum crypto_result r = extended
        ? xchacha20poly1305_decrypt(opened, sizeof opened, ours, sealed_len, ad, ad_len, nonce, key)
        : chacha20poly1305_decrypt(opened, sizeof opened, ours, sealed_len, ad, ad_len, nonce, key);
    unsigned long long out_len;
    int theirs_result = extended
        ? crypto_aead_xchacha20poly1305_ietf_decrypt(theirs, &out_len, NULL, ours, sealed_len,
                                                     ad, ad_len, nonce, key)
        : crypto_aead_chacha20poly1305_ietf_decrypt(theirs, &out_len, NULL, ours, sealed_len,
                                                    ad, ad_len, nonce, key);
    if (target)
        *target ^= bit;
    if (r != CRYPTO_ERR_VERIFY)
        return "tampered message not refused";
    if (theirs_result == 0)
        return "libsodium accepted a tampered message";
    for (size_t i = 0; i < sizeof opened; i++)
        if (opened[i] != 0)
            return "refused but output not wiped";
    return NULL;
}

static const char *diff_aead(bool extended)
{
    prng_fill(key, 32);
    prng_fill(nonce, 24);
    size_t len = random_length();
    size_t ad_len = (size_t)(prng_next() % 4 == 0 ? 0 : prng_next() % sizeof ad);
    prng_fill(in, len);
    prng_fill(ad, ad_len);
    unsigned long long their_len;
    enum crypto_result r = extended
        ? xchacha20poly1305_encrypt(ours, sizeof ours, in, len, ad, ad_len, nonce, key)
        : chacha20poly1305_encrypt(ours, sizeof ours, in, len, ad, ad_len, nonce, key);
    if (extended)
        crypto_aead_xchacha20poly1305_ietf_encrypt(theirs, &their_len, in, len, ad, ad_len,
                                                   NULL, nonce, key);
    else
        crypto_aead_chacha20poly1305_ietf_encrypt(theirs, &their_len, in, len, ad, ad_len,
                                                  NULL, nonce, key);
    if (r != CRYPTO_OK || their_len != len + 16 || memcmp(ours, theirs, len + 16) != 0)
        return "sealed message differs from libsodium";
    r = extended
        ? xchacha20poly1305_decrypt(opened, sizeof opened, ours, len + 16, ad, ad_len, nonce, key)
        : chacha20poly1305_decrypt(opened, sizeof opened, ours, len + 16, ad, ad_len, nonce, key);
    if (r != CRYPTO_OK || memcmp(opened, in, len) != 0)
        return "did not open its own message";
    return tamper(extended, len, ad_len);
}

typedef const char *(*diff_function)(void);
static const char *diff_chacha(void) { return diff_chacha20(false); }
static const char *diff_xchacha(void) { return diff_chacha20(true); }
static const char *diff_aead_chacha(void) { return diff_aead(false); }
static const char *diff_aead_xchacha(void) { return diff_aead(true); }

static void run(const char *name, diff_function f, long iterations)
{
    for (long i = 0; i < iterations; i++) {
        const char *reason = f();
        if (reason) {
            hex_input_print("key", key, 32);
            hex_input_print("nonce", nonce, 24);
            test_check(false, "%s vs libsodium, input %ld: %s", name, i, reason);
            return;
        }
    }
    test_check(true, "%s vs libsodium: %ld random inputs", name, iterations);
}

int main(int argc, char **argv)
{
    if (argc < 2 || sodium_init() < 0) {
        fprintf(stderr, "usage: %s ITERATIONS [SEED] (and libsodium must initialize)\n", argv[0]);
        return 2;
    }
    long iterations = atol(argv[1]);
    prng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x6e6f6e6f73ull;
    fprintf(stderr, "seed %llu\n", (unsigned long long)prng_state);
    const char *variant = getenv("STREAM_VARIANT") ? getenv("STREAM_VARIANT") : "";
    char name[80];
    snprintf(name, sizeof name, "%schacha20", variant);
    run(name, diff_chacha, iterations);
    snprintf(name, sizeof name, "%sxchacha20", variant);
    run(name, diff_xchacha, iterations);
    snprintf(name, sizeof name, "%spoly1305", variant);
    run(name, diff_poly1305, iterations);
    snprintf(name, sizeof name, "%schacha20-poly1305 (with tampering)", variant);
    run(name, diff_aead_chacha, iterations);
    snprintf(name, sizeof name, "%sxchacha20-poly1305 (with tampering)", variant);
    run(name, diff_aead_xchacha, iterations);
    return test_finish();
}
