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

static void run_chacha20(void)
{
    SECRET(key, sizeof key);
    SECRET(message, sizeof message);
    chacha20_xor(out, message, sizeof message, key, nonce, 1);
    chacha20_xor(out, message, 100, key, nonce, 7);
}

static void run_xchacha20(void)
{
    SECRET(key, sizeof key);
    SECRET(message, sizeof message);
    xchacha20_xor(out, message, sizeof message, key, nonce, 0);
}

static void run_aead(bool extended)
{
    uint8_t ad[40] = { 1 };
    SECRET(key, sizeof key);
    SECRET(message, sizeof message);
    for (size_t len = 0; len < 300; len += 37) {
        if (extended)
            xchacha20poly1305_encrypt(out, sizeof out, message, len, ad, sizeof ad, nonce, key);
        else
            chacha20poly1305_encrypt(out, sizeof out, message, len, ad, sizeof ad, nonce, key);
    }
    if (extended)
        xchacha20poly1305_encrypt(out, sizeof out, message, LENGTH, ad, 3, nonce, key);
    else
        chacha20poly1305_encrypt(out, sizeof out, message, LENGTH, ad, 3, nonce, key);
}

static void run_random(void)
{
    struct random_generator generator;
    random_init(&generator);
    memcpy(generator.key, key, 32);
    generator.seeded = true;
    SECRET(generator.key, sizeof generator.key);
    random_generate(&generator, out, 100);
    random_generate(&generator, out, sizeof out);
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
    else if (strcmp(op, "leaky") == 0)
        run_leaky();
    else
        return 2;
    return 0;
}
