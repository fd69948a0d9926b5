/* Four Keccak-f[1600] permutations at once, and four SHAKE128 streams on
 * top of them (FIPS 202), for ML-DSA's ExpandA, whose 30 matrix entries are
 * independent SHAKE128 streams over public data.
 *
 * The four states are interleaved: lane i of instance j is lanes[i][j], so
 * that one 256-bit vector register holds lane i of all four. Two ways to run
 * the permutation, chosen at run time: AVX2 (keccak_x4_avx2.c), when the
 * environment says the CPU has AVX2 and the OS enabled the YMM state, and
 * otherwise the scalar permutation four times. Both give the same output.
 *
 * lib/ knows nothing of the CPU or the OS it runs on: the environment (the
 * kernel at boot, a host program at start) calls crypto_simd_configure once,
 * before any other thread uses lib/crypto. Until then the portable path
 * runs. Vector registers are used only between crypto_simd_begin and
 * crypto_simd_end, which call the environment's hooks (the kernel saves and
 * restores the registers' previous contents there). */
#ifndef NONOS_CRYPTO_KECCAK_X4_H
#define NONOS_CRYPTO_KECCAK_X4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct crypto_simd {
    bool avx2;           /* AVX2 present, and YMM state enabled (XCR0 bits 1 and 2) */
    void (*begin)(void); /* before vector registers are used; may be NULL */
    void (*end)(void);   /* after; may be NULL */
};

/* Copies *simd; a NULL or all-zero one selects the portable path. */
void crypto_simd_configure(const struct crypto_simd *simd);
/* Whether keccak_f1600_x4 and the ML-DSA-65 arithmetic take the AVX2 path. */
bool crypto_simd_avx2(void);
/* Bracket every keccak_f1600_x4 call (they call the hooks on the AVX2 path);
 * the public ML-DSA-65 functions bracket their whole work once. No nesting. */
void crypto_simd_begin(void);
void crypto_simd_end(void);

struct keccak_x4 {
    uint64_t lanes[25][4];
};

/* Keccak-f[1600] on each of the four interleaved states. */
void keccak_f1600_x4(struct keccak_x4 *state);
void keccak_f1600_x4_portable(struct keccak_x4 *state);
void keccak_f1600_x4_avx2(struct keccak_x4 *state); /* only with AVX2 usable */

/* Four SHAKE128 streams over four inputs of one length: absorbs, pads, and
 * leaves the state ready for shake128_x4_squeeze_block. */
void shake128_x4_absorb(struct keccak_x4 *state, const uint8_t *const in[4], size_t in_len);
/* The next SHAKE128_RATE-byte block of each stream, as 21 little-endian
 * lanes per stream (blocks[j] for input j). */
void shake128_x4_squeeze_block(struct keccak_x4 *state, uint64_t blocks[4][21]);
/* One call: out_len bytes of SHAKE128(in[j]) into out[j], for j = 0..3. */
void shake128_x4(uint8_t *const out[4], size_t out_len, const uint8_t *const in[4],
                 size_t in_len);

#endif
