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
 * The datagram API (UDP sockets). The client is known by the badge of its
 * endpoint (the name service badges each copy with the asker's process id)
 * and its verified manifest's [policy.network]: a capsule without
 * allow_mesh and allow_clearnet is DENIED every socket; with allow_mesh
 * only, its sockets are in the mesh scope (link-local 169.254/16 and the
 * limited broadcast: any other address has no route, NET_ERR_NO_ROUTE);
 * with allow_clearnet, in the clearnet scope. Integers little endian;
 * addresses are numbers as for PING.
 *
 *   NONOS_NET_UDP_BIND     data: port (2). Reply: label 0, data: the scope
 *                          (1 byte: 0 mesh, 1 clearnet) and the link-local
 *                          address (4, 0 while unclaimed). EXISTS when
 *                          another live capsule holds the port, SLOT_LIMIT
 *                          when every socket is in use.
 *   NONOS_NET_UDP_SEND     data: port (2), destination address (4) and port
 *                          (2), the datagram's total length (2, 1..1472),
 *                          this chunk's offset (2), the chunk (up to 244).
 *                          Chunks are sent in order from offset 0; the last
 *                          one sends the datagram. Reply: label 0, data:
 *                          byte 0 a NONOS_NET_SENT_* (SENT also for a
 *                          datagram queued while ARP resolves, and for
 *                          every chunk but the last), then lib/net's
 *                          result as text.
 *   NONOS_NET_UDP_RECEIVE  data: port (2), offset (2). Offset 0 takes the
 *                          oldest queued datagram; later offsets read the
 *                          rest of it. Reply: label 0, data: source address
 *                          (4), source port (2), total length (2), then up
 *                          to 248 bytes from the offset; length 0 when
 *                          nothing is queued.
 *   NONOS_NET_UDP_UNBIND   data: port (2).
 *   NONOS_NET_UDP_NOTIFY   data: port (2), bits (8: non-zero, bit 63 clear);
 *                          capability: a notification (write right). From
 *                          then on the net capsule signals `bits` on it
 *                          whenever datagrams are queued on the port (at
 *                          once when some already are): wait on it, then
 *                          RECEIVE until the reply is empty. Without a
 *                          capability: no more signals. Reply: label 0,
 *                          empty. INVALID_ARGUMENT for bad bits or a
 *                          capability that is not a notification with
 *                          write, SLOT_LIMIT when every waker is in use.
 *                          The capability must travel through an endpoint
 *                          copy with grant (the name service's has it).
 *
 * Only the capsule that bound a port may use it (DENIED otherwise).
 * A failed request is answered with a positive NONOS_ERROR_* label
 * (INVALID_ARGUMENT for an unknown label or a bad length). One request is
 * served at a time. Freestanding. */
#ifndef NONOS_SDK_NET_H
#define NONOS_SDK_NET_H

#define NONOS_NET_SERVICE "nonos.net"
#define NONOS_NET_REPORT 1
#define NONOS_NET_PING 2
#define NONOS_NET_PING_WAIT_MS 1000
#define NONOS_NET_UDP_BIND 3
#define NONOS_NET_UDP_SEND 4
#define NONOS_NET_UDP_RECEIVE 5
#define NONOS_NET_UDP_UNBIND 6
#define NONOS_NET_UDP_NOTIFY 7
#define NONOS_NET_UDP_SEND_HEADER 12
#define NONOS_NET_UDP_RECEIVE_HEADER 8
#define NONOS_NET_UDP_MAX 1472
#define NONOS_NET_SENT 0
#define NONOS_NET_SENT_NO_ROUTE 1   /* no route in the socket's scope */
#define NONOS_NET_SENT_NO_ADDRESS 2 /* a route, but no address to send from yet */
#define NONOS_NET_SENT_FAILED 3     /* anything else: the text says what */
#define NONOS_NET_SCOPE_MESH 0
#define NONOS_NET_SCOPE_CLEARNET 1

#endif
