/* Poly1305 (RFC 8439 §2.5), see poly1305.h.
 *
 * Arithmetic modulo p = 2^130 - 5 in radix 2^64 with 128-bit products
 * (unsigned __int128, which clang provides freestanding too). The clamped r
 * has its top four bits and the low two bits of r1 clear, so r1 is a
 * multiple of 4 and 2^128 * r1 = 2^130 * (r1 / 4) = 5 * (r1 / 4) mod p: the
 * constant s1 = r1 + r1 / 4 folds the high product back without a division.
 * Invariant between blocks: h < 2^130 + 2^66 (h2 <= 4), small enough that
 * one conditional subtraction of p at the end reduces it fully. Every step is
 * straight-line code on the secret values: no branch or index depends on
 * them. */
#include "crypto/poly1305.h"

#include "base/endian.h"
#include "crypto/crypto.h"

typedef unsigned __int128 uint128;

void poly1305_init(struct poly1305_state *state, const uint8_t key[32])
{
    state->r0 = load64_le(key) & 0x0ffffffc0fffffffull;
    state->r1 = load64_le(key + 8) & 0x0ffffffc0ffffffcull;
    state->s1 = state->r1 + (state->r1 >> 2);
    state->h0 = state->h1 = state->h2 = 0;
    state->pad0 = load64_le(key + 16);
    state->pad1 = load64_le(key + 24);
    state->buffered = 0;
}

/* h = (h + block + hibit * 2^128) * r mod p (partially), for each 16-byte
 * block. hibit is 1 for full blocks and 0 for the padded final block. */
static void poly1305_blocks(struct poly1305_state *state, const uint8_t *message,
                            size_t blocks, uint64_t hibit)
{
    const uint64_t r0 = state->r0, r1 = state->r1, s1 = state->s1;
    uint64_t h0 = state->h0, h1 = state->h1, h2 = state->h2;
    for (; blocks > 0; blocks--, message += 16) {
        uint128 sum = (uint128)h0 + load64_le(message);
        h0 = (uint64_t)sum;
        sum = (uint128)h1 + load64_le(message + 8) + (uint64_t)(sum >> 64);
        h1 = (uint64_t)sum;
        h2 += (uint64_t)(sum >> 64) + hibit;

        uint128 d0 = (uint128)h0 * r0 + (uint128)h1 * s1;
        /* h2 <= 6 and s1 < 2^61, so h2 * s1 fits in 64 bits. */
        uint128 d1 = (uint128)h0 * r1 + (uint128)h1 * r0 + h2 * s1;
        uint64_t d2 = h2 * r0;
        d1 += (uint64_t)(d0 >> 64);
        d2 += (uint64_t)(d1 >> 64);
        h0 = (uint64_t)d0;
        h1 = (uint64_t)d1;

        /* Bits from 2^130 up are d2 >> 2; 2^130 = 5 mod p. */
        uint64_t fold = (d2 & ~(uint64_t)3) + (d2 >> 2);
        h2 = d2 & 3;
        sum = (uint128)h0 + fold;
        h0 = (uint64_t)sum;
        sum = (uint128)h1 + (uint64_t)(sum >> 64);
        h1 = (uint64_t)sum;
        h2 += (uint64_t)(sum >> 64);
    }
    state->h0 = h0;
    state->h1 = h1;
    state->h2 = h2;
}

void poly1305_update(struct poly1305_state *state, const uint8_t *message,
                     size_t len)
{
    if (len == 0)
        return; /* message may be NULL then */
    if (state->buffered > 0) {
        size_t take = 16 - state->buffered;
        if (take > len)
            take = len;
        for (size_t i = 0; i < take; i++)
            state->buffer[state->buffered + i] = message[i];
        state->buffered += take;
        message += take;
        len -= take;
        if (state->buffered < 16)
            return;
        poly1305_blocks(state, state->buffer, 1, 1);
        state->buffered = 0;
    }
    size_t whole = len / 16;
    poly1305_blocks(state, message, whole, 1);
    message += 16 * whole;
    len %= 16;
    for (size_t i = 0; i < len; i++)
        state->buffer[i] = message[i];
    state->buffered = len;
}

void poly1305_final(struct poly1305_state *state, uint8_t tag[16])
{
    if (state->buffered > 0) {
        /* The final partial block gets a 1 byte after it instead of 2^128. */
        state->buffer[state->buffered] = 1;
        for (size_t i = state->buffered + 1; i < 16; i++)
            state->buffer[i] = 0;
        poly1305_blocks(state, state->buffer, 1, 0);
    }
    /* g = h + 5 - 2^130 = h - p; keep g when it did not go negative. */
    uint128 sum = (uint128)state->h0 + 5;
    uint64_t g0 = (uint64_t)sum;
    sum = (uint128)state->h1 + (uint64_t)(sum >> 64);
    uint64_t g1 = (uint64_t)sum;
    uint64_t g2 = state->h2 + (uint64_t)(sum >> 64);
    uint64_t use_g = 0 - (g2 >> 2); /* all ones when h >= p */
    uint64_t h0 = (state->h0 & ~use_g) | (g0 & use_g);
    uint64_t h1 = (state->h1 & ~use_g) | (g1 & use_g);

    sum = (uint128)h0 + state->pad0;
    store64_le(tag, (uint64_t)sum);
    store64_le(tag + 8, h1 + state->pad1 + (uint64_t)(sum >> 64));
    crypto_wipe(state, sizeof *state);
}

__attribute__((noinline)) static void poly1305_work(uint8_t tag[16], const uint8_t *message,
                                                   size_t len, const uint8_t key[32])
{
    struct poly1305_state state;
    poly1305_init(&state, key);
    poly1305_update(&state, message, len);
    poly1305_final(&state, tag);
}

/* poly1305_blocks keeps r and s1 in registers; memset, called by the final
 * wipe, pushes callee-saved registers that may still hold them. The stack
 * the one-shot form used (under 300 bytes) is wiped afterwards. */
#define POLY1305_STACK_DEPTH 512

void poly1305(uint8_t tag[16], const uint8_t *message, size_t len,
              const uint8_t key[32])
{
    poly1305_work(tag, message, len, key);
    crypto_wipe_stack(POLY1305_STACK_DEPTH);
}
