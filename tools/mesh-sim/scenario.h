/* Helpers shared by the scenario files of mesh-sim. */
#ifndef NONOS_TOOLS_MESH_SIM_SCENARIO_H
#define NONOS_TOOLS_MESH_SIM_SCENARIO_H

#include <stdarg.h>

#include "tools/mesh-sim/sim.h"

struct stored_key {
    uint8_t key[DHT_ID_SIZE];
    uint8_t publisher[DHT_PUBLIC_KEY_SIZE];
    uint8_t value[64];
    uint16_t value_len;
    uint8_t side;
    unsigned stores_sent;
};

struct probe {
    bool done, found;
    uint8_t side;
    unsigned hops;
    uint64_t latency;
    uint8_t expected_value[64];
    uint16_t expected_len;
};

struct probe_summary {
    unsigned total, found;
    uint64_t median_hops, max_hops, median_latency, p95_latency;
    double mean_hops;
};

extern int scenario_failures;

__attribute__((format(printf, 5, 6)))
void scenario_check(bool ok, uint64_t seed, const char *scenario, uint32_t nodes, const char *format, ...);
struct sim_node *random_alive(struct sim *sim, int side);
void store_keys(struct sim *sim, struct stored_key *keys, unsigned count, int side);
void start_probe(struct sim *sim, struct probe *probe, const struct stored_key *key, int side);
/* Counts probes that found the value within `within` ms. */
void probe_summary(const struct probe *probes, unsigned count, uint64_t within,
                   struct probe_summary *summary);
struct sim *build_network(uint64_t seed, uint32_t nodes, uint64_t warm_ms, const struct sim_config *base);
double table_mean(const struct sim *sim);
void print_traffic(const struct sim *sim, const char *label);
void sim_map_address(struct sim *sim, const struct dht_address *a, struct sim_node *node);

#endif
