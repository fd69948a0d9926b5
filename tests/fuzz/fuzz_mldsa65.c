/* libFuzzer target: ML-DSA-65 public-key and signature decoding, through
 * mldsa65_verify. Input layout: public key (1952 bytes), signature (3309
 * bytes), the rest is the message (empty context). Shorter inputs are
 * ignored; the seed corpus (tests/corpus/mldsa65) has full-size inputs.
 *
 * Checks, any failure aborts:
 *  - verify returns CRYPTO_OK, CRYPTO_ERR_ENCODING or CRYPTO_ERR_VERIFY only;
 *  - it returns CRYPTO_ERR_ENCODING exactly when an independent, bit-by-bit
 *    reading of FIPS 204 Algorithms 21 and 27 written here finds the hints
 *    malformed or some |z| >= gamma1 - beta;
 *  - a well-formed signature re-encodes to the same bytes (hint and z
 *    packing round trip), and so does the public key's t1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/mldsa65.h"
#include "crypto/mldsa65_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bit i of the little-endian bit string at bytes. */
static unsigned bit_at(const uint8_t *bytes, size_t i)
{
    return (bytes[i / 8] >> (i % 8)) & 1;
}

/* Reference reading of the signature's encoding: 1 when malformed. */
static int reference_malformed(const uint8_t *signature)
{
    const uint8_t *z = signature + MLDSA65_Z_OFFSET;
    for (size_t c = 0; c < (size_t)MLDSA65_L * MLDSA_N; c++) {
        long value = 0;
        for (unsigned b = 0; b < 20; b++)
            value |= (long)bit_at(z, 20 * c + b) << b;
        long coefficient = MLDSA65_GAMMA1 - value;
        if (labs(coefficient) >= MLDSA65_GAMMA1 - MLDSA65_BETA)
            return 1;
    }
    const uint8_t *y = signature + MLDSA65_HINT_OFFSET;
    unsigned previous_end = 0;
    for (unsigned i = 0; i < MLDSA65_K; i++) {
        unsigned end = y[MLDSA65_OMEGA + i];
        if (end < previous_end || end > MLDSA65_OMEGA)
            return 1;
        for (unsigned index = previous_end + 1; index < end; index++)
            if (y[index] <= y[index - 1])
                return 1;
        previous_end = end;
    }
    for (unsigned index = previous_end; index < MLDSA65_OMEGA; index++)
        if (y[index] != 0)
            return 1;
    return 0;
}

static void check_round_trip(const uint8_t *public_key, const uint8_t *signature)
{
    struct mldsa_poly poly;
    uint8_t hints[MLDSA65_K][MLDSA_N], bytes[MLDSA65_Z_POLY_BYTES];
    uint8_t hint_bytes[MLDSA65_OMEGA + MLDSA65_K];
    for (unsigned r = 0; r < MLDSA65_K; r++)
        if (mldsa_unpack_hints(hints[r], r, signature + MLDSA65_HINT_OFFSET) != 0)
            abort();
    mldsa_pack_hints(hint_bytes, hints);
    if (memcmp(hint_bytes, signature + MLDSA65_HINT_OFFSET, sizeof hint_bytes) != 0) {
        fprintf(stderr, "hint encoding does not round-trip\n");
        abort();
    }
    for (unsigned c = 0; c < MLDSA65_L; c++) {
        const uint8_t *packed = signature + MLDSA65_Z_OFFSET + c * MLDSA65_Z_POLY_BYTES;
        mldsa_unpack_z(&poly, packed);
        mldsa_pack_z(bytes, &poly);
        if (memcmp(bytes, packed, MLDSA65_Z_POLY_BYTES) != 0) {
            fprintf(stderr, "z encoding does not round-trip\n");
            abort();
        }
    }
    for (unsigned r = 0; r < MLDSA65_K; r++) {
        const uint8_t *packed = public_key + 32 + r * MLDSA65_T1_POLY_BYTES;
        mldsa_unpack_t1(&poly, packed);
        mldsa_pack_t1(bytes, &poly);
        if (memcmp(bytes, packed, MLDSA65_T1_POLY_BYTES) != 0) {
            fprintf(stderr, "t1 encoding does not round-trip\n");
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < MLDSA65_PUBLIC_KEY_SIZE + MLDSA65_SIGNATURE_SIZE)
        return 0;
    const uint8_t *public_key = data, *signature = data + MLDSA65_PUBLIC_KEY_SIZE;
    const uint8_t *message = signature + MLDSA65_SIGNATURE_SIZE;
    size_t message_len = size - MLDSA65_PUBLIC_KEY_SIZE - MLDSA65_SIGNATURE_SIZE;
    enum crypto_result result =
        mldsa65_verify(signature, message, message_len, NULL, 0, public_key);
    if (result != CRYPTO_OK && result != CRYPTO_ERR_ENCODING && result != CRYPTO_ERR_VERIFY) {
        fprintf(stderr, "mldsa65_verify returned undocumented code %d\n", (int)result);
        abort();
    }
    int malformed = reference_malformed(signature);
    if ((result == CRYPTO_ERR_ENCODING) != malformed) {
        fprintf(stderr, "mldsa65_verify: %s, reference reading: %s\n",
                crypto_result_message(result), malformed ? "malformed" : "well formed");
        abort();
    }
    if (!malformed)
        check_round_trip(public_key, signature);
    return 0;
}
