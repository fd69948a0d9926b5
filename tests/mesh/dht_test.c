/* Unit tests of lib/mesh's DHT under ASan + UBSan: node IDs and their proof
 * of work, the message codec, records, the routing table, and a node's
 * defences driven by hand (eviction pings, rate limits, response matching,
 * storage rules).
 *   dht_test                          the tests
 *   dht_test --write-corpus DIR       writes DIR/dht-message and DIR/dht-record
 *   dht_test --check-corpus DIR       replays them against their expected files */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "mesh/dht_wire.h"
#include "tests/host/test.h"
#include "tests/mesh/dht_corpus.h"
#include "tests/mesh/dht_fixture.h"

/* ---- corpus ---------------------------------------------------------------- */
static int check_corpus(const struct corpus_kind *kind, const char *root)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/expected", root, kind->directory);
    FILE *expected = fopen(path, "r");
    if (expected == NULL) {
        test_check(false, "%s corpus: %s missing", kind->directory, path);
        return 1;
    }
    char line[256], name[128];
    int want, cases = 0, bad = 0;
    static uint8_t data[4096];
    while (fgets(line, sizeof line, expected) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %d", name, &want) != 2)
            continue;
        snprintf(path, sizeof path, "%s/%s/%s", root, kind->directory, name);
        FILE *f = fopen(path, "rb");
        size_t len = f != NULL ? fread(data, 1, sizeof data, f) : 0;
        if (f == NULL) {
            test_check(false, "%s corpus: case %s listed but missing", kind->directory, name);
            bad++;
            continue;
        }
        fclose(f);
        int got = (int)kind->check(data, len);
        cases++;
        if (got != want) {
            test_check(false, "%s corpus: %s gives %d (%s), expected %d (%s)", kind->directory, name,
                       got, dht_error_message(got), want, dht_error_message(want));
            bad++;
        }
    }
    fclose(expected);
    /* Every file of the directory must be listed (no case escapes the check). */
    snprintf(path, sizeof path, "%s/%s", root, kind->directory);
    DIR *dir = opendir(path);
    int files = 0;
    for (struct dirent *e = dir ? readdir(dir) : NULL; e != NULL; e = readdir(dir))
        if (e->d_name[0] != '.' && strcmp(e->d_name, "expected") != 0)
            files++;
    if (dir != NULL)
        closedir(dir);
    test_check(bad == 0 && cases > 0 && files == cases,
               "%s corpus: %d cases, each gives its expected error (%d files in the directory)",
               kind->directory, cases, files);
    /* The committed corpus still matches what the fixtures build now. */
    int stale = 0;
    for (unsigned i = 0; i < kind->count; i++) {
        size_t len;
        const uint8_t *built = kind->build(i, &len);
        snprintf(path, sizeof path, "%s/%s/%s", root, kind->directory, kind->names[i]);
        FILE *f = fopen(path, "rb");
        size_t got = f != NULL ? fread(data, 1, sizeof data, f) : (size_t)-1;
        if (f != NULL)
            fclose(f);
        if (got != len || memcmp(data, built, len) != 0)
            stale++;
    }
    test_check(stale == 0, "%s corpus: committed files equal the fixtures' cases (%d differ)",
               kind->directory, stale);
    return bad != 0 || stale != 0;
}

/* ---- IDs ------------------------------------------------------------------- */
static void test_ids(void)
{
    struct mesh_identity identity;
    struct dht_contact c;
    fixture_identity(1, &identity, &c);
    uint8_t id[DHT_ID_SIZE];
    mesh_node_id(id, c.dh_public, c.sign_public);
    test_check(memcmp(id, c.id, DHT_ID_SIZE) == 0 &&
                   memcmp(c.sign_public, identity.sign_key.public_key, DHT_PUBLIC_KEY_SIZE) == 0,
               "dht contact: carries the identity's keys and the ID derived from them");
    uint8_t wire[DHT_CONTACT_WIRE_SIZE];
    struct dht_contact back;
    dht_wire_contact_encode(&c, wire);
    test_check(dht_wire_contact_decode(&back, wire, FIXTURE_DIFFICULTY) == DHT_OK &&
                   memcmp(back.id, c.id, DHT_ID_SIZE) == 0 && back.nonce == c.nonce &&
                   dht_address_equal(&back.address, &c.address) &&
                   dht_wire_contact_decode(&back, wire, 40) == DHT_ERR_ID_WORK,
               "dht contact: wire form round trip; refused at a difficulty its nonce does not meet");
    uint8_t a[DHT_ID_SIZE] = { 0 }, b[DHT_ID_SIZE] = { 0 };
    test_check(dht_id_common_prefix(a, b) == 256, "dht id: equal IDs share 256 bits");
    b[0] = 0x80;
    test_check(dht_id_common_prefix(a, b) == 0, "dht id: top bit differs: prefix 0");
    b[0] = 0;
    b[31] = 1;
    test_check(dht_id_common_prefix(a, b) == 255, "dht id: last bit differs: prefix 255");
    uint8_t t[DHT_ID_SIZE] = { 0 }, x[DHT_ID_SIZE] = { 0 }, y[DHT_ID_SIZE] = { 0 };
    x[1] = 1;
    y[0] = 1;
    test_check(dht_id_closer(t, x, y) < 0 && dht_id_closer(t, y, x) > 0 && dht_id_closer(t, x, x) == 0,
               "dht id: XOR metric orders by the first differing byte");
    test_check(strcmp(dht_error_message(DHT_ERROR_COUNT), "unknown DHT error") == 0 &&
                   strcmp(dht_error_message(-1), "unknown DHT error") == 0,
               "dht errors: every code has a message, unknown codes too");
}

/* ---- codec ----------------------------------------------------------------- */
static void test_codec_round_trips(void)
{
    unsigned ok = 0, total = 0;
    for (unsigned i = 0; i < corpus_message.count; i++) {
        if (strncmp(corpus_message.names[i], "good-", 5) != 0)
            continue;
        size_t len;
        const uint8_t *bytes = corpus_message.build(i, &len);
        struct dht_message m;
        uint8_t again[DHT_MESSAGE_MAX];
        total++;
        if (dht_message_decode(&m, bytes, len, FIXTURE_DIFFICULTY) != DHT_OK)
            continue;
        size_t n = dht_message_encode(&m, again, sizeof again);
        bool zeros = true;
        for (size_t j = n; j < len; j++)
            zeros = zeros && bytes[j] == 0;
        ok += n > 0 && n <= len && memcmp(again, bytes, n) == 0 && zeros;
    }
    test_check(total == 11 && ok == total,
               "dht codec: %u/%u good messages decode and encode back to the same bytes", ok, total);
    struct dht_message m;
    size_t len;
    const uint8_t *bytes = corpus_message.build(9, &len); /* DHT_NODES_MAX contacts */
    test_check(len == DHT_HEADER_SIZE + 1 + DHT_NODES_MAX * DHT_CONTACT_WIRE_SIZE && len <= DHT_MESSAGE_MAX,
               "dht codec: NODES with %d contacts is %zu bytes (fits %d)", DHT_NODES_MAX, len, DHT_MESSAGE_MAX);
    bytes = corpus_message.build(6, &len); /* two records */
    test_check(len <= DHT_MESSAGE_MAX && dht_message_decode(&m, bytes, len, FIXTURE_DIFFICULTY) == DHT_OK &&
                   m.record_count == 2 && m.records[1].kind == DHT_RECORD_PROVIDER,
               "dht codec: VALUE carries two records in %zu bytes", len);
    memset(&m, 0, sizeof m);
    m.type = DHT_NODES;
    m.contact_count = DHT_NODES_MAX + 1;
    uint8_t out[DHT_MESSAGE_MAX];
    test_check(dht_message_encode(&m, out, sizeof out) == 0, "dht codec: encoder refuses %d contacts",
               DHT_NODES_MAX + 1);
    m.type = 42;
    test_check(dht_message_encode(&m, out, sizeof out) == 0, "dht codec: encoder refuses an unknown type");
    m.type = DHT_PING;
    test_check(dht_message_encode(&m, out, DHT_HEADER_SIZE - 1) == 0,
               "dht codec: encoder refuses a buffer shorter than the header");
    /* Every truncation of every good message is refused, never read past. */
    unsigned refused = 0, cuts = 0;
    for (unsigned i = 0; i < 10; i++) {
        bytes = corpus_message.build(i, &len);
        uint8_t copy[DHT_MESSAGE_MAX];
        memcpy(copy, bytes, len);
        for (size_t cut = 0; cut < len; cut++) {
            uint8_t *exact = malloc(cut ? cut : 1);
            memcpy(exact, copy, cut);
            cuts++;
            refused += dht_message_decode(&m, exact, cut, FIXTURE_DIFFICULTY) == DHT_ERR_SHORT;
            free(exact);
        }
    }
    test_check(refused == cuts, "dht codec: %u/%u truncations of good messages give \"%s\"", refused,
               cuts, dht_error_message(DHT_ERR_SHORT));
}

/* ---- records ---------------------------------------------------------------- */
static void test_records(void)
{
    struct dht_record r;
    fixture_value_record(2, &r, "hello");
    test_check(dht_record_validate(&r, FIXTURE_NOW, FIXTURE_LIFETIME, FIXTURE_DIFFICULTY) == DHT_OK,
               "dht record: a signed value record validates");
    test_check(dht_record_validate(&r, r.expiry, FIXTURE_LIFETIME, FIXTURE_DIFFICULTY) == DHT_ERR_RECORD_EXPIRED,
               "dht record: refused at its expiry time");
    test_check(dht_record_validate(&r, FIXTURE_NOW, 1000, FIXTURE_DIFFICULTY) == DHT_ERR_RECORD_FUTURE,
               "dht record: refused when its expiry is beyond the maximum lifetime");
    struct dht_record changed = r;
    changed.sequence++;
    test_check(dht_record_validate(&changed, FIXTURE_NOW, FIXTURE_LIFETIME, FIXTURE_DIFFICULTY) ==
                   DHT_ERR_RECORD_SIGNATURE,
               "dht record: a changed sequence breaks the signature");
    changed = r;
    changed.key[5] ^= 1;
    test_check(dht_record_validate(&changed, FIXTURE_NOW, FIXTURE_LIFETIME, FIXTURE_DIFFICULTY) ==
                   DHT_ERR_RECORD_SIGNATURE,
               "dht record: a changed key breaks the signature");
    changed = r;
    changed.value_len = DHT_VALUE_MAX + 1;
    uint8_t out[DHT_RECORD_MAX + 8];
    test_check(dht_record_validate(&changed, FIXTURE_NOW, FIXTURE_LIFETIME, FIXTURE_DIFFICULTY) ==
                   DHT_ERR_RECORD_LENGTH && dht_record_encode(&changed, out, sizeof out) == 0,
               "dht record: a value over 256 bytes is neither valid nor encodable");
    test_check(dht_record_encode(&r, out, dht_record_size(&r) - 1) == 0,
               "dht record: encoder refuses a short buffer");
    fixture_provider_record(3, &r);
    test_check(dht_record_validate(&r, FIXTURE_NOW, FIXTURE_LIFETIME, FIXTURE_DIFFICULTY) == DHT_OK,
               "dht record: a signed provider record validates");
    test_check(dht_record_validate(&r, FIXTURE_NOW, FIXTURE_LIFETIME, 40) == DHT_ERR_ID_WORK,
               "dht record: a provider without enough proof of work is refused");
}

/* ---- routing table ------------------------------------------------------------ */
struct harness {
    struct dht_node node;
    struct dht_table_entry table[400];
    struct dht_stored records[8];
    struct dht_lookup lookups[2];
    struct mesh_identity identity;
    uint8_t sent[64][DHT_MESSAGE_MAX];
    size_t sent_len[64];
    struct dht_address sent_to[64];
    unsigned sent_count;
    uint64_t rng;
};

static void harness_send(void *context, const struct dht_address *to, const uint8_t *data, size_t len)
{
    struct harness *h = context;
    unsigned slot = h->sent_count++ % 64;
    memcpy(h->sent[slot], data, len);
    h->sent_len[slot] = len;
    h->sent_to[slot] = *to;
}

static void harness_random(void *context, uint8_t *out, size_t len)
{
    struct harness *h = context;
    for (size_t i = 0; i < len; i++) {
        h->rng = h->rng * 6364136223846793005ull + 1442695040888963407ull;
        out[i] = (uint8_t)(h->rng >> 56);
    }
}

static struct harness *harness_new(void)
{
    struct harness *h = calloc(1, sizeof *h);
    struct dht_contact self;
    fixture_identity(0, &h->identity, &self);
    struct dht_config config;
    dht_config_default(&config);
    config.difficulty = FIXTURE_DIFFICULTY;
    config.random = harness_random;
    config.random_context = h;
    config.records_per_publisher = 3;
    struct dht_transport transport = { h, harness_send };
    struct dht_memory memory = { h->table, 400, h->records, 8, h->lookups, 2 };
    if (dht_node_init(&h->node, &config, &transport, &memory, &h->identity, &self.address, FIXTURE_NOW) !=
        DHT_OK) {
        test_check(false, "dht node: init");
        exit(1);
    }
    return h;
}

/* A contact with a made-up ID in bucket `bucket` of h's node, in subnet `subnet`. */
static struct dht_contact contact_in_bucket(struct harness *h, unsigned bucket, unsigned subnet, unsigned n)
{
    struct dht_contact c;
    memset(&c, 0, sizeof c);
    memcpy(c.id, h->node.self.id, DHT_ID_SIZE);
    c.id[bucket / 8] ^= (uint8_t)(0x80 >> (bucket % 8));
    c.id[31] ^= (uint8_t)(n + 1);
    c.id[30] ^= (uint8_t)((n + 1) >> 8);
    if (bucket >= 240)
        c.id[20] ^= (uint8_t)n; /* keep the bucket: only bits after it change */
    struct dht_address a = { DHT_ADDRESS_IPV4, { 10, (uint8_t)(subnet >> 8), (uint8_t)subnet, (uint8_t)n }, 4000 };
    c.address = a;
    return c;
}

static void test_table(void)
{
    struct harness *h = harness_new();
    struct dht_table_entry *oldest;
    unsigned added = 0;
    for (unsigned i = 0; i < DHT_K; i++) {
        struct dht_contact c = contact_in_bucket(h, 0, 100 + i, i);
        added += dht_table_observe(&h->node, &c, FIXTURE_NOW + i, &oldest) == DHT_TABLE_ADDED;
    }
    test_check(added == DHT_K && dht_table_bucket_count(&h->node, 0) == DHT_K,
               "dht table: bucket 0 takes k = 20 contacts");
    struct dht_contact extra = contact_in_bucket(h, 0, 500, 99);
    enum dht_table_outcome outcome = dht_table_observe(&h->node, &extra, FIXTURE_NOW + 100, &oldest);
    struct dht_contact first = contact_in_bucket(h, 0, 100, 0);
    test_check(outcome == DHT_TABLE_FULL && oldest != NULL &&
                   memcmp(oldest->contact.id, first.id, DHT_ID_SIZE) == 0 &&
                   dht_table_bucket_count(&h->node, 0) == DHT_K,
               "dht table: the 21st is refused and the least recently seen is named for a ping");
    struct dht_contact again = contact_in_bucket(h, 0, 100, 0);
    again.address.bytes[3] = 77;
    test_check(dht_table_observe(&h->node, &again, FIXTURE_NOW + 200, &oldest) == DHT_TABLE_UPDATED &&
                   dht_table_find(&h->node, again.id)->contact.address.bytes[3] == 0 &&
                   dht_table_find(&h->node, again.id)->last_seen == FIXTURE_NOW + 200,
               "dht table: a known ID from another address is refreshed but keeps its address");
    struct dht_contact r1 = contact_in_bucket(h, 3, 7, 1), r2 = contact_in_bucket(h, 3, 7, 2),
                       r3 = contact_in_bucket(h, 3, 7, 3), r4 = contact_in_bucket(h, 4, 7, 4);
    test_check(dht_table_observe(&h->node, &r1, FIXTURE_NOW, &oldest) == DHT_TABLE_ADDED &&
                   dht_table_observe(&h->node, &r2, FIXTURE_NOW, &oldest) == DHT_TABLE_ADDED &&
                   dht_table_observe(&h->node, &r3, FIXTURE_NOW, &oldest) == DHT_TABLE_RANGE &&
                   dht_table_observe(&h->node, &r4, FIXTURE_NOW, &oldest) == DHT_TABLE_ADDED,
               "dht table: at most 2 contacts of one /24 per bucket (a third refused, another bucket fine)");
    test_check(dht_table_observe(&h->node, &h->node.self, FIXTURE_NOW, &oldest) == DHT_TABLE_SELF,
               "dht table: our own ID never enters");
    /* closest: against a brute-force sort of the table */
    uint8_t target[DHT_ID_SIZE];
    harness_random(h, target, sizeof target);
    struct dht_contact closest[DHT_K];
    unsigned n = dht_table_closest(&h->node, target, closest, DHT_K);
    bool sorted = n == DHT_K;
    for (unsigned i = 1; i < n; i++)
        sorted = sorted && dht_id_closer(target, closest[i - 1].id, closest[i].id) < 0;
    unsigned closer_outside = 0;
    for (unsigned i = 0; i < 400; i++) {
        if (!h->table[i].used)
            continue;
        bool listed = false;
        for (unsigned j = 0; j < n; j++)
            listed = listed || memcmp(closest[j].id, h->table[i].contact.id, DHT_ID_SIZE) == 0;
        if (!listed && dht_id_closer(target, h->table[i].contact.id, closest[n - 1].id) < 0)
            closer_outside++;
    }
    test_check(sorted && closer_outside == 0,
               "dht table: closest returns the 20 nearest to a target in XOR order");
    free(h);
}

static void test_init(void)
{
    struct harness *h = harness_new();
    struct dht_config config = h->node.config;
    struct dht_transport transport = h->node.transport;
    struct dht_memory memory = h->node.memory;
    struct dht_node *node = calloc(1, sizeof *node);
    struct dht_memory no_table = memory;
    no_table.table = NULL;
    test_check(dht_node_init(node, &config, &transport, &no_table, &h->identity, &h->node.self.address,
                             FIXTURE_NOW) == DHT_ERR_PARAMETER,
               "dht node: init refuses a missing routing table");
    struct dht_config paths = config;
    paths.paths = DHT_PATHS_MAX + 1;
    test_check(dht_node_init(node, &paths, &transport, &memory, &h->identity, &h->node.self.address,
                             FIXTURE_NOW) == DHT_ERR_PARAMETER,
               "dht node: init refuses more than %d lookup paths", DHT_PATHS_MAX);
    struct dht_config harder = config;
    harder.difficulty = 40;
    test_check(dht_node_init(node, &harder, &transport, &memory, &h->identity, &h->node.self.address,
                             FIXTURE_NOW) == DHT_ERR_ID_WORK,
               "dht node: init refuses an identity without the configured work");
    free(node);
    free(h);
}

/* ---- node defences ----------------------------------------------------------- */
static size_t make_message(uint8_t *out, uint8_t type, unsigned identity, uint64_t request_id)
{
    struct mesh_identity id;
    struct dht_contact c;
    struct dht_message m;
    fixture_identity(identity, &id, &c);
    memset(&m, 0, sizeof m);
    m.type = type;
    m.request_id = request_id;
    fixture_sender(&m, &c);
    return dht_message_encode(&m, out, DHT_MESSAGE_MAX);
}

static void test_rate_limit(void)
{
    struct harness *h = harness_new();
    struct mesh_identity identity;
    struct dht_contact peer;
    fixture_identity(9, &identity, &peer);
    uint8_t ping[DHT_MESSAGE_MAX];
    size_t len = make_message(ping, DHT_PING, 9, 1);
    unsigned answered = 0, limited = 0;
    for (unsigned i = 0; i < 150; i++) {
        enum dht_error e = dht_node_receive(&h->node, &peer.address, ping, len, FIXTURE_NOW);
        answered += e == DHT_OK;
        limited += e == DHT_ERR_RATE;
    }
    test_check(answered == 100 && limited == 50 && h->sent_count == 100,
               "dht rate limit: 150 requests at once: %u answered (burst 100), %u refused", answered, limited);
    answered = 0;
    for (unsigned i = 0; i < 100; i++)
        answered += dht_node_receive(&h->node, &peer.address, ping, len, FIXTURE_NOW + 1000) == DHT_OK;
    test_check(answered == 50, "dht rate limit: one second later 50 more are answered (%u)", answered);
    struct dht_contact other;
    fixture_identity(10, &identity, &other);
    len = make_message(ping, DHT_PING, 10, 1);
    test_check(dht_node_receive(&h->node, &other.address, ping, len, FIXTURE_NOW + 1000) == DHT_OK,
               "dht rate limit: another peer is not affected");
    free(h);
}

static void test_responses(void)
{
    struct harness *h = harness_new();
    struct mesh_identity identity;
    struct dht_contact peer;
    fixture_identity(11, &identity, &peer);
    dht_node_bootstrap(&h->node, &peer.address, FIXTURE_NOW);
    struct dht_message sent;
    test_check(h->sent_count == 1 &&
                   dht_message_decode(&sent, h->sent[0], h->sent_len[0], FIXTURE_DIFFICULTY) == DHT_OK &&
                   sent.type == DHT_PING,
               "dht node: bootstrap sends a PING");
    uint8_t pong[DHT_MESSAGE_MAX];
    size_t len = make_message(pong, DHT_PONG, 11, sent.request_id + 1);
    test_check(dht_node_receive(&h->node, &peer.address, pong, len, FIXTURE_NOW + 10) == DHT_ERR_UNSOLICITED,
               "dht node: a PONG with another request id is unsolicited");
    len = make_message(pong, DHT_PONG, 11, sent.request_id);
    struct dht_address elsewhere = peer.address;
    elsewhere.bytes[3]++;
    test_check(dht_node_receive(&h->node, &elsewhere, pong, len, FIXTURE_NOW + 10) == DHT_ERR_UNSOLICITED,
               "dht node: the right id from another address is unsolicited");
    uint8_t nodes[DHT_MESSAGE_MAX];
    size_t nodes_len = make_message(nodes, DHT_STORED, 11, sent.request_id);
    test_check(dht_node_receive(&h->node, &peer.address, nodes, nodes_len, FIXTURE_NOW + 10) ==
                   DHT_ERR_UNSOLICITED,
               "dht node: a response of the wrong type is unsolicited");
    test_check(dht_node_receive(&h->node, &peer.address, pong, len, FIXTURE_NOW + 10) == DHT_OK &&
                   dht_table_find(&h->node, peer.id) != NULL,
               "dht node: the matching PONG is accepted and its sender enters the table");
    test_check(dht_node_receive(&h->node, &peer.address, pong, len, FIXTURE_NOW + 20) == DHT_ERR_UNSOLICITED,
               "dht node: the same PONG again (a replay) is unsolicited");
    test_check(h->node.stats.dropped[DHT_ERR_UNSOLICITED] == 4, "dht node: 4 unsolicited drops counted");
    size_t nodes_count_len;
    const uint8_t *bad_nodes = corpus_message.build(24, &nodes_count_len); /* a contact without work */
    uint64_t hashed_before = h->node.stats.dropped[DHT_ERR_ID_WORK];
    test_check(dht_node_receive(&h->node, &peer.address, bad_nodes, nodes_count_len, FIXTURE_NOW) ==
                   DHT_ERR_UNSOLICITED && h->node.stats.dropped[DHT_ERR_ID_WORK] == hashed_before,
               "dht node: an unsolicited NODES is dropped before its contacts are checked");
    uint8_t garbage[3] = { 0xd1, 0x01, 0x00 };
    test_check(dht_node_receive(&h->node, &peer.address, garbage, 3, FIXTURE_NOW) == DHT_ERR_SHORT &&
                   h->node.stats.dropped[DHT_ERR_SHORT] == 1,
               "dht node: a malformed datagram is dropped with its reason");
    free(h);
}

static void test_eviction(void)
{
    struct harness *h = harness_new();
    struct dht_table_entry *oldest;
    for (unsigned i = 0; i < DHT_K; i++) {
        struct dht_contact c = contact_in_bucket(h, 0, 100 + i, i);
        (void)dht_table_observe(&h->node, &c, FIXTURE_NOW, &oldest);
    }
    /* A newcomer (a real identity, so the message decodes) in bucket 0 while
     * the bucket's entries are old: the oldest is pinged. */
    struct mesh_identity identity;
    struct dht_contact newcomer;
    unsigned n = 20;
    do
        fixture_identity(n++, &identity, &newcomer);
    while (dht_id_common_prefix(newcomer.id, h->node.self.id) != 0);
    uint8_t ping[DHT_MESSAGE_MAX];
    size_t len = make_message(ping, DHT_PING, n - 1, 5);
    uint64_t later = FIXTURE_NOW + h->node.config.refresh_interval;
    (void)dht_node_receive(&h->node, &newcomer.address, ping, len, later);
    struct dht_contact first = contact_in_bucket(h, 0, 100, 0);
    bool pinged = h->sent_count == 2 && dht_address_equal(&h->sent_to[1], &first.address);
    test_check(pinged && dht_table_find(&h->node, newcomer.id) == NULL,
               "dht eviction: a full bucket pings its least recently seen entry, newcomer waits");
    dht_node_tick(&h->node, later + h->node.config.rpc_timeout);
    test_check(dht_table_find(&h->node, first.id) == NULL && dht_table_find(&h->node, newcomer.id) != NULL &&
                   h->node.stats.evictions == 1,
               "dht eviction: the silent entry is evicted and the newcomer takes its place");
    free(h);
}

static void test_storage(void)
{
    struct harness *h = harness_new();
    struct mesh_identity identity;
    struct dht_contact peer;
    fixture_identity(12, &identity, &peer);
    struct dht_message m;
    uint8_t packet[DHT_MESSAGE_MAX];
    memset(&m, 0, sizeof m);
    m.type = DHT_STORE;
    m.request_id = 1;
    fixture_sender(&m, &peer);
    m.record_count = 1;
    fixture_value_record(2, &m.records[0], "v1");
    size_t len = dht_message_encode(&m, packet, sizeof packet);
    (void)dht_node_receive(&h->node, &peer.address, packet, len, FIXTURE_NOW);
    struct dht_message reply;
    bool stored = dht_message_decode(&reply, h->sent[0], h->sent_len[0], FIXTURE_DIFFICULTY) == DHT_OK &&
                  reply.type == DHT_STORED && reply.status == DHT_OK;
    test_check(stored && h->node.stats.records_stored == 1, "dht store: a valid record is stored, STORED ok");
    /* an older sequence of the same slot */
    struct mesh_identity publisher_identity;
    struct dht_contact publisher_contact;
    fixture_identity(2, &publisher_identity, &publisher_contact);
    const struct ed25519_secret_key *publisher = &publisher_identity.sign_key;
    m.records[0].sequence = 6;
    if (dht_record_sign(&m.records[0], publisher) != DHT_OK)
        test_check(false, "dht store: signing");
    len = dht_message_encode(&m, packet, sizeof packet);
    (void)dht_node_receive(&h->node, &peer.address, packet, len, FIXTURE_NOW);
    (void)dht_message_decode(&reply, h->sent[1], h->sent_len[1], FIXTURE_DIFFICULTY);
    test_check(reply.status == DHT_ERR_RECORD_STALE, "dht store: an older sequence is refused as stale (%s)",
               dht_error_message(reply.status));
    m.records[0].value[0] ^= 1;
    len = dht_message_encode(&m, packet, sizeof packet);
    (void)dht_node_receive(&h->node, &peer.address, packet, len, FIXTURE_NOW);
    (void)dht_message_decode(&reply, h->sent[2], h->sent_len[2], FIXTURE_DIFFICULTY);
    test_check(reply.status == DHT_ERR_RECORD_SIGNATURE, "dht store: a forged record is refused (%s)",
               dht_error_message(reply.status));
    /* one publisher's share: 3 records here (config), the 4th key refused */
    unsigned statuses[4];
    for (unsigned i = 0; i < 4; i++) {
        fixture_value_record(2, &m.records[0], "share");
        m.records[0].key[0] = (uint8_t)(0x10 + i);
        if (dht_record_sign(&m.records[0], publisher) != DHT_OK)
            test_check(false, "dht store: signing");
        len = dht_message_encode(&m, packet, sizeof packet);
        (void)dht_node_receive(&h->node, &peer.address, packet, len, FIXTURE_NOW);
        (void)dht_message_decode(&reply, h->sent[3 + i], h->sent_len[3 + i], FIXTURE_DIFFICULTY);
        statuses[i] = reply.status;
    }
    test_check(statuses[0] == DHT_OK && statuses[1] == DHT_OK && statuses[2] == DHT_ERR_STORE_FULL &&
                   statuses[3] == DHT_ERR_STORE_FULL,
               "dht store: one publisher holds at most its share (3 here; the rest refused as full)");
    /* a FIND_VALUE gets the record back */
    memset(&m, 0, sizeof m);
    m.type = DHT_FIND_VALUE;
    m.request_id = 9;
    fixture_sender(&m, &peer);
    struct dht_record wanted;
    fixture_value_record(2, &wanted, "v1");
    memcpy(m.target, wanted.key, DHT_ID_SIZE);
    len = dht_message_encode(&m, packet, sizeof packet);
    (void)dht_node_receive(&h->node, &peer.address, packet, len, FIXTURE_NOW);
    unsigned last = (h->sent_count - 1) % 64;
    test_check(dht_message_decode(&reply, h->sent[last], h->sent_len[last], FIXTURE_DIFFICULTY) == DHT_OK &&
                   reply.type == DHT_VALUE && reply.record_count == 1 && reply.records[0].value_len == 2 &&
                   memcmp(reply.records[0].value, "v1", 2) == 0,
               "dht store: FIND_VALUE returns the stored record");
    /* and after its expiry, nodes instead */
    m.request_id = 10;
    len = dht_message_encode(&m, packet, sizeof packet);
    (void)dht_node_receive(&h->node, &peer.address, packet, len, wanted.expiry);
    last = (h->sent_count - 1) % 64;
    test_check(dht_message_decode(&reply, h->sent[last], h->sent_len[last], FIXTURE_DIFFICULTY) == DHT_OK &&
                   reply.type == DHT_NODES,
               "dht store: an expired record is no longer served");
    free(h);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", argv[2], corpus_message.directory);
        int status = corpus_write(&corpus_message, path);
        snprintf(path, sizeof path, "%s/%s", argv[2], corpus_record.directory);
        return status | corpus_write(&corpus_record, path);
    }
    if (argc == 3 && strcmp(argv[1], "--check-corpus") == 0)
        return check_corpus(&corpus_message, argv[2]) | check_corpus(&corpus_record, argv[2]);
    test_ids();
    test_codec_round_trips();
    test_records();
    test_table();
    test_init();
    test_rate_limit();
    test_responses();
    test_eviction();
    test_storage();
    return test_finish();
}
