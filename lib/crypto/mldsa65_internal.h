/* Internals of ML-DSA-65 (FIPS 204), shared by mldsa65_poly.c (arithmetic
 * mod q, NTT, sampling), mldsa65_pack.c (byte encodings) and mldsa65.c (key
 * generation, signing, verification). Not an API: only lib/crypto and its
 * tests include it.
 *
 * Polynomials are 256 int32_t coefficients. Unless a function says
 * otherwise, coefficients are representatives of Z_q in (-q, q) and need not
 * be canonical; "NTT domain" arrays hold the NTT of FIPS 204 Algorithm 41. */
#ifndef NONOS_CRYPTO_MLDSA65_INTERNAL_H
#define NONOS_CRYPTO_MLDSA65_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mldsa65.h"
#include "crypto/shake.h"

/* FIPS 204 Table 1, ML-DSA-65. */
#define MLDSA_N 256
#define MLDSA_Q 8380417
#define MLDSA_D 13
#define MLDSA65_K 6
#define MLDSA65_L 5
#define MLDSA65_ETA 4
#define MLDSA65_TAU 49
#define MLDSA65_BETA 196                     /* tau * eta */
#define MLDSA65_GAMMA1 (1 << 19)
#define MLDSA65_GAMMA2 ((MLDSA_Q - 1) / 32)  /* 261888 */
#define MLDSA65_OMEGA 55
#define MLDSA65_LAMBDA_BYTES 48              /* c tilde: lambda / 4 bytes */

/* Encoded sizes (FIPS 204 section 7.2). */
#define MLDSA65_T1_POLY_BYTES 320      /* 10 bits a coefficient */
#define MLDSA65_Z_POLY_BYTES 640       /* 20 bits a coefficient */
#define MLDSA65_W1_POLY_BYTES 128      /* 4 bits a coefficient */
#define MLDSA65_Z_OFFSET MLDSA65_LAMBDA_BYTES
#define MLDSA65_HINT_OFFSET (MLDSA65_Z_OFFSET + MLDSA65_L * MLDSA65_Z_POLY_BYTES)

/* struct mldsa_poly (256 int32_t coefficients) is in crypto/mldsa65.h. */

/* -1 when value < 0, else 0, without a branch (and without a signed shift,
 * whose result C leaves to the implementation). */
static inline int32_t mldsa_sign_mask(int32_t value)
{
    return -(int32_t)((uint32_t)value >> 31);
}

/* Arithmetic mod q, inline because every coefficient loop calls it (a call
 * per coefficient costs more than the arithmetic). */
#define MLDSA_QINV 58728449 /* q^-1 mod 2^32 */

/* value * 2^-32 mod q, in (-q, q), for |value| < 2^31 q. */
static inline int32_t mldsa_montgomery_reduce(int64_t value)
{
    int32_t t = (int32_t)((uint32_t)value * (uint32_t)MLDSA_QINV);
    return (int32_t)((value - (int64_t)t * MLDSA_Q) >> 32);
}

/* |value| < 2^31 - 2^22: result in (-q, q). */
static inline int32_t mldsa_reduce32(int32_t value)
{
    int32_t t = (value + (1 << 22)) >> 23;
    return value - t * MLDSA_Q;
}

/* The canonical representative in [0, q). */
static inline int32_t mldsa_freeze(int32_t value)
{
    value = mldsa_reduce32(value);
    return value + (mldsa_sign_mask(value) & MLDSA_Q);
}

/* Algorithm 36 for gamma2 = (q - 1) / 32: value = high * 2 gamma2 + low with
 * low in (-gamma2, gamma2], except that the top interval (high = 16) wraps to
 * high = 0, low = r - q. The division by a constant compiles to a multiply.
 * r1 is at most 16, so r1 & 15 is the wrapped high part and r1 >> 4 says
 * whether it wrapped (then low = r0 - 1). */
static inline void mldsa_decompose(int32_t *high, int32_t *low, int32_t value)
{
    int32_t r = mldsa_freeze(value);
    int32_t r1 = (int32_t)((uint32_t)(r + MLDSA65_GAMMA2 - 1) / (2 * MLDSA65_GAMMA2));
    int32_t r0 = r - r1 * 2 * MLDSA65_GAMMA2;
    *high = r1 & 15;
    *low = r0 - (r1 >> 4);
}

/* Algorithm 40 (m = 16); verification only, so it may branch. */
static inline int32_t mldsa_use_hint(int32_t value, unsigned hint)
{
    int32_t high, low;
    mldsa_decompose(&high, &low, value);
    if (!hint)
        return high;
    return low > 0 ? (high + 1) & 15 : (high - 1) & 15;
}

/* The inverse NTT's scaling (mldsa65_poly.c and mldsa65_poly_avx2.c). */
#define MLDSA_INVERSE_NTT_FACTOR 41978 /* 2^56 mod q: 2^64 / 256, times 2^-32 */
/* -zeta_1 (mldsa_zetas[1], Montgomery form) times the factor above, times
 * 2^-32 mod q, centred: the last layer's twiddle and the scaling in one. */
#define MLDSA_INVERSE_NTT_LAST_FACTOR 3975713

/* mldsa65_poly.c: arithmetic. mldsa_ntt, mldsa_inverse_ntt, mldsa_pointwise,
 * mldsa_row_product and mldsa_use_hint_poly take the AVX2 path
 * (mldsa65_poly_avx2.c) when crypto_simd_avx2() is true, else the portable
 * one (_portable); both give bit-identical results. On the AVX2 path the
 * caller is between crypto_simd_begin and crypto_simd_end (every public
 * ML-DSA function brackets itself once). */
void mldsa_ntt(struct mldsa_poly *poly);          /* |in| < q: |out| < 9q */
void mldsa_inverse_ntt(struct mldsa_poly *poly);  /* |in| < q; multiplies by 2^32 too */
void mldsa_pointwise(struct mldsa_poly *out, const struct mldsa_poly *a,
                     const struct mldsa_poly *b); /* a * b * 2^-32, in (-q, q) */
/* out = (sum of a[i] v[i] over the L columns - c t) * 2^-32, one Montgomery
 * reduction of the 64-bit sum (c and t NULL: no subtraction). a[i] in
 * [0, q), v[i], c and t below 9q in magnitude: |sum| < 126 q^2 < 2^31 q. */
void mldsa_row_product(struct mldsa_poly *out, const struct mldsa_poly a[MLDSA65_L],
                       const struct mldsa_poly v[MLDSA65_L], const struct mldsa_poly *c,
                       const struct mldsa_poly *t);
/* w[j] = UseHint(hints[j] != 0, w[j]) for every j; w in (-q, q). */
void mldsa_use_hint_poly(struct mldsa_poly *w, const uint8_t hints[MLDSA_N]);

void mldsa_ntt_portable(struct mldsa_poly *poly);
void mldsa_inverse_ntt_portable(struct mldsa_poly *poly);
void mldsa_pointwise_portable(struct mldsa_poly *out, const struct mldsa_poly *a,
                              const struct mldsa_poly *b);
void mldsa_row_product_portable(struct mldsa_poly *out, const struct mldsa_poly a[MLDSA65_L],
                                const struct mldsa_poly v[MLDSA65_L],
                                const struct mldsa_poly *c, const struct mldsa_poly *t);
void mldsa_use_hint_portable(struct mldsa_poly *w, const uint8_t hints[MLDSA_N]);

/* mldsa65_poly_avx2.c: only when crypto_simd_avx2() is true. */
void mldsa_ntt_avx2(struct mldsa_poly *poly);
void mldsa_inverse_ntt_avx2(struct mldsa_poly *poly);
void mldsa_pointwise_avx2(struct mldsa_poly *out, const struct mldsa_poly *a,
                          const struct mldsa_poly *b);
void mldsa_row_product_avx2(struct mldsa_poly *out, const struct mldsa_poly a[MLDSA65_L],
                            const struct mldsa_poly v[MLDSA65_L], const struct mldsa_poly *c,
                            const struct mldsa_poly *t);
void mldsa_use_hint_avx2(struct mldsa_poly *w, const uint8_t hints[MLDSA_N]);
/* t1 decoded and multiplied by 2^d (mldsa_unpack_t1, then << d). */
void mldsa_unpack_t1_shifted_avx2(struct mldsa_poly *t1, const uint8_t in[MLDSA65_T1_POLY_BYTES]);
void mldsa_unpack_z_avx2(struct mldsa_poly *z, const uint8_t in[MLDSA65_Z_POLY_BYTES]);
uint32_t mldsa_poly_exceeds_avx2(const struct mldsa_poly *poly, int32_t bound);
unsigned mldsa_sample_ntt_block_avx2(struct mldsa_poly *poly, unsigned count,
                                     const uint64_t lanes[SHAKE128_RATE / 8]);
extern const uint64_t mldsa_sample_compress[256]; /* x86_64 only */
void mldsa_power2round(int32_t *high, int32_t *low, int32_t value);
/* 1 when some |coefficient| >= bound, else 0; no branch on the coefficients.
 * Chooses the AVX2 path too, as does mldsa_unpack_z. */
uint32_t mldsa_poly_exceeds(const struct mldsa_poly *poly, int32_t bound);
uint32_t mldsa_poly_exceeds_portable(const struct mldsa_poly *poly, int32_t bound);
extern const int32_t mldsa_zetas[MLDSA_N];

/* mldsa65_poly.c: sampling (FIPS 204 section 7.3). */
void mldsa_sample_ntt(struct mldsa_poly *poly, const uint8_t rho[32], uint8_t column,
                      uint8_t row);
/* mldsa_sample_ntt for four (column, row) pairs at once; polys[j] may repeat
 * only for repeated (columns[j], rows[j]), whose identical streams write the
 * same values. The caller brackets it with crypto_simd_begin/end. */
void mldsa_sample_ntt_x4(struct mldsa_poly *const polys[4], const uint8_t rho[32],
                         const uint8_t columns[4], const uint8_t rows[4]);
void mldsa_sample_eta(struct mldsa_poly *poly, const uint8_t rho_prime[64], uint16_t nonce);
void mldsa_sample_mask(struct mldsa_poly *poly, const uint8_t rho_double_prime[64],
                       uint16_t nonce);
/* The coefficients that SHAKE128 block lanes gives (RejNTTPoly's parsing),
 * from lane first_lane (a multiple of 3) on, appended at count (at most MLDSA_N);
 * returns the new count. */
unsigned mldsa_sample_ntt_groups(struct mldsa_poly *poly, unsigned count, const uint64_t *lanes,
                                 unsigned first_lane);
void mldsa_sample_in_ball(struct mldsa_poly *poly, const uint8_t c_tilde[MLDSA65_LAMBDA_BYTES]);
/* The same polynomial, in time independent of c tilde (for signing). */
void mldsa_sample_in_ball_secret(struct mldsa_poly *poly,
                                 const uint8_t c_tilde[MLDSA65_LAMBDA_BYTES]);

/* mldsa65_pack.c: encodings (FIPS 204 section 7.2). */
void mldsa_pack_t1(uint8_t out[MLDSA65_T1_POLY_BYTES], const struct mldsa_poly *t1);
void mldsa_unpack_t1(struct mldsa_poly *t1, const uint8_t in[MLDSA65_T1_POLY_BYTES]);
void mldsa_pack_z(uint8_t out[MLDSA65_Z_POLY_BYTES], const struct mldsa_poly *z);
void mldsa_unpack_z(struct mldsa_poly *z, const uint8_t in[MLDSA65_Z_POLY_BYTES]);
void mldsa_unpack_z_portable(struct mldsa_poly *z, const uint8_t in[MLDSA65_Z_POLY_BYTES]);
void mldsa_pack_w1(uint8_t out[MLDSA65_W1_POLY_BYTES], const struct mldsa_poly *w1);
/* HintBitPack of hints[k][256] (0 or 1 each, at most omega ones). */
void mldsa_pack_hints(uint8_t out[MLDSA65_OMEGA + MLDSA65_K],
                      const uint8_t hints[MLDSA65_K][MLDSA_N]);
/* HintBitUnpack (Algorithm 21) for polynomial row: 0 and its 256 hints set,
 * or -1 when the encoding is malformed anywhere (an index count out of order
 * or above omega, positions not strictly increasing within a polynomial,
 * nonzero padding). */
int mldsa_unpack_hints(uint8_t hints[MLDSA_N], unsigned row,
                       const uint8_t in[MLDSA65_OMEGA + MLDSA65_K]);

/* mldsa65.c: Algorithm 7 (ML-DSA.Sign_internal) with the message
 * representative mu computed by the caller ("external mu": FIPS 204 lets mu
 * be computed in another module, Algorithm 7 line 6): for the Wycheproof
 * vectors that give mu instead of a message. */
void mldsa65_sign_mu(uint8_t signature[MLDSA65_SIGNATURE_SIZE], const uint8_t mu[64],
                     const uint8_t seed[MLDSA65_SEED_SIZE],
                     const uint8_t *rnd);

/* Secret marking for the valgrind constant-time test (tests/crypto/mldsa_ct.c):
 * values that are public by FIPS 204's argument (the outcome of a rejection
 * test, the challenge) are declared public before the code branches on them.
 * Only the build/host-ct objects define MLDSA_CT_TEST; everywhere else these
 * are no-ops. */
#ifdef MLDSA_CT_TEST
#include <valgrind/memcheck.h>
#define MLDSA_DECLASSIFY(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define MLDSA_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#endif
