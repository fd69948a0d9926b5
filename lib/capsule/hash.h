/* The one hash of the capsule format (since format version 4): unkeyed
 * BLAKE2b (RFC 7693) with a 32-byte output. The three section hashes of the
 * container, the proof digest (the capsule id) and the author fingerprint
 * are all this function; as text, ids and fingerprints are
 * CAPSULE_HASH_PREFIX followed by 64 lowercase hex digits.
 *
 * Why BLAKE2b and not SHA-256 (formats 1-3): the kernel hashes every byte
 * of the boot bundle before the prompt, with general registers only. Built
 * that way, lib/crypto's BLAKE2b costs about 7 instructions a byte and its
 * SHA-256 about 50 (docs/capsule-format.md, "Why BLAKE2b"). The 32-byte
 * output is BLAKE2b's own parameter, not a truncation: a BLAKE2b-256 digest
 * is unrelated to the BLAKE2b-512 one of the same bytes. */
#ifndef NONOS_CAPSULE_HASH_H
#define NONOS_CAPSULE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/blake2b.h"

#define CAPSULE_HASH_SIZE 32
#define CAPSULE_HASH_PREFIX "blake2b:"
/* What formats 1 to 3 wrote in the same places (refused with its own error). */
#define CAPSULE_HASH_PREFIX_OLD "sha256:"

void capsule_hash(const uint8_t *data, size_t len, uint8_t out[CAPSULE_HASH_SIZE]);

/* Incremental form: capsule_hash_init, blake2b_update any number of times,
 * capsule_hash_final (which wipes the state). */
void capsule_hash_init(struct blake2b_state *state);
void capsule_hash_final(struct blake2b_state *state, uint8_t out[CAPSULE_HASH_SIZE]);

#endif
