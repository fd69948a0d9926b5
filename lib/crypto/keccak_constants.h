/* Keccak-f[1600]'s constants (FIPS 202), for shake.c and keccak_x4_avx2.c.
 * Defined here, static, rather than once in a .c file: the permutations
 * need them as compile-time constants (rotation counts become immediate
 * operands, the loops unroll around them). */
#ifndef NONOS_CRYPTO_KECCAK_CONSTANTS_H
#define NONOS_CRYPTO_KECCAK_CONSTANTS_H

#include <stdint.h>

/* Section 3.2.5: the round constants RC[i] of iota. */
static const uint64_t keccak_round_constants[24] = {
    0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
    0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
    0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

/* Section 3.2.2: the rho offsets of lane (x, y), index x + 5y. */
static const unsigned keccak_rho_offsets[25] = {
    0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
    25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14,
};

#endif
