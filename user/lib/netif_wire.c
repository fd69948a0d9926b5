/* Decoding and checking what a netif client controls (netif_wire.h).
 * Pure: no state, no system calls, so the host tests, the corpus in
 * tests/corpus/netif-request/ and the fuzz target see exactly what the
 * driver runs. Ring positions are free-running 32-bit counts: every
 * comparison is a difference mod 2^32 against a known-good base, never an
 * ordering of raw values. */
#include <stddef.h>
#include <stdint.h>

#include <nonos/error.h>
#include <nonos/netif.h>

#include "netif_wire.h"

#define SESSION_BYTES 8
#define HALF_RANGE 0x80000000u /* differences at or above it are "behind" */

static uint64_t read64(const uint8_t *p)
{
    uint64_t value = 0;
    for (int i = SESSION_BYTES - 1; i >= 0; i--)
        value = value << 8 | p[i];
    return value;
}

enum netif_refusal netif_wire_decode(uint64_t label, const uint8_t *data, uint32_t length, bool carried,
                                     struct netif_request *out)
{
    *out = (struct netif_request){ 0 };
    if (label != NETIF_OPEN && label != NETIF_DOORBELL && label != NETIF_HOLD)
        return NETIF_ERR_LABEL;
    if (length != (label == NETIF_OPEN ? 0u : SESSION_BYTES))
        return NETIF_ERR_LENGTH;
    if (label == NETIF_OPEN && !carried)
        return NETIF_ERR_NO_CAPABILITY;
    if (label != NETIF_OPEN && carried)
        return NETIF_ERR_CAPABILITY;
    out->label = label;
    if (label != NETIF_OPEN)
        out->session = read64(data);
    return NETIF_WIRE_OK;
}

enum netif_refusal netif_wire_session_check(const struct netif_request *request, bool attached,
                                            uint64_t session)
{
    if (request->label == NETIF_OPEN)
        return NETIF_WIRE_OK;
    return attached && request->session == session ? NETIF_WIRE_OK : NETIF_ERR_SESSION;
}

enum netif_refusal netif_wire_tx_window(uint32_t consumer, uint32_t posted, uint32_t producer, uint32_t *count)
{
    uint32_t span = producer - consumer, taken = posted - consumer;
    *count = 0;
    if (span > NETIF_SLOTS)
        return producer - posted < HALF_RANGE ? NETIF_ERR_TX_AHEAD : NETIF_ERR_TX_BEHIND;
    if (span < taken)
        return NETIF_ERR_TX_BEHIND; /* would run posted round 2^32 positions */
    *count = span - taken;
    return NETIF_WIRE_OK;
}

enum netif_refusal netif_wire_rx_consumer(uint32_t seen, uint32_t producer, uint32_t consumer)
{
    if (consumer - seen <= producer - seen)
        return NETIF_WIRE_OK;
    return consumer - producer < HALF_RANGE ? NETIF_ERR_RX_AHEAD : NETIF_ERR_RX_BEHIND;
}

enum netif_refusal netif_wire_tx_entry(uint32_t length, uint32_t flags)
{
    if (length < NETIF_FRAME_MIN)
        return NETIF_ERR_FRAME_SHORT;
    if (length > NETIF_FRAME_MAX)
        return NETIF_ERR_FRAME_LONG;
    return flags == 0 ? NETIF_WIRE_OK : NETIF_ERR_ENTRY_FLAGS;
}

uint64_t netif_wire_error(enum netif_refusal refusal)
{
    if (refusal == NETIF_WIRE_OK)
        return 0;
    return refusal == NETIF_ERR_SESSION ? NONOS_ERROR_NOT_FOUND : NONOS_ERROR_INVALID_ARGUMENT;
}

const char *netif_wire_name(enum netif_refusal refusal)
{
    static const char *const names[NETIF_ERR_COUNT] = {
        [NETIF_WIRE_OK] = "NETIF_WIRE_OK",
        [NETIF_ERR_LABEL] = "NETIF_ERR_LABEL",
        [NETIF_ERR_LENGTH] = "NETIF_ERR_LENGTH",
        [NETIF_ERR_NO_CAPABILITY] = "NETIF_ERR_NO_CAPABILITY",
        [NETIF_ERR_CAPABILITY] = "NETIF_ERR_CAPABILITY",
        [NETIF_ERR_SESSION] = "NETIF_ERR_SESSION",
        [NETIF_ERR_TX_AHEAD] = "NETIF_ERR_TX_AHEAD",
        [NETIF_ERR_TX_BEHIND] = "NETIF_ERR_TX_BEHIND",
        [NETIF_ERR_RX_AHEAD] = "NETIF_ERR_RX_AHEAD",
        [NETIF_ERR_RX_BEHIND] = "NETIF_ERR_RX_BEHIND",
        [NETIF_ERR_FRAME_SHORT] = "NETIF_ERR_FRAME_SHORT",
        [NETIF_ERR_FRAME_LONG] = "NETIF_ERR_FRAME_LONG",
        [NETIF_ERR_ENTRY_FLAGS] = "NETIF_ERR_ENTRY_FLAGS",
    };
    return (unsigned)refusal < NETIF_ERR_COUNT ? names[refusal] : "NETIF_ERR_?";
}
