/* ARP for IPv4 over Ethernet (RFC 826), the only pairing spoken.
 *
 * Wire format (28 bytes, big endian): hardware type 1 (2), protocol type
 * 0x0800 (2), hardware length 6 (1), protocol length 4 (1), operation
 * 1 request / 2 reply (2), sender hardware address (6), sender protocol
 * address (4), target hardware address (6), target protocol address (4).
 * Bytes after the 28 (Ethernet padding) are ignored.
 *
 * Refused: another hardware or protocol pairing, another operation (RARP,
 * InARP), a multicast or broadcast sender hardware address. */
#ifndef NONOS_NET_ARP_H
#define NONOS_NET_ARP_H

#include <stdint.h>

#include "base/bytes.h"
#include "net/error.h"
#include "net/ethernet.h"

#define ARP_PACKET_SIZE 28
#define ARP_OPERATION_REQUEST 1
#define ARP_OPERATION_REPLY 2

struct arp_packet {
    uint16_t operation;
    struct eth_address sender_hardware;
    uint32_t sender_ip; /* IPv4 addresses in host order: 169.254.0.1 is 0xa9fe0001 */
    struct eth_address target_hardware;
    uint32_t target_ip;
};

enum net_result arp_decode(struct bytes packet, struct arp_packet *out);
enum net_result arp_encode(struct byte_buffer *out, const struct arp_packet *packet);

#endif
