/* Register messages: ipc_call and ipc_reply_receive with the message in
 * the system call's registers instead of memory (calls 62 and 63,
 * docs/ipc.md "Register messages"; docs/syscalls.md). A label and 32
 * data bytes, no capability. This is how a call takes the kernel's IPC
 * fast path. Freestanding: stdint only.
 *
 *   rax   the call number; back: the message's length in bytes (0-32), or
 *         -NONOS_ERROR_* (nothing below is then written)
 *   rdi   the endpoint slot (63: endpoint | reply << 32); back: the badge
 *         (0 for a reply)
 *   rsi   the label, both ways
 *   rdx, r10, r8, r9   data words 0-3, both ways (bytes past the length
 *         come back 0)
 * rcx and r11 are clobbered as by every call. A message of more than 32
 * bytes sent to a register receiver is refused to its sender (TOO_LARGE),
 * as is a reply of more than 32 bytes or with a capability to a register
 * caller (TOO_LARGE, DENIED). */
#ifndef NONOS_SDK_IPC_REGISTERS_H
#define NONOS_SDK_IPC_REGISTERS_H

#include <stdint.h>

#include <nonos/syscall.h>

#define NONOS_REGISTER_WORDS 4
#define NONOS_REGISTER_BYTES 32

struct nonos_register_message {
    uint64_t badge; /* received: the sender's badge, 0 for a reply; ignored when sent */
    uint64_t label;
    uint64_t word[NONOS_REGISTER_WORDS];
};

/* One register call: the message goes out and, on success, the one that
 * comes back replaces it. */
static inline long nonos_register_call(long number, uint64_t slots,
                                       struct nonos_register_message *message)
{
    long result;
    register uint64_t rdi __asm__("rdi") = slots;
    register uint64_t rsi __asm__("rsi") = message->label;
    register uint64_t rdx __asm__("rdx") = message->word[0];
    register uint64_t r10 __asm__("r10") = message->word[1];
    register uint64_t r8 __asm__("r8") = message->word[2];
    register uint64_t r9 __asm__("r9") = message->word[3];
    __asm__ volatile("syscall"
                     : "=a"(result), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8),
                       "+r"(r9)
                     : "a"(number)
                     : "rcx", "r11", "memory");
    if (result >= 0) {
        message->badge = rdi;
        message->label = rsi;
        message->word[0] = rdx;
        message->word[1] = r10;
        message->word[2] = r8;
        message->word[3] = r9;
    }
    return result;
}

/* Calls through the endpoint capability in `endpoint` (write); the reply
 * replaces *message. The reply's length, or -NONOS_ERROR_*. */
static inline long nonos_ipc_call_short(uint32_t endpoint, struct nonos_register_message *message)
{
    return nonos_register_call(NONOS_SYSCALL_IPC_CALL_REGISTERS, endpoint, message);
}

/* Answers the call behind the reply capability in `reply` with *message
 * (nothing to answer if the slot is empty: a server's first call), then
 * waits on `endpoint` (read) for the next message, which replaces
 * *message; its reply capability lands in `reply`. The next message's
 * length, or -NONOS_ERROR_*. */
static inline long nonos_ipc_reply_receive_short(uint32_t reply, uint32_t endpoint,
                                                 struct nonos_register_message *message)
{
    return nonos_register_call(NONOS_SYSCALL_IPC_REPLY_RECEIVE_REGISTERS,
                               (uint64_t)endpoint | (uint64_t)reply << 32, message);
}

#endif
