/* GF(2^255 - 19): encoding, decoding and exponentiation (see field25519.h).
 * All of it runs in time independent of the values. */
#include "crypto/field25519.h"

#include "base/endian.h"

void field_from_bytes(struct field_element *h, const uint8_t bytes[32])
{
    const uint64_t w0 = load64_le(bytes), w1 = load64_le(bytes + 8);
    const uint64_t w2 = load64_le(bytes + 16), w3 = load64_le(bytes + 24);
    h->limb[0] = w0 & FIELD_MASK51;
    h->limb[1] = (w0 >> 51 | w1 << 13) & FIELD_MASK51;
    h->limb[2] = (w1 >> 38 | w2 << 26) & FIELD_MASK51;
    h->limb[3] = (w2 >> 25 | w3 << 39) & FIELD_MASK51;
    h->limb[4] = (w3 >> 12) & FIELD_MASK51; /* drops bit 255 */
}

/* Reduces f to the unique representative in [0, p). */
static void field_canonical(struct field_element *h, const struct field_element *f)
{
    *h = *f;
    field_carry(h);
    field_carry(h); /* now h < 2^255 + 2^18 < 2p, every limb < 2^51 */
    /* q = 1 exactly when h >= p, i.e. when h + 19 carries past 2^255. */
    uint64_t q = (h->limb[0] + 19) >> 51;
    q = (h->limb[1] + q) >> 51;
    q = (h->limb[2] + q) >> 51;
    q = (h->limb[3] + q) >> 51;
    q = (h->limb[4] + q) >> 51;
    /* h - q p = h + 19 q - q 2^255: add 19 q, carry, drop bit 255. */
    h->limb[0] += 19 * q;
    for (int i = 0; i < 4; i++) {
        h->limb[i + 1] += h->limb[i] >> 51;
        h->limb[i] &= FIELD_MASK51;
    }
    h->limb[4] &= FIELD_MASK51;
}

void field_to_bytes(uint8_t bytes[32], const struct field_element *f)
{
    struct field_element h;
    field_canonical(&h, f);
    store64_le(bytes, h.limb[0] | h.limb[1] << 51);
    store64_le(bytes + 8, h.limb[1] >> 13 | h.limb[2] << 38);
    store64_le(bytes + 16, h.limb[2] >> 26 | h.limb[3] << 25);
    store64_le(bytes + 24, h.limb[3] >> 39 | h.limb[4] << 12);
}

bool field_is_canonical(const uint8_t bytes[32])
{
    /* p = 0x7fff...ffed: the value is >= p only when bytes 1..30 are all
     * 0xff, the top byte is 0x7f (ignoring bit 255) and byte 0 is >= 0xed. */
    uint32_t all_ones = (bytes[31] & 0x7f) ^ 0x7f;
    for (int i = 30; i > 0; i--)
        all_ones |= bytes[i] ^ 0xffu;
    const uint32_t top_full = ((all_ones - 1) >> 8) & 1;   /* 1 when all_ones == 0 */
    const uint32_t low_big = ((0xecu - bytes[0]) >> 8) & 1; /* 1 when bytes[0] >= 0xed */
    return (top_full & low_big) == 0;
}

void field_square_times(struct field_element *h, const struct field_element *f, int n)
{
    field_square(h, f);
    for (int i = 1; i < n; i++)
        field_square(h, h);
}

/* Sets *z_11 = f^11 and *z_250 = f^(2^250 - 1): the common head of the
 * addition chains for p - 2 and (p - 5) / 8. */
static void field_pow_2_250(struct field_element *z_250, struct field_element *z_11,
                            const struct field_element *f)
{
    struct field_element t0, t1, t2, t3;
    field_square(&t0, f);                    /* 2 */
    field_square_times(&t1, &t0, 2);         /* 8 */
    field_mul(&t1, f, &t1);                  /* 9 */
    field_mul(z_11, &t0, &t1);               /* 11 */
    field_square(&t2, z_11);                 /* 22 */
    field_mul(&t1, &t1, &t2);                /* 31 = 2^5 - 1 */
    field_square_times(&t2, &t1, 5);
    field_mul(&t1, &t2, &t1);                /* 2^10 - 1 */
    field_square_times(&t2, &t1, 10);
    field_mul(&t2, &t2, &t1);                /* 2^20 - 1 */
    field_square_times(&t3, &t2, 20);
    field_mul(&t2, &t3, &t2);                /* 2^40 - 1 */
    field_square_times(&t2, &t2, 10);
    field_mul(&t1, &t2, &t1);                /* 2^50 - 1 */
    field_square_times(&t2, &t1, 50);
    field_mul(&t2, &t2, &t1);                /* 2^100 - 1 */
    field_square_times(&t3, &t2, 100);
    field_mul(&t2, &t3, &t2);                /* 2^200 - 1 */
    field_square_times(&t2, &t2, 50);
    field_mul(z_250, &t2, &t1);              /* 2^250 - 1 */
}

void field_invert(struct field_element *h, const struct field_element *f)
{
    struct field_element z_250, z_11;
    field_pow_2_250(&z_250, &z_11, f);
    field_square_times(&z_250, &z_250, 5);   /* 2^255 - 32 */
    field_mul(h, &z_250, &z_11);             /* 2^255 - 21 = p - 2 */
}

void field_pow22523(struct field_element *h, const struct field_element *f)
{
    struct field_element z_250, z_11;
    field_pow_2_250(&z_250, &z_11, f);
    field_square_times(&z_250, &z_250, 2);   /* 2^252 - 4 */
    field_mul(h, &z_250, f);                 /* 2^252 - 3 = (p - 5) / 8 */
}

uint64_t field_is_zero(const struct field_element *f)
{
    uint8_t bytes[32];
    field_to_bytes(bytes, f);
    uint32_t any = 0;
    for (int i = 0; i < 32; i++)
        any |= bytes[i];
    return ((any - 1) >> 8) & 1;
}

uint64_t field_is_negative(const struct field_element *f)
{
    uint8_t bytes[32];
    field_to_bytes(bytes, f);
    return bytes[0] & 1;
}
