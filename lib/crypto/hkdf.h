/* HKDF (RFC 5869) over HMAC-SHA-256 and HMAC-SHA-512.
 *
 * extract turns input keying material into a pseudorandom key (PRK) of one
 * hash length; expand stretches a PRK into up to 255 hash lengths of output
 * bound to `info`. An empty salt means a hash length of zeros (RFC 5869
 * section 2.2), which HMAC's zero padding of the key gives for free.
 * Freestanding, no heap; every intermediate is wiped. */
#ifndef NONOS_CRYPTO_HKDF_H
#define NONOS_CRYPTO_HKDF_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "crypto/sha512.h"

#define HKDF_SHA256_PRK_SIZE SHA256_DIGEST_SIZE
#define HKDF_SHA512_PRK_SIZE SHA512_DIGEST_SIZE
#define HKDF_SHA256_MAX_OUTPUT (255 * SHA256_DIGEST_SIZE) /* 8160 bytes */
#define HKDF_SHA512_MAX_OUTPUT (255 * SHA512_DIGEST_SIZE) /* 16320 bytes */

void hkdf_sha256_extract(uint8_t prk[HKDF_SHA256_PRK_SIZE], const uint8_t *salt,
                         size_t salt_len, const uint8_t *ikm, size_t ikm_len);
/* CRYPTO_ERR_PARAMETER (and okm zeroed) when okm_len exceeds
 * HKDF_SHA256_MAX_OUTPUT; an okm_len of 0 is valid and writes nothing. */
CRYPTO_MUST_CHECK
enum crypto_result hkdf_sha256_expand(uint8_t *okm, size_t okm_len,
                                      const uint8_t prk[HKDF_SHA256_PRK_SIZE],
                                      const uint8_t *info, size_t info_len);
/* extract then expand. */
CRYPTO_MUST_CHECK
enum crypto_result hkdf_sha256(uint8_t *okm, size_t okm_len, const uint8_t *salt,
                               size_t salt_len, const uint8_t *ikm,
                               size_t ikm_len, const uint8_t *info,
                               size_t info_len);

void hkdf_sha512_extract(uint8_t prk[HKDF_SHA512_PRK_SIZE], const uint8_t *salt,
                         size_t salt_len, const uint8_t *ikm, size_t ikm_len);
CRYPTO_MUST_CHECK
enum crypto_result hkdf_sha512_expand(uint8_t *okm, size_t okm_len,
                                      const uint8_t prk[HKDF_SHA512_PRK_SIZE],
                                      const uint8_t *info, size_t info_len);
CRYPTO_MUST_CHECK
enum crypto_result hkdf_sha512(uint8_t *okm, size_t okm_len, const uint8_t *salt,
                               size_t salt_len, const uint8_t *ikm,
                               size_t ikm_len, const uint8_t *info,
                               size_t info_len);

#endif
