/* Arithmetic in the prime field GF(p), p = 2^255 - 19, shared by X25519 and
 * Ed25519.
 *
 * An element is five 51-bit limbs, value = sum limb[i] * 2^(51 i), products
 * formed with unsigned __int128. Elements are kept only partially reduced:
 * after field_mul, field_square, field_sub and field_carry every limb is below
 * 2^51 + 2^15; field_add does not carry, so its limbs may reach 2^53. Inputs
 * to field_mul and field_square may have limbs up to 2^54 (a sum of a few
 * reduced elements); every limb of the second input of field_sub at most
 * 2^53 - 76 (the smallest limb of the 4p it adds), which a sum of two
 * reduced elements (limbs below 2^52 + 2^19) meets. Only
 * field_to_bytes produces the unique (canonical) value below p.
 *
 * Every function runs in time independent of the values, so secrets may pass
 * through all of them (field_select and field_swap take a 0/1 flag, never a
 * branch). The hot functions are inline here: the curve code is made of them. */
#ifndef NONOS_CRYPTO_FIELD25519_H
#define NONOS_CRYPTO_FIELD25519_H

#include <stdbool.h>
#include <stdint.h>

#define FIELD_MASK51 ((UINT64_C(1) << 51) - 1)

struct field_element {
    uint64_t limb[5];
};

typedef unsigned __int128 field_wide;

static inline void field_zero(struct field_element *h)
{
    for (int i = 0; i < 5; i++)
        h->limb[i] = 0;
}

static inline void field_one(struct field_element *h)
{
    field_zero(h);
    h->limb[0] = 1;
}

/* h = f + g, without carrying. */
static inline void field_add(struct field_element *h, const struct field_element *f,
                             const struct field_element *g)
{
    for (int i = 0; i < 5; i++)
        h->limb[i] = f->limb[i] + g->limb[i];
}

/* Propagates carries so every limb is below 2^51 (limb 0 up to 2^51 + 2^18). */
static inline void field_carry(struct field_element *h)
{
    uint64_t c;
    c = h->limb[0] >> 51; h->limb[0] &= FIELD_MASK51; h->limb[1] += c;
    c = h->limb[1] >> 51; h->limb[1] &= FIELD_MASK51; h->limb[2] += c;
    c = h->limb[2] >> 51; h->limb[2] &= FIELD_MASK51; h->limb[3] += c;
    c = h->limb[3] >> 51; h->limb[3] &= FIELD_MASK51; h->limb[4] += c;
    c = h->limb[4] >> 51; h->limb[4] &= FIELD_MASK51; h->limb[0] += 19 * c;
}

/* h = f - g. Adding 4p first keeps every limb non-negative when each limb of
 * g is at most the matching limb of 4p: 2^53 - 76 for limb 0, 2^53 - 4 for
 * the others (so "limbs at most 2^53 - 76" is the bound to keep; a limb of
 * exactly 2^53 - 1, as "below 2^53" would allow, wraps around). */
static inline void field_sub(struct field_element *h, const struct field_element *f,
                             const struct field_element *g)
{
    const uint64_t four_p0 = 4 * (FIELD_MASK51 - 18), four_pi = 4 * FIELD_MASK51;
    h->limb[0] = f->limb[0] + four_p0 - g->limb[0];
    for (int i = 1; i < 5; i++)
        h->limb[i] = f->limb[i] + four_pi - g->limb[i];
    field_carry(h);
}

/* h = f - g without the carry, for f and g reduced (limbs below 2^51 + 2^15,
 * as field_mul and field_square leave them): h then has limbs below 2^54 and
 * may only feed field_mul, field_square or field_mul_small. The X25519
 * ladder, whose every subtraction is of that kind, saves the carries. */
static inline void field_sub_reduced(struct field_element *h, const struct field_element *f,
                                     const struct field_element *g)
{
    const uint64_t four_p0 = 4 * (FIELD_MASK51 - 18), four_pi = 4 * FIELD_MASK51;
    h->limb[0] = f->limb[0] + four_p0 - g->limb[0];
    for (int i = 1; i < 5; i++)
        h->limb[i] = f->limb[i] + four_pi - g->limb[i];
}

/* h = -f */
static inline void field_neg(struct field_element *h, const struct field_element *f)
{
    struct field_element zero;
    field_zero(&zero);
    field_sub(h, &zero, f);
}

/* Reduces five 128-bit column sums to limbs below 2^51 (limb 1 up to 2^51 + 2^15). */
static inline void field_reduce_wide(struct field_element *h, field_wide r0, field_wide r1,
                                     field_wide r2, field_wide r3, field_wide r4)
{
    r1 += (uint64_t)(r0 >> 51);
    r2 += (uint64_t)(r1 >> 51);
    r3 += (uint64_t)(r2 >> 51);
    r4 += (uint64_t)(r3 >> 51);
    /* 2^255 = 19 (mod p): the carry out of the top limb comes back times 19.
     * With input limbs below 2^54, r4 < 5 * 2^108 + 2^64, so 19 (r4 >> 51)
     * + 2^51 < 2^64: 64 bits suffice. */
    const uint64_t low = ((uint64_t)r0 & FIELD_MASK51) + 19 * (uint64_t)(r4 >> 51);
    h->limb[0] = low & FIELD_MASK51;
    h->limb[1] = ((uint64_t)r1 & FIELD_MASK51) + (low >> 51);
    h->limb[2] = (uint64_t)r2 & FIELD_MASK51;
    h->limb[3] = (uint64_t)r3 & FIELD_MASK51;
    h->limb[4] = (uint64_t)r4 & FIELD_MASK51;
}

/* h = f * g */
static inline void field_mul(struct field_element *h, const struct field_element *f,
                             const struct field_element *g)
{
    const uint64_t f0 = f->limb[0], f1 = f->limb[1], f2 = f->limb[2];
    const uint64_t f3 = f->limb[3], f4 = f->limb[4];
    const uint64_t g0 = g->limb[0], g1 = g->limb[1], g2 = g->limb[2];
    const uint64_t g3 = g->limb[3], g4 = g->limb[4];
    /* Limb products past 2^255 wrap around times 19. */
    const uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
    field_wide r0 = (field_wide)f0 * g0 + (field_wide)f1 * g4_19 + (field_wide)f2 * g3_19 +
                    (field_wide)f3 * g2_19 + (field_wide)f4 * g1_19;
    field_wide r1 = (field_wide)f0 * g1 + (field_wide)f1 * g0 + (field_wide)f2 * g4_19 +
                    (field_wide)f3 * g3_19 + (field_wide)f4 * g2_19;
    field_wide r2 = (field_wide)f0 * g2 + (field_wide)f1 * g1 + (field_wide)f2 * g0 +
                    (field_wide)f3 * g4_19 + (field_wide)f4 * g3_19;
    field_wide r3 = (field_wide)f0 * g3 + (field_wide)f1 * g2 + (field_wide)f2 * g1 +
                    (field_wide)f3 * g0 + (field_wide)f4 * g4_19;
    field_wide r4 = (field_wide)f0 * g4 + (field_wide)f1 * g3 + (field_wide)f2 * g2 +
                    (field_wide)f3 * g1 + (field_wide)f4 * g0;
    field_reduce_wide(h, r0, r1, r2, r3, r4);
}

/* h = f^2: field_mul with the symmetric products counted once, doubled. */
static inline void field_square(struct field_element *h, const struct field_element *f)
{
    const uint64_t f0 = f->limb[0], f1 = f->limb[1], f2 = f->limb[2];
    const uint64_t f3 = f->limb[3], f4 = f->limb[4];
    const uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1;
    const uint64_t f3_19 = 19 * f3, f4_19 = 19 * f4;
    field_wide r0 = (field_wide)f0 * f0 + (field_wide)f1_2 * f4_19 + (field_wide)(2 * f2) * f3_19;
    field_wide r1 = (field_wide)f0_2 * f1 + (field_wide)(2 * f2) * f4_19 + (field_wide)f3 * f3_19;
    field_wide r2 = (field_wide)f0_2 * f2 + (field_wide)f1 * f1 + (field_wide)(2 * f3) * f4_19;
    field_wide r3 = (field_wide)f0_2 * f3 + (field_wide)f1_2 * f2 + (field_wide)f4 * f4_19;
    field_wide r4 = (field_wide)f0_2 * f4 + (field_wide)f1_2 * f3 + (field_wide)f2 * f2;
    field_reduce_wide(h, r0, r1, r2, r3, r4);
}

/* h = f * n for a small constant n < 2^20 (121665 in the ladder). */
static inline void field_mul_small(struct field_element *h, const struct field_element *f,
                                   uint32_t n)
{
    field_reduce_wide(h, (field_wide)f->limb[0] * n, (field_wide)f->limb[1] * n,
                      (field_wide)f->limb[2] * n, (field_wide)f->limb[3] * n,
                      (field_wide)f->limb[4] * n);
}

/* h = g when flag is 1, unchanged when flag is 0, without branching. */
static inline void field_select(struct field_element *h, const struct field_element *g,
                                uint64_t flag)
{
    const uint64_t mask = 0 - flag;
    for (int i = 0; i < 5; i++)
        h->limb[i] ^= mask & (h->limb[i] ^ g->limb[i]);
}

/* Exchanges f and g when flag is 1, without branching. */
static inline void field_swap(struct field_element *f, struct field_element *g, uint64_t flag)
{
    const uint64_t mask = 0 - flag;
    for (int i = 0; i < 5; i++) {
        uint64_t t = mask & (f->limb[i] ^ g->limb[i]);
        f->limb[i] ^= t;
        g->limb[i] ^= t;
    }
}

/* Reads 32 little-endian bytes, ignoring the top bit (RFC 7748 §5, RFC 8032
 * §5.1.3). The value may be >= p; field_is_canonical tells. */
void field_from_bytes(struct field_element *h, const uint8_t bytes[32]);
/* Writes the canonical (fully reduced) value as 32 little-endian bytes. */
void field_to_bytes(uint8_t bytes[32], const struct field_element *f);
/* True when the 255-bit value in bytes (top bit ignored) is below p. */
bool field_is_canonical(const uint8_t bytes[32]);
/* h = f^(p-2) = 1/f (0 for f = 0). */
void field_invert(struct field_element *h, const struct field_element *f);
/* h = f^((p-5)/8), the core of the square root in Ed25519 point decoding. */
void field_pow22523(struct field_element *h, const struct field_element *f);
/* h = f^(2^n), n >= 1 */
void field_square_times(struct field_element *h, const struct field_element *f, int n);
/* 1 when f = 0 (mod p), else 0. */
uint64_t field_is_zero(const struct field_element *f);
/* The low bit of the canonical value ("negative" in RFC 8032). */
uint64_t field_is_negative(const struct field_element *f);

#endif
