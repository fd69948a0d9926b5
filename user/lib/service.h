/* A capsule's IPC service: an endpoint registered with the name service
 * under the capsule's `provides` name and a thread that answers one
 * request at a time (docs/names.md, docs/userland.md). Shared by the net
 * and mesh capsules.
 *
 * The caller fills a struct service (which must outlive the thread) with
 * its slots, the thread's stack and `answer`, which turns the request in
 * *message into the reply's data and returns the reply's label (0, or a
 * positive NONOS_ERROR_*: then the reply carries no data). A capability
 * the request transferred lands in `receive_slot` (NONOS_SLOT_NONE: the
 * service takes none, and such a caller is refused) and message->capability
 * names it; `answer` sets message->capability to NONOS_SLOT_NONE when it
 * moved the capability away, else the loop deletes it, so the slot is empty
 * for the next request. Replies carry no capability. */
#ifndef NONOS_USER_SERVICE_H
#define NONOS_USER_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>

struct service {
    const char *name;       /* e.g. NONOS_NET_SERVICE */
    bool badged;            /* REGISTER_BADGED: each client's copy names its process */
    uint32_t endpoint_slot; /* the endpoint, every right */
    uint32_t published_slot; /* the copy given to the name service (write, grant) */
    uint32_t thread_slot;
    uint32_t reply_slot;
    uint32_t receive_slot;
    uint8_t *stack;
    size_t stack_size;
    uint64_t (*answer)(struct nonos_message *message);
};

/* Creates the endpoint, registers it and starts the serving thread; false
 * when any step failed (the capsule runs without its service). */
bool service_start(struct service *service);

#endif
