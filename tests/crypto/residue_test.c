/* Key residue on the stack: each primitive of lib/crypto runs on a marked
 * key, then the stack area it used is scanned for any 32-bit word of that key
 * or of a secret derived from it (subkeys, one-time keys, expanded scalars).
 * docs/crypto.md promises that everything the code fills with key material is
 * wiped before returning; this checks the promise on the machine code.
 *
 *   residue_test          every primitive, then the control
 *
 * How: paint PROBE_BYTES below the stack pointer with a pattern, run the
 * primitive below a PAD_BYTES gap (so the scanner's own small frame cannot
 * overwrite the primitive's frames), then read every byte offset of the
 * painted area for the marked words. The depth the primitive used (the
 * lowest byte no longer painted) must lie inside the probe, so the scan
 * covered all of it. "control" copies the key to its stack and does not
 * wipe it: it must be found, which shows the scan can fail.
 *
 * Built from the optimized objects (build/host-ct and build/host-ct-scalar:
 * -O2, no sanitizers, whose fake stacks would hide the real one), once with
 * the vector paths and once with the portable core. Registers are out of
 * reach of any C code and are not checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "crypto/aead.h"
#include "crypto/argon2id.h"
#include "crypto/blake2b.h"
#include "crypto/chacha20.h"
#include "crypto/ed25519.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"
#include "crypto/poly1305.h"
#include "crypto/random.h"
#include "crypto/scalar25519.h"
#include "crypto/sha512.h"
#include "crypto/x25519.h"
#include "tests/host/test.h"

#define PROBE_BYTES (48 * 1024)
#define PAD_BYTES 4096
#define PAINT 0x5a
#define MARKS_MAX 64
#define BIG 4200

static uint8_t key[64], nonce[24], message[BIG], out[BIG + 64];
static uint32_t marks[MARKS_MAX];
static size_t mark_count;
static int failures_in_run; /* result codes that were not CRYPTO_OK */

static void mark_bytes(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 4 <= len && mark_count < MARKS_MAX; i += 4) {
        uint32_t word;
        memcpy(&word, p + i, 4);
        marks[mark_count++] = word;
    }
}

static void expect_ok(enum crypto_result result)
{
    failures_in_run += result != CRYPTO_OK;
}

/* ---- the primitives, each a void(void) over the static buffers ---- */

static void run_chacha20_long(void) { expect_ok(chacha20_xor(out, message, BIG, key, nonce, 1)); }
static void run_chacha20_short(void) { expect_ok(chacha20_xor(out, message, 100, key, nonce, 1)); }
static void run_chacha20_block(void) { chacha20_block(out, key, nonce, 5); }
static void run_hchacha20(void) { hchacha20(out, key, nonce); }
static void run_xchacha20(void) { expect_ok(xchacha20_xor(out, message, BIG, key, nonce, 0)); }
static void run_aead_seal(void)
{
    expect_ok(chacha20poly1305_encrypt(out, sizeof out, message, BIG - 64, nonce, 5, nonce, key));
}
static void run_aead_open(void)
{
    uint8_t sealed_copy[BIG];
    memcpy(sealed_copy, out, BIG - 64 + 16); /* made by run_aead_seal in setup */
    expect_ok(chacha20poly1305_decrypt(message, sizeof message, sealed_copy, BIG - 64 + 16,
                                       nonce, 5, nonce, key));
}
static void run_xaead_seal(void)
{
    expect_ok(xchacha20poly1305_encrypt(out, sizeof out, message, BIG - 64, nonce, 5, nonce, key));
}
static void run_xaead_open(void)
{
    uint8_t sealed_copy[BIG];
    memcpy(sealed_copy, out, BIG - 64 + 16);
    expect_ok(xchacha20poly1305_decrypt(message, sizeof message, sealed_copy, BIG - 64 + 16,
                                        nonce, 5, nonce, key));
}
static void run_aead_seal_short(void)
{
    expect_ok(chacha20poly1305_encrypt(out, sizeof out, message, 64, nonce, 5, nonce, key));
}
static void run_aead_open_short(void)
{
    uint8_t sealed_copy[80];
    expect_ok(chacha20poly1305_encrypt(sealed_copy, 80, message, 64, nonce, 5, nonce, key));
    expect_ok(chacha20poly1305_decrypt(message, 64, sealed_copy, 80, nonce, 5, nonce, key));
}
static void run_xaead_short(void)
{
    uint8_t sealed_copy[80];
    expect_ok(xchacha20poly1305_encrypt(sealed_copy, 80, message, 64, nonce, 5, nonce, key));
    expect_ok(xchacha20poly1305_decrypt(message, 64, sealed_copy, 80, nonce, 5, nonce, key));
}
static void run_chacha20_64(void) { expect_ok(chacha20_xor(out, message, 64, key, nonce, 1)); }
static void run_chacha20_512(void) { expect_ok(chacha20_xor(out, message, 512, key, nonce, 1)); }
static void run_chacha20_300(void) { expect_ok(chacha20_xor(out, message, 300, key, nonce, 1)); }
static void run_poly1305(void) { poly1305(out, message, 1000, key); }
static void run_hmac_sha256(void) { hmac_sha256(key, 32, message, 1000, out); }
static void run_hmac_sha512(void) { hmac_sha512(key, 64, message, 1000, out); }
static void run_hkdf_sha256(void)
{
    expect_ok(hkdf_sha256(out, 200, nonce, 16, key, 32, message, 10));
}
static void run_hkdf_sha512(void)
{
    expect_ok(hkdf_sha512(out, 200, nonce, 16, key, 64, message, 10));
}
static void run_blake2b(void) { expect_ok(blake2b(out, 64, key, 64, message, 1000)); }
static struct argon2id_block argon_work[64];
static void run_argon2id(void)
{
    struct argon2id_params params = { 2, 64, 2, key, 32, nonce, 16, NULL, 0, NULL, 0 };
    expect_ok(argon2id(out, 32, &params, argon_work, 64));
}
static void run_x25519(void)
{
    uint8_t point[32];
    memcpy(point, message, 32);
    point[31] &= 0x7f;
    expect_ok(x25519(out, key, point));
}
static void run_x25519_base(void) { x25519_base(out, key); }
static struct ed25519_secret_key signing_key;
static void run_ed25519_key(void) { ed25519_key_from_seed(&signing_key, key); }
static uint8_t keypair_public[32], keypair_secret[64];
static void run_ed25519_keypair(void) { ed25519_keypair(keypair_public, keypair_secret, key); }
static void run_hmac_sha256_verify(void)
{
    uint8_t tag[32];
    hmac_sha256(key, 32, message, 100, tag);
    expect_ok(hmac_sha256_verify(key, 32, message, 100, tag, 32));
}
static void run_ed25519_sign(void) { expect_ok(ed25519_sign(out, message, 100, &signing_key)); }
static struct random_generator generator;
static void run_random_generate(void) { expect_ok(random_generate(&generator, out, BIG)); }
static void run_random_mix(void) { random_mix(&generator, message, 100); }
static enum crypto_result key_source_read(void *ctx, uint8_t *sample, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) /* the marked key, and varied enough to pass the health test */
        sample[i] = (uint8_t)(key[i % 64] + i / 64);
    return CRYPTO_OK;
}
static void run_random_seed(void)
{
    struct random_source source = { key_source_read, NULL, "marked" };
    expect_ok(random_seed(&generator, &source, 1, NULL));
}
/* Control: leaves a copy of the key on its stack. */
static volatile uint8_t *volatile control_sink;
static void run_control(void)
{
    volatile uint8_t copy[64];
    for (int i = 0; i < 64; i++)
        copy[i] = key[i];
    control_sink = copy;
    control_sink = NULL;
}

/* ---- marks: the key's words and what is derived from it ---- */

static void marks_key(void) { mark_bytes(key, 32); }
static void marks_key64(void) { mark_bytes(key, 64); }
static void marks_xchacha(void)
{
    uint8_t subkey[32];
    hchacha20(subkey, key, nonce);
    mark_bytes(key, 32);
    mark_bytes(subkey, 32);
}
static void marks_aead(void)
{
    uint8_t one_time[64];
    chacha20_block(one_time, key, nonce, 0);
    mark_bytes(key, 32);
    mark_bytes(one_time, 32);
    run_aead_seal();
}
static void marks_xaead(void)
{
    uint8_t subkey[32], short_nonce[12] = { 0 }, one_time[64];
    hchacha20(subkey, key, nonce);
    memcpy(short_nonce + 4, nonce + 16, 8);
    chacha20_block(one_time, subkey, short_nonce, 0);
    mark_bytes(key, 32);
    mark_bytes(subkey, 32);
    mark_bytes(one_time, 32);
    run_xaead_seal();
}
static void marks_poly1305(void)
{
    uint8_t clamped[32];
    memcpy(clamped, key, 32);
    for (int i = 3; i < 16; i += 4)
        clamped[i] &= 15;
    for (int i = 4; i < 16; i += 4)
        clamped[i] &= 252;
    mark_bytes(clamped, 32);
}
static void marks_hmac(size_t key_len, size_t block)
{
    uint8_t padded[128];
    mark_bytes(key, key_len);
    for (size_t i = 0; i < key_len; i++)
        padded[i] = key[i] ^ 0x36;
    mark_bytes(padded, key_len);
    for (size_t i = 0; i < key_len; i++)
        padded[i] = key[i] ^ 0x5c;
    mark_bytes(padded, key_len);
    (void)block;
}
static void marks_hmac256(void) { marks_hmac(32, 64); }
static void marks_hmac512(void) { marks_hmac(64, 128); }
static void marks_hkdf256(void)
{
    uint8_t prk[32];
    hkdf_sha256_extract(prk, nonce, 16, key, 32);
    mark_bytes(key, 32);
    mark_bytes(prk, 32);
}
static void marks_hkdf512(void)
{
    uint8_t prk[64];
    hkdf_sha512_extract(prk, nonce, 16, key, 64);
    mark_bytes(key, 32);
    mark_bytes(prk, 32);
}
static void marks_scalar(void)
{
    uint8_t clamped[32];
    memcpy(clamped, key, 32);
    clamped[0] &= 248;
    clamped[31] = (uint8_t)((clamped[31] & 127) | 64);
    mark_bytes(clamped, 32);
}
static void marks_ed25519(void)
{
    uint8_t expanded[64], digest[64], nonce_scalar[32];
    sha512(key, 32, expanded);
    expanded[0] &= 248;
    expanded[31] = (uint8_t)((expanded[31] & 127) | 64);
    struct sha512_state state;
    sha512_init(&state);
    sha512_update(&state, expanded + 32, 32);
    sha512_update(&state, message, 100);
    sha512_final(&state, digest);
    scalar_reduce(nonce_scalar, digest);
    mark_bytes(key, 32);
    mark_bytes(expanded, 64);
    mark_bytes(nonce_scalar, 32);
    ed25519_key_from_seed(&signing_key, key);
}
static void marks_random(void)
{
    random_init(&generator);
    memcpy(generator.key, key, 32);
    generator.seeded = true;
    mark_bytes(key, 32);
}
static void marks_random_seed(void)
{
    uint8_t sample[64];
    random_init(&generator);
    key_source_read(NULL, sample, sizeof sample);
    mark_bytes(sample, 64);
}

struct primitive {
    const char *name;
    void (*setup)(void); /* fills marks[] (and any state the run needs) */
    void (*run)(void);
};

static const struct primitive primitives[] = {
    { "chacha20_xor 4200 bytes", marks_key, run_chacha20_long },
    { "chacha20_xor 100 bytes", marks_key, run_chacha20_short },
    { "chacha20_xor 64 bytes", marks_key, run_chacha20_64 },
    { "chacha20_xor 512 bytes", marks_key, run_chacha20_512 },
    { "chacha20_xor 300 bytes", marks_key, run_chacha20_300 },
    { "chacha20_block", marks_key, run_chacha20_block },
    { "hchacha20", marks_key, run_hchacha20 },
    { "xchacha20_xor", marks_xchacha, run_xchacha20 },
    { "chacha20poly1305_encrypt", marks_aead, run_aead_seal },
    { "chacha20poly1305_decrypt", marks_aead, run_aead_open },
    { "xchacha20poly1305_encrypt", marks_xaead, run_xaead_seal },
    { "xchacha20poly1305_decrypt", marks_xaead, run_xaead_open },
    { "chacha20poly1305 seal 64 bytes", marks_aead, run_aead_seal_short },
    { "chacha20poly1305 seal+open 64 bytes", marks_aead, run_aead_open_short },
    { "xchacha20poly1305 seal+open 64 bytes", marks_xaead, run_xaead_short },
    { "poly1305", marks_poly1305, run_poly1305 },
    { "hmac_sha256", marks_hmac256, run_hmac_sha256 },
    { "hmac_sha512", marks_hmac512, run_hmac_sha512 },
    { "hkdf_sha256", marks_hkdf256, run_hkdf_sha256 },
    { "hkdf_sha512", marks_hkdf512, run_hkdf_sha512 },
    { "blake2b keyed", marks_key64, run_blake2b },
    { "argon2id password", marks_key, run_argon2id },
    { "x25519", marks_scalar, run_x25519 },
    { "x25519_base", marks_scalar, run_x25519_base },
    { "ed25519_key_from_seed", marks_ed25519, run_ed25519_key },
    { "ed25519_sign", marks_ed25519, run_ed25519_sign },
    { "ed25519_keypair", marks_ed25519, run_ed25519_keypair },
    { "hmac_sha256 then hmac_sha256_verify", marks_hmac256, run_hmac_sha256_verify },
    { "random_mix", marks_random, run_random_mix },
    { "random_generate", marks_random, run_random_generate },
    { "random_seed", marks_random_seed, run_random_seed },
};

/* ---- the stack probe ---- */

static inline uint8_t *stack_pointer(void)
{
    uint8_t *sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    return sp;
}

/* Paints the PROBE_BYTES below top, except the last 256 (the frames of
 * stack_paint and stack_scan themselves). Calls nothing. */
__attribute__((noinline)) static void stack_paint(uint8_t *top)
{
    volatile uint8_t *bottom = top - PROBE_BYTES;
    for (size_t i = 0; i < PROBE_BYTES - 256; i++)
        bottom[i] = PAINT;
}

/* Runs fn with its frames at least PAD_BYTES below the caller's. */
__attribute__((noinline)) static void run_padded(void (*fn)(void))
{
    volatile uint8_t *pad = __builtin_alloca(PAD_BYTES);
    for (size_t i = 0; i < PAD_BYTES; i++)
        pad[i] = PAINT;
    fn();
    __asm__ volatile("" : : "r"(pad) : "memory");
}

struct scan_result {
    size_t found;  /* marked words seen */
    size_t depth;  /* bytes below the probe top that were written */
    long first;    /* offset of the first hit below the probe top, or -1 */
};

/* Scans the painted area for marked words. Calls nothing while scanning. */
__attribute__((noinline)) static struct scan_result stack_scan(const uint8_t *top)
{
    const volatile uint8_t *bottom = top - PROBE_BYTES;
    struct scan_result result = { 0, 0, -1 };
    size_t lowest = PROBE_BYTES;
    for (size_t i = 0; i < PROBE_BYTES - 256; i++) {
        if (bottom[i] != PAINT && lowest == PROBE_BYTES)
            lowest = i;
        if (i + 4 > PROBE_BYTES - 256)
            continue;
        uint32_t word = (uint32_t)bottom[i] | (uint32_t)bottom[i + 1] << 8 |
                        (uint32_t)bottom[i + 2] << 16 | (uint32_t)bottom[i + 3] << 24;
        for (size_t m = 0; m < mark_count; m++) {
            if (word == marks[m]) {
                result.found++;
                if (result.first < 0)
                    result.first = (long)(PROBE_BYTES - i);
            }
        }
    }
    result.depth = PROBE_BYTES - lowest;
    return result;
}

__attribute__((noinline)) static struct scan_result probe(void (*fn)(void))
{
    uint8_t *top = stack_pointer();
    stack_paint(top);
    run_padded(fn);
    return stack_scan(top);
}

static void fresh_inputs(void)
{
    if (getrandom(key, sizeof key, 0) != sizeof key ||
        getrandom(nonce, sizeof nonce, 0) != sizeof nonce) {
        perror("getrandom");
        exit(2);
    }
    for (size_t i = 0; i < sizeof message; i++)
        message[i] = (uint8_t)(i * 7);
    mark_count = 0;
    failures_in_run = 0;
}

int main(void)
{
    for (size_t p = 0; p < sizeof primitives / sizeof primitives[0]; p++) {
        fresh_inputs();
        primitives[p].setup();
        struct scan_result r = probe(primitives[p].run);
        bool covered = r.depth > PAD_BYTES && r.depth < PROBE_BYTES - 256;
        test_check(r.found == 0 && covered && failures_in_run == 0 && mark_count > 0,
                   "residue %s: %zu marked words (of %zu) left on %zu bytes of stack%s%s",
                   primitives[p].name, r.found, mark_count, r.depth - PAD_BYTES,
                   covered ? "" : " (probe did not cover the stack used)",
                   failures_in_run ? " (the primitive failed)" : "");
        if (r.found)
            fprintf(stderr, "  first hit %ld bytes below the probe top\n", r.first);
    }
    fresh_inputs();
    marks_key64();
    struct scan_result r = probe(run_control);
    test_check(r.found > 0, "residue control: an unwiped stack copy of the key is found "
                            "(%zu marked words)", r.found);
    return test_finish();
}
