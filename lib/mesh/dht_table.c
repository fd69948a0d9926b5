/* The routing table: k-buckets by common-prefix length with our own ID,
 * kept in one caller-given pool of entries (most of the 256 buckets of a
 * real table are empty, so a pool of a few hundred entries serves any mesh
 * size). Invariants: at most DHT_K entries per bucket, at most
 * config.per_range entries of one address range per bucket, no entry for
 * our own ID, no two entries with one ID, and the used entries packed at
 * the front of the pool (node->table_count of them; a removal moves the
 * last one into the hole), so scans read only live entries. Least recently
 * seen = smallest last_seen: the oldest is the one pinged before eviction. */
#include "mesh/dht.h"

#include "base/endian.h"

static unsigned bucket_of(const struct dht_node *node, const uint8_t id[DHT_ID_SIZE])
{
    return dht_id_common_prefix(node->self.id, id);
}

static bool id_equal(const uint8_t a[DHT_ID_SIZE], const uint8_t b[DHT_ID_SIZE])
{
    if (load64_le(a) != load64_le(b)) /* the common case, decided in one word */
        return false;
    uint8_t diff = 0;
    for (unsigned i = 0; i < DHT_ID_SIZE; i++)
        diff |= a[i] ^ b[i];
    return diff == 0;
}

struct dht_table_entry *dht_table_find(struct dht_node *node, const uint8_t id[DHT_ID_SIZE])
{
    for (size_t i = 0; i < node->table_count; i++) {
        struct dht_table_entry *entry = &node->memory.table[i];
        if (id_equal(entry->contact.id, id))
            return entry;
    }
    return NULL;
}

unsigned dht_table_bucket_count(const struct dht_node *node, unsigned bucket)
{
    unsigned count = 0;
    for (size_t i = 0; i < node->table_count; i++)
        if (node->memory.table[i].bucket == bucket)
            count++;
    return count;
}

unsigned dht_table_size(const struct dht_node *node)
{
    return (unsigned)node->table_count;
}

/* Counts the bucket's entries, those in the contact's range, and finds the
 * oldest entry and a free slot. */
struct bucket_scan {
    unsigned count, in_range;
    struct dht_table_entry *oldest, *free_slot;
};

static struct bucket_scan scan_bucket(struct dht_node *node, unsigned bucket,
                                      const struct dht_address *address)
{
    struct bucket_scan scan = { 0, 0, NULL, NULL };
    if (node->memory.table == NULL) /* dht_node_init refuses it; for the analyzer */
        return scan;
    if (node->table_count < node->memory.table_capacity)
        scan.free_slot = &node->memory.table[node->table_count];
    for (size_t i = 0; i < node->table_count; i++) {
        struct dht_table_entry *entry = &node->memory.table[i];
        if (entry->bucket != bucket)
            continue;
        scan.count++;
        if (dht_address_same_range(&entry->contact.address, address))
            scan.in_range++;
        if (scan.oldest == NULL || entry->last_seen < scan.oldest->last_seen)
            scan.oldest = entry;
    }
    return scan;
}

enum dht_table_outcome dht_table_observe(struct dht_node *node, const struct dht_contact *contact,
                                         uint64_t now, struct dht_table_entry **oldest)
{
    *oldest = NULL;
    if (id_equal(contact->id, node->self.id))
        return DHT_TABLE_SELF;
    struct dht_table_entry *known = dht_table_find(node, contact->id);
    if (known != NULL) {
        /* The address is kept: a message from elsewhere under a known ID
         * does not move the entry (defences: no hijacking by address). */
        known->last_seen = now;
        known->failures = 0;
        return DHT_TABLE_UPDATED;
    }
    unsigned bucket = bucket_of(node, contact->id);
    struct bucket_scan scan = scan_bucket(node, bucket, &contact->address);
    if (scan.in_range >= node->config.per_range)
        return DHT_TABLE_RANGE;
    if (scan.count >= DHT_K) {
        *oldest = scan.oldest;
        return DHT_TABLE_FULL;
    }
    if (scan.free_slot == NULL)
        return DHT_TABLE_NO_ROOM;
    scan.free_slot->contact = *contact;
    scan.free_slot->last_seen = now;
    scan.free_slot->bucket = (uint16_t)bucket;
    scan.free_slot->failures = 0;
    scan.free_slot->used = 1;
    node->table_count++;
    return DHT_TABLE_ADDED;
}

void dht_table_remove(struct dht_node *node, struct dht_table_entry *entry)
{
    struct dht_table_entry *last = &node->memory.table[node->table_count - 1];
    if (entry != last)
        *entry = *last;
    __builtin_memset(last, 0, sizeof *last);
    node->table_count--;
}

/* Distances are compared on their first 64 bits, which decide all but
 * astronomically rare ties; a tie falls back to the full comparison. */
struct ranked {
    uint64_t distance;
    const struct dht_contact *contact;
};

static bool ranked_before(const uint8_t target[DHT_ID_SIZE], const struct ranked *a,
                          const struct ranked *b)
{
    if (a->distance != b->distance)
        return a->distance < b->distance;
    return dht_id_closer(target, a->contact->id, b->contact->id) < 0;
}

unsigned dht_table_closest(const struct dht_node *node, const uint8_t target[DHT_ID_SIZE],
                           struct dht_contact *out, unsigned max)
{
    struct ranked best[DHT_K] = { { 0, NULL } };
    unsigned count = 0;
    uint64_t target_word = load64_be(target);
    if (max > DHT_K)
        max = DHT_K;
    for (size_t i = 0; i < node->table_count && max > 0; i++) {
        struct ranked entry = { load64_be(node->memory.table[i].contact.id) ^ target_word,
                                &node->memory.table[i].contact };
        if (count == max && !ranked_before(target, &entry, &best[max - 1]))
            continue;
        unsigned at = count < max ? count++ : max - 1;
        while (at > 0 && ranked_before(target, &entry, &best[at - 1])) {
            best[at] = best[at - 1];
            at--;
        }
        best[at] = entry;
    }
    for (unsigned i = 0; i < count; i++)
        out[i] = *best[i].contact;
    return count;
}
