/* Measures ML-DSA-65 resource use (run by tests/suites/23-crypto-mldsa.sh and
 * `make bench-pq`):
 *   mldsa_measure stack         peak stack bytes of public key, sign and
 *                               verify, each run on a thread whose stack was
 *                               painted with a pattern first
 *   mldsa_measure verify-once   one verification, plain and with a prepared key, for
 *                               valgrind --tool=callgrind --toggle-collect=mldsa65_verify
 *                               (or =mldsa65_verify_prepared)
 * The library objects it links are built with the kernel's code generation
 * (tests/crypto_mldsa.mk, build/host-kernel-codegen): no SSE, no red zone,
 * the freestanding byte-loop memcpy/memset of lib/base/mem.c (keccak_x4_avx2.c
 * uses AVX2 by its own target attribute, as in the kernel).
 * MLDSA_SIMD=avx2 in the environment turns on lib/crypto's AVX2 Keccak (as
 * the kernel does on an AVX2 CPU); by default the portable path runs. */
#define _GNU_SOURCE /* pthread_attr_setstack */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/keccak_x4.h"
#include "crypto/mldsa65.h"

#define PAINT_STACK_SIZE (512 * 1024)
#define PAINT_BYTE 0xa5

static uint8_t seed[MLDSA65_SEED_SIZE] = {3, 1, 4, 1, 5, 9, 2, 6};
static uint8_t rnd[32] = {2, 7, 1, 8};
static uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE], signature[MLDSA65_SIGNATURE_SIZE];
static const uint8_t message[] = "a capsule manifest of some length, signed";
static const uint8_t context[] = "nonos capsule";
static struct mldsa65_prepared_key prepared;
static enum crypto_result last_result;

static void *run_nothing(void *unused)
{
    return unused;
}

static void *run_public_key(void *unused)
{
    (void)unused;
    last_result = mldsa65_public_key(public_key, seed);
    return NULL;
}

static void *run_sign(void *unused)
{
    (void)unused;
    last_result = mldsa65_sign(signature, message, sizeof message, context, sizeof context,
                               seed, rnd);
    return NULL;
}

static void *run_verify(void *unused)
{
    (void)unused;
    last_result = mldsa65_verify(signature, message, sizeof message, context, sizeof context,
                                 public_key);
    return NULL;
}

static void *run_verify_prepared(void *unused)
{
    (void)unused;
    last_result = mldsa65_verify_prepared(signature, message, sizeof message, context,
                                          sizeof context, &prepared);
    return NULL;
}

/* Runs body on a painted stack; returns the bytes it overwrote. */
static size_t stack_used(void *(*body)(void *))
{
    uint8_t *stack = aligned_alloc(4096, PAINT_STACK_SIZE);
    pthread_attr_t attributes;
    pthread_t thread;
    if (stack == NULL)
        abort();
    memset(stack, PAINT_BYTE, PAINT_STACK_SIZE);
    pthread_attr_init(&attributes);
    pthread_attr_setstack(&attributes, stack, PAINT_STACK_SIZE);
    if (pthread_create(&thread, &attributes, body, NULL) != 0 || pthread_join(thread, NULL) != 0)
        abort();
    size_t untouched = 0;
    while (untouched < PAINT_STACK_SIZE && stack[untouched] == PAINT_BYTE)
        untouched++;
    free(stack);
    return PAINT_STACK_SIZE - untouched;
}

int main(int argc, char **argv)
{
    const char *command = argc > 1 ? argv[1] : "";
    const char *simd = getenv("MLDSA_SIMD");
    if (simd != NULL && strcmp(simd, "avx2") == 0) {
        if (!__builtin_cpu_supports("avx2")) {
            fprintf(stderr, "MLDSA_SIMD=avx2: this CPU has no AVX2\n");
            return 1;
        }
        const struct crypto_simd avx2 = { .avx2 = true };
        crypto_simd_configure(&avx2);
    }
    if (strcmp(command, "stack") == 0) {
        /* The thread's own start-up frames count too: measured with an
         * empty body and subtracted. */
        size_t startup = stack_used(run_nothing);
        size_t keygen = stack_used(run_public_key) - startup;
        size_t sign = stack_used(run_sign) - startup;
        size_t verify = stack_used(run_verify) - startup;
        enum crypto_result plain = last_result;
        if (mldsa65_prepare_key(&prepared, public_key) != CRYPTO_OK)
            return 1;
        size_t verify_prepared = stack_used(run_verify_prepared) - startup;
        if (plain != CRYPTO_OK || last_result != CRYPTO_OK) {
            fprintf(stderr, "verify failed\n");
            return 1;
        }
        printf("public_key %zu\nsign %zu\nverify %zu\nverify_prepared %zu\n", keygen, sign,
               verify, verify_prepared);
        return 0;
    }
    if (strcmp(command, "verify-once") == 0) {
        if (mldsa65_public_key(public_key, seed) != CRYPTO_OK ||
            mldsa65_sign(signature, message, sizeof message, context, sizeof context, seed,
                         rnd) != CRYPTO_OK)
            return 1;
        if (mldsa65_prepare_key(&prepared, public_key) != CRYPTO_OK)
            return 1;
        return mldsa65_verify(signature, message, sizeof message, context, sizeof context,
                              public_key) == CRYPTO_OK &&
                       mldsa65_verify_prepared(signature, message, sizeof message, context,
                                               sizeof context, &prepared) == CRYPTO_OK
                   ? 0 : 1;
    }
    fprintf(stderr, "usage: mldsa_measure stack|verify-once\n");
    return 2;
}
