/* Keccak-f[1600] (FIPS 202 section 3) on four interleaved states with AVX2:
 * each of the 25 vectors holds one lane (x, y) of all four states, and every
 * step of a round is the scalar step with 64-bit vector operations: theta's
 * column parities and their rotated neighbours, rho's rotation (two shifts
 * and an OR; AVX2 has no 64-bit rotate), pi as the choice of destination,
 * chi with AND-NOT, iota with the round constant broadcast.
 *
 * Only this file uses vector registers. Its functions carry
 * target("avx2") themselves, so the file builds with every environment's
 * flags (the kernel's -mgeneral-regs-only included) and the rest of
 * lib/crypto stays scalar; they run only when crypto_simd_avx2() says the CPU
 * and the OS allow it (keccak_x4.c), between crypto_simd_begin and _end. No
 * branch or address depends on the data. */
#include "crypto/keccak_x4.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

static inline __m256i rotate_left(__m256i v, unsigned count)
{
    if (count == 0)
        return v;
    return _mm256_or_si256(_mm256_slli_epi64(v, (int)count),
                           _mm256_srli_epi64(v, (int)(64 - count)));
}

/* One round on a[] in place. pi moves lane (x, y) to (y, 2x + 3y mod 5). */
static inline void keccak_x4_round(__m256i a[25], uint64_t round_constant)
{
    __m256i c[5], d[5], b[25];
    _Pragma("clang loop unroll(full)")
    for (unsigned x = 0; x < 5; x++)
        c[x] = _mm256_xor_si256(_mm256_xor_si256(a[x], a[x + 5]),
                                _mm256_xor_si256(_mm256_xor_si256(a[x + 10], a[x + 15]), a[x + 20]));
    _Pragma("clang loop unroll(full)")
    for (unsigned x = 0; x < 5; x++)
        d[x] = _mm256_xor_si256(c[(x + 4) % 5], rotate_left(c[(x + 1) % 5], 1));
    _Pragma("clang loop unroll(full)")
    for (unsigned y = 0; y < 5; y++)
        _Pragma("clang loop unroll(full)")
        for (unsigned x = 0; x < 5; x++)
            b[y + 5 * ((2 * x + 3 * y) % 5)] =
                rotate_left(_mm256_xor_si256(a[x + 5 * y], d[x]), keccak_rho_offsets[x + 5 * y]);
    _Pragma("clang loop unroll(full)")
    for (unsigned y = 0; y < 5; y++)
        _Pragma("clang loop unroll(full)")
        for (unsigned x = 0; x < 5; x++)
            a[x + 5 * y] = _mm256_xor_si256(
                b[x + 5 * y], _mm256_andnot_si256(b[(x + 1) % 5 + 5 * y], b[(x + 2) % 5 + 5 * y]));
    a[0] = _mm256_xor_si256(a[0], _mm256_set1_epi64x((long long)round_constant));
}

void keccak_f1600_x4_avx2(struct keccak_x4 *state)
{
    __m256i a[25];
    _Pragma("clang loop unroll(full)")
    for (unsigned i = 0; i < 25; i++)
        a[i] = _mm256_loadu_si256((const __m256i *)state->lanes[i]);
    for (unsigned round = 0; round < 24; round++)
        keccak_x4_round(a, keccak_round_constants[round]);
    _Pragma("clang loop unroll(full)")
    for (unsigned i = 0; i < 25; i++)
        _mm256_storeu_si256((__m256i *)state->lanes[i], a[i]);
}

#pragma clang attribute pop

#else
/* Not an x86_64 build: crypto_simd_avx2() is never true here. */
void keccak_f1600_x4_avx2(struct keccak_x4 *state)
{
    keccak_f1600_x4_portable(state);
}
#endif
