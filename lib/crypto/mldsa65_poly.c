/* ML-DSA-65 polynomial arithmetic and sampling (FIPS 204 sections 7.3-7.5
 * and Appendix B).
 *
 * Arithmetic mod q uses Montgomery reduction with R = 2^32: the NTT constants
 * are stored times R, so a product reduced by mldsa_montgomery_reduce comes
 * out in the normal domain. Bounds are stated per function in
 * mldsa65_internal.h. Everything except the sampling loops runs in time
 * independent of the coefficient values; the sampling loops branch only on
 * whether a candidate is accepted, which FIPS 204's implementation notes allow (the
 * rejected candidates are independent of the accepted ones), and that
 * decision is declared public for the constant-time test. */
#include "crypto/mldsa65_internal.h"

#include "crypto/crypto.h"
#include "crypto/keccak_x4.h"


/* mldsa_zetas[k] = 1753^BitRev8(k) * 2^32 mod q, centred (FIPS 204
 * Appendix B lists the plain powers; tests/crypto/mldsa_test.c recomputes
 * this table). */
const int32_t mldsa_zetas[MLDSA_N] = {
    -4186625, 25847, -2608894, -518909, 237124, -777960, -876248, 466468,
    1826347, 2353451, -359251, -2091905, 3119733, -2884855, 3111497, 2680103,
    2725464, 1024112, -1079900, 3585928, -549488, -1119584, 2619752, -2108549,
    -2118186, -3859737, -1399561, -3277672, 1757237, -19422, 4010497, 280005,
    2706023, 95776, 3077325, 3530437, -1661693, -3592148, -2537516, 3915439,
    -3861115, -3043716, 3574422, -2867647, 3539968, -300467, 2348700, -539299,
    -1699267, -1643818, 3505694, -3821735, 3507263, -2140649, -1600420, 3699596,
    811944, 531354, 954230, 3881043, 3900724, -2556880, 2071892, -2797779,
    -3930395, -1528703, -3677745, -3041255, -1452451, 3475950, 2176455, -1585221,
    -1257611, 1939314, -4083598, -1000202, -3190144, -3157330, -3632928, 126922,
    3412210, -983419, 2147896, 2715295, -2967645, -3693493, -411027, -2477047,
    -671102, -1228525, -22981, -1308169, -381987, 1349076, 1852771, -1430430,
    -3343383, 264944, 508951, 3097992, 44288, -1100098, 904516, 3958618,
    -3724342, -8578, 1653064, -3249728, 2389356, -210977, 759969, -1316856,
    189548, -3553272, 3159746, -1851402, -2409325, -177440, 1315589, 1341330,
    1285669, -1584928, -812732, -1439742, -3019102, -3881060, -3628969, 3839961,
    2091667, 3407706, 2316500, 3817976, -3342478, 2244091, -2446433, -3562462,
    266997, 2434439, -1235728, 3513181, -3520352, -3759364, -1197226, -3193378,
    900702, 1859098, 909542, 819034, 495491, -1613174, -43260, -522500,
    -655327, -3122442, 2031748, 3207046, -3556995, -525098, -768622, -3595838,
    342297, 286988, -2437823, 4108315, 3437287, -3342277, 1735879, 203044,
    2842341, 2691481, -2590150, 1265009, 4055324, 1247620, 2486353, 1595974,
    -3767016, 1250494, 2635921, -3548272, -2994039, 1869119, 1903435, -1050970,
    -1333058, 1237275, -3318210, -1430225, -451100, 1312455, 3306115, -1962642,
    -1279661, 1917081, -2546312, -1374803, 1500165, 777191, 2235880, 3406031,
    -542412, -2831860, -1671176, -1846953, -2584293, -3724270, 594136, -3776993,
    -2013608, 2432395, 2454455, -164721, 1957272, 3369112, 185531, -1207385,
    -3183426, 162844, 1616392, 3014001, 810149, 1652634, -3694233, -1799107,
    -3038916, 3523897, 3866901, 269760, 2213111, -975884, 1717735, 472078,
    -426683, 1723600, -1803090, 1910376, -1667432, -1104333, -260646, -3833893,
    -2939036, -2235985, -420899, -2286327, 183443, -976891, 1612842, -3545687,
    -554416, 3919660, -48306, -1362209, 3937738, 1400424, -846154, 1976782,
};




/* Algorithm 41's butterfly: (a, b) = (a + zeta b, a - zeta b). */
static inline void mldsa_butterfly(int32_t *a, int32_t *b, int64_t zeta)
{
    int32_t t = mldsa_montgomery_reduce(zeta * *b);
    *b = *a - t;
    *a = *a + t;
}

/* Algorithm 41, two layers per pass: layer len pairs w[j] with w[j + len],
 * and the next layer (len / 2) the halves of each of its blocks, so four
 * coefficients go through two butterflies each between one load and one
 * store (the layers' zetas: block b of layer len uses mldsa_zetas[128 / len
 * + b]). The butterflies add at most one q-bound per layer, so eight layers
 * on inputs below q stay below 9q. */
void mldsa_ntt_portable(struct mldsa_poly *poly)
{
    int32_t *w = poly->coefficients;
    for (unsigned len = 128; len >= 2; len >>= 2) {
        unsigned half = len / 2;
        for (unsigned block = 0; block < MLDSA_N / (2 * len); block++) {
            int64_t outer = mldsa_zetas[MLDSA_N / 2 / len + block];
            int64_t low = mldsa_zetas[MLDSA_N / len + 2 * block];
            int64_t high = mldsa_zetas[MLDSA_N / len + 2 * block + 1];
            for (unsigned j = 2 * len * block; j < 2 * len * block + half; j++) {
                int32_t a0 = w[j], a1 = w[j + half], a2 = w[j + len], a3 = w[j + len + half];
                mldsa_butterfly(&a0, &a2, outer);
                mldsa_butterfly(&a1, &a3, outer);
                mldsa_butterfly(&a0, &a1, low);
                mldsa_butterfly(&a2, &a3, high);
                w[j] = a0;
                w[j + half] = a1;
                w[j + len] = a2;
                w[j + len + half] = a3;
            }
        }
    }
}

/* Algorithm 42's butterfly with zeta already negated: (a, b) = (a + b,
 * zeta (a - b)). */
static inline void mldsa_inverse_butterfly(int32_t *a, int32_t *b, int64_t zeta)
{
    int32_t t = *a;
    *a = t + *b;
    *b = mldsa_montgomery_reduce(zeta * (t - *b));
}

/* Algorithm 42, two layers per pass like mldsa_ntt (block b of layer len
 * uses -mldsa_zetas[256 / len - 1 - b]), with the final division by 256
 * folded into the last layer: there w_j = f (t + u) and w_{j+128} = f
 * zeta_1' (t - u), with f and f zeta_1' as Montgomery constants. The sums
 * double per layer: inputs below q stay below 256q < 2^31. */
void mldsa_inverse_ntt_portable(struct mldsa_poly *poly)
{
    int32_t *w = poly->coefficients;
    for (unsigned len = 1; len < MLDSA_N / 4; len <<= 2) {
        for (unsigned block = 0; block < MLDSA_N / (4 * len); block++) {
            int64_t low = -mldsa_zetas[MLDSA_N / len - 1 - 2 * block];
            int64_t high = -mldsa_zetas[MLDSA_N / len - 2 - 2 * block];
            int64_t outer = -mldsa_zetas[MLDSA_N / 2 / len - 1 - block];
            for (unsigned j = 4 * len * block; j < 4 * len * block + len; j++) {
                int32_t a0 = w[j], a1 = w[j + len], a2 = w[j + 2 * len], a3 = w[j + 3 * len];
                mldsa_inverse_butterfly(&a0, &a1, low);
                mldsa_inverse_butterfly(&a2, &a3, high);
                mldsa_inverse_butterfly(&a0, &a2, outer);
                mldsa_inverse_butterfly(&a1, &a3, outer);
                w[j] = a0;
                w[j + len] = a1;
                w[j + 2 * len] = a2;
                w[j + 3 * len] = a3;
            }
        }
    }
    /* Layer 64 (zetas 3 and 2), then the last layer with the scaling. */
    for (unsigned j = 0; j < MLDSA_N / 4; j++) {
        int32_t a0 = w[j], a1 = w[j + 64], a2 = w[j + 128], a3 = w[j + 192];
        mldsa_inverse_butterfly(&a0, &a1, -mldsa_zetas[3]);
        mldsa_inverse_butterfly(&a2, &a3, -mldsa_zetas[2]);
        w[j] = mldsa_montgomery_reduce((int64_t)MLDSA_INVERSE_NTT_FACTOR * (a0 + a2));
        w[j + 128] = mldsa_montgomery_reduce((int64_t)MLDSA_INVERSE_NTT_LAST_FACTOR * (a0 - a2));
        w[j + 64] = mldsa_montgomery_reduce((int64_t)MLDSA_INVERSE_NTT_FACTOR * (a1 + a3));
        w[j + 192] = mldsa_montgomery_reduce((int64_t)MLDSA_INVERSE_NTT_LAST_FACTOR * (a1 - a3));
    }
}

void mldsa_pointwise_portable(struct mldsa_poly *out, const struct mldsa_poly *a,
                              const struct mldsa_poly *b)
{
    for (unsigned j = 0; j < MLDSA_N; j++)
        out->coefficients[j] =
            mldsa_montgomery_reduce((int64_t)a->coefficients[j] * b->coefficients[j]);
}

/* Coefficient by coefficient, so that the 64-bit sum stays in a register. */
static inline int64_t mldsa_column_sum(const struct mldsa_poly a[MLDSA65_L],
                                       const struct mldsa_poly v[MLDSA65_L], unsigned j)
{
    int64_t sum = 0;
    for (unsigned column = 0; column < MLDSA65_L; column++)
        sum += (int64_t)a[column].coefficients[j] * v[column].coefficients[j];
    return sum;
}

void mldsa_row_product_portable(struct mldsa_poly *out, const struct mldsa_poly a[MLDSA65_L],
                                const struct mldsa_poly v[MLDSA65_L],
                                const struct mldsa_poly *c, const struct mldsa_poly *t)
{
    if (c == NULL) {
        for (unsigned j = 0; j < MLDSA_N; j++)
            out->coefficients[j] = mldsa_montgomery_reduce(mldsa_column_sum(a, v, j));
        return;
    }
    for (unsigned j = 0; j < MLDSA_N; j++)
        out->coefficients[j] = mldsa_montgomery_reduce(
            mldsa_column_sum(a, v, j) - (int64_t)c->coefficients[j] * t->coefficients[j]);
}

void mldsa_use_hint_portable(struct mldsa_poly *w, const uint8_t hints[MLDSA_N])
{
    for (unsigned j = 0; j < MLDSA_N; j++)
        w->coefficients[j] = mldsa_use_hint(w->coefficients[j], hints[j] != 0);
}

/* The run-time choice of mldsa65_internal.h. */
void mldsa_ntt(struct mldsa_poly *poly)
{
    if (crypto_simd_avx2())
        mldsa_ntt_avx2(poly);
    else
        mldsa_ntt_portable(poly);
}

void mldsa_inverse_ntt(struct mldsa_poly *poly)
{
    if (crypto_simd_avx2())
        mldsa_inverse_ntt_avx2(poly);
    else
        mldsa_inverse_ntt_portable(poly);
}

void mldsa_pointwise(struct mldsa_poly *out, const struct mldsa_poly *a,
                     const struct mldsa_poly *b)
{
    if (crypto_simd_avx2())
        mldsa_pointwise_avx2(out, a, b);
    else
        mldsa_pointwise_portable(out, a, b);
}

void mldsa_row_product(struct mldsa_poly *out, const struct mldsa_poly a[MLDSA65_L],
                       const struct mldsa_poly v[MLDSA65_L], const struct mldsa_poly *c,
                       const struct mldsa_poly *t)
{
    if (crypto_simd_avx2())
        mldsa_row_product_avx2(out, a, v, c, t);
    else
        mldsa_row_product_portable(out, a, v, c, t);
}

void mldsa_use_hint_poly(struct mldsa_poly *w, const uint8_t hints[MLDSA_N])
{
    if (crypto_simd_avx2())
        mldsa_use_hint_avx2(w, hints);
    else
        mldsa_use_hint_portable(w, hints);
}

/* Algorithm 35: value = high * 2^d + low with low in (-2^12, 2^12]. */
void mldsa_power2round(int32_t *high, int32_t *low, int32_t value)
{
    int32_t r = mldsa_freeze(value);
    *high = (r + (1 << (MLDSA_D - 1)) - 1) >> MLDSA_D;
    *low = r - (*high << MLDSA_D);
}



uint32_t mldsa_poly_exceeds(const struct mldsa_poly *poly, int32_t bound)
{
    if (crypto_simd_avx2())
        return mldsa_poly_exceeds_avx2(poly, bound);
    return mldsa_poly_exceeds_portable(poly, bound);
}

uint32_t mldsa_poly_exceeds_portable(const struct mldsa_poly *poly, int32_t bound)
{
    uint32_t exceeds = 0;
    for (unsigned j = 0; j < MLDSA_N; j++) {
        int32_t a = poly->coefficients[j];
        int32_t sign = mldsa_sign_mask(a);
        int32_t magnitude = (a ^ sign) - sign;
        exceeds |= (uint32_t)(bound - 1 - magnitude) >> 31;
    }
    return exceeds;
}

/* Algorithms 30 (RejNTTPoly) and 14 (CoeffFromThreeBytes): coefficient
 * candidates are 23-bit little-endian numbers from SHAKE128(rho || s || r);
 * those >= q are skipped. The matrix is public. A block of 168 bytes is 7
 * groups of three lanes, each holding 8 candidates of 3 bytes, read from the
 * lanes in place. Returns the new count of coefficients (count on entry). */
unsigned mldsa_sample_ntt_groups(struct mldsa_poly *poly, unsigned count, const uint64_t *lanes,
                                 unsigned first_lane)
{
    for (unsigned g = first_lane; g < SHAKE128_RATE / 8 && count < MLDSA_N; g += 3) {
        uint64_t l0 = lanes[g], l1 = lanes[g + 1], l2 = lanes[g + 2];
        uint32_t candidates[8] = {
            (uint32_t)l0, (uint32_t)(l0 >> 24), (uint32_t)(l0 >> 48 | l1 << 16),
            (uint32_t)(l1 >> 8), (uint32_t)(l1 >> 32), (uint32_t)(l1 >> 56 | l2 << 8),
            (uint32_t)(l2 >> 16), (uint32_t)(l2 >> 40),
        };
        if (count <= MLDSA_N - 8) {
            /* Room for all eight: store each, keep those below q. */
            for (unsigned k = 0; k < 8; k++) {
                uint32_t candidate = candidates[k] & 0x7fffff;
                poly->coefficients[count] = (int32_t)candidate;
                count += candidate < MLDSA_Q;
            }
            continue;
        }
        for (unsigned k = 0; k < 8 && count < MLDSA_N; k++) {
            uint32_t candidate = candidates[k] & 0x7fffff;
            if (candidate < MLDSA_Q)
                poly->coefficients[count++] = (int32_t)candidate;
        }
    }
    return count;
}

static unsigned mldsa_sample_ntt_block(struct mldsa_poly *poly, unsigned count,
                                       const uint64_t *lanes)
{
    return mldsa_sample_ntt_groups(poly, count, lanes, 0);
}

static void mldsa_sample_ntt_seed(uint8_t seed[34], const uint8_t rho[32], uint8_t column,
                                  uint8_t row)
{
    for (unsigned i = 0; i < 32; i++)
        seed[i] = rho[i];
    seed[32] = column;
    seed[33] = row;
}

void mldsa_sample_ntt(struct mldsa_poly *poly, const uint8_t rho[32], uint8_t column,
                      uint8_t row)
{
    uint8_t seed[34];
    struct shake_state state;
    mldsa_sample_ntt_seed(seed, rho, column, row);
    shake128_init(&state);
    shake_absorb(&state, seed, sizeof seed);
    shake_finalize(&state);
    unsigned count = 0;
    while (count < MLDSA_N)
        count = mldsa_sample_ntt_block(poly, count, shake_squeeze_block(&state));
}

/* Four entries at once over four SHAKE128 streams (keccak_x4.h); squeezes
 * until all four are full, the entries already full skipping the blocks. */
void mldsa_sample_ntt_x4(struct mldsa_poly *const polys[4], const uint8_t rho[32],
                         const uint8_t columns[4], const uint8_t rows[4])
{
    uint8_t seeds[4][34];
    const uint8_t *const inputs[4] = { seeds[0], seeds[1], seeds[2], seeds[3] };
    struct keccak_x4 state;
    uint64_t blocks[4][SHAKE128_RATE / 8];
    unsigned counts[4] = { 0, 0, 0, 0 };
    for (unsigned j = 0; j < 4; j++)
        mldsa_sample_ntt_seed(seeds[j], rho, columns[j], rows[j]);
    shake128_x4_absorb(&state, inputs, sizeof seeds[0]);
    while (counts[0] < MLDSA_N || counts[1] < MLDSA_N || counts[2] < MLDSA_N ||
           counts[3] < MLDSA_N) {
        shake128_x4_squeeze_block(&state, blocks);
        for (unsigned j = 0; j < 4; j++)
            if (counts[j] < MLDSA_N)
                counts[j] = crypto_simd_avx2()
                                ? mldsa_sample_ntt_block_avx2(polys[j], counts[j], blocks[j])
                                : mldsa_sample_ntt_block(polys[j], counts[j], blocks[j]);
    }
}

/* Algorithms 31 (RejBoundedPoly) and 15 (CoeffFromHalfByte, eta = 4): each
 * half byte b < 9 of SHAKE256(rho' || nonce) gives the coefficient 4 - b.
 * The secret half bytes take part only in arithmetic; the branch is on the
 * public-by-FIPS-204 acceptance bit alone. */
void mldsa_sample_eta(struct mldsa_poly *poly, const uint8_t rho_prime[64], uint16_t nonce)
{
    uint8_t seed[66], block[SHAKE256_RATE];
    struct shake_state state;
    for (unsigned i = 0; i < 64; i++)
        seed[i] = rho_prime[i];
    seed[64] = (uint8_t)nonce;
    seed[65] = (uint8_t)(nonce >> 8);
    shake256_init(&state);
    shake_absorb(&state, seed, sizeof seed);
    shake_finalize(&state);
    unsigned count = 0;
    while (count < MLDSA_N) {
        shake_squeeze(&state, block, sizeof block);
        for (unsigned i = 0; i < 2 * sizeof block && count < MLDSA_N; i++) {
            uint32_t half = (uint32_t)(block[i / 2] >> (4 * (i % 2))) & 15;
            uint32_t accept = (half - 9) >> 31;
            MLDSA_DECLASSIFY(&accept, sizeof accept);
            if (accept)
                poly->coefficients[count++] = 4 - (int32_t)half;
        }
    }
    crypto_wipe(block, sizeof block);
    crypto_wipe(seed, sizeof seed);
    crypto_wipe(&state, sizeof state);
}

/* Algorithm 34 (ExpandMask), one polynomial: BitUnpack of 640 bytes of
 * SHAKE256(rho'' || nonce) with a = gamma1 - 1, b = gamma1. */
void mldsa_sample_mask(struct mldsa_poly *poly, const uint8_t rho_double_prime[64],
                       uint16_t nonce)
{
    uint8_t seed[66], bytes[MLDSA65_Z_POLY_BYTES];
    for (unsigned i = 0; i < 64; i++)
        seed[i] = rho_double_prime[i];
    seed[64] = (uint8_t)nonce;
    seed[65] = (uint8_t)(nonce >> 8);
    shake256(bytes, sizeof bytes, seed, sizeof seed);
    mldsa_unpack_z(poly, bytes);
    crypto_wipe(bytes, sizeof bytes);
    crypto_wipe(seed, sizeof seed);
}

/* Algorithm 29: tau coefficients +-1 placed by a Fisher-Yates style shuffle
 * driven by SHAKE256(c tilde). For verification, where c tilde is public. */
void mldsa_sample_in_ball(struct mldsa_poly *poly, const uint8_t c_tilde[MLDSA65_LAMBDA_BYTES])
{
    uint8_t block[SHAKE256_RATE];
    struct shake_state state;
    shake256_init(&state);
    shake_absorb(&state, c_tilde, MLDSA65_LAMBDA_BYTES);
    shake_finalize(&state);
    shake_squeeze(&state, block, sizeof block);
    uint64_t signs = 0;
    for (unsigned i = 0; i < 8; i++)
        signs |= (uint64_t)block[i] << (8 * i);
    for (unsigned j = 0; j < MLDSA_N; j++)
        poly->coefficients[j] = 0;
    unsigned position = 8;
    for (unsigned i = MLDSA_N - MLDSA65_TAU; i < MLDSA_N; i++) {
        unsigned j;
        do {
            if (position == sizeof block) {
                shake_squeeze(&state, block, sizeof block);
                position = 0;
            }
            j = block[position++];
        } while (j > i);
        poly->coefficients[i] = poly->coefficients[j];
        poly->coefficients[j] = 1 - 2 * (int32_t)(signs & 1);
        signs >>= 1;
    }
}

/* 0xffffffff when a < b (both below 2^31), else 0. */
static uint32_t mldsa_less_mask(uint32_t a, uint32_t b)
{
    return 0u - ((a - b) >> 31);
}

/* Finds, among the candidate bytes first..end-1 at or after index
 * *position, the first one <= bound, without a branch or an index that
 * depends on the bytes: every candidate of the range is looked at (two
 * passes without a loop-carried dependence, which the compiler vectorizes:
 * the smallest eligible index, then the byte there). Returns it and advances
 * *position past it; sets *found to 0 (and returns 0) when there is none. */
static uint32_t mldsa_next_index(const uint8_t *candidates, unsigned first, unsigned end,
                                 uint32_t *position, uint32_t bound, uint32_t *found)
{
    const uint32_t none = 0xffff;
    uint32_t smallest = none, index = 0;
    for (uint32_t k = first; k < end; k++) {
        uint32_t eligible = ~mldsa_less_mask(k, *position) &
                            mldsa_less_mask(candidates[k], bound + 1);
        uint32_t candidate = (k & eligible) | (none & ~eligible);
        uint32_t smaller = mldsa_less_mask(candidate, smallest);
        smallest = (candidate & smaller) | (smallest & ~smaller);
    }
    for (uint32_t k = first; k < end; k++)
        index |= candidates[k] & mldsa_less_mask(k ^ smallest, 1);
    *found = mldsa_less_mask(smallest, none) & 1;
    *position = (smallest + 1) & (0u - *found);
    return index;
}

/* Algorithm 29 for signing, where c tilde stays secret until the iteration
 * is accepted: the same result as mldsa_sample_in_ball, but a fixed number
 * of SHAKE256 bytes is read (8 sign bytes, then candidates), and each step
 * looks at a fixed window of candidates and at every coefficient. Step t
 * (t = 0..48) has consumed at least t candidates, and at most t + 96 unless
 * more than 96 candidates are rejected in all, a chance below 2^-170 (each
 * is accepted with probability at least 208/256); so step t looks at
 * candidates t..t+96. Only in that unlikely case is the failure declared
 * public and the work redone by mldsa_sample_in_ball. */
#ifndef MLDSA_BALL_WINDOW /* the tests build a small window to reach the fallback */
#define MLDSA_BALL_WINDOW 97
#endif
void mldsa_sample_in_ball_secret(struct mldsa_poly *poly,
                                 const uint8_t c_tilde[MLDSA65_LAMBDA_BYTES])
{
    uint8_t bytes[8 + MLDSA65_TAU - 1 + MLDSA_BALL_WINDOW];
    const uint8_t *candidates = bytes + 8;
    uint8_t ball[MLDSA_N] = {0}; /* coefficients as bytes: 0, 1 or 0xff (-1) */
    uint32_t position = 0, all_found = 1;
    uint64_t signs = 0;
    shake256(bytes, sizeof bytes, c_tilde, MLDSA65_LAMBDA_BYTES);
    for (unsigned i = 0; i < 8; i++)
        signs |= (uint64_t)bytes[i] << (8 * i);
    for (uint32_t i = MLDSA_N - MLDSA65_TAU; i < MLDSA_N; i++) {
        uint32_t found, step = i - (MLDSA_N - MLDSA65_TAU);
        uint32_t j = mldsa_next_index(candidates, step, step + MLDSA_BALL_WINDOW, &position, i,
                                      &found);
        uint8_t moved = 0, sign = (uint8_t)(1 | (0u - (uint32_t)(signs & 1)));
        all_found &= found;
        signs >>= 1;
        /* j <= i and ball[p] = 0 for p > i, so positions 0..i suffice. */
        for (uint32_t p = 0; p <= i; p++) /* moved = ball[j] */
            moved |= ball[p] & (uint8_t)mldsa_less_mask(p ^ j, 1);
        /* ball[i] = ball[j], then ball[j] = sign (so ball[i] = sign when j = i). */
        for (uint32_t p = 0; p < i; p++) {
            uint8_t at_j = (uint8_t)mldsa_less_mask(p ^ j, 1);
            ball[p] = (uint8_t)((ball[p] & ~at_j) | (sign & at_j));
        }
        uint8_t i_is_j = (uint8_t)mldsa_less_mask(i ^ j, 1);
        ball[i] = (uint8_t)((moved & ~i_is_j) | (sign & i_is_j));
    }
    for (unsigned p = 0; p < MLDSA_N; p++)
        poly->coefficients[p] = (int32_t)(int8_t)ball[p];
    MLDSA_DECLASSIFY(&all_found, sizeof all_found);
    if (!all_found)
        mldsa_sample_in_ball(poly, c_tilde);
    crypto_wipe(bytes, sizeof bytes);
}
