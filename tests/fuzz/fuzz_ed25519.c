/* libFuzzer target: Ed25519 verification of arbitrary (signature, public key,
 * message). Input layout: 64 bytes signature, 32 bytes public key, the rest is
 * the message. ed25519_verify must never crash, must return one of its
 * documented codes, and must decide exactly as libsodium's
 * crypto_sign_verify_detached (docs/crypto.md): any disagreement aborts.
 * Shorter inputs are also signed with a key derived from them, so the fuzzer
 * reaches the accepting path and mutates from valid signatures too. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "crypto/ed25519.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_agreement(const uint8_t *signature, const uint8_t *message, size_t length,
                            const uint8_t *public_key)
{
    const enum crypto_result ours = ed25519_verify(signature, message, length, public_key);
    const int theirs = crypto_sign_verify_detached(signature, message, length, public_key);
    if (ours != CRYPTO_OK && ours != CRYPTO_ERR_VERIFY && ours != CRYPTO_ERR_ENCODING &&
        ours != CRYPTO_ERR_WEAK_KEY) {
        fprintf(stderr, "ed25519_verify returned undocumented code %d\n", (int)ours);
        abort();
    }
    if ((ours == CRYPTO_OK) != (theirs == 0)) {
        fprintf(stderr, "ed25519_verify: ours %s, libsodium %s\n", crypto_result_message(ours),
                theirs == 0 ? "accepts" : "rejects");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (sodium_init() < 0)
        abort();
    if (size >= ED25519_SIGNATURE_SIZE + ED25519_PUBLIC_KEY_SIZE) {
        check_agreement(data, data + 96, size - 96, data + 64);
        return 0;
    }
    /* Short input: seed = first bytes padded, message = the input; sign with
     * ours, require acceptance by both, then check a one-bit change. */
    uint8_t seed[32] = { 0 }, public_key[32], secret_key[64], signature[64];
    for (size_t i = 0; i < size && i < 32; i++)
        seed[i] = data[i];
    struct ed25519_secret_key key;
    ed25519_keypair(public_key, secret_key, seed);
    ed25519_key_from_seed(&key, seed);
    if (ed25519_sign(signature, data, size, &key) != CRYPTO_OK)
        abort();
    if (ed25519_verify(signature, data, size, public_key) != CRYPTO_OK)
        abort();
    check_agreement(signature, data, size, public_key);
    signature[size % 64] ^= (uint8_t)(1u << (size % 8));
    check_agreement(signature, data, size, public_key);
    return 0;
}
