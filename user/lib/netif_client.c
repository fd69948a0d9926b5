/* Attaching to nonos.netif (netif_client.h; the protocol is nonos/netif.h,
 * byte by byte in docs/drivers.md "The netif protocol"). Each call that
 * fills a slot records it in slots_held first thing after success, so a
 * failure half-way leaves nothing netif_client_forget does not find. */
#include "netif_client.h"

#include <stdbool.h>
#include <stddef.h>

#include <nonos/abi.h>
#include <nonos/error.h>
#include <nonos/names.h>
#include <nonos/netif.h>
#include <nonos/syscall.h>

static long netif_call(const struct netif_client *client, uint64_t label, struct nonos_message *message,
                       uint32_t receive_slot)
{
    message->label = label;
    long result = nonos_ipc_call(client->endpoint_slot, message, receive_slot);
    if (result < 0)
        return result;
    return message->label == 0 ? 0 : -(long)(message->label & 0xffff);
}

static void session_quote(const struct netif_client *client, struct nonos_message *message)
{
    message->length = sizeof client->session;
    message->capability = NONOS_SLOT_NONE;
    __builtin_memcpy(message->data, &client->session, sizeof client->session);
}

_Noreturn void netif_client_hold(uint64_t argument)
{
    struct netif_client *client = (struct netif_client *)(uintptr_t)argument;
    static struct nonos_message message; /* one HOLD thread per process */
    for (;;) {
        nonos_notification_wait(client->hold_go_slot);
        session_quote(client, &message);
        netif_call(client, NETIF_HOLD, &message, NONOS_SLOT_NONE);
        __atomic_store_n(&client->detached, 1, __ATOMIC_RELEASE);
        nonos_notification_signal(client->events_slot, NETIF_EVENT_DETACHED);
    }
}

/* Slots known to be empty are left alone: an empty slot named in a call is
 * a refusal in the audit log. The endpoint's slot may have been emptied by
 * the name service's revocation, which then leaves one such record. */
void netif_client_forget(struct netif_client *client)
{
    if (client->area != NULL)
        nonos_memory_unmap(client->area_address, NETIF_AREA_BYTES / 4096);
    client->area = NULL;
    const uint32_t slots[] = { client->area_slot, client->doorbell_slot, client->endpoint_slot };
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        if (slots[i] < 32 && (client->slots_held & (1u << slots[i])) != 0)
            nonos_cap_delete(slots[i]);
    }
    client->slots_held = 0;
}

/* OPEN then map then DOORBELL on the looked-up endpoint; 0 or -error. */
static long session_open(struct netif_client *client)
{
    static struct nonos_message message;
    long result = nonos_cap_copy(client->events_slot, client->events_copy_slot, NONOS_RIGHT_WRITE);
    message.length = 0;
    message.capability = client->events_copy_slot;
    if (result >= 0) {
        result = netif_call(client, NETIF_OPEN, &message, client->area_slot);
        nonos_cap_delete(client->events_copy_slot);
    }
    if (result < 0)
        return result;
    client->slots_held |= 1u << client->area_slot;
    struct netif_open_reply reply;
    __builtin_memcpy(&reply, message.data, sizeof reply);
    client->session = reply.session;
    result = nonos_memory_map(client->area_slot, client->area_address, NONOS_RIGHT_READ | NONOS_RIGHT_WRITE);
    if (result < 0)
        return result;
    client->area = (void *)(uintptr_t)client->area_address;
    const struct netif_header *header = client->area;
    if (header->magic != NETIF_MAGIC || header->version != NETIF_VERSION || header->session != client->session)
        return -NONOS_ERROR_INVALID_ARGUMENT;
    session_quote(client, &message);
    result = netif_call(client, NETIF_DOORBELL, &message, client->doorbell_slot);
    if (result >= 0)
        client->slots_held |= 1u << client->doorbell_slot;
    return result;
}

long netif_client_open(struct netif_client *client)
{
    long result = nonos_names_lookup(NETIF_SERVICE, sizeof NETIF_SERVICE - 1, client->endpoint_slot);
    if (result < 0)
        return result;
    client->slots_held |= 1u << client->endpoint_slot;
    return session_open(client);
}

void netif_client_started(struct netif_client *client)
{
    nonos_notification_poll(client->events_slot); /* old news */
    __atomic_store_n(&client->detached, 0, __ATOMIC_RELEASE);
    nonos_notification_signal(client->hold_go_slot, 1);
}
