/* Iterative lookups (Kademlia section 2.3) over disjoint paths (S/Kademlia
 * section 4.4). The candidates of a lookup are one list sorted by distance
 * to the target; each candidate belongs to one path: the path of the node
 * that named it first (the table's closest nodes are dealt round-robin).
 * A node named by another path is ignored, so a liar can only mislead the
 * path that asked it. Each path keeps up to DHT_ALPHA queries in flight to
 * its closest unqueried candidates and is done when its DHT_K closest live
 * candidates have all answered. A value lookup ends at the first valid
 * record of the wanted kind; a node or store lookup when every path is done
 * (a store lookup then sends STORE to the DHT_K closest that answered). */
#include "mesh/dht.h"

#include "mesh/dht_node_internal.h"
#include "mesh/dht_wire.h"

enum candidate_state { CANDIDATE_NEW, CANDIDATE_IN_FLIGHT, CANDIDATE_ANSWERED, CANDIDATE_FAILED };

static bool id_equal(const uint8_t a[DHT_ID_SIZE], const uint8_t b[DHT_ID_SIZE])
{
    for (unsigned i = 0; i < DHT_ID_SIZE; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static struct dht_candidate *candidate_find(struct dht_lookup *lookup, const uint8_t id[DHT_ID_SIZE])
{
    for (unsigned i = 0; i < lookup->candidate_count; i++)
        if (id_equal(lookup->candidates[i].contact.id, id))
            return &lookup->candidates[i];
    return NULL;
}

static void candidate_add(struct dht_node *node, struct dht_lookup *lookup,
                          const struct dht_contact *contact, unsigned path, unsigned hops)
{
    if (id_equal(contact->id, node->self.id) || candidate_find(lookup, contact->id) != NULL)
        return;
    unsigned at = lookup->candidate_count;
    while (at > 0 && dht_id_closer(lookup->target, contact->id,
                                   lookup->candidates[at - 1].contact.id) < 0)
        at--;
    if (at >= DHT_LOOKUP_CANDIDATES)
        return;
    if (lookup->candidate_count == DHT_LOOKUP_CANDIDATES) {
        if (lookup->candidates[DHT_LOOKUP_CANDIDATES - 1].state == CANDIDATE_IN_FLIGHT)
            return;
        lookup->candidate_count--;
    }
    for (unsigned i = lookup->candidate_count; i > at; i--)
        lookup->candidates[i] = lookup->candidates[i - 1];
    lookup->candidates[at].contact = *contact;
    lookup->candidates[at].state = CANDIDATE_NEW;
    lookup->candidates[at].path = (uint8_t)path;
    lookup->candidates[at].hops = (uint8_t)(hops > 255 ? 255 : hops);
    lookup->candidate_count++;
}

static void send_stores(struct dht_node *node, struct dht_lookup *lookup,
                        struct dht_lookup_result *result, uint64_t now)
{
    for (unsigned i = 0; i < result->contact_count; i++) {
        struct dht_request *request =
            dht_request_new(node, &result->closest[i], &result->closest[i].address, DHT_STORE, now);
        if (request == NULL)
            break;
        dht_send_request(node, request, NULL, NULL, &lookup->record);
        result->stores_sent++;
    }
}

static void lookup_finish(struct dht_node *node, unsigned index, const struct dht_record *record,
                          unsigned hops, uint64_t now)
{
    struct dht_lookup *lookup = &node->memory.lookups[index];
    struct dht_lookup_result result;
    __builtin_memset(&result, 0, sizeof result);
    result.latency = now - lookup->started;
    for (unsigned i = 0; i < lookup->candidate_count && result.contact_count < DHT_K; i++) {
        const struct dht_candidate *candidate = &lookup->candidates[i];
        if (candidate->state != CANDIDATE_ANSWERED)
            continue;
        if (result.contact_count == 0)
            result.hops = candidate->hops;
        result.closest[result.contact_count++] = candidate->contact;
    }
    if (record != NULL) {
        result.found = true;
        result.hops = hops;
        result.record = *record;
    } else if (lookup->kind != DHT_LOOKUP_VALUE) {
        result.found = result.contact_count > 0;
    }
    lookup->active = 0;
    for (unsigned i = 0; i < DHT_REQUESTS_MAX; i++)
        if (node->requests[i].used && node->requests[i].lookup == index + 1)
            node->requests[i].lookup = 0;
    if (lookup->kind == DHT_LOOKUP_STORE)
        send_stores(node, lookup, &result, now);
    if (lookup->done != NULL)
        lookup->done(lookup->done_context, &result);
}

static bool query(struct dht_node *node, unsigned index, struct dht_candidate *candidate, uint64_t now)
{
    struct dht_lookup *lookup = &node->memory.lookups[index];
    uint8_t type = lookup->kind == DHT_LOOKUP_VALUE ? DHT_FIND_VALUE : DHT_FIND_NODE;
    struct dht_request *request =
        dht_request_new(node, &candidate->contact, &candidate->contact.address, type, now);
    if (request == NULL)
        return false;
    request->lookup = (uint8_t)(index + 1);
    candidate->state = CANDIDATE_IN_FLIGHT;
    dht_send_request(node, request, lookup->target,
                     lookup->has_publisher ? lookup->publisher : NULL, NULL);
    return true;
}

/* Sends what path `path` may send; returns true when the path is done. */
static bool path_step(struct dht_node *node, unsigned index, unsigned path, uint64_t now)
{
    struct dht_lookup *lookup = &node->memory.lookups[index];
    unsigned in_flight = 0, live = 0;
    bool pending = false;
    for (unsigned i = 0; i < lookup->candidate_count; i++)
        if (lookup->candidates[i].path == path && lookup->candidates[i].state == CANDIDATE_IN_FLIGHT)
            in_flight++;
    for (unsigned i = 0; i < lookup->candidate_count && live < DHT_K; i++) {
        struct dht_candidate *candidate = &lookup->candidates[i];
        if (candidate->path != path || candidate->state == CANDIDATE_FAILED)
            continue;
        live++;
        if (candidate->state != CANDIDATE_NEW)
            continue;
        pending = true;
        if (in_flight < DHT_ALPHA && query(node, index, candidate, now))
            in_flight++;
    }
    return !pending && in_flight == 0;
}

static void lookup_step(struct dht_node *node, unsigned index, uint64_t now)
{
    bool done = true;
    for (unsigned path = 0; path < node->config.paths; path++)
        if (!path_step(node, index, path, now))
            done = false;
    if (done)
        lookup_finish(node, index, NULL, 0, now);
}

enum dht_error dht_lookup_start(struct dht_node *node, uint8_t kind, const uint8_t target[DHT_ID_SIZE],
                                uint8_t record_kind, const struct dht_record *record,
                                dht_lookup_done done, void *context, uint64_t now)
{
    struct dht_lookup *lookup = NULL;
    unsigned index = 0;
    for (; index < node->memory.lookup_capacity; index++)
        if (!node->memory.lookups[index].active) {
            lookup = &node->memory.lookups[index];
            break;
        }
    if (lookup == NULL)
        return DHT_ERR_BUSY;
    lookup->active = 1;
    lookup->kind = kind;
    lookup->record_kind = record_kind;
    __builtin_memcpy(lookup->target, target, DHT_ID_SIZE);
    lookup->started = now;
    lookup->candidate_count = 0;
    lookup->done = done;
    lookup->done_context = context;
    lookup->has_publisher = kind == DHT_LOOKUP_VALUE && record != NULL;
    if (lookup->has_publisher)
        __builtin_memcpy(lookup->publisher, record->publisher, DHT_PUBLIC_KEY_SIZE);
    else if (record != NULL)
        lookup->record = *record;
    struct dht_contact closest[DHT_K];
    unsigned count = dht_table_closest(node, target, closest, DHT_K);
    for (unsigned i = 0; i < count; i++)
        candidate_add(node, lookup, &closest[i], i % node->config.paths, 1);
    lookup_step(node, index, now);
    return DHT_OK;
}

static const struct dht_record *wanted_record(struct dht_node *node, const struct dht_lookup *lookup,
                                              const struct dht_message *message, uint64_t now,
                                              bool *lied)
{
    *lied = false;
    for (unsigned i = 0; i < message->record_count; i++) {
        const struct dht_record *record = &message->records[i];
        if (!id_equal(record->key, lookup->target) ||
            dht_record_validate(record, now, node->config.max_lifetime, node->config.difficulty) != DHT_OK) {
            *lied = true;
            continue;
        }
        if (lookup->has_publisher &&
            !id_equal(record->publisher, lookup->publisher)) /* both 32 bytes */
            continue;
        if (lookup->record_kind == 0 || record->kind == lookup->record_kind)
            return record;
    }
    return NULL;
}

void dht_lookup_response(struct dht_node *node, unsigned index, const struct dht_contact *sender,
                         const struct dht_message *message, uint64_t now)
{
    struct dht_lookup *lookup = &node->memory.lookups[index];
    struct dht_candidate *candidate = candidate_find(lookup, sender->id);
    if (!lookup->active || candidate == NULL || candidate->state != CANDIDATE_IN_FLIGHT)
        return;
    candidate->state = CANDIDATE_ANSWERED;
    unsigned path = candidate->path, hops = candidate->hops;
    if (message->type == DHT_VALUE) {
        bool lied;
        const struct dht_record *record = wanted_record(node, lookup, message, now, &lied);
        if (record != NULL) {
            lookup_finish(node, index, record, hops, now);
            return;
        }
        if (lied)
            candidate->state = CANDIDATE_FAILED;
    }
    for (unsigned i = 0; i < message->contact_count && message->type == DHT_NODES; i++)
        candidate_add(node, lookup, &message->contacts[i], path, hops + 1);
    lookup_step(node, index, now);
}

void dht_lookup_failed(struct dht_node *node, unsigned index, const uint8_t peer_id[DHT_ID_SIZE],
                       uint64_t now)
{
    struct dht_lookup *lookup = &node->memory.lookups[index];
    struct dht_candidate *candidate = candidate_find(lookup, peer_id);
    if (!lookup->active || candidate == NULL)
        return;
    candidate->state = CANDIDATE_FAILED;
    lookup_step(node, index, now);
}

void dht_lookups_tick(struct dht_node *node, uint64_t now)
{
    for (unsigned i = 0; i < node->memory.lookup_capacity; i++) {
        struct dht_lookup *lookup = &node->memory.lookups[i];
        if (!lookup->active)
            continue;
        if (now - lookup->started >= node->config.lookup_timeout)
            lookup_finish(node, i, NULL, 0, now);
        else
            lookup_step(node, i, now);
    }
}

uint64_t dht_lookups_next_deadline(const struct dht_node *node, uint64_t now)
{
    (void)now;
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < node->memory.lookup_capacity; i++) {
        const struct dht_lookup *lookup = &node->memory.lookups[i];
        if (lookup->active && lookup->started + node->config.lookup_timeout < next)
            next = lookup->started + node->config.lookup_timeout;
    }
    return next;
}

enum dht_error dht_node_find_node(struct dht_node *node, const uint8_t target[DHT_ID_SIZE],
                                  dht_lookup_done done, void *context, uint64_t now)
{
    return dht_lookup_start(node, DHT_LOOKUP_NODE, target, 0, NULL, done, context, now);
}

enum dht_error dht_node_find_value(struct dht_node *node, const uint8_t key[DHT_ID_SIZE],
                                   uint8_t record_kind, const uint8_t *publisher,
                                   dht_lookup_done done, void *context, uint64_t now)
{
    struct dht_record filter;
    if (publisher != NULL)
        __builtin_memcpy(filter.publisher, publisher, DHT_PUBLIC_KEY_SIZE);
    return dht_lookup_start(node, DHT_LOOKUP_VALUE, key, record_kind,
                            publisher != NULL ? &filter : NULL, done, context, now);
}

static enum dht_error publish(struct dht_node *node, struct dht_record *record,
                              dht_lookup_done done, void *context, uint64_t now)
{
    enum dht_error error = dht_record_sign(record, &node->key);
    if (error != DHT_OK)
        return error;
    error = dht_store_put(node, record, now);
    if (error != DHT_OK)
        return error;
    return dht_lookup_start(node, DHT_LOOKUP_STORE, record->key, 0, record, done, context, now);
}

enum dht_error dht_node_put(struct dht_node *node, const uint8_t key[DHT_ID_SIZE],
                            const uint8_t *value, size_t value_len, uint64_t sequence,
                            uint64_t expiry, dht_lookup_done done, void *context, uint64_t now)
{
    struct dht_record record;
    if (value_len > DHT_VALUE_MAX)
        return DHT_ERR_PARAMETER;
    __builtin_memset(&record, 0, sizeof record);
    record.kind = DHT_RECORD_VALUE;
    __builtin_memcpy(record.key, key, DHT_ID_SIZE);
    record.sequence = sequence;
    record.expiry = expiry;
    record.value_len = (uint16_t)value_len;
    if (value_len > 0)
        __builtin_memcpy(record.value, value, value_len);
    return publish(node, &record, done, context, now);
}

enum dht_error dht_node_provide(struct dht_node *node, const uint8_t key[DHT_ID_SIZE],
                                uint64_t expiry, dht_lookup_done done, void *context,
                                uint64_t now)
{
    struct dht_record record;
    __builtin_memset(&record, 0, sizeof record);
    record.kind = DHT_RECORD_PROVIDER;
    __builtin_memcpy(record.key, key, DHT_ID_SIZE);
    record.sequence = now;
    record.expiry = expiry;
    record.value_len = DHT_CONTACT_WIRE_SIZE;
    dht_wire_contact_encode(&node->self, record.value);
    return publish(node, &record, done, context, now);
}
