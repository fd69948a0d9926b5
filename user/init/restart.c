/* init's restart rule and rate limit (restart.h). */
#include "restart.h"

#include "nonos/abi.h"

bool restart_wanted(uint32_t rule, uint32_t end, int32_t exit_status)
{
    if (rule == NONOS_RESTART_ALWAYS)
        return true;
    if (rule != NONOS_RESTART_ON_FAILURE)
        return false;
    return end == NONOS_END_FAULT || end == NONOS_END_CPU_BUDGET ||
           (end == NONOS_END_EXIT && exit_status != 0);
}

/* Drops the restarts older than the window ending at now_ns. */
static void forget_old(struct restart_history *history, uint64_t now_ns)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < history->count; i++) {
        uint64_t age = now_ns >= history->times[i] ? now_ns - history->times[i] : 0;
        if (age < RESTART_WINDOW_NS)
            history->times[kept++] = history->times[i];
    }
    history->count = kept;
}

bool restart_allow(struct restart_history *history, uint64_t now_ns)
{
    forget_old(history, now_ns);
    if (history->count >= RESTART_LIMIT)
        return false;
    history->times[history->count++] = now_ns;
    return true;
}
