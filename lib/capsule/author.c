/* Author identities: encoding, decoding and fingerprint (see author.h).
 * Keys are public, so plain comparisons are fine. */
#include "capsule/author.h"

#include "base/endian.h"

static void put_key(uint8_t *out, size_t *pos, uint16_t algorithm,
                    const uint8_t *key, size_t len)
{
    store16_le(out + *pos, algorithm);
    store16_le(out + *pos + 2, (uint16_t)len);
    for (size_t i = 0; i < len; i++)
        out[*pos + 4 + i] = key[i];
    *pos += 4 + len;
}

size_t author_encode(const struct author_key *a, uint8_t out[AUTHOR_ENCODED_MAX])
{
    size_t pos = 2;
    store16_le(out, a->hybrid ? 2 : 1);
    put_key(out, &pos, AUTHOR_ALGORITHM_ED25519, a->ed25519, AUTHOR_ED25519_KEY_SIZE);
    if (a->hybrid)
        put_key(out, &pos, AUTHOR_ALGORITHM_MLDSA65, a->mldsa65, AUTHOR_MLDSA65_KEY_SIZE);
    return pos;
}

/* Key i of the encoding at in.data + *pos: algorithm i + 1 with its size. */
static enum capsule_error take_key(struct bytes in, size_t *pos, uint16_t algorithm,
                                   uint8_t *key, size_t len)
{
    if (in.len - *pos < 4)
        return CAPSULE_ERR_BUNDLE_TRUNCATED;
    if (load16_le(in.data + *pos) != algorithm || load16_le(in.data + *pos + 2) != len)
        return CAPSULE_ERR_BUNDLE_KEY;
    if (in.len - *pos - 4 < len)
        return CAPSULE_ERR_BUNDLE_TRUNCATED;
    for (size_t i = 0; i < len; i++)
        key[i] = in.data[*pos + 4 + i];
    *pos += 4 + len;
    return CAPSULE_OK;
}

enum capsule_error author_decode(struct bytes in, size_t *used, struct author_key *out)
{
    if (in.len < 2)
        return CAPSULE_ERR_BUNDLE_TRUNCATED;
    uint16_t count = load16_le(in.data);
    if (count != 1 && count != 2)
        return CAPSULE_ERR_BUNDLE_KEY;
    size_t pos = 2;
    out->hybrid = count == 2;
    enum capsule_error err = take_key(in, &pos, AUTHOR_ALGORITHM_ED25519, out->ed25519,
                                      AUTHOR_ED25519_KEY_SIZE);
    if (err == CAPSULE_OK && out->hybrid)
        err = take_key(in, &pos, AUTHOR_ALGORITHM_MLDSA65, out->mldsa65,
                       AUTHOR_MLDSA65_KEY_SIZE);
    *used = pos;
    return err;
}

void author_fingerprint(const struct author_key *a,
                        uint8_t fingerprint[AUTHOR_FINGERPRINT_SIZE])
{
    static const uint8_t domain[] = AUTHOR_DOMAIN; /* with its NUL */
    uint8_t head[2 + 4 + AUTHOR_ED25519_KEY_SIZE + 4];
    struct blake2b_state state;
    capsule_hash_init(&state);
    blake2b_update(&state, domain, sizeof domain);
    /* the encoding, without copying the ML-DSA-65 key */
    size_t pos = 2;
    store16_le(head, a->hybrid ? 2 : 1);
    put_key(head, &pos, AUTHOR_ALGORITHM_ED25519, a->ed25519, AUTHOR_ED25519_KEY_SIZE);
    blake2b_update(&state, head, pos);
    if (a->hybrid) {
        store16_le(head, AUTHOR_ALGORITHM_MLDSA65);
        store16_le(head + 2, AUTHOR_MLDSA65_KEY_SIZE);
        blake2b_update(&state, head, 4);
        blake2b_update(&state, a->mldsa65, AUTHOR_MLDSA65_KEY_SIZE);
    }
    capsule_hash_final(&state, fingerprint);
}

bool author_equal(const struct author_key *a, const struct author_key *b)
{
    /* Public keys: memcmp (word by word in the kernel, lib/base/mem.c). */
    if (a->hybrid != b->hybrid ||
        __builtin_memcmp(a->ed25519, b->ed25519, AUTHOR_ED25519_KEY_SIZE) != 0)
        return false;
    return !a->hybrid || __builtin_memcmp(a->mldsa65, b->mldsa65, AUTHOR_MLDSA65_KEY_SIZE) == 0;
}
