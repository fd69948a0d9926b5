/* libFuzzer target: AEAD open (ChaCha20-Poly1305 and XChaCha20-Poly1305) on
 * arbitrary input.
 *
 * Input: byte 0 picks the algorithm (bit 0) and the mode (bits 1-2); then a
 * 32-byte key, a 24-byte nonce (the first 12 bytes for ChaCha20), one byte
 * of AD length, the AD, and the rest is the message.
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

#define MAX_MESSAGE 4096

static uint8_t plain[MAX_MESSAGE], sealed[MAX_MESSAGE + AEAD_TAG_SIZE];

struct fuzz_input {
    bool extended;
    int mode;
    const uint8_t *key, *nonce, *ad, *message;
    size_t ad_len, len;
};

static enum crypto_result fuzz_seal(const struct fuzz_input *in, const uint8_t *msg, size_t len)
{
    return in->extended
        ? xchacha20poly1305_encrypt(sealed, sizeof sealed, msg, len, in->ad, in->ad_len, in->nonce, in->key)
        : chacha20poly1305_encrypt(sealed, sizeof sealed, msg, len, in->ad, in->ad_len, in->nonce, in->key);
}

static enum crypto_result fuzz_open(const struct fuzz_input *in, const uint8_t *msg, size_t len)
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

static void fuzz_open_arbitrary(const struct fuzz_input *in)
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

static void fuzz_round_trip(const struct fuzz_input *in, bool tamper)
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
    if (size < 1 + 32 + 24 + 1)
        return 0;
    struct fuzz_input in;
    in.extended = data[0] & 1;
    in.mode = (data[0] >> 1) % 3;
    in.key = data + 1;
    in.nonce = data + 33;
    in.ad_len = data[57];
    size_t rest = size - 58;
    if (in.ad_len > rest)
        in.ad_len = rest;
    in.ad = data + 58;
    in.message = in.ad + in.ad_len;
    in.len = rest - in.ad_len;
    if (in.len > MAX_MESSAGE)
        return 0;
    if (in.mode == 0)
        fuzz_open_arbitrary(&in);
    else
        fuzz_round_trip(&in, in.mode == 2);
    return 0;
}
