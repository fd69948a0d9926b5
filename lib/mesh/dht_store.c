/* Record storage: one slot per (kind, key, publisher), in caller-given
 * memory. Bounded three ways: the slot count, a share per publisher
 * (config.records_per_publisher), and, when full, a record only displaces
 * the stored one whose key is farthest from our ID (we are responsible for
 * keys near us). Every record is validated before it is kept; an identical
 * copy of a stored record (same signature) only resets its republish timer,
 * which is how the holders of a record avoid republishing it all at once. */
#include "mesh/dht.h"

#include "mesh/dht_node_internal.h"

static bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static bool same_slot(const struct dht_record *a, const struct dht_record *b)
{
    return a->kind == b->kind && bytes_equal(a->key, b->key, DHT_ID_SIZE) &&
           bytes_equal(a->publisher, b->publisher, DHT_PUBLIC_KEY_SIZE);
}

static uint64_t republish_time(struct dht_node *node, uint64_t now)
{
    uint64_t interval = node->config.republish_interval;
    return now + interval + dht_random64(node) % (interval / 2 + 1);
}

/* A slot for a new record, or NULL (storage full of closer keys). */
static struct dht_stored *free_slot(struct dht_node *node, const struct dht_record *record,
                                    uint64_t now)
{
    struct dht_stored *farthest = NULL;
    for (size_t i = 0; i < node->memory.record_capacity; i++) {
        struct dht_stored *slot = &node->memory.records[i];
        if (!slot->used || slot->record.expiry <= now)
            return slot;
        if (farthest == NULL ||
            dht_id_closer(node->self.id, slot->record.key, farthest->record.key) > 0)
            farthest = slot;
    }
    if (farthest != NULL && dht_id_closer(node->self.id, record->key, farthest->record.key) < 0)
        return farthest;
    return NULL;
}

static unsigned publisher_count(const struct dht_node *node, const uint8_t *publisher, uint64_t now)
{
    unsigned count = 0;
    for (size_t i = 0; i < node->memory.record_capacity; i++) {
        const struct dht_stored *slot = &node->memory.records[i];
        if (slot->used && slot->record.expiry > now &&
            bytes_equal(slot->record.publisher, publisher, DHT_PUBLIC_KEY_SIZE))
            count++;
    }
    return count;
}

/* Recomputed after every change of the store (put, tick), so that asking
 * for the next deadline, which the caller does after every event, costs
 * nothing. */
static void store_deadline_update(struct dht_node *node)
{
    uint64_t next = UINT64_MAX;
    for (size_t i = 0; i < node->memory.record_capacity; i++) {
        const struct dht_stored *slot = &node->memory.records[i];
        if (!slot->used)
            continue;
        if (slot->republish_at < next)
            next = slot->republish_at;
        if (slot->record.expiry < next)
            next = slot->record.expiry;
    }
    node->store_deadline = next;
}

static enum dht_error store_put(struct dht_node *node, const struct dht_record *record, uint64_t now);

enum dht_error dht_store_put(struct dht_node *node, const struct dht_record *record, uint64_t now)
{
    enum dht_error error = store_put(node, record, now);
    store_deadline_update(node);
    return error;
}

static enum dht_error store_put(struct dht_node *node, const struct dht_record *record, uint64_t now)
{
    struct dht_stored *existing = NULL;
    for (size_t i = 0; i < node->memory.record_capacity && existing == NULL; i++)
        if (node->memory.records[i].used && same_slot(&node->memory.records[i].record, record))
            existing = &node->memory.records[i];
    if (existing != NULL && existing->record.sequence == record->sequence &&
        existing->record.expiry > now &&
        bytes_equal(existing->record.signature, record->signature, ED25519_SIGNATURE_SIZE)) {
        existing->republish_at = republish_time(node, now);
        return DHT_OK;
    }
    enum dht_error error =
        dht_record_validate(record, now, node->config.max_lifetime, node->config.difficulty);
    if (error != DHT_OK)
        return error;
    if (existing != NULL && existing->record.expiry > now &&
        existing->record.sequence >= record->sequence)
        return DHT_ERR_RECORD_STALE;
    if (existing == NULL) {
        if (publisher_count(node, record->publisher, now) >= node->config.records_per_publisher)
            return DHT_ERR_STORE_FULL;
        existing = free_slot(node, record, now);
        if (existing == NULL)
            return DHT_ERR_STORE_FULL;
    }
    existing->record = *record;
    existing->used = 1;
    existing->republish_at = republish_time(node, now);
    node->stats.records_stored++;
    return DHT_OK;
}

unsigned dht_store_lookup(struct dht_node *node, const uint8_t key[DHT_ID_SIZE],
                          const uint8_t publisher[DHT_PUBLIC_KEY_SIZE], struct dht_record *out,
                          uint8_t *count, uint64_t now)
{
    static const uint8_t any[DHT_PUBLIC_KEY_SIZE];
    bool filter = !bytes_equal(publisher, any, DHT_PUBLIC_KEY_SIZE);
    unsigned found = 0;
    for (size_t i = 0; i < node->memory.record_capacity && found < DHT_VALUE_RECORDS_MAX; i++) {
        const struct dht_stored *slot = &node->memory.records[i];
        if (slot->used && slot->record.expiry > now && bytes_equal(slot->record.key, key, DHT_ID_SIZE) &&
            (!filter || bytes_equal(slot->record.publisher, publisher, DHT_PUBLIC_KEY_SIZE)))
            out[found++] = slot->record;
    }
    *count = (uint8_t)found;
    return found;
}

void dht_store_tick(struct dht_node *node, uint64_t now)
{
    for (size_t i = 0; i < node->memory.record_capacity; i++) {
        struct dht_stored *slot = &node->memory.records[i];
        if (!slot->used)
            continue;
        if (slot->record.expiry <= now) {
            __builtin_memset(slot, 0, sizeof *slot);
            continue;
        }
        if (slot->republish_at > now)
            continue;
        enum dht_error error = dht_lookup_start(node, DHT_LOOKUP_STORE, slot->record.key, 0,
                                                &slot->record, NULL, NULL, now);
        slot->republish_at = error == DHT_OK ? republish_time(node, now) : now + 1000;
    }
    store_deadline_update(node);
}

uint64_t dht_store_next_deadline(const struct dht_node *node)
{
    return node->store_deadline;
}
