/* The network stack's service (user/net, docs/net.md "The capsule"): the
 * net capsule registers NONOS_NET_SERVICE with the name service; a capsule
 * whose manifest lists it under [policy.capabilities] ipc gets its
 * endpoint (nonos_names_lookup) and asks:
 *
 *   NONOS_NET_REPORT  data: a 4-byte little-endian offset. Reply: label 0,
 *                     data: up to NONOS_MESSAGE_DATA_MAX bytes of the
 *                     stack's report text (lib/net/report.h: addresses,
 *                     routes, ARP table, counters) from that offset; an
 *                     empty reply past the end. Offset 0 takes a new
 *                     snapshot; later offsets read the same snapshot.
 *
 *   NONOS_NET_PING    data: a 4-byte little-endian IPv4 address (a.b.c.d as
 *                     the number a<<24 | b<<16 | c<<8 | d), a 2-byte
 *                     little-endian sequence number. The stack sends one
 *                     ICMP echo request (clearnet scope: the operator's
 *                     ping) and waits up to 1 s for the reply. Reply:
 *                     label 0, data: byte 0 is 1 when the echo came back,
 *                     bytes 1..8 the round trip in ms (little endian); when
 *                     byte 0 is 0, bytes 9.. say why in text.
 *
 * A failed request is answered with a positive NONOS_ERROR_* label
 * (INVALID_ARGUMENT for an unknown label or a bad length). The datagram API
 * is not there yet. One request is served at a time. Freestanding. */
#ifndef NONOS_SDK_NET_H
#define NONOS_SDK_NET_H

#define NONOS_NET_SERVICE "nonos.net"
#define NONOS_NET_REPORT 1
#define NONOS_NET_PING 2
#define NONOS_NET_PING_WAIT_MS 1000

#endif
