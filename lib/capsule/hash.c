/* The capsule format's hash: unkeyed BLAKE2b-256 (see hash.h). blake2b's
 * only failures are parameter errors (an output length outside 1..64, a key
 * longer than 64 bytes or NULL with a length): with the constant output
 * length 32 and no key they cannot happen, so the results are not checked
 * here and callers get void functions. */
#include "capsule/hash.h"

void capsule_hash(const uint8_t *data, size_t len, uint8_t out[CAPSULE_HASH_SIZE])
{
    (void)blake2b(out, CAPSULE_HASH_SIZE, NULL, 0, data, len);
}

void capsule_hash_init(struct blake2b_state *state)
{
    (void)blake2b_init(state, CAPSULE_HASH_SIZE, NULL, 0);
}

void capsule_hash_final(struct blake2b_state *state, uint8_t out[CAPSULE_HASH_SIZE])
{
    (void)blake2b_final(state, out, CAPSULE_HASH_SIZE);
}
