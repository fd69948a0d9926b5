/* The one path between system-call handlers and user memory: a range is
 * first checked to lie wholly in the user half (no wrap-around, below
 * MMU_USER_END), then copied by the arch under SMAP (user_copy_from/to,
 * kernel/arch/user.h), whose exception table turns a fault during the copy
 * into a failure. Both return 0 or -ERROR_BAD_ADDRESS; a length of 0
 * touches nothing and succeeds. Handlers never dereference a user address. */
#ifndef NONOS_KERNEL_SYSCALL_USER_MEMORY_H
#define NONOS_KERNEL_SYSCALL_USER_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when [address, address + length) lies in the user half. */
bool user_range_valid(uint64_t address, uint64_t length);

int user_memory_read(void *kernel_destination, uint64_t user_source, size_t length);
int user_memory_write(uint64_t user_destination, const void *kernel_source, size_t length);

#endif
