/* What the netif driver (user/drivers/virtio-net) reads that its client
 * controls (sdk/include/nonos/netif.h, docs/drivers.md "The netif
 * protocol"), decoded and checked without any state of the driver: the
 * OPEN/DOORBELL/HOLD requests, the client's ring indices (TX producer, RX
 * consumer) and each TX entry (length, flags).
 *
 * Each refusal has its own code (enum netif_refusal, with its symbol for
 * the corpus in tests/corpus/netif-request/). A refused request is
 * answered with netif_wire_error's label; a refused index is ignored for
 * that pass (the last good one stays), a refused TX entry goes back to the
 * client unsent; both are counted in the area's header. Nothing here
 * writes anything the caller may use on a refusal.
 * Freestanding; used by user/drivers/virtio-net/{main,datapath}.c. */
#ifndef NONOS_USER_NETIF_WIRE_H
#define NONOS_USER_NETIF_WIRE_H

#include <stdbool.h>
#include <stdint.h>

enum netif_refusal {
    NETIF_WIRE_OK = 0,
    NETIF_ERR_LABEL,           /* not OPEN, DOORBELL or HOLD */
    NETIF_ERR_LENGTH,          /* OPEN with data; DOORBELL/HOLD with other than 8 bytes */
    NETIF_ERR_NO_CAPABILITY,   /* OPEN without the client's notification */
    NETIF_ERR_CAPABILITY,      /* DOORBELL/HOLD carrying a capability */
    NETIF_ERR_SESSION,         /* DOORBELL/HOLD quoting a session that is not the current one */
    NETIF_ERR_TX_AHEAD,        /* TX producer more than NETIF_SLOTS past the consumer */
    NETIF_ERR_TX_BEHIND,       /* TX producer before what the driver already took */
    NETIF_ERR_RX_AHEAD,        /* RX consumer past what the driver produced */
    NETIF_ERR_RX_BEHIND,       /* RX consumer before the last one the client gave */
    NETIF_ERR_FRAME_SHORT,     /* TX entry length below NETIF_FRAME_MIN */
    NETIF_ERR_FRAME_LONG,      /* TX entry length above NETIF_FRAME_MAX */
    NETIF_ERR_ENTRY_FLAGS,     /* TX entry flags not 0 (reserved) */
    NETIF_ERR_COUNT
};

struct netif_request {
    uint64_t label;   /* NETIF_OPEN, NETIF_DOORBELL, NETIF_HOLD */
    uint64_t session; /* DOORBELL, HOLD: the session quoted */
};

/* A request's label, its data[0..length) and whether it carried a
 * capability. On a refusal *out is all zero. */
enum netif_refusal netif_wire_decode(uint64_t label, const uint8_t *data, uint32_t length, bool carried,
                                     struct netif_request *out);

/* A decoded DOORBELL or HOLD against the driver's session (attached: a
 * session exists). OPEN passes. */
enum netif_refusal netif_wire_session_check(const struct netif_request *request, bool attached,
                                            uint64_t session);

/* The client's TX producer, given the driver's consumer and `posted` (the
 * next position it takes; posted - consumer <= NETIF_SLOTS, the driver's
 * invariant). Good when posted <= producer <= consumer + NETIF_SLOTS
 * (free-running, mod 2^32); *count = producer - posted new entries. */
enum netif_refusal netif_wire_tx_window(uint32_t consumer, uint32_t posted, uint32_t producer, uint32_t *count);

/* The client's RX consumer, given the last good one (`seen`) and the
 * driver's producer (producer - seen <= NETIF_SLOTS): good when
 * seen <= consumer <= producer. */
enum netif_refusal netif_wire_rx_consumer(uint32_t seen, uint32_t producer, uint32_t consumer);

/* One TX entry, read once: NETIF_FRAME_MIN <= length <= NETIF_FRAME_MAX, flags 0. */
enum netif_refusal netif_wire_tx_entry(uint32_t length, uint32_t flags);

/* The IPC label a request's refusal is answered with: 0 for NETIF_WIRE_OK,
 * NONOS_ERROR_NOT_FOUND for NETIF_ERR_SESSION, else
 * NONOS_ERROR_INVALID_ARGUMENT (ring refusals are never answered). */
uint64_t netif_wire_error(enum netif_refusal refusal);

/* The symbol ("NETIF_ERR_LABEL"); "NETIF_ERR_?" out of range. */
const char *netif_wire_name(enum netif_refusal refusal);

#endif
