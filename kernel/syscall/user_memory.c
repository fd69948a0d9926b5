/* The audited copy path between kernel and user memory (user_memory.h). */
#include "kernel/syscall/user_memory.h"

#include "kernel/arch/mmu.h"
#include "kernel/arch/user.h"
#include "kernel/error.h"

bool user_memory_range_valid(uint64_t address, uint64_t length)
{
    uint64_t end;
    if (__builtin_add_overflow(address, length, &end))
        return false;
    return end <= MMU_USER_END;
}

int user_memory_read(void *destination, uint64_t user_source, uint64_t length)
{
    if (!user_memory_range_valid(user_source, length))
        return -ERROR_BAD_ADDRESS;
    if (length == 0)
        return 0;
    return user_copy_from(destination, user_source, length) ? 0 : -ERROR_BAD_ADDRESS;
}

int user_memory_write(uint64_t user_destination, const void *source, uint64_t length)
{
    if (!user_memory_range_valid(user_destination, length))
        return -ERROR_BAD_ADDRESS;
    if (length == 0)
        return 0;
    return user_copy_to(user_destination, source, length) ? 0 : -ERROR_BAD_ADDRESS;
}
