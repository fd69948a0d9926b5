/* Ethernet II frames (see ethernet.h). The decoder only validates and points
 * into the frame; it never copies the payload. */
#include "net/ethernet.h"

#include "base/endian.h"
#include "net/buffer.h"

const struct eth_address eth_broadcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

bool eth_address_equal(const struct eth_address *a, const struct eth_address *b)
{
    for (int i = 0; i < ETH_ADDRESS_SIZE; i++)
        if (a->bytes[i] != b->bytes[i])
            return false;
    return true;
}

bool eth_address_is_group(const struct eth_address *a)
{
    return (a->bytes[0] & 1) != 0;
}

bool eth_address_is_zero(const struct eth_address *a)
{
    uint8_t any = 0;
    for (int i = 0; i < ETH_ADDRESS_SIZE; i++)
        any |= a->bytes[i];
    return any == 0;
}

enum net_result eth_decode(struct bytes frame, struct eth_frame *out)
{
    if (frame.len < ETH_HEADER_SIZE)
        return NET_ERR_TRUNCATED;
    if (frame.len > ETH_FRAME_MAX)
        return NET_ERR_TOO_LARGE;
    uint16_t type = load16_be(frame.data + 12);
    if (type < 0x0600)
        return NET_ERR_ETH_LENGTH_FIELD;
    if (type == ETH_TYPE_VLAN || type == ETH_TYPE_QINQ)
        return NET_ERR_ETH_VLAN;
    struct eth_address source = { { 0 } };
    net_copy(source.bytes, frame.data + 6, ETH_ADDRESS_SIZE);
    if (eth_address_is_group(&source))
        return NET_ERR_ETH_SOURCE;
    net_copy(out->destination.bytes, frame.data, ETH_ADDRESS_SIZE);
    out->source = source;
    out->type = type;
    out->payload = bytes_make(frame.data + ETH_HEADER_SIZE, frame.len - ETH_HEADER_SIZE);
    return NET_OK;
}

enum net_result eth_encode_header(struct byte_buffer *out, const struct eth_address *destination,
                                  const struct eth_address *source, uint16_t type)
{
    uint8_t *header = net_buffer_reserve(out, ETH_HEADER_SIZE);
    if (header == NULL)
        return NET_ERR_BUFFER;
    net_copy(header, destination->bytes, ETH_ADDRESS_SIZE);
    net_copy(header + 6, source->bytes, ETH_ADDRESS_SIZE);
    store16_be(header + 12, type);
    return NET_OK;
}

enum net_result eth_encode_finish(struct byte_buffer *out)
{
    if (out->len >= ETH_FRAME_MIN)
        return out->len > ETH_FRAME_MAX ? NET_ERR_TOO_LARGE : NET_OK;
    size_t missing = ETH_FRAME_MIN - out->len;
    uint8_t *pad = net_buffer_reserve(out, missing);
    if (pad == NULL)
        return NET_ERR_BUFFER;
    net_zero(pad, missing);
    return NET_OK;
}
