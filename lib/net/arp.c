/* ARP packets, RFC 826 (see arp.h). */
#include "net/arp.h"

#include "base/endian.h"
#include "net/buffer.h"

#define ARP_HARDWARE_ETHERNET 1

enum net_result arp_decode(struct bytes packet, struct arp_packet *out)
{
    const uint8_t *p = packet.data;
    if (packet.len < ARP_PACKET_SIZE)
        return NET_ERR_TRUNCATED;
    if (load16_be(p) != ARP_HARDWARE_ETHERNET || p[4] != ETH_ADDRESS_SIZE)
        return NET_ERR_ARP_HARDWARE;
    if (load16_be(p + 2) != ETH_TYPE_IPV4 || p[5] != 4)
        return NET_ERR_ARP_PROTOCOL;
    uint16_t operation = load16_be(p + 6);
    if (operation != ARP_OPERATION_REQUEST && operation != ARP_OPERATION_REPLY)
        return NET_ERR_ARP_OPERATION;
    struct arp_packet decoded = { 0 };
    decoded.operation = operation;
    net_copy(decoded.sender_hardware.bytes, p + 8, ETH_ADDRESS_SIZE);
    decoded.sender_ip = load32_be(p + 14);
    net_copy(decoded.target_hardware.bytes, p + 18, ETH_ADDRESS_SIZE);
    decoded.target_ip = load32_be(p + 24);
    if (eth_address_is_group(&decoded.sender_hardware))
        return NET_ERR_ARP_SENDER;
    *out = decoded;
    return NET_OK;
}

enum net_result arp_encode(struct byte_buffer *out, const struct arp_packet *packet)
{
    uint8_t *p = net_buffer_reserve(out, ARP_PACKET_SIZE);
    if (p == NULL)
        return NET_ERR_BUFFER;
    store16_be(p, ARP_HARDWARE_ETHERNET);
    store16_be(p + 2, ETH_TYPE_IPV4);
    p[4] = ETH_ADDRESS_SIZE;
    p[5] = 4;
    store16_be(p + 6, packet->operation);
    net_copy(p + 8, packet->sender_hardware.bytes, ETH_ADDRESS_SIZE);
    store32_be(p + 14, packet->sender_ip);
    net_copy(p + 18, packet->target_hardware.bytes, ETH_ADDRESS_SIZE);
    store32_be(p + 24, packet->target_ip);
    return NET_OK;
}
