/* SHAKE128 and SHAKE256 (FIPS 202 sections 3, 4 and 6.2).
 *
 * Keccak-f[1600] runs its rounds between the caller's 25 lanes and 25 on the
 * stack, in memory; each round computes theta's column parities, then for
 * each output row the five lanes after theta, rho and pi and at once their
 * chi, then iota (section 3.2). The sponge
 * XORs input bytes into the lanes little-endian (section B.1) and reads output
 * the same way. Invariant between calls: state->position < state->rate while
 * absorbing, <= state->rate while squeezing (= when the block is used up). */
#include "crypto/shake.h"

#include "base/endian.h"
#include "crypto/crypto.h"
#include "crypto/keccak_constants.h"


static inline uint64_t rotate_left(uint64_t value, unsigned count)
{
    return count == 0 ? value : (value << count) | (value >> (64 - count));
}


/* pi (section 3.2.3) moves lane (x, y) to (y, 2x + 3y mod 5); so output lane
 * (X, Y) comes from input lane (3 (Y - 3X) mod 5, X). */
#define PI_SOURCE_X(X, Y) ((3 * ((Y) + 15 - 3 * (X))) % 5)
#define PI_SOURCE(X, Y) (PI_SOURCE_X(X, Y) + 5 * (X))
/* theta's column parity applied, rho, pi: the lane that lands at (X, Y). */
#define THETA_RHO_PI(in, X, Y) \
    rotate_left(in[PI_SOURCE(X, Y)] ^ d[PI_SOURCE_X(X, Y)], keccak_rho_offsets[PI_SOURCE(X, Y)])
/* The five lanes of output row Y after theta, rho and pi. */
#define ROW_INPUTS(in, Y)                                                   \
    uint64_t b0 = THETA_RHO_PI(in, 0, Y), b1 = THETA_RHO_PI(in, 1, Y);      \
    uint64_t b2 = THETA_RHO_PI(in, 2, Y), b3 = THETA_RHO_PI(in, 3, Y);      \
    uint64_t b4 = THETA_RHO_PI(in, 4, Y)

/* chi (section 3.2.4), a_x = b_x ^ (~b_{x+1} & b_{x+2}), on lanes kept
 * complemented ("lane complementing"): the ten lanes of KECCAK_COMPLEMENTED
 * are stored inverted before and after every round. Each column holds an
 * even number of them, so theta's parities are unchanged, and rho and pi
 * carry the inversion along; then per output lane one of the equivalent
 * forms of chi below (De Morgan) gives the output in its stored polarity
 * with 8 NOTs a round instead of 25. The forms were found by trying every
 * complement pattern; the FIPS 202 vectors and the differential test check
 * them. */
#define KECCAK_COMPLEMENTED                                                     \
    ((1u << 1) | (1u << 3) | (1u << 8) | (1u << 10) | (1u << 11) | (1u << 15) | \
     (1u << 18) | (1u << 19) | (1u << 23) | (1u << 24))
#define KECCAK_ROWS(in, out)                                                  \
    do {                                                                      \
        ROW_INPUTS(in, 0);                                                    \
        out[0] = b0 ^ (~b1 & b2);                                             \
        out[1] = b1 ^ (b2 | b3);                                              \
        out[2] = b2 ^ (b3 & ~b4);                                             \
        out[3] = b3 ^ (b4 & b0);                                              \
        out[4] = b4 ^ (b0 | ~b1);                                             \
    } while (0);                                                              \
    do {                                                                      \
        ROW_INPUTS(in, 1);                                                    \
        out[5] = b0 ^ (b1 | b2);                                              \
        out[6] = b1 ^ (b2 & b3);                                              \
        out[7] = b2 ^ (b3 | ~b4);                                             \
        out[8] = b3 ^ (b4 | b0);                                              \
        out[9] = b4 ^ (b0 & b1);                                              \
    } while (0);                                                              \
    do {                                                                      \
        ROW_INPUTS(in, 2);                                                    \
        out[10] = b0 ^ (~b1 & b2);                                            \
        out[11] = b1 ^ (b2 | b3);                                             \
        out[12] = b2 ^ (b3 & b4);                                             \
        out[13] = b3 ^ (b4 | b0);                                             \
        out[14] = b4 ^ (b0 & b1);                                             \
    } while (0);                                                              \
    do {                                                                      \
        ROW_INPUTS(in, 3);                                                    \
        out[15] = b0 ^ (b1 | b2);                                             \
        out[16] = b1 ^ (b2 & b3);                                             \
        out[17] = b2 ^ (b3 | b4);                                             \
        out[18] = b3 ^ ~(b4 & b0);                                            \
        out[19] = b4 ^ (~b0 & b1);                                            \
    } while (0);                                                              \
    do {                                                                      \
        ROW_INPUTS(in, 4);                                                    \
        out[20] = b0 ^ (b1 & b2);                                             \
        out[21] = b1 ^ (b2 | b3);                                             \
        out[22] = b2 ^ (b3 & b4);                                             \
        out[23] = b3 ^ (~b4 & b0);                                            \
        out[24] = b4 ^ (b0 | b1);                                             \
    } while (0)
/* One round from in to out: theta's parities, then rows, then iota. */
#define KECCAK_ROUND(in, out, round_constant)                                          \
    do {                                                                               \
        for (int x = 0; x < 5; x++)                                                    \
            c[x] = in[x] ^ in[x + 5] ^ in[x + 10] ^ in[x + 15] ^ in[x + 20];           \
        for (int x = 0; x < 5; x++)                                                    \
            d[x] = c[(x + 4) % 5] ^ rotate_left(c[(x + 1) % 5], 1);                    \
        KECCAK_ROWS(in, out);                                                          \
        out[0] ^= (round_constant);                                                    \
    } while (0)

/* Complements the lanes of KECCAK_COMPLEMENTED in place (its own inverse). */
static void keccak_complement(uint64_t lanes[25])
{
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 25; i++)
        if ((KECCAK_COMPLEMENTED >> i) & 1)
            lanes[i] = ~lanes[i];
}

/* Eight rounds, alternating between lanes and other (so they end in lanes).
 * The 25 lanes do not fit in the general registers; left to itself the
 * compiler keeps some of them in registers across rounds and pays for it in
 * spills and moves. The empty asm after each round makes the round's output
 * memory again, and the next round reads it as instruction operands. With
 * the complementing done in place (ten NOTs on memory) that is 15 % fewer
 * instructions with the kernel's code generation (5,113 against 5,989 per
 * permutation). One call per eight rounds keeps the unrolled code small
 * (the call costs little next to eight rounds). */
static __attribute__((noinline)) void keccak_eight_rounds(uint64_t lanes[25],
                                                          uint64_t other[25],
                                                          const uint64_t round_constants[8])
{
    uint64_t c[5], d[5];
    _Pragma("clang loop unroll(full)")
    for (int round = 0; round < 8; round += 2) {
        KECCAK_ROUND(lanes, other, round_constants[round]);
        __asm__ __volatile__("" : : "r"(other) : "memory");
        KECCAK_ROUND(other, lanes, round_constants[round + 1]);
        __asm__ __volatile__("" : : "r"(lanes) : "memory");
    }
}

void keccak_f1600(uint64_t lanes[25])
{
    uint64_t other[25];
    keccak_complement(lanes);
    for (int round = 0; round < 24; round += 8)
        keccak_eight_rounds(lanes, other, &keccak_round_constants[round]);
    keccak_complement(lanes);
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
        if (state->position % 8 == 0 && in_len >= 8) {
            /* Whole lanes, eight bytes at a time, up to the end of the block. */
            size_t lanes = (state->rate - state->position) / 8;
            if (lanes > in_len / 8)
                lanes = in_len / 8;
            uint64_t *lane = &state->lanes[state->position / 8];
            for (size_t i = 0; i < lanes; i++)
                lane[i] ^= load64_le(in + 8 * i);
            in += 8 * lanes;
            in_len -= 8 * lanes;
            state->position += 8 * lanes;
        } else {
            shake_xor_byte(state, state->position++, *in++);
            in_len--;
        }
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

const uint64_t *shake_squeeze_block(struct shake_state *state)
{
    if (state->position == state->rate)
        keccak_f1600(state->lanes);
    state->position = state->rate;
    return state->lanes;
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
