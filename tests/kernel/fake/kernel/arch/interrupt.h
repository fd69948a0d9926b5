/* Host stand-in for kernel/arch/interrupt.h (the single CPU's lock), found
 * before the real one by the host tests that build kernel files needing it
 * (tests/kernel_host.mk puts tests/kernel/fake first on the include path).
 * It counts how deep the lock is held, so a test can see that a handler
 * released everything it took. */
#ifndef NONOS_ARCH_INTERFACE_INTERRUPT_H
#define NONOS_ARCH_INTERFACE_INTERRUPT_H

#include <stdbool.h>

extern int fake_interrupts_depth;

static inline bool interrupts_save(void)
{
    return fake_interrupts_depth++ == 0;
}

static inline void interrupts_restore(bool was_enabled)
{
    fake_interrupts_depth--;
    (void)was_enabled;
}

#endif
