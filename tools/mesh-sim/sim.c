/* The simulator's engine: event queue, links, nodes (sim.h explains the
 * model). Determinism: the only randomness is one xorshift-style generator
 * seeded from the command line, and events at equal times run in the order
 * they were queued. */
#include "tools/mesh-sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum event_kind { EVENT_DELIVER, EVENT_TIMER, EVENT_JOIN, EVENT_WAKE };

struct sim_event {
    uint64_t time;
    uint64_t sequence;
    uint32_t kind;
    uint32_t node;
    uint32_t generation;
    uint16_t len;
    uint32_t payload;           /* DELIVER: slot of the datagram */
    struct dht_address from, to;
};

static void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count, size);
    if (p == NULL) {
        fprintf(stderr, "mesh-sim: out of memory\n");
        exit(2);
    }
    return p;
}

static void *xrealloc(void *p, size_t count, size_t size)
{
    if (count == 0 || size > SIZE_MAX / count)
        exit(2);
    p = realloc(p, count * size);
    if (p == NULL) {
        fprintf(stderr, "mesh-sim: out of memory\n");
        exit(2);
    }
    return p;
}

uint64_t sim_random(struct sim *sim)
{
    /* splitmix64 */
    uint64_t z = (sim->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void sim_random_bytes(void *context, uint8_t *out, size_t len)
{
    struct sim *sim = context;
    for (size_t i = 0; i < len; i += 8) {
        uint64_t r = sim_random(sim);
        for (size_t j = 0; j < 8 && i + j < len; j++)
            out[i + j] = (uint8_t)(r >> (8 * j));
    }
}

uint32_t sim_default_loss;

void sim_config_default(struct sim_config *config, uint64_t seed, uint32_t nodes)
{
    memset(config, 0, sizeof *config);
    config->seed = seed;
    config->nodes = nodes;
    config->loss_per_million = sim_default_loss;
    dht_config_default(&config->dht);
    config->dht.difficulty = SIM_DIFFICULTY;
    config->dht.rpc_timeout = 400;
    config->dht.lookup_timeout = 5000;
    config->dht.refresh_interval = 30000;
    config->dht.republish_interval = 20000;
    config->dht.max_lifetime = 24ull * 3600 * 1000;
}

/* ---- event heap ---------------------------------------------------------- */
static bool event_before(const struct sim_event *a, const struct sim_event *b)
{
    return a->time < b->time || (a->time == b->time && a->sequence < b->sequence);
}

static void heap_push(struct sim *sim, struct sim_event event)
{
    if (sim->heap_len == sim->heap_cap) {
        sim->heap_cap = sim->heap_cap ? sim->heap_cap * 2 : 4096;
        sim->heap = xrealloc(sim->heap, sim->heap_cap, sizeof *sim->heap);
    }
    event.sequence = sim->sequence++;
    size_t at = sim->heap_len++;
    while (at > 0) {
        size_t parent = (at - 1) / 2;
        if (!event_before(&event, &sim->heap[parent]))
            break;
        sim->heap[at] = sim->heap[parent];
        at = parent;
    }
    sim->heap[at] = event;
}

static struct sim_event heap_pop(struct sim *sim)
{
    struct sim_event top = sim->heap[0];
    struct sim_event last = sim->heap[--sim->heap_len];
    size_t at = 0;
    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= sim->heap_len)
            break;
        if (child + 1 < sim->heap_len && event_before(&sim->heap[child + 1], &sim->heap[child]))
            child++;
        if (!event_before(&sim->heap[child], &last))
            break;
        sim->heap[at] = sim->heap[child];
        at = child;
    }
    if (sim->heap_len > 0)
        sim->heap[at] = last;
    return top;
}

static uint32_t payload_take(struct sim *sim)
{
    if (sim->payload_free_count > 0)
        return sim->payload_free[--sim->payload_free_count];
    if (sim->payload_count == sim->payload_cap) {
        sim->payload_cap = sim->payload_cap ? sim->payload_cap * 2 : 1024;
        sim->payloads = xrealloc(sim->payloads, sim->payload_cap, sizeof *sim->payloads);
        sim->payload_free = xrealloc(sim->payload_free, sim->payload_cap, sizeof *sim->payload_free);
    }
    sim->payloads[sim->payload_count] = xcalloc(1, SIM_PAYLOAD_MAX);
    return sim->payload_count++;
}

static void payload_give_back(struct sim *sim, uint32_t slot)
{
    sim->payload_free[sim->payload_free_count++] = slot;
}

/* ---- addresses ----------------------------------------------------------- */
struct dht_address sim_address(uint32_t subnet, uint32_t host)
{
    struct dht_address address = { DHT_ADDRESS_SIMULATED,
                                   { (uint8_t)(subnet >> 16), (uint8_t)(subnet >> 8),
                                     (uint8_t)subnet, (uint8_t)host },
                                   4000 };
    return address;
}

static uint64_t address_key(const struct dht_address *a)
{
    return (uint64_t)a->family << 48 | (uint64_t)a->bytes[0] << 40 | (uint64_t)a->bytes[1] << 32 |
           (uint64_t)a->bytes[2] << 24 | (uint64_t)a->bytes[3] << 16 | a->port;
}

static size_t address_slot(const struct sim *sim, uint64_t key)
{
    size_t slot = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (sim->address_cap - 1);
    while (sim->address_keys[slot] != 0 && sim->address_keys[slot] != key)
        slot = (slot + 1) & (sim->address_cap - 1);
    return slot;
}

static void address_map(struct sim *sim, const struct dht_address *a, uint32_t index)
{
    if ((sim->node_count + 1) * 2 > sim->address_cap) {
        fprintf(stderr, "mesh-sim: address map full\n");
        exit(2);
    }
    size_t slot = address_slot(sim, address_key(a));
    sim->address_keys[slot] = address_key(a);
    sim->address_values[slot] = index;
}

/* Extra addresses (a hostile node's Sybils) routed to an existing node. */
void sim_map_address(struct sim *sim, const struct dht_address *a, struct sim_node *node);
void sim_map_address(struct sim *sim, const struct dht_address *a, struct sim_node *node)
{
    address_map(sim, a, node->index);
}

struct sim_node *sim_node_at(struct sim *sim, const struct dht_address *address)
{
    size_t slot = address_slot(sim, address_key(address));
    if (sim->address_keys[slot] == 0)
        return NULL;
    return sim->nodes[sim->address_values[slot]];
}

/* ---- nodes --------------------------------------------------------------- */
static void transport_send(void *context, const struct dht_address *to, const uint8_t *data,
                           size_t len);

struct transport_context {
    struct sim *sim;
    struct sim_node *node;
};

void sim_make_identity(struct sim *sim, struct mesh_identity *identity, struct dht_contact *contact,
                       const struct dht_address *address)
{
    uint8_t random[MESH_IDENTITY_RANDOM_SIZE];
    sim_random_bytes(sim, random, sizeof random);
    if (mesh_identity_create(identity, random, sim->config.dht.difficulty, UINT64_MAX) != MESH_OK) {
        fprintf(stderr, "mesh-sim: mesh_identity_create failed\n");
        exit(2);
    }
    dht_contact_of(contact, &identity->public_part, address);
}

struct sim_node *sim_add_node(struct sim *sim, uint32_t subnet, sim_hostile_handler handler)
{
    if (sim->node_count == sim->node_capacity) {
        fprintf(stderr, "mesh-sim: node capacity reached\n");
        exit(2);
    }
    uint32_t index = sim->node_count;
    struct sim_node *node = xcalloc(1, sizeof *node);
    node->index = index;
    node->alive = true;
    node->timer_at = UINT64_MAX;
    node->hostile = handler;
    struct dht_address address = sim_address(subnet != 0 ? subnet : 0x100000 + index,
                                             subnet != 0 ? 1 + index % 250 : 1);
    sim_make_identity(sim, &node->identity, &node->self, &address);
    sim->nodes[index] = node;
    address_map(sim, &address, index);
    sim->node_count++;
    struct transport_context *context = xcalloc(1, sizeof *context);
    context->sim = sim;
    context->node = node;
    struct dht_transport transport = { context, transport_send };
    struct dht_memory memory = { node->table, SIM_TABLE_CAPACITY, node->records,
                                 SIM_RECORD_CAPACITY, node->lookups, SIM_LOOKUP_CAPACITY };
    struct dht_config config = sim->config.dht;
    config.random_context = sim;
    config.random = sim_random_bytes;
    if (dht_node_init(&node->dht, &config, &transport, &memory, &node->identity, &address, sim->now) !=
        DHT_OK) {
        fprintf(stderr, "mesh-sim: dht_node_init failed\n");
        exit(2);
    }
    return node;
}

struct sim *sim_create(const struct sim_config *config)
{
    struct sim *sim = xcalloc(1, sizeof *sim);
    sim->config = *config;
    sim->rng = config->seed;
    sim->node_capacity = config->nodes + 1024;
    sim->nodes = xcalloc(sim->node_capacity, sizeof *sim->nodes);
    sim->address_cap = 1;
    while (sim->address_cap < (size_t)sim->node_capacity * 2 + 65536)
        sim->address_cap *= 2;
    sim->address_keys = xcalloc(sim->address_cap, sizeof *sim->address_keys);
    sim->address_values = xcalloc(sim->address_cap, sizeof *sim->address_values);
    for (uint32_t i = 0; i < config->nodes; i++)
        sim_add_node(sim, 0, NULL);
    return sim;
}

void sim_destroy(struct sim *sim)
{
    for (uint32_t i = 0; i < sim->node_count; i++) {
        free(sim->nodes[i]->dht.transport.context);
        free(sim->nodes[i]);
    }
    for (uint32_t i = 0; i < sim->payload_count; i++)
        free(sim->payloads[i]);
    free(sim->payloads);
    free(sim->payload_free);
    free(sim->heap);
    free(sim->nodes);
    free(sim->address_keys);
    free(sim->address_values);
    free(sim);
}

void sim_node_touched(struct sim *sim, struct sim_node *node)
{
    if (!node->alive || node->hostile != NULL)
        return;
    uint64_t next = dht_node_next_deadline(&node->dht, sim->now);
    if (next <= sim->now)
        next = sim->now + 1;
    if (next == UINT64_MAX || (node->timer_at <= next && node->timer_at > sim->now))
        return;
    node->timer_at = next;
    struct sim_event event = { .time = next, .kind = EVENT_TIMER, .node = node->index,
                               .generation = ++node->timer_generation };
    heap_push(sim, event);
}

void sim_kill(struct sim *sim, struct sim_node *node)
{
    (void)sim;
    node->alive = false;
}

void sim_wake_at(struct sim *sim, struct sim_node *node, uint64_t time)
{
    struct sim_event event = { .time = time, .kind = EVENT_WAKE, .node = node->index };
    heap_push(sim, event);
}

/* ---- links --------------------------------------------------------------- */
static uint64_t link_latency(struct sim *sim, uint32_t a, uint32_t b)
{
    uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    uint64_t h = (lo * 0x9e3779b97f4a7c15ull) ^ (hi * 0xc2b2ae3d27d4eb4full) ^ sim->config.seed;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return 5 + h % 46;
}

void sim_send(struct sim *sim, struct sim_node *from, const struct dht_address *to,
              const uint8_t *data, size_t len)
{
    if (len > SIM_PAYLOAD_MAX) {
        fprintf(stderr, "mesh-sim: datagram of %zu bytes\n", len);
        exit(2);
    }
    sim->datagrams++;
    sim->bytes += len;
    sim->by_type[len >= 2 && data[1] >= 1 && data[1] <= 8 ? data[1] : 0]++;
    struct sim_node *target = sim_node_at(sim, to);
    if (target == NULL)
        return;
    if (sim->config.loss_per_million != 0 &&
        sim_random(sim) % 1000000 < sim->config.loss_per_million) {
        sim->datagrams_lost++;
        return;
    }
    if (sim->partitioned && target->side != from->side) {
        sim->datagrams_cut++;
        return;
    }
    struct sim_event event = { .kind = EVENT_DELIVER, .node = target->index, .len = (uint16_t)len,
                               .from = from->self.address, .to = *to };
    event.time = sim->now + link_latency(sim, from->index, target->index) + sim_random(sim) % 3;
    event.payload = payload_take(sim);
    memcpy(sim->payloads[event.payload], data, len);
    heap_push(sim, event);
}

static void transport_send(void *context, const struct dht_address *to, const uint8_t *data,
                           size_t len)
{
    struct transport_context *t = context;
    sim_send(t->sim, t->node, to, data, len);
}

/* ---- running ------------------------------------------------------------- */
static void run_event(struct sim *sim, struct sim_event *event)
{
    struct sim_node *node = sim->nodes[event->node];
    if (!node->alive)
        return;
    switch (event->kind) {
    case EVENT_DELIVER:
        if (sim->partitioned) {
            struct sim_node *source = sim_node_at(sim, &event->from);
            if (source != NULL && source->side != node->side) {
                sim->datagrams_cut++;
                return;
            }
        }
        if (node->hostile != NULL)
            node->hostile(sim, node, &event->from, &event->to, sim->payloads[event->payload], event->len);
        else
            (void)dht_node_receive(&node->dht, &event->from, sim->payloads[event->payload], event->len,
                                   sim->now);
        break;
    case EVENT_TIMER:
        if (event->generation != node->timer_generation)
            return;
        node->timer_at = UINT64_MAX;
        dht_node_tick(&node->dht, sim->now);
        break;
    case EVENT_WAKE:
        if (node->hostile != NULL)
            node->hostile(sim, node, NULL, NULL, NULL, 0);
        break;
    default: /* EVENT_JOIN */
        if (node->hostile == NULL)
            (void)dht_node_find_node(&node->dht, node->self.id, NULL, NULL, sim->now);
        break;
    }
    sim_node_touched(sim, node);
}

void sim_run_until(struct sim *sim, uint64_t time)
{
    while (sim->heap_len > 0 && sim->heap[0].time <= time) {
        struct sim_event event = heap_pop(sim);
        sim->now = event.time;
        sim->events++;
        run_event(sim, &event);
        if (event.kind == EVENT_DELIVER)
            payload_give_back(sim, event.payload);
    }
    sim->now = time;
}

void sim_join_node(struct sim *sim, struct sim_node *node, unsigned contacts)
{
    for (unsigned c = 0, tries = 0; c < contacts && tries < 1000; tries++) {
        struct sim_node *peer = sim->nodes[sim_random(sim) % sim->node_count];
        if (peer == node || !peer->alive || peer->hostile != NULL)
            continue;
        dht_node_bootstrap(&node->dht, &peer->self.address, sim->now);
        c++;
    }
    sim_node_touched(sim, node);
    struct sim_event event = { .time = sim->now + 300, .kind = EVENT_JOIN, .node = node->index };
    heap_push(sim, event);
}

void sim_join_all(struct sim *sim, unsigned contacts, uint64_t spacing)
{
    uint64_t start = sim->now;
    for (uint32_t i = 0; i < sim->node_count; i++) {
        sim_run_until(sim, start + i * spacing);
        struct sim_node *node = sim->nodes[i];
        if (node->hostile != NULL || i == 0)
            continue;
        for (unsigned c = 0; c < contacts; c++) {
            struct sim_node *peer = sim->nodes[sim_random(sim) % i];
            dht_node_bootstrap(&node->dht, &peer->self.address, sim->now);
        }
        sim_node_touched(sim, node);
        struct sim_event event = { .time = sim->now + 300, .kind = EVENT_JOIN, .node = i };
        heap_push(sim, event);
    }
}
