/* The canonical binary manifest: the only form of a manifest that is
 * hashed, signed, stored and read by the kernel.
 *
 * Fixed field order, fixed-width little-endian integers (so no integer has
 * two encodings), length-prefixed strings, booleans as exactly 0 or 1, lists
 * strictly ascending by byte order, every field always present. The decoder
 * rejects any byte string that the encoder would not produce for the same
 * meaning: for every accepted input, canonical_encode(canonical_decode(b))
 * == b. The layout is specified in docs/capsule-format.md. */
#ifndef NONOS_CAPSULE_CANONICAL_H
#define NONOS_CAPSULE_CANONICAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "capsule/error.h"
#include "capsule/manifest.h"

#define CANONICAL_MAGIC "NMAN"
/* 4 (format 4): the layout of 3, but a dependency's hash and author are
 * BLAKE2b-256 ids and fingerprints, no longer SHA-256 ones: the same bytes
 * would mean another capsule or author, so the version moves with the
 * format's. 3: capability slots, provided services, supervisor right,
 * restart rule. 2: dependencies carry an author binding; text refuses C1
 * controls and bidirectional overrides and isolates. Only the current
 * version is decoded: one meaning, one encoding. */
#define CANONICAL_ENCODING_VERSION 4
/* Upper bound of an encoding with every list full and every string at its
 * maximum length. */
#define CANONICAL_MANIFEST_MAX 16384

/* Encodes m into out. m must be valid (as manifest_from_toml leaves it);
 * an invalid m is refused with CAPSULE_ERR_CANON_VALUE or _ORDER, a short
 * buffer with CAPSULE_ERR_CANON_SPACE. */
enum capsule_error canonical_encode(const struct manifest *m,
                                    struct byte_buffer *out);

/* Decodes exactly the bytes in `in` into m, refusing non-canonical input. */
enum capsule_error canonical_decode(struct bytes in, struct manifest *m);

#endif
