/* Replies: the one-shot right to answer one call (docs/ipc.md).
 *
 * A caller brings a reply object to its call; the receiver that takes the
 * call gets the only capability to it (OBJECT_REPLY, write, and grant when
 * the receiver's endpoint capability has grant) and the object is bound
 * to the caller's waiter. Answering unbinds it and deletes the capability
 * used; an unbound reply is dead, so any copy of the capability answers
 * ERROR_NO_CALLER. If the last capability goes while the caller still
 * waits, the caller wakes with ERROR_OBJECT_GONE; if the caller is
 * cancelled, the reply dies.
 *
 * Destroyed replies are kept on a small cache and reused, so a call
 * allocates nothing once the system runs (the fast path's rule). */
#include "kernel/ipc/ipc_internal.h"

#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/mm/heap.h"
#include "kernel/sched/thread_internal.h"

#include <stddef.h>

#define REPLY_CACHE_MAX 32

static struct reply *cache;
static uint32_t cache_count;

struct reply *reply_take(void)
{
    struct reply *reply = cache;
    if (reply) {
        cache = reply->free_next;
        cache_count--;
    } else {
        reply = kzalloc(sizeof(*reply));
        if (!reply)
            return NULL;
    }
    object_init(&reply->object, OBJECT_REPLY);
    reply->caller = NULL;
    reply->free_next = NULL;
    return reply;
}

struct reply *reply_for_receiver(struct ipc_waiter *receiver, bool *reused)
{
    struct reply *reply = reply_kept(receiver);
    *reused = reply != NULL;
    return reply ? reply : reply_take();
}

void reply_slot_release(struct ipc_waiter *receiver)
{
    if (reply_kept(receiver))
        cap_delete_apply(receiver->caps, receiver->reply_slot);
    receiver->kept_reply = NULL;
}

void reply_object_destroy(struct object *object)
{
    struct reply *reply = (struct reply *)object;
    struct ipc_waiter *caller = reply->caller;
    if (caller) {
        reply_unbind(reply);
        ipc_waiter_wake(caller, ERROR_OBJECT_GONE); /* the call was dropped unanswered */
    }
    if (cache_count < REPLY_CACHE_MAX) {
        reply->free_next = cache;
        cache = reply;
        cache_count++;
    } else {
        kfree(reply);
    }
}

/* The checks of a reply: the capability, a caller, the message (read
 * straight into the caller's waiter, which nobody reads before the answer
 * is applied) and a transfer's grant, capability and destination. With
 * `optional` (reply_receive) an empty slot or a dead reply is no error:
 * answer->caller stays NULL. */
int reply_prepare(struct cap_table *caps, uint32_t slot, const struct ipc_buffer *message,
                  bool optional, struct reply_answer *answer)
{
    answer->caller = NULL;
    answer->transferred = NULL;
    answer->cap = NULL;
    answer->consume = false;
    if (optional && slot == CAP_SLOT_NONE)
        return 0;
    struct capability *cap;
    int error = cap_lookup(caps, slot, OBJECT_REPLY, RIGHT_WRITE, &cap);
    if (optional && error == ERROR_INVALID_CAPABILITY)
        return 0; /* an empty slot: the server's first receive */
    if (error)
        return error;
    answer->consume = optional;
    answer->cap = cap;
    struct ipc_waiter *caller = ((struct reply *)cap->object)->caller;
    if (!caller)
        return optional ? 0 : ERROR_NO_CALLER;
    error = message->read(message, &caller->message);
    if (!error && caller->message.length > caller->data_max)
        error = ERROR_TOO_LARGE; /* a register caller takes no more than its registers */
    if (error)
        return error;
    uint32_t source = caller->message.capability;
    if (source != CAP_SLOT_NONE) {
        if (!(cap->rights & RIGHT_GRANT))
            return ERROR_NO_RIGHT;
        error = cap_lookup(caps, source, OBJECT_NONE, 0, &answer->transferred);
        if (!error && caller->receive_slot == CAP_SLOT_NONE)
            error = ERROR_DENIED;
        if (!error)
            error = cap_copy_check(caps, source, caller->caps, caller->receive_slot);
        if (error)
            return error;
    }
    answer->caller = caller;
    answer->consume = true;
    return 0;
}

/* Answers (cannot fail): the transfer, the reply dead, its capability
 * deleted (unless `keep`: reply_receive reuses a reply nothing else names).
 * Returns the answered caller's thread, released but not yet ready, for
 * the replier to make ready or switch to; NULL if none. */
struct thread *reply_apply(struct cap_table *caps, uint32_t slot,
                           const struct reply_answer *answer, bool keep)
{
    struct ipc_waiter *caller = answer->caller;
    if (caller) {
        uint32_t source = caller->message.capability;
        caller->message.badge = 0;
        caller->message.capability = CAP_SLOT_NONE;
        if (answer->transferred) {
            cap_copy_apply(caps, source, caller->caps, caller->receive_slot,
                           answer->transferred->rights);
            caller->message.capability = caller->receive_slot;
        }
        reply_unbind((struct reply *)answer->cap->object); /* = caller->reply */
        ipc_waiter_release(caller, 0);
    }
    if (answer->consume && !keep)
        cap_delete_apply(caps, slot); /* may destroy the reply: it is unbound by now */
    return caller ? caller->thread : NULL;
}

int ipc_reply(struct cap_table *caps, uint32_t slot, const struct ipc_buffer *message)
{
    bool was_enabled = interrupts_save();
    struct reply_answer answer;
    int error = reply_prepare(caps, slot, message, false, &answer);
    if (!error)
        sched_make_ready(reply_apply(caps, slot, &answer, false));
    interrupts_restore(was_enabled);
    return error;
}
