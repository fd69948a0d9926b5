/* HKDF (RFC 5869, section 2): PRK = HMAC(salt, IKM), then
 * T(i) = HMAC(PRK, T(i-1) || info || i) for i = 1..ceil(L / HashLen), and the
 * output is the first L bytes of T(1) || T(2) || ...
 *
 * The HMAC state keyed with the PRK is computed once and copied per block.
 * Only the requested length steers branches. */
#include "crypto/hkdf.h"

#include "crypto/hmac.h"

void hkdf_sha256_extract(uint8_t prk[HKDF_SHA256_PRK_SIZE], const uint8_t *salt,
                         size_t salt_len, const uint8_t *ikm, size_t ikm_len)
{
    hmac_sha256(salt, salt_len, ikm, ikm_len, prk);
}

enum crypto_result hkdf_sha256_expand(uint8_t *okm, size_t okm_len,
                                      const uint8_t prk[HKDF_SHA256_PRK_SIZE],
                                      const uint8_t *info, size_t info_len)
{
    if (okm_len > HKDF_SHA256_MAX_OUTPUT) {
        crypto_wipe(okm, okm_len);
        return CRYPTO_ERR_PARAMETER;
    }
    struct hmac_sha256_state keyed, state;
    uint8_t t[SHA256_DIGEST_SIZE];
    hmac_sha256_init(&keyed, prk, HKDF_SHA256_PRK_SIZE);
    for (size_t done = 0, counter = 1; done < okm_len; counter++) {
        uint8_t counter_byte = (uint8_t)counter;
        state = keyed;
        if (counter > 1)
            hmac_sha256_update(&state, t, sizeof(t));
        hmac_sha256_update(&state, info, info_len);
        hmac_sha256_update(&state, &counter_byte, 1);
        hmac_sha256_final(&state, t);
        size_t take = okm_len - done < sizeof(t) ? okm_len - done : sizeof(t);
        __builtin_memcpy(okm + done, t, take);
        done += take;
    }
    crypto_wipe(&keyed, sizeof(keyed));
    crypto_wipe(t, sizeof(t));
    return CRYPTO_OK;
}

enum crypto_result hkdf_sha256(uint8_t *okm, size_t okm_len, const uint8_t *salt,
                               size_t salt_len, const uint8_t *ikm,
                               size_t ikm_len, const uint8_t *info,
                               size_t info_len)
{
    uint8_t prk[HKDF_SHA256_PRK_SIZE];
    hkdf_sha256_extract(prk, salt, salt_len, ikm, ikm_len);
    enum crypto_result result = hkdf_sha256_expand(okm, okm_len, prk, info, info_len);
    crypto_wipe(prk, sizeof(prk));
    return result;
}

void hkdf_sha512_extract(uint8_t prk[HKDF_SHA512_PRK_SIZE], const uint8_t *salt,
                         size_t salt_len, const uint8_t *ikm, size_t ikm_len)
{
    hmac_sha512(salt, salt_len, ikm, ikm_len, prk);
}

enum crypto_result hkdf_sha512_expand(uint8_t *okm, size_t okm_len,
                                      const uint8_t prk[HKDF_SHA512_PRK_SIZE],
                                      const uint8_t *info, size_t info_len)
{
    if (okm_len > HKDF_SHA512_MAX_OUTPUT) {
        crypto_wipe(okm, okm_len);
        return CRYPTO_ERR_PARAMETER;
    }
    struct hmac_sha512_state keyed, state;
    uint8_t t[SHA512_DIGEST_SIZE];
    hmac_sha512_init(&keyed, prk, HKDF_SHA512_PRK_SIZE);
    for (size_t done = 0, counter = 1; done < okm_len; counter++) {
        uint8_t counter_byte = (uint8_t)counter;
        state = keyed;
        if (counter > 1)
            hmac_sha512_update(&state, t, sizeof(t));
        hmac_sha512_update(&state, info, info_len);
        hmac_sha512_update(&state, &counter_byte, 1);
        hmac_sha512_final(&state, t);
        size_t take = okm_len - done < sizeof(t) ? okm_len - done : sizeof(t);
        __builtin_memcpy(okm + done, t, take);
        done += take;
    }
    crypto_wipe(&keyed, sizeof(keyed));
    crypto_wipe(t, sizeof(t));
    return CRYPTO_OK;
}

enum crypto_result hkdf_sha512(uint8_t *okm, size_t okm_len, const uint8_t *salt,
                               size_t salt_len, const uint8_t *ikm,
                               size_t ikm_len, const uint8_t *info,
                               size_t info_len)
{
    uint8_t prk[HKDF_SHA512_PRK_SIZE];
    hkdf_sha512_extract(prk, salt, salt_len, ikm, ikm_len);
    enum crypto_result result = hkdf_sha512_expand(okm, okm_len, prk, info, info_len);
    crypto_wipe(prk, sizeof(prk));
    return result;
}
