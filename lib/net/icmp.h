/* ICMP echo request and echo reply (RFC 792), the only ICMP spoken.
 *
 * Message (8 bytes + data, big endian): type (8 request, 0 reply), code 0,
 * checksum (RFC 1071 over the whole ICMP message), identifier, sequence
 * number, data (echoed unchanged).
 *
 * Refused: fewer than 8 bytes, a wrong checksum, any other type
 * (destination unreachable, redirect, time exceeded, ...: the stack neither
 * acts on nor answers them; they are counted under NET_ERR_ICMP_TYPE), an
 * echo with a non-zero code. */
#ifndef NONOS_NET_ICMP_H
#define NONOS_NET_ICMP_H

#include <stdint.h>

#include "base/bytes.h"
#include "net/error.h"

#define ICMP_HEADER_SIZE 8
#define ICMP_TYPE_ECHO_REPLY 0
#define ICMP_TYPE_ECHO_REQUEST 8

struct icmp_echo {
    uint8_t type;
    uint16_t identifier;
    uint16_t sequence;
    struct bytes data; /* a view */
};

enum net_result icmp_echo_decode(struct bytes message, struct icmp_echo *out);
enum net_result icmp_echo_encode(struct byte_buffer *out, const struct icmp_echo *echo);

#endif
