/* An author's public identity: the keys a capsule's proof is checked
 * against, one per signature algorithm. Ed25519 is always there; a hybrid
 * author also has an ML-DSA-65 key. An author is named by its fingerprint:
 *
 *   encoding    = u16 key count (1 or 2)
 *                 count x ( u16 algorithm || u16 key length || key )
 *                 algorithms exactly [1] (Ed25519) or [1, 2] (+ ML-DSA-65)
 *   fingerprint = BLAKE2b-256( "NONOS-AUTHOR-v4" || 0x00 || encoding )
 *
 * (capsule/hash.h; formats 2 and 3 took SHA-256 under "NONOS-AUTHOR-v2").
 *
 * The encoding is the bundle's form of a trusted author; the fingerprint is
 * what the trust store records per name and what a dependency's `author`
 * names. One key set has one encoding, so one fingerprint; the Ed25519-only
 * author E and the hybrid author (E, M) are two different authors.
 * Layout in docs/capsule-format.md ("Authors"). */
#ifndef NONOS_CAPSULE_AUTHOR_H
#define NONOS_CAPSULE_AUTHOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "capsule/error.h"
#include "capsule/hash.h"
#include "crypto/mldsa65.h"

#define AUTHOR_DOMAIN "NONOS-AUTHOR-v4"
#define AUTHOR_FINGERPRINT_SIZE CAPSULE_HASH_SIZE
#define AUTHOR_ALGORITHM_ED25519 1
#define AUTHOR_ALGORITHM_MLDSA65 2
#define AUTHOR_ED25519_KEY_SIZE 32
#define AUTHOR_MLDSA65_KEY_SIZE MLDSA65_PUBLIC_KEY_SIZE
/* The encoding of a hybrid author, the longest there is. */
#define AUTHOR_ENCODED_MAX (2 + 4 + AUTHOR_ED25519_KEY_SIZE + 4 + AUTHOR_MLDSA65_KEY_SIZE)

struct author_key {
    uint8_t ed25519[AUTHOR_ED25519_KEY_SIZE];
    bool hybrid;                              /* mldsa65 below is valid */
    uint8_t mldsa65[AUTHOR_MLDSA65_KEY_SIZE];
};

/* Writes the encoding of a into out[AUTHOR_ENCODED_MAX]; returns its length. */
size_t author_encode(const struct author_key *a, uint8_t out[AUTHOR_ENCODED_MAX]);

/* Decodes one author from the start of in; *used gets its length.
 * CAPSULE_ERR_BUNDLE_TRUNCATED when in ends inside it,
 * CAPSULE_ERR_BUNDLE_KEY for any other departure from the encoding. */
enum capsule_error author_decode(struct bytes in, size_t *used, struct author_key *out);

void author_fingerprint(const struct author_key *a,
                        uint8_t fingerprint[AUTHOR_FINGERPRINT_SIZE]);

/* True when a and b are the same key set. */
bool author_equal(const struct author_key *a, const struct author_key *b);

#endif
