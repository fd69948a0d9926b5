/* ChaCha20-Poly1305 and XChaCha20-Poly1305 AEAD (see aead.h).
 *
 * RFC 8439 §2.8: the one-time Poly1305 key is the first 32 bytes of keystream
 * block 0; the message is encrypted from block 1; the tag covers
 * ad || pad16 || ciphertext || pad16 || le64(ad_len) || le64(ciphertext_len).
 * XChaCha20-Poly1305 runs the same construction under the HChaCha20 subkey of
 * the first 16 nonce bytes, with nonce 0x00000000 || nonce[16..24).
 *
 * Invariant: decryption never writes a plaintext byte before the tag has been
 * verified, and every failure path zeroes the caller's output buffer. */
#include "crypto/aead.h"

#include "base/checked.h"
#include "base/endian.h"
#include "crypto/chacha20.h"
#include "crypto/poly1305.h"

static const uint8_t aead_zero_pad[16];

static void aead_mac_padded(struct poly1305_state *mac, const uint8_t *data,
                            size_t len)
{
    poly1305_update(mac, data, len);
    if (len % 16 != 0)
        poly1305_update(mac, aead_zero_pad, 16 - len % 16);
}

/* The tag over (ad, ciphertext) under the block-0 Poly1305 key. */
static void aead_tag(uint8_t tag[16], const uint8_t key[32],
                     const uint8_t nonce[12], const uint8_t *ad, size_t ad_len,
                     const uint8_t *cipher, size_t cipher_len)
{
    uint8_t block0[64];
    uint8_t lengths[16];
    struct poly1305_state mac;
    chacha20_block(block0, key, nonce, 0);
    poly1305_init(&mac, block0);
    crypto_wipe(block0, sizeof block0);
    aead_mac_padded(&mac, ad, ad_len);
    aead_mac_padded(&mac, cipher, cipher_len);
    store64_le(lengths, (uint64_t)ad_len);
    store64_le(lengths + 8, (uint64_t)cipher_len);
    poly1305_update(&mac, lengths, sizeof lengths);
    poly1305_final(&mac, tag);
}

__attribute__((noinline)) static enum crypto_result aead_seal(uint8_t *out, size_t out_cap,
                                    const uint8_t *plain, size_t plain_len,
                                    const uint8_t *ad, size_t ad_len,
                                    const uint8_t nonce[12],
                                    const uint8_t key[32])
{
    size_t sealed_len;
    if (!size_add(plain_len, AEAD_TAG_SIZE, &sealed_len) ||
        sealed_len > out_cap || (uint64_t)plain_len > AEAD_MAX_PLAIN_SIZE) {
        crypto_wipe(out, out_cap);
        return CRYPTO_ERR_PARAMETER;
    }
    enum crypto_result result = chacha20_xor(out, plain, plain_len, key, nonce, 1);
    if (result != CRYPTO_OK) {
        crypto_wipe(out, out_cap);
        return result;
    }
    aead_tag(out + plain_len, key, nonce, ad, ad_len, out, plain_len);
    return CRYPTO_OK;
}

__attribute__((noinline)) static enum crypto_result aead_open(uint8_t *out, size_t out_cap,
                                    const uint8_t *sealed, size_t sealed_len,
                                    const uint8_t *ad, size_t ad_len,
                                    const uint8_t nonce[12],
                                    const uint8_t key[32])
{
    enum crypto_result result = CRYPTO_ERR_VERIFY;
    if (sealed_len < AEAD_TAG_SIZE)
        goto fail;
    size_t plain_len = sealed_len - AEAD_TAG_SIZE;
    result = CRYPTO_ERR_PARAMETER;
    if (plain_len > out_cap || (uint64_t)plain_len > AEAD_MAX_PLAIN_SIZE)
        goto fail;
    uint8_t tag[AEAD_TAG_SIZE];
    aead_tag(tag, key, nonce, ad, ad_len, sealed, plain_len);
    bool valid = crypto_equal(tag, sealed + plain_len, AEAD_TAG_SIZE);
    CRYPTO_DECLASSIFY(&valid, sizeof valid); /* the verdict is public */
    crypto_wipe(tag, sizeof tag);
    result = CRYPTO_ERR_VERIFY;
    if (!valid)
        goto fail;
    result = chacha20_xor(out, sealed, plain_len, key, nonce, 1);
    if (result != CRYPTO_OK)
        goto fail;
    return CRYPTO_OK;
fail:
    crypto_wipe(out, out_cap);
    return result;
}

/* The XChaCha20 subkey and 12-byte nonce for a 24-byte nonce. */
static void aead_xchacha_derive(uint8_t subkey[32], uint8_t short_nonce[12],
                                const uint8_t nonce[24], const uint8_t key[32])
{
    hchacha20(subkey, key, nonce);
    for (int i = 0; i < 4; i++)
        short_nonce[i] = 0;
    for (int i = 0; i < 8; i++)
        short_nonce[4 + i] = nonce[16 + i];
}

/* The tag computation leaves the one-time key's words in callee-saved
 * register pushes (memset's, inside the final wipe): the AEAD functions wipe
 * the stack their workers used (chacha20_xor wipes its own deeper frames). */
#define AEAD_STACK_DEPTH 768

enum crypto_result chacha20poly1305_encrypt(
    uint8_t *out, size_t out_cap, const uint8_t *plain, size_t plain_len,
    const uint8_t *ad, size_t ad_len, const uint8_t nonce[12],
    const uint8_t key[32])
{
    enum crypto_result result = aead_seal(out, out_cap, plain, plain_len, ad, ad_len, nonce, key);
    crypto_wipe_stack(AEAD_STACK_DEPTH);
    return result;
}

enum crypto_result chacha20poly1305_decrypt(
    uint8_t *out, size_t out_cap, const uint8_t *sealed, size_t sealed_len,
    const uint8_t *ad, size_t ad_len, const uint8_t nonce[12],
    const uint8_t key[32])
{
    enum crypto_result result = aead_open(out, out_cap, sealed, sealed_len, ad, ad_len, nonce,
                                          key);
    crypto_wipe_stack(AEAD_STACK_DEPTH);
    return result;
}

enum crypto_result xchacha20poly1305_encrypt(
    uint8_t *out, size_t out_cap, const uint8_t *plain, size_t plain_len,
    const uint8_t *ad, size_t ad_len, const uint8_t nonce[24],
    const uint8_t key[32])
{
    uint8_t subkey[32], short_nonce[12];
    aead_xchacha_derive(subkey, short_nonce, nonce, key);
    enum crypto_result result = aead_seal(out, out_cap, plain, plain_len, ad,
                                          ad_len, short_nonce, subkey);
    crypto_wipe(subkey, sizeof subkey);
    crypto_wipe_stack(AEAD_STACK_DEPTH);
    return result;
}

enum crypto_result xchacha20poly1305_decrypt(
    uint8_t *out, size_t out_cap, const uint8_t *sealed, size_t sealed_len,
    const uint8_t *ad, size_t ad_len, const uint8_t nonce[24],
    const uint8_t key[32])
{
    uint8_t subkey[32], short_nonce[12];
    aead_xchacha_derive(subkey, short_nonce, nonce, key);
    enum crypto_result result = aead_open(out, out_cap, sealed, sealed_len, ad,
                                          ad_len, short_nonce, subkey);
    crypto_wipe(subkey, sizeof subkey);
    crypto_wipe_stack(AEAD_STACK_DEPTH);
    return result;
}
