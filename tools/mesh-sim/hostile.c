/* The hostile-peer scenario: honest nodes of the real DHT among nodes that
 * send garbage, replay what they hear, flood one victim, forge records and
 * lie in lookups (answering with Sybil identities close to the target).
 * The checks: rate limits hold, forged records are stored nowhere, bad
 * input is dropped with its reason, and honest lookups still succeed. */
#include "tools/mesh-sim/sim.h"
#include "tools/mesh-sim/scenario.h"

#include "base/endian.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum hostile_kind { HOSTILE_GARBAGE, HOSTILE_REPLAY, HOSTILE_FLOOD, HOSTILE_FORGE, HOSTILE_LIAR,
                    HOSTILE_LIAR_BAD_WORK };

#define SYBILS 16
#define SYBIL_POOL_MAX (SYBILS * 200)
#define LIAR_GROUPS 3
#ifndef LIAR_PERCENT
#define LIAR_PERCENT 35
#endif

/* The colluding liars' shared pool of Sybil identities: for any target,
 * every liar names the pool's closest IDs, so the lie looks consistent and
 * (with hundreds of IDs) closer to the target than most honest nodes. */
struct sybil_pool {
    struct dht_contact contacts[SYBIL_POOL_MAX];
    unsigned count;
};
static struct sybil_pool pool;
#define REPLAY_RING 256
#define FLOOD_MS 10000

struct hostile {
    enum hostile_kind kind;
    struct dht_contact sybils[SYBILS];
    uint8_t replay[REPLAY_RING][DHT_MESSAGE_MAX];
    uint16_t replay_len[REPLAY_RING];
    unsigned replay_count;
    uint64_t start, stop;          /* active window (flood, forge) */
    struct sim_node *victim;
    uint64_t flood_sent, victim_replies;
    const struct stored_key *keys; /* forge: the keys to attack */
    unsigned key_count;
    uint64_t forged_sent, statuses[DHT_ERROR_COUNT];
};

static struct sim_node *random_honest(struct sim *sim)
{
    return random_alive(sim, -1);
}

static void send_message(struct sim *sim, struct sim_node *node, const struct dht_contact *as,
                         const struct dht_address *to, struct dht_message *message)
{
    uint8_t packet[DHT_MESSAGE_MAX];
    memcpy(message->sender.id, as->id, DHT_ID_SIZE);
    memcpy(message->sender.dh_public, as->dh_public, X25519_KEY_SIZE);
    memcpy(message->sender.sign_public, as->sign_public, ED25519_PUBLIC_KEY_SIZE);
    message->sender.nonce = as->nonce;
    size_t len = dht_message_encode(message, packet, sizeof packet);
    if (len != 0)
        sim_send(sim, node, to, packet, len);
}

static void send_find_node(struct sim *sim, struct sim_node *node, struct sim_node *to)
{
    struct dht_message message;
    memset(&message, 0, sizeof message);
    message.type = DHT_FIND_NODE;
    message.request_id = sim_random(sim);
    for (unsigned i = 0; i < DHT_ID_SIZE; i++)
        message.target[i] = (uint8_t)sim_random(sim);
    send_message(sim, node, &node->self, &to->self.address, &message);
}

static void garbage_wake(struct sim *sim, struct sim_node *node)
{
    uint8_t packet[DHT_MESSAGE_MAX + 100];
    size_t len = sim_random(sim) % sizeof packet;
    for (size_t i = 0; i < len; i++)
        packet[i] = (uint8_t)sim_random(sim);
    if (len > 2 && (sim_random(sim) & 1)) {
        packet[0] = 0xd1; /* past the version check, into the bodies */
        packet[1] = (uint8_t)(1 + sim_random(sim) % 8);
    }
    sim_send(sim, node, &random_honest(sim)->self.address, packet, len);
}

static void replay_wake(struct sim *sim, struct sim_node *node, struct hostile *h)
{
    if (sim_random(sim) % 40 == 0)
        send_find_node(sim, node, random_honest(sim));
    if (h->replay_count == 0)
        return;
    unsigned pick = (unsigned)(sim_random(sim) % (h->replay_count < REPLAY_RING ? h->replay_count : REPLAY_RING));
    sim_send(sim, node, &random_honest(sim)->self.address, h->replay[pick], h->replay_len[pick]);
}

static void forge_wake(struct sim *sim, struct sim_node *node, struct hostile *h)
{
    if (h->key_count == 0 || sim->now < h->start || sim->now >= h->stop)
        return;
    const struct stored_key *key = &h->keys[sim_random(sim) % h->key_count];
    struct dht_message message;
    memset(&message, 0, sizeof message);
    message.type = DHT_STORE;
    message.request_id = sim_random(sim);
    message.record_count = 1;
    struct dht_record *record = &message.records[0];
    record->kind = DHT_RECORD_VALUE;
    memcpy(record->key, key->key, DHT_ID_SIZE);
    record->sequence = 2;
    record->expiry = sim->now + 3600 * 1000;
    record->value_len = 6;
    memcpy(record->value, "forged", 6);
    unsigned variant = (unsigned)(sim_random(sim) % 3);
    if (variant == 2)
        record->expiry = sim->now - 1; /* expired, validly signed by the forger */
    if (dht_record_sign(record, &node->identity.sign_key) != DHT_OK)
        return;
    if (variant == 0) /* the genuine publisher's name on the forger's signature */
        memcpy(record->publisher, key->publisher, DHT_PUBLIC_KEY_SIZE);
    if (variant == 1) /* a bit flipped after signing */
        record->value[0] ^= 1;
    h->forged_sent++;
    send_message(sim, node, &node->self, &random_honest(sim)->self.address, &message);
}

/* The DHT_NODES_MAX Sybils of the pool closest to target among those of
 * one group (liars answer from LIAR_GROUPS groups, so together they name
 * more distinct Sybils than one answer holds). */
static unsigned sybils_closest(const uint8_t target[DHT_ID_SIZE], unsigned group,
                               struct dht_contact *out)
{
    uint64_t best_distance[DHT_NODES_MAX];
    unsigned best[DHT_NODES_MAX], count = 0;
    uint64_t t = load64_be(target);
    for (unsigned i = group; i < pool.count; i += LIAR_GROUPS) {
        uint64_t d = load64_be(pool.contacts[i].id) ^ t;
        if (count == DHT_NODES_MAX && d >= best_distance[count - 1])
            continue;
        unsigned at = count < DHT_NODES_MAX ? count++ : count - 1;
        while (at > 0 && best_distance[at - 1] > d) {
            best_distance[at] = best_distance[at - 1];
            best[at] = best[at - 1];
            at--;
        }
        best_distance[at] = d;
        best[at] = i;
    }
    for (unsigned n = 0; n < count; n++)
        out[n] = pool.contacts[best[n]];
    return count;
}

/* A liar's answer: PONG, STORED (storing nothing), or Sybils for any find. */
static void liar_answer(struct sim *sim, struct sim_node *node, struct hostile *h,
                        const struct dht_address *from, const struct dht_address *to,
                        const struct dht_message *request)
{
    const struct dht_contact *as = &node->self;
    for (unsigned i = 0; i < SYBILS; i++)
        if (dht_address_equal(&h->sybils[i].address, to))
            as = &h->sybils[i];
    struct dht_message reply;
    memset(&reply, 0, sizeof reply);
    reply.request_id = request->request_id;
    if (request->type == DHT_PING) {
        reply.type = DHT_PONG;
    } else if (request->type == DHT_STORE) {
        reply.type = DHT_STORED;
    } else {
        reply.type = DHT_NODES;
        reply.contact_count = (uint8_t)sybils_closest(request->target, node->index % LIAR_GROUPS,
                                                      reply.contacts);
        for (unsigned n = 0; n < reply.contact_count && h->kind == HOSTILE_LIAR_BAD_WORK; n++)
            reply.contacts[n].nonce ^= 1; /* fails the proof of work (255 in 256) */
    }
    send_message(sim, node, as, from, &reply);
}

static void hostile_handler(struct sim *sim, struct sim_node *node, const struct dht_address *from,
                            const struct dht_address *to, const uint8_t *data, size_t len)
{
    struct hostile *h = node->hostile_state;
    if (from == NULL) {
        uint64_t every = h->kind == HOSTILE_FLOOD ? 1 : h->kind == HOSTILE_GARBAGE ? 2 :
                         h->kind == HOSTILE_REPLAY ? 5 : h->kind == HOSTILE_FORGE ? 20 : 300;
        if (h->kind == HOSTILE_GARBAGE)
            garbage_wake(sim, node);
        else if (h->kind == HOSTILE_REPLAY)
            replay_wake(sim, node, h);
        else if (h->kind == HOSTILE_FORGE)
            forge_wake(sim, node, h);
        else if (h->kind == HOSTILE_FLOOD && sim->now >= h->start && sim->now < h->stop) {
            send_find_node(sim, node, h->victim);
            h->flood_sent++;
        } else if (h->kind == HOSTILE_LIAR || h->kind == HOSTILE_LIAR_BAD_WORK)
            send_find_node(sim, node, random_honest(sim));
        sim_wake_at(sim, node, sim->now + every);
        return;
    }
    if (h->kind == HOSTILE_REPLAY && len <= DHT_MESSAGE_MAX) {
        unsigned slot = h->replay_count++ % REPLAY_RING;
        memcpy(h->replay[slot], data, len);
        h->replay_len[slot] = (uint16_t)len;
        return;
    }
    struct dht_message message;
    if (dht_message_decode(&message, data, len, sim->config.dht.difficulty) != DHT_OK)
        return;
    if (h->kind == HOSTILE_FLOOD && message.type == DHT_NODES &&
        dht_address_equal(from, &h->victim->self.address))
        h->victim_replies++;
    if (h->kind == HOSTILE_FORGE && message.type == DHT_STORED && message.status < DHT_ERROR_COUNT)
        h->statuses[message.status]++;
    if ((h->kind == HOSTILE_LIAR || h->kind == HOSTILE_LIAR_BAD_WORK) &&
        (message.type == DHT_PING || message.type == DHT_FIND_NODE ||
         message.type == DHT_FIND_VALUE || message.type == DHT_STORE))
        liar_answer(sim, node, h, from, to, &message);
}

static struct sim_node *add_hostile(struct sim *sim, enum hostile_kind kind, uint32_t subnet)
{
    struct sim_node *node = sim_add_node(sim, subnet, hostile_handler);
    struct hostile *h = calloc(1, sizeof *h);
    h->kind = kind;
    node->hostile_state = h;
    if (kind == HOSTILE_LIAR || kind == HOSTILE_LIAR_BAD_WORK) {
        for (unsigned i = 0; i < SYBILS; i++) {
            struct mesh_identity identity;
            struct dht_address address = node->self.address;
            address.port = (uint16_t)(5000 + i);
            sim_make_identity(sim, &identity, &h->sybils[i], &address);
            mesh_identity_wipe(&identity);
            sim_map_address(sim, &address, node);
            if (pool.count < SYBIL_POOL_MAX)
                pool.contacts[pool.count++] = h->sybils[i];
        }
    }
    sim_wake_at(sim, node, sim->now + 1 + sim_random(sim) % 300);
    return node;
}

struct hostile_run {
    unsigned found, total;
    uint64_t victim_replies, flood_sent, victim_rate_drops;
    uint64_t forged_sent, forged_accepted, forged_stored, forged_refused[DHT_ERROR_COUNT];
    uint64_t dropped[DHT_ERROR_COUNT];
    unsigned liar_entries;
    double seconds;
};

#define HOSTILE_KEYS 50u
#define HOSTILE_PROBES 300u

static void count_honest(struct sim *sim, struct hostile_run *run)
{
    for (uint32_t i = 0; i < sim->node_count; i++) {
        struct sim_node *node = sim->nodes[i];
        if (node->hostile != NULL)
            continue;
        for (unsigned e = 0; e < DHT_ERROR_COUNT; e++)
            run->dropped[e] += node->dht.stats.dropped[e];
        for (unsigned r = 0; r < SIM_RECORD_CAPACITY; r++)
            if (node->records[r].used && node->records[r].record.value_len == 6 &&
                memcmp(node->records[r].record.value, "forged", 6) == 0)
                run->forged_stored++;
        for (unsigned t = 0; t < SIM_TABLE_CAPACITY; t++) {
            if (!node->table[t].used)
                continue;
            struct sim_node *peer = sim_node_at(sim, &node->table[t].contact.address);
            if (peer != NULL && peer->hostile != NULL)
                run->liar_entries++;
        }
    }
}

static void hostile_run(uint64_t seed, uint32_t nodes, unsigned paths, struct hostile_run *run)
{
    struct sim_config config;
    sim_config_default(&config, seed, nodes);
    config.dht.paths = paths;
    /* Refreshes every 10 s: honest nodes meet more honest nodes than with
     * the default 30 s (with 30 s, seed 1 at 200 nodes finds 294/300). */
    config.dht.refresh_interval = 10000;
    config.nodes = 0;
    struct sim *sim = sim_create(&config);
    pool.count = 0;
    for (uint32_t i = 0; i < nodes; i++)
        sim_add_node(sim, 0, NULL);
    struct sim_node *garbage = add_hostile(sim, HOSTILE_GARBAGE, 0x200000);
    struct sim_node *replay = add_hostile(sim, HOSTILE_REPLAY, 0x200001);
    struct sim_node *flood = add_hostile(sim, HOSTILE_FLOOD, 0x200002);
    struct sim_node *forge = add_hostile(sim, HOSTILE_FORGE, 0x200003);
    for (uint32_t i = 0; i < nodes * LIAR_PERCENT / 100; i++)
        add_hostile(sim, i % 2 ? HOSTILE_LIAR_BAD_WORK : HOSTILE_LIAR, 0x210000 + i);
    (void)garbage;
    (void)replay;
    sim_join_all(sim, 3, 5);
    sim_run_until(sim, sim->now + 40000);
    struct stored_key *keys = calloc(HOSTILE_KEYS, sizeof *keys);
    struct probe *probes = calloc(HOSTILE_PROBES, sizeof *probes);
    store_keys(sim, keys, HOSTILE_KEYS, -1);
    sim_run_until(sim, sim->now + 10000);
    struct hostile *f = forge->hostile_state, *fl = flood->hostile_state;
    f->keys = keys;
    f->key_count = HOSTILE_KEYS;
    f->start = fl->start = sim->now;
    f->stop = fl->stop = sim->now + FLOOD_MS;
    fl->victim = sim->nodes[0];
    sim_run_until(sim, sim->now + 2000);
    for (unsigned i = 0; i < HOSTILE_PROBES; i++)
        start_probe(sim, &probes[i], &keys[i % HOSTILE_KEYS], -1);
    sim_run_until(sim, sim->now + 10000);
    struct probe_summary s;
    probe_summary(probes, HOSTILE_PROBES, UINT64_MAX, &s);
    memset(run, 0, sizeof *run);
    run->found = s.found;
    run->total = s.total;
    run->victim_replies = fl->victim_replies;
    run->flood_sent = fl->flood_sent;
    run->victim_rate_drops = sim->nodes[0]->dht.stats.dropped[DHT_ERR_RATE];
    run->forged_sent = f->forged_sent;
    run->forged_accepted = f->statuses[DHT_OK];
    for (unsigned e = 0; e < DHT_ERROR_COUNT; e++)
        run->forged_refused[e] = f->statuses[e];
    count_honest(sim, run);
    free(keys);
    free(probes);
    for (uint32_t i = 0; i < sim->node_count; i++)
        free(sim->nodes[i]->hostile_state);
    sim_destroy(sim);
}

int sim_scenario_hostile(uint64_t seed, uint32_t nodes, bool compare)
{
    struct hostile_run run, single;
    struct dht_config defaults;
    dht_config_default(&defaults);
    hostile_run(seed, nodes, 2, &run);
    uint64_t limit = defaults.rate_burst + (uint64_t)defaults.rate_per_second * FLOOD_MS / 1000;
    scenario_check(run.victim_replies <= limit && run.victim_replies > 0 && run.victim_rate_drops > 0,
                   seed, "hostile", nodes,
                   "hostile flood: %llu requests in %u s to one node, it answered %llu (limit %llu = "
                   "burst %u + %u/s) and dropped %llu as over the rate",
                   (unsigned long long)run.flood_sent, FLOOD_MS / 1000,
                   (unsigned long long)run.victim_replies, (unsigned long long)limit,
                   defaults.rate_burst, defaults.rate_per_second,
                   (unsigned long long)run.victim_rate_drops);
    uint64_t refused = run.forged_refused[DHT_ERR_RECORD_SIGNATURE] + run.forged_refused[DHT_ERR_RECORD_EXPIRED];
    scenario_check(run.forged_sent > 0 && run.forged_accepted == 0 && run.forged_stored == 0 &&
                   run.forged_refused[DHT_ERR_RECORD_SIGNATURE] > 0 &&
                   run.forged_refused[DHT_ERR_RECORD_EXPIRED] > 0,
                   seed, "hostile", nodes,
                   "hostile forged records: %llu sent, %llu refused as bad signature, %llu as expired, "
                   "%llu other refusals; %llu accepted, %llu stored anywhere",
                   (unsigned long long)run.forged_sent,
                   (unsigned long long)run.forged_refused[DHT_ERR_RECORD_SIGNATURE],
                   (unsigned long long)run.forged_refused[DHT_ERR_RECORD_EXPIRED],
                   (unsigned long long)(run.forged_sent - refused - run.forged_accepted),
                   (unsigned long long)run.forged_accepted, (unsigned long long)run.forged_stored);
    uint64_t malformed = 0;
    for (unsigned e = DHT_ERR_SHORT; e <= DHT_ERR_RECORD_PROVIDER; e++)
        malformed += run.dropped[e];
    scenario_check(malformed > 0 && run.dropped[DHT_ERR_UNSOLICITED] > 0, seed, "hostile", nodes,
                   "hostile garbage and replays: honest nodes dropped %llu malformed datagrams "
                   "(%llu short, %llu bad version, %llu bad type, %llu trailing bytes, %llu failed "
                   "proof of work) and %llu unsolicited responses (replays)",
                   (unsigned long long)malformed, (unsigned long long)run.dropped[DHT_ERR_SHORT],
                   (unsigned long long)run.dropped[DHT_ERR_VERSION],
                   (unsigned long long)run.dropped[DHT_ERR_TYPE],
                   (unsigned long long)run.dropped[DHT_ERR_TRAILING],
                   (unsigned long long)run.dropped[DHT_ERR_ID_WORK],
                   (unsigned long long)run.dropped[DHT_ERR_UNSOLICITED]);
    scenario_check(run.found * 100 >= run.total * 99, seed, "hostile", nodes,
                   "hostile liars (%u of %u nodes answer every lookup with Sybil IDs): honest lookups "
                   "over 2 disjoint paths found %u/%u values (need >= 99%%); %u table entries of "
                   "honest nodes point at hostile nodes",
                   nodes * LIAR_PERCENT / 100, nodes + nodes * LIAR_PERCENT / 100 + 4, run.found, run.total, run.liar_entries);
    if (compare) {
        hostile_run(seed, nodes, 1, &single);
        printf("hostile: the same run with 1 lookup path instead of 2: %u/%u values found\n",
               single.found, single.total);
    }
    return scenario_failures != 0;
}
