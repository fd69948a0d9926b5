/* The twisted Edwards curve edwards25519 of RFC 8032 §5.1:
 *     -x^2 + y^2 = 1 + d x^2 y^2  over GF(2^255 - 19),  d = -121665/121666,
 * the group under Ed25519 (and, by a change of coordinates, X25519's fixed
 * base multiplication).
 *
 * Point representations (formulas of RFC 8032 §5.1.4, after Hisil, Wong,
 * Carter and Dawson, "Twisted Edwards curves revisited"):
 *   edwards_point        extended (X:Y:Z:T), x = X/Z, y = Y/Z, T = XY/Z
 *   edwards_projective   (X:Y:Z) without T: enough for doubling
 *   edwards_completed    the four products-to-be (E, F, G, H) of an addition or
 *                        doubling: X = EF, Y = GH, Z = FG, T = EH
 *   edwards_cached       (Y+X, Y-X, 2Z, 2dT) of a point to be added many times
 *   edwards_precomputed  (y+x, y-x, 2dxy) of an affine point (Z = 1): the tables
 *
 * Everything here runs in constant time except the functions named _vartime,
 * which take only public inputs (signature verification). */
#ifndef NONOS_CRYPTO_EDWARDS25519_H
#define NONOS_CRYPTO_EDWARDS25519_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "crypto/field25519.h"

struct edwards_point {
    struct field_element x, y, z, t;
};

struct edwards_projective {
    struct field_element x, y, z;
};

struct edwards_completed {
    struct field_element e, f, g, h;
};

struct edwards_cached {
    struct field_element y_plus_x, y_minus_x, z2, t2d;
};

struct edwards_precomputed {
    struct field_element y_plus_x, y_minus_x, xy2d;
};

extern const struct field_element edwards_d;
extern const struct field_element edwards_d2;
extern const struct field_element field_sqrt_minus_one;
extern const struct edwards_point edwards_base_point;

void edwards_identity(struct edwards_point *p);
void edwards_precomputed_identity(struct edwards_precomputed *p);

void edwards_to_extended(struct edwards_point *r, const struct edwards_completed *c);
void edwards_to_projective(struct edwards_projective *r, const struct edwards_completed *c);
void edwards_to_cached(struct edwards_cached *r, const struct edwards_point *p);
/* The affine (Z = 1) table form of p; costs one inversion. */
void edwards_to_precomputed(struct edwards_precomputed *r, const struct edwards_point *p);

/* r = 2 p */
void edwards_double(struct edwards_completed *r, const struct edwards_projective *p);
/* r = p + q, r = p - q */
void edwards_add_cached(struct edwards_completed *r, const struct edwards_point *p,
                        const struct edwards_cached *q);
void edwards_sub_cached(struct edwards_completed *r, const struct edwards_point *p,
                        const struct edwards_cached *q);
void edwards_add_precomputed(struct edwards_completed *r, const struct edwards_point *p,
                             const struct edwards_precomputed *q);
void edwards_sub_precomputed(struct edwards_completed *r, const struct edwards_point *p,
                             const struct edwards_precomputed *q);
/* p = 2^n p, n >= 1 */
void edwards_double_times(struct edwards_point *p, int n);

/* RFC 8032 §5.1.2. */
void edwards_encode(uint8_t bytes[32], const struct edwards_point *p);
/* RFC 8032 §5.1.3, strict: CRYPTO_ERR_ENCODING when y >= p, when x = 0 with
 * the sign bit set, or when no point has this y. Variable time (public
 * input). */
CRYPTO_MUST_CHECK
enum crypto_result edwards_decode_vartime(struct edwards_point *p, const uint8_t bytes[32]);
/* True when the canonical encoding (y < p) names a point of order 1, 2, 4 or
 * 8, whatever its sign bit: the y-coordinates 1, -1, 0 and the two of the
 * order-8 points. */
bool edwards_is_small_order(const uint8_t bytes[32]);
/* True when p is the neutral element (0, 1). Variable time. */
bool edwards_is_identity_vartime(const struct edwards_point *p);

/* r = a B, B the base point. a is 32 little-endian bytes with a[31] <= 127
 * (a clamped or reduced scalar). Constant time: a may be secret. */
void edwards_scalarmult_base(struct edwards_point *r, const uint8_t a[32]);
/* r = a P + b B for public scalars a, b < 2^253. Variable time. */
void edwards_double_scalarmult_vartime(struct edwards_point *r, const uint8_t a[32],
                                       const struct edwards_point *p, const uint8_t b[32]);

#endif
