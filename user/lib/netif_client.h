/* The client side of attaching to the network-interface driver
 * (nonos/netif.h, docs/drivers.md "The netif protocol"): looking up
 * nonos.netif, OPEN with a write-only copy of the client's events
 * notification, mapping the shared area, DOORBELL, and the HOLD thread
 * that learns when the session ends. Shared by the net capsule and the
 * drivers' test client (tests/capsules/virtio-client).
 *
 * The caller chooses the capability slots and the area's address and owns
 * the notifications (events: the driver's NETIF_EVENT_* bits arrive there;
 * hold_go: starts the HOLD thread's next call). Invariants: `slots_held`
 * names exactly the slots this code filled and has not deleted; `area` is
 * the mapped area of session `session`, or NULL; `detached` is set by the
 * HOLD thread (then it signals NETIF_EVENT_DETACHED on events, so a loop
 * waiting there wakes) and cleared by netif_client_started. Freestanding:
 * system calls only, no user/lib text or console. */
#ifndef NONOS_USER_NETIF_CLIENT_H
#define NONOS_USER_NETIF_CLIENT_H

#include <stdint.h>

struct netif_client {
    uint32_t endpoint_slot;    /* nonos.netif's endpoint, looked up here */
    uint32_t events_slot;      /* the caller's notification (every right) */
    uint32_t events_copy_slot; /* scratch: the write-only copy OPEN transfers */
    uint32_t area_slot;        /* the shared area's memory capability */
    uint32_t doorbell_slot;    /* the driver's notification (write) */
    uint32_t hold_go_slot;     /* the caller's notification for the HOLD thread */
    uint64_t area_address;     /* where the area is mapped */
    void *area;
    uint64_t session;
    uint32_t slots_held;       /* bit n: slot n (n < 32) filled here */
    volatile uint32_t detached;
};

/* Looks nonos.netif up, OPENs a session, maps its area, asks for the
 * DOORBELL: 0, or -error (NOT_FOUND while no driver is registered). On
 * failure what was taken stays recorded for netif_client_forget. */
long netif_client_open(struct netif_client *client);

/* Unmaps the area and deletes every capability of the last session. */
void netif_client_forget(struct netif_client *client);

/* After a successful open: drops old events, clears `detached` and sends
 * the HOLD thread into its call. */
void netif_client_started(struct netif_client *client);

/* The HOLD thread's entry (nonos_thread_create's argument: the client):
 * parked in NETIF_HOLD while a session lives; sets `detached` and signals
 * NETIF_EVENT_DETACHED on the events notification when it returns. */
_Noreturn void netif_client_hold(uint64_t client);

#endif
