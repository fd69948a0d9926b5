/* Decoding nonos.net's datagram replies (net_reply.h), for the mesh
 * capsule and the shell. Pure: no state, no system calls, so that the host
 * tests, the corpus in tests/corpus/mesh-net-reply/ and the fuzz target see
 * exactly what the capsules run. Lengths first, then fields, then a RECEIVE chunk against
 * the datagram gathered so far. */
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/net.h>

#include "net_reply.h"

static uint16_t read16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t read32(const uint8_t *p) { return (uint32_t)read16(p) | (uint32_t)read16(p + 2) << 16; }

static enum net_reply_refusal bind_decode(const uint8_t *data, size_t length, struct net_reply *out)
{
    if (length != 5)
        return NET_REPLY_ERR_LENGTH;
    if (data[0] > 1)
        return NET_REPLY_ERR_SCOPE;
    out->scope = data[0];
    out->address = read32(data + 1);
    return NET_REPLY_OK;
}

static enum net_reply_refusal send_decode(const uint8_t *data, size_t length, struct net_reply *out)
{
    if (length == 0)
        return NET_REPLY_ERR_LENGTH;
    if (data[0] > NONOS_NET_SENT_FAILED)
        return NET_REPLY_ERR_SENT;
    out->sent = data[0];
    if (length > 1) {
        out->text = data + 1;
        out->text_length = (uint32_t)(length - 1);
    }
    return NET_REPLY_OK;
}

/* A chunk of the datagram being gathered: the same total as the first
 * chunk's, ending within it, and not empty before the end (a reply that
 * never advances would keep the capsule asking). An empty datagram (total
 * 0, a UDP datagram may carry nothing) is one chunk of nothing. */
static enum net_reply_refusal receive_decode(const uint8_t *data, size_t length, uint16_t got, uint16_t total,
                                             struct net_reply *out)
{
    if (length == 0)
        return got == 0 ? NET_REPLY_OK : NET_REPLY_ERR_CHANGED;
    if (length < NONOS_NET_UDP_RECEIVE_HEADER)
        return NET_REPLY_ERR_LENGTH;
    uint16_t said = read16(data + 6);
    if (said > NONOS_NET_UDP_MAX)
        return NET_REPLY_ERR_TOTAL;
    if (got != 0 && said != total)
        return NET_REPLY_ERR_CHANGED;
    size_t chunk = length - NONOS_NET_UDP_RECEIVE_HEADER;
    if ((size_t)got + chunk > said)
        return NET_REPLY_ERR_PAST_TOTAL;
    if (chunk == 0 && got < said)
        return NET_REPLY_ERR_STALLED;
    out->address = read32(data);
    out->port = read16(data + 4);
    out->total = said;
    out->chunk = data + NONOS_NET_UDP_RECEIVE_HEADER;
    out->chunk_length = (uint32_t)chunk;
    return NET_REPLY_OK;
}

enum net_reply_refusal net_reply_decode(uint64_t label, const uint8_t *data, size_t length, uint16_t got,
                                        uint16_t total, struct net_reply *out)
{
    *out = (struct net_reply){ 0 };
    enum net_reply_refusal refusal;
    if (label != NONOS_NET_UDP_BIND && label != NONOS_NET_UDP_SEND && label != NONOS_NET_UDP_RECEIVE)
        refusal = NET_REPLY_ERR_LABEL;
    else if (length > NONOS_MESSAGE_DATA_MAX)
        refusal = NET_REPLY_ERR_LENGTH;
    else if (label == NONOS_NET_UDP_BIND)
        refusal = bind_decode(data, length, out);
    else if (label == NONOS_NET_UDP_SEND)
        refusal = send_decode(data, length, out);
    else
        refusal = receive_decode(data, length, got, total, out);
    if (refusal != NET_REPLY_OK)
        *out = (struct net_reply){ 0 };
    return refusal;
}

const char *net_reply_name(enum net_reply_refusal refusal)
{
    static const char *const names[NET_REPLY_ERR_COUNT] = {
        [NET_REPLY_OK] = "NET_REPLY_OK",
        [NET_REPLY_ERR_LABEL] = "NET_REPLY_ERR_LABEL",
        [NET_REPLY_ERR_LENGTH] = "NET_REPLY_ERR_LENGTH",
        [NET_REPLY_ERR_SCOPE] = "NET_REPLY_ERR_SCOPE",
        [NET_REPLY_ERR_SENT] = "NET_REPLY_ERR_SENT",
        [NET_REPLY_ERR_TOTAL] = "NET_REPLY_ERR_TOTAL",
        [NET_REPLY_ERR_CHANGED] = "NET_REPLY_ERR_CHANGED",
        [NET_REPLY_ERR_PAST_TOTAL] = "NET_REPLY_ERR_PAST_TOTAL",
        [NET_REPLY_ERR_STALLED] = "NET_REPLY_ERR_STALLED",
    };
    return (unsigned)refusal < NET_REPLY_ERR_COUNT ? names[refusal] : "NET_REPLY_ERR_?";
}

const char *net_reply_message(enum net_reply_refusal refusal)
{
    switch (refusal) {
    case NET_REPLY_OK: return NULL;
    case NET_REPLY_ERR_LABEL: return "not a reply to a datagram bind, send or receive";
    case NET_REPLY_ERR_LENGTH: return "the wrong length for the reply";
    case NET_REPLY_ERR_SCOPE: return "a bind reply of an unknown scope";
    case NET_REPLY_ERR_SENT: return "a send reply of an unknown result";
    case NET_REPLY_ERR_TOTAL: return "a datagram over 1472 bytes";
    case NET_REPLY_ERR_CHANGED: return "the datagram changed while it was read";
    case NET_REPLY_ERR_PAST_TOTAL: return "a chunk past the datagram's end";
    case NET_REPLY_ERR_STALLED: return "an empty chunk before the datagram's end";
    default: return "unknown refusal";
    }
}
