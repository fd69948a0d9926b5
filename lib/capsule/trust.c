/* Trust store rules and dependency resolution (see trust.h).
 * Keys, fingerprints and ids are public, so plain comparisons are fine here. The resolver
 * walks the graph with an explicit stack bounded by TRUST_RESOLVE_MAX, so it
 * needs no recursion and no heap. */
#include "capsule/trust.h"

static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

static void copy_bytes(uint8_t *dst, const uint8_t *src, size_t len)
{
    for (size_t i = 0; i < len; i++)
        dst[i] = src[i];
}

void trust_init(struct trust_store *store, struct trust_author *authors,
                size_t author_cap, struct trust_record *records, size_t record_cap)
{
    store->authors = authors;
    store->author_count = 0;
    store->author_cap = author_cap;
    store->records = records;
    store->record_count = 0;
    store->record_cap = record_cap;
}

/* The registered author with this Ed25519 key (there is at most one). */
static const struct trust_author *find_author(const struct trust_store *store,
                                              const uint8_t ed25519[AUTHOR_ED25519_KEY_SIZE])
{
    for (size_t i = 0; i < store->author_count; i++) {
        if (same_bytes(store->authors[i].key.ed25519, ed25519, AUTHOR_ED25519_KEY_SIZE))
            return &store->authors[i];
    }
    return NULL;
}

enum capsule_error trust_add_author(struct trust_store *store,
                                    const struct author_key *author)
{
    const struct trust_author *known = find_author(store, author->ed25519);
    if (known != NULL)
        return author_equal(&known->key, author) ? CAPSULE_OK : CAPSULE_ERR_TRUST_KEY_CONFLICT;
    if (store->author_count == store->author_cap)
        return CAPSULE_ERR_TRUST_FULL;
    struct trust_author *a = &store->authors[store->author_count++];
    a->key = *author;
    author_fingerprint(author, a->fingerprint);
    return CAPSULE_OK;
}

const struct trust_author *trust_find_author(const struct trust_store *store,
                                             const struct author_key *signer)
{
    const struct trust_author *known = find_author(store, signer->ed25519);
    return known != NULL && author_equal(&known->key, signer) ? known : NULL;
}

static struct trust_record *find_record(const struct trust_store *store,
                                        const struct manifest_name *name)
{
    for (size_t i = 0; i < store->record_count; i++) {
        if (manifest_name_compare(&store->records[i].name, name) == 0)
            return &store->records[i];
    }
    return NULL;
}

/* Rule 1: the registered author the signer is, or why it is none. */
static enum capsule_error identify(const struct trust_store *store,
                                   const struct author_key *signer,
                                   const struct trust_author **out)
{
    *out = find_author(store, signer->ed25519);
    if (*out == NULL)
        return CAPSULE_ERR_TRUST_UNKNOWN_AUTHOR;
    if ((*out)->key.hybrid && !signer->hybrid)
        return CAPSULE_ERR_TRUST_DOWNGRADE;
    if (!author_equal(&(*out)->key, signer))
        return CAPSULE_ERR_TRUST_UNKNOWN_AUTHOR; /* another key set */
    return CAPSULE_OK;
}

enum capsule_error trust_check(const struct trust_store *store,
                               const struct manifest *m,
                               const uint8_t id[MANIFEST_HASH_SIZE],
                               const struct author_key *signer)
{
    const struct trust_author *author;
    enum capsule_error err = identify(store, signer, &author);
    if (err != CAPSULE_OK)
        return err;
    const struct trust_record *r = find_record(store, &m->name);
    if (r == NULL)
        return store->record_count < store->record_cap ? CAPSULE_OK
                                                       : CAPSULE_ERR_TRUST_FULL;
    if (!same_bytes(r->author, author->fingerprint, TRUST_FINGERPRINT_SIZE))
        return CAPSULE_ERR_TRUST_AUTHOR_CHANGED;
    int order = semver_compare(m->version, r->version);
    if (order < 0)
        return CAPSULE_ERR_TRUST_ROLLBACK;
    if (order == 0 && !same_bytes(r->id, id, MANIFEST_HASH_SIZE))
        return CAPSULE_ERR_TRUST_EQUIVOCATION;
    return CAPSULE_OK;
}

enum capsule_error trust_accept(struct trust_store *store,
                                const struct manifest *m,
                                const uint8_t id[MANIFEST_HASH_SIZE],
                                const struct author_key *signer)
{
    enum capsule_error err = trust_check(store, m, id, signer);
    if (err != CAPSULE_OK)
        return err;
    const struct trust_author *author = find_author(store, signer->ed25519);
    struct trust_record *r = find_record(store, &m->name);
    if (r == NULL)
        r = &store->records[store->record_count++];
    r->name = m->name;
    r->version = m->version;
    copy_bytes(r->id, id, MANIFEST_HASH_SIZE);
    copy_bytes(r->author, author->fingerprint, TRUST_FINGERPRINT_SIZE);
    return CAPSULE_OK;
}

static size_t find_item(const struct trust_item *items, size_t count,
                        const struct manifest_name *name)
{
    for (size_t i = 0; i < count; i++) {
        if (manifest_name_compare(&items[i].manifest->name, name) == 0)
            return i;
    }
    return count;
}

/* Checks every dependency edge; edges[i][d] gets the item it resolves to. */
static enum capsule_error check_edges(const struct trust_item *items, size_t count,
                                      uint8_t edges[][MANIFEST_DEPENDENCIES_MAX],
                                      struct trust_failure *failure)
{
    for (size_t i = 0; i < count; i++) {
        const struct manifest *m = items[i].manifest;
        failure->item = i;
        for (size_t d = 0; d < m->dependency_count; d++) {
            const struct manifest_dependency *dep = &m->dependencies[d];
            size_t target = find_item(items, count, &dep->name);
            failure->dependency = d;
            if (target == count)
                return CAPSULE_ERR_DEP_MISSING;
            if (!semver_range_contains(&dep->requirement, items[target].manifest->version))
                return CAPSULE_ERR_DEP_VERSION;
            if (dep->pinned && !same_bytes(dep->hash, items[target].id, MANIFEST_HASH_SIZE))
                return CAPSULE_ERR_DEP_HASH;
            if (dep->author_bound &&
                !same_bytes(dep->author, items[target].author, TRUST_FINGERPRINT_SIZE))
                return CAPSULE_ERR_DEP_AUTHOR;
            edges[i][d] = (uint8_t)target;
        }
    }
    return CAPSULE_OK;
}

enum { UNSEEN, ON_PATH, DONE };

struct frame {
    size_t item;
    size_t next; /* next dependency of item to visit */
};

/* Depth-first from root; post-order appends to order. */
static enum capsule_error visit(const struct trust_item *items, size_t root,
                                uint8_t edges[][MANIFEST_DEPENDENCIES_MAX],
                                uint8_t *state, size_t *order, size_t *done,
                                struct trust_failure *failure)
{
    struct frame stack[TRUST_RESOLVE_MAX];
    size_t depth = 0;
    stack[depth++] = (struct frame){ root, 0 };
    state[root] = ON_PATH;
    while (depth > 0) {
        struct frame *f = &stack[depth - 1];
        if (f->next == items[f->item].manifest->dependency_count) {
            state[f->item] = DONE;
            order[(*done)++] = f->item;
            depth--;
            continue;
        }
        size_t d = f->next++;
        size_t target = edges[f->item][d];
        if (state[target] == ON_PATH) {
            failure->item = f->item;
            failure->dependency = d;
            return CAPSULE_ERR_DEP_CYCLE;
        }
        if (state[target] == UNSEEN) {
            state[target] = ON_PATH; /* at most count frames are ever ON_PATH */
            stack[depth++] = (struct frame){ target, 0 };
        }
    }
    return CAPSULE_OK;
}

enum capsule_error trust_resolve(const struct trust_item *items, size_t count,
                                 size_t *order, struct trust_failure *failure)
{
    uint8_t edges[TRUST_RESOLVE_MAX][MANIFEST_DEPENDENCIES_MAX];
    uint8_t state[TRUST_RESOLVE_MAX];
    failure->item = 0;
    failure->dependency = 0;
    if (count > TRUST_RESOLVE_MAX)
        return CAPSULE_ERR_DEP_TOO_MANY;
    for (size_t i = 0; i < count; i++) {
        if (find_item(items, i, &items[i].manifest->name) != i) {
            failure->item = i;
            return CAPSULE_ERR_DEP_DUPLICATE_NAME;
        }
    }
    enum capsule_error err = check_edges(items, count, edges, failure);
    if (err != CAPSULE_OK)
        return err;
    for (size_t i = 0; i < count; i++)
        state[i] = UNSEEN;
    size_t done = 0;
    for (size_t i = 0; i < count && err == CAPSULE_OK; i++) {
        if (state[i] == UNSEEN)
            err = visit(items, i, edges, state, order, &done, failure);
    }
    return err;
}
