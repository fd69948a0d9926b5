/* IPv4 packets (RFC 791; host requirements from RFC 1122).
 *
 * Header (20..60 bytes, big endian): version 4 and IHL (header length in
 * 32-bit words) (1), type of service (1), total length (2), identification
 * (2), flags (3 bits: reserved, DF, MF) and fragment offset (13 bits) (2),
 * time to live (1), protocol (1), header checksum (2, RFC 1071 over the
 * header), source (4), destination (4), options (IHL*4 - 20 bytes).
 *
 * Decoding checks, in this order: length >= 20 (TRUNCATED), version 4,
 * IHL >= 5 and within the packet, total length between the header length
 * and the bytes present (bytes after total length are link padding and are
 * dropped), the header checksum, the reserved flag bit clear, not a
 * fragment (MF clear and offset 0: fragments are refused, never reassembled;
 * the stack never sends any, so a peer can only fragment what it made too
 * large), time to live non-zero, a source that is not multicast (224/4) or
 * the limited broadcast, and options that are well formed.
 *
 * Options are skipped, not obeyed (RFC 1122 3.2.1.8 lets a host ignore
 * those it does not implement): source routes and record-route are never
 * followed or answered. "Well formed" means each option is End (0), No-op
 * (1) or a type, length >= 2 and that many bytes inside the header. */
#ifndef NONOS_NET_IPV4_H
#define NONOS_NET_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bytes.h"
#include "net/error.h"

#define IPV4_HEADER_SIZE 20
#define IPV4_HEADER_MAX 60
#define IPV4_PROTOCOL_ICMP 1
#define IPV4_PROTOCOL_UDP 17
#define IPV4_DEFAULT_TTL 64

/* a.b.c.d in host order. */
#define NET_IPV4(a, b, c, d) \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define IPV4_BROADCAST NET_IPV4(255, 255, 255, 255)
#define IPV4_ANY 0u
#define IPV4_LINK_LOCAL_PREFIX NET_IPV4(169, 254, 0, 0)
#define IPV4_LINK_LOCAL_MASK NET_IPV4(255, 255, 0, 0)

struct ipv4_packet {
    uint8_t type_of_service;
    uint16_t identification;
    bool dont_fragment;
    uint8_t time_to_live;
    uint8_t protocol;
    uint32_t source;
    uint32_t destination;
    uint8_t header_length; /* in bytes, options included */
    struct bytes payload;  /* total length minus header, a view */
};

bool ipv4_is_link_local(uint32_t address);
bool ipv4_is_multicast(uint32_t address);

enum net_result ipv4_decode(struct bytes packet, struct ipv4_packet *out);

/* Appends a 20-byte header without options for payload_length bytes that
 * the caller appends next, taking type_of_service, identification,
 * dont_fragment, time_to_live, protocol, source and destination from
 * fields. NET_ERR_TOO_LARGE when header and payload exceed the MTU. */
enum net_result ipv4_encode_header(struct byte_buffer *out, const struct ipv4_packet *fields,
                                   size_t payload_length);

#endif
