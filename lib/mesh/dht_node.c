/* A DHT node: answers requests, runs lookups, stores records, keeps its
 * table alive. Single-threaded and event-driven: the caller feeds it
 * datagrams (dht_node_receive) and time (dht_node_tick at
 * dht_node_next_deadline), and it sends through the transport.
 *
 * Invariants: a response is accepted only for an outstanding request with
 * the same id, address and (when known) peer ID, and only once; a request
 * from a peer over its rate limit gets no answer and changes nothing; only
 * peers that talk to us directly enter the table (contacts learned from
 * others are lookup candidates only); every stored record passed
 * dht_record_validate. */
#include "mesh/dht.h"

#include "base/endian.h"
#include "mesh/dht_node_internal.h"

void dht_config_default(struct dht_config *config)
{
    __builtin_memset(config, 0, sizeof *config);
    config->difficulty = MESH_ID_DIFFICULTY;
    config->paths = 2;
    config->per_range = 2;
    config->rpc_timeout = 1000;
    config->lookup_timeout = 10000;
    config->refresh_interval = 15 * 60 * 1000;
    config->republish_interval = 60 * 60 * 1000;
    config->max_lifetime = 48ull * 60 * 60 * 1000;
    config->rate_per_second = 50;
    config->rate_burst = 100;
    config->records_per_publisher = 16;
}

uint64_t dht_random64(struct dht_node *node)
{
    uint8_t bytes[8];
    node->config.random(node->config.random_context, bytes, sizeof bytes);
    uint64_t value = 0;
    for (unsigned i = 0; i < 8; i++)
        value = value << 8 | bytes[i];
    return value;
}

enum dht_error dht_node_init(struct dht_node *node, const struct dht_config *config,
                             const struct dht_transport *transport,
                             const struct dht_memory *memory,
                             const struct mesh_identity *identity,
                             const struct dht_address *address, uint64_t now)
{
    if (config->paths < 1 || config->paths > DHT_PATHS_MAX || config->random == NULL ||
        transport->send == NULL || memory->table == NULL || memory->table_capacity == 0 ||
        config->per_range == 0 || (memory->record_capacity > 0 && memory->records == NULL) ||
        (memory->lookup_capacity > 0 && memory->lookups == NULL))
        return DHT_ERR_PARAMETER;
    if (mesh_identity_check(&identity->public_part, config->difficulty) != MESH_OK)
        return DHT_ERR_ID_WORK;
    __builtin_memset(node, 0, sizeof *node);
    node->config = *config;
    node->transport = *transport;
    node->memory = *memory;
    node->key = identity->sign_key;
    dht_contact_of(&node->self, &identity->public_part, address);
    __builtin_memset(memory->table, 0, memory->table_capacity * sizeof *memory->table);
    if (memory->record_capacity > 0)
        __builtin_memset(memory->records, 0, memory->record_capacity * sizeof *memory->records);
    if (memory->lookup_capacity > 0)
        __builtin_memset(memory->lookups, 0, memory->lookup_capacity * sizeof *memory->lookups);
    node->store_deadline = UINT64_MAX;
    node->next_refresh = now + config->refresh_interval / 2 +
                         dht_random64(node) % (config->refresh_interval / 2 + 1);
    return DHT_OK;
}

void dht_node_clear(struct dht_node *node)
{
    crypto_wipe(&node->key, sizeof node->key);
}

void dht_send(struct dht_node *node, const struct dht_address *to, struct dht_message *message)
{
    uint8_t packet[DHT_MESSAGE_MAX];
    __builtin_memcpy(message->sender.id, node->self.id, DHT_ID_SIZE);
    __builtin_memcpy(message->sender.dh_public, node->self.dh_public, X25519_KEY_SIZE);
    __builtin_memcpy(message->sender.sign_public, node->self.sign_public, ED25519_PUBLIC_KEY_SIZE);
    message->sender.nonce = node->self.nonce;
    size_t len = dht_message_encode(message, packet, sizeof packet);
    if (len == 0)
        return;
    node->stats.sent++;
    node->transport.send(node->transport.context, to, packet, len);
}

struct dht_request *dht_request_new(struct dht_node *node, const struct dht_contact *peer,
                                    const struct dht_address *to, uint8_t type, uint64_t now)
{
    for (unsigned i = 0; i < DHT_REQUESTS_MAX; i++) {
        struct dht_request *request = &node->requests[i];
        if (request->used)
            continue;
        __builtin_memset(request, 0, sizeof *request);
        request->used = 1;
        request->id = dht_random64(node);
        request->deadline = now + node->config.rpc_timeout;
        request->to = *to;
        request->type = type;
        if (peer != NULL) {
            request->peer_known = 1;
            __builtin_memcpy(request->peer_id, peer->id, DHT_ID_SIZE);
        }
        return request;
    }
    return NULL;
}

void dht_send_request(struct dht_node *node, struct dht_request *request, const uint8_t *target,
                      const uint8_t *publisher, const struct dht_record *record)
{
    struct dht_message message;
    __builtin_memset(message.publisher, 0, DHT_PUBLIC_KEY_SIZE);
    if (publisher != NULL)
        __builtin_memcpy(message.publisher, publisher, DHT_PUBLIC_KEY_SIZE);
    message.type = request->type;
    message.request_id = request->id;
    if (target != NULL)
        __builtin_memcpy(message.target, target, DHT_ID_SIZE);
    if (record != NULL) {
        message.record_count = 1;
        message.records[0] = *record;
    }
    dht_send(node, &request->to, &message);
}

void dht_ping(struct dht_node *node, const struct dht_contact *peer, const struct dht_address *to,
              uint64_t now, const struct dht_contact *newcomer)
{
    struct dht_request *request = dht_request_new(node, peer, to, DHT_PING, now);
    if (request == NULL)
        return;
    if (newcomer != NULL) {
        request->has_evictee = 1;
        request->newcomer = *newcomer;
    }
    dht_send_request(node, request, NULL, NULL, NULL);
}

void dht_node_bootstrap(struct dht_node *node, const struct dht_address *address, uint64_t now)
{
    dht_ping(node, NULL, address, now, NULL);
}

/* Token bucket per source address, in a small table that forgets the least
 * recently active address first. */
static bool rate_allow(struct dht_node *node, const struct dht_address *from, uint64_t now)
{
    struct dht_rate_slot *slot = NULL, *victim = &node->rates[0];
    for (unsigned i = 0; i < DHT_RATE_SLOTS; i++) {
        struct dht_rate_slot *candidate = &node->rates[i];
        if (candidate->used && dht_address_equal(&candidate->address, from)) {
            slot = candidate;
            break;
        }
        if (!candidate->used || (victim->used && candidate->updated < victim->updated))
            victim = candidate;
    }
    uint64_t burst = (uint64_t)node->config.rate_burst * 1000;
    if (slot == NULL) {
        slot = victim;
        slot->used = 1;
        slot->address = *from;
        slot->tokens_milli = (uint32_t)burst;
        slot->updated = now;
    }
    /* Milli-tokens: rate_per_second of them per millisecond. A clock that
     * went back refills nothing; a long silence refills the bucket. */
    uint64_t elapsed = now > slot->updated ? now - slot->updated : 0;
    uint64_t refill = burst;
    if (node->config.rate_per_second == 0 || elapsed < burst / node->config.rate_per_second)
        refill = elapsed * node->config.rate_per_second;
    uint64_t tokens = slot->tokens_milli + refill;
    slot->tokens_milli = (uint32_t)(tokens > burst ? burst : tokens);
    slot->updated = now;
    if (slot->tokens_milli < 1000)
        return false;
    slot->tokens_milli -= 1000;
    return true;
}

static void dormant_add(struct dht_node *node, const struct dht_contact *contact)
{
    node->dormant[node->dormant_next] = *contact;
    node->dormant_next = (node->dormant_next + 1) % DHT_DORMANT_MAX;
}

static void dormant_forget(struct dht_node *node, const uint8_t id[DHT_ID_SIZE])
{
    for (unsigned i = 0; i < DHT_DORMANT_MAX; i++)
        if (node->dormant[i].address.family != 0 &&
            dht_id_closer(id, id, node->dormant[i].id) == 0)
            __builtin_memset(&node->dormant[i], 0, sizeof node->dormant[i]);
}

/* A peer that talked to us directly: maybe into the table; a full bucket
 * pings its oldest entry unless that one was seen lately or is pinged. */
void dht_observe(struct dht_node *node, const struct dht_contact *contact, uint64_t now)
{
    struct dht_table_entry *oldest = NULL;
    enum dht_table_outcome outcome = dht_table_observe(node, contact, now, &oldest);
    if (outcome == DHT_TABLE_ADDED)
        dormant_forget(node, contact->id);
    if (outcome == DHT_TABLE_RANGE)
        node->stats.range_refused++;
    if (outcome != DHT_TABLE_FULL || oldest == NULL)
        return;
    if (now - oldest->last_seen < node->config.refresh_interval / 4)
        return;
    for (unsigned i = 0; i < DHT_REQUESTS_MAX; i++) {
        const struct dht_request *request = &node->requests[i];
        if (request->used && request->has_evictee &&
            dht_id_closer(request->peer_id, request->peer_id, oldest->contact.id) == 0)
            return;
    }
    dht_ping(node, &oldest->contact, &oldest->contact.address, now, contact);
}

/* A request to `peer_id` went unanswered. */
void dht_peer_failed(struct dht_node *node, const uint8_t peer_id[DHT_ID_SIZE])
{
    struct dht_table_entry *entry = dht_table_find(node, peer_id);
    if (entry == NULL)
        return;
    if (++entry->failures >= 2) {
        dormant_add(node, &entry->contact);
        dht_table_remove(node, entry);
    }
}

static void request_timed_out(struct dht_node *node, struct dht_request *request, uint64_t now)
{
    request->used = 0;
    if (!request->peer_known)
        return;
    if (request->has_evictee) {
        struct dht_table_entry *entry = dht_table_find(node, request->peer_id);
        if (entry != NULL) {
            dormant_add(node, &entry->contact);
            dht_table_remove(node, entry);
            node->stats.evictions++;
        }
        struct dht_table_entry *ignored;
        (void)dht_table_observe(node, &request->newcomer, now, &ignored);
        return;
    }
    dht_peer_failed(node, request->peer_id);
    if (request->lookup != 0)
        dht_lookup_failed(node, request->lookup - 1, request->peer_id, now);
}

/* Builds a random ID in the range of `bucket` (the first `bucket` bits
 * ours, the next one flipped). */
static void bucket_target(struct dht_node *node, unsigned bucket, uint8_t target[DHT_ID_SIZE])
{
    node->config.random(node->config.random_context, target, DHT_ID_SIZE);
    for (unsigned bit = 0; bit <= bucket; bit++) {
        uint8_t mask = (uint8_t)(0x80 >> (bit % 8));
        uint8_t own = node->self.id[bit / 8] & mask;
        if (bit == bucket)
            own ^= mask;
        target[bit / 8] = (uint8_t)((target[bit / 8] & ~mask) | own);
    }
}

/* Each refresh pings the dormant contacts (so a healed partition or a
 * returning peer is found again) and runs one lookup: alternately our own
 * ID (our neighbourhood, and the deep buckets) and a random ID in one of the
 * buckets 0..15 in turn (they cover a mesh of millions). */
static void refresh(struct dht_node *node, uint64_t now)
{
    uint64_t interval = node->config.refresh_interval;
    node->next_refresh = now + interval - interval / 8 + dht_random64(node) % (interval / 4 + 1);
    for (unsigned i = 0; i < DHT_DORMANT_MAX; i++)
        if (node->dormant[i].address.family != 0)
            dht_ping(node, &node->dormant[i], &node->dormant[i].address, now, NULL);
    unsigned step = node->refresh_bucket++;
    if (step % 2 == 0) {
        (void)dht_node_find_node(node, node->self.id, NULL, NULL, now);
        return;
    }
    uint8_t target[DHT_ID_SIZE];
    bucket_target(node, (step / 2) % 16, target);
    (void)dht_node_find_node(node, target, NULL, NULL, now);
}

void dht_node_tick(struct dht_node *node, uint64_t now)
{
    for (unsigned i = 0; i < DHT_REQUESTS_MAX; i++)
        if (node->requests[i].used && node->requests[i].deadline <= now)
            request_timed_out(node, &node->requests[i], now);
    dht_lookups_tick(node, now);
    dht_store_tick(node, now);
    if (now >= node->next_refresh)
        refresh(node, now);
}

uint64_t dht_node_next_deadline(const struct dht_node *node, uint64_t now)
{
    uint64_t next = node->next_refresh;
    for (unsigned i = 0; i < DHT_REQUESTS_MAX; i++)
        if (node->requests[i].used && node->requests[i].deadline < next)
            next = node->requests[i].deadline;
    uint64_t other = dht_store_next_deadline(node);
    if (other < next)
        next = other;
    other = dht_lookups_next_deadline(node, now);
    if (other < next)
        next = other;
    return next < now ? now : next;
}

static struct dht_request *match_response(struct dht_node *node, const struct dht_address *from,
                                          const struct dht_message *message)
{
    static const uint8_t expected_type[9] = { [DHT_PONG] = DHT_PING, [DHT_NODES] = DHT_FIND_NODE,
                                              [DHT_VALUE] = DHT_FIND_VALUE, [DHT_STORED] = DHT_STORE };
    for (unsigned i = 0; i < DHT_REQUESTS_MAX; i++) {
        struct dht_request *request = &node->requests[i];
        if (!request->used || request->id != message->request_id ||
            !dht_address_equal(&request->to, from))
            continue;
        if (request->peer_known &&
            dht_id_closer(request->peer_id, request->peer_id, message->sender.id) != 0)
            continue;
        bool type_ok = expected_type[message->type] == request->type ||
                       (request->type == DHT_FIND_VALUE && message->type == DHT_NODES);
        return type_ok ? request : NULL;
    }
    return NULL;
}

static enum dht_error receive_response(struct dht_node *node, const struct dht_address *from,
                                       const struct dht_message *message,
                                       const struct dht_contact *sender, uint64_t now)
{
    struct dht_request *request = match_response(node, from, message);
    if (request == NULL)
        return DHT_ERR_UNSOLICITED;
    struct dht_request done = *request;
    request->used = 0;
    dormant_forget(node, sender->id); /* it answers: no longer dormant */
    dht_observe(node, sender, now);
    if (done.lookup != 0)
        dht_lookup_response(node, done.lookup - 1, sender, message, now);
    return DHT_OK;
}

static void answer_find(struct dht_node *node, const struct dht_address *from,
                        const struct dht_message *request, uint64_t now)
{
    struct dht_message reply;
    reply.request_id = request->request_id;
    if (request->type == DHT_FIND_VALUE &&
        dht_store_lookup(node, request->target, request->publisher, reply.records, &reply.record_count, now) > 0) {
        reply.type = DHT_VALUE;
    } else {
        reply.type = DHT_NODES;
        reply.contact_count =
            (uint8_t)dht_table_closest(node, request->target, reply.contacts, DHT_NODES_MAX);
    }
    dht_send(node, from, &reply);
}

static enum dht_error receive_request(struct dht_node *node, const struct dht_address *from,
                                      const struct dht_message *message,
                                      const struct dht_contact *sender, uint64_t now)
{
    if (!rate_allow(node, from, now))
        return DHT_ERR_RATE;
    struct dht_message reply;
    reply.request_id = message->request_id;
    switch (message->type) {
    case DHT_PING:
        reply.type = DHT_PONG;
        dht_send(node, from, &reply);
        break;
    case DHT_FIND_NODE:
    case DHT_FIND_VALUE:
        answer_find(node, from, message, now);
        break;
    default: /* DHT_STORE */
        reply.type = DHT_STORED;
        reply.status = (uint8_t)dht_store_put(node, &message->records[0], now);
        dht_send(node, from, &reply);
        break;
    }
    dht_observe(node, sender, now);
    return DHT_OK;
}

/* A response whose request id and source match no outstanding request is
 * dropped before decoding: decoding checks the work of every contact (two
 * hashes each), which an unsolicited NODES must not make us spend. */
static bool response_expected(const struct dht_node *node, const struct dht_address *from,
                              const uint8_t *data, size_t len)
{
    if (len < DHT_HEADER_SIZE || len > DHT_MESSAGE_MAX || data[0] != DHT_VERSION ||
        (data[1] != DHT_PONG && data[1] != DHT_NODES && data[1] != DHT_VALUE && data[1] != DHT_STORED))
        return true; /* not a response: the decoder gives the exact error */
    uint64_t id = load64_le(data + 2);
    for (unsigned i = 0; i < DHT_REQUESTS_MAX; i++)
        if (node->requests[i].used && node->requests[i].id == id &&
            dht_address_equal(&node->requests[i].to, from))
            return true;
    return false;
}

enum dht_error dht_node_receive(struct dht_node *node, const struct dht_address *from,
                                const uint8_t *data, size_t len, uint64_t now)
{
    struct dht_message message;
    node->stats.received++;
    if (!response_expected(node, from, data, len)) {
        node->stats.dropped[DHT_ERR_UNSOLICITED]++;
        return DHT_ERR_UNSOLICITED;
    }
    enum dht_error error = dht_message_decode(&message, data, len, node->config.difficulty);
    if (error == DHT_OK) {
        struct dht_contact sender;
        dht_contact_of(&sender, &message.sender, from);
        bool request = message.type == DHT_PING || message.type == DHT_FIND_NODE ||
                       message.type == DHT_FIND_VALUE || message.type == DHT_STORE;
        error = request ? receive_request(node, from, &message, &sender, now)
                        : receive_response(node, from, &message, &sender, now);
    }
    if (error != DHT_OK)
        node->stats.dropped[error]++;
    return error;
}
