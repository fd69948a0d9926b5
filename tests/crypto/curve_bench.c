/* Benchmark (not a test): X25519 and Ed25519 against libsodium in the same
 * run, as time per operation and the ratio ours / libsodium. Each figure is
 * the best of 100 short rounds, alternating, in thread CPU time, to damp noise from other jobs on the machine.
 *   make bench-curve                                                         */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <time.h>

#include "crypto/ed25519.h"
#include "crypto/x25519.h"

#define ROUNDS 100

static uint8_t scalar[32], point[32], out[32], seed[32], public_key[32], secret_key[64];
static uint8_t message[64], signature[64];
static struct ed25519_secret_key signing_key;
static volatile int sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* CPU time: other jobs on the machine count less */
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void ours_x25519(void) { sink += (int)x25519(out, scalar, point); }
static void theirs_x25519(void) { sink += crypto_scalarmult(out, scalar, point); }
static void ours_x25519_base(void) { x25519_base(out, scalar); }
static void theirs_x25519_base(void) { sink += crypto_scalarmult_base(out, scalar); }
static void ours_keypair(void) { ed25519_keypair(public_key, secret_key, seed); }
static void theirs_keypair(void) { sink += crypto_sign_seed_keypair(public_key, secret_key, seed); }
static void ours_sign(void) { sink += (int)ed25519_sign(signature, message, sizeof message, &signing_key); }
static void theirs_sign(void)
{
    sink += crypto_sign_detached(signature, NULL, message, sizeof message, secret_key);
}
static void ours_verify(void) { sink += (int)ed25519_verify(signature, message, sizeof message, public_key); }
static void theirs_verify(void)
{
    sink += crypto_sign_verify_detached(signature, message, sizeof message, public_key);
}

/* Microseconds per call of count calls. */
static double time_calls(void (*function)(void), int count)
{
    const double start = now();
    for (int i = 0; i < count; i++)
        function();
    return (now() - start) / count * 1e6;
}

/* Alternates short rounds of ours and libsodium's and keeps the best round of
 * each, so that a burst of load from other jobs hits both sides alike. */
static void compare(const char *name, void (*ours)(void), void (*theirs)(void))
{
    double best_ours = 1e9, best_theirs = 1e9;
    for (int round = 0; round < ROUNDS; round++) {
        const double a = time_calls(ours, 50), b = time_calls(theirs, 50);
        best_ours = a < best_ours ? a : best_ours;
        best_theirs = b < best_theirs ? b : best_theirs;
    }
    printf("%-28s %10.1f us %10.1f us %8.2f\n", name, best_ours, best_theirs,
           best_ours / best_theirs);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    randombytes_buf(scalar, 32);
    randombytes_buf(seed, 32);
    randombytes_buf(message, sizeof message);
    crypto_scalarmult_base(point, seed);
    ed25519_keypair(public_key, secret_key, seed);
    ed25519_key_from_seed(&signing_key, seed);
    ours_sign();
    printf("%-28s %13s %13s %8s\n", "operation", "NONOS", "libsodium", "ratio");
    compare("x25519", ours_x25519, theirs_x25519);
    compare("x25519_base", ours_x25519_base, theirs_x25519_base);
    compare("ed25519 keypair", ours_keypair, theirs_keypair);
    compare("ed25519 sign (64 B)", ours_sign, theirs_sign);
    compare("ed25519 verify (64 B)", ours_verify, theirs_verify);
    return sink == 12345 ? 1 : 0;
}
