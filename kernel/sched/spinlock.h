/* Interrupt-safe spinlocks for data shared with interrupt handlers or, once
 * more CPUs run, with other CPUs.
 *
 *     bool flags = spinlock_acquire(&lock);   interrupts off, lock held
 *     ...
 *     spinlock_release(&lock, flags);        lock free, interrupts as before
 *
 * Interrupts go off before the lock is taken, so a handler on the same CPU
 * can never spin on a lock its own CPU holds. Acquire/release are the
 * compiler's atomic builtins with acquire and release ordering: portable,
 * and on a single CPU the exchange never spins. Holding a lock while
 * sleeping is a bug (KERNEL_ASSERT catches the release of a free lock). */
#ifndef NONOS_SCHED_SPINLOCK_H
#define NONOS_SCHED_SPINLOCK_H

#include <stdbool.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/panic.h"

struct spinlock {
    volatile unsigned char locked;
};

#define SPINLOCK_INIT { 0 }

static inline bool spinlock_acquire(struct spinlock *lock)
{
    bool was_enabled = interrupts_save();
    while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            cpu_pause();
    }
    return was_enabled;
}

static inline void spinlock_release(struct spinlock *lock, bool was_enabled)
{
    KERNEL_ASSERT(lock->locked);
    __atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
    interrupts_restore(was_enabled);
}

static inline bool spinlock_held(const struct spinlock *lock)
{
    return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) != 0;
}

#endif
