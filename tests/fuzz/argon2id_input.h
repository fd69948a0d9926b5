/* The input layout of tests/fuzz/fuzz_argon2id.c, shared with the check of
 * the committed corpus tests/corpus/argon2id (tests/crypto/hash_vectors.c),
 * so both read a file the same way.
 *
 * A 12-byte header: t_cost (byte 0, mod 4), parallelism (byte 1, mod 6),
 * m_cost (bytes 2-3 little-endian, mod 400), tag length (bytes 4-5, mod
 * 600), work blocks (bytes 6-7, mod 421), then the lengths of password,
 * salt, secret and associated data (bytes 8-11); each field is taken in that
 * order from the rest of the input, cut short where the input ends. Out of
 * range values stay reachable (t 0, p 0, m < 8p, tag < 4, too few blocks):
 * they are what the refusals are tested with. */
#ifndef NONOS_TESTS_FUZZ_ARGON2ID_INPUT_H
#define NONOS_TESTS_FUZZ_ARGON2ID_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/endian.h"
#include "crypto/argon2id.h"

#define ARGON2ID_INPUT_HEADER 12
#define ARGON2ID_INPUT_MAX_BLOCKS 420
#define ARGON2ID_INPUT_MAX_TAG 600

struct argon2id_input {
    struct argon2id_params params;
    size_t tag_len, blocks;
};

/* Takes up to `want` bytes from the input cursor. */
static inline const uint8_t *argon2id_input_take(const uint8_t **data, size_t *size,
                                                 size_t want, size_t *got)
{
    const uint8_t *p = *data;
    *got = want < *size ? want : *size;
    *data += *got;
    *size -= *got;
    return p;
}

/* false when data is shorter than the header. */
static inline bool argon2id_input_parse(struct argon2id_input *in, const uint8_t *data,
                                        size_t size)
{
    if (size < ARGON2ID_INPUT_HEADER)
        return false;
    struct argon2id_params *p = &in->params;
    *p = (struct argon2id_params){
        .t_cost = data[0] % 4u,
        .parallelism = data[1] % 6u,
        .m_cost = load16_le(data + 2) % 400u,
    };
    in->tag_len = load16_le(data + 4) % ARGON2ID_INPUT_MAX_TAG;
    in->blocks = load16_le(data + 6) % (ARGON2ID_INPUT_MAX_BLOCKS + 1);
    const uint8_t lengths[4] = { data[8], data[9], data[10], data[11] };
    data += ARGON2ID_INPUT_HEADER;
    size -= ARGON2ID_INPUT_HEADER;
    p->password = argon2id_input_take(&data, &size, lengths[0], &p->password_len);
    p->salt = argon2id_input_take(&data, &size, lengths[1], &p->salt_len);
    p->secret = argon2id_input_take(&data, &size, lengths[2], &p->secret_len);
    p->associated = argon2id_input_take(&data, &size, lengths[3], &p->associated_len);
    return true;
}

#endif
