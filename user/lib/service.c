/* A capsule's IPC service (service.h): endpoint, registration and the
 * receive / answer / reply loop. A failed receive (an endpoint being
 * revoked, say) is retried after 1 s rather than at once, so a broken
 * service cannot spin; a reply to a caller that went away is dropped with
 * its reply capability. */
#include "service.h"

#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/names.h>
#include <nonos/syscall.h>

#define RETRY_NS 1000000000ull

static _Noreturn void service_serve(uint64_t argument)
{
    struct service *service = (struct service *)(uintptr_t)argument;
    static struct nonos_message message; /* one service thread per process */
    for (;;) {
        if (nonos_ipc_receive(service->endpoint_slot, &message, service->reply_slot, service->receive_slot) < 0) {
            nonos_timer_sleep(NONOS_SLOT_TIMER, RETRY_NS);
            continue;
        }
        uint64_t label = service->answer(&message);
        if (message.capability != NONOS_SLOT_NONE)
            nonos_cap_delete(message.capability); /* not taken: the slot must be empty for the next */
        if (label != 0)
            message.length = 0;
        message.label = label;
        message.capability = NONOS_SLOT_NONE;
        if (nonos_ipc_reply(service->reply_slot, &message) < 0)
            nonos_cap_delete(service->reply_slot);
    }
}

static uint32_t name_length(const char *name)
{
    uint32_t length = 0;
    while (name[length] != 0)
        length++;
    return length;
}

bool service_start(struct service *service)
{
    long result = nonos_endpoint_create(service->endpoint_slot);
    if (result >= 0)
        result = nonos_cap_copy(service->endpoint_slot, service->published_slot,
                                NONOS_RIGHT_WRITE | NONOS_RIGHT_GRANT);
    if (result >= 0)
        result = service->badged
                     ? nonos_names_register_badged(service->name, name_length(service->name), service->published_slot)
                     : nonos_names_register(service->name, name_length(service->name), service->published_slot);
    if (result >= 0)
        result = nonos_thread_create((uint64_t)(uintptr_t)service_serve,
                                     (uint64_t)(uintptr_t)(service->stack + service->stack_size - 8),
                                     (uint64_t)(uintptr_t)service, service->thread_slot);
    return result >= 0;
}
