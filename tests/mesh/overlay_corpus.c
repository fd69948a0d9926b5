/* The corpus tests/corpus/mesh-overlay: hostile datagram sequences for an
 * overlay's whole receive path, each an overlay script
 * (tests/mesh/overlay_script.h) whose last datagram must get one exact
 * refusal (the session layer's, a beacon's, the DHT's, or a sender
 * mismatch), with one accepted control. The script checks the overlay's
 * invariants after every step, so every case also proves the counters add
 * up. The files seed fuzz_mesh_overlay. Written and checked with
 * tests/host/expected_corpus.c:
 *   overlay_corpus --write DIR | --check DIR   (suite 28-mesh-node) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/overlay.h"
#include "tests/host/expected_corpus.h"
#include "tests/mesh/overlay_fixture.h"
#include "tests/mesh/overlay_script.h"

#define SCRIPT_MAX 16384
#define STRANGER 9 /* SRC of 10.1.0.9 */
#define OPEN_MS 50 /* RUN 50: 500 ms, the peer's handshake and first DHT ping done */

/* The outcomes the corpus covers: each has at least one case. */
static const int covered[] = {
    0, MESH_ERR_SHORT, MESH_ERR_LENGTH, MESH_ERR_TYPE, MESH_ERR_RESERVED, MESH_ERR_DECRYPT,
    MESH_ERR_UNKNOWN_INDEX, MESH_ERR_REPLAY, MESH_ERR_RATE_LIMIT,
    SCRIPT_BEACON_BASE + MESH_BEACON_ERR_LENGTH, SCRIPT_BEACON_BASE + MESH_BEACON_ERR_MAGIC,
    SCRIPT_BEACON_BASE + MESH_BEACON_ERR_IDENTITY, SCRIPT_BEACON_BASE + MESH_BEACON_ERR_ADDRESS,
    SCRIPT_BEACON_BASE + MESH_BEACON_ERR_SIGNATURE, SCRIPT_BEACON_BASE + MESH_BEACON_ERR_TIME,
    SCRIPT_BEACON_BASE + MESH_BEACON_ERR_STALE, SCRIPT_BEACON_BASE + MESH_BEACON_ERR_RATE,
    SCRIPT_BEACON_BASE + MESH_BEACON_ERR_SELF, SCRIPT_SENDER_MISMATCH,
    SCRIPT_DHT_BASE + DHT_ERR_SHORT, SCRIPT_DHT_BASE + DHT_ERR_VERSION, SCRIPT_DHT_BASE + DHT_ERR_TYPE,
    SCRIPT_DHT_BASE + DHT_ERR_TRAILING, SCRIPT_DHT_BASE + DHT_ERR_RECORD_KIND,
    SCRIPT_DHT_BASE + DHT_ERR_RATE, SCRIPT_DHT_BASE + DHT_ERR_UNSOLICITED,
};
#define COVERED ((int)(sizeof covered / sizeof covered[0]))

/* Corpus results: 0 .. COVERED - 1 name covered[]; an outcome outside it
 * replays as COVERED + outcome (a wrong result, named). */
static int result_of(int outcome)
{
    for (int i = 0; i < COVERED; i++)
        if (covered[i] == outcome)
            return i;
    return COVERED + outcome;
}

static const char *result_name(int result)
{
    return overlay_script_outcome_name(result < COVERED ? covered[result] : result - COVERED);
}

static bool replay(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                   size_t column_size)
{
    (void)name, (void)column, (void)column_size;
    *result = result_of(overlay_script_run(input, size));
    return true;
}

static struct expected_corpus corpus = {
    .name = "mesh-overlay",
    .program = "overlay_corpus",
    .header = "# <case> <refusal of the last datagram>: written by overlay_corpus (tests/mesh/overlay_corpus.c) --write\n"
              "# input: an overlay script (tests/mesh/overlay_script.h); the peer is node 1, SRC 9 a stranger\n",
    .columns = 2,
    .result_count = COVERED,
    .result_name = result_name,
    .replay = replay,
};

/* ---- writing scripts ------------------------------------------------------------ */

static void put(struct expected_case *c, const void *bytes, size_t n)
{
    if (c->length + n > c->capacity) {
        fprintf(stderr, "overlay_corpus: %s: script too long\n", c->name);
        exit(2);
    }
    memcpy(c->data + c->length, bytes, n);
    c->length += n;
}

static void put_byte(struct expected_case *c, uint8_t byte)
{
    put(c, &byte, 1);
}

static struct expected_case *script(const char *name, const char *what, int outcome, uint8_t flags)
{
    struct expected_case *c = expected_corpus_add(&corpus, name, what, SCRIPT_MAX, result_of(outcome));
    put_byte(c, flags);
    return c;
}

static void run(struct expected_case *c, uint8_t tens_of_ms)
{
    put_byte(c, SCRIPT_RUN);
    put_byte(c, tens_of_ms);
}

/* A DATAGRAM, BEACON or SEAL step (SEAL has no SRC). */
static void datagram(struct expected_case *c, uint8_t op, uint8_t source, const uint8_t *data, size_t len)
{
    put_byte(c, op);
    if (op != SCRIPT_SEAL)
        put_byte(c, source);
    put_byte(c, (uint8_t)len);
    put_byte(c, (uint8_t)(len >> 8));
    put(c, data, len);
}

static void replay_step(struct expected_case *c, uint8_t source, uint8_t back, uint8_t position, uint8_t xor_)
{
    const uint8_t step[] = { SCRIPT_REPLAY, source, back, position, xor_ };
    put(c, step, sizeof step);
}

static void peer_beacon(struct expected_case *c, uint8_t what, int8_t seconds, uint8_t source)
{
    const uint8_t step[] = { SCRIPT_PEER_BEACON, what, (uint8_t)seconds, source };
    put(c, step, sizeof step);
}

/* ---- DHT messages the peer seals ---------------------------------------------------- */

static size_t dht_message(uint8_t type, const struct mesh_identity *sender, uint8_t *out)
{
    static struct dht_message message;
    memset(&message, 0, sizeof message);
    message.type = type;
    message.request_id = 0x5eed;
    message.sender = sender->public_part;
    if (type == DHT_STORE) {
        struct dht_record *r = &message.records[0];
        message.record_count = 1;
        r->kind = DHT_RECORD_VALUE;
        mesh_overlay_key(r->key, (const uint8_t *)"name", 4);
        r->sequence = 1;
        r->expiry = OVERLAY_FIXTURE_EPOCH + 3600000; /* an hour into the script's mesh clock */
        r->value_len = 5;
        memcpy(r->value, "value", 5);
        if (dht_record_sign(r, &sender->sign_key) != DHT_OK)
            exit(2);
    }
    size_t len = dht_message_encode(&message, out, DHT_MESSAGE_MAX);
    if (len == 0)
        exit(2);
    return len;
}

static void seal(struct expected_case *c, const uint8_t *data, size_t len)
{
    datagram(c, SCRIPT_SEAL, 0, data, len);
}

static void generate_session(void)
{
    uint8_t p[MESH_MAX_PACKET] = { 0 };
    struct expected_case *c = script("session/empty", "a datagram of no bytes", MESH_ERR_SHORT, 0);
    datagram(c, SCRIPT_DATAGRAM, STRANGER, p, 0);
    p[0] = 9;
    c = script("session/type-9", "a packet type that does not exist", MESH_ERR_TYPE, 0);
    datagram(c, SCRIPT_DATAGRAM, STRANGER, p, MESH_INIT_SIZE);
    p[0] = MESH_PACKET_INIT;
    c = script("session/init-147-bytes", "an INIT one byte short", MESH_ERR_LENGTH, 0);
    datagram(c, SCRIPT_DATAGRAM, STRANGER, p, MESH_INIT_SIZE - 1);
    p[2] = 1;
    c = script("session/init-reserved-byte", "an INIT whose reserved header byte is set", MESH_ERR_RESERVED, 0);
    datagram(c, SCRIPT_DATAGRAM, STRANGER, p, MESH_INIT_SIZE);
    memset(p, 0, sizeof p);
    p[0] = MESH_PACKET_FINISH;
    p[4] = 0x77;
    c = script("session/finish-no-handshake", "a FINISH naming no handshake of ours", MESH_ERR_UNKNOWN_INDEX, 0);
    datagram(c, SCRIPT_DATAGRAM, STRANGER, p, MESH_FINISH_SIZE);
    p[0] = MESH_PACKET_DATA;
    c = script("session/data-no-session", "a DATA packet naming no key pair", MESH_ERR_UNKNOWN_INDEX, 0);
    datagram(c, SCRIPT_DATAGRAM, STRANGER, p, MESH_DATA_HEADER_SIZE + 64 + 16);
    /* INITs with distinct ephemeral keys from one address: burst 5, then the limit. */
    c = script("session/init-flood", "a sixth INIT at once from one address", MESH_ERR_RATE_LIMIT, 0);
    memset(p, 0, sizeof p);
    p[0] = MESH_PACKET_INIT;
    for (uint8_t i = 0; i < 6; i++) {
        memset(p + 4, 0x40 + i, 32);
        datagram(c, SCRIPT_DATAGRAM, STRANGER, p, MESH_INIT_SIZE);
    }
}

static void generate_peer_session(void)
{
    struct expected_case *c = script("session/peer-data-replayed", "the peer's last DATA packet again",
                                     MESH_ERR_REPLAY, SCRIPT_WITH_PEER);
    run(c, OPEN_MS);
    replay_step(c, SCRIPT_SOURCE_PEER, 0, 0, 0);
    c = script("session/peer-data-replayed-elsewhere", "the peer's last DATA packet from another address",
               MESH_ERR_REPLAY, SCRIPT_WITH_PEER);
    run(c, OPEN_MS);
    replay_step(c, STRANGER, 0, 0, 0);
    c = script("session/peer-data-counter-changed", "the peer's last DATA packet with an unused counter",
               MESH_ERR_DECRYPT, SCRIPT_WITH_PEER);
    run(c, OPEN_MS);
    replay_step(c, SCRIPT_SOURCE_PEER, 0, 8 + 1, 0x40); /* counter + 16384: not seen, not the nonce sealed */
    c = script("session/peer-data-index-changed", "the peer's last DATA packet, its receiver index changed",
               MESH_ERR_UNKNOWN_INDEX, SCRIPT_WITH_PEER);
    run(c, OPEN_MS);
    replay_step(c, SCRIPT_SOURCE_PEER, 0, 4, 0x80);
}

static void generate_dht(void)
{
    const struct mesh_identity *peer = &overlay_fixture_identities[1];
    static struct mesh_identity stranger;
    overlay_fixture_seed(3);
    overlay_fixture_identity(&stranger);
    uint8_t m[DHT_MESSAGE_MAX + 1];
    size_t n = dht_message(DHT_PING, peer, m);
    struct expected_case *c = script("dht/ping", "a PING in the peer's session (control)", 0, SCRIPT_WITH_PEER);
    run(c, OPEN_MS), seal(c, m, n);
    c = script("dht/ping-truncated", "a PING cut inside its header", SCRIPT_DHT_BASE + DHT_ERR_SHORT,
               SCRIPT_WITH_PEER);
    run(c, OPEN_MS), seal(c, m, 40);
    m[n] = 1;
    c = script("dht/ping-trailing-byte", "a PING with a non-zero byte after it",
               SCRIPT_DHT_BASE + DHT_ERR_TRAILING, SCRIPT_WITH_PEER);
    run(c, OPEN_MS), seal(c, m, n + 1);
    c = script("dht/ping-flood", "101 PINGs at once in a session: the DHT's burst is 100",
               SCRIPT_DHT_BASE + DHT_ERR_RATE, SCRIPT_WITH_PEER);
    run(c, OPEN_MS);
    for (int i = 0; i < 101; i++)
        seal(c, m, n);
    m[0] ^= 0xff;
    c = script("dht/version-wrong", "a PING whose version byte is wrong", SCRIPT_DHT_BASE + DHT_ERR_VERSION,
               SCRIPT_WITH_PEER);
    run(c, OPEN_MS), seal(c, m, n);
    m[0] ^= 0xff, m[1] = 9;
    c = script("dht/type-9", "a DHT message type that does not exist", SCRIPT_DHT_BASE + DHT_ERR_TYPE,
               SCRIPT_WITH_PEER);
    run(c, OPEN_MS), seal(c, m, n);
    n = dht_message(DHT_PING, &stranger, m);
    c = script("dht/ping-other-sender", "a PING in the peer's session naming another node as sender",
               SCRIPT_SENDER_MISMATCH, SCRIPT_WITH_PEER);
    run(c, OPEN_MS), seal(c, m, n);
    n = dht_message(DHT_PONG, peer, m);
    c = script("dht/pong-unsolicited", "a PONG answering no request of ours", SCRIPT_DHT_BASE + DHT_ERR_UNSOLICITED,
               SCRIPT_WITH_PEER);
    run(c, OPEN_MS), seal(c, m, n);
    n = dht_message(DHT_STORE, peer, m);
    m[DHT_HEADER_SIZE] = 7; /* the record's kind */
    c = script("dht/store-record-kind-7", "a STORE of a record of no known kind",
               SCRIPT_DHT_BASE + DHT_ERR_RECORD_KIND, SCRIPT_WITH_PEER);
    run(c, OPEN_MS), seal(c, m, n);
    mesh_identity_wipe(&stranger);
}

static void generate_beacons(void)
{
    uint8_t b[MESH_BEACON_SIZE];
    struct dht_address address = overlay_fixture_address(1);
    if (mesh_beacon_encode(b, &overlay_fixture_identities[1], &address, OVERLAY_FIXTURE_EPOCH + 1000) !=
        MESH_BEACON_OK)
        exit(2);
    struct { const char *name, *what; size_t offset; uint8_t xor_; size_t len; int result; } edits[] = {
        { "beacon/short", "a beacon one byte short", 0, 0, MESH_BEACON_SIZE - 1, MESH_BEACON_ERR_LENGTH },
        { "beacon/magic", "a beacon whose magic is wrong", 0, 1, MESH_BEACON_SIZE, MESH_BEACON_ERR_MAGIC },
        { "beacon/dh-key-changed", "a beacon whose key no longer has its work", 4, 1, MESH_BEACON_SIZE,
          MESH_BEACON_ERR_IDENTITY },
        { "beacon/family-changed", "a beacon of a non-IPv4 address", 76, 3, MESH_BEACON_SIZE,
          MESH_BEACON_ERR_ADDRESS },
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        uint8_t e[MESH_BEACON_SIZE];
        memcpy(e, b, sizeof e);
        e[edits[i].offset] ^= edits[i].xor_;
        struct expected_case *c = script(edits[i].name, edits[i].what, SCRIPT_BEACON_BASE + edits[i].result, 0);
        datagram(c, SCRIPT_BEACON, STRANGER, e, edits[i].len);
    }
    struct expected_case *c = script("beacon/port-changed", "a peer's beacon whose port changed after signing",
                                     SCRIPT_BEACON_BASE + MESH_BEACON_ERR_SIGNATURE, 0);
    peer_beacon(c, 2, 0, SCRIPT_SOURCE_PEER);
    c = script("beacon/forged-flood", "a fifth forged beacon at once from one address",
               SCRIPT_BEACON_BASE + MESH_BEACON_ERR_RATE, 0);
    for (int i = 0; i < 5; i++)
        peer_beacon(c, 2, (int8_t)i, STRANGER);
    c = script("beacon/time-40s-ahead", "a peer's beacon 40 s ahead of our clock",
               SCRIPT_BEACON_BASE + MESH_BEACON_ERR_TIME, 0);
    peer_beacon(c, 0, 40, SCRIPT_SOURCE_PEER);
    c = script("beacon/replayed", "a peer's beacon accepted, then the same one again",
               SCRIPT_BEACON_BASE + MESH_BEACON_ERR_STALE, 0);
    peer_beacon(c, 0, 5, SCRIPT_SOURCE_PEER), peer_beacon(c, 0, 5, SCRIPT_SOURCE_PEER);
    c = script("beacon/own", "our own beacon, looped back", SCRIPT_BEACON_BASE + MESH_BEACON_ERR_SELF, 0);
    peer_beacon(c, 1, 0, SCRIPT_SOURCE_SELF);
}

int main(int argc, char **argv)
{
    overlay_script_mint();
    generate_session();
    generate_peer_session();
    generate_dht();
    generate_beacons();
    return expected_corpus_main(&corpus, argc, argv);
}
