/* UDP datagrams (RFC 768).
 *
 * Header (8 bytes, big endian): source port, destination port, length
 * (header + data), checksum (RFC 1071 over a pseudo-header of source
 * address, destination address, zero, protocol 17, UDP length, then the
 * header and data). A transmitted checksum of 0 means "none" and is accepted
 * (RFC 768; RFC 1122 4.1.3.4 lets a host accept it); a computed checksum of
 * 0 is sent as 0xffff.
 *
 * Refused: fewer than 8 bytes (TRUNCATED), a length field that is not
 * exactly the IP payload length (a shorter one would hide trailing bytes,
 * so this decoder is strict), a wrong checksum, destination port 0. */
#ifndef NONOS_NET_UDP_H
#define NONOS_NET_UDP_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bytes.h"
#include "net/error.h"

#define UDP_HEADER_SIZE 8

struct udp_datagram {
    uint16_t source_port;
    uint16_t destination_port;
    bool checksummed;     /* false when the sender sent checksum 0 */
    struct bytes payload; /* a view */
};

/* source and destination are the IPv4 addresses of the carrying packet. */
enum net_result udp_decode(struct bytes segment, uint32_t source, uint32_t destination,
                           struct udp_datagram *out);

/* Appends header and payload with the checksum filled in. */
enum net_result udp_encode(struct byte_buffer *out, uint32_t source, uint32_t destination,
                           uint16_t source_port, uint16_t destination_port, struct bytes payload);

#endif
