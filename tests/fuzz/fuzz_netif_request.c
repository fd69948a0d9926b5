/* libFuzzer target for what a netif client controls, as the virtio-net
 * driver checks it (user/lib/netif_wire.c): any request with any session
 * state, any TX producer and entries against any driver position, any RX
 * consumer (tests/user/netif_replay.h). What an accepted input lets the
 * driver do is checked with abort(): a request is one of the three labels
 * with its exact length and capability and quotes the current session; a
 * TX window hands over at most the free positions (posted stays within
 * NETIF_SLOTS of the consumer, so no slot the device reads is reused and
 * the loop is bounded) and each accepted entry's frame fits its slot (the
 * copy is made, so ASan sees an overrun); an RX consumer lies between the
 * last good one and the producer. A refusal leaves the request zero and
 * maps to an answer label. Exact refusals: tests/corpus/netif-request/expected. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nonos/netif.h"
#include "tests/user/netif_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

static uint32_t le32(const uint8_t *data, size_t size, size_t at)
{
    uint32_t value = 0;
    for (unsigned i = 4; i-- > 0;)
        value = value << 8 | (at + i < size ? data[at + i] : 0);
    return value;
}

static void check_tx(const uint8_t *data, size_t size, const struct netif_replay *r, enum netif_refusal refusal)
{
    static uint8_t slot[NETIF_SLOT_BYTES], frame[NETIF_FRAME_MAX];
    if (refusal == NETIF_ERR_TX_AHEAD || refusal == NETIF_ERR_TX_BEHIND) {
        require(r->accepted == 0);
        return;
    }
    require(r->producer - r->posted == r->accepted);
    require(r->producer - r->consumer <= NETIF_SLOTS);
    require(r->refused <= r->accepted && (r->refused == 0) == (refusal == NETIF_WIRE_OK));
    for (uint32_t i = 0; i < r->accepted; i++) {
        size_t at = NETIF_REPLAY_RING_HEADER + (size_t)((r->posted + i) % NETIF_SLOTS) * 8;
        uint32_t length = le32(data, size, at);
        if (netif_wire_tx_entry(length, le32(data, size, at + 4)) == NETIF_WIRE_OK) {
            require(length >= NETIF_FRAME_MIN && length <= NETIF_FRAME_MAX && length <= sizeof slot);
            memcpy(frame, slot, length);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct netif_request zero;
    struct netif_replay r;
    enum netif_refusal refusal = netif_replay(data, size, &r);
    require((unsigned)refusal < NETIF_ERR_COUNT);
    require((netif_wire_error(refusal) == 0) == (refusal == NETIF_WIRE_OK));
    if (r.kind == NETIF_REPLAY_TX) {
        check_tx(data, size, &r, refusal);
    } else if (r.kind == NETIF_REPLAY_RX) {
        uint32_t consumer = le32(data, size, 6);
        require((refusal == NETIF_WIRE_OK) == (consumer - r.seen <= r.rx_producer - r.seen));
    } else if (refusal == NETIF_WIRE_OK) {
        uint32_t length = size > NETIF_REPLAY_REQUEST_HEADER ? (uint32_t)(size - NETIF_REPLAY_REQUEST_HEADER) : 0;
        bool carried = size > 3 && (data[3] & 1) != 0;
        require(r.request.label == NETIF_OPEN ? length == 0 && carried : length == 8 && !carried);
        require(r.request.label != NETIF_OPEN || r.request.session == 0);
    } else if (refusal != NETIF_ERR_SESSION) {
        require(memcmp(&r.request, &zero, sizeof zero) == 0);
    }
    return 0;
}
