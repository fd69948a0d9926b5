/* libFuzzer target for Argon2id's parameter handling and memory contract.
 *
 * The input picks every parameter, including out-of-range ones: a 12-byte
 * header (t, lanes, m, tag length, work blocks, and the lengths of password,
 * salt, secret and associated data, each taken from the rest of the input;
 * tests/fuzz/argon2id_input.h). Seeds: tests/corpus/argon2id, each file
 * named after its exact result (checked by suite 20).
 * Checks: the result code is exactly the one the RFC ranges predict, a
 * refused call leaves the tag zeroed, an accepted one is deterministic, and
 * when the parameters fit libsodium's API (p = 1, 16-byte salt, no secret or
 * data, tag >= 16) the tag equals crypto_pwhash_argon2id's. Memory is capped
 * small (m < 400 KiB, t <= 3) to keep executions fast. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/argon2id.h"
#include "tests/fuzz/argon2id_input.h"

static struct argon2id_block work[ARGON2ID_INPUT_MAX_BLOCKS];
static uint8_t tag[ARGON2ID_INPUT_MAX_TAG], again[ARGON2ID_INPUT_MAX_TAG],
    reference[ARGON2ID_INPUT_MAX_TAG];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    struct argon2id_input in;
    if (sodium_init() < 0 || !argon2id_input_parse(&in, data, size))
        return 0;
    const struct argon2id_params p = in.params;
    const size_t tag_len = in.tag_len, blocks = in.blocks;

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
