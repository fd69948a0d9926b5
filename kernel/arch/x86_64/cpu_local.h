/* x86 per-CPU data (the implementation behind kernel/arch/cpu_local.h).
 *
 * Each CPU's struct cpu_local is reached through the GS base. Invariant:
 * while a CPU runs kernel code, IA32_GS_BASE holds its struct cpu_local
 * (a kernel-half address) and IA32_KERNEL_GS_BASE holds the user's GS base;
 * in user mode the two are swapped. Every entry from user mode (syscall,
 * an interrupt or exception whose saved CS has RPL 3) executes swapgs first
 * and every return to user mode last. The user's GS and FS bases are always
 * 0 (no call sets them and CR4.FSGSBASE is off), so nothing per thread needs
 * saving. */
#ifndef NONOS_ARCH_CPU_LOCAL_H
#define NONOS_ARCH_CPU_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/x86_64/entry_layout.h"

struct thread;

struct cpu_local {
    struct cpu_local *self;    /* the record's own address */
    uint64_t kernel_stack_top; /* rsp on syscall entry (TSS.rsp0 for interrupts) */
    uint64_t user_stack;       /* syscall entry's scratch for the user rsp */
    struct thread *thread;     /* the running thread (kernel/sched/) */
    uint64_t need_resched;     /* nonzero: switch at the next opportunity */
};

_Static_assert(offsetof(struct cpu_local, self) == CPU_LOCAL_SELF, "cpu_local layout");
_Static_assert(offsetof(struct cpu_local, kernel_stack_top) == CPU_LOCAL_KERNEL_STACK,
               "cpu_local layout");
_Static_assert(offsetof(struct cpu_local, user_stack) == CPU_LOCAL_USER_STACK, "cpu_local layout");
_Static_assert(offsetof(struct cpu_local, thread) == CPU_LOCAL_THREAD, "cpu_local layout");
_Static_assert(offsetof(struct cpu_local, need_resched) == CPU_LOCAL_NEED_RESCHED,
               "cpu_local layout");

#define MSR_KERNEL_GS_BASE 0xc0000102u

/* Points this CPU's GS base at its record (cpu_init; the boot CPU's record
 * is static). */
void cpu_local_init(void);

static inline struct thread *cpu_local_thread(void)
{
    struct thread *thread;
    __asm__ volatile("mov %%gs:%c1, %0" : "=r"(thread) : "i"(CPU_LOCAL_THREAD));
    return thread;
}

static inline void cpu_local_thread_set(struct thread *thread)
{
    __asm__ volatile("mov %0, %%gs:%c1" : : "r"(thread), "i"(CPU_LOCAL_THREAD) : "memory");
}

static inline bool cpu_local_need_resched(void)
{
    uint64_t value;
    __asm__ volatile("mov %%gs:%c1, %0" : "=r"(value) : "i"(CPU_LOCAL_NEED_RESCHED));
    return value != 0;
}

static inline void cpu_local_need_resched_set(bool value)
{
    __asm__ volatile("movq %0, %%gs:%c1"
                     :
                     : "r"((uint64_t)value), "i"(CPU_LOCAL_NEED_RESCHED)
                     : "memory");
}

#endif
