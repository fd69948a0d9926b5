/* Waiters and their queues: how IPC threads block and wake, and how a
 * killed thread is taken out of whatever it waits for.
 *
 * Invariants: a waiter is on at most one queue (its `queue` field says
 * which); it is in the registry exactly while its thread sleeps in
 * ipc_waiter_block; `blocked` is true from the moment it goes to sleep
 * until someone decides its result, after which only its own thread
 * touches it. Everything runs with interrupts off (ipc_internal.h). */
#include "kernel/ipc/ipc_internal.h"

#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/panic.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/thread_internal.h"

#include <stddef.h>

/* Every waiter asleep in ipc_waiter_block, so ipc_thread_cancel can find a
 * thread's waiter without a field in struct thread. */
static struct ipc_waiter *registry;

void ipc_waiter_init(struct ipc_waiter *waiter, struct cap_table *caps)
{
    /* Field by field: the 280-byte message is filled by its reader, and
     * zeroing it would cost the fast path for nothing. */
    waiter->thread = thread_current();
    waiter->next = waiter->previous = NULL;
    waiter->queue = NULL;
    waiter->registry_next = waiter->registry_previous = NULL;
    waiter->wait = IPC_WAIT_NONE;
    waiter->blocked = false;
    waiter->result = 0;
    waiter->caps = caps;
    waiter->badge = 0;
    waiter->call = false;
    waiter->grant_reply = false;
    waiter->reply_installed = false;
    waiter->transfer_slot = CAP_SLOT_NONE;
    waiter->receive_slot = CAP_SLOT_NONE;
    waiter->reply = NULL;
    waiter->output = NULL;
    waiter->reply_slot = CAP_SLOT_NONE;
    waiter->partner = NULL;
    waiter->bits = 0;
}

void ipc_queue_push(struct ipc_queue *queue, struct ipc_waiter *waiter)
{
    waiter->queue = queue;
    waiter->next = NULL;
    waiter->previous = queue->tail;
    if (queue->tail)
        queue->tail->next = waiter;
    else
        queue->head = waiter;
    queue->tail = waiter;
}

void ipc_queue_push_front(struct ipc_queue *queue, struct ipc_waiter *waiter)
{
    waiter->queue = queue;
    waiter->previous = NULL;
    waiter->next = queue->head;
    if (queue->head)
        queue->head->previous = waiter;
    else
        queue->tail = waiter;
    queue->head = waiter;
}

void ipc_queue_remove(struct ipc_waiter *waiter)
{
    struct ipc_queue *queue = waiter->queue;
    KERNEL_ASSERT(queue);
    if (waiter->previous)
        waiter->previous->next = waiter->next;
    else
        queue->head = waiter->next;
    if (waiter->next)
        waiter->next->previous = waiter->previous;
    else
        queue->tail = waiter->previous;
    waiter->next = waiter->previous = NULL;
    waiter->queue = NULL;
}

struct ipc_waiter *ipc_queue_pop(struct ipc_queue *queue)
{
    struct ipc_waiter *waiter = queue->head;
    if (waiter)
        ipc_queue_remove(waiter);
    return waiter;
}

void ipc_queue_wake_all_gone(struct ipc_queue *queue)
{
    struct ipc_waiter *waiter;
    while ((waiter = ipc_queue_pop(queue)))
        ipc_waiter_wake(waiter, ERROR_OBJECT_GONE);
}

static void registry_add(struct ipc_waiter *waiter)
{
    waiter->registry_previous = NULL;
    waiter->registry_next = registry;
    if (registry)
        registry->registry_previous = waiter;
    registry = waiter;
}

static void registry_remove(struct ipc_waiter *waiter)
{
    if (waiter->registry_previous)
        waiter->registry_previous->registry_next = waiter->registry_next;
    else
        registry = waiter->registry_next;
    if (waiter->registry_next)
        waiter->registry_next->registry_previous = waiter->registry_previous;
    waiter->registry_next = waiter->registry_previous = NULL;
}

int ipc_waiter_block(struct ipc_waiter *waiter, struct thread *next)
{
    KERNEL_ASSERT(!interrupts_enabled());
    waiter->blocked = true;
    registry_add(waiter);
    if (next)
        sched_handoff(next);
    else
        sched_block_current();
    registry_remove(waiter);
    return waiter->result;
}

void ipc_waiter_release(struct ipc_waiter *waiter, int result)
{
    KERNEL_ASSERT(waiter->blocked);
    waiter->blocked = false;
    waiter->result = result;
}

void ipc_waiter_wake(struct ipc_waiter *waiter, int result)
{
    ipc_waiter_release(waiter, result);
    sched_make_ready(waiter->thread);
}

static struct ipc_waiter *registry_find(const struct thread *thread)
{
    for (struct ipc_waiter *waiter = registry; waiter; waiter = waiter->registry_next)
        if (waiter->thread == thread && waiter->blocked)
            return waiter;
    return NULL;
}

bool ipc_thread_cancel(struct thread *thread)
{
    bool was_enabled = interrupts_save();
    struct ipc_waiter *waiter = registry_find(thread);
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
