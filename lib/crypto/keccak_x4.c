/* The dispatch of keccak_x4.h, the portable four-way permutation and the
 * four-way SHAKE128 sponge (FIPS 202 sections 4 and 6.2, as in shake.c:
 * input bytes XORed into the lanes little-endian, then the SHAKE padding
 * 1111 and pad10*1 within the 168-byte rate). Invariant of the squeeze: the
 * state holds the permutation's input for the next block. */
#include "crypto/keccak_x4.h"

#include "base/endian.h"
#include "crypto/crypto.h"
#include "crypto/shake.h"

#define SHAKE128_RATE_LANES (SHAKE128_RATE / 8)

static struct crypto_simd configured;

void crypto_simd_configure(const struct crypto_simd *simd)
{
    static const struct crypto_simd portable;
    configured = simd != NULL ? *simd : portable;
}

bool crypto_simd_avx2(void)
{
    return configured.avx2;
}

void crypto_simd_begin(void)
{
    if (configured.avx2 && configured.begin != NULL)
        configured.begin();
}

void crypto_simd_end(void)
{
    if (configured.avx2 && configured.end != NULL)
        configured.end();
}

void keccak_f1600_x4_portable(struct keccak_x4 *state)
{
    uint64_t lanes[25];
    for (unsigned j = 0; j < 4; j++) {
        for (unsigned i = 0; i < 25; i++)
            lanes[i] = state->lanes[i][j];
        keccak_f1600(lanes);
        for (unsigned i = 0; i < 25; i++)
            state->lanes[i][j] = lanes[i];
    }
}

void keccak_f1600_x4(struct keccak_x4 *state)
{
    if (configured.avx2)
        keccak_f1600_x4_avx2(state);
    else
        keccak_f1600_x4_portable(state);
}

static void keccak_x4_xor_byte(struct keccak_x4 *state, unsigned instance, size_t index,
                               uint8_t byte)
{
    state->lanes[index / 8][instance] ^= (uint64_t)byte << (8 * (index % 8));
}

void shake128_x4_absorb(struct keccak_x4 *state, const uint8_t *const in[4], size_t in_len)
{
    for (unsigned i = 0; i < 25; i++)
        for (unsigned j = 0; j < 4; j++)
            state->lanes[i][j] = 0;
    size_t offset = 0;
    for (; in_len - offset >= SHAKE128_RATE; offset += SHAKE128_RATE) {
        for (unsigned i = 0; i < SHAKE128_RATE_LANES; i++)
            for (unsigned j = 0; j < 4; j++)
                state->lanes[i][j] ^= load64_le(in[j] + offset + 8 * i);
        keccak_f1600_x4(state);
    }
    size_t tail = in_len - offset, whole = tail / 8 * 8;
    for (unsigned j = 0; j < 4; j++) {
        for (size_t k = 0; k < whole; k += 8) /* whole lanes, then bytes */
            state->lanes[k / 8][j] ^= load64_le(in[j] + offset + k);
        for (size_t k = whole; k < tail; k++)
            keccak_x4_xor_byte(state, j, k, in[j][offset + k]);
        keccak_x4_xor_byte(state, j, tail, 0x1f);
        keccak_x4_xor_byte(state, j, SHAKE128_RATE - 1, 0x80);
    }
}

void shake128_x4_squeeze_block(struct keccak_x4 *state, uint64_t blocks[4][21])
{
    keccak_f1600_x4(state);
    for (unsigned i = 0; i < SHAKE128_RATE_LANES; i++)
        for (unsigned j = 0; j < 4; j++)
            blocks[j][i] = state->lanes[i][j];
}

void shake128_x4(uint8_t *const out[4], size_t out_len, const uint8_t *const in[4],
                 size_t in_len)
{
    struct keccak_x4 state;
    uint64_t blocks[4][SHAKE128_RATE_LANES];
    crypto_simd_begin();
    shake128_x4_absorb(&state, in, in_len);
    for (size_t done = 0; done < out_len; done += SHAKE128_RATE) {
        shake128_x4_squeeze_block(&state, blocks);
        size_t take = out_len - done < SHAKE128_RATE ? out_len - done : SHAKE128_RATE;
        for (unsigned j = 0; j < 4; j++)
            for (size_t k = 0; k < take; k++)
                out[j][done + k] = (uint8_t)(blocks[j][k / 8] >> (8 * (k % 8)));
    }
    crypto_simd_end();
    crypto_wipe(&state, sizeof state);
    crypto_wipe(blocks, sizeof blocks);
}
