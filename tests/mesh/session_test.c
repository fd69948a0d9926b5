/* Session tests (suite 27-mesh-noise), ASan + UBSan: two endpoints over an
 * in-memory channel that loses, reorders and duplicates datagrams.
 *
 *   session_test SEED     every test below; SEED fixes the channel's and
 *                         the keys' randomness (printed by the suite)
 *   session_test --write-corpus DIR   writes the decoder error table as
 *                         corpus files and DIR/expected (fuzz_mesh_packet) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/session.h"
#include "decode_fixture.h"

static int failures;
static uint64_t rng_state;

static void check(int ok, const char *name, const char *what)
{
    if (!ok) {
        printf("FAIL %s: %s\n", name, what);
        failures++;
    }
}

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static enum crypto_result test_random(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)(rng_next() >> 32);
    return CRYPTO_OK;
}

static enum crypto_result broken_random(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    (void)out;
    (void)len;
    return CRYPTO_ERR_HEALTH;
}

/* --- Two nodes and a channel --- */

#define TEST_DIFFICULTY 8
#define PEERS 4
#define QUEUE 4096

struct node {
    struct mesh_identity identity;
    struct mesh_endpoint endpoint;
    struct mesh_peer peers[PEERS];
    struct mesh_address address;
    uint64_t received, replays, refused, established;
    uint8_t last[MESH_MAX_PAYLOAD];
    size_t last_len;
};

struct datagram {
    int to;
    struct mesh_address from;
    uint8_t bytes[MESH_MAX_PACKET];
    size_t len;
};

struct channel {
    struct datagram queue[QUEUE];
    size_t count;
    unsigned loss_percent, duplicate_percent;
    int reorder;
};

static struct node nodes[2];
static struct channel channel;
static uint64_t now_ms;

static void node_setup(int n, const struct mesh_config *config, unsigned difficulty)
{
    struct node *node = &nodes[n];
    uint8_t random[MESH_IDENTITY_RANDOM_SIZE];
    struct random_source source = { test_random, NULL, "test" };
    memset(node, 0, sizeof *node);
    (void)test_random(NULL, random, sizeof random);
    if (mesh_identity_create(&node->identity, random, difficulty, (uint64_t)1 << 20) != MESH_OK ||
        mesh_endpoint_init(&node->endpoint, &node->identity, config, &source, node->peers,
                           PEERS) != MESH_OK)
        check(0, "setup", "identity or endpoint");
    node->address.bytes[0] = (uint8_t)(10 + n);
}

static void channel_reset(unsigned loss, unsigned duplicate, int reorder)
{
    channel.count = 0;
    channel.loss_percent = loss;
    channel.duplicate_percent = duplicate;
    channel.reorder = reorder;
}

static void channel_put(int to, const uint8_t *bytes, size_t len)
{
    if (len == 0 || channel.count == QUEUE)
        return;
    struct datagram *d = &channel.queue[channel.count++];
    d->to = to;
    d->from = nodes[1 - to].address;
    memcpy(d->bytes, bytes, len);
    d->len = len;
}

/* Delivers one datagram (random or oldest); returns the receive result. */
static enum mesh_result channel_deliver_one(void)
{
    static struct mesh_event event;
    size_t pick = channel.reorder ? (size_t)(rng_next() % channel.count) : 0;
    struct datagram d = channel.queue[pick];
    int duplicate = (unsigned)(rng_next() % 100) < channel.duplicate_percent;
    if (!duplicate) {
        memmove(&channel.queue[pick], &channel.queue[pick + 1],
                (channel.count - pick - 1) * sizeof channel.queue[0]);
        channel.count--;
    }
    if ((unsigned)(rng_next() % 100) < channel.loss_percent)
        return MESH_OK;
    struct node *node = &nodes[d.to];
    enum mesh_result result =
        mesh_endpoint_receive(&node->endpoint, &d.from, d.bytes, d.len, now_ms, &event);
    if (result == MESH_ERR_REPLAY)
        node->replays++;
    else if (result != MESH_OK)
        node->refused++;
    if (result == MESH_OK && event.kind == MESH_EVENT_DATA && event.data_len > 0) {
        node->received++;
        memcpy(node->last, event.data, event.data_len);
        node->last_len = event.data_len;
    }
    if (result == MESH_OK && event.kind == MESH_EVENT_ESTABLISHED)
        node->established++;
    channel_put(1 - d.to, event.reply, event.reply_len);
    return result;
}

static void channel_drain(void)
{
    while (channel.count > 0)
        (void)channel_deliver_one();
}

static void tick_all(void)
{
    static uint8_t out[MESH_MAX_PACKET];
    for (int n = 0; n < 2; n++) {
        size_t len = 0;
        struct mesh_address to;
        do {
            if (mesh_endpoint_tick(&nodes[n].endpoint, now_ms, out, sizeof out, &len, &to) !=
                MESH_OK)
                break;
            channel_put(1 - n, out, len);
        } while (len > 0);
    }
}

/* Connects node 0 to node 1 over a clean channel; returns node 0's slot. */
static size_t connect_pair(const uint8_t *expected_id, enum mesh_result *result)
{
    static uint8_t out[MESH_MAX_PACKET];
    size_t len = 0, slot = 0;
    *result = mesh_endpoint_connect(&nodes[0].endpoint, &nodes[1].address, expected_id, now_ms,
                                    out, sizeof out, &len, &slot);
    channel_put(1, out, len);
    channel_drain();
    return slot;
}

static enum mesh_result send_from(int n, size_t slot, const void *data, size_t len)
{
    static uint8_t out[MESH_MAX_PACKET];
    size_t out_len = 0;
    struct mesh_address to;
    enum mesh_result result = mesh_endpoint_send(&nodes[n].endpoint, slot, data, len, now_ms,
                                                 out, sizeof out, &out_len, &to);
    if (result == MESH_OK)
        channel_put(1 - n, out, out_len);
    return result;
}

static void setup_pair(const struct mesh_config *config)
{
    node_setup(0, config, TEST_DIFFICULTY);
    node_setup(1, config, TEST_DIFFICULTY);
    channel_reset(0, 0, 0);
    now_ms = 1000;
}

static struct mesh_config test_config(void)
{
    struct mesh_config config;
    mesh_config_default(&config);
    config.id_difficulty = TEST_DIFFICULTY;
    config.handshake_retry_ms = 1000;
    config.handshake_attempts = 8;
    return config;
}

/* --- Tests --- */

static void test_basic(void)
{
    const char *name = "mesh session handshake and data";
    struct mesh_config config = test_config();
    enum mesh_result result;
    int before = failures;
    setup_pair(&config);
    size_t slot = connect_pair(NULL, &result);
    struct mesh_peer *a = &nodes[0].peers[slot], *b = &nodes[1].peers[0];
    check(result == MESH_OK && nodes[0].established == 1 && nodes[1].established == 1, name,
          "handshake did not complete on both sides");
    check(a->identity_known && memcmp(a->identity.id, nodes[1].identity.public_part.id, 32) == 0 &&
          b->identity_known && memcmp(b->identity.id, nodes[0].identity.public_part.id, 32) == 0,
          name, "peers did not learn each other's node IDs");
    check(a->stage == MESH_HANDSHAKE_IDLE && a->current.valid, name,
          "initiator's key pair not confirmed by the responder's keepalive");
    check(send_from(0, slot, "hello", 5) == MESH_OK && channel.queue[0].len == 16 + 64 + 16,
          name, "5-byte payload not padded to one 64-byte block");
    channel_drain();
    check(nodes[1].received == 1 && nodes[1].last_len == 5 && memcmp(nodes[1].last, "hello", 5) == 0,
          name, "initiator to responder data lost or altered");
    check(send_from(1, 0, "world!", 6) == MESH_OK, name, "responder could not send");
    channel_drain();
    check(nodes[0].received == 1 && memcmp(nodes[0].last, "world!", 6) == 0, name,
          "responder to initiator data lost or altered");
    static uint8_t big[MESH_MAX_PAYLOAD + 1];
    check(send_from(0, slot, big, MESH_MAX_PAYLOAD) == MESH_OK &&
          channel.queue[0].len == MESH_MAX_PACKET, name, "largest payload not sent at full size");
    channel_drain();
    check(nodes[1].last_len == MESH_MAX_PAYLOAD, name, "largest payload not received");
    check(send_from(0, slot, big, MESH_MAX_PAYLOAD + 1) == MESH_ERR_PARAMETER, name,
          "oversized payload not refused");
    check(send_from(0, PEERS, "x", 1) == MESH_ERR_PARAMETER && send_from(0, 3, "x", 1) ==
          MESH_ERR_PARAMETER, name, "send to a bad slot not refused");
    if (failures == before)
        printf("PASS %s (XX handshake both ways, node IDs learnt, key confirmation, padding)\n",
               name);
}

static void test_cells(void)
{
    const char *name = "mesh session fixed-size cells";
    struct mesh_config config = test_config();
    enum mesh_result result;
    int before = failures;
    static uint8_t block[600];
    config.cell_size = 512;
    setup_pair(&config);
    size_t slot = connect_pair(NULL, &result);
    check(send_from(0, slot, "a", 1) == MESH_OK && send_from(0, slot, block, 500) == MESH_OK &&
          channel.queue[0].len == 16 + 512 + 16 && channel.queue[1].len == 16 + 512 + 16, name,
          "cells of different sizes");
    check(send_from(0, slot, block, 511) == MESH_ERR_PARAMETER, name,
          "payload larger than a cell not refused");
    channel_drain();
    check(nodes[1].received == 2, name, "cells not received");
    config.cell_size = 100;
    check(mesh_endpoint_init(&nodes[0].endpoint, &nodes[0].identity, &config,
                             &(struct random_source){ test_random, NULL, "t" }, nodes[0].peers,
                             PEERS) == MESH_ERR_PARAMETER, name,
          "cell size not a multiple of 64 accepted");
    if (failures == before)
        printf("PASS %s (every DATA packet 544 bytes with cell_size 512)\n", name);
}

/* Payload of message seq: 4 bytes of seq, then bytes derived from it. */
static size_t payload_make(uint32_t seq, uint8_t *out)
{
    size_t len = 4 + seq % 197;
    memcpy(out, &seq, 4);
    for (size_t i = 4; i < len; i++)
        out[i] = (uint8_t)(seq * 31 + i);
    return len;
}

static int payload_valid(const uint8_t *data, size_t len, uint32_t *seq)
{
    uint8_t expected[256];
    if (len < 4)
        return 0;
    memcpy(seq, data, 4);
    return payload_make(*seq, expected) == len && memcmp(expected, data, len) == 0;
}

#define LOSSY_ROUNDS 60
#define LOSSY_PER_ROUND 50

/* Both directions over a channel with 10% loss, 5% duplication and random
 * reordering, with a rekey every 300 messages: every accepted message is
 * intact and accepted once, duplicates are refused as replays, and the
 * session survives the rekeys (a clean phase afterwards loses nothing). */
static void test_lossy(void)
{
    const char *name = "mesh session lossy channel with rekeys";
    struct mesh_config config = test_config();
    static uint8_t seen[2][LOSSY_ROUNDS * LOSSY_PER_ROUND];
    static struct mesh_event event;
    enum mesh_result result;
    int before = failures;
    uint64_t sent = 0, send_failures = 0, accepted = 0, duplicates = 0, corrupt = 0;
    config.rekey_after_messages = 300;
    setup_pair(&config);
    size_t slot[2];
    slot[0] = connect_pair(NULL, &result);
    slot[1] = 0;
    memset(seen, 0, sizeof seen);
    channel_reset(10, 5, 1);
    uint32_t seq = 0;
    for (int round = 0; round < LOSSY_ROUNDS; round++) {
        for (int i = 0; i < LOSSY_PER_ROUND; i++, seq++) {
            uint8_t payload[256];
            size_t len = payload_make(seq, payload);
            for (int n = 0; n < 2; n++) {
                sent++;
                send_failures += send_from(n, slot[n], payload, len) != MESH_OK;
            }
        }
        now_ms += 300;
        tick_all();
        while (channel.count > 0) {
            size_t pick = (size_t)(rng_next() % channel.count);
            struct datagram d = channel.queue[pick];
            int duplicate = (unsigned)(rng_next() % 100) < channel.duplicate_percent;
            if (!duplicate) {
                memmove(&channel.queue[pick], &channel.queue[pick + 1],
                        (channel.count - pick - 1) * sizeof channel.queue[0]);
                channel.count--;
            }
            if ((unsigned)(rng_next() % 100) < channel.loss_percent)
                continue;
            result = mesh_endpoint_receive(&nodes[d.to].endpoint, &d.from, d.bytes, d.len,
                                           now_ms, &event);
            nodes[d.to].replays += result == MESH_ERR_REPLAY;
            nodes[d.to].established += result == MESH_OK && event.kind == MESH_EVENT_ESTABLISHED;
            if (result == MESH_OK && event.kind == MESH_EVENT_DATA && event.data_len > 0) {
                uint32_t got;
                if (!payload_valid(event.data, event.data_len, &got) || got >= seq) {
                    corrupt++;
                } else {
                    duplicates += seen[d.to][got];
                    seen[d.to][got] = 1;
                    accepted++;
                }
            }
            channel_put(1 - d.to, event.reply, event.reply_len);
        }
    }
    uint64_t rekeys = nodes[0].established + nodes[1].established;
    char what[200];
    snprintf(what, sizeof what, "sent %llu (%llu refused), accepted %llu, duplicates %llu, "
             "corrupt %llu, replays refused %llu, handshakes completed %llu",
             (unsigned long long)sent, (unsigned long long)send_failures,
             (unsigned long long)accepted, (unsigned long long)duplicates,
             (unsigned long long)corrupt, (unsigned long long)(nodes[0].replays + nodes[1].replays),
             (unsigned long long)rekeys);
    check(send_failures == 0 && duplicates == 0 && corrupt == 0 && accepted >= sent * 7 / 10 &&
          nodes[0].replays + nodes[1].replays > 0 && rekeys >= sent / 2 / 300, name, what);
    /* Clean phase: nothing lost any more. */
    channel_reset(0, 0, 0);
    for (int k = 0; k < 20; k++) {
        now_ms += 1000;
        tick_all();
        channel_drain();
    }
    uint64_t received_before[2] = { nodes[0].received, nodes[1].received };
    for (int i = 0; i < 10; i++)
        for (int n = 0; n < 2; n++)
            check(send_from(n, slot[n], "after", 5) == MESH_OK, name, "send after the lossy phase");
    channel_drain();
    check(nodes[0].received - received_before[0] == 10 && nodes[1].received - received_before[1] == 10,
          name, "session did not survive the lossy phase and its rekeys");
    if (failures == before)
        printf("PASS %s: %s\n", name, what);
}

/* Reordering inside the window is accepted, a counter the window has left
 * behind and an exact duplicate are refused. */
static void test_replay_window(void)
{
    const char *name = "mesh session replay window";
    struct mesh_config config = test_config();
    enum mesh_result result;
    int before = failures;
    static struct datagram old;
    setup_pair(&config);
    size_t slot = connect_pair(NULL, &result);
    /* 1900 packets delivered newest first: all inside the 1984 usable bits. */
    for (int i = 0; i < 1900; i++)
        (void)send_from(0, slot, "r", 1);
    old = channel.queue[0];
    uint64_t accepted = 0;
    while (channel.count > 0) {
        channel.count--;
        struct datagram *d = &channel.queue[channel.count];
        static struct mesh_event event;
        accepted += mesh_endpoint_receive(&nodes[1].endpoint, &d->from, d->bytes, d->len, now_ms,
                                          &event) == MESH_OK;
    }
    check(accepted == 1900, name, "packets reordered inside the window were refused");
    static struct mesh_event event;
    check(mesh_endpoint_receive(&nodes[1].endpoint, &old.from, old.bytes, old.len, now_ms,
                                &event) == MESH_ERR_REPLAY, name, "duplicate not refused");
    for (int i = 0; i < 200; i++)
        (void)send_from(0, slot, "s", 1);
    channel_drain();
    check(mesh_endpoint_receive(&nodes[1].endpoint, &old.from, old.bytes, old.len, now_ms,
                                &event) == MESH_ERR_REPLAY, name,
          "counter 2100 behind the highest not refused");
    /* The replay window itself at its edges. */
    struct mesh_replay r;
    mesh_replay_init(&r);
    mesh_replay_record(&r, 5000);
    check(mesh_replay_check(&r, 5000 - 1983) && !mesh_replay_check(&r, 5000 - 1984) &&
          !mesh_replay_check(&r, 5000) && mesh_replay_check(&r, 4999) &&
          mesh_replay_check(&r, UINT64_MAX - 1), name, "window edges wrong");
    mesh_replay_record(&r, 5000 + 3 * MESH_REPLAY_WINDOW);
    check(mesh_replay_check(&r, 5000 + 3 * MESH_REPLAY_WINDOW - 1) &&
          !mesh_replay_check(&r, 5000), name, "a jump past the window left stale bits");
    if (failures == before)
        printf("PASS %s (1900 packets newest first all accepted; duplicate and 2100-behind refused)\n",
               name);
}

/* Every single-bit flip of a RESPONSE, a FINISH and a DATA packet is
 * refused, and the true packet is still accepted afterwards. */
static int flips_refused(int to, const struct datagram *d, const char *what, char *report,
                         size_t report_size)
{
    static struct mesh_event event;
    static struct datagram bad;
    int refused = 0;
    for (size_t i = 0; i < d->len; i++) {
        bad = *d;
        bad.bytes[i] ^= (uint8_t)(1u << (i % 8));
        enum mesh_result result = mesh_endpoint_receive(&nodes[to].endpoint, &bad.from, bad.bytes,
                                                        bad.len, now_ms, &event);
        refused += result != MESH_OK;
        if (result == MESH_OK)
            snprintf(report, report_size, "%s: flipped byte %zu accepted", what, i);
    }
    return refused == (int)d->len;
}

static void test_tamper(void)
{
    const char *name = "mesh session tampered packets";
    struct mesh_config config = test_config();
    static uint8_t out[MESH_MAX_PACKET];
    static struct mesh_event event;
    static struct datagram d;
    char report[120] = "";
    int before = failures;
    size_t len = 0, slot = 0;
    setup_pair(&config);
    check(mesh_endpoint_connect(&nodes[0].endpoint, &nodes[1].address, NULL, now_ms, out,
                                sizeof out, &len, &slot) == MESH_OK, name, "connect");
    check(mesh_endpoint_receive(&nodes[1].endpoint, &nodes[0].address, out, len, now_ms, &event) ==
          MESH_OK && event.reply_len == MESH_RESPONSE_SIZE, name, "INIT not answered");
    d.from = nodes[1].address;
    memcpy(d.bytes, event.reply, event.reply_len);
    d.len = event.reply_len;
    check(flips_refused(0, &d, "RESPONSE", report, sizeof report), name, report);
    check(mesh_endpoint_receive(&nodes[0].endpoint, &d.from, d.bytes, d.len, now_ms, &event) ==
          MESH_OK && event.reply_len == MESH_FINISH_SIZE, name,
          "true RESPONSE refused after the tampered ones");
    d.from = nodes[0].address;
    memcpy(d.bytes, event.reply, event.reply_len);
    d.len = event.reply_len;
    check(flips_refused(1, &d, "FINISH", report, sizeof report), name, report);
    check(mesh_endpoint_receive(&nodes[1].endpoint, &d.from, d.bytes, d.len, now_ms, &event) ==
          MESH_OK && event.kind == MESH_EVENT_ESTABLISHED, name,
          "true FINISH refused after the tampered ones");
    channel_reset(0, 0, 0);
    check(send_from(0, slot, "tamper me", 9) == MESH_OK, name, "send");
    d = channel.queue[0];
    channel.count = 0;
    check(flips_refused(1, &d, "DATA", report, sizeof report), name, report);
    check(mesh_endpoint_receive(&nodes[1].endpoint, &d.from, d.bytes, d.len, now_ms, &event) ==
          MESH_OK && event.data_len == 9, name, "true DATA refused after the tampered ones");
    if (failures == before)
        printf("PASS %s (every bit-flipped RESPONSE, FINISH and DATA refused; the true ones "
               "then accepted)\n", name);
}

/* Authentication: a responder whose node ID is not the one expected, and
 * node IDs without enough work, are refused on both sides. */
static void test_identity(void)
{
    const char *name = "mesh session authentication and node IDs";
    struct mesh_config config = test_config();
    enum mesh_result result;
    int before = failures;
    static uint8_t out[MESH_MAX_PACKET];
    static struct mesh_event event;
    size_t len = 0, slot = 0;

    setup_pair(&config);
    uint8_t wrong[32];
    memcpy(wrong, nodes[1].identity.public_part.id, 32);
    wrong[31] ^= 1;
    check(mesh_endpoint_connect(&nodes[0].endpoint, &nodes[1].address, wrong, now_ms, out,
                                sizeof out, &len, &slot) == MESH_OK, name, "connect");
    check(mesh_endpoint_receive(&nodes[1].endpoint, &nodes[0].address, out, len, now_ms, &event) ==
          MESH_OK, name, "INIT");
    check(mesh_endpoint_receive(&nodes[0].endpoint, &nodes[1].address, event.reply,
                                event.reply_len, now_ms, &event) == MESH_ERR_IDENTITY &&
          nodes[0].peers[slot].stage == MESH_HANDSHAKE_AWAIT_RESPONSE &&
          !nodes[0].peers[slot].current.valid && !nodes[0].peers[slot].next.valid,
          name, "responder with another static key (node ID) accepted");
    setup_pair(&config);
    size_t ok_slot = connect_pair(nodes[1].identity.public_part.id, &result);
    check(result == MESH_OK && nodes[0].peers[ok_slot].current.valid, name,
          "the expected node ID refused");

    /* Node 1 with an ID minted at difficulty 0 whose work fails difficulty 8. */
    for (int attempt = 0; attempt < 64; attempt++) {
        node_setup(1, &config, 0);
        if (!mesh_id_work_ok(nodes[1].identity.public_part.id, 0, TEST_DIFFICULTY))
            break;
    }
    nodes[1].endpoint.config.id_difficulty = 0; /* node 1 accepts anyone */
    nodes[0].refused = nodes[0].established = 0;
    channel_reset(0, 0, 0);
    (void)connect_pair(NULL, &result);
    check(nodes[0].refused == 1 && nodes[0].established == 0 && nodes[1].established == 0, name,
          "a responder's node ID without enough work accepted");
    channel_reset(0, 0, 0);
    nodes[0].refused = 0;
    check(mesh_endpoint_connect(&nodes[1].endpoint, &nodes[0].address, NULL, now_ms, out,
                                sizeof out, &len, &slot) == MESH_OK, name, "connect");
    channel_put(0, out, len);
    channel_drain();
    check(nodes[0].refused == 1 && nodes[0].established == 0 && nodes[0].endpoint.pending[0].in_use == 0,
          name, "an initiator's node ID without enough work accepted");

    /* The identity itself. */
    static struct mesh_identity id;
    static struct mesh_identity_public pub;
    uint8_t random[64], wire[72];
    for (int i = 0; i < 64; i++)
        random[i] = (uint8_t)(i * 7 + 1); /* fixed: the checks below never depend on luck */
    check(mesh_identity_create(&id, random, MESH_ID_DIFFICULTY, (uint64_t)1 << 24) == MESH_OK &&
          mesh_identity_check(&id.public_part, MESH_ID_DIFFICULTY) == MESH_OK, name,
          "identity at the default difficulty");
    mesh_identity_encode(wire, &id.public_part);
    check(mesh_identity_decode(&pub, wire, 72, MESH_ID_DIFFICULTY) == MESH_OK &&
          memcmp(pub.id, id.public_part.id, 32) == 0, name, "identity wire round trip");
    check(mesh_identity_decode(&pub, wire, 71, 0) == MESH_ERR_LENGTH, name, "71 bytes accepted");
    wire[40] ^= 1;
    check(mesh_identity_decode(&pub, wire, 72, MESH_ID_DIFFICULTY) == MESH_ERR_IDENTITY, name,
          "identity with another signing key kept its proof of work");
    wire[40] ^= 1;
    wire[64] ^= 1;
    check(mesh_identity_decode(&pub, wire, 72, MESH_ID_DIFFICULTY) == MESH_ERR_IDENTITY, name,
          "identity with another nonce accepted");
    pub = id.public_part;
    pub.id[0] ^= 1;
    check(mesh_identity_check(&pub, 0) == MESH_ERR_IDENTITY, name, "ID not of its keys accepted");
    check(mesh_identity_create(&id, random, 64, 10) == MESH_ERR_IDENTITY && id.dh_secret[0] == 0 &&
          mesh_identity_create(&id, random, 65, 10) == MESH_ERR_PARAMETER, name,
          "impossible difficulty not refused (or identity not wiped)");
    if (failures == before)
        printf("PASS %s (pinned ID, work below the required difficulty on both sides, "
               "identity wire form)\n", name);
}

static void test_rate_limit(void)
{
    const char *name = "mesh session INIT rate limit";
    struct mesh_config config = test_config();
    static uint8_t out[MESH_MAX_PACKET];
    static struct mesh_event event;
    int before = failures;
    size_t len = 0, slot = 0;
    setup_pair(&config);
    check(mesh_endpoint_connect(&nodes[0].endpoint, &nodes[1].address, NULL, now_ms, out,
                                sizeof out, &len, &slot) == MESH_OK, name, "connect");
    struct mesh_endpoint *b = &nodes[1].endpoint;
    int ok = 0;
    for (unsigned i = 0; i < config.rate_burst; i++)
        ok += mesh_endpoint_receive(b, &nodes[0].address, out, len, now_ms, &event) == MESH_OK;
    check(ok == (int)config.rate_burst, name, "burst refused");
    check(mesh_endpoint_receive(b, &nodes[0].address, out, len, now_ms, &event) ==
          MESH_ERR_RATE_LIMIT, name, "INIT beyond the burst accepted");
    struct mesh_address other = { { 99 } };
    check(mesh_endpoint_receive(b, &other, out, len, now_ms, &event) == MESH_OK, name,
          "another address limited too");
    now_ms += config.rate_interval_ms;
    check(mesh_endpoint_receive(b, &nodes[0].address, out, len, now_ms, &event) == MESH_OK &&
          mesh_endpoint_receive(b, &nodes[0].address, out, len, now_ms, &event) ==
              MESH_ERR_RATE_LIMIT, name, "refill is not one INIT per interval");
    if (failures == before)
        printf("PASS %s (burst %u, then one per %llu ms, per address)\n", name,
               config.rate_burst, (unsigned long long)config.rate_interval_ms);
}

/* A rekey on time while packets under the old key pair are in flight: they
 * are still accepted (previous key pair); both directions use new keys. */
static void test_time_rekey(void)
{
    const char *name = "mesh session rekey on time with packets in flight";
    struct mesh_config config = test_config();
    enum mesh_result result;
    int before = failures;
    static struct datagram held[20];
    config.rekey_after_ms = 10000;
    config.reject_after_ms = 15000;
    setup_pair(&config);
    size_t slot = connect_pair(NULL, &result);
    uint32_t old_index = nodes[0].peers[slot].current.local_index;
    now_ms += 10000;
    for (int i = 0; i < 20; i++)
        (void)send_from(0, slot, "old", 3);
    memcpy(held, channel.queue, sizeof held);
    channel.count = 0;
    tick_all(); /* node 0's key pair is due: INIT */
    check(channel.count == 1 && channel.queue[0].bytes[0] == MESH_PACKET_INIT, name,
          "no INIT when the key pair reached rekey_after_ms");
    channel_drain();
    struct mesh_peer *a = &nodes[0].peers[slot];
    check(a->current.valid && a->current.local_index != old_index && a->previous.valid &&
          a->previous.local_index == old_index, name, "new key pair not current on the initiator");
    check(send_from(0, slot, "new", 3) == MESH_OK && send_from(1, 0, "new", 3) == MESH_OK, name,
          "send after rekey");
    for (int i = 0; i < 20; i++)
        channel.queue[channel.count++] = held[i];
    uint64_t received = nodes[1].received;
    channel_drain();
    check(nodes[1].received - received == 21 && nodes[0].received == 1, name,
          "packets in flight across the rekey lost");
    /* Expiry: the old key pair is dropped at reject_after_ms; a packet sealed
     * under it before is refused after. */
    (void)send_from(0, slot, "late", 4);
    struct datagram late = channel.queue[0];
    channel.count = 0;
    now_ms += 15000;
    static struct mesh_event event;
    check(mesh_endpoint_receive(&nodes[1].endpoint, &late.from, late.bytes, late.len, now_ms,
                                &event) == MESH_ERR_EXPIRED, name,
          "packet under an expired key pair accepted");
    check(send_from(0, slot, "x", 1) == MESH_ERR_EXPIRED, name,
          "send under an expired key pair not refused");
    nodes[0].endpoint.config.rekey_after_ms = UINT64_MAX; /* keep tick from rekeying */
    nodes[0].peers[slot].rekey_wanted = false;
    size_t len = 0;
    struct mesh_address to;
    static uint8_t out[MESH_MAX_PACKET];
    check(mesh_endpoint_tick(&nodes[0].endpoint, now_ms, out, sizeof out, &len, &to) == MESH_OK &&
          !a->current.valid && !a->previous.valid && send_from(0, slot, "x", 1) ==
          MESH_ERR_NO_SESSION, name, "tick did not drop expired key pairs");
    if (failures == before)
        printf("PASS %s (20 old-key packets delivered after the new handshake all accepted; "
               "expiry at reject_after_ms)\n", name);
}

/* Lost handshake messages are sent again, byte for byte; duplicates get the
 * same answer; an unanswered handshake is given up after its attempts. */
static void test_retransmit(void)
{
    const char *name = "mesh session handshake retransmission";
    struct mesh_config config = test_config();
    static uint8_t first[MESH_MAX_PACKET], out[MESH_MAX_PACKET];
    static struct datagram response;
    int before = failures;
    size_t len = 0, first_len = 0, slot = 0;
    setup_pair(&config);
    check(mesh_endpoint_connect(&nodes[0].endpoint, &nodes[1].address, NULL, now_ms, first,
                                sizeof first, &first_len, &slot) == MESH_OK, name, "connect");
    struct mesh_address to;
    now_ms += config.handshake_retry_ms - 1;
    check(mesh_endpoint_tick(&nodes[0].endpoint, now_ms, out, sizeof out, &len, &to) == MESH_OK &&
          len == 0, name, "INIT resent early");
    now_ms += 1;
    check(mesh_endpoint_tick(&nodes[0].endpoint, now_ms, out, sizeof out, &len, &to) == MESH_OK &&
          len == first_len && memcmp(out, first, len) == 0, name, "lost INIT not resent as it was");
    channel_put(1, out, len);
    (void)channel_deliver_one(); /* node 1 answers; the RESPONSE is lost */
    response = channel.queue[0];
    channel.count = 0;
    channel_put(1, first, first_len); /* the retransmitted INIT: same RESPONSE */
    (void)channel_deliver_one();
    check(channel.count == 1 && channel.queue[0].len == response.len &&
          memcmp(channel.queue[0].bytes, response.bytes, response.len) == 0, name,
          "duplicate INIT not answered with the same RESPONSE");
    (void)channel_deliver_one(); /* node 0 sends FINISH: lost */
    channel.count = 0;
    now_ms += config.handshake_retry_ms;
    tick_all();
    check(channel.count == 1 && channel.queue[0].bytes[0] == MESH_PACKET_FINISH, name,
          "lost FINISH not resent");
    (void)channel_deliver_one(); /* node 1 establishes, its keepalive is lost */
    channel.count = 0;
    check(nodes[1].established == 1 && nodes[0].peers[slot].stage == MESH_HANDSHAKE_AWAIT_CONFIRM,
          name, "states after the lost keepalive");
    now_ms += config.handshake_retry_ms;
    tick_all();
    channel_drain(); /* the FINISH again: node 1 answers with a keepalive */
    check(nodes[0].peers[slot].stage == MESH_HANDSHAKE_IDLE && nodes[0].peers[slot].current.valid &&
          nodes[1].established == 1, name, "duplicate FINISH not confirmed by a keepalive");
    /* Nobody answers: attempts, then silence. */
    struct mesh_address nowhere = { { 77 } };
    check(mesh_endpoint_connect(&nodes[0].endpoint, &nowhere, NULL, now_ms, out, sizeof out, &len,
                                &slot) == MESH_OK, name, "connect");
    unsigned sends = 1;
    for (unsigned i = 0; i < 3 * config.handshake_attempts; i++) {
        now_ms += config.handshake_retry_ms;
        do {
            check(mesh_endpoint_tick(&nodes[0].endpoint, now_ms, out, sizeof out, &len, &to) ==
                  MESH_OK, name, "tick");
            sends += len > 0 && to.bytes[0] == 77;
        } while (len > 0);
    }
    check(sends == config.handshake_attempts && nodes[0].peers[slot].stage == MESH_HANDSHAKE_IDLE,
          name, "unanswered handshake not given up after its attempts");
    if (failures == before)
        printf("PASS %s (INIT and FINISH resent byte for byte, duplicate INIT and FINISH "
               "answered, given up after %u sends)\n", name, config.handshake_attempts);
}

static int all_zero(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++)
        acc |= b[i];
    return acc == 0;
}

/* Both sides connect at once: each ends with one peer slot whose sessions
 * work both ways; the finished handshakes leave no secret behind. */
static void test_simultaneous(void)
{
    const char *name = "mesh session simultaneous opening and wiping";
    struct mesh_config config = test_config();
    static uint8_t out[MESH_MAX_PACKET];
    int before = failures;
    size_t len = 0, slot[2] = { 0, 0 };
    setup_pair(&config);
    for (int n = 0; n < 2; n++) {
        check(mesh_endpoint_connect(&nodes[n].endpoint, &nodes[1 - n].address, NULL, now_ms, out,
                                    sizeof out, &len, &slot[n]) == MESH_OK, name, "connect");
        channel_put(1 - n, out, len);
    }
    channel_drain();
    for (int n = 0; n < 2; n++) {
        int in_use = 0;
        for (int i = 0; i < PEERS; i++)
            in_use += nodes[n].peers[i].in_use;
        check(in_use == 1 && nodes[n].peers[slot[n]].current.valid &&
              nodes[n].peers[slot[n]].stage == MESH_HANDSHAKE_IDLE, name,
              "not one confirmed peer slot on each side");
        check(all_zero(&nodes[n].peers[slot[n]].handshake, sizeof nodes[n].peers[slot[n]].handshake) &&
              all_zero(nodes[n].endpoint.pending, sizeof nodes[n].endpoint.pending), name,
              "a finished handshake left its state (keys) behind");
    }
    uint64_t received[2] = { nodes[0].received, nodes[1].received };
    check(send_from(0, slot[0], "ab", 2) == MESH_OK && send_from(1, slot[1], "ba", 2) == MESH_OK,
          name, "send");
    channel_drain();
    check(nodes[0].received == received[0] + 1 && nodes[1].received == received[1] + 1, name,
          "data lost after simultaneous opening");
    /* The responder's side rekeys on time too, an eighth after the initiator's. */
    struct mesh_peer *b = &nodes[1].peers[slot[1]];
    uint32_t index = b->current.local_index;
    int b_initiated = b->current.initiator;
    uint64_t due = config.rekey_after_ms + (b_initiated ? 0 : config.rekey_after_ms / 8);
    nodes[0].endpoint.config.rekey_after_ms = UINT64_MAX; /* only node 1 may start it */
    now_ms += due - 1;
    tick_all();
    check(channel.count == 0, name, "rekey started before its time");
    now_ms += 1;
    tick_all();
    channel_drain();
    check(b->current.valid && b->current.local_index != index && b->current.initiator, name,
          "no rekey by node 1 at its deadline");
    mesh_endpoint_forget(&nodes[1].endpoint, slot[1]);
    check(all_zero(b, sizeof *b), name, "a forgotten peer's keys not wiped");
    if (failures == before)
        printf("PASS %s (one slot per side, both ways; handshake states zero after use; "
               "rekey at the deadline; forget wipes)\n", name);
}

/* --- Decoder error table (and the fuzz corpus of fuzz_mesh_packet) --- */

struct bad_packet {
    const char *name;
    size_t len;
    uint8_t type;
    int patch_offset;  /* -1: none */
    uint8_t patch_value;
    enum mesh_result expected;
};

static const struct bad_packet bad_packets[] = {
    { "empty", 0, 0, -1, 0, MESH_ERR_SHORT },
    { "three-bytes", 3, 1, -1, 0, MESH_ERR_SHORT },
    { "type-zero", 148, 0, -1, 0, MESH_ERR_TYPE },
    { "type-five", 148, 5, -1, 0, MESH_ERR_TYPE },
    { "type-255", 4, 255, -1, 0, MESH_ERR_TYPE },
    { "reserved-byte-1", 148, 1, 1, 1, MESH_ERR_RESERVED },
    { "reserved-byte-3", 96, 4, 3, 0x80, MESH_ERR_RESERVED },
    { "header-only-init", 4, 1, -1, 0, MESH_ERR_LENGTH },
    { "init-147", 147, 1, -1, 0, MESH_ERR_LENGTH },
    { "init-149", 149, 1, -1, 0, MESH_ERR_LENGTH },
    { "init-padding-last", 148, 1, 147, 1, MESH_ERR_PADDING },
    { "init-padding-first", 148, 1, 40, 0xff, MESH_ERR_PADDING },
    { "init-zero-e", 148, 1, -1, 0, MESH_ERR_KEY },
    { "init-good", 148, 1, 8, 9, MESH_OK },
    { "response-147", 147, 2, -1, 0, MESH_ERR_LENGTH },
    { "response-unknown-index", 148, 2, 8, 0x33, MESH_ERR_UNKNOWN_INDEX },
    { "finish-111", 111, 3, -1, 0, MESH_ERR_LENGTH },
    { "finish-148", 148, 3, -1, 0, MESH_ERR_LENGTH },
    { "finish-unknown-index", 112, 3, 4, 0x44, MESH_ERR_UNKNOWN_INDEX },
    { "data-15", 15, 4, -1, 0, MESH_ERR_SHORT },
    { "data-header-only", 16, 4, -1, 0, MESH_ERR_LENGTH },
    { "data-tag-only", 32, 4, -1, 0, MESH_ERR_LENGTH },
    { "data-sealed-81", 97, 4, -1, 0, MESH_ERR_LENGTH },
    { "data-sealed-143", 159, 4, -1, 0, MESH_ERR_LENGTH },
    { "data-too-long", 16 + 1408 + 64 + 16, 4, -1, 0, MESH_ERR_LENGTH },
    { "data-unknown-index", 96, 4, 4, 0x55, MESH_ERR_UNKNOWN_INDEX },
    { "data-max-unknown-index", 16 + 1408 + 16, 4, 4, 0x66, MESH_ERR_UNKNOWN_INDEX },
};

#define BAD_COUNT (sizeof bad_packets / sizeof bad_packets[0])

static size_t bad_packet_bytes(const struct bad_packet *b, uint8_t *out)
{
    memset(out, 0, 2048);
    out[0] = b->type;
    if (b->patch_offset >= 0)
        out[b->patch_offset] = b->patch_value;
    return b->len;
}

static void test_decoder_table(void)
{
    static uint8_t bytes[2048];
    int passed = 0;
    for (size_t i = 0; i < BAD_COUNT; i++) {
        size_t len = bad_packet_bytes(&bad_packets[i], bytes);
        enum mesh_result got = fixture_packet_result(bytes, len);
        if (got == bad_packets[i].expected) {
            passed++;
        } else {
            char what[160];
            snprintf(what, sizeof what, "%s: got %d (%s), expected %d", bad_packets[i].name, got,
                     mesh_result_message(got), bad_packets[i].expected);
            check(0, "mesh packet decoder error table", what);
        }
    }
    if (passed == (int)BAD_COUNT)
        printf("PASS mesh packet decoder error table: %d datagrams, each with its exact error\n",
               passed);
}

/* Writes each table entry as DIR/NAME and the list DIR/expected. */
static int write_corpus(const char *dir)
{
    static uint8_t bytes[2048];
    char path[512];
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *list = fopen(path, "w");
    if (list == NULL)
        return 1;
    fprintf(list, "# <case file> <mesh_result>: written by session_test --write-corpus\n");
    for (size_t i = 0; i < BAD_COUNT; i++) {
        size_t len = bad_packet_bytes(&bad_packets[i], bytes);
        snprintf(path, sizeof path, "%s/%s", dir, bad_packets[i].name);
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(bytes, 1, len, f) != len || fclose(f) != 0)
            return 1;
        fprintf(list, "%s %d  # %s\n", bad_packets[i].name, bad_packets[i].expected,
                mesh_result_message(bad_packets[i].expected));
    }
    return fclose(list) != 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
        return write_corpus(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "usage: session_test SEED | --write-corpus DIR\n");
        return 2;
    }
    rng_state = strtoull(argv[1], NULL, 10) | 1;
    test_basic();
    test_cells();
    test_lossy();
    test_replay_window();
    test_tamper();
    test_identity();
    test_rate_limit();
    test_time_rekey();
    test_retransmit();
    test_simultaneous();
    test_decoder_table();
    struct mesh_endpoint endpoint;
    struct mesh_config config = test_config();
    struct random_source broken = { broken_random, NULL, "broken" };
    static uint8_t out[MESH_MAX_PACKET];
    size_t len = 0, slot = 0;
    struct mesh_address to = { { 1 } };
    check(mesh_endpoint_init(&endpoint, &nodes[0].identity, &config, &broken, nodes[0].peers,
                             PEERS) == MESH_OK &&
          mesh_endpoint_connect(&endpoint, &to, NULL, 0, out, sizeof out, &len, &slot) ==
              MESH_ERR_RANDOM && len == 0 && !nodes[0].peers[0].in_use,
          "mesh session random failure", "a failing random source not reported");
    if (failures == 0)
        printf("PASS mesh session random failure (connect reports MESH_ERR_RANDOM, takes no slot)\n");
    return failures == 0 ? 0 : 1;
}
