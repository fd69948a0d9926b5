/* The IPC system calls (numbers 30-39 and the register calls 62-63,
 * kernel/syscall/syscalls.txt): thin
 * wrappers over the kernel-level API of kernel/ipc/ipc.h. The dispatcher
 * has already looked up every slot argument with its type and right
 * (audited when refused); the functions below look them up again under the
 * lock, check the rest, then apply. A grant missing for a capability
 * transfer is audited here, as the dispatcher cannot see it.
 *
 * A user message is reached only through user_memory_read/write: the
 * header (24 bytes) first, then exactly `length` bytes of data, read
 * straight into the kernel copy the rendezvous uses, so the data crosses
 * the kernel boundary once each way. */
#include "kernel/arch/user.h"
#include "kernel/audit/audit.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/ipc/ipc.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/handlers.h"
#include "kernel/syscall/user_memory.h"

#include <stddef.h>

#define MESSAGE_HEADER_SIZE offsetof(struct nonos_message, data)

_Static_assert(MESSAGE_HEADER_SIZE == 24, "struct nonos_message: a 24-byte header");

static int user_read(const struct ipc_buffer *buffer, struct nonos_message *into)
{
    if (user_memory_read(into, buffer->user, MESSAGE_HEADER_SIZE))
        return ERROR_BAD_ADDRESS;
    if (into->length > NONOS_MESSAGE_DATA_MAX)
        return ERROR_TOO_LARGE;
    if (user_memory_read(into->data, buffer->user + MESSAGE_HEADER_SIZE, into->length))
        return ERROR_BAD_ADDRESS;
    return 0;
}

static int user_write(const struct ipc_buffer *buffer, const struct nonos_message *from)
{
    return user_memory_write(buffer->user, from, MESSAGE_HEADER_SIZE + from->length)
               ? ERROR_BAD_ADDRESS
               : 0;
}

static struct ipc_buffer user_buffer(uint64_t address)
{
    struct ipc_buffer buffer = { .read = user_read, .write = user_write, .user = address,
                                 .data_max = NONOS_MESSAGE_DATA_MAX };
    return buffer;
}

static struct cap_table *caller_caps(void)
{
    return process_caps(process_current());
}

/* A slot argument passed as a value: 32 bits, or CAP_SLOT_NONE. */
static int slot_value(uint64_t value, uint32_t *slot)
{
    if (value > UINT32_MAX)
        return ERROR_INVALID_ARGUMENT;
    *slot = (uint32_t)value;
    return 0;
}

/* Denials the dispatcher could not see (a transfer without grant, a reply
 * capability without grant) go to the audit log like its own. */
static int64_t ipc_result(uint32_t number, uint32_t slot, int error)
{
    if (error == ERROR_NO_RIGHT)
        audit_denied(process_current(), number, slot, -ERROR_NO_RIGHT);
    return -(int64_t)error;
}

int64_t sys_endpoint_create(uint64_t destination)
{
    uint32_t slot;
    int error = slot_value(destination, &slot);
    if (!error && slot == CAP_SLOT_NONE)
        error = ERROR_INVALID_ARGUMENT;
    if (!error)
        error = endpoint_create(process_current(), caller_caps(), slot);
    return -(int64_t)error;
}

int64_t sys_notification_create(uint64_t destination)
{
    uint32_t slot;
    int error = slot_value(destination, &slot);
    if (!error && slot == CAP_SLOT_NONE)
        error = ERROR_INVALID_ARGUMENT;
    if (!error)
        error = notification_create(process_current(), caller_caps(), slot);
    return -(int64_t)error;
}

int64_t sys_ipc_send(uint32_t endpoint, uint64_t message)
{
    struct ipc_buffer buffer = user_buffer(message);
    return ipc_result(32, endpoint, ipc_send(caller_caps(), endpoint, &buffer));
}

int64_t sys_ipc_call(uint32_t endpoint, uint64_t message, uint64_t receive_slot)
{
    uint32_t receive;
    int error = slot_value(receive_slot, &receive);
    if (error)
        return -(int64_t)error;
    struct ipc_buffer buffer = user_buffer(message);
    return ipc_result(33, endpoint, ipc_call(caller_caps(), endpoint, &buffer, receive));
}

int64_t sys_ipc_receive(uint32_t endpoint, uint64_t message, uint64_t reply_slot,
                        uint64_t receive_slot)
{
    uint32_t reply, receive;
    int error = slot_value(reply_slot, &reply);
    if (!error)
        error = slot_value(receive_slot, &receive);
    if (error)
        return -(int64_t)error;
    struct ipc_buffer buffer = user_buffer(message);
    return -(int64_t)ipc_receive(caller_caps(), endpoint, &buffer, reply, receive);
}

int64_t sys_ipc_reply(uint32_t reply, uint64_t message)
{
    struct ipc_buffer buffer = user_buffer(message);
    return ipc_result(35, reply, ipc_reply(caller_caps(), reply, &buffer));
}

int64_t sys_ipc_reply_receive(uint32_t reply, uint64_t message, uint32_t endpoint,
                              uint64_t receive_slot)
{
    uint32_t receive;
    int error = slot_value(receive_slot, &receive);
    if (error)
        return -(int64_t)error;
    struct ipc_buffer buffer = user_buffer(message);
    return ipc_result(36, reply,
                      ipc_reply_receive(caller_caps(), reply, &buffer, endpoint, receive));
}

int64_t sys_notification_signal(uint32_t notification, uint64_t bits)
{
    return -(int64_t)notification_signal(caller_caps(), notification, bits);
}

int64_t sys_notification_wait(uint32_t notification)
{
    uint64_t bits = 0;
    int error = notification_wait(caller_caps(), notification, &bits);
    return error ? -(int64_t)error : (int64_t)bits;
}

int64_t sys_notification_wait_timeout(uint32_t notification, uint64_t nanoseconds)
{
    uint64_t bits = 0;
    int error = notification_wait_timeout(caller_caps(), notification, nanoseconds, &bits);
    return error ? -(int64_t)error : (int64_t)bits;
}

int64_t sys_notification_poll(uint32_t notification)
{
    uint64_t bits = 0;
    int error = notification_poll(caller_caps(), notification, &bits);
    return error ? -(int64_t)error : (int64_t)bits;
}

/* The register calls (62, 63) check their own slots -- the dispatcher
 * cannot look into the two slots 63 packs into one argument -- and audit a
 * refusal as the dispatcher would. */
static bool capability_refusal(int error)
{
    return error == ERROR_INVALID_CAPABILITY || error == ERROR_WRONG_TYPE ||
           error == ERROR_NO_RIGHT;
}

/* A message received in registers: its length is the result, badge,
 * label and words go back in the argument registers. */
_Static_assert(offsetof(struct ipc_registers, word) == 16 &&
                   offsetof(struct ipc_registers, length) == SYSCALL_OUTPUTS * 8,
               "struct ipc_registers starts with the six output registers");

static int64_t registers_return(const struct ipc_registers *message)
{
    user_syscall_outputs_set((const uint64_t *)(const void *)message);
    return message->length;
}

int64_t sys_ipc_call_registers(uint64_t endpoint, uint64_t label, uint64_t word0, uint64_t word1,
                               uint64_t word2, uint64_t word3)
{
    /* A value above 32 bits names no slot; a thread of no process has no
     * table (the dispatcher, which these calls skip, refuses both so). */
    int error = ERROR_INVALID_CAPABILITY;
    struct ipc_registers message = { .label = label, .word = { word0, word1, word2, word3 } };
    struct cap_table *caps = process_current_caps();
    if (endpoint <= UINT32_MAX && caps)
        error = ipc_call_registers(caps, (uint32_t)endpoint, &message);
    if (!error)
        return registers_return(&message);
    if (capability_refusal(error))
        audit_denied(process_current(), 62, endpoint > UINT32_MAX ? CAP_SLOT_NONE
                                                                  : (uint32_t)endpoint,
                     -error);
    return -(int64_t)error;
}

/* Which of 63's two slots a capability refusal was about: the reply slot
 * when it holds something else than a reply capability with write, else
 * the endpoint slot. Only for the audit record. */
static uint32_t refused_slot(uint32_t reply, uint32_t endpoint)
{
    struct capability *cap;
    int error = cap_lookup(caller_caps(), reply, OBJECT_REPLY, RIGHT_WRITE, &cap);
    return error == ERROR_WRONG_TYPE || error == ERROR_NO_RIGHT ? reply : endpoint;
}

int64_t sys_ipc_reply_receive_registers(uint64_t slots, uint64_t label, uint64_t word0,
                                        uint64_t word1, uint64_t word2, uint64_t word3)
{
    uint32_t endpoint = (uint32_t)slots, reply = (uint32_t)(slots >> 32);
    struct ipc_registers message = { .label = label, .word = { word0, word1, word2, word3 } };
    struct cap_table *caps = process_current_caps();
    if (!caps)
        return -ERROR_INVALID_CAPABILITY; /* a thread of no process */
    int error = ipc_reply_receive_registers(caps, reply, endpoint, &message);
    if (!error)
        return registers_return(&message);
    if (capability_refusal(error))
        audit_denied(process_current(), 63, refused_slot(reply, endpoint), -error);
    return -(int64_t)error;
}
