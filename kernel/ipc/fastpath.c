/* The IPC fast path (docs/ipc.md, "The fast path"): call and
 * reply_receive with register messages, in the common case only.
 *
 * Common case, call: the endpoint capability has write; the first receiver
 * waiting on the endpoint waits here (registers), takes calls (a reply slot)
 * and kept its answered reply, still reusable; the caller's process is not
 * being killed. Common case, reply_receive: the reply capability has write
 * and a caller waits behind it; the endpoint capability has read; the
 * reply can be kept (reply_reusable_cap); no sender is queued; the
 * process is not being killed. Register messages carry no capability, so
 * there is never a transfer to check.
 *
 * Each side checks its whole case first, with one lookup per capability
 * and no mutation; if any condition fails it changes nothing and takes
 * the general path (ipc_call / ipc_reply_receive over a register buffer),
 * which has the same semantics. Once the case holds nothing can fail: the
 * caller writes its message into the receiver's register message, binds
 * the kept reply to itself and switches straight to the receiver; the
 * replier writes the answer into the caller's register message (or, for a
 * caller of the general path, its kernel copy), waits on the endpoint and
 * switches straight to the caller. The thread switched to finds its
 * message where its system call returns it from. A receiver released by a
 * general sender instead (partner set) does the general rendezvous, and a
 * caller answered by a general reply finds the answer in its kernel copy.
 *
 * Runs with interrupts off from the first lookup to the return, like all
 * of IPC (ipc_internal.h). */
#include "kernel/ipc/ipc_internal.h"

#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"

#include <stddef.h>

struct ipc_fastpath_counts ipc_fastpath_counts;

/* A register message straight into the register message of a waiter of
 * the fast path: IPC_REGISTER_BYTES of data. */
static inline void registers_deliver(struct ipc_waiter *to, const struct ipc_registers *from,
                                     uint64_t badge)
{
    struct ipc_registers *registers = to->registers;
    registers->badge = badge;
    registers->label = from->label;
    for (int i = 0; i < IPC_REGISTER_WORDS; i++)
        registers->word[i] = from->word[i];
    registers->length = IPC_REGISTER_BYTES;
    to->delivered = true;
}

/* The same into the kernel copy of a caller of the general path, which
 * writes it out when it wakes. */
static inline void registers_deliver_message(struct nonos_message *to,
                                             const struct ipc_registers *from)
{
    uint64_t *words = (uint64_t *)(void *)to->data;
    to->label = from->label;
    to->badge = 0;
    to->length = IPC_REGISTER_BYTES;
    to->capability = CAP_SLOT_NONE;
    for (int i = 0; i < IPC_REGISTER_WORDS; i++)
        words[i] = from->word[i];
}

/* The call's case (above): the receiver and the reply it will bind, or
 * false. Mutates nothing. */
static inline bool call_case(struct cap_table *caps, uint32_t slot, struct capability **cap,
                             struct ipc_waiter **receiver, struct reply **reply)
{
    if (cap_lookup(caps, slot, OBJECT_ENDPOINT, RIGHT_WRITE, cap))
        return false;
    struct ipc_waiter *first = ((struct endpoint *)(*cap)->object)->receivers.head;
    if (!first || !first->registers || first->reply_slot == CAP_SLOT_NONE)
        return false;
    *reply = reply_kept(first);
    *receiver = first;
    return *reply != NULL && !ipc_thread_leaving();
}

static int call_general(struct cap_table *caps, uint32_t slot, struct ipc_registers *message)
{
    struct ipc_buffer buffer = ipc_buffer_registers(message);
    return ipc_call(caps, slot, &buffer, CAP_SLOT_NONE);
}

int ipc_call_registers(struct cap_table *caps, uint32_t slot, struct ipc_registers *message)
{
    bool was_enabled = interrupts_save();
    struct capability *cap;
    struct ipc_waiter *receiver;
    struct reply *reply;
    if (!call_case(caps, slot, &cap, &receiver, &reply)) {
        ipc_fastpath_counts.call_fallbacks++;
        interrupts_restore(was_enabled);
        return call_general(caps, slot, message);
    }
    ipc_fastpath_counts.calls++;
    struct ipc_waiter caller;
    ipc_waiter_init(&caller, caps);
    caller.data_max = IPC_REGISTER_BYTES;
    caller.call = true;
    caller.wait = IPC_WAIT_REPLY;
    caller.registers = message;
    ipc_queue_remove(receiver);
    registers_deliver(receiver, message, cap->badge);
    receiver->partner = NULL;
    receiver->kept_reply = NULL;
    reply_bind(reply, &caller);
    ipc_waiter_release(receiver, 0);
    int error = ipc_waiter_block(&caller, receiver->thread);
    if (!error && !caller.delivered)
        ipc_registers_fill(message, &caller.message); /* a general reply */
    interrupts_restore(was_enabled);
    return error;
}

/* The reply_receive's case (above): the reply capability, its caller and
 * the endpoint, or false. Mutates nothing. */
static inline bool reply_receive_case(struct cap_table *caps, uint32_t reply_slot,
                                      uint32_t endpoint_slot, struct ipc_waiter *receiver,
                                      struct capability **reply_cap, struct endpoint **endpoint)
{
    struct capability *endpoint_cap;
    if (cap_lookup(caps, reply_slot, OBJECT_REPLY, RIGHT_WRITE, reply_cap) ||
        !((struct reply *)(*reply_cap)->object)->caller ||
        cap_lookup(caps, endpoint_slot, OBJECT_ENDPOINT, RIGHT_READ, &endpoint_cap))
        return false;
    receiver->grant_reply = (endpoint_cap->rights & RIGHT_GRANT) != 0;
    *endpoint = (struct endpoint *)endpoint_cap->object;
    return reply_reusable_cap(receiver, *reply_cap) && !(*endpoint)->senders.head &&
           !ipc_thread_leaving();
}

static int reply_receive_general(struct cap_table *caps, uint32_t reply_slot,
                                 uint32_t endpoint_slot, struct ipc_registers *message)
{
    struct ipc_buffer buffer = ipc_buffer_registers(message);
    return ipc_reply_receive(caps, reply_slot, &buffer, endpoint_slot, CAP_SLOT_NONE);
}

/* The answer (badge 0, no capability), the reply dead but kept in its
 * slot, the caller released. */
static inline struct thread *reply_answer(struct capability *reply_cap,
                                          const struct ipc_registers *message)
{
    struct reply *reply = (struct reply *)reply_cap->object;
    struct ipc_waiter *caller = reply->caller;
    if (caller->registers)
        registers_deliver(caller, message, 0);
    else
        registers_deliver_message(&caller->message, message);
    reply_unbind(reply); /* the caller's own reply: caller->reply */
    ipc_waiter_release(caller, 0);
    return caller->thread;
}

int ipc_reply_receive_registers(struct cap_table *caps, uint32_t reply_slot,
                                uint32_t endpoint_slot, struct ipc_registers *message)
{
    bool was_enabled = interrupts_save();
    struct ipc_waiter receiver;
    ipc_waiter_init(&receiver, caps);
    struct capability *reply_cap;
    struct endpoint *endpoint;
    if (!reply_receive_case(caps, reply_slot, endpoint_slot, &receiver, &reply_cap, &endpoint)) {
        ipc_fastpath_counts.reply_fallbacks++;
        interrupts_restore(was_enabled);
        return reply_receive_general(caps, reply_slot, endpoint_slot, message);
    }
    ipc_fastpath_counts.replies++;
    receiver.data_max = IPC_REGISTER_BYTES;
    receiver.reply_slot = reply_slot;
    receiver.kept_reply = reply_cap;
    receiver.registers = message;
    receiver.wait = IPC_WAIT_RECEIVE;
    receiver.partner = NULL;
    struct thread *answered = reply_answer(reply_cap, message);
    ipc_queue_push(&endpoint->receivers, &receiver);
    int error = ipc_waiter_block(&receiver, answered);
    if (!error && receiver.partner) { /* a general sender handed itself over */
        struct ipc_buffer buffer = ipc_buffer_registers(message);
        receiver.output = &buffer;
        receiver.registers = NULL; /* any further wait is the general one */
        error = endpoint_receive_handed(endpoint, &receiver);
    }
    if (receiver.kept_reply)
        reply_slot_release(&receiver);
    interrupts_restore(was_enabled);
    return error;
}
