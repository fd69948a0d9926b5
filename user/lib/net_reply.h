/* The replies of nonos.net's datagram API (sdk/include/nonos/net.h,
 * docs/net.md "Datagrams") as its clients read them: the mesh capsule
 * (BIND, SEND, RECEIVE) and the shell's `udp` (BIND, SEND), decoded
 * without any state of the capsule. They come from another process:
 * outside input, checked before a byte of them is used.
 *
 *   UDP_BIND     scope (1: 0 mesh, 1 clearnet), link-local address (4)
 *   UDP_SEND     a NONOS_NET_SENT_* (1), then lib/net's result as text
 *                (any bytes: a caller that shows it escapes it)
 *   UDP_RECEIVE  nothing (no datagram queued), or source address (4),
 *                source port (2), total length (2, 0..NONOS_NET_UDP_MAX),
 *                then the chunk from the offset asked for
 * Integers little endian. A RECEIVE reply is read against what the
 * capsule has gathered of the datagram so far: `got` bytes of a datagram
 * of `total` bytes (both 0 before its first chunk). Each refusal has its
 * own code (enum net_reply_refusal, its symbol for the corpus in
 * tests/corpus/mesh-net-reply/); on a refusal *out is all zero and the
 * capsule drops what it gathered. Freestanding. */
#ifndef NONOS_USER_LIB_NET_REPLY_H
#define NONOS_USER_LIB_NET_REPLY_H

#include <stddef.h>
#include <stdint.h>

enum net_reply_refusal {
    NET_REPLY_OK = 0,
    NET_REPLY_ERR_LABEL,     /* not the reply to BIND, SEND or RECEIVE */
    NET_REPLY_ERR_LENGTH,    /* BIND not 5 bytes, SEND none, RECEIVE 1..7, any over a message */
    NET_REPLY_ERR_SCOPE,     /* BIND: a scope neither 0 nor 1 */
    NET_REPLY_ERR_SENT,      /* SEND: a result past NONOS_NET_SENT_FAILED */
    NET_REPLY_ERR_TOTAL,     /* RECEIVE: a total over NONOS_NET_UDP_MAX */
    NET_REPLY_ERR_CHANGED,   /* RECEIVE: a later chunk of another total, or none */
    NET_REPLY_ERR_PAST_TOTAL, /* RECEIVE: the chunk ends beyond the total */
    NET_REPLY_ERR_STALLED,   /* RECEIVE: an empty chunk before the total */
    NET_REPLY_ERR_COUNT
};

struct net_reply {
    uint8_t scope;          /* BIND */
    uint8_t sent;           /* SEND: NONOS_NET_SENT_* */
    uint32_t address;       /* BIND: link-local (0 while unclaimed); RECEIVE: source */
    uint16_t port;          /* RECEIVE: source port */
    uint16_t total;         /* RECEIVE: the datagram's length (0: none queued, or empty) */
    const uint8_t *chunk;   /* RECEIVE: a view into the reply's data */
    uint32_t chunk_length;  /* RECEIVE: got + chunk_length <= total */
    const uint8_t *text;    /* SEND: a view of the text after the result (NULL when none) */
    uint32_t text_length;
};

/* The reply data[0..length) to a request of `label`; for RECEIVE, got and
 * total as above. */
enum net_reply_refusal net_reply_decode(uint64_t label, const uint8_t *data, size_t length, uint16_t got,
                                        uint16_t total, struct net_reply *out);

/* The symbol ("NET_REPLY_ERR_TOTAL"); "NET_REPLY_ERR_?" out of range. */
const char *net_reply_name(enum net_reply_refusal refusal);

/* What is wrong, in words (NULL for NET_REPLY_OK). */
const char *net_reply_message(enum net_reply_refusal refusal);

#endif
