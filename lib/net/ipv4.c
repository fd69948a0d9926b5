/* IPv4 headers, RFC 791 (see ipv4.h for what is checked and refused). */
#include "net/ipv4.h"

#include "base/endian.h"
#include "net/buffer.h"
#include "net/checksum.h"
#include "net/ethernet.h"

#define IPV4_FLAG_RESERVED 0x8000
#define IPV4_FLAG_DONT_FRAGMENT 0x4000
#define IPV4_FLAG_MORE_FRAGMENTS 0x2000
#define IPV4_FRAGMENT_OFFSET 0x1fff
#define IPV4_OPTION_END 0
#define IPV4_OPTION_NOP 1

bool ipv4_is_link_local(uint32_t address)
{
    return (address & IPV4_LINK_LOCAL_MASK) == IPV4_LINK_LOCAL_PREFIX;
}

bool ipv4_is_multicast(uint32_t address)
{
    return (address >> 28) == 0xe;
}

/* Walks the option bytes: each is End, No-op, or type, length, data. */
static enum net_result options_check(const uint8_t *options, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t type = options[i];
        if (type == IPV4_OPTION_END)
            return NET_OK;
        if (type == IPV4_OPTION_NOP) {
            i++;
            continue;
        }
        if (len - i < 2 || options[i + 1] < 2 || options[i + 1] > len - i)
            return NET_ERR_IP_OPTION;
        i += options[i + 1];
    }
    return NET_OK;
}

static enum net_result header_check(const uint8_t *p, size_t available, size_t *header_length,
                                    size_t *total_length)
{
    if ((p[0] >> 4) != 4)
        return NET_ERR_IP_VERSION;
    *header_length = (size_t)(p[0] & 0xf) * 4;
    if (*header_length < IPV4_HEADER_SIZE || *header_length > available)
        return NET_ERR_IP_HEADER_LENGTH;
    *total_length = load16_be(p + 2);
    if (*total_length < *header_length || *total_length > available)
        return NET_ERR_IP_TOTAL_LENGTH;
    if (net_checksum(p, *header_length) != 0)
        return NET_ERR_IP_CHECKSUM;
    uint16_t flags = load16_be(p + 6);
    if (flags & IPV4_FLAG_RESERVED)
        return NET_ERR_IP_FLAGS;
    if (flags & (IPV4_FLAG_MORE_FRAGMENTS | IPV4_FRAGMENT_OFFSET))
        return NET_ERR_IP_FRAGMENT;
    if (p[8] == 0)
        return NET_ERR_IP_TTL;
    uint32_t source = load32_be(p + 12);
    if (ipv4_is_multicast(source) || source == IPV4_BROADCAST)
        return NET_ERR_IP_SOURCE;
    return options_check(p + IPV4_HEADER_SIZE, *header_length - IPV4_HEADER_SIZE);
}

enum net_result ipv4_decode(struct bytes packet, struct ipv4_packet *out)
{
    const uint8_t *p = packet.data;
    if (packet.len < IPV4_HEADER_SIZE)
        return NET_ERR_TRUNCATED;
    size_t header_length, total_length;
    enum net_result result = header_check(p, packet.len, &header_length, &total_length);
    if (result != NET_OK)
        return result;
    out->type_of_service = p[1];
    out->identification = load16_be(p + 4);
    out->dont_fragment = (load16_be(p + 6) & IPV4_FLAG_DONT_FRAGMENT) != 0;
    out->time_to_live = p[8];
    out->protocol = p[9];
    out->source = load32_be(p + 12);
    out->destination = load32_be(p + 16);
    out->header_length = (uint8_t)header_length;
    out->payload = bytes_make(p + header_length, total_length - header_length);
    return NET_OK;
}

enum net_result ipv4_encode_header(struct byte_buffer *out, const struct ipv4_packet *fields,
                                   size_t payload_length)
{
    if (payload_length > ETH_MTU - IPV4_HEADER_SIZE)
        return NET_ERR_TOO_LARGE;
    uint8_t *p = net_buffer_reserve(out, IPV4_HEADER_SIZE);
    if (p == NULL)
        return NET_ERR_BUFFER;
    p[0] = 0x45;
    p[1] = fields->type_of_service;
    store16_be(p + 2, (uint16_t)(IPV4_HEADER_SIZE + payload_length));
    store16_be(p + 4, fields->identification);
    store16_be(p + 6, fields->dont_fragment ? IPV4_FLAG_DONT_FRAGMENT : 0);
    p[8] = fields->time_to_live;
    p[9] = fields->protocol;
    store16_be(p + 10, 0);
    store32_be(p + 12, fields->source);
    store32_be(p + 16, fields->destination);
    store16_be(p + 10, net_checksum(p, IPV4_HEADER_SIZE));
    return NET_OK;
}
