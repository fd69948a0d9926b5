/* The overlay: DHT over sessions, beacons, peer exchange (overlay.h says
 * what it does and why). Every packet leaves through io.send or
 * io.broadcast; nothing here blocks or allocates. */
#include "mesh/overlay.h"

#include "crypto/blake2b.h"
#include "crypto/crypto.h"

void mesh_overlay_config_default(struct mesh_overlay_config *config)
{
    __builtin_memset(config, 0, sizeof *config);
    mesh_config_default(&config->session);
    dht_config_default(&config->dht);
    config->beacon_interval_ms = 1000;
}

uint64_t mesh_overlay_mesh_time(const struct mesh_overlay *overlay, uint64_t now_ms)
{
    return now_ms + overlay->clock_offset_ms;
}

/* Session addresses are opaque 20 bytes: family, IPv4, port (LE), zeros. */
static void address_to_session(struct mesh_address *out, const struct dht_address *in)
{
    __builtin_memset(out, 0, sizeof *out);
    out->bytes[0] = in->family;
    __builtin_memcpy(out->bytes + 1, in->bytes, 4);
    out->bytes[5] = (uint8_t)in->port;
    out->bytes[6] = (uint8_t)(in->port >> 8);
}

static void address_from_session(struct dht_address *out, const struct mesh_address *in)
{
    __builtin_memset(out, 0, sizeof *out);
    out->family = in->bytes[0];
    __builtin_memcpy(out->bytes, in->bytes + 1, 4);
    out->port = (uint16_t)(in->bytes[5] | in->bytes[6] << 8);
}

static enum crypto_result overlay_random_read(void *context, uint8_t *out, size_t len)
{
    struct mesh_overlay *overlay = context;
    overlay->io.random(overlay->io.context, out, len);
    return CRYPTO_OK;
}

static void overlay_transmit(struct mesh_overlay *overlay, const struct dht_address *to,
                             const uint8_t *packet, size_t len)
{
    overlay->counters.datagrams_out++;
    overlay->io.send(overlay->io.context, to, packet, len);
}

static bool slot_has_keys(const struct mesh_peer *peer)
{
    return peer->in_use && (peer->current.valid || peer->next.valid);
}

static size_t slot_find(const struct mesh_overlay *overlay, const struct dht_address *to)
{
    struct mesh_address wanted;
    address_to_session(&wanted, to);
    for (size_t i = 0; i < MESH_OVERLAY_PEERS; i++) {
        const struct mesh_peer *peer = &overlay->peers[i];
        if (peer->in_use && crypto_equal(peer->address.bytes, wanted.bytes, MESH_ADDRESS_SIZE))
            return i;
    }
    return MESH_OVERLAY_PEERS;
}

static void slot_clear(struct mesh_overlay *overlay, size_t index)
{
    mesh_endpoint_forget(&overlay->endpoint, index);
    crypto_wipe(&overlay->slots[index], sizeof overlay->slots[index]);
}

/* A session just completed with slot `index`: any other slot at the same
 * address belongs to a node that is gone from there (a node restarts with a
 * fresh identity, often at its old address), and would swallow what the DHT
 * sends to that address. */
static void slot_forget_others_at(struct mesh_overlay *overlay, size_t index)
{
    const struct mesh_peer *peer = &overlay->peers[index];
    for (size_t i = 0; i < MESH_OVERLAY_PEERS; i++)
        if (i != index && overlay->peers[i].in_use &&
            crypto_equal(overlay->peers[i].address.bytes, peer->address.bytes, MESH_ADDRESS_SIZE)) {
            overlay->counters.replaced++;
            slot_clear(overlay, i);
        }
}

/* Frees the least recently active slot (the table is full). */
static void slot_evict(struct mesh_overlay *overlay)
{
    size_t victim = 0;
    for (size_t i = 1; i < MESH_OVERLAY_PEERS; i++)
        if (overlay->slots[i].active_ms < overlay->slots[victim].active_ms)
            victim = i;
    overlay->counters.evictions++;
    slot_clear(overlay, victim);
}

static void slot_enqueue(struct mesh_overlay *overlay, size_t index, const uint8_t *data, size_t len)
{
    struct mesh_overlay_slot *slot = &overlay->slots[index];
    if (slot->queued >= MESH_OVERLAY_QUEUE || len > DHT_MESSAGE_MAX) {
        overlay->counters.dht_queue_dropped++;
        return;
    }
    slot->queue[slot->queued].len = (uint16_t)len;
    __builtin_memcpy(slot->queue[slot->queued].data, data, len);
    slot->queued++;
}

/* Seals one DHT message for an established slot and sends it. */
static enum mesh_result slot_send(struct mesh_overlay *overlay, size_t index, const uint8_t *data,
                                  size_t len)
{
    uint8_t packet[MESH_MAX_PACKET];
    size_t packet_len = 0;
    struct mesh_address to;
    enum mesh_result result = mesh_endpoint_send(&overlay->endpoint, index, data, len,
                                                 overlay->now_ms, packet, sizeof packet,
                                                 &packet_len, &to);
    if (result != MESH_OK)
        return result;
    struct dht_address destination;
    address_from_session(&destination, &to);
    overlay->slots[index].active_ms = overlay->now_ms;
    overlay->counters.dht_out++;
    overlay_transmit(overlay, &destination, packet, packet_len);
    return MESH_OK;
}

static void slot_flush(struct mesh_overlay *overlay, size_t index)
{
    struct mesh_overlay_slot *slot = &overlay->slots[index];
    for (unsigned i = 0; i < slot->queued; i++)
        if (slot_send(overlay, index, slot->queue[i].data, slot->queue[i].len) != MESH_OK)
            overlay->counters.dht_queue_dropped++;
    crypto_wipe(slot->queue, sizeof slot->queue);
    slot->queued = 0;
}

/* Opens a session towards `to` and queues the message for it. */
static void slot_connect(struct mesh_overlay *overlay, const struct dht_address *to,
                         const uint8_t *data, size_t len)
{
    struct mesh_address address;
    address_to_session(&address, to);
    uint8_t init[MESH_INIT_SIZE];
    size_t init_len = 0, index = 0;
    enum mesh_result result = mesh_endpoint_connect(&overlay->endpoint, &address, NULL,
                                                    overlay->now_ms, init, sizeof init,
                                                    &init_len, &index);
    if (result == MESH_ERR_FULL) {
        slot_evict(overlay);
        result = mesh_endpoint_connect(&overlay->endpoint, &address, NULL, overlay->now_ms, init,
                                       sizeof init, &init_len, &index);
    }
    if (result != MESH_OK) {
        overlay->counters.dht_queue_dropped++;
        return;
    }
    overlay->slots[index].active_ms = overlay->now_ms;
    overlay->slots[index].queued = 0;
    slot_enqueue(overlay, index, data, len);
    overlay_transmit(overlay, to, init, init_len);
}

/* The DHT's transport: a session to the address, opened on demand. */
static void overlay_dht_send(void *context, const struct dht_address *to, const uint8_t *data,
                             size_t len)
{
    struct mesh_overlay *overlay = context;
    if (dht_address_equal(to, &overlay->self)) {
        overlay->counters.dht_to_self++; /* a stale contact of a former node at our address */
        return;
    }
    size_t index = slot_find(overlay, to);
    if (index == MESH_OVERLAY_PEERS) {
        slot_connect(overlay, to, data, len);
        return;
    }
    enum mesh_result result = slot_send(overlay, index, data, len);
    if (result == MESH_OK)
        return;
    if (overlay->peers[index].stage != MESH_HANDSHAKE_IDLE) {
        slot_enqueue(overlay, index, data, len); /* handshake under way */
        return;
    }
    slot_clear(overlay, index); /* keys expired: start over */
    slot_connect(overlay, to, data, len);
}

int mesh_overlay_init(struct mesh_overlay *overlay, const struct mesh_identity *identity,
                      const struct mesh_overlay_config *config, const struct mesh_overlay_io *io,
                      const struct dht_address *self, uint64_t clock_offset_ms, uint64_t now_ms)
{
    __builtin_memset(overlay, 0, sizeof *overlay);
    overlay->identity = identity;
    overlay->io = *io;
    overlay->config = *config;
    overlay->self = *self;
    overlay->clock_offset_ms = clock_offset_ms;
    overlay->now_ms = now_ms;
    overlay->config.dht.random = io->random;
    overlay->config.dht.random_context = io->context;
    struct random_source random = { overlay_random_read, overlay, "mesh overlay" };
    if (mesh_endpoint_init(&overlay->endpoint, identity, &overlay->config.session, &random,
                           overlay->peers, MESH_OVERLAY_PEERS) != MESH_OK)
        return -1;
    struct dht_transport transport = { overlay, overlay_dht_send };
    struct dht_memory memory = { overlay->table,   MESH_OVERLAY_TABLE,
                                 overlay->records, MESH_OVERLAY_RECORDS,
                                 overlay->lookups, MESH_OVERLAY_LOOKUPS };
    if (dht_node_init(&overlay->dht, &overlay->config.dht, &transport, &memory, identity, self,
                      mesh_overlay_mesh_time(overlay, now_ms)) != DHT_OK) {
        mesh_endpoint_wipe(&overlay->endpoint);
        return -1;
    }
    overlay->next_beacon_ms = now_ms;
    overlay->next_exchange_ms = now_ms;
    return 0;
}

/* A DHT message inside a session: its sender must be the session's peer. */
static void overlay_dht_receive(struct mesh_overlay *overlay, size_t index,
                                const struct dht_address *from, const uint8_t *data, size_t len)
{
    static const uint8_t no_id[DHT_ID_SIZE];
    struct dht_message message;
    overlay->counters.dht_in++;
    if (dht_message_decode(&message, data, len, 0) == DHT_OK &&
        (!overlay->peers[index].identity_known ||
         !crypto_equal(message.sender.id, overlay->peers[index].identity.id, DHT_ID_SIZE) ||
         crypto_equal(message.sender.id, no_id, DHT_ID_SIZE))) {
        overlay->counters.dht_sender_mismatch++;
        return;
    }
    if (dht_node_receive(&overlay->dht, from, data, len,
                         mesh_overlay_mesh_time(overlay, overlay->now_ms)) != DHT_OK)
        overlay->counters.dht_refused++;
}

static enum mesh_result overlay_session_receive(struct mesh_overlay *overlay,
                                                const struct dht_address *from,
                                                const uint8_t *data, size_t len,
                                                struct mesh_event *event)
{
    struct mesh_address address;
    address_to_session(&address, from);
    enum mesh_result result = mesh_endpoint_receive(&overlay->endpoint, &address, data, len,
                                                    overlay->now_ms, event);
    if (result == MESH_ERR_FULL) { /* a FINISH and no free slot: make room, try again */
        slot_evict(overlay);
        result = mesh_endpoint_receive(&overlay->endpoint, &address, data, len, overlay->now_ms,
                                       event);
    }
    return result;
}

enum mesh_result mesh_overlay_receive(struct mesh_overlay *overlay, const struct dht_address *from,
                                      const uint8_t *data, size_t len, uint64_t now_ms)
{
    struct mesh_event *event = &overlay->event;
    overlay->now_ms = now_ms;
    overlay->counters.datagrams_in++;
    __builtin_memset(event, 0, sizeof *event);
    enum mesh_result result = overlay_session_receive(overlay, from, data, len, event);
    if (event->reply_len > 0)
        overlay_transmit(overlay, from, event->reply, event->reply_len);
    if (result != MESH_OK) {
        if ((unsigned)result <= MESH_ERR_PAYLOAD)
            overlay->counters.session_refused[result]++;
        crypto_wipe(event, sizeof *event);
        return result;
    }
    if (event->kind != MESH_EVENT_NONE && event->peer < MESH_OVERLAY_PEERS) {
        overlay->slots[event->peer].active_ms = now_ms;
        if (event->kind == MESH_EVENT_ESTABLISHED) {
            overlay->counters.handshakes++;
            slot_forget_others_at(overlay, event->peer);
            slot_flush(overlay, event->peer);
        } else if (event->kind == MESH_EVENT_DATA && event->data_len > 0) {
            overlay_dht_receive(overlay, event->peer, from, event->data, event->data_len);
        }
    }
    crypto_wipe(event, sizeof *event);
    return MESH_OK;
}

/* ---- beacons --------------------------------------------------------------- */

/* Token bucket: burst tokens at once, per_second more each second. */
static bool bucket_take(struct mesh_overlay_bucket *bucket, uint64_t now_ms, uint64_t burst,
                        uint64_t per_second)
{
    if (!bucket->used) {
        bucket->used = true;
        bucket->tokens_milli = burst * 1000;
        bucket->updated_ms = now_ms;
    }
    if (now_ms > bucket->updated_ms) {
        uint64_t elapsed = now_ms - bucket->updated_ms;
        if (elapsed > 3600000)
            elapsed = 3600000; /* a long silence refills fully; no overflow */
        bucket->tokens_milli += elapsed * per_second;
        if (bucket->tokens_milli > burst * 1000)
            bucket->tokens_milli = burst * 1000;
    }
    bucket->updated_ms = now_ms;
    if (bucket->tokens_milli < 1000)
        return false;
    bucket->tokens_milli -= 1000;
    return true;
}

/* The source's bucket (the least recently used one is taken over). */
static struct mesh_overlay_bucket *beacon_source_bucket(struct mesh_overlay *overlay,
                                                        const struct dht_address *from)
{
    struct mesh_overlay_bucket *victim = &overlay->beacon_sources[0];
    for (unsigned i = 0; i < MESH_OVERLAY_BEACON_SOURCES; i++) {
        struct mesh_overlay_bucket *bucket = &overlay->beacon_sources[i];
        if (bucket->used && dht_address_equal(&bucket->source, from))
            return bucket;
        if (!bucket->used || (victim->used && bucket->updated_ms < victim->updated_ms))
            victim = bucket;
    }
    __builtin_memset(victim, 0, sizeof *victim);
    victim->source = *from;
    return victim;
}

static struct mesh_overlay_neighbour *neighbour_find(struct mesh_overlay *overlay,
                                                     const uint8_t id[MESH_NODE_ID_SIZE])
{
    for (unsigned i = 0; i < MESH_OVERLAY_NEIGHBOURS; i++)
        if (overlay->neighbours[i].used &&
            crypto_equal(overlay->neighbours[i].id, id, MESH_NODE_ID_SIZE))
            return &overlay->neighbours[i];
    return NULL;
}

static struct mesh_overlay_neighbour *neighbour_new(struct mesh_overlay *overlay)
{
    struct mesh_overlay_neighbour *victim = &overlay->neighbours[0];
    for (unsigned i = 0; i < MESH_OVERLAY_NEIGHBOURS; i++) {
        struct mesh_overlay_neighbour *neighbour = &overlay->neighbours[i];
        if (!neighbour->used)
            return neighbour;
        if (neighbour->seen_ms < victim->seen_ms)
            victim = neighbour;
    }
    return victim;
}

/* The checks that cost no signature verification, in order of cost. */
static enum mesh_beacon_result beacon_screen(struct mesh_overlay *overlay,
                                             const struct mesh_beacon *beacon,
                                             const struct dht_address *from, uint64_t now_ms)
{
    if (crypto_equal(beacon->identity.id, overlay->identity->public_part.id, MESH_NODE_ID_SIZE))
        return MESH_BEACON_ERR_SELF;
    uint64_t mesh_now = mesh_overlay_mesh_time(overlay, now_ms);
    uint64_t distance = beacon->time_ms > mesh_now ? beacon->time_ms - mesh_now
                                                   : mesh_now - beacon->time_ms;
    bool clock_unknown = overlay->config.adopt_clock && !overlay->clock_adopted;
    if (distance > MESH_OVERLAY_BEACON_WINDOW_MS && !clock_unknown)
        return MESH_BEACON_ERR_TIME;
    const struct mesh_overlay_neighbour *known = neighbour_find(overlay, beacon->identity.id);
    if (known != NULL && beacon->time_ms <= known->beacon_time_ms)
        return MESH_BEACON_ERR_STALE;
    if (!bucket_take(beacon_source_bucket(overlay, from), now_ms,
                     MESH_OVERLAY_BEACON_SOURCE_BURST, MESH_OVERLAY_BEACON_SOURCE_PER_S) ||
        !bucket_take(&overlay->beacon_global, now_ms, MESH_OVERLAY_BEACON_GLOBAL_BURST,
                     MESH_OVERLAY_BEACON_GLOBAL_PER_S))
        return MESH_BEACON_ERR_RATE;
    return MESH_BEACON_OK;
}

/* An accepted beacon: remember the neighbour; a new or moved one is pinged
 * (which opens a session) and a peer exchange is wanted. */
static void beacon_accept(struct mesh_overlay *overlay, const struct mesh_beacon *beacon,
                          const struct dht_address *address, uint64_t now_ms)
{
    struct mesh_overlay_neighbour *neighbour = neighbour_find(overlay, beacon->identity.id);
    bool fresh = neighbour == NULL || !dht_address_equal(&neighbour->address, address);
    if (neighbour == NULL) {
        neighbour = neighbour_new(overlay);
        neighbour->used = true;
        __builtin_memcpy(neighbour->id, beacon->identity.id, MESH_NODE_ID_SIZE);
    }
    neighbour->address = *address;
    neighbour->beacon_time_ms = beacon->time_ms;
    neighbour->seen_ms = now_ms;
    overlay->counters.beacons_accepted++;
    if (fresh) {
        dht_node_bootstrap(&overlay->dht, address, mesh_overlay_mesh_time(overlay, now_ms));
        overlay->exchange_wanted = true;
    }
}

enum mesh_beacon_result mesh_overlay_beacon_receive(struct mesh_overlay *overlay,
                                                    const struct dht_address *from,
                                                    const uint8_t *data, size_t len,
                                                    uint64_t now_ms)
{
    overlay->now_ms = now_ms;
    overlay->counters.beacons_in++;
    struct mesh_beacon beacon;
    enum mesh_beacon_result result =
        mesh_beacon_parse(&beacon, data, len, overlay->config.dht.difficulty);
    if (result == MESH_BEACON_OK)
        result = beacon_screen(overlay, &beacon, from, now_ms);
    if (result == MESH_BEACON_OK)
        result = mesh_beacon_verify(&beacon, data, len);
    if (result != MESH_BEACON_OK) {
        overlay->counters.beacon_refused[result]++;
        return result;
    }
    if (overlay->config.adopt_clock && !overlay->clock_adopted && beacon.time_ms > now_ms) {
        overlay->clock_offset_ms = beacon.time_ms - now_ms;
        overlay->clock_adopted = true;
    }
    struct dht_address address = beacon.address;
    static const uint8_t unspecified[4];
    if (crypto_equal(address.bytes, unspecified, 4))
        __builtin_memcpy(address.bytes, from->bytes, 4);
    beacon_accept(overlay, &beacon, &address, now_ms);
    return MESH_BEACON_OK;
}

/* ---- timers ----------------------------------------------------------------- */

static void overlay_session_timers(struct mesh_overlay *overlay, uint64_t now_ms)
{
    uint8_t packet[MESH_MAX_PACKET];
    /* Each call hands back at most one packet; the bound only stops a bug
     * from spinning (a timer pass of every slot sends fewer). */
    for (unsigned i = 0; i < 4 * MESH_OVERLAY_PEERS; i++) {
        size_t len = 0;
        struct mesh_address to;
        if (mesh_endpoint_tick(&overlay->endpoint, now_ms, packet, sizeof packet, &len, &to) !=
                MESH_OK ||
            len == 0)
            break;
        struct dht_address destination;
        address_from_session(&destination, &to);
        overlay_transmit(overlay, &destination, packet, len);
    }
}

static void overlay_noop_done(void *context, const struct dht_lookup_result *result)
{
    (void)context;
    (void)result;
}

static void overlay_beacon_timer(struct mesh_overlay *overlay, uint64_t now_ms)
{
    uint64_t interval = overlay->config.beacon_interval_ms;
    if (interval == 0 || overlay->io.broadcast == NULL || now_ms < overlay->next_beacon_ms ||
        (overlay->config.adopt_clock && !overlay->clock_adopted))
        return; /* a beacon with a clock not yet adopted would be refused anyway */
    uint8_t beacon[MESH_BEACON_SIZE];
    if (mesh_beacon_encode(beacon, overlay->identity, &overlay->self,
                           mesh_overlay_mesh_time(overlay, now_ms)) == MESH_BEACON_OK) {
        overlay->counters.beacons_out++;
        overlay->io.broadcast(overlay->io.context, beacon, sizeof beacon);
    }
    /* The next one in 0.75 to 1.25 intervals: nodes started together drift apart. */
    uint8_t jitter[2];
    overlay->io.random(overlay->io.context, jitter, sizeof jitter);
    uint64_t spread = (uint64_t)(jitter[0] | jitter[1] << 8) * (interval / 2) / 65536;
    overlay->next_beacon_ms = now_ms + interval - interval / 4 + spread;
}

void mesh_overlay_tick(struct mesh_overlay *overlay, uint64_t now_ms)
{
    overlay->now_ms = now_ms;
    overlay_session_timers(overlay, now_ms);
    uint64_t mesh_now = mesh_overlay_mesh_time(overlay, now_ms);
    if (mesh_now >= dht_node_next_deadline(&overlay->dht, mesh_now))
        dht_node_tick(&overlay->dht, mesh_now);
    overlay_beacon_timer(overlay, now_ms);
    if (overlay->exchange_wanted && now_ms >= overlay->next_exchange_ms) {
        overlay->exchange_wanted = false;
        overlay->next_exchange_ms = now_ms + MESH_OVERLAY_EXCHANGE_MS;
        if (dht_node_find_node(&overlay->dht, overlay->identity->public_part.id,
                               overlay_noop_done, overlay, mesh_now) == DHT_OK)
            overlay->counters.exchanges++;
    }
}

static bool overlay_sessions_exist(const struct mesh_overlay *overlay)
{
    const struct mesh_endpoint *endpoint = &overlay->endpoint;
    for (size_t i = 0; i < endpoint->peer_count; i++)
        if (endpoint->peers[i].in_use)
            return true;
    for (size_t i = 0; i < MESH_PENDING_RESPONSES; i++)
        if (endpoint->pending[i].in_use)
            return true;
    return false;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

uint64_t mesh_overlay_next_deadline(const struct mesh_overlay *overlay, uint64_t now_ms)
{
    uint64_t next = overlay_sessions_exist(overlay) ? now_ms + MESH_OVERLAY_TICK_MS : UINT64_MAX;
    uint64_t mesh_now = mesh_overlay_mesh_time(overlay, now_ms);
    uint64_t dht = dht_node_next_deadline(&overlay->dht, mesh_now); /* mesh clock, >= mesh_now */
    uint64_t gap = dht - mesh_now;
    next = earliest(next, gap > UINT64_MAX - now_ms ? UINT64_MAX : now_ms + gap);
    bool beacons = overlay->config.beacon_interval_ms != 0 && overlay->io.broadcast != NULL &&
                   (!overlay->config.adopt_clock || overlay->clock_adopted);
    if (beacons)
        next = earliest(next, overlay->next_beacon_ms);
    if (overlay->exchange_wanted)
        next = earliest(next, overlay->next_exchange_ms);
    return next < now_ms ? now_ms : next;
}

unsigned mesh_overlay_session_count(const struct mesh_overlay *overlay)
{
    unsigned count = 0;
    for (size_t i = 0; i < MESH_OVERLAY_PEERS; i++)
        if (slot_has_keys(&overlay->peers[i]))
            count++;
    return count;
}

void mesh_overlay_key(uint8_t key[DHT_ID_SIZE], const uint8_t *name, size_t name_len)
{
    static const char domain[] = "NONOS mesh key v1";
    struct blake2b_state state;
    if (blake2b_init(&state, DHT_ID_SIZE, NULL, 0) != CRYPTO_OK) {
        __builtin_memset(key, 0, DHT_ID_SIZE);
        return;
    }
    blake2b_update(&state, (const uint8_t *)domain, sizeof domain - 1);
    blake2b_update(&state, name, name_len);
    if (blake2b_final(&state, key, DHT_ID_SIZE) != CRYPTO_OK)
        __builtin_memset(key, 0, DHT_ID_SIZE);
}

void mesh_overlay_wipe(struct mesh_overlay *overlay)
{
    mesh_endpoint_wipe(&overlay->endpoint);
    dht_node_clear(&overlay->dht);
    crypto_wipe(overlay->slots, sizeof overlay->slots);
    crypto_wipe(&overlay->event, sizeof overlay->event);
}
