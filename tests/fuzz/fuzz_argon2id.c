/* libFuzzer target for Argon2id's parameter handling and memory contract.
 *
 * The input picks every parameter, including out-of-range ones: a 12-byte
 * header (t, lanes, m, tag length, work blocks, and the lengths of password,
 * salt, secret and associated data, each taken from the rest of the input).
 * Checks: the result code is exactly the one the RFC ranges predict, a
 * refused call leaves the tag zeroed, an accepted one is deterministic, and
 * when the parameters fit libsodium's API (p = 1, 16-byte salt, no secret or
 * data, tag >= 16) the tag equals crypto_pwhash_argon2id's. Memory is capped
 * small (m < 400 KiB, t <= 3) to keep executions fast. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "crypto/argon2id.h"

#define MAX_BLOCKS 420
#define MAX_TAG 600

static struct argon2id_block work[MAX_BLOCKS];
static uint8_t tag[MAX_TAG], again[MAX_TAG], reference[MAX_TAG];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Takes up to `want` bytes from the input cursor. */
static const uint8_t *take(const uint8_t **data, size_t *size, size_t want, size_t *got)
{
    const uint8_t *p = *data;
    *got = want < *size ? want : *size;
    *data += *got;
    *size -= *got;
    return p;
}

static enum crypto_result expected(const struct argon2id_params *p, size_t tag_len,
                                   size_t blocks)
{
    if (tag_len < 4 || p->t_cost == 0 || p->parallelism == 0 ||
        p->m_cost < 8 * p->parallelism)
        return CRYPTO_ERR_PARAMETER;
    size_t group = 4 * (size_t)p->parallelism;
    return blocks < p->m_cost / group * group ? CRYPTO_ERR_MEMORY : CRYPTO_OK;
}

static void compare_with_libsodium(const struct argon2id_params *p, size_t tag_len)
{
    if (p->parallelism != 1 || p->salt_len != crypto_pwhash_argon2id_SALTBYTES ||
        p->secret_len != 0 || p->associated_len != 0 || tag_len < 16)
        return;
    if (crypto_pwhash_argon2id(reference, tag_len, (const char *)p->password,
                               p->password_len, p->salt, p->t_cost,
                               (size_t)p->m_cost * 1024,
                               crypto_pwhash_argon2id_ALG_ARGON2ID13) != 0 ||
        memcmp(tag, reference, tag_len) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 12 || sodium_init() < 0)
        return 0;
    struct argon2id_params p = {
        .t_cost = data[0] % 4u,
        .parallelism = data[1] % 6u,
        .m_cost = load16_le(data + 2) % 400u,
    };
    size_t tag_len = load16_le(data + 4) % MAX_TAG;
    size_t blocks = load16_le(data + 6) % (MAX_BLOCKS + 1);
    uint8_t lengths[4] = { data[8], data[9], data[10], data[11] };
    data += 12;
    size -= 12;
    p.password = take(&data, &size, lengths[0], &p.password_len);
    p.salt = take(&data, &size, lengths[1], &p.salt_len);
    p.secret = take(&data, &size, lengths[2], &p.secret_len);
    p.associated = take(&data, &size, lengths[3], &p.associated_len);

    memset(tag, 0xa5, sizeof(tag));
    enum crypto_result want = expected(&p, tag_len, blocks);
    enum crypto_result got = argon2id(tag, tag_len, &p, work, blocks);
    if (got != want)
        abort();
    if (got != CRYPTO_OK) {
        for (size_t i = 0; i < tag_len; i++)
            if (tag[i] != 0)
                abort();
        return 0;
    }
    if (argon2id(again, tag_len, &p, work, blocks) != CRYPTO_OK ||
        memcmp(tag, again, tag_len) != 0)
        abort();
    compare_with_libsodium(&p, tag_len);
    return 0;
}
