/* Waking datagram clients (datagram_wake.h). A waker is (owner process,
 * port, bits, the notification in its own slot). Invariants: a used waker
 * holds a notification capability (write) in `slot`; it is dropped (the
 * capability deleted) when its socket is no longer its owner's, found at
 * the next request or raise; at most one waker per port. Signals are
 * level-triggered per pass: every pass that queued datagrams signals each
 * socket that has any, so a client that reads until its queue is empty
 * misses nothing, and one that does not is woken again next time. The
 * service thread and the frame loop share the table under net_lock. */
#include "datagram_wake.h"

#include <stdbool.h>
#include <stddef.h>

#include <nonos/abi.h>
#include <nonos/error.h>
#include <nonos/net.h>
#include <nonos/syscall.h>

#include "datagram.h"
#include "wake_request.h"

struct waker {
    bool used;
    uint16_t port;
    uint64_t owner;
    uint64_t bits;
    uint32_t slot;
};

static struct waker wakers[WAKE_SLOTS];
static uint64_t udp_in_seen; /* stack->counters.udp_in at the last raise */

void datagram_wake_init(uint32_t first_slot)
{
    for (uint32_t i = 0; i < WAKE_SLOTS; i++)
        wakers[i] = (struct waker){ .slot = first_slot + i };
}

static uint8_t queued(const struct net_stack *stack, uint16_t port)
{
    for (size_t i = 0; i < NET_SOCKETS; i++) {
        if (stack->sockets[i].bound && stack->sockets[i].port == port)
            return stack->sockets[i].count;
    }
    return 0;
}

static void waker_drop(struct waker *waker)
{
    nonos_cap_delete(waker->slot);
    waker->used = false;
}

static struct waker *waker_for(uint16_t port)
{
    for (size_t i = 0; i < WAKE_SLOTS; i++) {
        if (wakers[i].used && wakers[i].port == port)
            return &wakers[i];
    }
    for (size_t i = 0; i < WAKE_SLOTS; i++) {
        if (!wakers[i].used)
            return &wakers[i];
    }
    return NULL;
}

static bool is_notification(uint32_t slot)
{
    struct nonos_cap_info info = { 0 };
    return nonos_cap_identify(slot, &info) >= 0 && info.type == NONOS_OBJECT_NOTIFICATION &&
           (info.rights & NONOS_RIGHT_WRITE) != 0;
}

/* data: port (2), bits (8); capability: the notification, or none to stop. */
uint64_t datagram_wake_answer(struct net_stack *stack, struct nonos_message *message)
{
    struct wake_request request;
    uint64_t refused = wake_request_decode(message, &request);
    if (refused != 0)
        return refused;
    uint16_t port = request.port;
    uint64_t bits = request.bits;
    bool stop = request.stop;
    if (!stop && !is_notification(message->capability))
        return NONOS_ERROR_INVALID_ARGUMENT;
    if (!datagram_port_owned(port, message->badge))
        return NONOS_ERROR_DENIED;
    net_lock();
    for (size_t i = 0; i < WAKE_SLOTS; i++) {
        if (wakers[i].used && !datagram_port_owned(wakers[i].port, wakers[i].owner))
            waker_drop(&wakers[i]); /* unbound, or taken over after its owner ended */
    }
    struct waker *waker = waker_for(port);
    if (waker != NULL && waker->used)
        waker_drop(waker);
    if (!stop && waker == NULL) {
        net_unlock();
        return NONOS_ERROR_SLOT_LIMIT;
    }
    if (!stop && nonos_cap_move(message->capability, waker->slot) >= 0) {
        *waker = (struct waker){ true, port, message->badge, bits, waker->slot };
        message->capability = NONOS_SLOT_NONE;
        if (queued(stack, port) > 0) /* queued before it asked: no wake-up lost */
            nonos_notification_signal(waker->slot, bits);
    }
    net_unlock();
    message->length = 0;
    return 0;
}

void datagram_wake_raise(struct net_stack *stack)
{
    if (stack->counters.udp_in == udp_in_seen)
        return;
    udp_in_seen = stack->counters.udp_in;
    for (size_t i = 0; i < WAKE_SLOTS; i++) {
        struct waker *waker = &wakers[i];
        if (!waker->used || queued(stack, waker->port) == 0)
            continue;
        if (nonos_notification_signal(waker->slot, waker->bits) < 0)
            waker_drop(waker); /* cannot happen with a checked capability; never retried */
    }
}
