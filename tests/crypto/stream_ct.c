/* Constant-time test of the stream area (the ctgrind technique): secrets are
 * marked undefined for valgrind's memcheck, which then reports any branch or
 * memory address that depends on them. Run one operation per process:
 *   stream_ct chacha20|xchacha20|aead-encrypt|xaead-encrypt|random|leaky
 * under `valgrind --error-exitcode=1`. "leaky" indexes a table by a secret
 * on purpose, to show that the harness does catch a leak.
 *
 * Decryption is not in the list: its tag comparison is crypto_equal (tested
 * in suite 25), and the one branch after it is on the public verdict, which
 * memcheck would report because the verdict derives from the key. */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto/aead.h"
#include "crypto/chacha20.h"
#include "crypto/random.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define LENGTH (64 * 1024 + 100) /* eight-block groups, single blocks, a tail */

static uint8_t key[32], nonce[24], message[LENGTH], out[LENGTH + 16];

/* Result codes depend on lengths only (public); a failure is a test failure. */
static int failures;
#define EXPECT_OK(call) (failures += (call) != CRYPTO_OK)

static void run_chacha20(void)
{
    SECRET(key, sizeof key);
    SECRET(message, sizeof message);
    EXPECT_OK(chacha20_xor(out, message, sizeof message, key, nonce, 1));
    EXPECT_OK(chacha20_xor(out, message, 100, key, nonce, 7));
}

static void run_xchacha20(void)
{
    SECRET(key, sizeof key);
    SECRET(message, sizeof message);
    EXPECT_OK(xchacha20_xor(out, message, sizeof message, key, nonce, 0));
}

static void run_aead(bool extended)
{
    uint8_t ad[40] = { 1 };
    SECRET(key, sizeof key);
    SECRET(message, sizeof message);
    for (size_t len = 0; len < 300; len += 37) {
        if (extended)
            EXPECT_OK(xchacha20poly1305_encrypt(out, sizeof out, message, len, ad, sizeof ad, nonce, key));
        else
            EXPECT_OK(chacha20poly1305_encrypt(out, sizeof out, message, len, ad, sizeof ad, nonce, key));
    }
    if (extended)
        EXPECT_OK(xchacha20poly1305_encrypt(out, sizeof out, message, LENGTH, ad, 3, nonce, key));
    else
        EXPECT_OK(chacha20poly1305_encrypt(out, sizeof out, message, LENGTH, ad, 3, nonce, key));
}

static void run_random(void)
{
    struct random_generator generator;
    random_init(&generator);
    memcpy(generator.key, key, 32);
    generator.seeded = true;
    SECRET(generator.key, sizeof generator.key);
    EXPECT_OK(random_generate(&generator, out, 100));
    EXPECT_OK(random_generate(&generator, out, sizeof out));
}

/* Opening: the plaintext and key are secret; the sealed message and the
 * verdict are public, so the only declassification is the verdict inside
 * aead_open. Once untouched (the path that writes plaintext) and once with
 * a flipped tag bit (the refusal path). */
static void run_aead_decrypt(bool extended)
{
    static uint8_t sealed[LENGTH + 16];
    uint8_t ad[7] = { 3 };
    size_t lengths[3] = { 0, 100, LENGTH };
    for (int i = 0; i < 3; i++) {
        size_t len = lengths[i];
        memset(key, 0x42, sizeof key);
        EXPECT_OK(extended ? xchacha20poly1305_encrypt(sealed, sizeof sealed, message, len, ad,
                                                       sizeof ad, nonce, key)
                           : chacha20poly1305_encrypt(sealed, sizeof sealed, message, len, ad,
                                                      sizeof ad, nonce, key));
        for (int tamper = 0; tamper < 2; tamper++) {
            sealed[len] ^= (uint8_t)tamper;
            SECRET(key, sizeof key);
            enum crypto_result r =
                extended ? xchacha20poly1305_decrypt(out, sizeof out, sealed, len + 16, ad,
                                                     sizeof ad, nonce, key)
                         : chacha20poly1305_decrypt(out, sizeof out, sealed, len + 16, ad,
                                                    sizeof ad, nonce, key);
            failures += r != (tamper ? CRYPTO_ERR_VERIFY : CRYPTO_OK);
            sealed[len] ^= (uint8_t)tamper;
        }
    }
}

/* Seeding: the source's sample is secret. The health verdict is public and
 * is the one declassified value. */
static enum crypto_result secret_source_read(void *ctx, uint8_t *sample, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        sample[i] = (uint8_t)(i * 167 + 13);
    SECRET(sample, len);
    return CRYPTO_OK;
}

static void run_random_seed(void)
{
    struct random_generator generator;
    struct random_source source = { secret_source_read, NULL, "secret" };
    random_init(&generator);
    EXPECT_OK(random_seed(&generator, &source, 1, NULL));
    EXPECT_OK(random_seed(&generator, &source, 1, NULL)); /* reseed: old key secret too */
    EXPECT_OK(random_generate(&generator, out, 64));
}

/* A deliberate leak: a table lookup indexed by a secret byte (a plain
 * comparison would be compiled into a branch-free setcc). */
static volatile uint8_t leaky_sink;

static void run_leaky(void)
{
    static const uint8_t table[256] = { 1, 2, 3 };
    SECRET(key, sizeof key);
    leaky_sink = table[key[3]];
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OPERATION\n", argv[0]);
        return 2;
    }
    const char *op = argv[1];
    memset(key, 0x42, sizeof key);
    memset(nonce, 0x24, sizeof nonce);
    memset(message, 0x17, sizeof message);
    if (strcmp(op, "chacha20") == 0)
        run_chacha20();
    else if (strcmp(op, "xchacha20") == 0)
        run_xchacha20();
    else if (strcmp(op, "aead-encrypt") == 0)
        run_aead(false);
    else if (strcmp(op, "xaead-encrypt") == 0)
        run_aead(true);
    else if (strcmp(op, "random") == 0)
        run_random();
    else if (strcmp(op, "aead-decrypt") == 0)
        run_aead_decrypt(false);
    else if (strcmp(op, "xaead-decrypt") == 0)
        run_aead_decrypt(true);
    else if (strcmp(op, "random-seed") == 0)
        run_random_seed();
    else if (strcmp(op, "leaky") == 0)
        run_leaky();
    else
        return 2;
    return failures == 0 ? 0 : 1;
}
