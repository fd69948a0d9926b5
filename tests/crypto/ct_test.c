/* Constant-time test, the ctgrind technique (Adam Langley, 2010): run each
 * secret-dependent operation under valgrind's memcheck with the secret bytes
 * marked undefined (VALGRIND_MAKE_MEM_UNDEFINED). Memcheck then reports every
 * conditional jump and every memory address that depends on them, which is
 * exactly a timing leak; valgrind --error-exitcode=1 turns a report into a
 * failure. Outputs derived from secrets are secret too: the program marks them
 * defined (VALGRIND_MAKE_MEM_DEFINED) before it looks at them.
 *
 *   ct_test OPERATION      one of the names in the table below
 *
 * "leaky-compare" (an early-exit comparison) and "leaky-lookup" (a table read
 * at a secret index) leak on purpose: valgrind must flag both, which shows
 * that the test can fail. Built without sanitizers (ASan
 * and valgrind do not mix), -O2 as in production. */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto/crypto.h"
#include "crypto/ed25519.h"
#include "crypto/poly1305.h"
#include "crypto/x25519.h"
#include "crypto/x25519_ladder.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

/* Fixed, arbitrary inputs: what matters is which bytes are marked secret. */
static void fill(uint8_t *p, size_t n, uint8_t start)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(start + 37 * i);
}

static int ct_x25519(void)
{
    uint8_t scalar[32], point[32], out[32];
    fill(scalar, 32, 1);
    x25519_base(point, scalar); /* a valid public point */
    fill(scalar, 32, 99);
    SECRET(scalar, sizeof scalar);
    enum crypto_result r = x25519(out, scalar, point);
    PUBLIC(&r, sizeof r);
    PUBLIC(out, sizeof out);
    return r == CRYPTO_OK ? 0 : 1;
}

/* Each ladder called directly with a secret clamped scalar and a secret
 * point: valgrind's CPUID hides ADX, so x25519() runs the portable ladder
 * under valgrind, and only a direct call checks the mulx one (valgrind
 * executes mulx, adcx and adox). */
static int ct_ladder(void (*ladder)(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]))
{
    uint8_t scalar[32], point[32], out[32], expected[32];
    fill(scalar, 32, 1);
    x25519_base(point, scalar);
    fill(scalar, 32, 99);
    if (x25519(expected, scalar, point) != CRYPTO_OK)
        return 1;
    scalar[0] &= 248;
    scalar[31] = (uint8_t)((scalar[31] & 127) | 64);
    SECRET(scalar, sizeof scalar);
    SECRET(point, sizeof point);
    ladder(out, scalar, point);
    PUBLIC(out, sizeof out);
    return memcmp(out, expected, 32) == 0 ? 0 : 1;
}

static int ct_x25519_ladder_portable(void)
{
    return ct_ladder(x25519_ladder_portable);
}

static int ct_x25519_ladder_mulx(void)
{
#ifdef X25519_MULX
    return ct_ladder(x25519_ladder_mulx);
#else
    fprintf(stderr, "ct_test: this build has no mulx ladder (X25519_MULX undefined)\n");
    return 1;
#endif
}

static int ct_x25519_base(void)
{
    uint8_t scalar[32], out[32];
    fill(scalar, 32, 5);
    SECRET(scalar, sizeof scalar);
    x25519_base(out, scalar);
    PUBLIC(out, sizeof out);
    return out[0] == 0 && out[1] == 0 ? 1 : 0; /* uses the output */
}

static int ct_ed25519_keypair(void)
{
    uint8_t seed[32], public_key[32], secret_key[64];
    fill(seed, 32, 7);
    SECRET(seed, sizeof seed);
    ed25519_keypair(public_key, secret_key, seed);
    PUBLIC(public_key, sizeof public_key);
    return public_key[0] == 0 && public_key[1] == 0 ? 1 : 0;
}

static int ct_ed25519_sign(void)
{
    uint8_t seed[32], message[100], signature[64];
    struct ed25519_secret_key key;
    fill(seed, 32, 11);
    fill(message, sizeof message, 3);
    ed25519_key_from_seed(&key, seed);
    SECRET(key.expanded, sizeof key.expanded); /* the secret and its check; A is public */
    SECRET(key.check, sizeof key.check);
    PUBLIC(message, sizeof message);
    enum crypto_result r = ed25519_sign(signature, message, sizeof message, &key);
    PUBLIC(&r, sizeof r);
    PUBLIC(signature, sizeof signature);
    PUBLIC(&key, sizeof key);
    return r == CRYPTO_OK &&
           ed25519_verify(signature, message, sizeof message, key.public_key) == CRYPTO_OK ? 0 : 1;
}

static int ct_poly1305(void)
{
    uint8_t key[POLY1305_KEY_SIZE], message[200], tag[POLY1305_TAG_SIZE];
    fill(key, sizeof key, 13);
    fill(message, sizeof message, 17);
    SECRET(key, sizeof key);
    poly1305(tag, message, sizeof message, key);
    PUBLIC(tag, sizeof tag);
    return tag[0] == 0 && tag[1] == 0 ? 1 : 0;
}

static int ct_crypto_equal(void)
{
    uint8_t a[64], b[64];
    fill(a, sizeof a, 19);
    fill(b, sizeof b, 19);
    b[40] ^= 1;
    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    bool same = crypto_equal(a, b, sizeof a);
    PUBLIC(&same, sizeof same);
    return same ? 1 : 0;
}

/* What crypto_equal must not be: it returns at the first difference. */
static bool leaky_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static int ct_leaky_compare(void)
{
    uint8_t a[64], b[64];
    fill(a, sizeof a, 23);
    fill(b, sizeof b, 23);
    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    bool same = leaky_equal(a, b, sizeof a);
    PUBLIC(&same, sizeof same);
    return same ? 0 : 1;
}

/* What a table lookup must not be: the address depends on the secret. */
static int ct_leaky_lookup(void)
{
    static const uint8_t table[16] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3 };
    uint8_t secret[1] = { 11 };
    SECRET(secret, sizeof secret);
    uint8_t value = table[secret[0] & 15];
    PUBLIC(&value, sizeof value);
    return value == 8 ? 0 : 1;
}

static const struct {
    const char *name;
    int (*run)(void);
} operations[] = {
    { "x25519", ct_x25519 },
    { "x25519-ladder-portable", ct_x25519_ladder_portable },
    { "x25519-ladder-mulx", ct_x25519_ladder_mulx },
    { "x25519-base", ct_x25519_base },
    { "ed25519-keypair", ct_ed25519_keypair },
    { "ed25519-sign", ct_ed25519_sign },
    { "poly1305", ct_poly1305 },
    { "crypto-equal", ct_crypto_equal },
    { "leaky-compare", ct_leaky_compare },
    { "leaky-lookup", ct_leaky_lookup },
};

int main(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < sizeof operations / sizeof operations[0]; i++)
        if (strcmp(argv[1], operations[i].name) == 0)
            return operations[i].run() == 0 ? 0 : 3; /* 3: wrong result, not a leak */
    fprintf(stderr, "usage: ct_test OPERATION (x25519, x25519-ladder-portable, "
                    "x25519-ladder-mulx, x25519-base, ed25519-keypair, "
                    "ed25519-sign, poly1305, crypto-equal, leaky-compare, leaky-lookup)\n");
    return 2;
}
