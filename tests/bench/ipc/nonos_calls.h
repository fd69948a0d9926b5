/* The NØNOS system calls the bench-ipc capsules make, by their numbers in
 * kernel/syscall/syscalls.txt, and the name-service protocol they use to
 * meet. Provisional: the SDK's generated stubs (sdk/include/nonos/syscall.h,
 * `long nonos_NAME(...)`, branch `cap`) replace the bench_* wrappers when
 * they land, and the name service's own header replaces the NAMES_*
 * constants; the calls keep their names minus the prefix. Freestanding. */
#ifndef NONOS_TESTS_BENCH_IPC_CALLS_H
#define NONOS_TESTS_BENCH_IPC_CALLS_H

#include <nonos/abi.h>
#include <stdint.h>

enum {
    BENCH_CALL_CONSOLE_WRITE = 1,
    BENCH_CALL_YIELD = 3,
    BENCH_CALL_NULL = 4,
    BENCH_CALL_ENDPOINT_CREATE = 30,
    BENCH_CALL_IPC_CALL = 33,
    BENCH_CALL_IPC_RECEIVE = 34,
    BENCH_CALL_IPC_REPLY = 35,
    BENCH_CALL_IPC_REPLY_RECEIVE = 36,
};

static inline long bench_syscall4(long number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t r10 __asm__("r10") = a3;
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
                     : "rcx", "r11", "memory");
    return result;
}

static inline long bench_console_write(uint32_t console, const void *text, uint64_t length)
{
    return bench_syscall4(BENCH_CALL_CONSOLE_WRITE, console, (uint64_t)text, length, 0);
}

static inline long bench_yield(void)
{
    return bench_syscall4(BENCH_CALL_YIELD, 0, 0, 0, 0);
}

static inline long bench_endpoint_create(uint64_t destination)
{
    return bench_syscall4(BENCH_CALL_ENDPOINT_CREATE, destination, 0, 0, 0);
}

static inline long bench_ipc_call(uint32_t endpoint, const void *message, uint64_t receive_slot)
{
    return bench_syscall4(BENCH_CALL_IPC_CALL, endpoint, (uint64_t)message, receive_slot, 0);
}

static inline long bench_ipc_receive(uint32_t endpoint, void *message, uint64_t reply_slot,
                                     uint64_t receive_slot)
{
    return bench_syscall4(BENCH_CALL_IPC_RECEIVE, endpoint, (uint64_t)message, reply_slot,
                          receive_slot);
}

static inline long bench_ipc_reply(uint32_t reply, const void *message)
{
    return bench_syscall4(BENCH_CALL_IPC_REPLY, reply, (uint64_t)message, 0, 0);
}

static inline long bench_ipc_reply_receive(uint32_t reply, const void *message, uint32_t endpoint,
                                           uint64_t receive_slot)
{
    return bench_syscall4(BENCH_CALL_IPC_REPLY_RECEIVE, reply, (uint64_t)message, endpoint,
                          receive_slot);
}

/* The name service (NONOS_SLOT_NAMES), as the bench assumes it until its
 * capsule exists: a call with label NAMES_REGISTER, the service name as
 * data and an endpoint capability (with grant) attached registers it; a
 * call with label NAMES_LOOKUP and the name as data answers with label 0
 * and the endpoint capability in the call's receive slot, or with label
 * -error. */
enum { NAMES_REGISTER = 1, NAMES_LOOKUP = 2 };

/* The service the server registers and the client's manifest lists under
 * [policy.capabilities] ipc. */
#define BENCH_SERVICE "bench.ipc"

/* Labels of the bench protocol: a round trip, and the last call. */
enum { BENCH_LABEL_PING = 1, BENCH_LABEL_QUIT = 2 };

/* Slots the capsules use (the first free ones). */
enum { BENCH_SLOT_ENDPOINT = NONOS_SLOT_FIRST_FREE, BENCH_SLOT_REPLY };

/* A message with name as its data. */
static inline void bench_message_name(struct nonos_message *message, uint64_t label,
                                      const char *name)
{
    uint32_t length = 0;
    while (name[length] != '\0' && length < NONOS_MESSAGE_DATA_MAX) {
        message->data[length] = (uint8_t)name[length];
        length++;
    }
    message->label = label;
    message->badge = 0;
    message->length = length;
    message->capability = NONOS_SLOT_NONE;
}

#endif
