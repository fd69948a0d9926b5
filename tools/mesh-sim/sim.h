/* mesh-sim: a deterministic discrete-event simulator running many nodes of
 * the real lib/mesh DHT in one process (docs/mesh.md, "Simulator").
 *
 * Virtual time in milliseconds; one event queue ordered by (time, sequence
 * number), so a run is a pure function of its seed. Links have a latency
 * fixed per pair of nodes (5..50 ms) plus up to 2 ms of jitter, a loss rate,
 * and can be cut by a partition; dead nodes receive nothing. Sessions are
 * abstracted: a datagram arrives with its true source address, as a Noise
 * session would authenticate it, and without encryption. Hostile nodes are
 * not DHT nodes but handlers that see every datagram sent to them. */
#ifndef NONOS_TOOLS_MESH_SIM_H
#define NONOS_TOOLS_MESH_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mesh/dht.h"

#define SIM_TABLE_CAPACITY 320
#define SIM_RECORD_CAPACITY 48
#define SIM_LOOKUP_CAPACITY 6
#define SIM_DIFFICULTY 8
#define SIM_PAYLOAD_MAX 2048 /* the largest datagram a node (or a hostile one) sends */

struct sim;
struct sim_node;

/* A hostile node's handler: gets every datagram sent to it (from = the
 * source, to = the address it was sent to: the node's own or one of its
 * Sybils'), and its wake-ups (from == NULL). */
typedef void (*sim_hostile_handler)(struct sim *sim, struct sim_node *node,
                                    const struct dht_address *from, const struct dht_address *to,
                                    const uint8_t *data, size_t len);

struct sim_node {
    struct dht_node dht;
    struct dht_table_entry table[SIM_TABLE_CAPACITY];
    struct dht_stored records[SIM_RECORD_CAPACITY];
    struct dht_lookup lookups[SIM_LOOKUP_CAPACITY];
    struct mesh_identity identity;
    struct dht_contact self;
    uint32_t index;
    bool alive;
    uint8_t side;                   /* partition side */
    uint64_t timer_at;              /* UINT64_MAX: none queued */
    uint32_t timer_generation;
    sim_hostile_handler hostile;    /* NULL for honest nodes */
    void *hostile_state;
};

struct sim_config {
    uint64_t seed;
    uint32_t nodes;
    uint32_t loss_per_million;      /* datagrams lost per million */
    struct dht_config dht;
};

struct sim_event;

struct sim {
    struct sim_config config;
    uint64_t now;
    uint64_t rng;
    struct sim_node **nodes;
    uint32_t node_count, node_capacity;
    struct sim_event *heap;
    size_t heap_len, heap_cap;
    uint64_t sequence;
    /* Datagrams in flight live in reusable slots of SIM_PAYLOAD_MAX bytes
     * (an event names its slot), so delivery allocates nothing. */
    uint8_t **payloads;
    uint32_t payload_count, payload_cap;
    uint32_t *payload_free;
    uint32_t payload_free_count;
    bool partitioned;
    /* address -> node index (open addressing) */
    uint64_t *address_keys;
    uint32_t *address_values;
    size_t address_cap;
    /* counters */
    uint64_t events, datagrams, datagrams_lost, datagrams_cut, bytes;
    uint64_t by_type[10]; /* datagrams by DHT message type (0: not a DHT message) */
};

/* Loss rate every scenario starts from (mesh-sim --loss), per million. */
extern uint32_t sim_default_loss;
void sim_config_default(struct sim_config *config, uint64_t seed, uint32_t nodes);
/* Makes the simulator and config->nodes honest nodes (not yet joined). */
struct sim *sim_create(const struct sim_config *config);
void sim_destroy(struct sim *sim);
uint64_t sim_random(struct sim *sim);
/* Adds a node in subnet `subnet` (0: a subnet of its own); hostile when
 * handler is set (it then has a contact but no DHT state that runs). */
struct sim_node *sim_add_node(struct sim *sim, uint32_t subnet, sim_hostile_handler handler);
/* Each node pings `contacts` random earlier nodes (a LAN beacon's work),
 * then looks itself up; nodes join `spacing` ms apart. */
void sim_join_all(struct sim *sim, unsigned contacts, uint64_t spacing);
void sim_run_until(struct sim *sim, uint64_t time);
/* One node joins now: pings `contacts` random live honest nodes, then
 * looks itself up. */
void sim_join_node(struct sim *sim, struct sim_node *node, unsigned contacts);
/* Sends a datagram as node `from` (hostile nodes use it). */
void sim_send(struct sim *sim, struct sim_node *from, const struct dht_address *to,
              const uint8_t *data, size_t len);
/* Must be called after calling into a node's DHT directly. */
void sim_node_touched(struct sim *sim, struct sim_node *node);
struct sim_node *sim_node_at(struct sim *sim, const struct dht_address *address);
void sim_kill(struct sim *sim, struct sim_node *node);
/* A hostile node's next wake-up. */
void sim_wake_at(struct sim *sim, struct sim_node *node, uint64_t time);

/* Mints an identity (lib/mesh/identity.h) and its contact at `address`
 * (hostile nodes' Sybils too). */
void sim_make_identity(struct sim *sim, struct mesh_identity *identity, struct dht_contact *contact,
                       const struct dht_address *address);
struct dht_address sim_address(uint32_t subnet, uint32_t host);

/* Scenarios (scenarios.c): each prints PASS/FAIL lines and figures, and
 * returns 0 when every check passed. */
int sim_scenario_lookups(uint64_t seed, uint32_t nodes);
int sim_scenario_partition(uint64_t seed, uint32_t nodes);
int sim_scenario_churn(uint64_t seed, uint32_t nodes);
/* compare: run it again with one lookup path and print both figures. */
int sim_scenario_hostile(uint64_t seed, uint32_t nodes, bool compare);
int sim_scenario_bench(uint64_t seed, uint32_t nodes);

#endif
