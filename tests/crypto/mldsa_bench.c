/* Benchmark (not a test): ML-DSA-65 key generation, signing and verification
 * against PQClean's portable ("clean") ml-dsa-65 in the same run, as time per
 * operation and the ratio ours / PQClean. make bench-pq builds PQClean from
 * the npm package pqclean (fetched into build/pqclean at bench time).
 *
 * Key generation: ours expands a seed to the public key; PQClean's
 * crypto_sign_keypair draws the seed and writes both keys. Signing: both
 * hedged, over messages that change each call, so both sides average over the
 * rejection loop's iteration counts; ours also expands the seed each time
 * (the private key is the seed), PQClean reads its expanded key. Figures are
 * the best of ROUNDS alternating rounds, in thread CPU time.
 *   make bench-pq                                                           */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/mldsa65.h"

int PQCLEAN_MLDSA65_CLEAN_crypto_sign_keypair(uint8_t *pk, uint8_t *sk);
int PQCLEAN_MLDSA65_CLEAN_crypto_sign_signature_ctx(uint8_t *sig, size_t *siglen,
                                                     const uint8_t *m, size_t mlen,
                                                     const uint8_t *ctx, size_t ctxlen,
                                                     const uint8_t *sk);
int PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(const uint8_t *sig, size_t siglen,
                                                  const uint8_t *m, size_t mlen,
                                                  const uint8_t *ctx, size_t ctxlen,
                                                  const uint8_t *pk);

#define ROUNDS 7
#define KEYGEN_CALLS 40
#define SIGN_CALLS 100
#define VERIFY_CALLS 100

static uint8_t seed[32] = {1, 2, 3}, rnd[32];
static uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE], signature[MLDSA65_SIGNATURE_SIZE];
static uint8_t their_public_key[MLDSA65_PUBLIC_KEY_SIZE], their_secret_key[4032];
static uint8_t their_signature[MLDSA65_SIGNATURE_SIZE];
static uint8_t message[100] = "capsule manifest";
static const uint8_t context[] = "nonos";
static unsigned counter;
static volatile int sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void vary(void)
{
    counter++;
    memcpy(message + 50, &counter, sizeof counter);
    memcpy(rnd, &counter, sizeof counter);
}

static void ours_keygen(void) { sink += (int)mldsa65_public_key(public_key, seed); }
static void theirs_keygen(void)
{
    sink += PQCLEAN_MLDSA65_CLEAN_crypto_sign_keypair(their_public_key, their_secret_key);
}
static void ours_sign(void)
{
    vary();
    sink += (int)mldsa65_sign(signature, message, sizeof message, context, sizeof context - 1,
                              seed, rnd);
}
static void theirs_sign(void)
{
    size_t length;
    vary();
    sink += PQCLEAN_MLDSA65_CLEAN_crypto_sign_signature_ctx(
        their_signature, &length, message, sizeof message, context, sizeof context - 1,
        their_secret_key);
}
static void ours_verify(void)
{
    sink += (int)mldsa65_verify(signature, message, sizeof message, context, sizeof context - 1,
                                public_key);
}
static struct mldsa65_prepared_key prepared;
static void ours_verify_prepared(void)
{
    sink += (int)mldsa65_verify_prepared(signature, message, sizeof message, context,
                                         sizeof context - 1, &prepared);
}
static void theirs_verify(void)
{
    sink += PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(their_signature, sizeof their_signature,
                                                         message, sizeof message, context,
                                                         sizeof context - 1, their_public_key);
}

static double time_calls(void (*function)(void), int count)
{
    const double start = now();
    for (int i = 0; i < count; i++)
        function();
    return (now() - start) / count * 1e6;
}

static void compare(const char *name, void (*ours)(void), void (*theirs)(void), int calls)
{
    double best_ours = 1e9, best_theirs = 1e9;
    for (int round = 0; round < ROUNDS; round++) {
        const double a = time_calls(ours, calls), b = time_calls(theirs, calls);
        best_ours = a < best_ours ? a : best_ours;
        best_theirs = b < best_theirs ? b : best_theirs;
    }
    printf("%-18s %10.1f %12.1f %8.2fx\n", name, best_ours, best_theirs, best_ours / best_theirs);
}

int main(void)
{
    printf("ML-DSA-65, microseconds per operation (best of %d rounds, thread CPU time)\n", ROUNDS);
    printf("%-18s %10s %12s %9s\n", "operation", "NØNOS", "PQClean", "ratio");
    compare("keygen", ours_keygen, theirs_keygen, KEYGEN_CALLS);
    compare("sign (hedged)", ours_sign, theirs_sign, SIGN_CALLS);
    /* Verification: both sides sign the same message first. */
    ours_sign();
    counter--;
    theirs_sign();
    compare("verify", ours_verify, theirs_verify, VERIFY_CALLS);
    /* Ours with the key prepared once (mldsa65_prepare_key), against
     * PQClean's plain verification, which has no such form. */
    if (mldsa65_prepare_key(&prepared, public_key) != CRYPTO_OK)
        return 1;
    compare("verify (prepared)", ours_verify_prepared, theirs_verify, VERIFY_CALLS);
    if (mldsa65_verify(signature, message, sizeof message, context, sizeof context - 1,
                       public_key) != CRYPTO_OK ||
        PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(their_signature, sizeof their_signature,
                                                     message, sizeof message, context,
                                                     sizeof context - 1, their_public_key) != 0) {
        printf("a benchmarked signature does not verify\n");
        return 1;
    }
    return 0;
}
