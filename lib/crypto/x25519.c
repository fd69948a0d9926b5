/* X25519 (RFC 7748) on the Montgomery curve v^2 = u^3 + 486662 u^2 + u.
 *
 * x25519 runs the Montgomery ladder of RFC 7748 §5 over all 255 scalar bits
 * with masked swaps, so the sequence of operations is the same for every
 * scalar: the portable ladder below or, on x86_64 hosts with BMI2 and ADX,
 * x25519_mulx.c's (x25519_ladder.h), chosen once when the program loads. x25519_base computes the same value faster through the birationally
 * equivalent Edwards curve: [k]B on edwards25519 with the constant-time
 * table of edwards25519_scalarmult.c, then u = (1 + y) / (1 - y). */
#include "crypto/x25519.h"

#include "crypto/edwards25519.h"
#include "crypto/field25519.h"
#include "crypto/x25519_ladder.h"

static void x25519_clamp(uint8_t k[32], const uint8_t scalar[32])
{
    for (int i = 0; i < 32; i++)
        k[i] = scalar[i];
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
}

/* One ladder step (RFC 7748 §5): (x2:z2) = 2 (x2:z2), (x3:z3) = (x2:z2) +
 * (x3:z3), given the difference u. (A + 2) / 4 = 121666 uses the RFC's
 * z2 = E (AA + a24 E) form with a24 = 121665. */
static void x25519_ladder_step(struct field_element *x2, struct field_element *z2,
                               struct field_element *x3, struct field_element *z3,
                               const struct field_element *u)
{
    struct field_element a, aa, b, bb, e, c, d, da, cb, t;
    field_add(&a, x2, z2);
    field_square(&aa, &a);
    field_sub_reduced(&b, x2, z2);
    field_square(&bb, &b);
    field_sub_reduced(&e, &aa, &bb);
    field_add(&c, x3, z3);
    field_sub_reduced(&d, x3, z3);
    field_mul(&da, &d, &a);
    field_mul(&cb, &c, &b);
    field_add(&t, &da, &cb);
    field_square(x3, &t);
    field_sub_reduced(&t, &da, &cb);
    field_square(&t, &t);
    field_mul(z3, u, &t);
    field_mul(x2, &aa, &bb);
    field_mul_small(&t, &e, 121665);
    field_add(&t, &aa, &t);
    field_mul(z2, &e, &t);
}

/* out = u-coordinate of [k] (u, .), k already clamped. */
void x25519_ladder_portable(uint8_t out[32], const uint8_t k[32], const uint8_t point[32])
{
    struct field_element u, x2, z2, x3, z3;
    field_from_bytes(&u, point); /* ignores bit 255 */
    x3 = u;
    field_one(&x2);
    field_zero(&z2);
    field_one(&z3);
    uint64_t swap = 0;
    for (int t = 254; t >= 0; t--) {
        const uint64_t bit = (uint64_t)(k[t / 8] >> (t % 8)) & 1;
        swap ^= bit;
        field_swap(&x2, &x3, swap);
        field_swap(&z2, &z3, swap);
        swap = bit;
        x25519_ladder_step(&x2, &z2, &x3, &z3, &u);
    }
    field_swap(&x2, &x3, swap);
    field_swap(&z2, &z3, swap);
    field_invert(&z2, &z2);
    field_mul(&x2, &x2, &z2);
    field_to_bytes(out, &x2);
    crypto_wipe(&u, sizeof u);
    crypto_wipe(&x2, sizeof x2);
    crypto_wipe(&z2, sizeof z2);
    crypto_wipe(&x3, sizeof x3);
    crypto_wipe(&z3, sizeof z3);
}

typedef void x25519_ladder_fn(uint8_t out[32], const uint8_t k[32], const uint8_t point[32]);

#ifdef X25519_MULX
/* Chosen once when the program is loaded (an ifunc, as SHA-256's SHA-NI
 * path): no flag of ours is kept. Runs before sanitizers start. */
__attribute__((no_sanitize("address", "undefined"), used)) static x25519_ladder_fn *
x25519_ladder_resolve(void)
{
    return x25519_mulx_supported() ? x25519_ladder_mulx : x25519_ladder_portable;
}

static x25519_ladder_fn x25519_ladder __attribute__((ifunc("x25519_ladder_resolve")));
#else
static void x25519_ladder(uint8_t out[32], const uint8_t k[32], const uint8_t point[32])
{
    x25519_ladder_portable(out, k, point);
}
#endif

enum crypto_result x25519(uint8_t out[X25519_SHARED_SIZE], const uint8_t scalar[X25519_KEY_SIZE],
                          const uint8_t point[X25519_KEY_SIZE])
{
    uint8_t k[32];
    x25519_clamp(k, scalar);
    x25519_ladder(out, k, point);
    uint32_t any = 0;
    for (int i = 0; i < X25519_SHARED_SIZE; i++)
        any |= out[i];
    crypto_wipe(k, sizeof k);
    /* No branch on the (secret) output: the flag becomes the code. */
    const uint32_t all_zero = ((any - 1) >> 8) & 1;
    return (enum crypto_result)(all_zero * CRYPTO_ERR_WEAK_KEY);
}

void x25519_base(uint8_t out[X25519_KEY_SIZE], const uint8_t scalar[X25519_KEY_SIZE])
{
    uint8_t k[32];
    struct edwards_point p;
    struct field_element numerator, denominator;
    x25519_clamp(k, scalar); /* k[31] <= 127, as edwards_scalarmult_base needs */
    edwards_scalarmult_base(&p, k);
    /* u = (1 + y) / (1 - y) = (Z + Y) / (Z - Y); Z - Y is never 0 because
     * [k]B is never the identity for a clamped k. */
    field_add(&numerator, &p.z, &p.y);
    field_sub(&denominator, &p.z, &p.y);
    field_invert(&denominator, &denominator);
    field_mul(&numerator, &numerator, &denominator);
    field_to_bytes(out, &numerator);
    crypto_wipe(k, sizeof k);
    crypto_wipe(&p, sizeof p);
    crypto_wipe(&numerator, sizeof numerator);
}
