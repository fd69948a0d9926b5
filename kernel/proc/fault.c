/* user_fault (kernel/arch/user.h): an exception raised in user mode kills
 * the faulting thread's process, never the kernel. The report names the
 * capsule, the fault decoded from the access bits and the process's own
 * regions, the address and the pc; it goes to the kernel log and the audit
 * log. The thread then leaves like any killed thread. */
#include "kernel/arch/interrupt.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/user.h"
#include "kernel/lib/print.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/fault.h"
#include "kernel/proc/process_internal.h"
#include "kernel/sched/thread.h"

#define FAULT_NULL_LIMIT 0x400000u /* nothing is ever mapped below 4 MiB */

static const char *fetch_fault(const struct process_region *region)
{
    if (region == NULL)
        return "execute from unmapped memory";
    if (region->kind == REGION_STACK)
        return "execute from stack";
    if (region->kind == REGION_MAP)
        return "execute from heap";
    return "execute from data";
}

static const char *write_fault(struct process *process, uint64_t address)
{
    struct vm_mapping mapping;
    if (vm_query(process->space, address & ~0xfffull, &mapping) && (mapping.flags & VM_EXEC))
        return "write to code";
    return "write to read-only memory";
}

/* What a user page fault was, from its address, access bits and regions. */
const char *process_fault_describe(struct process *process, const struct fault_record *record)
{
    uint64_t address = record->address;
    if (address >= MMU_USER_END)
        return "kernel address access";
    if (address < FAULT_NULL_LIMIT)
        return "null access";
    struct process_region *region = process_region_find(process, address);
    bool present = record->access & FAULT_ACCESS_PRESENT;
    if (record->access & FAULT_ACCESS_FETCH)
        return fetch_fault(present ? region : NULL);
    if (present && (record->access & FAULT_ACCESS_WRITE))
        return write_fault(process, address);
    if (region && region->kind == REGION_STACK && address - region->base < 4096)
        return "stack overflow (guard page)";
    return present ? "protection fault" : "access to unmapped memory";
}

struct fault_record user_fault_last;
uint64_t user_fault_count;

/* A thread of no process in user mode (the arch's tests): reported, ended. */
static _Noreturn void bare_thread_fault(const struct fault_record *record)
{
    kprintf("user fault: thread %s: %s, error code 0x%lx, pc 0x%lx, address 0x%lx\n",
            thread_name(thread_current()), exception_name(record->vector), record->error_code,
            record->pc, record->address);
    thread_exit();
}

_Noreturn void user_fault(const struct fault_record *record)
{
    user_fault_last = *record;
    user_fault_count++;
    struct process *process = process_current();
    if (process == NULL)
        bare_thread_fault(record);
    const char *what = record->page_fault ? process_fault_describe(process, record)
                                          : exception_name(record->vector);
    char detail[63];
    if (record->page_fault)
        ksnprintf(detail, sizeof detail, "%s at 0x%lx (pc 0x%lx)", what, record->address,
                  record->pc);
    else
        ksnprintf(detail, sizeof detail, "%s (pc 0x%lx)", what, record->pc);
    kprintf("%s: %s\n", process->name, detail);
    process_kill(process, PROCESS_END_FAULT, detail);
    process_thread_exit();
}
