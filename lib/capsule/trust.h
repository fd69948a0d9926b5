/* The trust store and the update rules, and dependency resolution.
 *
 * The store holds the registered authors (author.h: an Ed25519 key, and an
 * ML-DSA-65 key for a hybrid author) and, per capsule name, the highest
 * version accepted so far with its content id and author fingerprint. No
 * heap: the caller gives the arrays. Rules (trust_check, in this order):
 *   1. the proof's keys must be exactly a registered author's key set
 *      (ERR_TRUST_UNKNOWN_AUTHOR), and when they are a registered hybrid
 *      author's Ed25519 key alone, the ML-DSA-65 half was stripped
 *                                                  (ERR_TRUST_DOWNGRADE)
 *   2. a name stays with the author that first had it (ERR_TRUST_AUTHOR_CHANGED)
 *   3. never a lower version than one accepted     (ERR_TRUST_ROLLBACK)
 *   4. never a different capsule (id) for a name and version already
 *      accepted                                    (ERR_TRUST_EQUIVOCATION)
 * Accepting the same capsule twice is allowed and changes nothing. One
 * Ed25519 key belongs to at most one registered author, so an Ed25519-only
 * author keeps working and a hybrid author cannot be downgraded.
 *
 * trust_resolve checks a set of capsules against each other: every
 * dependency must be met by the capsule of that name in the set, whose
 * version is in the required range, whose id is the pinned hash (when
 * pinned) and whose author fingerprint is the bound author (when bound);
 * the dependency graph must have no cycle. It returns a start order in
 * which dependencies come first. */
#ifndef NONOS_CAPSULE_TRUST_H
#define NONOS_CAPSULE_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsule/author.h"
#include "capsule/error.h"
#include "capsule/manifest.h"

#define TRUST_FINGERPRINT_SIZE AUTHOR_FINGERPRINT_SIZE
#define TRUST_RESOLVE_MAX 64

struct trust_author {
    struct author_key key;
    uint8_t fingerprint[TRUST_FINGERPRINT_SIZE];
};

struct trust_record {
    struct manifest_name name;
    struct semver version;
    uint8_t id[MANIFEST_HASH_SIZE];
    uint8_t author[TRUST_FINGERPRINT_SIZE];  /* fingerprint */
};

struct trust_store {
    struct trust_author *authors;
    size_t author_count;
    size_t author_cap;
    struct trust_record *records;
    size_t record_count;
    size_t record_cap;
};

void trust_init(struct trust_store *store, struct trust_author *authors,
                size_t author_cap, struct trust_record *records,
                size_t record_cap);

/* Registers an author (idempotent); CAPSULE_ERR_TRUST_FULL when no room,
 * CAPSULE_ERR_TRUST_KEY_CONFLICT when its Ed25519 key is already
 * registered with another key set. */
enum capsule_error trust_add_author(struct trust_store *store,
                                    const struct author_key *author);

/* The registered author whose key set is exactly signer's, or NULL. */
const struct trust_author *trust_find_author(const struct trust_store *store,
                                             const struct author_key *signer);

/* The decision alone; changes nothing. signer: the capsule's proof keys. */
enum capsule_error trust_check(const struct trust_store *store,
                               const struct manifest *m,
                               const uint8_t id[MANIFEST_HASH_SIZE],
                               const struct author_key *signer);

/* trust_check, then records the capsule as the accepted one for its name. */
enum capsule_error trust_accept(struct trust_store *store,
                                const struct manifest *m,
                                const uint8_t id[MANIFEST_HASH_SIZE],
                                const struct author_key *signer);

struct trust_item {
    const struct manifest *manifest;
    const uint8_t *id;     /* MANIFEST_HASH_SIZE bytes */
    const uint8_t *author; /* TRUST_FINGERPRINT_SIZE bytes */
};

/* Where resolution failed: the item and the index of its dependency. */
struct trust_failure {
    size_t item;
    size_t dependency;
};

/* Resolves items[0..count) and writes a start order (indices into items,
 * dependencies first) to order[0..count). */
enum capsule_error trust_resolve(const struct trust_item *items, size_t count,
                                 size_t *order, struct trust_failure *failure);

#endif
