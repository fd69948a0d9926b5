/* The requests of nonos.net (sdk/include/nonos/net.h, docs/net.md "The
 * capsule"), decoded without any state of the net capsule. Any capsule
 * whose policy lists nonos.net may send them: outside input.
 *
 * This decodes the label and, for REPORT and PING, the whole message:
 *   NONOS_NET_REPORT  offset (4, little endian)
 *   NONOS_NET_PING    IPv4 address (4), sequence number (2)
 * The datagram requests (UDP_BIND..UDP_UNBIND) and UDP_NOTIFY are only
 * recognised here: their own decoders (user/lib/datagram_wire.c,
 * wake_request.c) read their data. Each refusal has its own code (enum
 * net_request_refusal, its symbol for the corpus in
 * tests/corpus/net-request/), and every one is answered with the label
 * NONOS_ERROR_INVALID_ARGUMENT before the stack is touched. On a refusal
 * *out is all zero. Freestanding. */
#ifndef NONOS_USER_NET_REQUEST_H
#define NONOS_USER_NET_REQUEST_H

#include <stddef.h>
#include <stdint.h>

enum net_request_refusal {
    NET_REQUEST_OK = 0,
    NET_REQUEST_ERR_LABEL,  /* no request of nonos.net */
    NET_REQUEST_ERR_LENGTH, /* REPORT not 4 bytes, PING not 6, any request over a message */
    NET_REQUEST_ERR_COUNT
};

enum net_request_kind {
    NET_REQUEST_NONE = 0,
    NET_REQUEST_REPORT,
    NET_REQUEST_PING,
    NET_REQUEST_DATAGRAM, /* UDP_BIND, UDP_SEND, UDP_RECEIVE, UDP_UNBIND */
    NET_REQUEST_NOTIFY,   /* UDP_NOTIFY */
};

struct net_request {
    enum net_request_kind kind;
    uint32_t offset;   /* REPORT: where to read the report */
    uint32_t address;  /* PING: a<<24 | b<<16 | c<<8 | d */
    uint16_t sequence; /* PING */
};

/* The label and the length of data[0..length) (a message's data) and,
 * for REPORT and PING, the fields. */
enum net_request_refusal net_request_decode(uint64_t label, const uint8_t *data, size_t length,
                                            struct net_request *out);

/* The IPC label a refusal is answered with: 0 for NET_REQUEST_OK, else
 * NONOS_ERROR_INVALID_ARGUMENT. */
uint64_t net_request_error(enum net_request_refusal refusal);

/* What is wrong, in words (NULL for NET_REQUEST_OK). */
const char *net_request_message(enum net_request_refusal refusal);

/* The symbol ("NET_REQUEST_ERR_LENGTH"); "NET_REQUEST_ERR_?" out of range. */
const char *net_request_name(enum net_request_refusal refusal);

#endif
