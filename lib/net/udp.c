/* UDP, RFC 768 (see udp.h). */
#include "net/udp.h"

#include "base/endian.h"
#include "net/buffer.h"
#include "net/checksum.h"
#include "net/ethernet.h"
#include "net/ipv4.h"

static uint64_t pseudo_header_sum(uint32_t source, uint32_t destination, size_t length)
{
    uint8_t pseudo[12];
    store32_be(pseudo, source);
    store32_be(pseudo + 4, destination);
    pseudo[8] = 0;
    pseudo[9] = IPV4_PROTOCOL_UDP;
    store16_be(pseudo + 10, (uint16_t)length);
    return net_checksum_add(0, pseudo, sizeof pseudo);
}

enum net_result udp_decode(struct bytes segment, uint32_t source, uint32_t destination,
                           struct udp_datagram *out)
{
    const uint8_t *p = segment.data;
    if (segment.len < UDP_HEADER_SIZE)
        return NET_ERR_TRUNCATED;
    if (load16_be(p + 4) != segment.len)
        return NET_ERR_UDP_LENGTH;
    uint16_t checksum = load16_be(p + 6);
    if (checksum != 0) {
        uint64_t sum = pseudo_header_sum(source, destination, segment.len);
        if (net_checksum_finish(net_checksum_add(sum, p, segment.len)) != 0)
            return NET_ERR_UDP_CHECKSUM;
    }
    if (load16_be(p + 2) == 0)
        return NET_ERR_UDP_PORT;
    out->source_port = load16_be(p);
    out->destination_port = load16_be(p + 2);
    out->checksummed = checksum != 0;
    out->payload = bytes_make(p + UDP_HEADER_SIZE, segment.len - UDP_HEADER_SIZE);
    return NET_OK;
}

enum net_result udp_encode(struct byte_buffer *out, uint32_t source, uint32_t destination,
                           uint16_t source_port, uint16_t destination_port, struct bytes payload)
{
    if (payload.len > ETH_MTU - IPV4_HEADER_SIZE - UDP_HEADER_SIZE)
        return NET_ERR_TOO_LARGE;
    size_t length = UDP_HEADER_SIZE + payload.len;
    uint8_t *p = net_buffer_reserve(out, length);
    if (p == NULL)
        return NET_ERR_BUFFER;
    store16_be(p, source_port);
    store16_be(p + 2, destination_port);
    store16_be(p + 4, (uint16_t)length);
    store16_be(p + 6, 0);
    net_copy(p + UDP_HEADER_SIZE, payload.data, payload.len);
    uint64_t sum = pseudo_header_sum(source, destination, length);
    uint16_t checksum = net_checksum_finish(net_checksum_add(sum, p, length));
    store16_be(p + 6, checksum == 0 ? 0xffff : checksum);
    return NET_OK;
}
