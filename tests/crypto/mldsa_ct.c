/* Constant-time test of ML-DSA-65 key expansion and signing (the ctgrind
 * technique of suite 25): the seed (and rnd) are marked undefined for
 * valgrind's memcheck, which then reports any branch or memory address that
 * depends on them. One operation per process:
 *   mldsa_ct public-key|sign|sign-hedged|leaky
 * under `valgrind --error-exitcode=1`. The library objects are built with
 * -DMLDSA_CT_TEST, so the values FIPS 204 lets leak (each rejection verdict,
 * the challenge c tilde, the accepted signature) are declared public where
 * they are decided (MLDSA_DECLASSIFY in lib/crypto/mldsa65_internal.h) and
 * nothing else is. "leaky" indexes a table by a seed byte on purpose, to show the
 * harness catches a leak. Verification is not tested: all its inputs are
 * public. MLDSA_SIMD=avx2 in the environment runs the AVX2 polynomial
 * arithmetic (mldsa65_poly_avx2.c) instead of the portable one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto/keccak_x4.h"
#include "crypto/mldsa65.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))

static uint8_t seed[MLDSA65_SEED_SIZE] = {7, 1, 2, 3}, rnd[32] = {5, 4, 3};
static uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE], signature[MLDSA65_SIGNATURE_SIZE];
static const uint8_t message[] = "capsule manifest", context[] = "nonos";

int main(int argc, char **argv)
{
    const char *operation = argc > 1 ? argv[1] : "";
    const char *simd = getenv("MLDSA_SIMD");
    if (simd != NULL && strcmp(simd, "avx2") == 0) {
        if (!__builtin_cpu_supports("avx2")) {
            fprintf(stderr, "MLDSA_SIMD=avx2: this CPU has no AVX2\n");
            return 2;
        }
        const struct crypto_simd avx2 = { .avx2 = true };
        crypto_simd_configure(&avx2);
    }
    SECRET(seed, sizeof seed);
    SECRET(rnd, sizeof rnd);
    if (strcmp(operation, "public-key") == 0)
        return mldsa65_public_key(public_key, seed) == CRYPTO_OK ? 0 : 2;
    if (strcmp(operation, "sign") == 0 || strcmp(operation, "sign-hedged") == 0) {
        /* Several messages: several different rejection-loop lengths. */
        for (uint8_t i = 0; i < 4; i++) {
            uint8_t varied[sizeof message];
            memcpy(varied, message, sizeof message);
            varied[0] = (uint8_t)(varied[0] + i);
            if (mldsa65_sign(signature, varied, sizeof varied, context, sizeof context - 1, seed,
                             operation[4] == '-' ? rnd : NULL) != CRYPTO_OK)
                return 2;
        }
        return 0;
    }
    if (strcmp(operation, "leaky") == 0) {
        if (mldsa65_public_key(public_key, seed) != CRYPTO_OK)
            return 2;
        static const volatile uint8_t table[256] = {0};
        return table[seed[0]]; /* a memory index that depends on a secret byte */
    }
    fprintf(stderr, "usage: mldsa_ct public-key|sign|sign-hedged|leaky\n");
    return 2;
}
