/* `make bench-crypto`: each primitive of lib/crypto against libsodium in the
 * same run, as time per operation and the ratio ours / libsodium (lower is
 * better; the target is <= 1.0). Not a test: it prints figures only.
 *
 * Each row runs each side in batches for BENCH_SECONDS of thread CPU time
 * (CLOCK_THREAD_CPUTIME_ID: time the scheduler gives to other jobs on the
 * shared machine is not counted), BENCH_ROUNDS times, alternating ours and
 * libsodium, and keeps each side's fastest round.
 *
 * Argon2id is measured as crypto_pwhash uses memory: libsodium 1.0.18 maps
 * its 64 MiB fresh for every call (strace: mmap with MAP_POPULATE, so the
 * kernel zeroes and maps every page up front, then munmap), so our side does
 * exactly the same with the work area instead of reusing a warm one. That
 * kernel time is time of this thread and counts in its CPU time. Rows whose header is not present yet are compiled
 * out (see the #if __has_include guards) and listed as missing. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <sodium.h>
#include <sys/mman.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/aead.h"
#include "crypto/chacha20.h"
#include "crypto/poly1305.h"
#include "crypto/sha256.h"
#include "crypto/sha512.h"
#if __has_include("crypto/blake2b.h")
#include "crypto/blake2b.h"
#define HAVE_BLAKE2B 1
#endif
#if __has_include("crypto/x25519.h")
#include "crypto/x25519.h"
#define HAVE_X25519 1
#endif
#if __has_include("crypto/ed25519.h")
#include "crypto/ed25519.h"
#define HAVE_ED25519 1
#endif
#if __has_include("crypto/argon2id.h")
#include <stdlib.h>
#include "crypto/argon2id.h"
#define HAVE_ARGON2ID 1
#endif

#define BENCH_SECONDS 0.04 /* per round and side */
#define BENCH_ROUNDS 9
#define BIG (64 * 1024)

static uint8_t message[BIG], output[BIG + 64], key[32], nonce[24], digest[64];
static uint8_t our_public[32], our_secret[64], their_public[32], their_secret[64];
static uint8_t signature[64], their_signature[64], point[32], scalar[32];
static struct ed25519_secret_key our_key;
static size_t length; /* message length of the current row */
static volatile uint8_t sink;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Nanoseconds per call of f, best of the rounds measured so far. */
static double measure(void (*f)(void), double seconds)
{
    f(); /* warm up caches and lazy initialization */
    long calls = 0, batch = 1;
    double start = now_seconds(), elapsed = 0;
    do {
        for (long i = 0; i < batch; i++)
            f();
        calls += batch;
        if (batch < (1 << 20))
            batch *= 2;
        elapsed = now_seconds() - start;
    } while (elapsed < seconds);
    sink ^= output[0];
    return elapsed * 1e9 / (double)calls;
}

struct row {
    const char *name;
    size_t length;
    void (*ours)(void);
    void (*theirs)(void);
    double seconds; /* per round and side */
    int rounds;
};

static void print_time(double ns)
{
    if (ns >= 1e6)
        printf(" %10.2f ms", ns / 1e6);
    else if (ns >= 1e3)
        printf(" %10.2f us", ns / 1e3);
    else
        printf(" %10.1f ns", ns);
}

static void run_row(const struct row *r)
{
    length = r->length;
    double ours = 1e300, theirs = 1e300;
    for (int round = 0; round < r->rounds; round++) {
        double a = measure(r->ours, r->seconds), b = measure(r->theirs, r->seconds);
        ours = a < ours ? a : ours;
        theirs = b < theirs ? b : theirs;
    }
    printf("%-28s %8zu", r->name, r->length);
    print_time(ours);
    print_time(theirs);
    printf("   %5.2f%s\n", ours / theirs, ours / theirs > 1.0 ? "  above 1.0" : "");
    fflush(stdout);
}

static const uint8_t aead_ad[16];

static void ours_aead(void)
{
    sink ^= (uint8_t)chacha20poly1305_encrypt(output, sizeof output, message, length, aead_ad, 0,
                                              nonce, key);
}
static void theirs_aead(void)
{
    crypto_aead_chacha20poly1305_ietf_encrypt(output, NULL, message, length, aead_ad, 0, NULL,
                                              nonce, key);
}
static void ours_xaead(void)
{
    sink ^= (uint8_t)xchacha20poly1305_encrypt(output, sizeof output, message, length, aead_ad, 0,
                                               nonce, key);
}
static void theirs_xaead(void)
{
    crypto_aead_xchacha20poly1305_ietf_encrypt(output, NULL, message, length, aead_ad, 0, NULL,
                                               nonce, key);
}
static void ours_chacha(void)
{
    sink ^= (uint8_t)chacha20_xor(output, message, length, key, nonce, 1);
}
static void theirs_chacha(void)
{
    crypto_stream_chacha20_ietf_xor_ic(output, message, length, nonce, 1, key);
}
static void ours_poly(void) { poly1305(output, message, length, key); }
static void theirs_poly(void) { crypto_onetimeauth_poly1305(output, message, length, key); }
static void ours_sha256(void) { sha256(message, length, output); }
static void theirs_sha256(void) { crypto_hash_sha256(output, message, length); }
static void ours_sha512(void) { sha512(message, length, output); }
static void theirs_sha512(void) { crypto_hash_sha512(output, message, length); }
#ifdef HAVE_BLAKE2B
static void ours_blake2b(void)
{
    sink ^= (uint8_t)blake2b(output, 32, NULL, 0, message, length);
}
static void theirs_blake2b(void)
{
    crypto_generichash_blake2b(output, 32, message, length, NULL, 0);
}
#endif
#ifdef HAVE_X25519
/* Each call feeds its output back as the next point, as a real exchange
 * would see a fresh point every time. */
static void ours_x25519(void)
{
    sink ^= (uint8_t)x25519(output, scalar, point);
    memcpy(point, output, 32);
}
static void theirs_x25519(void)
{
    sink ^= (uint8_t)crypto_scalarmult_curve25519(output, scalar, point);
    memcpy(point, output, 32);
}
static void ours_x25519_base(void) { x25519_base(output, scalar); }
static void theirs_x25519_base(void) { crypto_scalarmult_curve25519_base(output, scalar); }
#endif
#ifdef HAVE_ED25519
static void ours_sign(void) { sink ^= (uint8_t)ed25519_sign(signature, message, length, &our_key); }
static void theirs_sign(void)
{
    crypto_sign_ed25519_detached(their_signature, NULL, message, length, their_secret);
}
static void ours_verify(void)
{
    sink ^= (uint8_t)ed25519_verify(signature, message, length, our_public);
}
static void theirs_verify(void)
{
    sink ^= (uint8_t)crypto_sign_ed25519_verify_detached(their_signature, message, length,
                                                         their_public);
}
#endif

#ifdef HAVE_ARGON2ID
/* RFC 9106's second recommended option: 64 MiB, t = 3, p = 1. */
#define ARGON2ID_MIB 64
static size_t argon2id_work_blocks;

static void ours_argon2id(void)
{
    struct argon2id_params params = {
        .t_cost = 3, .m_cost = ARGON2ID_MIB * 1024, .parallelism = 1,
        .password = message, .password_len = 16, .salt = key, .salt_len = 16,
    };
    size_t bytes = argon2id_work_blocks * sizeof(struct argon2id_block);
    void *work = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                      -1, 0);
    if (work == MAP_FAILED) {
        fprintf(stderr, "no memory for the Argon2id work area\n");
        exit(1);
    }
    sink ^= (uint8_t)argon2id(output, 32, &params, work, argon2id_work_blocks);
    munmap(work, bytes);
}
static void theirs_argon2id(void)
{
    sink ^= (uint8_t)crypto_pwhash_argon2id(output, 32, (const char *)message, 16, key, 3,
                                            (size_t)ARGON2ID_MIB << 20,
                                            crypto_pwhash_ALG_ARGON2ID13);
}
#endif

static void setup(void)
{
    randombytes_buf(message, sizeof message);
    randombytes_buf(key, sizeof key);
    randombytes_buf(nonce, sizeof nonce);
    randombytes_buf(scalar, sizeof scalar);
    crypto_scalarmult_curve25519_base(point, scalar);
#ifdef HAVE_ED25519
    uint8_t seed[32];
    randombytes_buf(seed, sizeof seed);
    ed25519_keypair(our_public, our_secret, seed);
    ed25519_key_from_seed(&our_key, seed);
    crypto_sign_ed25519_seed_keypair(their_public, their_secret, seed);
    length = 64;
    ours_sign();
    theirs_sign();
#endif
#ifdef HAVE_ARGON2ID
    argon2id_work_blocks = argon2id_blocks_needed(ARGON2ID_MIB * 1024, 1);
#endif
    (void)digest;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "libsodium failed to initialize\n");
        return 1;
    }
    setup();
    static const struct row rows[] = {
#ifdef HAVE_ED25519
        { "Ed25519 sign", 64, ours_sign, theirs_sign, BENCH_SECONDS, BENCH_ROUNDS },
        { "Ed25519 verify", 64, ours_verify, theirs_verify, BENCH_SECONDS, BENCH_ROUNDS },
#endif
#ifdef HAVE_X25519
        { "X25519 (variable point)", 32, ours_x25519, theirs_x25519, BENCH_SECONDS, BENCH_ROUNDS },
        { "X25519 base point", 32, ours_x25519_base, theirs_x25519_base, BENCH_SECONDS, BENCH_ROUNDS },
#endif
        { "ChaCha20-Poly1305 encrypt", 64, ours_aead, theirs_aead, BENCH_SECONDS, BENCH_ROUNDS },
        { "ChaCha20-Poly1305 encrypt", BIG, ours_aead, theirs_aead, BENCH_SECONDS, BENCH_ROUNDS },
        { "XChaCha20-Poly1305 encrypt", 64, ours_xaead, theirs_xaead, BENCH_SECONDS, BENCH_ROUNDS },
        { "XChaCha20-Poly1305 encrypt", BIG, ours_xaead, theirs_xaead, BENCH_SECONDS, BENCH_ROUNDS },
        { "ChaCha20 (stream only)", 64, ours_chacha, theirs_chacha, BENCH_SECONDS, BENCH_ROUNDS },
        { "ChaCha20 (stream only)", BIG, ours_chacha, theirs_chacha, BENCH_SECONDS, BENCH_ROUNDS },
        { "Poly1305 (MAC only)", 64, ours_poly, theirs_poly, BENCH_SECONDS, BENCH_ROUNDS },
        { "Poly1305 (MAC only)", BIG, ours_poly, theirs_poly, BENCH_SECONDS, BENCH_ROUNDS },
#ifdef HAVE_BLAKE2B
        { "BLAKE2b-256", 64, ours_blake2b, theirs_blake2b, BENCH_SECONDS, BENCH_ROUNDS },
        { "BLAKE2b-256", BIG, ours_blake2b, theirs_blake2b, BENCH_SECONDS, BENCH_ROUNDS },
#endif
        { "SHA-256", 64, ours_sha256, theirs_sha256, BENCH_SECONDS, BENCH_ROUNDS },
        { "SHA-256", BIG, ours_sha256, theirs_sha256, BENCH_SECONDS, BENCH_ROUNDS },
        { "SHA-512", 64, ours_sha512, theirs_sha512, BENCH_SECONDS, BENCH_ROUNDS },
        { "SHA-512", BIG, ours_sha512, theirs_sha512, BENCH_SECONDS, BENCH_ROUNDS },
#ifdef HAVE_ARGON2ID
        { "Argon2id 64 MiB t=3 p=1", 32, ours_argon2id, theirs_argon2id, 0, 3 },
#endif
    };
    printf("crypto benchmark: lib/crypto vs libsodium %s, same run, thread CPU time, best of %d "
           "rounds (Argon2id: 3, fresh 64 MiB mapping per call on both sides)\n",
           sodium_version_string(), BENCH_ROUNDS);
    printf("command: make bench-crypto   (build/host/tests/bench/crypto_bench, -O2)\n\n");
    printf("%-28s %8s %13s %13s %8s\n", "primitive", "bytes", "ours", "libsodium",
           "ratio");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (argc < 2 || strstr(rows[i].name, argv[1])) /* a row filter, for development */
            run_row(&rows[i]);
#ifndef HAVE_ED25519
    printf("Ed25519: row compiled out, crypto/ed25519.h not present\n");
#endif
#ifndef HAVE_X25519
    printf("X25519: row compiled out, crypto/x25519.h not present\n");
#endif
#ifndef HAVE_BLAKE2B
    printf("BLAKE2b: row compiled out, crypto/blake2b.h not present\n");
#endif
#ifndef HAVE_ARGON2ID
    printf("Argon2id: row compiled out, crypto/argon2id.h not present\n");
#endif
    return 0;
}
