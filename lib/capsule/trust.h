/* The trust store and the update rules, and dependency resolution.
 *
 * The store holds the accepted author keys and, per capsule name, the
 * highest version accepted so far with its content id and author. No heap:
 * the caller gives the arrays. Rules (trust_check, in this order):
 *   1. the author key must be in the store        (ERR_TRUST_UNKNOWN_AUTHOR)
 *   2. a name stays with the key that first had it (ERR_TRUST_AUTHOR_CHANGED)
 *   3. never a lower version than one accepted     (ERR_TRUST_ROLLBACK)
 *   4. never a different capsule (id) for a name and version already
 *      accepted                                    (ERR_TRUST_EQUIVOCATION)
 * Accepting the same capsule twice is allowed and changes nothing.
 *
 * trust_resolve checks a set of capsules against each other: every
 * dependency must be met by the capsule of that name in the set, whose
 * version is in the required range and, when the dependency pins a hash,
 * whose id is that hash; the dependency graph must have no cycle. It
 * returns a start order in which dependencies come first. */
#ifndef NONOS_CAPSULE_TRUST_H
#define NONOS_CAPSULE_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsule/error.h"
#include "capsule/manifest.h"

#define TRUST_KEY_SIZE 32
#define TRUST_RESOLVE_MAX 64

struct trust_key {
    uint8_t key[TRUST_KEY_SIZE];
};

struct trust_record {
    struct manifest_name name;
    struct semver version;
    uint8_t id[MANIFEST_HASH_SIZE];
    uint8_t author[TRUST_KEY_SIZE];
};

struct trust_store {
    struct trust_key *keys;
    size_t key_count;
    size_t key_cap;
    struct trust_record *records;
    size_t record_count;
    size_t record_cap;
};

void trust_init(struct trust_store *store, struct trust_key *keys,
                size_t key_cap, struct trust_record *records,
                size_t record_cap);

/* Adds an author key (idempotent); CAPSULE_ERR_TRUST_FULL when no room. */
enum capsule_error trust_add_key(struct trust_store *store,
                                 const uint8_t key[TRUST_KEY_SIZE]);
bool trust_has_key(const struct trust_store *store,
                   const uint8_t key[TRUST_KEY_SIZE]);

/* The decision alone; changes nothing. */
enum capsule_error trust_check(const struct trust_store *store,
                               const struct manifest *m,
                               const uint8_t id[MANIFEST_HASH_SIZE],
                               const uint8_t author[TRUST_KEY_SIZE]);

/* trust_check, then records the capsule as the accepted one for its name. */
enum capsule_error trust_accept(struct trust_store *store,
                                const struct manifest *m,
                                const uint8_t id[MANIFEST_HASH_SIZE],
                                const uint8_t author[TRUST_KEY_SIZE]);

struct trust_item {
    const struct manifest *manifest;
    const uint8_t *id; /* MANIFEST_HASH_SIZE bytes */
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
