/* The capability system calls (cap_copy ... cap_identify, numbers 10-15):
 * each checks its arguments and calls the capability check under the lock
 * (interrupts off: the dispatcher's earlier lookup may be stale by now),
 * then applies. The dispatcher has already refused an empty or out-of-range
 * source slot, with an audit record. */
#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/handlers.h"
#include "kernel/syscall/user_memory.h"
#include "sdk/include/nonos/abi.h"

_Static_assert(sizeof(struct nonos_cap_info) == 24, "struct nonos_cap_info is 24 bytes");
_Static_assert(NONOS_RIGHT_CONTROL == RIGHT_CONTROL && NONOS_SLOT_NONE == CAP_SLOT_NONE,
               "the SDK's rights and slots are the kernel's");
_Static_assert((int)NONOS_OBJECT_SUPERVISOR == (int)OBJECT_SUPERVISOR,
               "the SDK's object types are the kernel's");
_Static_assert((int)NONOS_OBJECT_DEVICE == (int)OBJECT_DEVICE, "abi.h and object.h agree");

static struct cap_table *caller_caps(void)
{
    return process_caps(process_current());
}

/* A destination slot or rights argument that cannot be valid at all. */
static int arguments_valid(uint64_t destination, uint64_t rights)
{
    if (destination > UINT32_MAX || (rights & ~(uint64_t)RIGHT_ALL) != 0)
        return ERROR_INVALID_ARGUMENT;
    return 0;
}

int64_t sys_cap_copy(uint32_t source, uint64_t destination, uint64_t rights)
{
    int error = arguments_valid(destination, rights);
    if (error)
        return -error;
    struct cap_table *table = caller_caps();
    bool state = interrupts_save();
    error = cap_copy_check(table, source, table, (uint32_t)destination);
    if (!error)
        cap_copy_apply(table, source, table, (uint32_t)destination, (uint32_t)rights);
    interrupts_restore(state);
    return -error;
}

int64_t sys_cap_mint(uint32_t source, uint64_t destination, uint64_t rights, uint64_t badge)
{
    int error = arguments_valid(destination, rights);
    if (error)
        return -error;
    struct cap_table *table = caller_caps();
    bool state = interrupts_save();
    error = cap_mint_check(table, source, table, (uint32_t)destination, badge);
    if (!error)
        cap_mint_apply(table, source, table, (uint32_t)destination, (uint32_t)rights, badge);
    interrupts_restore(state);
    return -error;
}

int64_t sys_cap_move(uint32_t source, uint64_t destination)
{
    int error = arguments_valid(destination, 0);
    if (error)
        return -error;
    struct cap_table *table = caller_caps();
    bool state = interrupts_save();
    error = cap_move_check(table, source, table, (uint32_t)destination);
    if (!error)
        cap_move_apply(table, source, table, (uint32_t)destination);
    interrupts_restore(state);
    return -error;
}

int64_t sys_cap_delete(uint32_t slot)
{
    struct cap_table *table = caller_caps();
    bool state = interrupts_save();
    int error = cap_delete_check(table, slot);
    if (!error)
        cap_delete_apply(table, slot);
    interrupts_restore(state);
    return -error;
}

int64_t sys_cap_revoke(uint32_t slot)
{
    struct cap_table *table = caller_caps();
    bool state = interrupts_save();
    int error = cap_revoke_check(table, slot);
    uint32_t deleted = error ? 0 : cap_revoke_apply(table, slot);
    interrupts_restore(state);
    return error ? -error : (int64_t)deleted;
}

int64_t sys_cap_identify(uint32_t slot, uint64_t info)
{
    struct cap_table *table = caller_caps();
    struct nonos_cap_info out = {0};
    struct capability *capability;
    bool state = interrupts_save();
    int error = cap_lookup(table, slot, OBJECT_NONE, 0, &capability);
    if (!error) {
        out.slot = slot;
        out.type = (uint32_t)capability->object->type;
        out.rights = capability->rights;
        out.badge = capability->badge;
    }
    interrupts_restore(state);
    if (error)
        return -error;
    return user_memory_write(info, &out, sizeof out);
}
