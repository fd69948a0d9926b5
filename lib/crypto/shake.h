/* SHAKE128 and SHAKE256 (FIPS 202): the Keccak-f[1600] sponge with the XOF
 * padding (domain bits 1111, then pad10*1).
 *
 * A state absorbs any number of byte strings, is finalized once, then squeezes
 * any number of output bytes; the squeezed stream does not depend on how the
 * input or output is split into calls. No branch or memory index depends on
 * the data, only on lengths. */
#ifndef NONOS_CRYPTO_SHAKE_H
#define NONOS_CRYPTO_SHAKE_H

#include <stddef.h>
#include <stdint.h>

#define SHAKE128_RATE 168 /* bytes absorbed or squeezed per permutation */
#define SHAKE256_RATE 136

struct shake_state {
    uint64_t lanes[25];
    size_t rate;      /* SHAKE128_RATE or SHAKE256_RATE */
    size_t position;  /* bytes of the current block absorbed or squeezed */
    int squeezing;    /* 0 while absorbing, 1 after shake_finalize */
};

void shake128_init(struct shake_state *state);
void shake256_init(struct shake_state *state);
/* Only before shake_finalize. */
void shake_absorb(struct shake_state *state, const uint8_t *in, size_t in_len);
/* Pads the input; afterwards only shake_squeeze. */
void shake_finalize(struct shake_state *state);
void shake_squeeze(struct shake_state *state, uint8_t *out, size_t out_len);
/* Squeezes the next whole block in place and returns the lanes that hold it
 * (rate / 8 lanes, little-endian bytes, valid until the next call): for
 * samplers that parse lanes instead of copying bytes. Only at a block
 * boundary (right after shake_finalize or after whole blocks). */
const uint64_t *shake_squeeze_block(struct shake_state *state);

/* One call each: out_len bytes of SHAKE128(in) or SHAKE256(in). */
void shake128(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len);
void shake256(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len);

/* The Keccak-f[1600] permutation (24 rounds) on 25 lanes, lane x + 5y. */
void keccak_f1600(uint64_t lanes[25]);

#endif
