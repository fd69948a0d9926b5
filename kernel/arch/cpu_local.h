/* The arch interface for per-CPU data: what generic code keeps per CPU
 * rather than in globals, so that nothing assumes a single CPU. Today that
 * is the scheduler's running thread and its reschedule request. The
 * architecture holds them in its own per-CPU record (x86: reached through
 * GS, kernel/arch/x86_64/cpu_local.h), next to the arch's private entry
 * data (the kernel stack for entries from user mode, a scratch slot).
 * Every accessor reads or writes the calling CPU's record, and is valid
 * from cpu_init on (before it: undefined). Scheme: see kernel/arch/io.h. */
#ifndef NONOS_ARCH_INTERFACE_CPU_LOCAL_H
#define NONOS_ARCH_INTERFACE_CPU_LOCAL_H

#include <stdbool.h>

struct thread;

/* The thread running on this CPU (NULL before sched_init). */
static inline struct thread *cpu_local_thread(void);
static inline void cpu_local_thread_set(struct thread *thread);

/* Set when the running thread should give up this CPU at the next
 * opportunity (return to user mode, end of an interrupt); the scheduler
 * clears it when it switches. */
static inline bool cpu_local_need_resched(void);
static inline void cpu_local_need_resched_set(bool value);

/* The implementation for the one architecture built today. */
#include "kernel/arch/x86_64/cpu_local.h"

#endif
