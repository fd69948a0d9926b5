/* A small IPv4 stack for one Ethernet interface: ARP, link-local addresses
 * (RFC 3927), a DHCP client (RFC 2131), ICMP echo and UDP datagrams.
 *
 * It knows no OS and has no thread or timer of its own. The world reaches it
 * through struct net_environment (a millisecond clock, a random source and a
 * frame-send function) and it moves only when called: net_stack_input with
 * each received frame, net_stack_tick whenever the time may have passed a
 * deadline (net_stack_next_deadline says when), and the API calls below. With
 * a virtual clock and a fixed random source every run is the same, which is
 * how tests/net/ drives two stacks back to back.
 *
 * Invariants:
 *  - All storage is inside struct net_stack (fixed tables, no allocation);
 *    every queue has a bound and a full queue refuses (NET_ERR_QUEUE_FULL)
 *    instead of growing.
 *  - A refused input frame changes nothing but the counters: refused[code]
 *    counts it under the reason net_stack_input returns.
 *  - Routing is a table lookup in a scope (enum net_scope). NET_SCOPE_MESH
 *    sees only the mesh routes (169.254.0.0/16 on the link, and the limited
 *    broadcast); the routes a DHCP server gives are NET_SCOPE_CLEARNET
 *    routes, invisible to a mesh-scope lookup. A mesh-scope socket thus has
 *    no route outside the mesh (NET_ERR_NO_ROUTE), and it never receives a
 *    datagram from outside it.
 *  - The link-local address is kept when DHCP binds an address: the mesh
 *    keeps speaking from 169.254/16 while clearnet traffic uses the DHCP
 *    address (see docs/net.md, "Addresses").
 *
 * docs/net.md describes each layer, what it refuses, the timers and the
 * counters. */
#ifndef NONOS_NET_STACK_H
#define NONOS_NET_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "net/error.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/udp.h"

/* Table sizes: each is a bound on memory and on what a peer can make the
 * stack hold. */
#define NET_ARP_ENTRIES 16
#define NET_PENDING_PACKETS 4     /* IP packets waiting for an ARP answer */
#define NET_SOCKETS 8
#define NET_SOCKET_QUEUE 8        /* datagrams queued per socket */
#define NET_PING_QUEUE 8          /* echo replies waiting for net_ping_reply */
#define NET_ROUTES 4
#define NET_UDP_PAYLOAD_MAX (ETH_MTU - IPV4_HEADER_SIZE - UDP_HEADER_SIZE) /* 1472 */
#define NET_PING_DATA_SIZE 56     /* 8 bytes of send time, 48 of pattern */

/* ARP timing (RFC 826 leaves it to the implementation; RFC 1122 2.3.2.1). */
#define NET_ARP_TIMEOUT_MS 60000  /* a resolved entry lives this long */
#define NET_ARP_RETRY_MS 1000     /* between requests for one address */
#define NET_ARP_REQUESTS 3        /* requests before giving up */

/* RFC 3927 section 9 constants, in milliseconds. */
#define NET_LL_PROBE_WAIT_MS 1000
#define NET_LL_PROBE_NUM 3
#define NET_LL_PROBE_MIN_MS 1000
#define NET_LL_PROBE_MAX_MS 2000
#define NET_LL_ANNOUNCE_WAIT_MS 2000
#define NET_LL_ANNOUNCE_NUM 2
#define NET_LL_ANNOUNCE_INTERVAL_MS 2000
#define NET_LL_MAX_CONFLICTS 10
#define NET_LL_RATE_LIMIT_INTERVAL_MS 60000
#define NET_LL_DEFEND_INTERVAL_MS 10000
/* The usable range: 169.254.1.0 to 169.254.254.255 (RFC 3927 2.1). */
#define NET_LL_FIRST NET_IPV4(169, 254, 1, 0)
#define NET_LL_LAST NET_IPV4(169, 254, 254, 255)

/* DHCP client timing (RFC 2131 4.1, 4.4.5). */
#define NET_DHCP_START_MAX_MS 1000  /* random delay before the first DISCOVER */
#define NET_DHCP_RETRY_FIRST_MS 4000
#define NET_DHCP_RETRY_MAX_MS 64000
#define NET_DHCP_REQUEST_TRIES 4    /* REQUESTs before starting over */
#define NET_DHCP_RENEW_MIN_MS 60000

/* Where the stack meets the world. clock_ms is monotonic milliseconds;
 * random fills out[0..len); send_frame transmits one Ethernet frame (no
 * FCS) and returns NET_OK or NET_ERR_SEND. All three are required. */
struct net_environment {
    uint64_t (*clock_ms)(void *context);
    void (*random)(void *context, uint8_t *out, size_t len);
    enum net_result (*send_frame)(void *context, const uint8_t *frame, size_t len);
    void *context;
};

enum net_scope {
    NET_SCOPE_MESH = 0,     /* link-local 169.254/16 and the limited broadcast only */
    NET_SCOPE_CLEARNET = 1, /* the mesh and whatever DHCP's routes reach */
};

struct net_config {
    struct eth_address mac;
    bool dhcp; /* run the DHCP client as well as link-local */
    /* 0, or the link-local address to try first (an address this host
     * used before, RFC 3927 2.1); must lie in NET_LL_FIRST..NET_LL_LAST. */
    uint32_t link_local_preferred;
};

enum net_link_local_state {
    NET_LL_PROBING,     /* candidate chosen, probing (or rate-limited) */
    NET_LL_ANNOUNCING,  /* claimed and in use, announcements going out */
    NET_LL_BOUND,       /* in use and defended */
};

enum net_dhcp_state {
    NET_DHCP_OFF,
    NET_DHCP_SELECTING,  /* DISCOVER sent, waiting for an OFFER */
    NET_DHCP_REQUESTING, /* REQUEST sent for an offer */
    NET_DHCP_BOUND,
    NET_DHCP_RENEWING,   /* past T1: unicast REQUEST to the server */
    NET_DHCP_REBINDING,  /* past T2: broadcast REQUEST */
};

enum net_arp_state { NET_ARP_FREE, NET_ARP_INCOMPLETE, NET_ARP_RESOLVED };

struct net_arp_entry {
    uint8_t state; /* enum net_arp_state */
    uint8_t requests_sent;
    uint32_t ip;
    uint32_t asked_from; /* INCOMPLETE: the sender address of our requests */
    struct eth_address mac;
    uint64_t deadline_ms; /* INCOMPLETE: next request; RESOLVED: expiry */
};

struct net_route {
    uint32_t prefix;
    uint32_t mask;
    uint32_t gateway; /* 0: on the link */
    uint8_t scope;    /* enum net_scope: the least scope that sees it */
    bool used;
};

struct net_route_decision {
    uint32_t source;   /* the address to send from */
    uint32_t next_hop; /* whose MAC ARP resolves; IPV4_BROADCAST for broadcast */
};

struct net_datagram {
    uint32_t source;
    uint32_t destination;
    uint16_t source_port;
    uint16_t length;
    uint8_t data[NET_UDP_PAYLOAD_MAX];
};

struct net_socket {
    bool bound;
    uint8_t scope; /* enum net_scope */
    uint16_t port;
    uint8_t head;  /* index of the oldest queued datagram */
    uint8_t count;
    struct net_datagram queue[NET_SOCKET_QUEUE];
};

struct net_ping_result {
    uint32_t source;
    uint16_t identifier;
    uint16_t sequence;
    uint64_t round_trip_ms; /* from the send time carried in the echo data */
};

struct net_pending_packet {
    bool used;
    uint16_t length;
    uint32_t next_hop;
    uint8_t packet[ETH_MTU]; /* the IP packet, without Ethernet header */
};

/* What `ip` prints. Every input frame is counted once in frames_in and, if
 * refused, once in refused[] under the reason (NET_OK is never counted). */
struct net_counters {
    uint64_t frames_in, frames_out, frames_refused, send_failures;
    uint64_t refused[NET_ERR_COUNT];
    uint64_t arp_requests_in, arp_replies_in, arp_requests_out, arp_replies_out;
    uint64_t arp_failures;      /* addresses that never answered */
    uint64_t pending_dropped;   /* packets dropped with them */
    uint64_t ip_in, ip_out;
    uint64_t udp_in, udp_out;
    uint64_t icmp_echo_requests_in, icmp_echo_replies_out;
    uint64_t icmp_echo_requests_out, icmp_echo_replies_in;
    uint64_t dhcp_in, dhcp_out, dhcp_leases;
    uint64_t link_local_conflicts, link_local_defences, link_local_claims;
    uint64_t no_route; /* sends refused for want of a route */
};

struct net_link_local {
    uint8_t state; /* enum net_link_local_state */
    uint8_t probes_sent;
    uint8_t announcements_sent;
    uint32_t address; /* the candidate while probing */
    uint32_t conflicts;
    uint64_t next_ms;
    uint64_t last_defence_ms;
    bool defended; /* last_defence_ms is meaningful */
    uint64_t generator; /* address generator state, seeded by MAC and random */
};

struct net_dhcp {
    uint8_t state; /* enum net_dhcp_state */
    uint8_t tries;
    uint8_t naks; /* NAKs since the last lease (at most 4): each doubles the wait before starting over */
    uint32_t xid;
    uint32_t offered;
    uint32_t server;
    uint32_t address;
    uint32_t subnet_mask;
    uint32_t router;
    uint64_t next_ms;
    uint64_t retry_ms;
    uint64_t renew_ms, rebind_ms, expiry_ms;
};

struct net_stack {
    struct net_environment environment;
    struct net_config config;
    uint64_t now_ms;
    uint16_t next_identification;
    struct net_link_local link_local;
    struct net_dhcp dhcp;
    struct net_route routes[NET_ROUTES];
    struct net_arp_entry arp[NET_ARP_ENTRIES];
    struct net_pending_packet pending[NET_PENDING_PACKETS];
    struct net_socket sockets[NET_SOCKETS];
    struct net_ping_result pings[NET_PING_QUEUE];
    uint8_t ping_head, ping_count;
    struct net_counters counters;
    uint8_t frame[ETH_FRAME_MAX]; /* the frame being built */
};

/* Sets up the stack and starts link-local probing (and DHCP when
 * configured); nothing is sent before the first net_stack_tick.
 * NET_ERR_PARAMETER for a missing environment function, a multicast or zero
 * MAC, or a preferred address outside the usable link-local range. */
enum net_result net_stack_init(struct net_stack *stack, const struct net_environment *environment,
                               const struct net_config *config);

/* One received frame. NET_OK when it was used; otherwise why it was
 * refused (also counted in counters.refused). */
enum net_result net_stack_input(struct net_stack *stack, struct bytes frame);

/* Runs every timer whose deadline has passed. */
void net_stack_tick(struct net_stack *stack);

/* The earliest deadline of any timer (milliseconds on the stack's clock). */
uint64_t net_stack_next_deadline(const struct net_stack *stack);

/* The link-local address once claimed (ANNOUNCING or BOUND), else 0. */
uint32_t net_link_local_address(const struct net_stack *stack);
/* The DHCP address while a lease is held, else 0. */
uint32_t net_dhcp_address(const struct net_stack *stack);

/* The routing decision for a destination in a scope: NET_ERR_NO_ROUTE when
 * no route of that scope reaches it, NET_ERR_NO_ADDRESS when one does but
 * there is no address to send from yet. */
enum net_result net_route_lookup(const struct net_stack *stack, uint32_t destination,
                                 enum net_scope scope, struct net_route_decision *out);

/* UDP. A socket is bound to a local port in a scope; it sends only along
 * routes of its scope and receives only what that scope could reach. */
enum net_result net_udp_bind(struct net_stack *stack, uint16_t port, enum net_scope scope);
enum net_result net_udp_unbind(struct net_stack *stack, uint16_t port);
enum net_result net_udp_send(struct net_stack *stack, uint16_t source_port, uint32_t destination,
                             uint16_t destination_port, struct bytes payload);
/* Takes the oldest queued datagram on port into *out (NET_ERR_EMPTY when
 * none, NET_ERR_PORT_UNBOUND for an unbound port). */
enum net_result net_udp_receive(struct net_stack *stack, uint16_t port, struct net_datagram *out);

/* ICMP echo: sends one request, NET_PING_DATA_SIZE bytes of data. */
enum net_result net_ping(struct net_stack *stack, uint32_t destination, uint16_t identifier,
                         uint16_t sequence, enum net_scope scope);
/* Takes the oldest echo reply received (NET_ERR_EMPTY when none). */
enum net_result net_ping_reply(struct net_stack *stack, struct net_ping_result *out);

#endif
