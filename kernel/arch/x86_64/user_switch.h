/* x86's user_thread_switch (kernel/arch/user.h), inline because the
 * scheduler runs it on every switch: the FPU/SIMD save and restore, TSS.rsp0
 * (interrupts from user mode) and the per-CPU kernel stack top (syscall
 * entry). The same steps as fpu_state_save, fpu_state_restore and
 * user_kernel_stack_set, without three calls. */
#ifndef NONOS_ARCH_USER_SWITCH_H
#define NONOS_ARCH_USER_SWITCH_H

#include <stdint.h>

#include "kernel/arch/x86_64/entry_layout.h"
#include "kernel/arch/x86_64/fpu.h"
#include "kernel/arch/x86_64/gdt.h"

static inline void user_thread_switch(void *save, const void *restore, uint64_t kernel_stack_top)
{
    if (save)
        fpu_state_save_inline(save);
    if (restore)
        fpu_state_restore_inline(restore);
    if (kernel_stack_top) {
        tss_set_kernel_stack(kernel_stack_top);
        __asm__ volatile("mov %0, %%gs:%c1" : : "r"(kernel_stack_top),
                         "i"(CPU_LOCAL_KERNEL_STACK) : "memory");
    }
}

#endif
