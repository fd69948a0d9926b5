/* ML-DSA-65 byte encodings (FIPS 204 section 7.1-7.2): SimpleBitPack and
 * BitPack of coefficients, little-endian bit order (coefficient 0 in the low
 * bits of byte 0), and the hint encoding.
 *
 * The packers of secret data (z) run in time independent of the values;
 * mldsa_pack_hints runs on hints of an accepted signature, which are public. */
#include "crypto/mldsa65_internal.h"

#include "crypto/keccak_x4.h"

/* t1: 10 bits a coefficient, four coefficients in five bytes. */
void mldsa_pack_t1(uint8_t out[MLDSA65_T1_POLY_BYTES], const struct mldsa_poly *t1)
{
    for (unsigned i = 0; i < MLDSA_N / 4; i++) {
        const int32_t *c = &t1->coefficients[4 * i];
        uint64_t bits = (uint64_t)c[0] | (uint64_t)c[1] << 10 | (uint64_t)c[2] << 20 |
                        (uint64_t)c[3] << 30;
        for (unsigned b = 0; b < 5; b++)
            out[5 * i + b] = (uint8_t)(bits >> (8 * b));
    }
}

void mldsa_unpack_t1(struct mldsa_poly *t1, const uint8_t in[MLDSA65_T1_POLY_BYTES])
{
    for (unsigned i = 0; i < MLDSA_N / 4; i++) {
        uint64_t bits = 0;
        for (unsigned b = 0; b < 5; b++)
            bits |= (uint64_t)in[5 * i + b] << (8 * b);
        for (unsigned c = 0; c < 4; c++)
            t1->coefficients[4 * i + c] = (int32_t)((bits >> (10 * c)) & 0x3ff);
    }
}

/* z: BitPack(z, gamma1 - 1, gamma1) stores gamma1 - z in 20 bits, two
 * coefficients in five bytes. Every 20-bit value decodes to a z in
 * [-gamma1 + 1, gamma1]; the norm check is the verifier's. */
void mldsa_pack_z(uint8_t out[MLDSA65_Z_POLY_BYTES], const struct mldsa_poly *z)
{
    for (unsigned i = 0; i < MLDSA_N / 2; i++) {
        uint64_t bits = (uint64_t)(uint32_t)(MLDSA65_GAMMA1 - z->coefficients[2 * i]) |
                        (uint64_t)(uint32_t)(MLDSA65_GAMMA1 - z->coefficients[2 * i + 1]) << 20;
        for (unsigned b = 0; b < 5; b++)
            out[5 * i + b] = (uint8_t)(bits >> (8 * b));
    }
}

void mldsa_unpack_z(struct mldsa_poly *z, const uint8_t in[MLDSA65_Z_POLY_BYTES])
{
    if (crypto_simd_avx2())
        mldsa_unpack_z_avx2(z, in);
    else
        mldsa_unpack_z_portable(z, in);
}

void mldsa_unpack_z_portable(struct mldsa_poly *z, const uint8_t in[MLDSA65_Z_POLY_BYTES])
{
    for (unsigned i = 0; i < MLDSA_N / 2; i++) {
        uint64_t bits = 0;
        for (unsigned b = 0; b < 5; b++)
            bits |= (uint64_t)in[5 * i + b] << (8 * b);
        z->coefficients[2 * i] = MLDSA65_GAMMA1 - (int32_t)(bits & 0xfffff);
        z->coefficients[2 * i + 1] = MLDSA65_GAMMA1 - (int32_t)((bits >> 20) & 0xfffff);
    }
}

/* w1: 4 bits a coefficient (values 0..15). */
void mldsa_pack_w1(uint8_t out[MLDSA65_W1_POLY_BYTES], const struct mldsa_poly *w1)
{
    for (unsigned i = 0; i < MLDSA_N / 2; i++)
        out[i] = (uint8_t)(w1->coefficients[2 * i] | w1->coefficients[2 * i + 1] << 4);
}

/* Algorithm 20 (HintBitPack): the positions of the ones of each polynomial,
 * then for each polynomial the running count of positions written. */
void mldsa_pack_hints(uint8_t out[MLDSA65_OMEGA + MLDSA65_K],
                      const uint8_t hints[MLDSA65_K][MLDSA_N])
{
    unsigned index = 0;
    for (unsigned i = 0; i < MLDSA65_OMEGA + MLDSA65_K; i++)
        out[i] = 0;
    for (unsigned i = 0; i < MLDSA65_K; i++) {
        for (unsigned j = 0; j < MLDSA_N; j++)
            if (hints[i][j] && index < MLDSA65_OMEGA)
                out[index++] = (uint8_t)j;
        out[MLDSA65_OMEGA + i] = (uint8_t)index;
    }
}

/* Algorithm 21 (HintBitUnpack), with its three rejections, keeping only the
 * hints of polynomial row (verification decodes one row at a time). */
int mldsa_unpack_hints(uint8_t hints[MLDSA_N], unsigned row,
                       const uint8_t in[MLDSA65_OMEGA + MLDSA65_K])
{
    unsigned index = 0;
    for (unsigned j = 0; j < MLDSA_N; j++)
        hints[j] = 0;
    for (unsigned i = 0; i < MLDSA65_K; i++) {
        unsigned end = in[MLDSA65_OMEGA + i];
        if (end < index || end > MLDSA65_OMEGA)
            return -1;
        unsigned first = index;
        for (; index < end; index++) {
            if (index > first && in[index - 1] >= in[index])
                return -1;
            if (i == row)
                hints[in[index]] = 1;
        }
    }
    for (unsigned i = index; i < MLDSA65_OMEGA; i++)
        if (in[i] != 0)
            return -1;
    return 0;
}
