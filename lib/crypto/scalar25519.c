/* Arithmetic modulo L (see scalar25519.h) with 64-bit words and Barrett
 * reduction (Handbook of Applied Cryptography, algorithm 14.42, with base
 * b = 2^64 and k = 4 words): every step is a fixed sequence of multiplications,
 * additions and masked selections, whatever the values. */
#include "crypto/scalar25519.h"

#include "base/endian.h"
#include "crypto/crypto.h"

typedef unsigned __int128 scalar_wide;

/* L, little-endian words; the fifth word keeps 320-bit arithmetic simple. */
static const uint64_t group_order[5] = { 0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL, 0,
                                         0x1000000000000000ULL, 0 };
/* floor(2^512 / L), 261 bits */
static const uint64_t barrett_mu[5] = { 0xed9ce5a30a2c131bULL, 0x2106215d086329a7ULL,
                                        0xffffffffffffffebULL, 0xffffffffffffffffULL, 0xf };

/* out[0 .. na+nb) = a * b */
static void words_mul(uint64_t *out, const uint64_t *a, int na, const uint64_t *b, int nb)
{
    for (int i = 0; i < na + nb; i++)
        out[i] = 0;
    for (int i = 0; i < na; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < nb; j++) {
            scalar_wide t = (scalar_wide)a[i] * b[j] + out[i + j] + carry;
            out[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        out[i + nb] = carry;
    }
}

/* r -= L when r >= L (five words), by computing r - L and keeping it under a
 * mask made from the final borrow. */
static void subtract_order_if_above(uint64_t r[5])
{
    uint64_t difference[5], borrow = 0;
    for (int i = 0; i < 5; i++) {
        scalar_wide t = (scalar_wide)r[i] - group_order[i] - borrow;
        difference[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    const uint64_t keep_difference = borrow - 1; /* all ones when r >= L */
    for (int i = 0; i < 5; i++)
        r[i] ^= keep_difference & (r[i] ^ difference[i]);
}

/* out = x mod L for x < 2^512 in eight words. */
static void barrett_reduce(uint8_t out[32], const uint64_t x[8])
{
    uint64_t q2[10], r2[9], r[5];
    words_mul(q2, x + 3, 5, barrett_mu, 5);   /* q1 = x / b^3, q2 = q1 mu */
    words_mul(r2, q2 + 5, 5, group_order, 4); /* q3 = q2 / b^5 <= x / L; q3 L */
    uint64_t borrow = 0;
    for (int i = 0; i < 5; i++) { /* r = x - q3 L modulo b^5, below 3L */
        scalar_wide t = (scalar_wide)x[i] - r2[i] - borrow;
        r[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    subtract_order_if_above(r);
    subtract_order_if_above(r);
    for (int i = 0; i < 4; i++)
        store64_le(out + 8 * i, r[i]);
    crypto_wipe(q2, sizeof q2);
    crypto_wipe(r2, sizeof r2);
    crypto_wipe(r, sizeof r);
}

void scalar_reduce(uint8_t out[32], const uint8_t in[64])
{
    uint64_t x[8];
    for (int i = 0; i < 8; i++)
        x[i] = load64_le(in + 8 * i);
    barrett_reduce(out, x);
    crypto_wipe(x, sizeof x);
}

void scalar_muladd(uint8_t out[32], const uint8_t a[32], const uint8_t b[32],
                   const uint8_t c[32])
{
    uint64_t aw[4], bw[4], x[8];
    for (int i = 0; i < 4; i++) {
        aw[i] = load64_le(a + 8 * i);
        bw[i] = load64_le(b + 8 * i);
    }
    words_mul(x, aw, 4, bw, 4);
    uint64_t carry = 0;
    for (int i = 0; i < 8; i++) {
        scalar_wide t = (scalar_wide)x[i] + (i < 4 ? load64_le(c + 8 * i) : 0) + carry;
        x[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    barrett_reduce(out, x);
    crypto_wipe(aw, sizeof aw);
    crypto_wipe(bw, sizeof bw);
    crypto_wipe(x, sizeof x);
}

bool scalar_is_canonical(const uint8_t s[32])
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        scalar_wide t = (scalar_wide)load64_le(s + 8 * i) - group_order[i] - borrow;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    return borrow == 1; /* s - L went negative */
}
