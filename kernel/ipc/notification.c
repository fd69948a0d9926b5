/* Notifications: a word of signal bits, for events that must not block
 * their sender (docs/ipc.md).
 *
 * signal ORs bits into the word and, if it is non-zero and someone waits,
 * hands the whole word to the first waiter (clearing it), so a signal is
 * never lost and never seen twice. Waiters hold no reference: when the last
 * capability goes, they wake with ERROR_OBJECT_GONE. A timed wait is the
 * same waiter, its thread on the scheduler's sleep list as well: whichever
 * comes first, a signal or the deadline, decides (the deadline takes the
 * waiter off the queue with 0 bits). */
#include "kernel/ipc/ipc_internal.h"

#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/mm/heap.h"
#include "kernel/panic.h"
#include "kernel/sched/thread.h"

#include <stddef.h>

int notification_create(struct process *owner, struct cap_table *caps, uint32_t destination)
{
    bool was_enabled = interrupts_save();
    int error = cap_insert_check(caps, destination);
    struct notification *notification = NULL;
    if (!error) {
        notification = kzalloc(sizeof(*notification));
        error = notification ? ipc_object_charge(owner, sizeof(*notification)) : ERROR_NO_MEMORY;
    }
    if (!error) {
        object_init(&notification->object, OBJECT_NOTIFICATION);
        notification->owner = owner;
        cap_insert_apply(caps, destination, &notification->object, RIGHT_ALL, 0);
        object_put(&notification->object); /* the capability's reference remains */
    } else {
        kfree(notification);
    }
    interrupts_restore(was_enabled);
    return error;
}

void notification_object_destroy(struct object *object)
{
    struct notification *notification = (struct notification *)object;
    ipc_queue_wake_all_gone(&notification->waiters);
    ipc_object_uncharge(notification->owner, sizeof(*notification));
    kfree(notification);
}

void notification_signal_object(struct object *object, uint64_t bits)
{
    KERNEL_ASSERT(object->type == OBJECT_NOTIFICATION);
    struct notification *notification = (struct notification *)object;
    bool was_enabled = interrupts_save();
    notification->bits |= bits & NOTIFICATION_BITS;
    if (notification->bits) {
        struct ipc_waiter *waiter = ipc_queue_pop(&notification->waiters);
        if (waiter) {
            waiter->bits = notification->bits;
            notification->bits = 0;
            ipc_waiter_wake(waiter, 0);
        }
    }
    interrupts_restore(was_enabled);
}

int notification_signal(struct cap_table *caps, uint32_t slot, uint64_t bits)
{
    if (bits & ~NOTIFICATION_BITS)
        return ERROR_INVALID_ARGUMENT;
    bool was_enabled = interrupts_save();
    struct capability *cap;
    int error = cap_lookup(caps, slot, OBJECT_NOTIFICATION, RIGHT_WRITE, &cap);
    if (!error)
        notification_signal_object(cap->object, (bits | cap->badge) & NOTIFICATION_BITS);
    interrupts_restore(was_enabled);
    return error;
}

/* The word's bits, cleared: what poll and wait return. Interrupts off. */
static uint64_t notification_take(struct object *object)
{
    struct notification *notification = (struct notification *)object;
    uint64_t bits = notification->bits;
    notification->bits = 0;
    return bits;
}

int notification_poll(struct cap_table *caps, uint32_t slot, uint64_t *bits)
{
    bool was_enabled = interrupts_save();
    struct capability *cap;
    int error = cap_lookup(caps, slot, OBJECT_NOTIFICATION, RIGHT_READ, &cap);
    if (!error)
        *bits = notification_take(cap->object);
    interrupts_restore(was_enabled);
    return error;
}

/* Sleeps until a signal decides the waiter's result or the deadline (or a
 * kill's thread_interrupt) wakes the thread with nobody having decided:
 * then it leaves the queue with 0 bits (ERROR_OBJECT_GONE when killed). */
static int notification_block_timed(struct ipc_waiter *waiter, uint64_t ns)
{
    waiter->blocked = true;
    waiter->thread->ipc_waiter = waiter;
    thread_sleep_ns(ns);
    waiter->thread->ipc_waiter = NULL;
    if (waiter->blocked) {
        ipc_queue_remove(waiter);
        waiter->blocked = false;
        waiter->bits = 0;
        waiter->result = ipc_thread_leaving() ? ERROR_OBJECT_GONE : 0;
    }
    return waiter->result;
}

/* wait (timed false) and wait_timeout: a timed wait of 0 ns never waits. */
static int notification_wait_for(struct cap_table *caps, uint32_t slot, bool timed, uint64_t ns, uint64_t *bits)
{
    bool was_enabled = interrupts_save();
    struct capability *cap;
    int error = cap_lookup(caps, slot, OBJECT_NOTIFICATION, RIGHT_READ, &cap);
    if (!error) {
        struct notification *notification = (struct notification *)cap->object;
        *bits = notification_take(cap->object);
        bool wait = !*bits && (!timed || ns > 0);
        if (wait && ipc_thread_leaving())
            error = ERROR_OBJECT_GONE;
        else if (wait) {
            struct ipc_waiter waiter;
            ipc_waiter_init(&waiter, caps);
            waiter.wait = timed ? IPC_WAIT_NOTIFICATION_TIMED : IPC_WAIT_NOTIFICATION;
            ipc_queue_push(&notification->waiters, &waiter);
            error = timed ? notification_block_timed(&waiter, ns) : ipc_waiter_block(&waiter, NULL);
            *bits = error ? 0 : waiter.bits;
        }
    }
    interrupts_restore(was_enabled);
    return error;
}

int notification_wait(struct cap_table *caps, uint32_t slot, uint64_t *bits)
{
    return notification_wait_for(caps, slot, false, 0, bits);
}

int notification_wait_timeout(struct cap_table *caps, uint32_t slot, uint64_t ns, uint64_t *bits)
{
    return notification_wait_for(caps, slot, true, ns, bits);
}
