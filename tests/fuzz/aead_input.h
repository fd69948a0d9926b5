/* The input layout of tests/fuzz/fuzz_aead.c, shared with the check of the
 * committed corpus tests/corpus/aead (tests/crypto/stream_vectors.c), so both
 * read a file the same way.
 *
 * Byte 0: bit 0 picks XChaCha20-Poly1305 (else ChaCha20-Poly1305), bits 1-2
 * the fuzzer's mode (value mod 3). Then a 32-byte key, a 24-byte nonce
 * (ChaCha20 uses its first 12 bytes), one byte of AD length (clamped to what
 * follows), the AD, and the rest is the message (for mode 0, ciphertext ||
 * tag). Inputs shorter than 58 bytes or with a message over
 * AEAD_INPUT_MAX_MESSAGE are not parsed. */
#ifndef NONOS_TESTS_FUZZ_AEAD_INPUT_H
#define NONOS_TESTS_FUZZ_AEAD_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AEAD_INPUT_HEADER (1 + 32 + 24 + 1)
#define AEAD_INPUT_MAX_MESSAGE 4096

struct aead_input {
    bool extended;
    int mode;
    const uint8_t *key, *nonce, *ad, *message;
    size_t ad_len, len;
};

/* false when data cannot be read as an input (too short, message too long). */
static inline bool aead_input_parse(struct aead_input *in, const uint8_t *data, size_t size)
{
    if (size < AEAD_INPUT_HEADER)
        return false;
    in->extended = data[0] & 1;
    in->mode = (data[0] >> 1) % 3;
    in->key = data + 1;
    in->nonce = data + 33;
    in->ad_len = data[57];
    size_t rest = size - AEAD_INPUT_HEADER;
    if (in->ad_len > rest)
        in->ad_len = rest;
    in->ad = data + AEAD_INPUT_HEADER;
    in->message = in->ad + in->ad_len;
    in->len = rest - in->ad_len;
    return in->len <= AEAD_INPUT_MAX_MESSAGE;
}

#endif
