/* mesh-sim: runs a scenario of the DHT simulator (tools/mesh-sim/sim.h).
 *   mesh-sim lookups|churn|partition|hostile|hostile-compare|bench [--seed N] [--nodes N]
 *            [--loss PER_MILLION]   (datagrams lost per million, default 0)
 * Exit status 0 when every check passed, 1 when one failed, 2 on usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mesh-sim/sim.h"

static int usage(void)
{
    fprintf(stderr, "usage: mesh-sim lookups|churn|partition|hostile|hostile-compare|bench [--seed N] [--nodes N] [--loss PER_MILLION]\n"
                    "  lookups    1,000 nodes: lookups of stored keys, then 30%% killed at once\n"
                    "  churn      500 nodes, 1%% leave and 1%% join every second for 60 s\n"
                    "  partition  a split into two halves that heals; records stored during it\n"
                    "  hostile    garbage, replays, floods, forged records, lying nodes\n"
                    "  hostile-compare  the same, then again with one lookup path\n"
                    "  bench      speed and lookup figures for --nodes nodes\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    uint64_t seed = 1;
    uint32_t nodes = 0;
    for (int i = 2; i + 1 < argc; i += 2) {
        char *end;
        unsigned long long value = strtoull(argv[i + 1], &end, 0);
        if (*end != '\0')
            return usage();
        if (strcmp(argv[i], "--seed") == 0)
            seed = value;
        else if (strcmp(argv[i], "--nodes") == 0 && value >= 20 && value <= 100000)
            nodes = (uint32_t)value;
        else if (strcmp(argv[i], "--loss") == 0 && value <= 1000000)
            sim_default_loss = (uint32_t)value;
        else
            return usage();
    }
    if (argc % 2 != 0)
        return usage();
    const char *scenario = argv[1];
    if (strcmp(scenario, "lookups") == 0)
        return sim_scenario_lookups(seed, nodes ? nodes : 1000);
    if (strcmp(scenario, "churn") == 0)
        return sim_scenario_churn(seed, nodes ? nodes : 500);
    if (strcmp(scenario, "partition") == 0)
        return sim_scenario_partition(seed, nodes ? nodes : 1000);
    if (strcmp(scenario, "hostile") == 0 || strcmp(scenario, "hostile-compare") == 0)
        return sim_scenario_hostile(seed, nodes ? nodes : 300, scenario[7] != '\0');
    if (strcmp(scenario, "bench") == 0)
        return sim_scenario_bench(seed, nodes ? nodes : 1000);
    return usage();
}
