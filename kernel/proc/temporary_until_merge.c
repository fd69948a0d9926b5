/* TEMPORARY (issue 11, branch proc): a weak stand-in for user_enter so
 * that kernel/proc/ links before the `user` branch (ring 3) is merged; the
 * real one replaces it at link time. Deleted at that merge. */
#include "kernel/arch/user.h"
#include "kernel/lib/print.h"
#include "kernel/proc/process.h"

#define WEAK __attribute__((weak))

/* Without the `user` branch there is no ring 3: a started process's first
 * thread says so and is killed, so nothing pretends to have run. */
WEAK _Noreturn void user_enter(const struct user_start *start)
{
    struct process *process = process_current();
    kprintf("proc: %s: no user mode in this build (entry %#lx)\n", process_name(process),
            start->pc);
    process_kill(process, PROCESS_END_KILLED, "no user mode in this build");
    process_thread_exit();
}
