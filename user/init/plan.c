/* init's start plan (plan.h). n <= 32, so plain matrices and repeated
 * passes are fast and easy to check: edge[i][k] is the index of capsule
 * i's dependency k, or CAPSULE_NONE when no verified capsule has its name. */
#include "plan.h"

#include "capsule_list.h"
#include "nonos/names.h"

struct graph {
    size_t count;
    uint32_t dependency_count[PLAN_CAPSULES_MAX];
    size_t edge[PLAN_CAPSULES_MAX][NONOS_CAPSULE_LIST_MAX];
};

static void graph_build(const struct nonos_capsule_info *capsules, struct graph *graph)
{
    for (size_t i = 0; i < graph->count; i++) {
        uint32_t n = capsules[i].dependency_count;
        graph->dependency_count[i] = n < NONOS_CAPSULE_LIST_MAX ? n : NONOS_CAPSULE_LIST_MAX;
        for (uint32_t k = 0; k < graph->dependency_count[i]; k++) {
            const struct nonos_name *name = &capsules[i].dependencies[k];
            graph->edge[i][k] = capsule_find(capsules, graph->count, name->text,
                                             capsule_name_length(name));
        }
    }
}

/* Can capsule `from` reach `target` through dependencies among capsules
 * still planned to start? Iterative marking, at most count passes. */
static bool reaches(const struct graph *graph, const struct plan *plan, size_t from, size_t target)
{
    bool seen[PLAN_CAPSULES_MAX] = { false };
    seen[from] = true;
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < graph->count; i++) {
            if (!seen[i] || plan->verdict[i] != PLAN_START)
                continue;
            for (uint32_t k = 0; k < graph->dependency_count[i]; k++) {
                size_t d = graph->edge[i][k];
                if (d == target)
                    return true;
                if (d != CAPSULE_NONE && !seen[d]) {
                    seen[d] = true;
                    grew = true;
                }
            }
        }
    }
    return false;
}

static void mark_missing_and_cycles(const struct graph *graph, struct plan *plan)
{
    for (size_t i = 0; i < graph->count; i++) {
        for (uint32_t k = 0; k < graph->dependency_count[i] && plan->verdict[i] == PLAN_START; k++) {
            if (graph->edge[i][k] == CAPSULE_NONE) {
                plan->verdict[i] = PLAN_MISSING;
                plan->detail[i] = k;
            }
        }
    }
    bool on_cycle[PLAN_CAPSULES_MAX] = { false };
    for (size_t i = 0; i < graph->count; i++)
        on_cycle[i] = plan->verdict[i] == PLAN_START && reaches(graph, plan, i, i);
    for (size_t i = 0; i < graph->count; i++) {
        if (on_cycle[i])
            plan->verdict[i] = PLAN_CYCLE;
    }
}

/* A capsule that depends on one that will not start will not start either. */
static void mark_blocked(const struct graph *graph, struct plan *plan)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < graph->count; i++) {
            for (uint32_t k = 0; k < graph->dependency_count[i] && plan->verdict[i] == PLAN_START; k++) {
                enum plan_verdict v = plan->verdict[graph->edge[i][k]];
                if (v != PLAN_START && v != PLAN_RUNNING) {
                    plan->verdict[i] = PLAN_BLOCKED;
                    plan->detail[i] = k;
                    changed = true;
                }
            }
        }
    }
}

static bool ready(const struct graph *graph, const struct plan *plan, const bool *placed, size_t i)
{
    if (plan->verdict[i] != PLAN_START || placed[i])
        return false;
    for (uint32_t k = 0; k < graph->dependency_count[i]; k++) {
        size_t d = graph->edge[i][k];
        if (plan->verdict[d] != PLAN_RUNNING && !placed[d])
            return false;
    }
    return true;
}

static void order(const struct graph *graph, struct plan *plan, size_t first)
{
    bool placed[PLAN_CAPSULES_MAX] = { false };
    plan->order_count = 0;
    for (;;) {
        size_t next = first != CAPSULE_NONE && ready(graph, plan, placed, first) ? first : CAPSULE_NONE;
        for (size_t i = 0; i < graph->count && next == CAPSULE_NONE; i++) {
            if (ready(graph, plan, placed, i))
                next = i;
        }
        if (next == CAPSULE_NONE)
            return; /* all placed: no cycle is left among PLAN_START */
        placed[next] = true;
        plan->order[plan->order_count++] = (uint32_t)next;
    }
}

void plan_make(const struct nonos_capsule_info *capsules, size_t count, const bool *running,
               struct plan *plan)
{
    static const char service[] = NONOS_NAMES_SERVICE;
    struct graph graph;
    graph.count = count < PLAN_CAPSULES_MAX ? count : PLAN_CAPSULES_MAX;
    plan->count = graph.count;
    for (size_t i = 0; i < graph.count; i++) {
        plan->detail[i] = 0;
        plan->verdict[i] = capsules[i].verified != 1 ? PLAN_UNVERIFIED
                           : running[i]              ? PLAN_RUNNING
                                                     : PLAN_START;
    }
    graph_build(capsules, &graph);
    mark_missing_and_cycles(&graph, plan);
    mark_blocked(&graph, plan);
    order(&graph, plan, capsule_find_provider(capsules, graph.count, service, sizeof service - 1));
}

const char *plan_verdict_text(enum plan_verdict verdict)
{
    switch (verdict) {
    case PLAN_START:
        return "to start";
    case PLAN_RUNNING:
        return "already running";
    case PLAN_UNVERIFIED:
        return "refused at boot";
    case PLAN_MISSING:
        return "a dependency is missing";
    case PLAN_CYCLE:
        return "dependency cycle";
    case PLAN_BLOCKED:
        return "a dependency will not start";
    }
    return "?";
}
