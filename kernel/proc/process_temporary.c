/* TEMPORARY (helper cap; the lead deletes this file when the `proc` branch,
 * which implements kernel/proc/process.h, is merged): the process accessors
 * the audit log and the system-call handlers use, so the kernels link on
 * this branch alone. No processes exist here: every thread is a kernel
 * thread, so process_current is NULL and the accessors are never called
 * with a process. */
#include "kernel/panic.h"
#include "kernel/proc/process.h"

struct process *process_current(void)
{
    return NULL;
}

uint64_t process_id(const struct process *process)
{
    (void)process;
    panic("process_id: no processes on this branch (kernel/proc/process_temporary.c)");
}

const char *process_name(const struct process *process)
{
    (void)process;
    panic("process_name: no processes on this branch (kernel/proc/process_temporary.c)");
}

struct cap_table *process_caps(struct process *process)
{
    (void)process;
    panic("process_caps: no processes on this branch (kernel/proc/process_temporary.c)");
}
