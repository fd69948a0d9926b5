/* init's restart rule and its rate limit. Pure: tested on the host.
 *
 * restart = "always" restarts a capsule whatever ended it; "on-failure"
 * only after a failure: a fault, a spent CPU budget, or an exit with a
 * non-zero status (an exit with 0 and a supervisor's kill are not
 * failures); "never" never. At most RESTART_LIMIT restarts within any
 * RESTART_WINDOW_NS: the next end after that leaves the capsule stopped,
 * and init says so on the console. */
#ifndef NONOS_USER_INIT_RESTART_H
#define NONOS_USER_INIT_RESTART_H

#include <stdbool.h>
#include <stdint.h>

#define RESTART_LIMIT 5
#define RESTART_WINDOW_NS 60000000000ull /* one minute */

struct restart_history {
    uint32_t count;                 /* restarts recorded in times[] */
    uint64_t times[RESTART_LIMIT];  /* clock_read times, oldest first */
};

/* Does the rule (enum nonos_restart) ask for a restart after this end
 * (enum nonos_process_end) with this exit status? */
bool restart_wanted(uint32_t rule, uint32_t end, int32_t exit_status);

/* Records a restart at now_ns and returns true, unless RESTART_LIMIT
 * restarts already happened within the window before now_ns. */
bool restart_allow(struct restart_history *history, uint64_t now_ns);

#endif
