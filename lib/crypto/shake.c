/* SHAKE128 and SHAKE256 (FIPS 202 sections 3, 4 and 6.2).
 *
 * Keccak-f[1600] keeps the 25 lanes in local variables (the compiler holds
 * them in registers), one round per loop iteration with the theta, rho, pi,
 * chi and iota steps of section 3.2 written out lane by lane. The sponge
 * XORs input bytes into the lanes little-endian (section B.1) and reads output
 * the same way. Invariant: state->position < state->rate between calls. */
#include "crypto/shake.h"

#include "base/endian.h"
#include "crypto/crypto.h"

/* Section 3.2.5: the round constants RC[i] of iota. */
static const uint64_t keccak_round_constants[24] = {
    0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
    0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
    0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

static inline uint64_t rotate_left(uint64_t value, unsigned count)
{
    return count == 0 ? value : (value << count) | (value >> (64 - count));
}

/* rho and pi (sections 3.2.2, 3.2.3) for lane (x, y): the rotated lane moves
 * to position (y, 2x + 3y mod 5); ROTATION is the rho offset of (x, y). */
#define RHO_PI(x, y, rotation) \
    b[(y) + 5 * ((2 * (x) + 3 * (y)) % 5)] = rotate_left(a[(x) + 5 * (y)] ^ d[x], rotation)
/* chi (section 3.2.4) on row y. */
#define CHI(y)                                                    \
    a[0 + 5 * (y)] = b[0 + 5 * (y)] ^ (~b[1 + 5 * (y)] & b[2 + 5 * (y)]); \
    a[1 + 5 * (y)] = b[1 + 5 * (y)] ^ (~b[2 + 5 * (y)] & b[3 + 5 * (y)]); \
    a[2 + 5 * (y)] = b[2 + 5 * (y)] ^ (~b[3 + 5 * (y)] & b[4 + 5 * (y)]); \
    a[3 + 5 * (y)] = b[3 + 5 * (y)] ^ (~b[4 + 5 * (y)] & b[0 + 5 * (y)]); \
    a[4 + 5 * (y)] = b[4 + 5 * (y)] ^ (~b[0 + 5 * (y)] & b[1 + 5 * (y)])

void keccak_f1600(uint64_t lanes[25])
{
    uint64_t a[25], b[25], c[5], d[5];
    for (int i = 0; i < 25; i++)
        a[i] = lanes[i];
    for (int round = 0; round < 24; round++) {
        /* theta (section 3.2.1) */
        for (int x = 0; x < 5; x++)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++)
            d[x] = c[(x + 4) % 5] ^ rotate_left(c[(x + 1) % 5], 1);
        RHO_PI(0, 0, 0);  RHO_PI(1, 0, 1);  RHO_PI(2, 0, 62); RHO_PI(3, 0, 28); RHO_PI(4, 0, 27);
        RHO_PI(0, 1, 36); RHO_PI(1, 1, 44); RHO_PI(2, 1, 6);  RHO_PI(3, 1, 55); RHO_PI(4, 1, 20);
        RHO_PI(0, 2, 3);  RHO_PI(1, 2, 10); RHO_PI(2, 2, 43); RHO_PI(3, 2, 25); RHO_PI(4, 2, 39);
        RHO_PI(0, 3, 41); RHO_PI(1, 3, 45); RHO_PI(2, 3, 15); RHO_PI(3, 3, 21); RHO_PI(4, 3, 8);
        RHO_PI(0, 4, 18); RHO_PI(1, 4, 2);  RHO_PI(2, 4, 61); RHO_PI(3, 4, 56); RHO_PI(4, 4, 14);
        CHI(0);
        CHI(1);
        CHI(2);
        CHI(3);
        CHI(4);
        a[0] ^= keccak_round_constants[round]; /* iota (section 3.2.5) */
    }
    for (int i = 0; i < 25; i++)
        lanes[i] = a[i];
}

static void shake_init(struct shake_state *state, size_t rate)
{
    for (int i = 0; i < 25; i++)
        state->lanes[i] = 0;
    state->rate = rate;
    state->position = 0;
    state->squeezing = 0;
}

void shake128_init(struct shake_state *state) { shake_init(state, SHAKE128_RATE); }
void shake256_init(struct shake_state *state) { shake_init(state, SHAKE256_RATE); }

static void shake_xor_byte(struct shake_state *state, size_t index, uint8_t byte)
{
    state->lanes[index / 8] ^= (uint64_t)byte << (8 * (index % 8));
}

void shake_absorb(struct shake_state *state, const uint8_t *in, size_t in_len)
{
    while (in_len > 0) {
        if (state->position == 0 && in_len >= state->rate) {
            /* A whole block at once, eight bytes per lane. */
            for (size_t i = 0; i < state->rate / 8; i++)
                state->lanes[i] ^= load64_le(in + 8 * i);
            keccak_f1600(state->lanes);
            in += state->rate;
            in_len -= state->rate;
            continue;
        }
        shake_xor_byte(state, state->position++, *in++);
        in_len--;
        if (state->position == state->rate) {
            keccak_f1600(state->lanes);
            state->position = 0;
        }
    }
}

void shake_finalize(struct shake_state *state)
{
    /* Section 6.2: SHAKE appends 1111 to the message, then pad10*1 (B.2). */
    shake_xor_byte(state, state->position, 0x1f);
    shake_xor_byte(state, state->rate - 1, 0x80);
    keccak_f1600(state->lanes);
    state->position = 0;
    state->squeezing = 1;
}

void shake_squeeze(struct shake_state *state, uint8_t *out, size_t out_len)
{
    while (out_len > 0) {
        if (state->position == state->rate) {
            keccak_f1600(state->lanes);
            state->position = 0;
        }
        if (state->position == 0 && out_len >= state->rate) {
            for (size_t i = 0; i < state->rate / 8; i++)
                store64_le(out + 8 * i, state->lanes[i]);
            out += state->rate;
            out_len -= state->rate;
            state->position = state->rate;
            continue;
        }
        size_t index = state->position++;
        *out++ = (uint8_t)(state->lanes[index / 8] >> (8 * (index % 8)));
        out_len--;
    }
}

static void shake_once(size_t rate, uint8_t *out, size_t out_len, const uint8_t *in,
                       size_t in_len)
{
    struct shake_state state;
    shake_init(&state, rate);
    shake_absorb(&state, in, in_len);
    shake_finalize(&state);
    shake_squeeze(&state, out, out_len);
    crypto_wipe(&state, sizeof state);
}

void shake128(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    shake_once(SHAKE128_RATE, out, out_len, in, in_len);
}

void shake256(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    shake_once(SHAKE256_RATE, out, out_len, in, in_len);
}
