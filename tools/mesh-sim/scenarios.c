/* The simulator's scenarios: the figures of docs/mesh.md "Simulator" and
 * the tests of suite 73-mesh-dht. Each check prints one PASS or FAIL line
 * with its figures; a FAIL line names the seed and the command that
 * reproduces the run. */
#define _POSIX_C_SOURCE 200809L
#include "tools/mesh-sim/sim.h"
#include "tools/mesh-sim/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int scenario_failures;

void scenario_check(bool ok, uint64_t seed, const char *scenario, uint32_t nodes, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs(ok ? "PASS " : "FAIL ", stdout);
    vprintf(format, args);
    if (!ok) {
        printf(" (seed %llu; reproduce: mesh-sim %s --seed %llu --nodes %u --loss %u)",
               (unsigned long long)seed, scenario, (unsigned long long)seed, nodes, sim_default_loss);
        scenario_failures++;
    }
    putchar('\n');
    fflush(stdout);
    va_end(args);
}

static void probe_done(void *context, const struct dht_lookup_result *result)
{
    struct probe *probe = context;
    probe->done = true;
    probe->found = result->found && memcmp(result->record.value, probe->expected_value,
                                           probe->expected_len) == 0 &&
                   result->record.value_len == probe->expected_len;
    probe->hops = result->hops;
    probe->latency = result->latency;
}

static void put_done(void *context, const struct dht_lookup_result *result)
{
    struct stored_key *key = context;
    key->stores_sent = result->stores_sent;
}

struct sim_node *random_alive(struct sim *sim, int side)
{
    for (;;) {
        struct sim_node *node = sim->nodes[sim_random(sim) % sim->node_count];
        if (node->alive && node->hostile == NULL && (side < 0 || node->side == side))
            return node;
    }
}

void store_keys(struct sim *sim, struct stored_key *keys, unsigned count, int side)
{
    for (unsigned i = 0; i < count; i++) {
        struct stored_key *key = &keys[i];
        for (unsigned j = 0; j < DHT_ID_SIZE; j += 8) {
            uint64_t r = sim_random(sim);
            memcpy(key->key + j, &r, 8);
        }
        key->value_len = (uint16_t)snprintf((char *)key->value, sizeof key->value, "value %u of seed %llu",
                                            i, (unsigned long long)sim->config.seed);
        struct sim_node *node;
        enum dht_error error;
        do {
            node = random_alive(sim, side);
            error = dht_node_put(&node->dht, key->key, key->value, key->value_len, 1,
                                 sim->now + 3600 * 1000, put_done, key, sim->now);
        } while (error == DHT_ERR_BUSY);
        if (error != DHT_OK) {
            fprintf(stderr, "mesh-sim: dht_node_put: %s\n", dht_error_message(error));
            exit(2);
        }
        memcpy(key->publisher, node->self.sign_public, DHT_PUBLIC_KEY_SIZE);
        key->side = node->side;
        sim_node_touched(sim, node);
    }
}

void start_probe(struct sim *sim, struct probe *probe, const struct stored_key *key, int side)
{
    memset(probe, 0, sizeof *probe);
    memcpy(probe->expected_value, key->value, key->value_len);
    probe->expected_len = key->value_len;
    for (;;) {
        struct sim_node *node = random_alive(sim, side);
        probe->side = node->side;
        if (dht_node_find_value(&node->dht, key->key, DHT_RECORD_VALUE, key->publisher, probe_done,
                                probe, sim->now) == DHT_OK) {
            sim_node_touched(sim, node);
            return;
        }
    }
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void probe_summary(const struct probe *probes, unsigned count, uint64_t within,
                   struct probe_summary *summary)
{
    uint64_t *hops = calloc(count + 1, sizeof *hops), *latency = calloc(count + 1, sizeof *latency);
    memset(summary, 0, sizeof *summary);
    unsigned found = 0;
    for (unsigned i = 0; i < count; i++) {
        if (!probes[i].done || !probes[i].found || probes[i].latency > within)
            continue;
        hops[found] = probes[i].hops;
        latency[found] = probes[i].latency;
        found++;
    }
    summary->total = count;
    summary->found = found;
    if (found > 0) {
        qsort(hops, found, sizeof *hops, compare_u64);
        qsort(latency, found, sizeof *latency, compare_u64);
        summary->median_hops = hops[found / 2];
        summary->max_hops = hops[found - 1];
        summary->median_latency = latency[found / 2];
        summary->p95_latency = latency[found * 95 / 100];
        double sum = 0;
        for (unsigned i = 0; i < found; i++)
            sum += (double)hops[i];
        summary->mean_hops = sum / found;
    }
    free(hops);
    free(latency);
}

struct sim *build_network(uint64_t seed, uint32_t nodes, uint64_t warm_ms, const struct sim_config *base)
{
    struct sim_config config;
    if (base != NULL)
        config = *base;
    else
        sim_config_default(&config, seed, nodes);
    config.seed = seed;
    config.nodes = nodes;
    struct sim *sim = sim_create(&config);
    uint64_t spacing = nodes >= 5000 ? 2 : 5;
    sim_join_all(sim, 3, spacing);
    sim_run_until(sim, sim->now + warm_ms);
    return sim;
}

static double cpu_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

void print_traffic(const struct sim *sim, const char *label)
{
    static const char *const names[] = { "other", "PING", "PONG", "FIND_NODE", "NODES", "FIND_VALUE",
                                         "VALUE", "STORE", "STORED" };
    printf("%s: datagrams by type:", label);
    for (unsigned i = 0; i < 9; i++)
        printf(" %s %llu", names[i], (unsigned long long)sim->by_type[i]);
    printf("\n");
}

double table_mean(const struct sim *sim)
{
    double sum = 0;
    unsigned count = 0;
    for (uint32_t i = 0; i < sim->node_count; i++)
        if (sim->nodes[i]->alive && sim->nodes[i]->hostile == NULL) {
            sum += dht_table_size(&sim->nodes[i]->dht);
            count++;
        }
    return count ? sum / count : 0;
}

/* Provider records: PROVIDER_KEYS keys, each announced by 2 nodes, then
 * looked up by kind; a lookup succeeds when it returns a provider record
 * naming one of the two. */
#define PROVIDER_KEYS 10u
#define PROVIDER_PROBES 100u

struct provider_probe {
    bool done, found;
    const struct sim_node *providers[2];
};

static void provider_done(void *context, const struct dht_lookup_result *result)
{
    struct provider_probe *probe = context;
    probe->done = true;
    if (!result->found || result->record.kind != DHT_RECORD_PROVIDER)
        return;
    for (unsigned i = 0; i < 2; i++)
        if (memcmp(result->record.publisher, probe->providers[i]->self.sign_public,
                   DHT_PUBLIC_KEY_SIZE) == 0 &&
            memcmp(result->record.value + 64 + 8 + 1, probe->providers[i]->self.address.bytes, 4) == 0)
            probe->found = true;
}

static unsigned provider_round(struct sim *sim)
{
    uint8_t keys[PROVIDER_KEYS][DHT_ID_SIZE];
    const struct sim_node *providers[PROVIDER_KEYS][2];
    for (unsigned k = 0; k < PROVIDER_KEYS; k++) {
        for (unsigned j = 0; j < DHT_ID_SIZE; j++)
            keys[k][j] = (uint8_t)sim_random(sim);
        for (unsigned p = 0; p < 2; p++) {
            struct sim_node *node;
            do
                node = random_alive(sim, -1);
            while (dht_node_provide(&node->dht, keys[k], sim->now + 3600 * 1000, NULL, NULL, sim->now) !=
                   DHT_OK);
            sim_node_touched(sim, node);
            providers[k][p] = node;
        }
    }
    sim_run_until(sim, sim->now + 10000);
    struct provider_probe *probes = calloc(PROVIDER_PROBES, sizeof *probes);
    for (unsigned i = 0; i < PROVIDER_PROBES; i++) {
        unsigned k = i % PROVIDER_KEYS;
        probes[i].providers[0] = providers[k][0];
        probes[i].providers[1] = providers[k][1];
        struct sim_node *node;
        do
            node = random_alive(sim, -1);
        while (dht_node_find_value(&node->dht, keys[k], DHT_RECORD_PROVIDER, NULL, provider_done,
                                   &probes[i], sim->now) != DHT_OK);
        sim_node_touched(sim, node);
    }
    sim_run_until(sim, sim->now + 10000);
    unsigned found = 0;
    for (unsigned i = 0; i < PROVIDER_PROBES; i++)
        found += probes[i].found;
    free(probes);
    return found;
}

#define LOOKUP_KEYS 100u
#define LOOKUP_PROBES 500u

int sim_scenario_lookups(uint64_t seed, uint32_t nodes)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct sim_config config;
    sim_config_default(&config, seed, nodes);
    struct sim *sim = build_network(seed, nodes, 30000, &config);
    struct stored_key *keys = calloc(LOOKUP_KEYS, sizeof *keys);
    struct probe *probes = calloc(LOOKUP_PROBES, sizeof *probes);
    store_keys(sim, keys, LOOKUP_KEYS, -1);
    sim_run_until(sim, sim->now + 10000);
    unsigned replicated = 0;
    for (unsigned i = 0; i < LOOKUP_KEYS; i++)
        replicated += keys[i].stores_sent;
    for (unsigned i = 0; i < LOOKUP_PROBES; i++)
        start_probe(sim, &probes[i], &keys[i % LOOKUP_KEYS], -1);
    sim_run_until(sim, sim->now + 10000);
    struct probe_summary s;
    probe_summary(probes, LOOKUP_PROBES, UINT64_MAX, &s);
    printf("lookups: %u nodes, mean table %.1f contacts, %u keys stored on %.1f nodes each\n", nodes,
           table_mean(sim), LOOKUP_KEYS, (double)replicated / LOOKUP_KEYS);
    scenario_check(s.found == s.total && s.median_hops <= 4, seed, "lookups", nodes,
                   "mesh-sim lookups (%u nodes, seed %llu): %u/%u lookups found the stored value, "
                   "hops median %llu mean %.2f max %llu (need median <= 4), latency median %llu ms p95 %llu ms",
                   nodes, (unsigned long long)seed, s.found, s.total, (unsigned long long)s.median_hops,
                   s.mean_hops, (unsigned long long)s.max_hops, (unsigned long long)s.median_latency,
                   (unsigned long long)s.p95_latency);

    unsigned providers_found = provider_round(sim);
    scenario_check(providers_found == PROVIDER_PROBES, seed, "lookups", nodes,
                   "mesh-sim providers (%u nodes, seed %llu): %u keys announced by 2 providers each; "
                   "%u/%u provider lookups returned a signed provider record naming one of them",
                   nodes, (unsigned long long)seed, PROVIDER_KEYS, providers_found, PROVIDER_PROBES);

    /* 30% of the nodes die at once; lookups start at that very moment. */
    unsigned killed = 0;
    while (killed < nodes * 3 / 10) {
        struct sim_node *node = random_alive(sim, -1);
        sim_kill(sim, node);
        killed++;
    }
    for (unsigned i = 0; i < LOOKUP_PROBES; i++)
        start_probe(sim, &probes[i], &keys[i % LOOKUP_KEYS], -1);
    sim_run_until(sim, sim->now + 10000);
    probe_summary(probes, LOOKUP_PROBES, 2000, &s);
    scenario_check(s.found * 100 >= s.total * 95, seed, "lookups", nodes,
                   "mesh-sim churn (%u nodes, %u killed at once, seed %llu): %u/%u lookups (%.1f%%) "
                   "found the value within 2 s of virtual time (need >= 95%%), latency median %llu ms "
                   "p95 %llu ms, hops median %llu",
                   nodes, killed, (unsigned long long)seed, s.found, s.total, 100.0 * s.found / s.total,
                   (unsigned long long)s.median_latency, (unsigned long long)s.p95_latency,
                   (unsigned long long)s.median_hops);
    print_traffic(sim, "lookups");
    printf("lookups: %llu events, %llu datagrams, %.1f s virtual in %.2f s wall\n",
           (unsigned long long)sim->events, (unsigned long long)sim->datagrams, sim->now / 1000.0,
           seconds_since(&start));
    free(keys);
    free(probes);
    sim_destroy(sim);
    return scenario_failures != 0;
}

/* Continuous churn: every second 1% of the live nodes leave (silently) and
 * as many new nodes join; records stored before are looked up at the end,
 * kept alive only by republishing. */
#define CHURN_KEYS 50u
#define CHURN_PROBES 250u
#define CHURN_SECONDS 60u

int sim_scenario_churn(uint64_t seed, uint32_t nodes)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct sim *sim = build_network(seed, nodes, 30000, NULL);
    struct stored_key *keys = calloc(CHURN_KEYS, sizeof *keys);
    struct probe *probes = calloc(CHURN_PROBES, sizeof *probes);
    store_keys(sim, keys, CHURN_KEYS, -1);
    sim_run_until(sim, sim->now + 10000);
    unsigned left = 0, joined = 0;
    for (unsigned second = 0; second < CHURN_SECONDS; second++) {
        for (unsigned i = 0; i < nodes / 100; i++) {
            sim_kill(sim, random_alive(sim, -1));
            left++;
            if (sim->node_count < sim->node_capacity) {
                sim_join_node(sim, sim_add_node(sim, 0, NULL), 3);
                joined++;
            }
        }
        sim_run_until(sim, sim->now + 1000);
    }
    for (unsigned i = 0; i < CHURN_PROBES; i++)
        start_probe(sim, &probes[i], &keys[i % CHURN_KEYS], -1);
    sim_run_until(sim, sim->now + 10000);
    struct probe_summary s;
    probe_summary(probes, CHURN_PROBES, UINT64_MAX, &s);
    unsigned original = 0;
    for (uint32_t i = 0; i < nodes; i++)
        original += sim->nodes[i]->alive;
    scenario_check(s.found * 100 >= s.total * 95, seed, "churn", nodes,
                   "mesh-sim churn over time (%u nodes, seed %llu): for %u s, 1%% of the nodes left and as "
                   "many joined each second (%u left, %u joined, %u of the first %u remain); then %u/%u "
                   "lookups of records stored before found them (need >= 95%%), hops median %llu, "
                   "latency median %llu ms p95 %llu ms",
                   nodes, (unsigned long long)seed, CHURN_SECONDS, left, joined, original, nodes,
                   s.found, s.total, (unsigned long long)s.median_hops,
                   (unsigned long long)s.median_latency, (unsigned long long)s.p95_latency);
    printf("churn: %llu events, %llu datagrams, %.1f s virtual in %.2f s wall\n",
           (unsigned long long)sim->events, (unsigned long long)sim->datagrams, sim->now / 1000.0,
           seconds_since(&start));
    free(keys);
    free(probes);
    sim_destroy(sim);
    return scenario_failures != 0;
}

#define PARTITION_KEYS 100u
#ifndef PARTITION_SPLIT_MS
#define PARTITION_SPLIT_MS 120000u /* long enough for refreshes to drop the other side */
#endif

static unsigned partition_probe_round(struct sim *sim, struct stored_key *keys, struct probe *probes,
                                      uint64_t run_ms)
{
    for (unsigned i = 0; i < PARTITION_KEYS; i++)
        for (unsigned side = 0; side < 2; side++)
            start_probe(sim, &probes[i * 2 + side], &keys[i], (int)side);
    sim_run_until(sim, sim->now + run_ms);
    unsigned found = 0;
    for (unsigned i = 0; i < PARTITION_KEYS * 2; i++)
        found += probes[i].done && probes[i].found;
    return found;
}

/* Mean per node of table entries on the other side (or dormant contacts). */
static double cross_side_mean(struct sim *sim, bool dormant)
{
    uint64_t count = 0;
    for (uint32_t i = 0; i < sim->node_count; i++) {
        struct sim_node *node = sim->nodes[i];
        if (dormant) {
            for (unsigned d = 0; d < DHT_DORMANT_MAX; d++)
                count += node->dht.dormant[d].address.family != 0;
            continue;
        }
        for (unsigned t = 0; t < SIM_TABLE_CAPACITY; t++) {
            struct sim_node *peer = node->table[t].used ? sim_node_at(sim, &node->table[t].contact.address) : NULL;
            count += peer != NULL && peer->side != node->side;
        }
    }
    return (double)count / sim->node_count;
}

int sim_scenario_partition(uint64_t seed, uint32_t nodes)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct sim_config config;
    sim_config_default(&config, seed, nodes);
    struct sim *sim = build_network(seed, nodes, 30000, &config);
    for (uint32_t i = 0; i < sim->node_count; i++)
        sim->nodes[i]->side = (uint8_t)(sim_random(sim) & 1);
    sim->partitioned = true;
    sim_run_until(sim, sim->now + PARTITION_SPLIT_MS);
    struct stored_key *keys = calloc(PARTITION_KEYS, sizeof *keys);
    struct probe *probes = calloc(PARTITION_KEYS * 2, sizeof *probes);
    store_keys(sim, keys, PARTITION_KEYS / 2, 0);
    store_keys(sim, keys + PARTITION_KEYS / 2, PARTITION_KEYS / 2, 1);
    sim_run_until(sim, sim->now + 10000);
    unsigned during = partition_probe_round(sim, keys, probes, 6000);
    printf("partition: during the split, %u/%u lookups found the value (each side sees only its own)\n",
           during, PARTITION_KEYS * 2);
    printf("partition: at healing, tables hold %.1f contacts of the other side per node (of %.1f); "
           "%.1f dormant contacts per node\n",
           cross_side_mean(sim, false), table_mean(sim), cross_side_mean(sim, true));
    uint64_t healed = sim->now;
    sim->partitioned = false;
    unsigned found = 0;
    uint64_t all_found_at = 0;
    static const unsigned rounds[] = { 10, 30, 60 };
    for (unsigned round = 0; round < 3; round++) {
        sim_run_until(sim, healed + rounds[round] * 1000 - 6000);
        found = partition_probe_round(sim, keys, probes, 6000);
        printf("partition: %llu s after healing, %u/%u lookups (both sides, every record) found it\n",
               (unsigned long long)(sim->now - healed) / 1000, found, PARTITION_KEYS * 2);
        if (found == PARTITION_KEYS * 2 && all_found_at == 0)
            all_found_at = sim->now - healed;
    }
    scenario_check(found == PARTITION_KEYS * 2, seed, "partition", nodes,
                   "mesh-sim partition (%u nodes, seed %llu): %u records stored during a split into two "
                   "halves; 60 s after healing %u/%u lookups from both sides found them (first complete "
                   "round: %llu s after healing)",
                   nodes, (unsigned long long)seed, PARTITION_KEYS, found, PARTITION_KEYS * 2,
                   (unsigned long long)all_found_at / 1000);
    print_traffic(sim, "partition");
    printf("partition: %llu events, %llu datagrams (%llu cut), %.1f s virtual in %.2f s wall\n",
           (unsigned long long)sim->events, (unsigned long long)sim->datagrams,
           (unsigned long long)sim->datagrams_cut, sim->now / 1000.0, seconds_since(&start));
    free(keys);
    free(probes);
    sim_destroy(sim);
    return scenario_failures != 0;
}

int sim_scenario_bench(uint64_t seed, uint32_t nodes)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    double cpu_start = cpu_seconds();
    struct sim_config config;
    sim_config_default(&config, seed, nodes);
    struct sim *sim = build_network(seed, nodes, 30000, &config);
    struct stored_key *keys = calloc(LOOKUP_KEYS, sizeof *keys);
    struct probe *probes = calloc(LOOKUP_PROBES, sizeof *probes);
    store_keys(sim, keys, LOOKUP_KEYS, -1);
    sim_run_until(sim, sim->now + 10000);
    for (unsigned i = 0; i < LOOKUP_PROBES; i++)
        start_probe(sim, &probes[i], &keys[i % LOOKUP_KEYS], -1);
    sim_run_until(sim, sim->now + 10000);
    double wall = seconds_since(&start), cpu = cpu_seconds() - cpu_start;
    struct probe_summary s;
    probe_summary(probes, LOOKUP_PROBES, UINT64_MAX, &s);
    printf("bench-mesh simulator: %6u nodes: %.1f s virtual in %.2f s CPU (%.2f s wall) = %.0f "
           "node-seconds per CPU second (%.0f per wall second); %llu events, %.0f per CPU second; "
           "lookups %u/%u found, hops median %llu mean %.2f, latency median %llu ms p95 %llu ms; "
           "mean table %.1f\n",
           nodes, sim->now / 1000.0, cpu, wall, nodes * (sim->now / 1000.0) / cpu,
           nodes * (sim->now / 1000.0) / wall, (unsigned long long)sim->events, sim->events / cpu,
           s.found, s.total,
           (unsigned long long)s.median_hops, s.mean_hops, (unsigned long long)s.median_latency,
           (unsigned long long)s.p95_latency, table_mean(sim));
    free(keys);
    free(probes);
    sim_destroy(sim);
    return s.found == s.total ? 0 : 1;
}
