/* ML-DSA-65 polynomial arithmetic with AVX2 (FIPS 204 Algorithms 41 and 42,
 * Montgomery reduction as in its Appendix A), eight coefficients per 256-bit
 * vector: the forward and inverse NTT, the pointwise product, a row of A
 * times a vector with c t1 subtracted (verification's A z - c t1 2^d),
 * UseHint, the decoding and norm check of z, the decoding of t1 2^d, and
 * the parsing of ExpandA's SHAKE128 blocks into coefficients.
 *
 * Invariant: every function gives bit for bit the int32_t representatives of
 * its portable twin in mldsa65_poly.c, not merely the same
 * values mod q. Each butterfly does the portable butterfly's operations on
 * eight coefficients (the order in which a layer's butterflies run does not
 * change their results), and the Montgomery reduction of a 64-bit product p
 * is (p - t q) >> 32 with t = (int32_t)(low 32 bits of p times q^-1), as in
 * mldsa_montgomery_reduce. The tests compare the two paths on random and
 * edge inputs (tests/crypto/mldsa_test.c).
 *
 * Layout: the NTT runs in two passes. The first handles the three layers
 * whose butterflies join vectors 4, 8 and 16 apart (eight vectors in
 * registers); the second, per 64 coefficients, the two layers that join
 * neighbouring vectors, then transposes the 8x8 block so that the three
 * layers inside a vector (distances 4, 2, 1) also join whole vectors, with
 * one zeta per lane. The inverse runs the same passes backwards.
 *
 * Like keccak_x4_avx2.c: the functions carry target("avx2"), use the
 * compiler's vector extension and builtins rather than <immintrin.h> (so
 * the file builds with every environment's flags), and run only when
 * crypto_simd_avx2() is true, between crypto_simd_begin and _end (the
 * public ML-DSA functions bracket themselves). No branch or address depends
 * on the coefficients, except in the parsing of ExpandA's blocks and t1's
 * decoding, whose data is public: signing may use the rest. */
#include "crypto/mldsa65_internal.h"

#if defined(__x86_64__)
typedef int32_t v8 __attribute__((vector_size(32)));
typedef int64_t v4q __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));
typedef uint32_t v8u __attribute__((vector_size(32)));
typedef uint8_t v8b __attribute__((vector_size(8)));

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

static inline v8 load8(const int32_t *p)
{
    v8 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline void store8(int32_t *p, v8 v)
{
    __builtin_memcpy(p, &v, sizeof v);
}

static inline v8 broadcast(int32_t x)
{
    return (v8){ x, x, x, x, x, x, x, x };
}

/* The odd lanes moved to the even ones (vpmuldq reads the even lanes). */
static inline v8 odd_lanes(v8 a)
{
    return (v8)((v4u)a >> 32);
}

/* Montgomery reduction of four 64-bit values: (p - t q) >> 32 in the high
 * half of each 64-bit lane. */
static inline v4q reduce64(v4q p)
{
    v4q t = __builtin_ia32_pmuldq256((v8)p, broadcast(MLDSA_QINV));
    return p - __builtin_ia32_pmuldq256((v8)t, broadcast(MLDSA_Q));
}

/* The high halves of even-lane and odd-lane results, back in lane order. */
static inline v8 join_high(v4q even, v4q odd)
{
    return __builtin_shufflevector((v8)even, (v8)odd, 1, 9, 3, 11, 5, 13, 7, 15);
}

/* mldsa_montgomery_reduce(a * z) per lane; z_odd = odd_lanes(z) (z itself
 * when z is a broadcast). */
static inline v8 mont_mul(v8 a, v8 z, v8 z_odd)
{
    v4q even = __builtin_ia32_pmuldq256(a, z);
    v4q odd = __builtin_ia32_pmuldq256(odd_lanes(a), z_odd);
    return join_high(reduce64(even), reduce64(odd));
}

/* Algorithm 41's butterfly (mldsa_butterfly) with a broadcast or per-lane zeta. */
static inline void butterfly(v8 *a, v8 *b, v8 z, v8 z_odd)
{
    v8 t = mont_mul(*b, z, z_odd);
    *b = *a - t;
    *a = *a + t;
}

static inline void butterfly1(v8 *a, v8 *b, int32_t zeta)
{
    butterfly(a, b, broadcast(zeta), broadcast(zeta));
}

/* Algorithm 42's butterfly (mldsa_inverse_butterfly), zeta already negated. */
static inline void inverse_butterfly(v8 *a, v8 *b, v8 z, v8 z_odd)
{
    v8 t = *a;
    *a = t + *b;
    *b = mont_mul(t - *b, z, z_odd);
}

static inline void inverse_butterfly1(v8 *a, v8 *b, int32_t zeta)
{
    inverse_butterfly(a, b, broadcast(zeta), broadcast(zeta));
}

/* x[k] becomes lane k of every x[i] (x[k][i] = old x[i][k]). */
static inline void transpose8(v8 x[8])
{
    v8 t[8], u[8];
    for (unsigned i = 0; i < 8; i += 2) {
        t[i] = __builtin_shufflevector(x[i], x[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[i + 1] = __builtin_shufflevector(x[i], x[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (unsigned i = 0; i < 8; i += 4)
        for (unsigned j = 0; j < 2; j++) {
            u[i + 2 * j] = __builtin_shufflevector(t[i + j], t[i + j + 2], 0, 1, 8, 9, 4, 5, 12, 13);
            u[i + 2 * j + 1] =
                __builtin_shufflevector(t[i + j], t[i + j + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        }
    for (unsigned k = 0; k < 4; k++) {
        x[k] = __builtin_shufflevector(u[k], u[k + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        x[k + 4] = __builtin_shufflevector(u[k], u[k + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

/* Per-lane zetas of the layers inside a vector, for the 64 coefficients
 * (eight 8-coefficient blocks, lane i = block 8g + i) of group g:
 *   forward layer 4: zetas[32 + 8g + i]
 *   forward layer 2, half s: zetas[64 + 2 (8g + i) + s]
 *   forward layer 1, quarter s: zetas[128 + 4 (8g + i) + s]
 * and the inverse's negated ones, counted from the end of the table. The
 * shuffles pick them from contiguous loads. */
#define PICK2(a, b, s) __builtin_shufflevector(a, b, s, s + 2, s + 4, s + 6, s + 8, s + 10, s + 12, s + 14)
#define PICK4(a, b, s) __builtin_shufflevector(a, b, s, s + 4, s + 8, s + 12, s, s + 4, s + 8, s + 12)
#define LOW_HALVES(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11)

static inline void butterfly_v(v8 *a, v8 *b, v8 z)
{
    butterfly(a, b, z, odd_lanes(z));
}

static inline void inverse_butterfly_v(v8 *a, v8 *b, v8 z)
{
    inverse_butterfly(a, b, z, odd_lanes(z));
}

/* Forward layers 16 and 8 between vectors, then 4, 2, 1 inside them. */
static void ntt_group(int32_t *w, unsigned g)
{
    const int32_t *z = mldsa_zetas;
    v8 x[8];
    for (unsigned i = 0; i < 8; i++)
        x[i] = load8(w + 8 * i);
    for (unsigned i = 0; i < 2; i++) {
        butterfly1(&x[i], &x[i + 2], z[8 + 2 * g]);
        butterfly1(&x[i + 4], &x[i + 6], z[9 + 2 * g]);
    }
    for (unsigned k = 0; k < 4; k++)
        butterfly1(&x[2 * k], &x[2 * k + 1], z[16 + 4 * g + k]);
    transpose8(x);
    v8 z4 = load8(z + 32 + 8 * g);
    for (unsigned k = 0; k < 4; k++)
        butterfly_v(&x[k], &x[k + 4], z4);
    v8 a = load8(z + 64 + 16 * g), b = load8(z + 72 + 16 * g);
    v8 z2[2] = { PICK2(a, b, 0), PICK2(a, b, 1) };
    for (unsigned s = 0; s < 2; s++)
        for (unsigned k = 0; k < 2; k++)
            butterfly_v(&x[4 * s + k], &x[4 * s + k + 2], z2[s]);
    v8 c0 = load8(z + 128 + 32 * g), c1 = load8(z + 136 + 32 * g);
    v8 c2 = load8(z + 144 + 32 * g), c3 = load8(z + 152 + 32 * g);
    v8 z1[4] = {
        LOW_HALVES(PICK4(c0, c1, 0), PICK4(c2, c3, 0)),
        LOW_HALVES(PICK4(c0, c1, 1), PICK4(c2, c3, 1)),
        LOW_HALVES(PICK4(c0, c1, 2), PICK4(c2, c3, 2)),
        LOW_HALVES(PICK4(c0, c1, 3), PICK4(c2, c3, 3)),
    };
    for (unsigned s = 0; s < 4; s++)
        butterfly_v(&x[2 * s], &x[2 * s + 1], z1[s]);
    transpose8(x);
    for (unsigned i = 0; i < 8; i++)
        store8(w + 8 * i, x[i]);
}

void mldsa_ntt_avx2(struct mldsa_poly *poly)
{
    int32_t *w = poly->coefficients;
    const int32_t *z = mldsa_zetas;
    /* Layers 128, 64, 32 on the vectors v, v + 4, ..., v + 28. */
    for (unsigned v = 0; v < 4; v++) {
        v8 x[8];
        for (unsigned i = 0; i < 8; i++)
            x[i] = load8(w + 8 * (v + 4 * i));
        for (unsigned i = 0; i < 4; i++)
            butterfly1(&x[i], &x[i + 4], z[1]);
        for (unsigned i = 0; i < 2; i++) {
            butterfly1(&x[i], &x[i + 2], z[2]);
            butterfly1(&x[i + 4], &x[i + 6], z[3]);
        }
        for (unsigned k = 0; k < 4; k++)
            butterfly1(&x[2 * k], &x[2 * k + 1], z[4 + k]);
        for (unsigned i = 0; i < 8; i++)
            store8(w + 8 * (v + 4 * i), x[i]);
    }
    for (unsigned g = 0; g < 4; g++)
        ntt_group(w + 64 * g, g);
}

/* Inverse layers 1, 2, 4 inside the vectors, then 8 and 16 between them:
 * block b of layer len uses -zetas[256 / len - 1 - b]. */
static void inverse_ntt_group(int32_t *w, unsigned g)
{
    const int32_t *z = mldsa_zetas;
    v8 x[8];
    for (unsigned i = 0; i < 8; i++)
        x[i] = load8(w + 8 * i);
    transpose8(x);
    /* Layer 1: -zetas[255 - 32g - 4i - s], from zetas[224 - 32g ...]. */
    v8 c0 = load8(z + 224 - 32 * g), c1 = load8(z + 232 - 32 * g);
    v8 c2 = load8(z + 240 - 32 * g), c3 = load8(z + 248 - 32 * g);
#define PICK4R(hi, lo, s) \
    __builtin_shufflevector(hi, lo, 7 - s, 3 - s, 15 - s, 11 - s, 7 - s, 3 - s, 15 - s, 11 - s)
    v8 z1[4] = {
        LOW_HALVES(PICK4R(c3, c2, 0), PICK4R(c1, c0, 0)),
        LOW_HALVES(PICK4R(c3, c2, 1), PICK4R(c1, c0, 1)),
        LOW_HALVES(PICK4R(c3, c2, 2), PICK4R(c1, c0, 2)),
        LOW_HALVES(PICK4R(c3, c2, 3), PICK4R(c1, c0, 3)),
    };
#undef PICK4R
    for (unsigned s = 0; s < 4; s++)
        inverse_butterfly_v(&x[2 * s], &x[2 * s + 1], -z1[s]);
    /* Layer 2: -zetas[127 - 16g - 2i - s], from zetas[112 - 16g ...]. */
    v8 a = load8(z + 112 - 16 * g), b = load8(z + 120 - 16 * g);
#define PICK2R(hi, lo, s) \
    __builtin_shufflevector(hi, lo, 7 - s, 5 - s, 3 - s, 1 - s, 15 - s, 13 - s, 11 - s, 9 - s)
    v8 z2[2] = { PICK2R(b, a, 0), PICK2R(b, a, 1) };
#undef PICK2R
    for (unsigned s = 0; s < 2; s++)
        for (unsigned k = 0; k < 2; k++)
            inverse_butterfly_v(&x[4 * s + k], &x[4 * s + k + 2], -z2[s]);
    /* Layer 4: -zetas[63 - 8g - i]. */
    v8 r = load8(z + 56 - 8 * g);
    v8 z4 = -__builtin_shufflevector(r, r, 7, 6, 5, 4, 3, 2, 1, 0);
    for (unsigned k = 0; k < 4; k++)
        inverse_butterfly_v(&x[k], &x[k + 4], z4);
    transpose8(x);
    for (unsigned k = 0; k < 4; k++)
        inverse_butterfly1(&x[2 * k], &x[2 * k + 1], -z[31 - 4 * g - k]);
    for (unsigned i = 0; i < 2; i++) {
        inverse_butterfly1(&x[i], &x[i + 2], -z[15 - 2 * g]);
        inverse_butterfly1(&x[i + 4], &x[i + 6], -z[14 - 2 * g]);
    }
    for (unsigned i = 0; i < 8; i++)
        store8(w + 8 * i, x[i]);
}

void mldsa_inverse_ntt_avx2(struct mldsa_poly *poly)
{
    int32_t *w = poly->coefficients;
    const int32_t *z = mldsa_zetas;
    for (unsigned g = 0; g < 4; g++)
        inverse_ntt_group(w + 64 * g, g);
    /* Layers 32 and 64, then 128 with the division by 256 folded in. */
    for (unsigned v = 0; v < 4; v++) {
        v8 x[8];
        for (unsigned i = 0; i < 8; i++)
            x[i] = load8(w + 8 * (v + 4 * i));
        for (unsigned k = 0; k < 4; k++)
            inverse_butterfly1(&x[2 * k], &x[2 * k + 1], -z[7 - k]);
        for (unsigned i = 0; i < 2; i++) {
            inverse_butterfly1(&x[i], &x[i + 2], -z[3]);
            inverse_butterfly1(&x[i + 4], &x[i + 6], -z[2]);
        }
        for (unsigned i = 0; i < 4; i++) {
            v8 sum = x[i] + x[i + 4], difference = x[i] - x[i + 4];
            v8 factor = broadcast(MLDSA_INVERSE_NTT_FACTOR);
            v8 last_factor = broadcast(MLDSA_INVERSE_NTT_LAST_FACTOR);
            x[i] = mont_mul(sum, factor, factor);
            x[i + 4] = mont_mul(difference, last_factor, last_factor);
        }
        for (unsigned i = 0; i < 8; i++)
            store8(w + 8 * (v + 4 * i), x[i]);
    }
}

void mldsa_pointwise_avx2(struct mldsa_poly *out, const struct mldsa_poly *a,
                          const struct mldsa_poly *b)
{
    for (unsigned j = 0; j < MLDSA_N; j += 8) {
        v8 y = load8(b->coefficients + j);
        store8(out->coefficients + j, mont_mul(load8(a->coefficients + j), y, odd_lanes(y)));
    }
}

/* out = Montgomery reduction of sum_i a[i] v[i] - c t (c and t may be
 * NULL: no subtraction), the sum kept in 64 bits as mldsa65.c does. */
void mldsa_row_product_avx2(struct mldsa_poly *out, const struct mldsa_poly a[MLDSA65_L],
                            const struct mldsa_poly v[MLDSA65_L], const struct mldsa_poly *c,
                            const struct mldsa_poly *t)
{
    for (unsigned j = 0; j < MLDSA_N; j += 8) {
        v4q even = { 0, 0, 0, 0 }, odd = { 0, 0, 0, 0 };
        for (unsigned i = 0; i < MLDSA65_L; i++) {
            v8 x = load8(a[i].coefficients + j), y = load8(v[i].coefficients + j);
            even += __builtin_ia32_pmuldq256(x, y);
            odd += __builtin_ia32_pmuldq256(odd_lanes(x), odd_lanes(y));
        }
        if (c != NULL) {
            v8 x = load8(c->coefficients + j), y = load8(t->coefficients + j);
            even -= __builtin_ia32_pmuldq256(x, y);
            odd -= __builtin_ia32_pmuldq256(odd_lanes(x), odd_lanes(y));
        }
        store8(out->coefficients + j, join_high(reduce64(even), reduce64(odd)));
    }
}

/* mldsa_use_hint (Algorithm 40 over Decompose, mldsa65_internal.h) on every
 * coefficient, hints[j] nonzero for a hint. Decompose's division by
 * 2 gamma2 = 512 * 1023 of x < 2^24 is (x >> 9) * 16401 >> 24, exact for
 * every x this can see (the tests check all of them). */
void mldsa_use_hint_avx2(struct mldsa_poly *w, const uint8_t hints[MLDSA_N])
{
    for (unsigned j = 0; j < MLDSA_N; j += 8) {
        v8 value = load8(w->coefficients + j);
        v8b hint_bytes;
        __builtin_memcpy(&hint_bytes, hints + j, sizeof hint_bytes);
        v8 hint = __builtin_convertvector(hint_bytes, v8) != 0;
        v8 r = value - ((value + (1 << 22)) >> 23) * MLDSA_Q;
        r += (r < 0) & MLDSA_Q;
        v8 r1 = (v8)((((v8u)(r + MLDSA65_GAMMA2 - 1) >> 9) * 16401) >> 24);
        v8 r0 = r - r1 * (2 * MLDSA65_GAMMA2);
        v8 top = r1 > 15;
        v8 high = r1 & ~top, low = r0 + top;
        v8 step = ((low > 0) & 2) - 1; /* +1 when low > 0, else -1 */
        store8(w->coefficients + j, (high + (step & hint)) & 15);
    }
}

/* mldsa_unpack_z: eight 20-bit fields (20 bytes) a step. Field k starts at
 * bit 20k, in bytes 5k/2 to 5k/2 + 2: a byte shuffle puts those three in
 * lane k (bytes 0-15 feed lanes 0-3, bytes 4-19 lanes 4-7, so nothing past
 * the 20 bytes is read), a shift by 0 or 4 and a mask leave the field. */
void mldsa_unpack_z_avx2(struct mldsa_poly *z, const uint8_t in[MLDSA65_Z_POLY_BYTES])
{
    typedef uint8_t v16b __attribute__((vector_size(16)));
    typedef uint8_t v32b __attribute__((vector_size(32)));
    for (unsigned j = 0; j < MLDSA_N; j += 8) {
        v16b low, high;
        __builtin_memcpy(&low, in + 5 * j / 2, sizeof low);
        __builtin_memcpy(&high, in + 5 * j / 2 + 4, sizeof high);
        v32b fields = __builtin_shufflevector(low, high, 0, 1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 7, 7, 8,
                                              9, 9, 22, 23, 24, 24, 24, 25, 26, 26, 27, 28, 29,
                                              29, 29, 30, 31, 31);
        v8 value = (v8)((v8u)fields >> (v8u){ 0, 4, 0, 4, 0, 4, 0, 4 }) & 0xfffff;
        store8(z->coefficients + j, MLDSA65_GAMMA1 - value);
    }
}

/* NTT(t1 2^d)'s decoding (mldsa65.c): t1's 10-bit fields, eight (10 bytes)
 * a step, each shifted left by d. Field k is in bytes 5k/4 and 5k/4 + 1 at
 * bit 2 (k mod 4); bytes 0-15 feed lanes 0-3 and bytes 0-15 again lanes 4-7
 * (fields 4-7 are in bytes 5-9), so nothing past the 10 bytes but the
 * polynomial's own next bytes is read, and for the last step of the last
 * polynomial the load starts 6 bytes early instead. */
void mldsa_unpack_t1_shifted_avx2(struct mldsa_poly *t1, const uint8_t in[MLDSA65_T1_POLY_BYTES])
{
    typedef uint8_t v16b __attribute__((vector_size(16)));
    typedef uint8_t v32b __attribute__((vector_size(32)));
    for (unsigned j = 0; j < MLDSA_N - 8; j += 8) {
        v16b bytes;
        __builtin_memcpy(&bytes, in + 5 * j / 4, sizeof bytes);
        v32b fields = __builtin_shufflevector(bytes, bytes, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                              4, 4, 4, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9,
                                              9, 9);
        v8 value = (v8)((v8u)fields >> (v8u){ 0, 2, 4, 6, 0, 2, 4, 6 }) & 0x3ff;
        store8(t1->coefficients + j, value << MLDSA_D);
    }
    v16b bytes; /* the last 10 bytes are bytes 6-15 of the last 16 */
    __builtin_memcpy(&bytes, in + MLDSA65_T1_POLY_BYTES - 16, sizeof bytes);
    v32b fields = __builtin_shufflevector(bytes, bytes, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9, 10,
                                          10, 10, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14,
                                          14, 15, 15, 15);
    v8 value = (v8)((v8u)fields >> (v8u){ 0, 2, 4, 6, 0, 2, 4, 6 }) & 0x3ff;
    store8(t1->coefficients + MLDSA_N - 8, value << MLDSA_D);
}

/* mldsa_poly_exceeds: 1 when some |coefficient| >= bound, no branch. */
uint32_t mldsa_poly_exceeds_avx2(const struct mldsa_poly *poly, int32_t bound)
{
    v8 exceeds = broadcast(0);
    for (unsigned j = 0; j < MLDSA_N; j += 8) {
        v8 a = load8(poly->coefficients + j);
        v8 sign = a < 0; /* -1 or 0 per lane */
        exceeds |= ((a ^ sign) - sign) > bound - 1;
    }
    v8 folded = exceeds | __builtin_shufflevector(exceeds, exceeds, 4, 5, 6, 7, 0, 1, 2, 3);
    folded |= __builtin_shufflevector(folded, folded, 2, 3, 0, 1, 6, 7, 4, 5);
    folded |= __builtin_shufflevector(folded, folded, 1, 0, 3, 2, 5, 4, 7, 6);
    return (uint32_t)folded[0] & 1;
}

/* mldsa_sample_compress[m]: for an 8-bit mask m of accepted candidates,
 * byte k is the lane of the k-th accepted one (0 past the last), so that
 * vpermd packs them to the front in order; bits 3-6 of byte 0 hold how many
 * there are (vpermd reads only the low 3 bits of an index). The tests
 * recompute every entry. */
const uint64_t mldsa_sample_compress[256] = {
    0x0000000000000000, 0x0000000000000008, 0x0000000000000009, 0x0000000000000110,
    0x000000000000000a, 0x0000000000000210, 0x0000000000000211, 0x0000000000020118,
    0x000000000000000b, 0x0000000000000310, 0x0000000000000311, 0x0000000000030118,
    0x0000000000000312, 0x0000000000030218, 0x0000000000030219, 0x0000000003020120,
    0x000000000000000c, 0x0000000000000410, 0x0000000000000411, 0x0000000000040118,
    0x0000000000000412, 0x0000000000040218, 0x0000000000040219, 0x0000000004020120,
    0x0000000000000413, 0x0000000000040318, 0x0000000000040319, 0x0000000004030120,
    0x000000000004031a, 0x0000000004030220, 0x0000000004030221, 0x0000000403020128,
    0x000000000000000d, 0x0000000000000510, 0x0000000000000511, 0x0000000000050118,
    0x0000000000000512, 0x0000000000050218, 0x0000000000050219, 0x0000000005020120,
    0x0000000000000513, 0x0000000000050318, 0x0000000000050319, 0x0000000005030120,
    0x000000000005031a, 0x0000000005030220, 0x0000000005030221, 0x0000000503020128,
    0x0000000000000514, 0x0000000000050418, 0x0000000000050419, 0x0000000005040120,
    0x000000000005041a, 0x0000000005040220, 0x0000000005040221, 0x0000000504020128,
    0x000000000005041b, 0x0000000005040320, 0x0000000005040321, 0x0000000504030128,
    0x0000000005040322, 0x0000000504030228, 0x0000000504030229, 0x0000050403020130,
    0x000000000000000e, 0x0000000000000610, 0x0000000000000611, 0x0000000000060118,
    0x0000000000000612, 0x0000000000060218, 0x0000000000060219, 0x0000000006020120,
    0x0000000000000613, 0x0000000000060318, 0x0000000000060319, 0x0000000006030120,
    0x000000000006031a, 0x0000000006030220, 0x0000000006030221, 0x0000000603020128,
    0x0000000000000614, 0x0000000000060418, 0x0000000000060419, 0x0000000006040120,
    0x000000000006041a, 0x0000000006040220, 0x0000000006040221, 0x0000000604020128,
    0x000000000006041b, 0x0000000006040320, 0x0000000006040321, 0x0000000604030128,
    0x0000000006040322, 0x0000000604030228, 0x0000000604030229, 0x0000060403020130,
    0x0000000000000615, 0x0000000000060518, 0x0000000000060519, 0x0000000006050120,
    0x000000000006051a, 0x0000000006050220, 0x0000000006050221, 0x0000000605020128,
    0x000000000006051b, 0x0000000006050320, 0x0000000006050321, 0x0000000605030128,
    0x0000000006050322, 0x0000000605030228, 0x0000000605030229, 0x0000060503020130,
    0x000000000006051c, 0x0000000006050420, 0x0000000006050421, 0x0000000605040128,
    0x0000000006050422, 0x0000000605040228, 0x0000000605040229, 0x0000060504020130,
    0x0000000006050423, 0x0000000605040328, 0x0000000605040329, 0x0000060504030130,
    0x000000060504032a, 0x0000060504030230, 0x0000060504030231, 0x0006050403020138,
    0x000000000000000f, 0x0000000000000710, 0x0000000000000711, 0x0000000000070118,
    0x0000000000000712, 0x0000000000070218, 0x0000000000070219, 0x0000000007020120,
    0x0000000000000713, 0x0000000000070318, 0x0000000000070319, 0x0000000007030120,
    0x000000000007031a, 0x0000000007030220, 0x0000000007030221, 0x0000000703020128,
    0x0000000000000714, 0x0000000000070418, 0x0000000000070419, 0x0000000007040120,
    0x000000000007041a, 0x0000000007040220, 0x0000000007040221, 0x0000000704020128,
    0x000000000007041b, 0x0000000007040320, 0x0000000007040321, 0x0000000704030128,
    0x0000000007040322, 0x0000000704030228, 0x0000000704030229, 0x0000070403020130,
    0x0000000000000715, 0x0000000000070518, 0x0000000000070519, 0x0000000007050120,
    0x000000000007051a, 0x0000000007050220, 0x0000000007050221, 0x0000000705020128,
    0x000000000007051b, 0x0000000007050320, 0x0000000007050321, 0x0000000705030128,
    0x0000000007050322, 0x0000000705030228, 0x0000000705030229, 0x0000070503020130,
    0x000000000007051c, 0x0000000007050420, 0x0000000007050421, 0x0000000705040128,
    0x0000000007050422, 0x0000000705040228, 0x0000000705040229, 0x0000070504020130,
    0x0000000007050423, 0x0000000705040328, 0x0000000705040329, 0x0000070504030130,
    0x000000070504032a, 0x0000070504030230, 0x0000070504030231, 0x0007050403020138,
    0x0000000000000716, 0x0000000000070618, 0x0000000000070619, 0x0000000007060120,
    0x000000000007061a, 0x0000000007060220, 0x0000000007060221, 0x0000000706020128,
    0x000000000007061b, 0x0000000007060320, 0x0000000007060321, 0x0000000706030128,
    0x0000000007060322, 0x0000000706030228, 0x0000000706030229, 0x0000070603020130,
    0x000000000007061c, 0x0000000007060420, 0x0000000007060421, 0x0000000706040128,
    0x0000000007060422, 0x0000000706040228, 0x0000000706040229, 0x0000070604020130,
    0x0000000007060423, 0x0000000706040328, 0x0000000706040329, 0x0000070604030130,
    0x000000070604032a, 0x0000070604030230, 0x0000070604030231, 0x0007060403020138,
    0x000000000007061d, 0x0000000007060520, 0x0000000007060521, 0x0000000706050128,
    0x0000000007060522, 0x0000000706050228, 0x0000000706050229, 0x0000070605020130,
    0x0000000007060523, 0x0000000706050328, 0x0000000706050329, 0x0000070605030130,
    0x000000070605032a, 0x0000070605030230, 0x0000070605030231, 0x0007060503020138,
    0x0000000007060524, 0x0000000706050428, 0x0000000706050429, 0x0000070605040130,
    0x000000070605042a, 0x0000070605040230, 0x0000070605040231, 0x0007060504020138,
    0x000000070605042b, 0x0000070605040330, 0x0000070605040331, 0x0007060504030138,
    0x0000070605040332, 0x0007060504030238, 0x0007060504030239, 0x0706050403020140,
};

/* mldsa_sample_ntt_block (Algorithms 30 and 14 on one SHAKE128 block) with
 * eight candidates a step while eight more fit: the 24 bytes of a group go
 * into the eight 32-bit lanes (bytes 0-15 in the low half, 8-23 in the high
 * one, then one byte shuffle), candidates below q are packed to the front
 * and stored at once, the rest of the store being overwritten later or
 * lying past the count. The last groups, when fewer than eight places are
 * left, go the portable way. Same coefficients, in the same order. */
unsigned mldsa_sample_ntt_block_avx2(struct mldsa_poly *poly, unsigned count,
                                     const uint64_t lanes[SHAKE128_RATE / 8])
{
    typedef uint8_t v32b __attribute__((vector_size(32)));
    typedef uint8_t v16b __attribute__((vector_size(16)));
    typedef float v8f __attribute__((vector_size(32)));
    const uint8_t *bytes = (const uint8_t *)lanes;
    unsigned group = 0;
    for (; group < SHAKE128_RATE / 24 && count <= MLDSA_N - 8; group++) {
        v16b low, high;
        __builtin_memcpy(&low, bytes + 24 * group, sizeof low);
        __builtin_memcpy(&high, bytes + 24 * group + 8, sizeof high);
        v32b both = __builtin_shufflevector(low, high, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                            13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                                            26, 27, 28, 29, 30, 31);
        v32b spread = __builtin_shufflevector(both, both, 0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9,
                                              10, 11, 11, 20, 21, 22, 22, 23, 24, 25, 25, 26, 27,
                                              28, 28, 29, 30, 31, 31);
        v8 candidates = (v8)spread & 0x7fffff;
        v8 accepted = candidates < MLDSA_Q;
        unsigned mask = (unsigned)__builtin_ia32_movmskps256((v8f)accepted);
        uint64_t entry = mldsa_sample_compress[mask];
        v8b indices;
        __builtin_memcpy(&indices, &entry, sizeof indices);
        v8 packed = __builtin_ia32_permvarsi256(candidates, __builtin_convertvector(indices, v8));
        store8(poly->coefficients + count, packed);
        count += (unsigned)(entry & 0xff) >> 3;
    }
    return mldsa_sample_ntt_groups(poly, count, lanes, 3 * group);
}

#pragma clang attribute pop

#else
/* Not an x86_64 build: crypto_simd_avx2() is never true here. */
void mldsa_ntt_avx2(struct mldsa_poly *poly)
{
    mldsa_ntt_portable(poly);
}

void mldsa_inverse_ntt_avx2(struct mldsa_poly *poly)
{
    mldsa_inverse_ntt_portable(poly);
}

void mldsa_pointwise_avx2(struct mldsa_poly *out, const struct mldsa_poly *a,
                          const struct mldsa_poly *b)
{
    mldsa_pointwise_portable(out, a, b);
}

void mldsa_row_product_avx2(struct mldsa_poly *out, const struct mldsa_poly a[MLDSA65_L],
                            const struct mldsa_poly v[MLDSA65_L], const struct mldsa_poly *c,
                            const struct mldsa_poly *t)
{
    mldsa_row_product_portable(out, a, v, c, t);
}

void mldsa_use_hint_avx2(struct mldsa_poly *w, const uint8_t hints[MLDSA_N])
{
    mldsa_use_hint_portable(w, hints);
}

unsigned mldsa_sample_ntt_block_avx2(struct mldsa_poly *poly, unsigned count,
                                     const uint64_t lanes[SHAKE128_RATE / 8])
{
    return mldsa_sample_ntt_groups(poly, count, lanes, 0);
}

void mldsa_unpack_z_avx2(struct mldsa_poly *z, const uint8_t in[MLDSA65_Z_POLY_BYTES])
{
    mldsa_unpack_z_portable(z, in);
}

void mldsa_unpack_t1_shifted_avx2(struct mldsa_poly *t1, const uint8_t in[MLDSA65_T1_POLY_BYTES])
{
    mldsa_unpack_t1(t1, in);
    for (unsigned j = 0; j < MLDSA_N; j++)
        t1->coefficients[j] <<= MLDSA_D;
}

uint32_t mldsa_poly_exceeds_avx2(const struct mldsa_poly *poly, int32_t bound)
{
    return mldsa_poly_exceeds_portable(poly, bound);
}
#endif
