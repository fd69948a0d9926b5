/* Decoding and checking nonos.net's datagram requests (datagram_wire.h).
 * Pure: no state, no system calls, so that the host tests, the corpus in
 * tests/corpus/net-datagram/ and the fuzz target see exactly what the
 * capsule runs. The checks are those of docs/net.md "Datagrams"; their
 * order decides which refusal a request with several faults gets. */
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/error.h>
#include <nonos/net.h>

#include "datagram_wire.h"

#define RECEIVE_CHUNK_MAX (NONOS_MESSAGE_DATA_MAX - NONOS_NET_UDP_RECEIVE_HEADER)

static uint16_t read16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t read32(const uint8_t *p) { return (uint32_t)read16(p) | (uint32_t)read16(p + 2) << 16; }

static enum datagram_refusal length_check(uint64_t label, uint32_t length)
{
    switch (label) {
    case NONOS_NET_UDP_BIND: case NONOS_NET_UDP_UNBIND:
        return length == 2 ? DATAGRAM_OK : DATAGRAM_ERR_LENGTH;
    case NONOS_NET_UDP_RECEIVE:
        return length == 4 ? DATAGRAM_OK : DATAGRAM_ERR_LENGTH;
    case NONOS_NET_UDP_SEND:
        return length >= NONOS_NET_UDP_SEND_HEADER && length <= NONOS_MESSAGE_DATA_MAX ? DATAGRAM_OK
                                                                                       : DATAGRAM_ERR_LENGTH;
    default:
        return DATAGRAM_ERR_LABEL;
    }
}

enum datagram_refusal datagram_wire_decode(uint64_t label, const uint8_t *data, uint32_t length,
                                           struct datagram_request *out)
{
    *out = (struct datagram_request){ 0 };
    enum datagram_refusal refusal = length_check(label, length);
    if (refusal != DATAGRAM_OK)
        return refusal;
    out->label = label;
    out->port = read16(data);
    if (label == NONOS_NET_UDP_RECEIVE)
        out->offset = read16(data + 2);
    if (label == NONOS_NET_UDP_SEND) {
        out->address = read32(data + 2);
        out->remote_port = read16(data + 6);
        out->total = read16(data + 8);
        out->offset = read16(data + 10);
        out->chunk = data + NONOS_NET_UDP_SEND_HEADER;
        out->chunk_length = length - NONOS_NET_UDP_SEND_HEADER;
    }
    return DATAGRAM_OK;
}

enum datagram_refusal datagram_wire_send_check(const struct datagram_request *request, uint16_t gathered)
{
    if (request->total == 0 || request->total > NONOS_NET_UDP_MAX)
        return DATAGRAM_ERR_TOTAL;
    if (request->offset != 0 && request->offset != gathered)
        return DATAGRAM_ERR_OFFSET;
    if ((uint32_t)request->offset + request->chunk_length > request->total)
        return DATAGRAM_ERR_PAST_TOTAL;
    if (request->chunk_length == 0)
        return DATAGRAM_ERR_EMPTY_CHUNK;
    return DATAGRAM_OK;
}

enum datagram_refusal datagram_wire_receive_window(uint16_t length, uint16_t offset, uint32_t *chunk)
{
    if (offset > length)
        return DATAGRAM_ERR_RECEIVE_OFFSET;
    *chunk = (uint32_t)(length - offset);
    if (*chunk > RECEIVE_CHUNK_MAX)
        *chunk = RECEIVE_CHUNK_MAX;
    return DATAGRAM_OK;
}

uint64_t datagram_wire_error(enum datagram_refusal refusal)
{
    return refusal == DATAGRAM_OK ? 0 : NONOS_ERROR_INVALID_ARGUMENT;
}

const char *datagram_wire_name(enum datagram_refusal refusal)
{
    static const char *const names[DATAGRAM_ERR_COUNT] = {
        [DATAGRAM_OK] = "DATAGRAM_OK",
        [DATAGRAM_ERR_LABEL] = "DATAGRAM_ERR_LABEL",
        [DATAGRAM_ERR_LENGTH] = "DATAGRAM_ERR_LENGTH",
        [DATAGRAM_ERR_TOTAL] = "DATAGRAM_ERR_TOTAL",
        [DATAGRAM_ERR_OFFSET] = "DATAGRAM_ERR_OFFSET",
        [DATAGRAM_ERR_PAST_TOTAL] = "DATAGRAM_ERR_PAST_TOTAL",
        [DATAGRAM_ERR_EMPTY_CHUNK] = "DATAGRAM_ERR_EMPTY_CHUNK",
        [DATAGRAM_ERR_RECEIVE_OFFSET] = "DATAGRAM_ERR_RECEIVE_OFFSET",
    };
    return (unsigned)refusal < DATAGRAM_ERR_COUNT ? names[refusal] : "DATAGRAM_ERR_?";
}
