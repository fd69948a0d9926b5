/* IPC: synchronous endpoints with one-shot reply capabilities, and
 * notifications (docs/ipc.md is the protocol).
 *
 * This is the kernel-level API. The system calls 30-39
 * (kernel/ipc/ipc_syscall.c) are thin wrappers over it: they name the
 * calling process's capability table and wrap the caller's user message in
 * an ipc_buffer. Kernel code and the in-kernel tests call the same
 * functions with a capability table of their own and kernel buffers.
 *
 * Every function here is called by the thread that does the IPC (it may
 * block it) and returns 0 or a positive enum kernel_error value
 * (kernel/error.h); system calls return its negation. Each one checks
 * everything first and mutates only when nothing can fail any more. */
#ifndef NONOS_KERNEL_IPC_IPC_H
#define NONOS_KERNEL_IPC_IPC_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cap/object.h"
#include "sdk/include/nonos/abi.h"

struct cap_table;
struct process;
struct thread;

/* Where a message comes from (send, call, reply) or goes to (receive, the
 * answer of a call). Both directions copy the header and `length` bytes of
 * data, nothing more; read refuses a length over NONOS_MESSAGE_DATA_MAX with
 * ERROR_TOO_LARGE. */
struct ipc_registers;
struct ipc_buffer {
    int (*read)(const struct ipc_buffer *buffer, struct nonos_message *into);
    int (*write)(const struct ipc_buffer *buffer, const struct nonos_message *from);
    struct nonos_message *kernel; /* kernel buffers */
    uint64_t user;                /* user buffers: the address in the running thread's space */
    struct ipc_registers *registers; /* register messages */
    /* The longest data a message written through it may have: a longer
     * one is refused to its sender or replier with ERROR_TOO_LARGE. */
    uint32_t data_max;
};

/* A buffer in kernel memory (kernel servers, tests). */
struct ipc_buffer ipc_buffer_kernel(struct nonos_message *message);

/* A register message (docs/ipc.md, "Register messages"): a label and
 * IPC_REGISTER_WORDS data words, no capability, that travel in the
 * system call's registers instead of user memory. Sent with length
 * IPC_REGISTER_BYTES; on receipt `length` (at most that) says how many
 * bytes of `word` are the message's, the rest being zero, and `badge` is
 * the sender's badge (0 for a reply). */
#define IPC_REGISTER_WORDS 4
#define IPC_REGISTER_BYTES (IPC_REGISTER_WORDS * 8)
struct ipc_registers {
    /* In the order of the registers a system call returns them in
     * (user_syscall_outputs_set): the syscall layer hands these six words
     * over as they are. */
    uint64_t badge;
    uint64_t label;
    uint64_t word[IPC_REGISTER_WORDS];
    uint32_t length;
};

/* A buffer over a register message (the register calls' slow path). */
struct ipc_buffer ipc_buffer_registers(struct ipc_registers *message);

/* Copies the header and the used data bytes of a message. */
void ipc_message_copy(struct nonos_message *destination, const struct nonos_message *source);

/* Registers the destroy functions of endpoints, notifications and replies
 * (once, at boot, before any is created). */
void ipc_init(void);

/* Create an object and put a capability with every right to it in the empty
 * slot `destination` of caps. The object's memory is charged to `owner`
 * (NULL: a kernel object, charged to nobody) until it is destroyed.
 * ERROR_SLOT_OCCUPIED, ERROR_INVALID_ARGUMENT (slot out of the table),
 * ERROR_NO_MEMORY. */
int endpoint_create(struct process *owner, struct cap_table *caps, uint32_t destination);
int notification_create(struct process *owner, struct cap_table *caps, uint32_t destination);

/* Synchronous IPC through the endpoint capability in slot `endpoint` of
 * caps (write right to send and call, read right to receive).
 *   send: waits until a receiver has taken the message.
 *   call: sends, then waits for the reply, written through `message`; a
 *         capability in the reply lands in receive_slot.
 *   receive: waits for a sender; its message (badge = the sender's
 *         capability's badge, capability = the slot a transferred
 *         capability landed in or CAP_SLOT_NONE) is written through
 *         `message`. If the sender called, a reply capability is put in
 *         reply_slot.
 *   reply: answers the call behind the reply capability in slot `reply`
 *         and empties the slot.
 *   reply_receive: reply (skipped when the slot is empty) then receive, the
 *         next reply capability in the same slot. */
int ipc_send(struct cap_table *caps, uint32_t endpoint, const struct ipc_buffer *message);
int ipc_call(struct cap_table *caps, uint32_t endpoint, const struct ipc_buffer *message,
             uint32_t receive_slot);
int ipc_receive(struct cap_table *caps, uint32_t endpoint, const struct ipc_buffer *message,
                uint32_t reply_slot, uint32_t receive_slot);
int ipc_reply(struct cap_table *caps, uint32_t reply, const struct ipc_buffer *message);
int ipc_reply_receive(struct cap_table *caps, uint32_t reply, const struct ipc_buffer *message,
                      uint32_t endpoint, uint32_t receive_slot);

/* ipc_call and ipc_reply_receive with register messages (no capability
 * in either direction, receive_slot NONE). The common case -- a server
 * waiting in ipc_reply_receive_registers with its answered reply kept, a
 * call answered by that server with no sender queued -- takes the fast
 * path (kernel/ipc/fastpath.c): one lookup per capability, the message
 * moved between the two kernel stacks, and a direct switch. Anything else
 * takes ipc_call / ipc_reply_receive with ipc_buffer_registers: the same
 * checks, errors and semantics. On success `message` holds the reply
 * (call) or the next message (reply_receive). */
int ipc_call_registers(struct cap_table *caps, uint32_t endpoint, struct ipc_registers *message);
int ipc_reply_receive_registers(struct cap_table *caps, uint32_t reply, uint32_t endpoint,
                                struct ipc_registers *message);

/* How often each side took the fast path or fell back (tests, docs). */
struct ipc_fastpath_counts {
    uint64_t calls, call_fallbacks;
    uint64_t replies, reply_fallbacks;
};
extern struct ipc_fastpath_counts ipc_fastpath_counts;

/* Notifications through the capability in slot `notification` (write
 * right to signal, read right to wait and poll). signal ORs bits and the
 * capability's badge into the word and wakes one waiter, which takes the
 * whole word; wait returns the non-zero word and clears it, waiting while
 * it is 0; poll returns the word (maybe 0) and clears it. The word has 63
 * bits, so that a system call can return it: signal refuses bit 63
 * (ERROR_INVALID_ARGUMENT) and a badge's bit 63 is dropped. */
#define NOTIFICATION_BITS 0x7fffffffffffffffull /* bit 63 would read as an error */
int notification_signal(struct cap_table *caps, uint32_t notification, uint64_t bits);
int notification_wait(struct cap_table *caps, uint32_t notification, uint64_t *bits);
int notification_poll(struct cap_table *caps, uint32_t notification, uint64_t *bits);
/* wait for at most ns nanoseconds (never less; at most a timer tick more):
 * *bits is 0 when the time passed without a signal. ns 0 is poll. */
int notification_wait_timeout(struct cap_table *caps, uint32_t notification, uint64_t ns, uint64_t *bits);

/* The same signal for kernel subsystems that hold the object itself
 * (supervisor_watch, interrupts). May be called from interrupt handlers. */
void notification_signal_object(struct object *notification, uint64_t bits);

/* Takes a thread out of whatever IPC wait it is in (a send or receive
 * queue, a call waiting for its reply, a notification wait): it wakes with
 * ERROR_OBJECT_GONE and unwinds its system call; a reply capability for its
 * call answers NO_CALLER from then on. For process_kill. Returns whether
 * the thread was waiting. Interrupts on or off. */
bool ipc_thread_cancel(struct thread *thread);

#endif
