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

#include "crypto/keccak_constants.h"

#if defined(__x86_64__)
/* Four 64-bit lanes in one vector, with the compiler's vector extension
 * rather than <immintrin.h> (which the UEFI build's Windows target does not
 * declare without -mavx2): the operators compile to vpxor, vpand(n), vpor,
 * vpsllq and vpsrlq in these target("avx2") functions. */
typedef uint64_t lanes4 __attribute__((vector_size(32)));

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

static inline lanes4 rotate_left(lanes4 v, unsigned count)
{
    if (count == 0)
        return v;
    return (v << count) | (v >> (64 - count));
}

/* One round from in to out. pi moves lane (x, y) to (y, 2x + 3y mod 5), so
 * output lane (X, Y) comes from input lane ((X + 3Y) mod 5, X). Output row
 * by output row, as in shake.c: the five lanes after theta, rho and pi are
 * made from in[] and at once combined by chi into out[], so that only d[]
 * and one row stay in registers (a whole state in registers would not fit in
 * the 16 and would spill). */
static inline __attribute__((always_inline)) void keccak_x4_round(const lanes4 in[25], lanes4 out[25], uint64_t round_constant)
{
    lanes4 c[5], d[5];
    _Pragma("clang loop unroll(full)")
    for (unsigned x = 0; x < 5; x++)
        c[x] = in[x] ^ in[x + 5] ^ in[x + 10] ^ in[x + 15] ^ in[x + 20];
    _Pragma("clang loop unroll(full)")
    for (unsigned x = 0; x < 5; x++)
        d[x] = c[(x + 4) % 5] ^ rotate_left(c[(x + 1) % 5], 1);
    _Pragma("clang loop unroll(full)")
    for (unsigned y = 0; y < 5; y++) {
        lanes4 b[5];
        _Pragma("clang loop unroll(full)")
        for (unsigned x = 0; x < 5; x++) {
            unsigned source = (x + 3 * y) % 5 + 5 * x;
            b[x] = rotate_left(in[source] ^ d[(x + 3 * y) % 5], keccak_rho_offsets[source]);
        }
        _Pragma("clang loop unroll(full)")
        for (unsigned x = 0; x < 5; x++)
            out[x + 5 * y] = b[x] ^ (~b[(x + 1) % 5] & b[(x + 2) % 5]);
    }
    out[0] ^= round_constant;
}

void keccak_f1600_x4_avx2(struct keccak_x4 *state)
{
    lanes4 a[25], other[25];
    _Pragma("clang loop unroll(full)")
    for (unsigned i = 0; i < 25; i++)
        __builtin_memcpy(&a[i], state->lanes[i], sizeof a[i]);
    for (unsigned round = 0; round < 24; round += 2) {
        keccak_x4_round(a, other, keccak_round_constants[round]);
        keccak_x4_round(other, a, keccak_round_constants[round + 1]);
    }
    _Pragma("clang loop unroll(full)")
    for (unsigned i = 0; i < 25; i++)
        __builtin_memcpy(state->lanes[i], &a[i], sizeof a[i]);
}

#pragma clang attribute pop

#else
/* Not an x86_64 build: crypto_simd_avx2() is never true here. */
void keccak_f1600_x4_avx2(struct keccak_x4 *state)
{
    keccak_f1600_x4_portable(state);
}
#endif
