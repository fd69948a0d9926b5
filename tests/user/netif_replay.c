/* Replaying one corpus or fuzz input through netif_wire (netif_replay.h). */
#include "tests/user/netif_replay.h"

#include <nonos/netif.h>

static uint64_t input_le(const uint8_t *input, size_t size, size_t at, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = bytes; i-- > 0;)
        value = value << 8 | (at + i < size ? input[at + i] : 0);
    return value;
}

static enum netif_refusal replay_request(const uint8_t *input, size_t size, struct netif_replay *out)
{
    uint16_t label = (uint16_t)input_le(input, size, 1, 2);
    uint8_t flags = (uint8_t)input_le(input, size, 3, 1);
    uint64_t session = input_le(input, size, 4, 8);
    const uint8_t *data = size > NETIF_REPLAY_REQUEST_HEADER ? input + NETIF_REPLAY_REQUEST_HEADER : input;
    size_t length = size > NETIF_REPLAY_REQUEST_HEADER ? size - NETIF_REPLAY_REQUEST_HEADER : 0;
    if (length > UINT32_MAX)
        length = UINT32_MAX; /* refused as NETIF_ERR_LENGTH all the same */
    enum netif_refusal refusal = netif_wire_decode(label, data, (uint32_t)length, (flags & 1) != 0, &out->request);
    if (refusal == NETIF_WIRE_OK)
        refusal = netif_wire_session_check(&out->request, (flags & 2) != 0, session);
    return refusal;
}

/* The TX window, then each new entry as the driver reads it. */
static enum netif_refusal replay_tx(const uint8_t *input, size_t size, struct netif_replay *out)
{
    out->consumer = (uint32_t)input_le(input, size, 1, 4);
    out->posted = out->consumer + (uint32_t)(input_le(input, size, 5, 1) % (NETIF_SLOTS + 1));
    out->producer = (uint32_t)input_le(input, size, 6, 4);
    uint32_t count;
    enum netif_refusal window = netif_wire_tx_window(out->consumer, out->posted, out->producer, &count);
    if (window != NETIF_WIRE_OK)
        return window;
    enum netif_refusal first = NETIF_WIRE_OK;
    for (uint32_t position = out->posted; count > 0; count--, position++) {
        size_t at = NETIF_REPLAY_RING_HEADER + (size_t)(position % NETIF_SLOTS) * 8;
        enum netif_refusal entry =
            netif_wire_tx_entry((uint32_t)input_le(input, size, at, 4), (uint32_t)input_le(input, size, at + 4, 4));
        out->accepted++;
        if (entry != NETIF_WIRE_OK && out->refused++ == 0)
            first = entry;
    }
    return first;
}

enum netif_refusal netif_replay(const uint8_t *input, size_t size, struct netif_replay *out)
{
    *out = (struct netif_replay){ .kind = (uint8_t)input_le(input, size, 0, 1) };
    if (out->kind == NETIF_REPLAY_TX)
        return replay_tx(input, size, out);
    if (out->kind == NETIF_REPLAY_RX) {
        out->seen = (uint32_t)input_le(input, size, 1, 4);
        out->rx_producer = out->seen + (uint32_t)(input_le(input, size, 5, 1) % (NETIF_SLOTS + 1));
        return netif_wire_rx_consumer(out->seen, out->rx_producer, (uint32_t)input_le(input, size, 6, 4));
    }
    out->kind = NETIF_REPLAY_REQUEST;
    return replay_request(input, size, out);
}
