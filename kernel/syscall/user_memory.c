/* User memory access for system calls (kernel/syscall/user_memory.h). */
#include "kernel/syscall/user_memory.h"

#include "kernel/arch/mmu.h"
#include "kernel/arch/user.h"
#include "kernel/error.h"

bool user_range_valid(uint64_t address, uint64_t length)
{
    return address <= MMU_USER_END && length <= MMU_USER_END - address;
}

int user_memory_read(void *kernel_destination, uint64_t user_source, size_t length)
{
    if (length == 0)
        return 0;
    if (!user_range_valid(user_source, length))
        return -ERROR_BAD_ADDRESS;
    return user_copy_from(kernel_destination, user_source, length) ? 0 : -ERROR_BAD_ADDRESS;
}

int user_memory_write(uint64_t user_destination, const void *kernel_source, size_t length)
{
    if (length == 0)
        return 0;
    if (!user_range_valid(user_destination, length))
        return -ERROR_BAD_ADDRESS;
    return user_copy_to(user_destination, kernel_source, length) ? 0 : -ERROR_BAD_ADDRESS;
}
