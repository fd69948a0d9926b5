/* Runs an overlay script (overlay_script.h) on the in-memory network and
 * checks the overlay's invariants after every step. Node 0 is the overlay
 * under test; every datagram it is handed, by a step or by the network
 * during RUN, is accounted here by its result, so the overlay's counters
 * can be compared with what really happened. */
#include "tests/mesh/overlay_script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/overlay.h"
#include "tests/mesh/overlay_fixture.h"

#define TARGET 0
#define PEER 1
#define CAPTURED 8 /* the peer's last datagrams to node 0, for REPLAY */
#define START_MS 1000
#define RUN_BUDGET 6000 /* RUN rounds (10 ms each) in one script: 60 s, bounds a run's cost */

struct script_state {
    const uint8_t *at, *end;
    uint64_t now;
    uint64_t mesh_time; /* node 0's mesh clock at the last check */
    bool with_peer;
    int outcome;
    uint64_t put_sequence;
    unsigned run_left; /* of RUN_BUDGET */
    /* What node 0 was handed, by result. */
    uint64_t accepted, refused[MESH_ERR_PAYLOAD + 1];
    uint64_t beacons_accepted, beacon_refused[MESH_BEACON_RESULT_COUNT];
    struct overlay_fixture_datagram captured[CAPTURED];
    unsigned captured_next, captured_count;
};

static struct script_state state;
static struct mesh_overlay *const target = &overlay_fixture_nodes[TARGET];
static struct mesh_overlay *const peer = &overlay_fixture_nodes[PEER];

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "overlay script: invariant broken: %s\n", what);
        abort();
    }
}

struct dht_address overlay_script_source(uint8_t source)
{
    if (source == SCRIPT_SOURCE_PEER)
        return overlay_fixture_address(PEER);
    if (source == SCRIPT_SOURCE_SELF)
        return overlay_fixture_address(TARGET);
    struct dht_address address = { DHT_ADDRESS_IPV4, { 10, 1, 0, source & 63 },
                                   (uint16_t)(OVERLAY_FIXTURE_PORT + (source >> 6)) };
    if (source == 255) {
        address.family = DHT_ADDRESS_SIMULATED;
        address.port = 0;
    }
    return address;
}

/* ---- accounting and invariants ---------------------------------------------- */

static void account(bool beacon, int result)
{
    if (beacon) {
        require(result >= 0 && result < MESH_BEACON_RESULT_COUNT, "a beacon result in range");
        if (result == MESH_BEACON_OK)
            state.beacons_accepted++;
        else
            state.beacon_refused[result]++;
        return;
    }
    require(result >= 0 && result <= MESH_ERR_PAYLOAD, "a session result in range");
    if (result == MESH_OK)
        state.accepted++;
    else
        state.refused[result]++;
}

static void check_counters(const struct mesh_overlay *o)
{
    const struct mesh_overlay_counters *c = &o->counters;
    uint64_t refused = 0, beacons_refused = 0, dht_dropped = 0;
    for (unsigned i = 0; i <= MESH_ERR_PAYLOAD; i++) {
        require(c->session_refused[i] == state.refused[i], "each refused datagram in its own counter");
        refused += c->session_refused[i];
    }
    require(c->datagrams_in == state.accepted + refused, "every datagram accepted or refused once");
    for (unsigned i = 0; i < MESH_BEACON_RESULT_COUNT; i++) {
        require(c->beacon_refused[i] == state.beacon_refused[i], "each refused beacon in its own counter");
        beacons_refused += c->beacon_refused[i];
    }
    require(c->beacons_accepted == state.beacons_accepted &&
                c->beacons_in == state.beacons_accepted + beacons_refused,
            "every beacon accepted or refused once");
    for (unsigned i = 0; i < DHT_ERROR_COUNT; i++)
        dht_dropped += o->dht.stats.dropped[i];
    require(c->dht_in == c->dht_sender_mismatch + o->dht.stats.received,
            "a DHT message in a session reaches the DHT or is a sender mismatch");
    require(c->dht_refused == dht_dropped, "every DHT refusal counted in dht_refused");
}

static void check_neighbours(const struct mesh_overlay *o, uint64_t now)
{
    const uint8_t *own = o->identity->public_part.id;
    for (unsigned i = 0; i < MESH_OVERLAY_NEIGHBOURS; i++) {
        const struct mesh_overlay_neighbour *n = &o->neighbours[i];
        if (!n->used)
            continue;
        require(memcmp(n->id, own, MESH_NODE_ID_SIZE) != 0, "never our own node a neighbour");
        require(n->seen_ms <= now, "a neighbour seen no later than now");
        require(n->address.family == DHT_ADDRESS_IPV4 && n->address.port != 0,
                "a neighbour at an IPv4 address and port");
        for (unsigned j = i + 1; j < MESH_OVERLAY_NEIGHBOURS; j++)
            require(!o->neighbours[j].used || memcmp(o->neighbours[j].id, n->id, MESH_NODE_ID_SIZE) != 0,
                    "each neighbour once");
    }
    for (unsigned i = 0; i < MESH_OVERLAY_BEACON_SOURCES; i++)
        require(!o->beacon_sources[i].used || o->beacon_sources[i].updated_ms <= now,
                "a beacon bucket updated no later than now");
}

static void check_sessions(const struct mesh_overlay *o, uint64_t now)
{
    unsigned in_use = 0;
    for (unsigned i = 0; i < MESH_OVERLAY_PEERS; i++) {
        if (!o->peers[i].in_use)
            continue;
        in_use++;
        const struct mesh_overlay_slot *slot = &o->slots[i];
        require(slot->queued <= MESH_OVERLAY_QUEUE, "a slot's queue within MESH_OVERLAY_QUEUE");
        for (unsigned q = 0; q < slot->queued && q < MESH_OVERLAY_QUEUE; q++)
            require(slot->queue[q].len <= DHT_MESSAGE_MAX, "a queued message within DHT_MESSAGE_MAX");
        require(slot->active_ms <= now, "a slot active no later than now");
    }
    unsigned sessions = mesh_overlay_session_count(o);
    require(sessions <= in_use && sessions <= o->counters.handshakes,
            "no more sessions than slots in use and handshakes completed");
}

static void check_dht(const struct mesh_overlay *o, uint64_t mesh_now)
{
    const uint8_t *own = o->identity->public_part.id;
    require(o->dht.table_count <= MESH_OVERLAY_TABLE, "the routing table within its capacity");
    for (size_t i = 0; i < MESH_OVERLAY_TABLE; i++) {
        require((o->table[i].used != 0) == (i < o->dht.table_count),
                "the routing table's used entries are its first table_count");
        require(!o->table[i].used || memcmp(o->table[i].contact.id, own, DHT_ID_SIZE) != 0,
                "never our own node in the routing table");
    }
    for (size_t i = 0; i < MESH_OVERLAY_RECORDS; i++) {
        const struct dht_stored *s = &o->records[i];
        if (!s->used)
            continue;
        require(s->record.value_len <= DHT_VALUE_MAX, "a stored value within DHT_VALUE_MAX");
        require(s->record.expiry <= mesh_now + o->dht.config.max_lifetime,
                "no stored record beyond the maximum lifetime");
        unsigned share = 0;
        for (size_t j = 0; j < MESH_OVERLAY_RECORDS; j++)
            share += o->records[j].used && o->records[j].record.expiry > mesh_now &&
                     memcmp(o->records[j].record.publisher, s->record.publisher, DHT_PUBLIC_KEY_SIZE) == 0;
        require(share <= o->dht.config.records_per_publisher, "no publisher over its share of the store");
    }
}

static void check_time(const struct mesh_overlay *o, uint64_t now)
{
    uint64_t mesh_now = mesh_overlay_mesh_time(o, now);
    require(o->now_ms <= now, "the overlay's time no later than now");
    require(mesh_now >= state.mesh_time, "the mesh clock never goes back");
    state.mesh_time = mesh_now;
    require(mesh_overlay_next_deadline(o, now) >= now, "the next deadline never in the past");
    require(o->next_exchange_ms <= now + MESH_OVERLAY_EXCHANGE_MS, "the next exchange within its interval");
    require(!o->beacon_global.used || o->beacon_global.updated_ms <= now,
            "the global beacon bucket updated no later than now");
}

static void check_all(void)
{
    check_counters(target);
    check_neighbours(target, state.now);
    check_sessions(target, state.now);
    check_dht(target, mesh_overlay_mesh_time(target, state.now));
    check_time(target, state.now);
}

/* ---- delivering to node 0 ------------------------------------------------------ */

static void observe(int node, const struct overlay_fixture_datagram *datagram, int result)
{
    if (node != TARGET)
        return;
    account(datagram->beacon, result);
    state.captured[state.captured_next] = *datagram;
    state.captured_next = (state.captured_next + 1) % CAPTURED;
    if (state.captured_count < CAPTURED)
        state.captured_count++;
}

/* The outcome of one datagram handed to node 0 by a step. */
static int deliver(bool beacon, const struct dht_address *from, const uint8_t *data, size_t len)
{
    uint64_t mismatches = target->counters.dht_sender_mismatch;
    uint64_t dropped[DHT_ERROR_COUNT];
    memcpy(dropped, target->dht.stats.dropped, sizeof dropped);
    int result = beacon ? (int)mesh_overlay_beacon_receive(target, from, data, len, state.now)
                        : (int)mesh_overlay_receive(target, from, data, len, state.now);
    account(beacon, result);
    if (beacon)
        return result == MESH_BEACON_OK ? 0 : SCRIPT_BEACON_BASE + result;
    if (result != MESH_OK)
        return result;
    if (target->counters.dht_sender_mismatch != mismatches)
        return SCRIPT_SENDER_MISMATCH;
    for (int e = 1; e < DHT_ERROR_COUNT; e++)
        if (target->dht.stats.dropped[e] != dropped[e])
            return SCRIPT_DHT_BASE + e;
    return 0;
}

/* ---- the steps ---------------------------------------------------------------- */

static bool take(size_t n, const uint8_t **out)
{
    if ((size_t)(state.end - state.at) < n)
        return false;
    *out = state.at;
    state.at += n;
    return true;
}

/* LEN and its bytes (fewer when the script ends first). */
static bool take_data(const uint8_t **data, size_t *len)
{
    const uint8_t *field;
    if (!take(2, &field))
        return false;
    size_t want = (size_t)(field[0] | field[1] << 8), left = (size_t)(state.end - state.at);
    *len = want < left ? want : left;
    return take(*len, data);
}

static void step_datagram(bool beacon)
{
    const uint8_t *source, *data;
    size_t len;
    if (!take(1, &source) || !take_data(&data, &len))
        return;
    struct dht_address from = overlay_script_source(source[0]);
    state.outcome = deliver(beacon, &from, data, len);
}

static void step_replay(void)
{
    static uint8_t copy[MESH_MAX_PACKET];
    const uint8_t *b;
    if (!take(4, &b) || state.captured_count == 0)
        return;
    unsigned back = b[1] % state.captured_count;
    const struct overlay_fixture_datagram *d =
        &state.captured[(state.captured_next + CAPTURED - 1 - back) % CAPTURED];
    memcpy(copy, d->data, d->len);
    if (d->len > 0)
        copy[b[2] % d->len] ^= b[3];
    struct dht_address from = overlay_script_source(b[0]);
    state.outcome = deliver(d->beacon, &from, copy, d->len);
}

/* The peer's slot with keys towards node 0, or MESH_OVERLAY_PEERS. */
static size_t peer_session(void)
{
    for (size_t i = 0; i < MESH_OVERLAY_PEERS; i++) {
        const struct mesh_peer *p = &peer->peers[i];
        if (p->in_use && p->identity_known && (p->current.valid || p->next.valid) &&
            memcmp(p->identity.id, target->identity->public_part.id, MESH_NODE_ID_SIZE) == 0)
            return i;
    }
    return MESH_OVERLAY_PEERS;
}

static void step_seal(void)
{
    static uint8_t packet[MESH_MAX_PACKET];
    const uint8_t *data;
    size_t len, packet_len = 0, index = state.with_peer ? peer_session() : MESH_OVERLAY_PEERS;
    struct mesh_address to;
    if (!take_data(&data, &len) || index == MESH_OVERLAY_PEERS ||
        mesh_endpoint_send(&peer->endpoint, index, data, len, state.now, packet, sizeof packet,
                           &packet_len, &to) != MESH_OK)
        return;
    struct dht_address from = overlay_script_source(SCRIPT_SOURCE_PEER);
    state.outcome = deliver(false, &from, packet, packet_len);
}

static void step_peer_beacon(void)
{
    const uint8_t *b;
    if (!take(3, &b))
        return;
    int who = b[0] & 1 ? TARGET : PEER;
    struct dht_address address = overlay_fixture_address(who);
    int64_t shift = (int64_t)(int8_t)b[1] * 1000;
    uint64_t mesh_now = mesh_overlay_mesh_time(target, state.now);
    uint64_t time_ms = shift < 0 && (uint64_t)-shift > mesh_now ? 0 : mesh_now + (uint64_t)shift;
    uint8_t beacon[MESH_BEACON_SIZE];
    if (mesh_beacon_encode(beacon, &overlay_fixture_identities[who], &address, time_ms) != MESH_BEACON_OK)
        return;
    if (b[0] & 2)
        beacon[81] ^= 1; /* the port (as overlay_test's forgery), after signing */
    struct dht_address from = overlay_script_source(b[2]);
    state.outcome = deliver(true, &from, beacon, sizeof beacon);
}

static void put_done(void *context, const struct dht_lookup_result *result)
{
    (void)context;
    (void)result;
}

static void step_peer_put(void)
{
    const uint8_t *b;
    if (!take(2, &b) || !state.with_peer)
        return;
    uint8_t key[DHT_ID_SIZE];
    mesh_overlay_key(key, b, 1);
    uint64_t mesh_now = mesh_overlay_mesh_time(peer, state.now);
    (void)dht_node_put(&peer->dht, key, b + 1, 1, ++state.put_sequence, mesh_now + 60000, put_done, NULL,
                       mesh_now);
}

static void step_time(uint8_t op, const uint8_t **count)
{
    state.now += (uint64_t)(op >> 3) * 50;
    if ((op & 7) == SCRIPT_RUN && take(1, count)) {
        unsigned rounds = **count < state.run_left ? **count : state.run_left;
        state.run_left -= rounds;
        overlay_fixture_run(&state.now, (uint64_t)rounds * 10, observe);
    }
    if ((op & 7) == SCRIPT_WAIT && take(1, count)) {
        state.now += (uint64_t)**count * **count * 1000;
        mesh_overlay_tick(target, state.now);
    }
}

static void step(uint8_t op)
{
    const uint8_t *count;
    step_time(op, &count);
    switch (op & 7) {
    case SCRIPT_DATAGRAM: step_datagram(false); break;
    case SCRIPT_BEACON: step_datagram(true); break;
    case SCRIPT_REPLAY: step_replay(); break;
    case SCRIPT_SEAL: step_seal(); break;
    case SCRIPT_PEER_BEACON: step_peer_beacon(); break;
    case SCRIPT_PEER_PUT: step_peer_put(); break;
    default: break; /* RUN and WAIT: done by step_time */
    }
    check_all();
}

/* ---- setting up --------------------------------------------------------------- */

void overlay_script_mint(void)
{
    static bool minted;
    if (minted)
        return;
    overlay_fixture_seed(1);
    overlay_fixture_identity(&overlay_fixture_identities[TARGET]);
    overlay_fixture_identity(&overlay_fixture_identities[PEER]);
    minted = true;
}

static void script_setup(uint8_t flags)
{
    overlay_script_mint();
    overlay_fixture_seed(2); /* every run draws the same random bytes */
    memset(&state, 0, sizeof state);
    state.now = START_MS;
    state.with_peer = (flags & SCRIPT_WITH_PEER) != 0;
    state.outcome = SCRIPT_NO_DATAGRAM;
    state.run_left = RUN_BUDGET;
    overlay_fixture_started = 0;
    overlay_fixture_queued = 0;
    struct mesh_overlay_config config;
    overlay_fixture_config(&config);
    config.adopt_clock = (flags & SCRIPT_ADOPT_CLOCK) != 0;
    require(overlay_fixture_start(TARGET, &config, config.adopt_clock ? 0 : OVERLAY_FIXTURE_EPOCH,
                                  state.now) == 0, "node 0 starts");
    state.mesh_time = mesh_overlay_mesh_time(target, state.now);
    if (!state.with_peer)
        return;
    config.adopt_clock = false;
    require(overlay_fixture_start(PEER, &config, OVERLAY_FIXTURE_EPOCH, state.now) == 0, "the peer starts");
    struct dht_address address = overlay_fixture_address(TARGET);
    dht_node_bootstrap(&peer->dht, &address, mesh_overlay_mesh_time(peer, state.now));
}

int overlay_script_run(const uint8_t *script, size_t size)
{
    if (size == 0)
        return SCRIPT_NO_DATAGRAM;
    script_setup(script[0]);
    state.at = script + 1;
    state.end = script + size;
    const uint8_t *op;
    while (take(1, &op))
        step(*op);
    return state.outcome;
}

/* ---- outcome names ------------------------------------------------------------- */

static const char *const session_names[MESH_ERR_PAYLOAD + 1] = {
    "ACCEPTED", "MESH_ERR_SHORT", "MESH_ERR_LENGTH", "MESH_ERR_TYPE", "MESH_ERR_RESERVED",
    "MESH_ERR_DECRYPT", "MESH_ERR_KEY", "MESH_ERR_STATE", "MESH_ERR_UNKNOWN_INDEX", "MESH_ERR_REPLAY",
    "MESH_ERR_EXPIRED", "MESH_ERR_PADDING", "MESH_ERR_IDENTITY", "MESH_ERR_RATE_LIMIT",
    "MESH_ERR_BUFFER", "MESH_ERR_PARAMETER", "MESH_ERR_RANDOM", "MESH_ERR_FULL",
    "MESH_ERR_NO_SESSION", "MESH_ERR_PAYLOAD",
};

static const char *const beacon_names[MESH_BEACON_RESULT_COUNT] = {
    "ACCEPTED", "MESH_BEACON_ERR_LENGTH", "MESH_BEACON_ERR_MAGIC", "MESH_BEACON_ERR_IDENTITY",
    "MESH_BEACON_ERR_ADDRESS", "MESH_BEACON_ERR_SIGNATURE", "MESH_BEACON_ERR_TIME",
    "MESH_BEACON_ERR_STALE", "MESH_BEACON_ERR_RATE", "MESH_BEACON_ERR_SELF",
    "MESH_BEACON_ERR_PARAMETER",
};

static const char *const dht_names[DHT_ERROR_COUNT] = {
    "ACCEPTED", "DHT_ERR_SHORT", "DHT_ERR_TOO_LONG", "DHT_ERR_VERSION", "DHT_ERR_TYPE",
    "DHT_ERR_COUNT", "DHT_ERR_ADDRESS", "DHT_ERR_TRAILING", "DHT_ERR_ID_WORK",
    "DHT_ERR_RECORD_KIND", "DHT_ERR_RECORD_LENGTH", "DHT_ERR_RECORD_SIGNATURE",
    "DHT_ERR_RECORD_EXPIRED", "DHT_ERR_RECORD_FUTURE", "DHT_ERR_RECORD_PROVIDER",
    "DHT_ERR_RECORD_STALE", "DHT_ERR_STORE_FULL", "DHT_ERR_RATE", "DHT_ERR_UNSOLICITED",
    "DHT_ERR_BUSY", "DHT_ERR_PARAMETER",
};

const char *overlay_script_outcome_name(int outcome)
{
    if (outcome >= 0 && outcome <= MESH_ERR_PAYLOAD)
        return session_names[outcome];
    if (outcome > SCRIPT_BEACON_BASE && outcome < SCRIPT_BEACON_BASE + MESH_BEACON_RESULT_COUNT)
        return beacon_names[outcome - SCRIPT_BEACON_BASE];
    if (outcome == SCRIPT_SENDER_MISMATCH)
        return "DHT_SENDER_MISMATCH";
    if (outcome > SCRIPT_DHT_BASE && outcome < SCRIPT_DHT_BASE + DHT_ERROR_COUNT)
        return dht_names[outcome - SCRIPT_DHT_BASE];
    return outcome == SCRIPT_NO_DATAGRAM ? "NO_DATAGRAM" : "UNKNOWN";
}
