/* TEMPORARY (branch `user`, issue 11): user_fault prints the fault with the
 * thread's name, records it for tests and ends the thread. Replaced at
 * merge by kernel/proc's (which kills the process and reports it). */
#include "kernel/proc/fault_temporary.h"

#include "kernel/arch/user.h"
#include "kernel/lib/print.h"
#include "kernel/sched/thread.h"

struct fault_record user_fault_temporary_last;
uint64_t user_fault_temporary_count;

_Noreturn void user_fault(const struct fault_record *record)
{
    user_fault_temporary_last = *record;
    user_fault_temporary_count++;
    kprintf("user fault: thread %s: exception %lu, error code 0x%lx, pc %016lx, address %016lx\n",
            thread_name(thread_current()), record->vector, record->error_code, record->pc,
            record->address);
    thread_exit();
}
