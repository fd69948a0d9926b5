/* The name service protocol (docs/names.md): how a capsule publishes an
 * endpoint under a service name and how another obtains it. Every capsule
 * holds the service's endpoint in NONOS_SLOT_NAMES, badged with its process
 * id, so the service knows who asks and checks the asker's manifest:
 *
 *   REGISTER  data = the service name (1..NONOS_NAME_MAX bytes, no NUL),
 *             capability = the endpoint to publish (transferred; needs the
 *             grant right). Accepted only if the sender's manifest lists the
 *             name under [policy.capabilities] provides.
 *   REGISTER_BADGED  as REGISTER, and every copy LOOKUP hands out of this
 *             endpoint is minted with the asker's process id as its badge,
 *             so the service knows each client (nonos.net: its policy).
 *             Such a copy cannot be badged again by the client.
 *   LOOKUP    data = the service name; the reply carries a copy of the
 *             registered endpoint, only if the sender's manifest lists the
 *             name under [policy.capabilities] ipc.
 *
 * The reply's label is 0 or a positive NONOS_ERROR_* value: DENIED (the
 * manifest does not allow it), NOT_FOUND (allowed, nobody registered it
 * yet), EXISTS (another running process holds the name), INVALID_ARGUMENT
 * (bad name, no capability attached, unknown label), WRONG_TYPE (the
 * capability is not an endpoint), SLOT_LIMIT (the service's table is full).
 * The helpers below return 0 or -NONOS_ERROR_*, like the system calls.
 * Freestanding. */
#ifndef NONOS_SDK_NAMES_H
#define NONOS_SDK_NAMES_H

#include <stdint.h>

#include "abi.h"
#include "error.h"
#include "syscall.h"

#define NONOS_NAMES_REGISTER 1
#define NONOS_NAMES_LOOKUP 2
#define NONOS_NAMES_REGISTER_BADGED 3
#define NONOS_NAMES_SERVICE "nonos.names" /* what the name service's manifest provides */

/* Fills message with label and the name's bytes; -INVALID_ARGUMENT for an
 * empty or too long name. */
static inline long nonos_names_message(struct nonos_message *message, uint64_t label,
                                       const char *name, uint32_t length, uint32_t capability)
{
    if (length == 0 || length > NONOS_NAME_MAX)
        return -NONOS_ERROR_INVALID_ARGUMENT;
    message->label = label;
    message->badge = 0;
    message->length = length;
    message->capability = capability;
    for (uint32_t i = 0; i < length; i++)
        message->data[i] = (uint8_t)name[i];
    return 0;
}

/* One request to the name service; the answer's label, negated. */
static inline long nonos_names_call(struct nonos_message *message, uint32_t receive_slot)
{
    long result = nonos_ipc_call(NONOS_SLOT_NAMES, message, receive_slot);
    if (result < 0)
        return result;
    return message->label == 0 ? 0 : -(long)(message->label & 0xffff);
}

/* Publishes the endpoint in slot endpoint under name. */
static inline long nonos_names_register(const char *name, uint32_t length, uint32_t endpoint)
{
    struct nonos_message message;
    long result = nonos_names_message(&message, NONOS_NAMES_REGISTER, name, length, endpoint);
    return result < 0 ? result : nonos_names_call(&message, NONOS_SLOT_NONE);
}

/* Publishes it so that every client's copy carries the client's process id. */
static inline long nonos_names_register_badged(const char *name, uint32_t length, uint32_t endpoint)
{
    struct nonos_message message;
    long result = nonos_names_message(&message, NONOS_NAMES_REGISTER_BADGED, name, length, endpoint);
    return result < 0 ? result : nonos_names_call(&message, NONOS_SLOT_NONE);
}

/* Puts the endpoint registered under name into the empty slot destination. */
static inline long nonos_names_lookup(const char *name, uint32_t length, uint32_t destination)
{
    struct nonos_message message;
    long result = nonos_names_message(&message, NONOS_NAMES_LOOKUP, name, length, NONOS_SLOT_NONE);
    return result < 0 ? result : nonos_names_call(&message, destination);
}

#endif
