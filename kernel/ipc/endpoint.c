/* Endpoints: synchronous rendezvous of a sender and a receiver
 * (docs/ipc.md).
 *
 * An endpoint has two FIFO queues, of senders waiting for a receiver and of
 * receivers waiting for a sender; at most one of them is non-empty. The
 * rendezvous itself (endpoint_take) always runs in the receiver's thread,
 * because only there can the message be written into the receiver's
 * memory: a sender that finds a receiver waiting hands itself to it and
 * switches straight to it (sched_handoff, the fast path). The sender's
 * message stays in its kernel-stack waiter until the receiver has copied
 * it, so the data is copied once into the kernel and once out.
 *
 * Waiters hold no reference to the endpoint: when its last capability goes,
 * every waiter wakes with ERROR_OBJECT_GONE. */
#include "kernel/ipc/ipc_internal.h"

#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/mm/heap.h"
#include "kernel/sched/thread_internal.h"

#include <stddef.h>

/* endpoint_take's answer when the sender was refused (it has been woken
 * with the reason) and the receiver should wait for another. */
#define TAKE_REFUSED (-1)

int endpoint_create(struct process *owner, struct cap_table *caps, uint32_t destination)
{
    bool was_enabled = interrupts_save();
    int error = cap_insert_check(caps, destination);
    struct endpoint *endpoint = NULL;
    if (!error) {
        endpoint = kzalloc(sizeof(*endpoint));
        error = endpoint ? ipc_object_charge(owner, sizeof(*endpoint)) : ERROR_NO_MEMORY;
    }
    if (!error) {
        object_init(&endpoint->object, OBJECT_ENDPOINT);
        endpoint->owner = owner;
        cap_insert_apply(caps, destination, &endpoint->object, RIGHT_ALL, 0);
        object_put(&endpoint->object); /* the capability's reference remains */
    } else {
        kfree(endpoint);
    }
    interrupts_restore(was_enabled);
    return error;
}

void endpoint_object_destroy(struct object *object)
{
    struct endpoint *endpoint = (struct endpoint *)object;
    ipc_queue_wake_all_gone(&endpoint->senders);
    ipc_queue_wake_all_gone(&endpoint->receivers);
    ipc_object_uncharge(endpoint->owner, sizeof(*endpoint));
    kfree(endpoint);
}

/* The checks of send and call: the endpoint capability, the message, and
 * for a transfer the grant right and the capability itself. */
static int sender_prepare(struct ipc_waiter *sender, uint32_t slot,
                          const struct ipc_buffer *message, struct endpoint **endpoint)
{
    struct capability *cap;
    int error = cap_lookup(sender->caps, slot, OBJECT_ENDPOINT, RIGHT_WRITE, &cap);
    if (!error)
        error = message->read(message, &sender->message);
    if (error)
        return error;
    sender->transfer_slot = sender->message.capability;
    if (sender->transfer_slot != CAP_SLOT_NONE) {
        struct capability *transferred;
        if (!(cap->rights & RIGHT_GRANT))
            return ERROR_NO_RIGHT;
        error = cap_lookup(sender->caps, sender->transfer_slot, OBJECT_NONE, 0, &transferred);
        if (error)
            return error;
    }
    sender->badge = cap->badge;
    *endpoint = (struct endpoint *)cap->object;
    return 0;
}

/* Gives the sender to a waiting receiver (switching straight to it) or
 * queues it. Returns when the sender's part is over: taken (send), answered
 * (call), refused or the endpoint gone. */
static int endpoint_deliver(struct endpoint *endpoint, struct ipc_waiter *sender)
{
    if (ipc_thread_leaving())
        return ERROR_OBJECT_GONE;
    sender->wait = IPC_WAIT_SEND;
    struct ipc_waiter *receiver = ipc_queue_pop(&endpoint->receivers);
    if (receiver) {
        receiver->partner = sender;
        ipc_waiter_release(receiver, 0);
        return ipc_waiter_block(sender, receiver->thread);
    }
    ipc_queue_push(&endpoint->senders, sender);
    return ipc_waiter_block(sender, NULL);
}

/* The receiver's slots, checked again at the rendezvous: another thread of
 * the receiver's process may have filled them while it waited. */
static int receiver_slots_check(const struct ipc_waiter *receiver,
                                const struct ipc_waiter *sender, bool reply_reused)
{
    int error = 0;
    if (sender->call && !reply_reused)
        error = cap_insert_check(receiver->caps, receiver->reply_slot);
    if (!error && sender->transfer_slot != CAP_SLOT_NONE)
        error = cap_copy_check(sender->caps, sender->transfer_slot, receiver->caps,
                               receiver->receive_slot);
    return error;
}

/* Why the receiver cannot take this sender's message, or 0: the message is
 * longer than the receiver's buffer takes (a register receiver), the
 * transferred capability was deleted while the sender waited, or the
 * receiver accepts no capability, or no call (no reply slot). */
static int sender_refusal(const struct ipc_waiter *receiver, const struct ipc_waiter *sender,
                          struct capability **transferred)
{
    *transferred = NULL;
    if (sender->message.length > receiver->data_max)
        return ERROR_TOO_LARGE; /* a register receiver takes no more than its registers */
    if (sender->transfer_slot != CAP_SLOT_NONE) {
        if (cap_lookup(sender->caps, sender->transfer_slot, OBJECT_NONE, 0, transferred))
            return ERROR_INVALID_CAPABILITY;
        if (receiver->receive_slot == CAP_SLOT_NONE)
            return ERROR_DENIED;
    }
    if (sender->call && receiver->reply_slot == CAP_SLOT_NONE)
        return ERROR_DENIED;
    return 0;
}

/* The reply object goes into the receiver's reply slot (its reference
 * with it) unless it is already there, and the caller now waits for the
 * answer. */
static void reply_install(struct ipc_waiter *receiver, struct ipc_waiter *caller,
                          struct reply *reply, bool reused)
{
    if (!reused) {
        uint32_t rights = RIGHT_WRITE | (receiver->grant_reply ? RIGHT_GRANT : 0);
        cap_insert_apply(receiver->caps, receiver->reply_slot, &reply->object, rights, 0);
        object_put(&reply->object);
    }
    receiver->kept_reply = NULL;
    caller->wait = IPC_WAIT_REPLY;
    reply_bind(reply, caller);
}

/* The rendezvous, in the receiver's thread: checks, the copy out, then the
 * mutations (capability transfer, reply capability, releasing a sender).
 * A sender refused for its own reasons is woken with the reason
 * (TAKE_REFUSED); an error of the receiver's (its buffer, its slots) puts
 * the sender back at the head of the queue, untouched, and is returned. */
static int endpoint_take(struct endpoint *endpoint, struct ipc_waiter *receiver,
                         struct ipc_waiter *sender)
{
    struct capability *transferred;
    int refusal = sender_refusal(receiver, sender, &transferred);
    struct reply *reply = NULL;
    bool reused = false;
    if (!refusal && sender->call) {
        reply = reply_for_receiver(receiver, &reused);
        if (!reply)
            refusal = ERROR_NO_MEMORY;
    }
    if (refusal) {
        ipc_waiter_wake(sender, refusal);
        return TAKE_REFUSED;
    }
    sender->message.badge = sender->badge;
    sender->message.capability = transferred ? receiver->receive_slot : CAP_SLOT_NONE;
    int error = receiver_slots_check(receiver, sender, reused);
    if (!error)
        error = receiver->output->write(receiver->output, &sender->message);
    if (error) {
        if (reply && !reused)
            object_put(&reply->object); /* back to the cache */
        ipc_queue_push_front(&endpoint->senders, sender);
        return error;
    }
    if (transferred)
        cap_copy_apply(sender->caps, sender->transfer_slot, receiver->caps,
                       receiver->receive_slot, transferred->rights);
    if (reply) /* the sender called: it now waits for the answer */
        reply_install(receiver, sender, reply, reused);
    else
        ipc_waiter_wake(sender, 0);
    return 0;
}

/* The checks of receive (reply_receive skips the reply slot's, which its
 * reply half empties). */
static int receiver_prepare(struct ipc_waiter *receiver, uint32_t slot, uint32_t reply_slot,
                            uint32_t receive_slot, bool check_reply_slot,
                            struct endpoint **endpoint)
{
    struct capability *cap;
    int error = cap_lookup(receiver->caps, slot, OBJECT_ENDPOINT, RIGHT_READ, &cap);
    if (!error && check_reply_slot && reply_slot != CAP_SLOT_NONE)
        error = cap_insert_check(receiver->caps, reply_slot);
    if (!error && receive_slot != CAP_SLOT_NONE)
        error = cap_insert_check(receiver->caps, receive_slot);
    if (!error && receive_slot != CAP_SLOT_NONE && receive_slot == reply_slot)
        error = ERROR_SLOT_OCCUPIED; /* a call carrying a capability would need both */
    if (error)
        return error;
    receiver->grant_reply = (cap->rights & RIGHT_GRANT) != 0;
    receiver->reply_slot = reply_slot;
    receiver->receive_slot = receive_slot;
    *endpoint = (struct endpoint *)cap->object;
    return 0;
}

/* Takes the first acceptable sender, waiting for one as long as needed.
 * `answered`: a caller just replied to (reply_receive), switched to
 * directly if this thread must wait, else made ready. */
static int endpoint_receive_wait(struct endpoint *endpoint, struct ipc_waiter *receiver,
                                 struct thread *answered)
{
    for (;;) {
        struct ipc_waiter *sender = ipc_queue_pop(&endpoint->senders);
        if (sender && answered) {
            sched_make_ready(answered);
            answered = NULL;
        }
        if (!sender && ipc_thread_leaving()) {
            if (answered)
                sched_make_ready(answered);
            return ERROR_OBJECT_GONE;
        }
        if (!sender) {
            receiver->wait = IPC_WAIT_RECEIVE;
            receiver->partner = NULL;
            ipc_queue_push(&endpoint->receivers, receiver);
            int error = ipc_waiter_block(receiver, answered);
            answered = NULL;
            if (error)
                return error; /* the endpoint is gone, or the thread cancelled */
            sender = receiver->partner;
            if (!sender->blocked)
                continue; /* cancelled during the hand-off (its process was
                             killed as the switch charged its CPU time) */
        }
        int error = endpoint_take(endpoint, receiver, sender);
        if (error != TAKE_REFUSED)
            return error;
    }
}

int endpoint_receive_handed(struct endpoint *endpoint, struct ipc_waiter *receiver)
{
    struct ipc_waiter *sender = receiver->partner;
    if (sender->blocked) { /* else cancelled during the hand-off */
        int error = endpoint_take(endpoint, receiver, sender);
        if (error != TAKE_REFUSED)
            return error;
    }
    return endpoint_receive_wait(endpoint, receiver, NULL);
}

int ipc_send(struct cap_table *caps, uint32_t endpoint_slot, const struct ipc_buffer *message)
{
    struct ipc_waiter sender;
    ipc_waiter_init(&sender, caps);
    bool was_enabled = interrupts_save();
    struct endpoint *endpoint;
    int error = sender_prepare(&sender, endpoint_slot, message, &endpoint);
    if (!error)
        error = endpoint_deliver(endpoint, &sender);
    interrupts_restore(was_enabled);
    return error;
}

int ipc_call(struct cap_table *caps, uint32_t endpoint_slot, const struct ipc_buffer *message,
             uint32_t receive_slot)
{
    struct ipc_waiter caller;
    ipc_waiter_init(&caller, caps);
    caller.data_max = message->data_max;
    bool was_enabled = interrupts_save();
    struct endpoint *endpoint;
    int error = sender_prepare(&caller, endpoint_slot, message, &endpoint);
    if (!error && receive_slot != CAP_SLOT_NONE)
        error = cap_insert_check(caps, receive_slot);
    if (!error) {
        caller.call = true;
        caller.receive_slot = receive_slot;
        error = endpoint_deliver(endpoint, &caller);
    }
    if (!error)
        error = message->write(message, &caller.message);
    interrupts_restore(was_enabled);
    return error;
}

int ipc_receive(struct cap_table *caps, uint32_t endpoint_slot, const struct ipc_buffer *message,
                uint32_t reply_slot, uint32_t receive_slot)
{
    struct ipc_waiter receiver;
    ipc_waiter_init(&receiver, caps);
    receiver.output = message;
    receiver.data_max = message->data_max;
    bool was_enabled = interrupts_save();
    struct endpoint *endpoint;
    int error = receiver_prepare(&receiver, endpoint_slot, reply_slot, receive_slot, true,
                                 &endpoint);
    if (!error)
        error = endpoint_receive_wait(endpoint, &receiver, NULL);
    interrupts_restore(was_enabled);
    return error;
}

int ipc_reply_receive(struct cap_table *caps, uint32_t reply_slot,
                      const struct ipc_buffer *message, uint32_t endpoint_slot,
                      uint32_t receive_slot)
{
    struct ipc_waiter receiver;
    ipc_waiter_init(&receiver, caps);
    receiver.output = message;
    receiver.data_max = message->data_max;
    bool was_enabled = interrupts_save();
    struct endpoint *endpoint;
    struct reply_answer answer;
    int error = reply_prepare(caps, reply_slot, message, true, &answer);
    if (!error)
        error = receiver_prepare(&receiver, endpoint_slot, reply_slot, receive_slot,
                                 !answer.consume, &endpoint);
    if (!error) {
        /* The answered reply stays in its slot for the next call when no
         * other capability names it: nobody could tell it from a new one. */
        bool keep = answer.consume && reply_reusable_cap(&receiver, answer.cap);
        struct thread *answered = reply_apply(caps, reply_slot, &answer, keep);
        receiver.kept_reply = keep ? answer.cap : NULL;
        error = endpoint_receive_wait(endpoint, &receiver, answered);
        if (receiver.kept_reply)
            reply_slot_release(&receiver);
    }
    interrupts_restore(was_enabled);
    return error;
}
