/* Waiters and their queues: how IPC threads block and wake, and how a
 * killed thread is taken out of whatever it waits for.
 *
 * Invariants: a waiter is on at most one queue (its `queue` field says
 * which); its thread's ipc_waiter field points to it exactly while the
 * thread sleeps in ipc_waiter_block; `blocked` is true from the moment it
 * goes to sleep until someone decides its result, after which only its own
 * thread touches it. Everything runs with interrupts off (ipc_internal.h). */
#include "kernel/ipc/ipc_internal.h"

#include "kernel/arch/cpu_local.h"
#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/panic.h"
#include "kernel/proc/process.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/thread_internal.h"

#include <stddef.h>

void ipc_queue_wake_all_gone(struct ipc_queue *queue)
{
    struct ipc_waiter *waiter;
    while ((waiter = ipc_queue_pop(queue)))
        ipc_waiter_wake(waiter, ERROR_OBJECT_GONE);
}

int ipc_waiter_block(struct ipc_waiter *waiter, struct thread *next)
{
    KERNEL_ASSERT(!interrupts_enabled());
    waiter->blocked = true;
    waiter->thread->ipc_waiter = waiter;
    if (next)
        sched_handoff(next);
    else
        sched_block_current();
    waiter->thread->ipc_waiter = NULL;
    return waiter->result;
}

bool ipc_thread_cancel(struct thread *thread)
{
    bool was_enabled = interrupts_save();
    struct ipc_waiter *waiter = thread->ipc_waiter;
    if (waiter && !waiter->blocked)
        waiter = NULL; /* woken, not yet running: its result is decided */
    if (waiter) {
        if (waiter->queue)
            ipc_queue_remove(waiter);
        if (waiter->wait == IPC_WAIT_REPLY && waiter->reply)
            reply_unbind(waiter->reply);
        ipc_waiter_wake(waiter, ERROR_OBJECT_GONE);
    }
    interrupts_restore(was_enabled);
    return waiter != NULL;
}
