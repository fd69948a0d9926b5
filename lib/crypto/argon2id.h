/* Argon2id (RFC 9106, version 0x13): memory-hard password hashing and key
 * derivation, used to turn the vault passphrase into a key.
 *
 * No heap: the caller provides the work memory as an array of 1 KiB blocks
 * (argon2id_blocks_needed tells how many) and owns it; the function wipes
 * what it used before returning. Lanes are computed one after another, so
 * `parallelism` changes the result (as the RFC defines it) but not the
 * number of threads. Freestanding. */
#ifndef NONOS_CRYPTO_ARGON2ID_H
#define NONOS_CRYPTO_ARGON2ID_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define ARGON2ID_VERSION 0x13
#define ARGON2ID_BLOCK_SIZE 1024            /* bytes per memory block */
#define ARGON2ID_MIN_TAG_SIZE 4             /* RFC 9106 section 3.1 */
#define ARGON2ID_MAX_LANES 0xffffffu        /* 2^24 - 1 */
#define ARGON2ID_MAX_INPUT 0xffffffffu      /* any byte string: 2^32 - 1 */

/* One 1 KiB block of work memory, as 128 little-endian 64-bit words. */
struct argon2id_block {
    uint64_t v[ARGON2ID_BLOCK_SIZE / 8];
};

struct argon2id_params {
    uint32_t t_cost;      /* passes over memory, >= 1 */
    uint32_t m_cost;      /* memory in KiB, >= 8 * parallelism */
    uint32_t parallelism; /* lanes, 1 .. ARGON2ID_MAX_LANES */
    const uint8_t *password;   size_t password_len;   /* P */
    const uint8_t *salt;       size_t salt_len;       /* S (16 bytes advised) */
    const uint8_t *secret;     size_t secret_len;     /* K, optional */
    const uint8_t *associated; size_t associated_len; /* X, optional */
};

/* Work blocks argon2id needs for m_cost and parallelism: m_cost rounded down
 * to a multiple of 4 * parallelism. 0 when the pair is out of range. */
size_t argon2id_blocks_needed(uint32_t m_cost, uint32_t parallelism);

/* Computes the tag_len-byte tag. Returns CRYPTO_ERR_PARAMETER when a
 * parameter is outside RFC 9106's ranges (tag_len < 4 or > 2^32 - 1, t_cost
 * 0, parallelism 0 or > 2^24 - 1, m_cost < 8 * parallelism, an input longer
 * than 2^32 - 1 bytes, or a NULL pointer with a nonzero length), and
 * CRYPTO_ERR_MEMORY when work_blocks < argon2id_blocks_needed(). On any
 * failure the tag is zeroed (unless tag_len itself exceeds 2^32 - 1: such a
 * length is not trusted enough to write that much) and the work memory is
 * untouched. */
CRYPTO_MUST_CHECK
enum crypto_result argon2id(uint8_t *tag, size_t tag_len,
                            const struct argon2id_params *params,
                            struct argon2id_block *work, size_t work_blocks);

#endif
