/* What the files of kernel/ipc/ share: the waiter every blocked IPC thread
 * has on its own kernel stack, FIFO queues of waiters, and the objects.
 *
 * Mutual exclusion is the single CPU's lock (interrupts off): every IPC
 * operation runs with interrupts off from its first capability lookup to
 * its return, blocking included (the scheduler switches with them off).
 * So nothing another thread does can fall between a check and the mutation
 * it guards, and a thread handed the CPU directly (sched_handoff) finishes
 * its part of a rendezvous before anyone else runs. */
#ifndef NONOS_KERNEL_IPC_IPC_INTERNAL_H
#define NONOS_KERNEL_IPC_IPC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/cpu_local.h"
#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/cap/object.h"
#include "kernel/ipc/ipc.h"
#include "kernel/panic.h"
#include "kernel/proc/process.h"
#include "kernel/sched/thread_internal.h"

struct cap_table;
struct thread;
struct reply;
struct capability;

enum ipc_wait {
    IPC_WAIT_NONE,
    IPC_WAIT_SEND,         /* on an endpoint's sender queue, or handed to a receiver */
    IPC_WAIT_RECEIVE,      /* on an endpoint's receiver queue */
    IPC_WAIT_REPLY,        /* called; the message was taken, the reply is awaited */
    IPC_WAIT_NOTIFICATION, /* on a notification's waiter queue */
    IPC_WAIT_NOTIFICATION_TIMED, /* the same, and on the sleep list until a deadline */
};

struct ipc_queue {
    struct ipc_waiter *head, *tail;
};

/* One thread inside an IPC operation. Lives on that thread's kernel stack
 * for the duration of the operation; others reach it only through the
 * queue it is on, a reply object, or its thread's ipc_waiter field. */
struct ipc_waiter {
    struct thread *thread;
    struct ipc_waiter *next, *previous; /* on `queue` */
    struct ipc_queue *queue;            /* NULL when on none */
    enum ipc_wait wait;
    bool blocked; /* asleep and not yet woken: cancel may act */
    int result;   /* set by whoever wakes it */
    struct cap_table *caps;

    /* Sender: its message (kernel copy; a call's reply lands here too). */
    struct nonos_message message;
    uint64_t badge;
    bool call;
    uint32_t transfer_slot; /* sender: the slot of the capability it transfers, or NONE */
    uint32_t receive_slot;  /* where a capability transferred to this thread lands */
    struct reply *reply;    /* caller: the reply object bound to its call (no reference) */

    /* Receiver and caller: the longest message data its buffer takes
     * (ipc_buffer.data_max); a longer one is refused to its sender. */
    uint32_t data_max;

    /* Receiver. */
    /* Fast path (kernel/ipc/fastpath.c): the register message of a
     * waiter in ipc_call_registers or ipc_reply_receive_registers, or NULL.
     * A fast partner writes the message or answer straight into it and
     * sets `delivered`: a receiver released so has partner NULL. */
    struct ipc_registers *registers;
    bool delivered;
    bool grant_reply; /* its endpoint capability has grant: so will the reply capability */
    struct capability *kept_reply; /* reply_receive: the reply slot, kept for the next call */
    const struct ipc_buffer *output;
    uint32_t reply_slot;
    struct ipc_waiter *partner; /* the sender that handed itself over */

    /* Notification waiter. */
    uint64_t bits;
};

struct endpoint {
    struct object object;
    struct ipc_queue senders, receivers;
    struct process *owner; /* charged for it, or NULL */
};

struct reply {
    struct object object;
    struct ipc_waiter *caller; /* NULL: answered, abandoned or never bound: dead */
    struct reply *free_next;   /* on the cache of destroyed replies */
};

struct notification {
    struct object object;
    uint64_t bits;
    struct ipc_queue waiters;
    struct process *owner;
};

/* Queues and wake-ups, inline: they are on every IPC path. */
static inline void ipc_queue_push(struct ipc_queue *queue, struct ipc_waiter *waiter)
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

static inline void ipc_queue_push_front(struct ipc_queue *queue, struct ipc_waiter *waiter)
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

static inline void ipc_queue_remove(struct ipc_waiter *waiter)
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

static inline struct ipc_waiter *ipc_queue_pop(struct ipc_queue *queue)
{
    struct ipc_waiter *waiter = queue->head;
    if (waiter)
        ipc_queue_remove(waiter);
    return waiter;
}

/* Decides a blocked waiter's result; its thread is then made ready
 * (ipc_waiter_wake), or switched to directly by the waker's own block. */
static inline void ipc_waiter_release(struct ipc_waiter *waiter, int result)
{
    KERNEL_ASSERT(waiter->blocked);
    waiter->blocked = false;
    waiter->result = result;
}

/* A timed waiter's thread sleeps on the scheduler's sleep list, or was
 * made ready by its deadline already: thread_interrupt takes it off the
 * list, or does nothing, so it is never queued twice. */
static inline void ipc_waiter_wake(struct ipc_waiter *waiter, int result)
{
    ipc_waiter_release(waiter, result);
    if (waiter->wait == IPC_WAIT_NOTIFICATION_TIMED)
        thread_interrupt(waiter->thread);
    else
        sched_make_ready(waiter->thread);
}

/* Wakes every waiter of the queue with ERROR_OBJECT_GONE. */
void ipc_queue_wake_all_gone(struct ipc_queue *queue);

/* Blocking (inline: every IPC wait goes through it). The running thread's waiter sleeps until
 * ipc_waiter_wake; with `next` it switches straight to that blocked thread
 * (the fast path), else to the next ready one. Returns waiter->result. */
#ifdef __clang_analyzer__
/* For clang's analyzer only: an opaque call, as the block is to it (the
 * waker, another thread, writes result, partner, the message while this
 * one sleeps), instead of an inline body it would read as leaving them
 * unwritten. */
int ipc_waiter_block(struct ipc_waiter *waiter, struct thread *next);
#else
static inline int ipc_waiter_block(struct ipc_waiter *waiter, struct thread *next)
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
#endif
/* True when the calling thread's process is being killed: it must not
 * start a wait (a cancel already passed it by), only leave with
 * ERROR_OBJECT_GONE. Checked before a thread commits to any wait. */
static inline bool ipc_thread_leaving(void)
{
    return process_should_exit(cpu_local_thread());
}

/* Fills the fields every operation relies on (not the message): field by
 * field, since the 280-byte message is filled by its reader and zeroing
 * it would cost the fast path for nothing. Inline: every call makes one. */
static inline void ipc_waiter_init(struct ipc_waiter *waiter, struct cap_table *caps)
{
    waiter->thread = cpu_local_thread();
    waiter->queue = NULL;
    waiter->wait = IPC_WAIT_NONE;
    waiter->blocked = false;
    waiter->caps = caps;
    waiter->call = false;
    waiter->kept_reply = NULL;
    waiter->transfer_slot = CAP_SLOT_NONE;
    waiter->receive_slot = CAP_SLOT_NONE;
    waiter->reply = NULL;
    waiter->reply_slot = CAP_SLOT_NONE;
    waiter->data_max = NONOS_MESSAGE_DATA_MAX;
    waiter->registers = NULL;
    waiter->delivered = false;
}

/* Replies (reply.c). */
struct reply *reply_take(void); /* a new dead reply with one reference, or NULL */
/* The reply object for a call the receiver takes: the dead reply its
 * reply_receive left in the reply slot (*reused), or a new one (one
 * reference, for the slot), or NULL when out of memory. */
struct reply *reply_for_receiver(struct ipc_waiter *receiver, bool *reused);
/* Whether the reply capability in the receiver's reply slot can stand for
 * its next call: nothing else names its object, and it has the rights and
 * badge a new one would get. */
static inline bool reply_reusable_cap(const struct ipc_waiter *receiver,
                                      const struct capability *cap)
{
    uint32_t rights = RIGHT_WRITE | (receiver->grant_reply ? RIGHT_GRANT : 0);
    return cap->object->references == 1 && cap->rights == rights && cap->badge == 0;
}
/* The dead reply reply_receive kept in the receiver's reply slot, if it is
 * still there, still dead, named by no other capability and with the
 * rights a new one would get; else NULL. */
static inline struct reply *reply_kept(const struct ipc_waiter *receiver)
{
    const struct capability *cap = receiver->kept_reply;
    if (!cap || !cap->object || cap->object->type != OBJECT_REPLY)
        return NULL; /* another thread emptied or refilled the slot */
    struct reply *reply = (struct reply *)cap->object;
    return reply_reusable_cap(receiver, cap) && !reply->caller ? reply : NULL;
}
/* reply_receive's exit: the kept dead reply goes if no call took it. */
void reply_slot_release(struct ipc_waiter *receiver);
static inline void reply_bind(struct reply *reply, struct ipc_waiter *caller)
{
    reply->caller = caller;
    caller->reply = reply;
}
void reply_object_destroy(struct object *object);
/* Makes a reply dead: it no longer names its caller, nor the caller it. */
static inline void reply_unbind(struct reply *reply)
{
    if (reply->caller)
        reply->caller->reply = NULL;
    reply->caller = NULL;
}

/* A reply checked and ready to apply (reply.c). */
struct reply_answer {
    struct ipc_waiter *caller;       /* NULL: nothing to answer */
    struct capability *transferred;  /* the replier's capability to copy, or NULL */
    struct capability *cap;          /* the reply capability used, or NULL */
    bool consume;                    /* delete the reply capability */
};
int reply_prepare(struct cap_table *caps, uint32_t slot, const struct ipc_buffer *message,
                  bool optional, struct reply_answer *answer);
struct thread *reply_apply(struct cap_table *caps, uint32_t slot,
                           const struct reply_answer *answer, bool keep);

/* A receiver released by a sender that handed itself over (partner set):
 * the rendezvous, then waiting for the next sender if this one was
 * refused, as ipc_receive does after its wait (endpoint.c). */
int endpoint_receive_handed(struct endpoint *endpoint, struct ipc_waiter *receiver);

/* The register message a received message or reply gives (length at most
 * IPC_REGISTER_BYTES): whole words up to its length, the bytes past it
 * zero, so no stale kernel bytes reach the registers. */
static inline void ipc_registers_fill(struct ipc_registers *registers,
                                      const struct nonos_message *from)
{
    const uint64_t *words = (const uint64_t *)(const void *)from->data;
    uint32_t length = from->length;
    registers->label = from->label;
    registers->badge = from->badge;
    registers->length = length;
    for (uint32_t i = 0; i < IPC_REGISTER_WORDS; i++) {
        uint32_t start = i * 8;
        uint64_t word = start < length ? words[i] : 0;
        if (start < length && length - start < 8)
            word &= (1ull << (8 * (length - start))) - 1;
        registers->word[i] = word;
    }
}

void endpoint_object_destroy(struct object *object);
void notification_object_destroy(struct object *object);

/* Memory charged for an object of `bytes` (endpoint.c). */
int ipc_object_charge(struct process *owner, uint64_t bytes);
void ipc_object_uncharge(struct process *owner, uint64_t bytes);

#endif
