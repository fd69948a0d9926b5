/* THE one audited path between the kernel and user memory. Every system
 * call that reads or writes caller memory goes through these two functions,
 * and nothing else in the kernel touches a user address:
 *   - the range [user_address, user_address + length) is checked to lie
 *     entirely in the user half (below MMU_USER_END), with the end computed
 *     with overflow checking, so a wrapping range or one reaching into the
 *     kernel half is refused before any access;
 *   - the copy itself (kernel/arch/user.h: user_copy_from/to) opens SMAP
 *     only for its own instructions, and a fault on an unmapped or
 *     protected user page during it is caught by the exception table and
 *     becomes an error, never a kernel fault;
 *   - the address space is the active one (the calling thread's).
 * Both return 0 or -ERROR_BAD_ADDRESS (kernel/error.h); after an error the
 * destination may have been partly written. A length of 0 succeeds for
 * any address in the user half. */
#ifndef NONOS_SYSCALL_USER_MEMORY_H
#define NONOS_SYSCALL_USER_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/checked.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/user.h"
#include "kernel/error.h"

/* Whether [address, address + length) lies in the user half. */
static inline bool user_memory_range_valid(uint64_t address, uint64_t length)
{
    uint64_t end;
    return u64_add(address, length, &end) && end <= MMU_USER_END;
}

/* Inline (an IPC round trip makes six copies): the checks stay these. */
static inline int user_memory_read(void *destination, uint64_t user_source, uint64_t length)
{
    if (!user_memory_range_valid(user_source, length))
        return -ERROR_BAD_ADDRESS;
    if (length == 0)
        return 0;
    return user_copy_from(destination, user_source, length) ? 0 : -ERROR_BAD_ADDRESS;
}

static inline int user_memory_write(uint64_t user_destination, const void *source,
                                    uint64_t length)
{
    if (!user_memory_range_valid(user_destination, length))
        return -ERROR_BAD_ADDRESS;
    if (length == 0)
        return 0;
    return user_copy_to(user_destination, source, length) ? 0 : -ERROR_BAD_ADDRESS;
}

#endif
