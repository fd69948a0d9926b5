/* Group law, encoding and decoding on edwards25519 (see edwards25519.h).
 * The constants were computed from their definitions in RFC 8032 §5.1; the
 * curve tests recompute each of them (d * 121666 = -121665, sqrt(-1)^2 = -1,
 * the base point decodes from its RFC encoding). */
#include "crypto/edwards25519.h"

/* d = -121665 / 121666 */
const struct field_element edwards_d = { { 0x34dca135978a3ULL, 0x1a8283b156ebdULL,
                                           0x5e7a26001c029ULL, 0x739c663a03cbbULL,
                                           0x52036cee2b6ffULL } };
const struct field_element edwards_d2 = { { 0x69b9426b2f159ULL, 0x35050762add7aULL,
                                            0x3cf44c0038052ULL, 0x6738cc7407977ULL,
                                            0x2406d9dc56dffULL } };
/* 2^((p-1)/4), a square root of -1 */
const struct field_element field_sqrt_minus_one = { { 0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL,
                                                      0x7ef5e9cbd0c60ULL, 0x78595a6804c9eULL,
                                                      0x2b8324804fc1dULL } };
/* B = (x, 4/5) with x even */
const struct edwards_point edwards_base_point = {
    .x = { { 0x62d608f25d51aULL, 0x412a4b4f6592aULL, 0x75b7171a4b31dULL, 0x1ff60527118feULL,
             0x216936d3cd6e5ULL } },
    .y = { { 0x6666666666658ULL, 0x4ccccccccccccULL, 0x1999999999999ULL, 0x3333333333333ULL,
             0x6666666666666ULL } },
    .z = { { 1, 0, 0, 0, 0 } },
    .t = { { 0x68ab3a5b7dda3ULL, 0x00eea2a5eadbbULL, 0x2af8df483c27eULL, 0x332b375274732ULL,
             0x67875f0fd78b7ULL } },
};

void edwards_identity(struct edwards_point *p)
{
    field_zero(&p->x);
    field_one(&p->y);
    field_one(&p->z);
    field_zero(&p->t);
}

void edwards_precomputed_identity(struct edwards_precomputed *p)
{
    field_one(&p->y_plus_x);
    field_one(&p->y_minus_x);
    field_zero(&p->xy2d);
}

void edwards_to_extended(struct edwards_point *r, const struct edwards_completed *c)
{
    field_mul(&r->x, &c->e, &c->f);
    field_mul(&r->y, &c->g, &c->h);
    field_mul(&r->z, &c->f, &c->g);
    field_mul(&r->t, &c->e, &c->h);
}

void edwards_to_projective(struct edwards_projective *r, const struct edwards_completed *c)
{
    field_mul(&r->x, &c->e, &c->f);
    field_mul(&r->y, &c->g, &c->h);
    field_mul(&r->z, &c->f, &c->g);
}

void edwards_to_cached(struct edwards_cached *r, const struct edwards_point *p)
{
    field_add(&r->y_plus_x, &p->y, &p->x);
    field_sub(&r->y_minus_x, &p->y, &p->x);
    field_add(&r->z2, &p->z, &p->z);
    field_mul(&r->t2d, &p->t, &edwards_d2);
}

/* Rounds a field element to its canonical limbs, so table entries print and
 * compare exactly. */
static void field_normalize(struct field_element *h)
{
    uint8_t bytes[32];
    field_to_bytes(bytes, h);
    field_from_bytes(h, bytes);
}

void edwards_to_precomputed(struct edwards_precomputed *r, const struct edwards_point *p)
{
    struct field_element z_inverse, x, y;
    field_invert(&z_inverse, &p->z);
    field_mul(&x, &p->x, &z_inverse);
    field_mul(&y, &p->y, &z_inverse);
    field_add(&r->y_plus_x, &y, &x);
    field_sub(&r->y_minus_x, &y, &x);
    field_mul(&r->xy2d, &x, &y);
    field_mul(&r->xy2d, &r->xy2d, &edwards_d2);
    field_normalize(&r->y_plus_x);
    field_normalize(&r->y_minus_x);
    field_normalize(&r->xy2d);
}

/* RFC 8032 §5.1.4 doubling: A = X^2, B = Y^2, C = 2Z^2, H = A + B,
 * E = H - (X + Y)^2, G = A - B, F = C + G. */
void edwards_double(struct edwards_completed *r, const struct edwards_projective *p)
{
    struct field_element a, b, c, sum;
    field_square(&a, &p->x);
    field_square(&b, &p->y);
    field_square(&c, &p->z);
    field_add(&c, &c, &c);
    field_add(&r->h, &a, &b);
    field_add(&sum, &p->x, &p->y);
    field_square(&sum, &sum);
    field_sub(&r->e, &r->h, &sum);
    field_sub(&r->g, &a, &b);
    field_add(&r->f, &c, &r->g);
}

/* RFC 8032 §5.1.4 addition, given A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2),
 * C = 2d T1 T2 and D = 2 Z1 Z2; negate selects p - q (C negated). */
static void edwards_finish_add(struct edwards_completed *r, const struct field_element *a,
                               const struct field_element *b, const struct field_element *c,
                               const struct field_element *d, bool negate)
{
    field_sub(&r->e, b, a);
    field_add(&r->h, b, a);
    if (negate) { /* public: which of the two functions called us */
        field_add(&r->f, d, c);
        field_sub(&r->g, d, c);
    } else {
        field_sub(&r->f, d, c);
        field_add(&r->g, d, c);
    }
}

static void edwards_add_or_sub_cached(struct edwards_completed *r, const struct edwards_point *p,
                                      const struct edwards_cached *q, bool negate)
{
    struct field_element y_plus_x, y_minus_x, a, b, c, d;
    field_add(&y_plus_x, &p->y, &p->x);
    field_sub(&y_minus_x, &p->y, &p->x);
    /* -q swaps y + x with y - x and negates t. */
    field_mul(&a, &y_minus_x, negate ? &q->y_plus_x : &q->y_minus_x);
    field_mul(&b, &y_plus_x, negate ? &q->y_minus_x : &q->y_plus_x);
    field_mul(&c, &p->t, &q->t2d);
    field_mul(&d, &p->z, &q->z2);
    edwards_finish_add(r, &a, &b, &c, &d, negate);
}

void edwards_add_cached(struct edwards_completed *r, const struct edwards_point *p,
                        const struct edwards_cached *q)
{
    edwards_add_or_sub_cached(r, p, q, false);
}

void edwards_sub_cached(struct edwards_completed *r, const struct edwards_point *p,
                        const struct edwards_cached *q)
{
    edwards_add_or_sub_cached(r, p, q, true);
}

static void edwards_add_or_sub_precomputed(struct edwards_completed *r,
                                           const struct edwards_point *p,
                                           const struct edwards_precomputed *q, bool negate)
{
    struct field_element y_plus_x, y_minus_x, a, b, c, d;
    field_add(&y_plus_x, &p->y, &p->x);
    field_sub(&y_minus_x, &p->y, &p->x);
    field_mul(&a, &y_minus_x, negate ? &q->y_plus_x : &q->y_minus_x);
    field_mul(&b, &y_plus_x, negate ? &q->y_minus_x : &q->y_plus_x);
    field_mul(&c, &p->t, &q->xy2d);
    field_add(&d, &p->z, &p->z);
    edwards_finish_add(r, &a, &b, &c, &d, negate);
}

void edwards_add_precomputed(struct edwards_completed *r, const struct edwards_point *p,
                             const struct edwards_precomputed *q)
{
    edwards_add_or_sub_precomputed(r, p, q, false);
}

void edwards_sub_precomputed(struct edwards_completed *r, const struct edwards_point *p,
                             const struct edwards_precomputed *q)
{
    edwards_add_or_sub_precomputed(r, p, q, true);
}

void edwards_double_times(struct edwards_point *p, int n)
{
    struct edwards_projective q = { p->x, p->y, p->z };
    struct edwards_completed c;
    for (int i = 0; i < n - 1; i++) {
        edwards_double(&c, &q);
        edwards_to_projective(&q, &c);
    }
    edwards_double(&c, &q);
    edwards_to_extended(p, &c);
}

void edwards_encode(uint8_t bytes[32], const struct edwards_point *p)
{
    struct field_element z_inverse, x, y;
    field_invert(&z_inverse, &p->z);
    field_mul(&x, &p->x, &z_inverse);
    field_mul(&y, &p->y, &z_inverse);
    field_to_bytes(bytes, &y);
    bytes[31] ^= (uint8_t)(field_is_negative(&x) << 7);
}

/* Solves x^2 = u / v as in RFC 8032 §5.1.3 step 2; false when u / v is not a
 * square. */
static bool edwards_recover_x(struct field_element *x, const struct field_element *u,
                              const struct field_element *v)
{
    struct field_element v3, v7, t, check;
    field_square(&v3, v);
    field_mul(&v3, &v3, v);           /* v^3 */
    field_square(&v7, &v3);
    field_mul(&v7, &v7, v);           /* v^7 */
    field_mul(&t, u, &v7);
    field_pow22523(&t, &t);           /* (u v^7)^((p-5)/8) */
    field_mul(&t, &t, &v3);
    field_mul(x, &t, u);              /* u v^3 (u v^7)^((p-5)/8) */
    field_square(&check, x);
    field_mul(&check, &check, v);     /* v x^2 */
    field_sub(&t, &check, u);
    if (field_is_zero(&t))
        return true;
    field_add(&t, &check, u);
    if (!field_is_zero(&t))
        return false;
    field_mul(x, x, &field_sqrt_minus_one);
    return true;
}

enum crypto_result edwards_decode_vartime(struct edwards_point *p, const uint8_t bytes[32])
{
    if (!field_is_canonical(bytes))
        return CRYPTO_ERR_ENCODING;
    struct field_element u, v, one;
    field_one(&one);
    field_from_bytes(&p->y, bytes);
    field_square(&u, &p->y);
    field_mul(&v, &u, &edwards_d);
    field_sub(&u, &u, &one);           /* y^2 - 1 */
    field_add(&v, &v, &one);           /* d y^2 + 1 */
    if (!edwards_recover_x(&p->x, &u, &v))
        return CRYPTO_ERR_ENCODING;
    const unsigned sign = bytes[31] >> 7;
    if (field_is_zero(&p->x) && sign)
        return CRYPTO_ERR_ENCODING;
    if (field_is_negative(&p->x) != sign)
        field_neg(&p->x, &p->x);
    field_one(&p->z);
    field_mul(&p->t, &p->x, &p->y);
    return CRYPTO_OK;
}

/* The y-coordinates of the points of order 1, 2, 4 and 8, little-endian:
 * 1, p - 1, 0, and the two roots of d y^4 + 2 y^2 - 1 = 0 that lie on the curve. */
static const uint8_t small_order_y[5][32] = {
    { 0x01 },
    { 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0x7f },
    { 0x00 },
    { 0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
      0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
      0xfc, 0x05 },
    { 0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
      0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
      0x03, 0x7a },
};

bool edwards_is_small_order(const uint8_t bytes[32])
{
    bool found = false;
    for (int k = 0; k < 5; k++) {
        uint32_t difference = (uint32_t)(bytes[31] & 0x7f) ^ small_order_y[k][31];
        for (int i = 0; i < 31; i++)
            difference |= (uint32_t)bytes[i] ^ small_order_y[k][i];
        found |= difference == 0;
    }
    return found;
}

bool edwards_is_identity_vartime(const struct edwards_point *p)
{
    struct field_element y_minus_z;
    field_sub(&y_minus_z, &p->y, &p->z);
    return field_is_zero(&p->x) && field_is_zero(&y_minus_z);
}
