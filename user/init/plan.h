/* init's start plan: which of the boot bundle's capsules to start, and in
 * what order, from their descriptions (capsule_info). Pure: tested on the
 * host with made-up descriptions.
 *
 * A capsule is started when it is verified, not already running (init
 * itself, started by the kernel) and every dependency (by name) is a
 * verified capsule that is started before it or already runs. The order is
 * a topological one: among the capsules whose dependencies are met, the
 * provider of the name service (NONOS_NAMES_SERVICE) first, then bundle
 * order. Refusals: a dependency no verified capsule carries (MISSING), a
 * capsule on a dependency cycle (CYCLE), a capsule that depends on one
 * that will not start (BLOCKED). */
#ifndef NONOS_USER_INIT_PLAN_H
#define NONOS_USER_INIT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nonos/abi.h"

#define PLAN_CAPSULES_MAX 32 /* BUNDLE_CAPSULES_MAX */

enum plan_verdict {
    PLAN_START,
    PLAN_RUNNING,    /* already runs: not started again */
    PLAN_UNVERIFIED, /* the kernel refused it at boot */
    PLAN_MISSING,    /* detail: the index of the missing name in its dependency list */
    PLAN_CYCLE,      /* it depends on itself through its dependencies */
    PLAN_BLOCKED,    /* detail: the index of a dependency that will not start */
};

struct plan {
    size_t count;
    enum plan_verdict verdict[PLAN_CAPSULES_MAX];
    uint32_t detail[PLAN_CAPSULES_MAX];
    size_t order_count; /* capsules to start, in order */
    uint32_t order[PLAN_CAPSULES_MAX];
};

/* Plans capsules[0..count) (count <= PLAN_CAPSULES_MAX; more are ignored);
 * running[i]: capsule i already has a running process. */
void plan_make(const struct nonos_capsule_info *capsules, size_t count, const bool *running,
               struct plan *plan);

/* One line of text for a verdict ("dependency cycle", ...). */
const char *plan_verdict_text(enum plan_verdict verdict);

#endif
