/* ICMP echo, RFC 792 (see icmp.h). */
#include "net/icmp.h"

#include "base/endian.h"
#include "net/buffer.h"
#include "net/checksum.h"
#include "net/ethernet.h"
#include "net/ipv4.h"

enum net_result icmp_echo_decode(struct bytes message, struct icmp_echo *out)
{
    const uint8_t *p = message.data;
    if (message.len < ICMP_HEADER_SIZE)
        return NET_ERR_TRUNCATED;
    if (net_checksum(p, message.len) != 0)
        return NET_ERR_ICMP_CHECKSUM;
    if (p[0] != ICMP_TYPE_ECHO_REQUEST && p[0] != ICMP_TYPE_ECHO_REPLY)
        return NET_ERR_ICMP_TYPE;
    if (p[1] != 0)
        return NET_ERR_ICMP_CODE;
    out->type = p[0];
    out->identifier = load16_be(p + 4);
    out->sequence = load16_be(p + 6);
    out->data = bytes_make(p + ICMP_HEADER_SIZE, message.len - ICMP_HEADER_SIZE);
    return NET_OK;
}

enum net_result icmp_echo_encode(struct byte_buffer *out, const struct icmp_echo *echo)
{
    if (echo->type != ICMP_TYPE_ECHO_REQUEST && echo->type != ICMP_TYPE_ECHO_REPLY)
        return NET_ERR_ICMP_TYPE;
    if (echo->data.len > ETH_MTU - IPV4_HEADER_SIZE - ICMP_HEADER_SIZE)
        return NET_ERR_TOO_LARGE;
    size_t length = ICMP_HEADER_SIZE + echo->data.len;
    uint8_t *p = net_buffer_reserve(out, length);
    if (p == NULL)
        return NET_ERR_BUFFER;
    p[0] = echo->type;
    p[1] = 0;
    store16_be(p + 2, 0);
    store16_be(p + 4, echo->identifier);
    store16_be(p + 6, echo->sequence);
    net_copy(p + ICMP_HEADER_SIZE, echo->data.data, echo->data.len);
    store16_be(p + 2, net_checksum(p, length));
    return NET_OK;
}
