/* The fakes the host tests of the system-call dispatcher link against
 * (tests/kernel/fake/syscall_fakes.c): tests/kernel/dispatch_test.c and the
 * libFuzzer target tests/fuzz/fuzz_syscall.c. With them, the real
 * dispatcher (kernel/syscall/dispatch.c), the generated table and the real
 * capability handlers (kernel/cap/cap_syscalls.c) run on Linux.
 *
 *   - the calling process is fake_process_current (NULL: a thread of no
 *     process); its table is its `caps`;
 *   - audit_denied records the last refusal and counts them;
 *   - every handler that is not a capability call records its call and
 *     returns FAKE_HANDLER_RESULT, touching nothing else;
 *   - user addresses are host addresses and only the window
 *     [fake_user_window, + fake_user_window_size) is "mapped": a copy
 *     touching anything else fails, as a faulting copy does in the kernel.
 * A test clears the records (fake_records_clear) before each call it
 * checks. */
#ifndef NONOS_TESTS_KERNEL_FAKE_SYSCALL_FAKES_H
#define NONOS_TESTS_KERNEL_FAKE_SYSCALL_FAKES_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/cap/capability.h"
#include "kernel/cap/object.h"

struct process {
    struct object base;
    struct cap_table *caps;
};

extern struct process *fake_process_current;

struct fake_audit_record {
    unsigned count;
    const struct process *process;
    uint32_t syscall, slot;
    int32_t error;
};
extern struct fake_audit_record fake_audited;

#define FAKE_HANDLER_RESULT 1000
struct fake_handler_record {
    unsigned count;
    const char *name;
    uint64_t argument[3];
};
extern struct fake_handler_record fake_handled;

extern uintptr_t fake_user_window;
extern size_t fake_user_window_size;

/* The lock's depth (tests/kernel/fake/kernel/arch/interrupt.h). */
extern int fake_interrupts_depth;

void fake_records_clear(void);

#endif
