/* Replaying one corpus or fuzz input through datagram_wire (datagram_replay.h). */
#include "tests/user/datagram_replay.h"

#include <nonos/net.h>

static uint16_t input16(const uint8_t *input, size_t size, size_t at)
{
    uint16_t low = at < size ? input[at] : 0, high = at + 1 < size ? input[at + 1] : 0;
    return (uint16_t)(low | high << 8);
}

enum datagram_refusal datagram_replay(const uint8_t *input, size_t size, struct datagram_request *request,
                                      uint32_t *receive_chunk)
{
    uint16_t label = input16(input, size, 0), state = input16(input, size, 2);
    const uint8_t *data = size > DATAGRAM_REPLAY_HEADER ? input + DATAGRAM_REPLAY_HEADER : input;
    size_t length = size > DATAGRAM_REPLAY_HEADER ? size - DATAGRAM_REPLAY_HEADER : 0;
    *receive_chunk = 0;
    if (length > UINT32_MAX)
        length = UINT32_MAX; /* refused as DATAGRAM_ERR_LENGTH all the same */
    enum datagram_refusal refusal = datagram_wire_decode(label, data, (uint32_t)length, request);
    if (refusal != DATAGRAM_OK)
        return refusal;
    if (label == NONOS_NET_UDP_SEND)
        return datagram_wire_send_check(request, state);
    if (label == NONOS_NET_UDP_RECEIVE)
        return datagram_wire_receive_window(state, request->offset, receive_chunk);
    return DATAGRAM_OK;
}
