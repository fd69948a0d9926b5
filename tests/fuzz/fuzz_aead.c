/* libFuzzer target: AEAD open (ChaCha20-Poly1305 and XChaCha20-Poly1305) on
 * arbitrary input.
 *
 * Input (tests/fuzz/aead_input.h): byte 0 picks the algorithm (bit 0) and
 * the mode (bits 1-2); then a 32-byte key, a 24-byte nonce (the first 12
 * bytes for ChaCha20), one byte of AD length, the AD, and the rest is the
 * message. Seeds: the committed corpus tests/corpus/aead (mode 0 files).
 *   mode 0: open the message as ciphertext || tag. Must never crash; a
 *           refusal must leave the output zeroed; a successful open must
 *           re-seal to exactly the same bytes.
 *   mode 1: seal the message, open it back, compare.
 *   mode 2: seal the message, XOR a fuzzer-chosen byte into one position
 *           (position and value from the message's first two bytes); a
 *           changed message must be refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/aead.h"
#include "tests/fuzz/aead_input.h"

static uint8_t plain[AEAD_INPUT_MAX_MESSAGE],
    sealed[AEAD_INPUT_MAX_MESSAGE + AEAD_TAG_SIZE];

static enum crypto_result fuzz_seal(const struct aead_input *in, const uint8_t *msg, size_t len)
{
    return in->extended
        ? xchacha20poly1305_encrypt(sealed, sizeof sealed, msg, len, in->ad, in->ad_len, in->nonce, in->key)
        : chacha20poly1305_encrypt(sealed, sizeof sealed, msg, len, in->ad, in->ad_len, in->nonce, in->key);
}

static enum crypto_result fuzz_open(const struct aead_input *in, const uint8_t *msg, size_t len)
{
    return in->extended
        ? xchacha20poly1305_decrypt(plain, sizeof plain, msg, len, in->ad, in->ad_len, in->nonce, in->key)
        : chacha20poly1305_decrypt(plain, sizeof plain, msg, len, in->ad, in->ad_len, in->nonce, in->key);
}

static void require(bool condition)
{
    if (!condition)
        abort();
}

static void require_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        require(p[i] == 0);
}

static void fuzz_open_arbitrary(const struct aead_input *in)
{
    enum crypto_result r = fuzz_open(in, in->message, in->len);
    if (r != CRYPTO_OK) {
        require(r == CRYPTO_ERR_VERIFY);
        require_zero(plain, sizeof plain);
        return;
    }
    size_t plain_len = in->len - AEAD_TAG_SIZE;
    require(fuzz_seal(in, plain, plain_len) == CRYPTO_OK);
    require(memcmp(sealed, in->message, in->len) == 0);
}

static void fuzz_round_trip(const struct aead_input *in, bool tamper)
{
    require(fuzz_seal(in, in->message, in->len) == CRYPTO_OK);
    size_t sealed_len = in->len + AEAD_TAG_SIZE;
    uint8_t delta = 0;
    if (tamper && in->len >= 2) {
        delta = in->message[1];
        sealed[in->message[0] % sealed_len] ^= delta;
    }
    enum crypto_result r = fuzz_open(in, sealed, sealed_len);
    if (delta != 0) {
        require(r == CRYPTO_ERR_VERIFY);
        require_zero(plain, sizeof plain);
    } else {
        require(r == CRYPTO_OK);
        require(memcmp(plain, in->message, in->len) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct aead_input in;
    if (!aead_input_parse(&in, data, size))
        return 0;
    if (in.mode == 0)
        fuzz_open_arbitrary(&in);
    else
        fuzz_round_trip(&in, in.mode == 2);
    return 0;
}
