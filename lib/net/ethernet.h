/* Ethernet II frames (IEEE 802.3 with an EtherType, as RFC 894 carries IP).
 *
 * Wire format, no preamble and no frame check sequence (the NIC handles
 * both): destination address (6), source address (6), EtherType (2, big
 * endian), payload (46..1500; shorter payloads are padded with zeros to the
 * 60-byte minimum frame by eth_encode_finish).
 *
 * Refused: EtherType values below 0x0600 (802.3 length field: LLC/SNAP is
 * not spoken), VLAN tags (0x8100, 0x88a8: no VLAN support), payloads longer
 * than 1500 bytes (no jumbo frames), and a multicast or broadcast source. */
#ifndef NONOS_NET_ETHERNET_H
#define NONOS_NET_ETHERNET_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bytes.h"
#include "net/error.h"

#define ETH_ADDRESS_SIZE 6
#define ETH_HEADER_SIZE 14
#define ETH_MTU 1500
#define ETH_FRAME_MIN 60 /* without the frame check sequence */
#define ETH_FRAME_MAX (ETH_HEADER_SIZE + ETH_MTU)

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_QINQ 0x88a8

struct eth_address {
    uint8_t bytes[ETH_ADDRESS_SIZE];
};

struct eth_frame {
    struct eth_address destination;
    struct eth_address source;
    uint16_t type;
    struct bytes payload; /* a view into the decoded frame */
};

extern const struct eth_address eth_broadcast;

bool eth_address_equal(const struct eth_address *a, const struct eth_address *b);
/* Group bit (the low bit of the first byte): multicast and broadcast. */
bool eth_address_is_group(const struct eth_address *a);
bool eth_address_is_zero(const struct eth_address *a);

enum net_result eth_decode(struct bytes frame, struct eth_frame *out);

/* Appends the 14-byte header to out. */
enum net_result eth_encode_header(struct byte_buffer *out, const struct eth_address *destination,
                                  const struct eth_address *source, uint16_t type);

/* Pads a frame (header already in out) with zeros to ETH_FRAME_MIN bytes. */
enum net_result eth_encode_finish(struct byte_buffer *out);

#endif
