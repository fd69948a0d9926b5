/* The system-call dispatcher (syscall_dispatch, kernel/arch/user.h): the
 * decode-and-check half of every call, before its handler mutates anything.
 *
 *   1. An unknown number returns -ERROR_INVALID_SYSCALL, audited.
 *   2. Every slot argument the table lists is looked up in the caller's
 *      capability table with its object type and rights (cap_lookup, which
 *      never mutates). The first that fails returns its error
 *      (INVALID_CAPABILITY, WRONG_TYPE, NO_RIGHT), audited with the
 *      process, call, slot and reason; the handler does not run. A slot
 *      value above 32 bits names no slot (INVALID_CAPABILITY).
 *   3. The handler runs with the raw arguments. It looks its capabilities
 *      up again under the lock (another thread of the process may have
 *      changed the table since), checks the rest of its arguments, then
 *      applies.
 * Portable (no arch header): tests/kernel/dispatch_test.c runs it on Linux. */
#include "kernel/audit/audit.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/dispatch.h"
#include "kernel/syscall/table.h"

int64_t syscall_check_slots(const struct syscall_entry *entry, struct process *process,
                            const uint64_t argument[SYSCALL_ARGUMENTS_MAX], uint32_t *failed_slot)
{
    struct cap_table *table = process ? process_caps(process) : NULL;
    for (uint32_t i = 0; i < entry->slot_count; i++) {
        const struct syscall_slot_check *check = &entry->slots[i];
        uint64_t value = argument[check->argument];
        *failed_slot = value > UINT32_MAX ? NONOS_SLOT_NONE : (uint32_t)value;
        struct capability *unused;
        int error = table == NULL || value > UINT32_MAX
                        ? ERROR_INVALID_CAPABILITY
                        : cap_lookup(table, (uint32_t)value, (enum object_type)check->type,
                                     check->rights, &unused);
        if (error)
            return -error;
    }
    return 0;
}

struct syscall_arguments syscall_last_exit;

/* The refusals, out of line: the common path is a bounds check, the slot
 * count, and the handler. */
static __attribute__((noinline, cold)) int64_t syscall_refuse(struct process *process,
                                                              uint64_t number, uint32_t slot,
                                                              int64_t error)
{
    audit_denied(process, number > UINT32_MAX ? UINT32_MAX : (uint32_t)number, slot,
                 (int32_t)error);
    return error;
}

/* Steps 2 and 3 for a call with slot arguments. */
static __attribute__((noinline)) int64_t syscall_dispatch_checked(
    const struct syscall_entry *entry, const struct syscall_arguments *call)
{
    struct process *process = process_current();
    uint32_t slot = NONOS_SLOT_NONE;
    int64_t error = syscall_check_slots(entry, process, call->argument, &slot);
    if (error)
        return syscall_refuse(process, call->number, slot, error);
    return entry->invoke(call->argument);
}

/* Kept free of anything that needs saved registers, so that a call without
 * slot arguments (null, yield, clock_read...) costs a few instructions and
 * a tail call to its handler. */
int64_t syscall_dispatch(const struct syscall_arguments *call)
{
    uint64_t number = call->number;
    /* Only threads of no process (the arch tests' ring-3 programs) are
     * recorded, so a capsule's exit cannot overwrite a test's record. */
    if (__builtin_expect(number == 0, 0) && process_current() == NULL)
        syscall_last_exit = *call;
    if (number >= SYSCALL_TABLE_SIZE || syscall_table[number].invoke == NULL)
        return syscall_refuse(process_current(), number, NONOS_SLOT_NONE,
                              -ERROR_INVALID_SYSCALL);
    const struct syscall_entry *entry = &syscall_table[number];
    if (entry->slot_count != 0)
        return syscall_dispatch_checked(entry, call);
    return entry->invoke(call->argument);
}
