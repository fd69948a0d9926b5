/* What the IPC objects share: start-up, kernel message buffers, and the
 * memory charge of objects made on a process's behalf. */
#include "kernel/ipc/ipc_internal.h"

#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/proc/process.h"

#include <stddef.h>

_Static_assert(sizeof(struct nonos_message) == 24 + NONOS_MESSAGE_DATA_MAX,
               "struct nonos_message: header of 24 bytes, then the data");
_Static_assert(NONOS_MESSAGE_DATA_MAX % 8 == 0, "message data copied by 8-byte words");

void ipc_init(void)
{
    object_type_register(OBJECT_ENDPOINT, endpoint_object_destroy);
    object_type_register(OBJECT_NOTIFICATION, notification_object_destroy);
    object_type_register(OBJECT_REPLY, reply_object_destroy);
}

/* The header, then the used data rounded up to whole words (the buffer has
 * room: NONOS_MESSAGE_DATA_MAX is a multiple of 8). The caller has checked
 * length. A plain loop, not memcpy: the kernel's memcpy goes byte by byte. */
void ipc_message_copy(struct nonos_message *destination, const struct nonos_message *source)
{
    destination->label = source->label;
    destination->badge = source->badge;
    destination->length = source->length;
    destination->capability = source->capability;
    uint64_t *to = (uint64_t *)(void *)destination->data;
    const uint64_t *from = (const uint64_t *)(const void *)source->data;
    uint32_t words = (source->length + 7) / 8;
    /* Short messages are the common case: one plain loop, no unrolled
     * set-up to pay for. */
#pragma clang loop unroll(disable)
    for (uint32_t i = 0; i < words; i++)
        to[i] = from[i];
}

static int kernel_read(const struct ipc_buffer *buffer, struct nonos_message *into)
{
    if (buffer->kernel->length > NONOS_MESSAGE_DATA_MAX)
        return ERROR_TOO_LARGE;
    ipc_message_copy(into, buffer->kernel);
    return 0;
}

static int kernel_write(const struct ipc_buffer *buffer, const struct nonos_message *from)
{
    ipc_message_copy(buffer->kernel, from);
    return 0;
}

struct ipc_buffer ipc_buffer_kernel(struct nonos_message *message)
{
    struct ipc_buffer buffer = { .read = kernel_read, .write = kernel_write, .kernel = message,
                                 .data_max = NONOS_MESSAGE_DATA_MAX };
    return buffer;
}

/* A register message sent through the slow path: its label and all its
 * words, no capability. */
static int registers_read(const struct ipc_buffer *buffer, struct nonos_message *into)
{
    const struct ipc_registers *registers = buffer->registers;
    uint64_t *words = (uint64_t *)(void *)into->data;
    into->label = registers->label;
    into->length = IPC_REGISTER_BYTES;
    into->capability = CAP_SLOT_NONE;
    for (int i = 0; i < IPC_REGISTER_WORDS; i++)
        words[i] = registers->word[i];
    return 0;
}

/* The length is at most IPC_REGISTER_BYTES (data_max refused longer ones
 * before anything was taken). Bytes past it are zeroed: the kernel copy
 * beyond `length` holds whatever was there before, never to be shown. */
static int registers_write(const struct ipc_buffer *buffer, const struct nonos_message *from)
{
    ipc_registers_fill(buffer->registers, from);
    return 0;
}

struct ipc_buffer ipc_buffer_registers(struct ipc_registers *message)
{
    struct ipc_buffer buffer = { .read = registers_read, .write = registers_write,
                                 .registers = message, .data_max = IPC_REGISTER_BYTES };
    return buffer;
}

/* The object keeps its owner alive (a reference to the process object,
 * which starts with its struct object like every object) so that the
 * uncharge at its destruction, maybe after the process ended, is safe. */
int ipc_object_charge(struct process *owner, uint64_t bytes)
{
    if (!owner)
        return 0;
    int error = process_memory_charge(owner, bytes);
    if (!error)
        object_get((struct object *)owner);
    return error;
}

void ipc_object_uncharge(struct process *owner, uint64_t bytes)
{
    if (owner) {
        process_memory_uncharge(owner, bytes);
        object_put((struct object *)owner);
    }
}
