/* Requests of nonos.net's datagram API (sdk/include/nonos/net.h, docs/net.md
 * "Datagrams"), decoded and checked without any state of the net capsule:
 * the UDP_BIND/SEND/RECEIVE/UNBIND messages other capsules send it.
 *
 * Each refusal has its own code (enum datagram_refusal, with its symbol for
 * the corpus in tests/corpus/net-datagram/); every one is answered with the
 * same IPC label, NONOS_ERROR_INVALID_ARGUMENT (datagram_wire_error). The
 * checks come in the order the capsule must make them, around its own
 * (client scope, socket owner): first the label and length
 * (datagram_wire_decode), then, for the caller's own socket only, a send
 * chunk against the bytes gathered so far (datagram_wire_send_check) or a
 * read offset against the held datagram (datagram_wire_receive_window).
 * Nothing here writes anything the caller may use on a refusal.
 * Freestanding; used by user/net/datagram.c. */
#ifndef NONOS_USER_DATAGRAM_WIRE_H
#define NONOS_USER_DATAGRAM_WIRE_H

#include <stdint.h>

enum datagram_refusal {
    DATAGRAM_OK = 0,
    DATAGRAM_ERR_LABEL,          /* not one of the UDP_* labels */
    DATAGRAM_ERR_LENGTH,         /* the wrong message length for the label */
    DATAGRAM_ERR_TOTAL,          /* SEND: total length 0 or above NONOS_NET_UDP_MAX */
    DATAGRAM_ERR_OFFSET,         /* SEND: offset neither 0 nor the bytes gathered so far */
    DATAGRAM_ERR_PAST_TOTAL,     /* SEND: the chunk ends beyond the total length */
    DATAGRAM_ERR_EMPTY_CHUNK,    /* SEND: a chunk of no bytes */
    DATAGRAM_ERR_RECEIVE_OFFSET, /* RECEIVE: offset beyond the held datagram */
    DATAGRAM_ERR_COUNT
};

/* One request's fields (integers little endian on the wire). */
struct datagram_request {
    uint64_t label;            /* NONOS_NET_UDP_* */
    uint16_t port;             /* the client's own port (every request) */
    uint32_t address;          /* SEND: the destination address */
    uint16_t remote_port;      /* SEND: the destination port */
    uint16_t total;            /* SEND: the whole datagram's length */
    uint16_t offset;           /* SEND: this chunk's offset; RECEIVE: where to read */
    const uint8_t *chunk;      /* SEND: a view into the message's data */
    uint32_t chunk_length;
};

/* The label and the length of data[0..length) (a message's data, length at
 * most NONOS_MESSAGE_DATA_MAX by the kernel's word) and the fields. On a
 * refusal *out is all zero. */
enum datagram_refusal datagram_wire_decode(uint64_t label, const uint8_t *data, uint32_t length,
                                           struct datagram_request *out);

/* A decoded SEND's chunk, given the `gathered` bytes of the send in
 * progress on its socket: the chunk must start a datagram (offset 0) or
 * continue it (offset == gathered), hold at least one byte and end within
 * the total, which is 1..NONOS_NET_UDP_MAX. */
enum datagram_refusal datagram_wire_send_check(const struct datagram_request *request, uint16_t gathered);

/* A RECEIVE of the held datagram of `length` bytes from `offset`: the
 * bytes of this reply's chunk in *chunk (at most what a reply carries
 * after its header; 0 at the end). */
enum datagram_refusal datagram_wire_receive_window(uint16_t length, uint16_t offset, uint32_t *chunk);

/* The IPC label a refusal is answered with: 0 for DATAGRAM_OK, else
 * NONOS_ERROR_INVALID_ARGUMENT. */
uint64_t datagram_wire_error(enum datagram_refusal refusal);

/* The symbol ("DATAGRAM_ERR_TOTAL"); "DATAGRAM_ERR_?" out of range. */
const char *datagram_wire_name(enum datagram_refusal refusal);

#endif
