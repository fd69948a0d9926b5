/* ChaCha20 stream cipher (RFC 8439 §2.1-2.4), HChaCha20 and XChaCha20
 * (draft-irtf-cfrg-xchacha-03 §2.2-2.3).
 *
 * ChaCha20 here is the IETF variant: 256-bit key, 96-bit nonce, 32-bit block
 * counter. A (key, nonce) pair must never encrypt two different messages.
 * The counter never wraps: a request that would run past block 2^32 - 1 is
 * refused with CRYPTO_ERR_PARAMETER and writes nothing, because a wrapped
 * counter would reuse keystream.
 *
 * XChaCha20 derives a subkey from the key and the first 16 nonce bytes with
 * HChaCha20, then runs ChaCha20 with the nonce 0x00000000 || nonce[16..24).
 * Its 192-bit nonce is large enough to be picked at random.
 *
 * `out` may be exactly `in` (in-place) but must not otherwise overlap it. */
#ifndef NONOS_CRYPTO_CHACHA20_H
#define NONOS_CRYPTO_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define CHACHA20_KEY_SIZE 32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64
#define HCHACHA20_NONCE_SIZE 16
#define HCHACHA20_OUTPUT_SIZE 32
#define XCHACHA20_NONCE_SIZE 24

/* One 64-byte keystream block for the given counter (RFC 8439 §2.3). */
void chacha20_block(uint8_t out[CHACHA20_BLOCK_SIZE],
                    const uint8_t key[CHACHA20_KEY_SIZE],
                    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint32_t counter);

/* out = in XOR keystream, the keystream starting at block `counter`. */
CRYPTO_MUST_CHECK
enum crypto_result chacha20_xor(uint8_t *out, const uint8_t *in, size_t len,
                                const uint8_t key[CHACHA20_KEY_SIZE],
                                const uint8_t nonce[CHACHA20_NONCE_SIZE],
                                uint32_t counter);

/* out = the raw keystream starting at block `counter`. */
CRYPTO_MUST_CHECK
enum crypto_result chacha20_keystream(uint8_t *out, size_t len,
                                      const uint8_t key[CHACHA20_KEY_SIZE],
                                      const uint8_t nonce[CHACHA20_NONCE_SIZE],
                                      uint32_t counter);

/* The 32-byte HChaCha20 subkey of key and a 16-byte nonce. */
void hchacha20(uint8_t out[HCHACHA20_OUTPUT_SIZE],
               const uint8_t key[CHACHA20_KEY_SIZE],
               const uint8_t nonce[HCHACHA20_NONCE_SIZE]);

/* XChaCha20: out = in XOR keystream(key, 24-byte nonce) from block `counter`. */
CRYPTO_MUST_CHECK
enum crypto_result xchacha20_xor(uint8_t *out, const uint8_t *in, size_t len,
                                 const uint8_t key[CHACHA20_KEY_SIZE],
                                 const uint8_t nonce[XCHACHA20_NONCE_SIZE],
                                 uint32_t counter);

#endif
