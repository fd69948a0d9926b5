/* Tests of lib/mesh/beacon and lib/mesh/overlay (suite 28-mesh-node), under
 * ASan + UBSan, on the in-memory network of tests/mesh/overlay_fixture.c:
 *  - the beacon decoder's error table (every enum mesh_beacon_result a
 *    datagram can get from the decoder);
 *  - three overlays find each other by beacons alone, open sessions, fill
 *    their routing tables, and a record put by one is found by another;
 *  - the receiver's screening: own beacon, stale (replayed), outside the time
 *    window, forged (signature) until the per-source rate limit, refill;
 *  - a DHT message inside a session naming another node as its sender is
 *    refused (dht_sender_mismatch) and changes nothing;
 *  - 300 DHT requests at once inside a session meet the DHT's rate limit;
 *  - wipe leaves no key;
 *  - a node without a wall clock (adopt_clock) restarts at node 0's address
 *    with a fresh identity: it takes the mesh time from a beacon, the others
 *    drop their sessions with the node that was there, and it finds the
 *    record stored before it came.
 *   overlay_test --write-corpus DIR    writes DIR/mesh-beacon (files + expected)
 *   overlay_test --check-corpus DIR    replays DIR/mesh-beacon through beacon_fixture */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mesh/overlay.h"
#include "tests/mesh/beacon_fixture.h"
#include "tests/mesh/overlay_fixture.h"

#define NODES OVERLAY_FIXTURE_NODES

/* The fixture's nodes, by shorter names. */
static struct mesh_overlay *const overlays = overlay_fixture_nodes;
static struct mesh_identity *const identities = overlay_fixture_identities;

static int failures, checks;

static void check(int ok, const char *what)
{
    checks++;
    if (!ok) {
        failures++;
        printf("FAIL overlay test: %s\n", what);
    }
}

static void setup(void)
{
    struct mesh_overlay_config config;
    overlay_fixture_config(&config);
    for (int n = 0; n < NODES; n++) {
        overlay_fixture_identity(&identities[n]);
        check(overlay_fixture_start(n, &config, OVERLAY_FIXTURE_EPOCH, 0) == 0, "overlay init");
    }
}

/* ---- lookups -------------------------------------------------------------- */
static struct dht_lookup_result last_result;
static int results;

static void lookup_done(void *context, const struct dht_lookup_result *result)
{
    (void)context;
    last_result = *result;
    results++;
}

static void test_discovery_and_records(uint64_t *now)
{
    overlay_fixture_run(now, 3000, NULL);
    for (int n = 0; n < NODES; n++) {
        check(mesh_overlay_session_count(&overlays[n]) == NODES - 1, "sessions with both others");
        check(dht_table_size(&overlays[n].dht) == NODES - 1, "routing table holds both others");
        check(overlays[n].counters.beacons_accepted >= NODES - 1, "beacons accepted");
        check(overlays[n].counters.exchanges >= 1, "a peer exchange (self-lookup) ran");
    }
    uint8_t key[DHT_ID_SIZE];
    mesh_overlay_key(key, (const uint8_t *)"name", 4);
    uint64_t mesh_now = mesh_overlay_mesh_time(&overlays[0], *now);
    results = 0;
    check(dht_node_put(&overlays[0].dht, key, (const uint8_t *)"value", 5, 1, mesh_now + 60000,
                       lookup_done, NULL, mesh_now) == DHT_OK, "put starts");
    overlay_fixture_run(now, 2000, NULL);
    check(results == 1 && last_result.stores_sent >= 1, "put stored on another node");
    results = 0;
    mesh_now = mesh_overlay_mesh_time(&overlays[2], *now);
    check(dht_node_find_value(&overlays[2].dht, key, DHT_RECORD_VALUE, NULL, lookup_done, NULL,
                              mesh_now) == DHT_OK, "get starts");
    overlay_fixture_run(now, 2000, NULL);
    check(results == 1 && last_result.found && last_result.record.value_len == 5 &&
              memcmp(last_result.record.value, "value", 5) == 0,
          "node 2 finds node 0's record");
    for (int n = 0; n < NODES; n++)
        check(overlays[n].counters.dht_sender_mismatch == 0 && overlays[n].counters.dht_refused == 0,
              "no DHT message refused among honest nodes");
}

/* ---- beacon screening ------------------------------------------------------ */
static enum mesh_beacon_result offer(int node, const struct mesh_identity *identity,
                                     const struct dht_address *from, uint64_t time_ms,
                                     bool forge, uint64_t now)
{
    uint8_t beacon[MESH_BEACON_SIZE];
    if (mesh_beacon_encode(beacon, identity, from, time_ms) != MESH_BEACON_OK)
        return MESH_BEACON_ERR_PARAMETER;
    if (forge)
        beacon[81] ^= 1; /* the port, after signing */
    return mesh_overlay_beacon_receive(&overlays[node], from, beacon, sizeof beacon, now);
}

static void test_beacon_screening(uint64_t *now)
{
    uint64_t mesh_now = mesh_overlay_mesh_time(&overlays[0], *now);
    const struct dht_address *b = &overlays[1].self;
    check(offer(0, &identities[0], &overlays[0].self, mesh_now, false, *now) == MESH_BEACON_ERR_SELF,
          "own beacon refused");
    check(offer(0, &identities[1], b, mesh_now + 1, false, *now) == MESH_BEACON_OK,
          "a newer beacon of a neighbour accepted");
    check(offer(0, &identities[1], b, mesh_now + 1, false, *now) == MESH_BEACON_ERR_STALE,
          "the same beacon again (a replay) refused as stale");
    check(offer(0, &identities[1], b, mesh_now - 5000, false, *now) == MESH_BEACON_ERR_STALE,
          "an older beacon refused as stale");
    check(offer(0, &identities[1], b, mesh_now + MESH_OVERLAY_BEACON_WINDOW_MS + 1, false, *now) ==
              MESH_BEACON_ERR_TIME,
          "a beacon from beyond the time window refused");
    struct mesh_identity stranger;
    overlay_fixture_identity(&stranger);
    struct dht_address from = { DHT_ADDRESS_IPV4, { 10, 9, 9, 9 }, 4978 };
    int signature = 0, rate = 0;
    for (int i = 0; i < 10; i++) {
        enum mesh_beacon_result r = offer(0, &stranger, &from, mesh_now + (uint64_t)i, true, *now);
        signature += r == MESH_BEACON_ERR_SIGNATURE;
        rate += r == MESH_BEACON_ERR_RATE;
    }
    check(signature == MESH_OVERLAY_BEACON_SOURCE_BURST && rate == 10 - signature,
          "forged beacons: a burst of signature checks, then the source's rate limit");
    check(offer(0, &stranger, &from, mesh_now + 20, true, *now + 500) == MESH_BEACON_ERR_SIGNATURE,
          "half a second later one more signature check");
    check(offer(0, &stranger, &from, mesh_now + 21, false, *now + 1000) == MESH_BEACON_OK,
          "the stranger's true beacon is then accepted");
    mesh_identity_wipe(&stranger);
}

/* ---- a session peer that names another node as the DHT sender ---------------- */
static void test_sender_mismatch(uint64_t now)
{
    size_t index = MESH_OVERLAY_PEERS;
    for (size_t i = 0; i < MESH_OVERLAY_PEERS; i++)
        if (overlays[0].peers[i].identity_known &&
            memcmp(overlays[0].peers[i].identity.id, identities[1].public_part.id, 32) == 0)
            index = i;
    check(index < MESH_OVERLAY_PEERS, "node 0 has a session with node 1");
    if (index == MESH_OVERLAY_PEERS)
        return;
    static struct dht_message message;
    memset(&message, 0, sizeof message);
    message.type = DHT_PING;
    message.request_id = 77;
    message.sender = identities[2].public_part;
    uint8_t ping[DHT_MESSAGE_MAX], packet[MESH_MAX_PACKET];
    size_t ping_len = dht_message_encode(&message, ping, sizeof ping), packet_len = 0;
    struct mesh_address to;
    check(ping_len > 0 && mesh_endpoint_send(&overlays[0].endpoint, index, ping, ping_len, now,
                                             packet, sizeof packet, &packet_len, &to) == MESH_OK,
          "node 0 seals a PING naming node 2");
    uint64_t mismatches = overlays[1].counters.dht_sender_mismatch;
    uint64_t received = overlays[1].dht.stats.received;
    size_t sent_before = overlay_fixture_queued;
    check(mesh_overlay_receive(&overlays[1], &overlays[0].self, packet, packet_len, now) == MESH_OK,
          "the session accepts the packet");
    check(overlays[1].counters.dht_sender_mismatch == mismatches + 1 &&
              overlays[1].dht.stats.received == received && overlay_fixture_queued == sent_before,
          "node 1 refuses a DHT message whose sender is not the session's peer, and answers nothing");
}

/* A flood of DHT requests inside an authenticated session: the DHT's
 * per-peer rate limit (burst 100, then 50 a second) holds. */
static void test_request_flood(uint64_t now)
{
    size_t index = MESH_OVERLAY_PEERS;
    for (size_t i = 0; i < MESH_OVERLAY_PEERS; i++)
        if (overlays[0].peers[i].identity_known &&
            memcmp(overlays[0].peers[i].identity.id, identities[1].public_part.id, 32) == 0)
            index = i;
    if (index == MESH_OVERLAY_PEERS) {
        check(0, "node 0 has a session with node 1");
        return;
    }
    static struct dht_message message;
    memset(&message, 0, sizeof message);
    message.type = DHT_PING;
    message.sender = identities[0].public_part;
    uint64_t limited = overlays[1].dht.stats.dropped[DHT_ERR_RATE];
    overlay_fixture_queued = 0;
    for (int i = 0; i < 300; i++) {
        uint8_t ping[DHT_MESSAGE_MAX], packet[MESH_MAX_PACKET];
        message.request_id = 1000 + (uint64_t)i;
        size_t ping_len = dht_message_encode(&message, ping, sizeof ping), packet_len = 0;
        struct mesh_address to;
        if (ping_len == 0 || mesh_endpoint_send(&overlays[0].endpoint, index, ping, ping_len, now,
                                                packet, sizeof packet, &packet_len, &to) != MESH_OK)
            break;
        (void)mesh_overlay_receive(&overlays[1], &overlays[0].self, packet, packet_len, now);
    }
    uint64_t refused = overlays[1].dht.stats.dropped[DHT_ERR_RATE] - limited;
    check(refused >= 195 && refused <= 200 && overlay_fixture_queued <= 105,
          "300 PINGs at once in a session: the DHT answers its burst and refuses the rest by rate");
    overlay_fixture_queued = 0;
}

static void test_wipe(void)
{
    mesh_overlay_wipe(&overlays[0]);
    static const uint8_t zero[sizeof overlays[0].dht.key];
    bool keys = false;
    for (size_t i = 0; i < MESH_OVERLAY_PEERS; i++)
        keys |= overlays[0].peers[i].current.valid || overlays[0].peers[i].previous.valid ||
                overlays[0].peers[i].next.valid;
    check(!keys && memcmp(&overlays[0].dht.key, zero, sizeof zero) == 0,
          "wipe leaves no session key pair and no signing key");
}

/* A node without a wall clock (node 0 again, mesh clock = monotonic) takes
 * the mesh time from its neighbours' beacons, then joins as before. */
static void test_adopt_clock(uint64_t *now)
{
    struct mesh_overlay_config config;
    overlay_fixture_config(&config);
    config.adopt_clock = true;
    overlay_fixture_identity(&identities[0]);
    check(overlay_fixture_start(0, &config, 0, *now) == 0, "overlay without a wall clock starts");
    check(!overlays[0].clock_adopted && overlays[0].counters.beacons_out == 0,
          "no clock yet: it sends no beacon");
    overlay_fixture_run(now, 3000, NULL);
    uint64_t ours = mesh_overlay_mesh_time(&overlays[0], *now);
    uint64_t theirs = mesh_overlay_mesh_time(&overlays[1], *now);
    check(overlays[0].clock_adopted && ours <= theirs && theirs - ours < 1500,
          "it adopted the mesh time of a beacon (within one beacon interval)");
    check(mesh_overlay_session_count(&overlays[0]) == NODES - 1 &&
              overlays[1].counters.beacon_refused[MESH_BEACON_ERR_TIME] == 0,
          "then it joined, and no beacon of it was refused for its time");
    uint8_t key[DHT_ID_SIZE];
    mesh_overlay_key(key, (const uint8_t *)"name", 4);
    results = 0;
    check(dht_node_find_value(&overlays[0].dht, key, DHT_RECORD_VALUE, NULL, lookup_done, NULL,
                              ours) == DHT_OK, "get starts on the adopting node");
    overlay_fixture_run(now, 2000, NULL);
    check(results == 1 && last_result.found, "the adopting node finds the record stored before it came");
    check(overlays[1].counters.replaced >= 1 && overlays[2].counters.replaced >= 1,
          "the others dropped their sessions with the former node at that address");
}

/* ---- the decoder's error table and the corpus -------------------------------- */
struct beacon_case {
    const char *name;
    enum mesh_beacon_result expected;
    size_t len;
    uint8_t data[MESH_BEACON_SIZE + 1];
};

#define CASES 14
static struct beacon_case cases[CASES];

static void make_cases(void)
{
    struct dht_address address = { DHT_ADDRESS_IPV4, { 169, 254, 7, 7 }, 4978 };
    uint8_t good[MESH_BEACON_SIZE];
    if (mesh_beacon_encode(good, &identities[0], &address, OVERLAY_FIXTURE_EPOCH) != MESH_BEACON_OK)
        check(0, "encode the corpus beacon");
    static const struct { const char *name; int expected; int offset; uint8_t xor_; int len; } table[CASES] = {
        { "good", MESH_BEACON_OK, -1, 0, MESH_BEACON_SIZE },
        { "empty", MESH_BEACON_ERR_LENGTH, -1, 0, 0 },
        { "short-154", MESH_BEACON_ERR_LENGTH, -1, 0, MESH_BEACON_SIZE - 1 },
        { "long-156", MESH_BEACON_ERR_LENGTH, -1, 0, MESH_BEACON_SIZE + 1 },
        { "magic-first-byte", MESH_BEACON_ERR_MAGIC, 0, 0x01, MESH_BEACON_SIZE },
        { "version-2", MESH_BEACON_ERR_MAGIC, 3, 0x03, MESH_BEACON_SIZE },
        { "dh-key-changed", MESH_BEACON_ERR_IDENTITY, 4, 0x01, MESH_BEACON_SIZE },
        { "sign-key-changed", MESH_BEACON_ERR_IDENTITY, 36, 0x80, MESH_BEACON_SIZE },
        { "family-2", MESH_BEACON_ERR_ADDRESS, 76, 0x03, MESH_BEACON_SIZE },
        { "port-zero", MESH_BEACON_ERR_ADDRESS, -2, 0, MESH_BEACON_SIZE },
        { "port-changed", MESH_BEACON_ERR_SIGNATURE, 81, 0x01, MESH_BEACON_SIZE },
        { "address-changed", MESH_BEACON_ERR_SIGNATURE, 80, 0x01, MESH_BEACON_SIZE },
        { "time-changed", MESH_BEACON_ERR_SIGNATURE, 83, 0x01, MESH_BEACON_SIZE },
        { "signature-changed", MESH_BEACON_ERR_SIGNATURE, 150, 0x10, MESH_BEACON_SIZE },
    };
    for (int i = 0; i < CASES; i++) {
        struct beacon_case *c = &cases[i];
        c->name = table[i].name;
        c->expected = (enum mesh_beacon_result)table[i].expected;
        c->len = (size_t)table[i].len;
        memset(c->data, 0, sizeof c->data);
        memcpy(c->data, good, MESH_BEACON_SIZE);
        if (table[i].offset >= 0)
            c->data[table[i].offset] ^= table[i].xor_;
        if (table[i].offset == -2)
            c->data[81] = c->data[82] = 0;
    }
}

static void test_error_table(void)
{
    for (int i = 0; i < CASES; i++) {
        char what[96];
        snprintf(what, sizeof what, "beacon %s gives %s", cases[i].name,
                 mesh_beacon_message(cases[i].expected));
        check(beacon_fixture(cases[i].data, cases[i].len) == cases[i].expected, what);
    }
}

static int write_corpus(const char *root)
{
    char path[512];
    snprintf(path, sizeof path, "%s/mesh-beacon", root);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/mesh-beacon/expected", root);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return 1;
    fprintf(expected, "# <case file> <mesh_beacon_result>: written by overlay_test --write-corpus\n");
    for (int i = 0; i < CASES; i++) {
        snprintf(path, sizeof path, "%s/mesh-beacon/%s", root, cases[i].name);
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(cases[i].data, 1, cases[i].len, f) != cases[i].len)
            return 1;
        fclose(f);
        fprintf(expected, "%s %d  # %s\n", cases[i].name, cases[i].expected,
                mesh_beacon_message(cases[i].expected));
    }
    fclose(expected);
    return 0;
}

static int check_corpus(const char *root)
{
    char path[512], line[256], name[128];
    static uint8_t data[4096];
    int expected, checked = 0, bad = 0;
    snprintf(path, sizeof path, "%s/mesh-beacon/expected", root);
    FILE *list = fopen(path, "r");
    if (list == NULL) {
        printf("FAIL mesh-beacon corpus: %s missing\n", path);
        return 1;
    }
    while (fgets(line, sizeof line, list) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %d", name, &expected) != 2)
            continue;
        snprintf(path, sizeof path, "%s/mesh-beacon/%s", root, name);
        FILE *f = fopen(path, "rb");
        size_t len = f != NULL ? fread(data, 1, sizeof data, f) : 0;
        if (f != NULL)
            fclose(f);
        int got = f != NULL ? (int)beacon_fixture(data, len) : -1;
        if (got != expected) {
            printf("FAIL mesh-beacon corpus: %s gives %d (%s), expected %d\n", name, got,
                   mesh_beacon_message(got), expected);
            bad++;
        }
        checked++;
    }
    fclose(list);
    if (checked == 0 || bad != 0) {
        printf("FAIL mesh-beacon corpus: %d files checked, %d wrong\n", checked, bad);
        return 1;
    }
    printf("PASS mesh-beacon corpus: %d files give their recorded result\n", checked);
    return 0;
}

/* mesh_overlay_next_deadline, for a node alone on its link ticked only at
 * its deadlines (as the in-OS capsule's loop does): a tick 1 ms before a
 * deadline never sends anything (so the deadline is never late for the
 * beacons and DHT work that send), the node still beacons about once a
 * second, and it wakes far less often than a 10 ms poll would. With
 * sessions, the deadline is at most MESH_OVERLAY_TICK_MS ahead. */
static void test_next_deadline(uint64_t now)
{
    static struct mesh_overlay lonely;
    struct mesh_overlay_config config;
    overlay_fixture_config(&config);
    struct dht_address self = { DHT_ADDRESS_IPV4, { 10, 0, 99, 1 }, OVERLAY_FIXTURE_PORT };
    struct mesh_overlay_io io = overlay_fixture_io(0);
    check(mesh_overlay_init(&lonely, &identities[0], &config, &io, &self, OVERLAY_FIXTURE_EPOCH, now) == 0,
          "lonely init");
    overlay_fixture_queued = 0;
    unsigned wakes = 0, early_sends = 0;
    uint64_t beacons = lonely.counters.beacons_out, end = now + 60000;
    while (now < end) {
        uint64_t deadline = mesh_overlay_next_deadline(&lonely, now);
        check(deadline >= now, "the deadline is never in the past");
        if (deadline > now + 1) {
            mesh_overlay_tick(&lonely, deadline - 1);
            early_sends += overlay_fixture_queued > 0;
            overlay_fixture_queued = 0;
        }
        now = deadline > now ? deadline : now + 1;
        mesh_overlay_tick(&lonely, now);
        overlay_fixture_queued = 0;
        wakes++;
    }
    beacons = lonely.counters.beacons_out - beacons;
    check(early_sends == 0, "a tick before the deadline sent nothing");
    check(beacons >= 45 && beacons <= 80, "alone, about one beacon a second (60 s)");
    check(wakes <= 2 * beacons + 20, "alone, the node wakes for its beacons and DHT timers, not every 10 ms");
    uint64_t later = overlays[1].now_ms;
    check(mesh_overlay_session_count(&overlays[1]) > 0 &&
              mesh_overlay_next_deadline(&overlays[1], later) <= later + MESH_OVERLAY_TICK_MS,
          "with sessions, at most MESH_OVERLAY_TICK_MS ahead");
    mesh_overlay_wipe(&lonely);
    printf("overlay test: alone for 60 s: %u wake-ups, %llu beacons\n", wakes, (unsigned long long)beacons);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--check-corpus") == 0)
        return check_corpus(argv[2]);
    setup();
    make_cases();
    if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
        return write_corpus(argv[2]);
    uint64_t now = 0;
    test_error_table();
    test_discovery_and_records(&now);
    test_beacon_screening(&now);
    test_sender_mismatch(now);
    test_request_flood(now);
    test_wipe();
    test_adopt_clock(&now);
    test_next_deadline(now);
    for (int n = 0; n < NODES; n++) {
        mesh_overlay_wipe(&overlays[n]);
        mesh_identity_wipe(&identities[n]);
    }
    if (failures == 0)
        printf("PASS overlay test: beacon error table, discovery by beacons, sessions, records, "
               "screening, sender binding, wipe, next deadline (%d checks)\n", checks);
    return failures == 0 ? 0 : 1;
}
