/* The dispatcher's capability check, shared with handlers that need the
 * same check for a capability they receive another way. syscall_dispatch
 * itself is declared in kernel/arch/user.h (the arch calls it). */
#ifndef NONOS_KERNEL_SYSCALL_DISPATCH_H
#define NONOS_KERNEL_SYSCALL_DISPATCH_H

#include <stdint.h>

#include "kernel/arch/user.h"
#include "kernel/syscall/table.h"

struct process;

/* Looks up every slot argument of `entry` in process's table with its
 * type and rights. 0, or the negative error of the first failing one with
 * *failed_slot set to its slot (NONOS_SLOT_NONE when the value is not a
 * 32-bit slot number). Never mutates. */
int64_t syscall_check_slots(const struct syscall_entry *entry, struct process *process,
                            const uint64_t argument[SYSCALL_ARGUMENTS_MAX],
                            uint32_t *failed_slot);

/* The registers of the last exit call (number 0) made by a thread of no
 * process, as the arch decoded them: what the arch's user-mode tests read
 * back (their programs, bare kernel threads in user mode, report through
 * exit's six argument registers). Capsules' exits are not recorded: one
 * ending while those tests ran overwrote their result. */
extern struct syscall_arguments syscall_last_exit;

#endif
