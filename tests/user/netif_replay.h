/* One input of what a netif client controls, as the corpus
 * (tests/corpus/netif-request) and the fuzz target
 * (tests/fuzz/fuzz_netif_request.c) hold it, replayed through
 * user/lib/netif_wire.c as the virtio-net driver runs it. Test-only.
 *
 * Byte 0 says what (missing bytes read as 0):
 *   0 request: bytes 1..2 the label (LE), byte 3 bit 0 a capability
 *     carried, bit 1 a session exists, bytes 4..11 the driver's session
 *     (LE), then the message's data (what remains; more than
 *     NONOS_MESSAGE_DATA_MAX is possible here);
 *   1 TX ring: bytes 1..4 the driver's consumer, byte 5 mod 33 the entries
 *     it took (posted - consumer), bytes 6..9 the client's producer, then
 *     up to NETIF_SLOTS entries (length, flags: 4 bytes LE each) for
 *     entry[0..];
 *   2 RX ring: bytes 1..4 the last good consumer, byte 5 mod 33 the
 *     driver's producer ahead of it, bytes 6..9 the client's consumer;
 *   any other value: replayed as 0. */
#ifndef NONOS_TESTS_USER_NETIF_REPLAY_H
#define NONOS_TESTS_USER_NETIF_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "netif_wire.h"

#define NETIF_REPLAY_REQUEST 0
#define NETIF_REPLAY_TX 1
#define NETIF_REPLAY_RX 2
#define NETIF_REPLAY_REQUEST_HEADER 12
#define NETIF_REPLAY_RING_HEADER 10

struct netif_replay {
    uint8_t kind;
    struct netif_request request; /* request: as decoded */
    uint32_t consumer, posted, producer; /* TX: the driver's state and the client's producer */
    uint32_t seen, rx_producer;          /* RX */
    uint32_t accepted;                   /* TX: entries taken from the window */
    uint32_t refused;                    /* TX: entries refused */
};

/* The first refusal: the request's decode then session check; the TX
 * window then each new entry in order (the first entry refusal is
 * returned, the rest are still counted); the RX consumer. */
enum netif_refusal netif_replay(const uint8_t *input, size_t size, struct netif_replay *out);

#endif
