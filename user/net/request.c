/* Decoding nonos.net's requests (request.h). Pure: no state, no system
 * calls, so that the host tests, the corpus in tests/corpus/net-request/
 * and the fuzz target see exactly what the capsule runs. The label is
 * checked before the length, so a message of an unknown label is
 * NET_REQUEST_ERR_LABEL whatever its length. */
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/error.h>
#include <nonos/net.h>

#include "request.h"

static uint16_t read16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t read32(const uint8_t *p) { return (uint32_t)read16(p) | (uint32_t)read16(p + 2) << 16; }

static enum net_request_kind kind_of(uint64_t label)
{
    switch (label) {
    case NONOS_NET_REPORT: return NET_REQUEST_REPORT;
    case NONOS_NET_PING: return NET_REQUEST_PING;
    case NONOS_NET_UDP_BIND: case NONOS_NET_UDP_SEND: case NONOS_NET_UDP_RECEIVE: case NONOS_NET_UDP_UNBIND:
        return NET_REQUEST_DATAGRAM;
    case NONOS_NET_UDP_NOTIFY: return NET_REQUEST_NOTIFY;
    default: return NET_REQUEST_NONE;
    }
}

/* The length a kind must have; 0 for kinds whose decoder checks it. */
static size_t length_of(enum net_request_kind kind)
{
    return kind == NET_REQUEST_REPORT ? 4 : kind == NET_REQUEST_PING ? 6 : 0;
}

enum net_request_refusal net_request_decode(uint64_t label, const uint8_t *data, size_t length,
                                            struct net_request *out)
{
    *out = (struct net_request){ 0 };
    enum net_request_kind kind = kind_of(label);
    if (kind == NET_REQUEST_NONE)
        return NET_REQUEST_ERR_LABEL;
    size_t exact = length_of(kind);
    if (length > NONOS_MESSAGE_DATA_MAX || (exact != 0 && length != exact))
        return NET_REQUEST_ERR_LENGTH;
    out->kind = kind;
    if (kind == NET_REQUEST_REPORT)
        out->offset = read32(data);
    if (kind == NET_REQUEST_PING) {
        out->address = read32(data);
        out->sequence = read16(data + 4);
    }
    return NET_REQUEST_OK;
}

uint64_t net_request_error(enum net_request_refusal refusal)
{
    return refusal == NET_REQUEST_OK ? 0 : NONOS_ERROR_INVALID_ARGUMENT;
}

const char *net_request_message(enum net_request_refusal refusal)
{
    switch (refusal) {
    case NET_REQUEST_OK: return NULL;
    case NET_REQUEST_ERR_LABEL: return "not a request of nonos.net";
    case NET_REQUEST_ERR_LENGTH: return "the wrong length for the request";
    default: return "unknown refusal";
    }
}

const char *net_request_name(enum net_request_refusal refusal)
{
    static const char *const names[NET_REQUEST_ERR_COUNT] = {
        [NET_REQUEST_OK] = "NET_REQUEST_OK",
        [NET_REQUEST_ERR_LABEL] = "NET_REQUEST_ERR_LABEL",
        [NET_REQUEST_ERR_LENGTH] = "NET_REQUEST_ERR_LENGTH",
    };
    return (unsigned)refusal < NET_REQUEST_ERR_COUNT ? names[refusal] : "NET_REQUEST_ERR_?";
}
