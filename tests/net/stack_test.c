/* lib/net's stack under ASan + UBSan: stacks wired back to back on one
 * virtual Ethernet segment in one process, with a virtual clock.
 *
 * Covered: link-local claim (RFC 3927) with a forced conflict against a host
 * that holds the address, simultaneous probes, defence and surrender, the
 * rate limit after MAX_CONFLICTS; ARP resolution with a queued packet, entry
 * expiry, an address that never answers; ping; UDP both ways, the per-socket
 * queue bound, an unbound port; a DHCP server simulated here giving a lease,
 * renewing it at T1 and letting it expire; the routing rule (a mesh-scope
 * lookup has no route outside 169.254/16 even with a DHCP default route);
 * and a refused frame changing nothing but the counters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "net/arp.h"
#include "net/dhcp.h"
#include "net/report.h"
#include "net/stack.h"
#include "tests/host/test.h"
#include "tests/net/fixture.h"

#define NODES 4
#define SERVER_MAC { { 0x02, 0x00, 0x00, 0x00, 0x00, 0xee } }
#define SERVER_IP NET_IPV4(10, 0, 0, 1)
#define LEASED_IP NET_IPV4(10, 0, 0, 50)
#define LEASE_SECONDS 120

struct node {
    bool active;
    struct net_link link;
    struct net_stack stack;
};

/* The DHCP server of the tests: answers DISCOVER, REQUEST and ARP for its
 * address while `answering`. */
struct server {
    bool enabled, answering;
    bool nak;            /* answer REQUESTs with NAK */
    bool ignore_unicast; /* drop REQUESTs sent to the server's own address (renewals) */
    struct net_link link;
    unsigned offers, acks;
};

static uint64_t clock_ms;
static struct node nodes[NODES];
static struct server server;

static struct node *node_start(int index, uint8_t mac_last, bool dhcp, uint32_t preferred, uint64_t seed)
{
    struct node *node = &nodes[index];
    net_link_init(&node->link, &clock_ms, seed);
    struct net_environment environment = net_link_environment(&node->link);
    struct net_config config = { { { 0x02, 0, 0, 0, 0, mac_last } }, dhcp, preferred };
    if (net_stack_init(&node->stack, &environment, &config) != NET_OK) {
        fprintf(stderr, "node %d: init failed\n", index);
        exit(2);
    }
    node->active = true;
    return node;
}

static void server_input(const struct net_link_frame *frame);

/* Hands every frame in every outbox to every other active node (and the
 * server), until the wire is quiet. */
static void deliver(void)
{
    static struct net_link_frame batch[NET_LINK_OUTBOX];
    for (int round = 0; round < 1000; round++) {
        bool any = false;
        for (int i = 0; i <= NODES; i++) {
            struct net_link *link = i < NODES ? &nodes[i].link : &server.link;
            if ((i < NODES && !nodes[i].active) || link->count == 0)
                continue;
            unsigned count = link->count;
            memcpy(batch, link->outbox, count * sizeof batch[0]);
            link->count = 0;
            any = true;
            for (unsigned f = 0; f < count; f++) {
                for (int j = 0; j < NODES; j++)
                    if (j != i && nodes[j].active)
                        (void)net_stack_input(&nodes[j].stack, bytes_make(batch[f].data, batch[f].length));
                if (i < NODES && server.enabled)
                    server_input(&batch[f]);
            }
        }
        if (!any)
            return;
    }
    fprintf(stderr, "deliver: the wire never went quiet\n");
    exit(2);
}

static void tick_all(void)
{
    for (int i = 0; i < NODES; i++)
        if (nodes[i].active)
            net_stack_tick(&nodes[i].stack);
    deliver();
}

/* Runs the world until `until`, stopping at every timer deadline. */
static void run_until(uint64_t until)
{
    for (int steps = 0; steps < 100000; steps++) {
        tick_all();
        uint64_t next = UINT64_MAX;
        for (int i = 0; i < NODES; i++)
            if (nodes[i].active && net_stack_next_deadline(&nodes[i].stack) < next)
                next = net_stack_next_deadline(&nodes[i].stack);
        if (next > until) {
            clock_ms = until;
            tick_all();
            return;
        }
        clock_ms = next > clock_ms ? next : clock_ms;
    }
    fprintf(stderr, "run_until: too many steps (clock %llu, dhcp state %d next %llu renew %llu rebind %llu expiry %llu, ll next %llu, arp %llu)\n", (unsigned long long)clock_ms, nodes[0].stack.dhcp.state, (unsigned long long)nodes[0].stack.dhcp.next_ms, (unsigned long long)nodes[0].stack.dhcp.renew_ms, (unsigned long long)nodes[0].stack.dhcp.rebind_ms, (unsigned long long)nodes[0].stack.dhcp.expiry_ms, (unsigned long long)nodes[0].stack.link_local.next_ms, (unsigned long long)net_stack_next_deadline(&nodes[0].stack));
    exit(2);
}

static void world_reset(void)
{
    memset(nodes, 0, sizeof nodes);
    memset(&server, 0, sizeof server);
    net_link_init(&server.link, &clock_ms, 1);
    clock_ms = 1000;
}

static bool link_local_usable(uint32_t address)
{
    return address >= NET_LL_FIRST && address <= NET_LL_LAST;
}

/* ---- link-local */

static void test_link_local_conflict(void)
{
    world_reset();
    uint32_t wanted = NET_IPV4(169, 254, 7, 7);
    struct node *a = node_start(0, 0x0a, false, wanted, 11);
    run_until(clock_ms + 10000);
    test_check(net_link_local_address(&a->stack) == wanted && a->stack.link_local.state == NET_LL_BOUND &&
                   a->stack.counters.link_local_claims == 1,
               "link-local: a lone host claims its preferred address after probes and announcements");
    struct node *b = node_start(1, 0x0b, false, wanted, 22);
    uint64_t started = clock_ms;
    run_until(clock_ms + 15000);
    uint32_t b_address = net_link_local_address(&b->stack);
    test_check(b->stack.counters.link_local_conflicts == 1 && b_address != wanted && link_local_usable(b_address) &&
                   b->stack.link_local.state == NET_LL_BOUND,
               "link-local: a second host probing the same address sees the holder's reply and moves "
               "(to %u.%u.%u.%u)", b_address >> 24, b_address >> 16 & 255, b_address >> 8 & 255, b_address & 255);
    test_check(net_link_local_address(&a->stack) == wanted && a->stack.counters.link_local_conflicts == 0 &&
                   a->stack.counters.link_local_defences == 0,
               "link-local: the holder keeps its address (a probe is no conflict for it)");
    (void)started;

    /* Two hosts probing the same candidate at once both move. */
    world_reset();
    struct node *c = node_start(0, 0x0c, false, wanted, 33);
    struct node *d = node_start(1, 0x0d, false, wanted, 44);
    run_until(clock_ms + 20000);
    uint32_t ca = net_link_local_address(&c->stack), da = net_link_local_address(&d->stack);
    test_check(ca != 0 && da != 0 && ca != da && link_local_usable(ca) && link_local_usable(da) &&
                   c->stack.counters.link_local_conflicts + d->stack.counters.link_local_conflicts >= 1,
               "link-local: simultaneous probes for one address end with two different addresses");
}

/* An ARP packet from a third host (MAC 02:..:99) claiming `address`. */
static void inject_claim(struct net_stack *stack, uint32_t address, uint16_t operation)
{
    uint8_t frame[60] = { 0 };
    struct byte_buffer out = { frame, 0, sizeof frame };
    struct eth_address other = { { 0x02, 0, 0, 0, 0, 0x99 } };
    struct arp_packet arp = { operation, other, address, { { 0 } }, address };
    (void)eth_encode_header(&out, &eth_broadcast, &other, ETH_TYPE_ARP);
    (void)arp_encode(&out, &arp);
    (void)eth_encode_finish(&out);
    (void)net_stack_input(stack, bytes_make(frame, out.len));
}

static unsigned arp_frames_from(const struct net_link *link, uint32_t sender_ip)
{
    unsigned n = 0;
    for (unsigned i = 0; i < link->count; i++)
        if (link->outbox[i].length >= 42 && load16_be(link->outbox[i].data + 12) == ETH_TYPE_ARP &&
            load32_be(link->outbox[i].data + 28) == sender_ip)
            n++;
    return n;
}

static void test_link_local_defence(void)
{
    world_reset();
    uint32_t wanted = NET_IPV4(169, 254, 8, 8);
    struct node *a = node_start(0, 0x0a, false, wanted, 55);
    run_until(clock_ms + 10000);
    a->link.count = 0;
    inject_claim(&a->stack, wanted, ARP_OPERATION_REPLY);
    test_check(net_link_local_address(&a->stack) == wanted && a->stack.counters.link_local_defences == 1 &&
                   arp_frames_from(&a->link, wanted) == 1,
               "link-local: a conflicting ARP is answered by one defending announcement; the address is kept");
    a->link.count = 0;
    clock_ms += NET_LL_DEFEND_INTERVAL_MS - 1;
    inject_claim(&a->stack, wanted, ARP_OPERATION_REQUEST);
    test_check(net_link_local_address(&a->stack) == 0 && a->stack.counters.link_local_conflicts == 1 &&
                   a->stack.link_local.address != wanted,
               "link-local: a second conflict within DEFEND_INTERVAL gives the address up");
    run_until(clock_ms + 15000);
    uint32_t now_address = net_link_local_address(&a->stack);
    test_check(link_local_usable(now_address) && now_address != wanted,
               "link-local: after giving up, a new address is claimed");

    /* After MAX_CONFLICTS the next probing waits RATE_LIMIT_INTERVAL. */
    world_reset();
    struct node *e = node_start(0, 0x0e, false, 0, 66);
    for (int i = 0; i < NET_LL_MAX_CONFLICTS; i++)
        inject_claim(&e->stack, e->stack.link_local.address, ARP_OPERATION_REPLY);
    uint64_t wait = e->stack.link_local.next_ms - clock_ms;
    test_check(e->stack.counters.link_local_conflicts == NET_LL_MAX_CONFLICTS &&
                   wait == NET_LL_RATE_LIMIT_INTERVAL_MS,
               "link-local: after %d conflicts probing resumes only after 60 s (waits %llu ms)",
               NET_LL_MAX_CONFLICTS, (unsigned long long)wait);
}

/* ---- ARP, ping, UDP */

static bool arp_entry(const struct net_stack *stack, uint32_t ip, const struct eth_address *mac)
{
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        if (stack->arp[i].state == NET_ARP_RESOLVED && stack->arp[i].ip == ip &&
            eth_address_equal(&stack->arp[i].mac, mac))
            return true;
    return false;
}

static void two_bound_nodes(struct node **a, struct node **b)
{
    world_reset();
    *a = node_start(0, 0x0a, false, NET_IPV4(169, 254, 1, 1), 77);
    *b = node_start(1, 0x0b, false, NET_IPV4(169, 254, 2, 2), 88);
    run_until(clock_ms + 12000);
}

static void test_arp_and_ping(void)
{
    struct node *a, *b;
    two_bound_nodes(&a, &b);
    uint32_t b_ip = net_link_local_address(&b->stack);
    test_check(net_link_local_address(&a->stack) == NET_IPV4(169, 254, 1, 1) && b_ip == NET_IPV4(169, 254, 2, 2),
               "two stacks claim their addresses on one segment");
    uint64_t requests_before = a->stack.counters.arp_requests_out;
    enum net_result sent = net_ping(&a->stack, b_ip, 0x4e4f, 1, NET_SCOPE_MESH);
    bool queued = a->link.count == 1 && a->stack.pending[0].used;
    deliver();
    struct net_ping_result reply;
    enum net_result got = net_ping_reply(&a->stack, &reply);
    test_check(sent == NET_OK && queued && a->stack.counters.arp_requests_out == requests_before + 1 &&
                   arp_entry(&a->stack, b_ip, &b->stack.config.mac) && !a->stack.pending[0].used,
               "arp: the first packet to a neighbour waits behind one ARP request and goes out with the answer");
    test_check(got == NET_OK && reply.source == b_ip && reply.identifier == 0x4e4f && reply.sequence == 1 &&
                   b->stack.counters.icmp_echo_requests_in == 1 && b->stack.counters.icmp_echo_replies_out == 1,
               "ping: an echo request is answered and the reply reaches net_ping_reply");
    test_check(net_ping_reply(&a->stack, &reply) == NET_ERR_EMPTY, "ping: one reply per request");
    clock_ms += 5;
    uint64_t requests = a->stack.counters.arp_requests_out;
    (void)net_ping(&a->stack, b_ip, 0x4e4f, 2, NET_SCOPE_MESH);
    deliver();
    test_check(net_ping_reply(&a->stack, &reply) == NET_OK && reply.sequence == 2 &&
                   a->stack.counters.arp_requests_out == requests,
               "ping: a second ping uses the ARP cache (no new request)");

    /* Broadcast pings are not answered. */
    uint64_t replies = b->stack.counters.icmp_echo_replies_out;
    (void)net_ping(&a->stack, IPV4_BROADCAST, 1, 3, NET_SCOPE_MESH);
    deliver();
    test_check(b->stack.counters.icmp_echo_replies_out == replies &&
                   b->stack.counters.refused[NET_ERR_NOT_FOR_US] >= 1,
               "ping: an echo request to the broadcast address gets no answer");

    /* Expiry and an address nobody answers. */
    run_until(clock_ms + NET_ARP_TIMEOUT_MS + 1000);
    test_check(!arp_entry(&a->stack, b_ip, &b->stack.config.mac), "arp: a resolved entry expires after 60 s");
    uint32_t nobody = NET_IPV4(169, 254, 99, 99);
    uint64_t failures = a->stack.counters.arp_failures;
    requests = a->stack.counters.arp_requests_out;
    (void)net_ping(&a->stack, nobody, 1, 4, NET_SCOPE_MESH);
    run_until(clock_ms + 5000);
    test_check(a->stack.counters.arp_failures == failures + 1 &&
                   a->stack.counters.arp_requests_out == requests + NET_ARP_REQUESTS &&
                   a->stack.counters.pending_dropped == 1 && !a->stack.pending[0].used,
               "arp: an address that never answers is asked 3 times, then its queued packet is dropped");
}

static void test_udp(void)
{
    struct node *a, *b;
    two_bound_nodes(&a, &b);
    uint32_t a_ip = net_link_local_address(&a->stack), b_ip = net_link_local_address(&b->stack);
    test_check(net_udp_bind(&b->stack, 5000, NET_SCOPE_MESH) == NET_OK &&
                   net_udp_bind(&a->stack, 5001, NET_SCOPE_MESH) == NET_OK &&
                   net_udp_bind(&a->stack, 5001, NET_SCOPE_MESH) == NET_ERR_PORT_IN_USE &&
                   net_udp_bind(&a->stack, 0, NET_SCOPE_MESH) == NET_ERR_PARAMETER,
               "udp: bind, a second bind of a port refused, port 0 refused");
    enum net_result sent = net_udp_send(&a->stack, 5001, b_ip, 5000, bytes_make("hello", 5));
    deliver();
    struct net_datagram datagram;
    enum net_result got = net_udp_receive(&b->stack, 5000, &datagram);
    test_check(sent == NET_OK && got == NET_OK && datagram.source == a_ip && datagram.source_port == 5001 &&
                   datagram.length == 5 && memcmp(datagram.data, "hello", 5) == 0,
               "udp: a datagram from A reaches B's socket with its source");
    sent = net_udp_send(&b->stack, 5000, datagram.source, datagram.source_port, bytes_make("world!", 6));
    deliver();
    got = net_udp_receive(&a->stack, 5001, &datagram);
    test_check(sent == NET_OK && got == NET_OK && datagram.source == b_ip && datagram.length == 6 &&
                   memcmp(datagram.data, "world!", 6) == 0,
               "udp: B's answer reaches A");
    /* The queue bound. */
    for (int i = 0; i < NET_SOCKET_QUEUE + 2; i++) {
        uint8_t n = (uint8_t)i;
        (void)net_udp_send(&a->stack, 5001, b_ip, 5000, bytes_make(&n, 1));
        deliver();
    }
    int received = 0;
    bool in_order = true;
    while (net_udp_receive(&b->stack, 5000, &datagram) == NET_OK) {
        in_order = in_order && datagram.length == 1 && datagram.data[0] == received;
        received++;
    }
    test_check(received == NET_SOCKET_QUEUE && in_order && b->stack.counters.refused[NET_ERR_QUEUE_FULL] == 2,
               "udp: a socket queues at most %d datagrams, in order; the rest are refused and counted",
               NET_SOCKET_QUEUE);
    (void)net_udp_send(&a->stack, 5001, b_ip, 5999, bytes_make("x", 1));
    deliver();
    test_check(b->stack.counters.refused[NET_ERR_PORT_UNBOUND] == 1, "udp: a datagram to an unbound port is refused");
    uint8_t big[NET_UDP_PAYLOAD_MAX + 1] = { 0 };
    test_check(net_udp_send(&a->stack, 5001, b_ip, 5000, bytes_make(big, sizeof big)) == NET_ERR_TOO_LARGE &&
                   net_udp_send(&a->stack, 5001, b_ip, 5000, bytes_make(big, sizeof big - 1)) == NET_OK,
               "udp: 1472 bytes go out, 1473 are refused (no fragmentation)");
    deliver();
    (void)net_udp_receive(&b->stack, 5000, &datagram);
    test_check(datagram.length == NET_UDP_PAYLOAD_MAX, "udp: a full-size datagram arrives whole");
    test_check(net_udp_send(&a->stack, 5001, NET_IPV4(8, 8, 8, 8), 53, bytes_make("q", 1)) == NET_ERR_NO_ROUTE &&
                   a->stack.counters.no_route == 1,
               "udp: a mesh socket has no route to 8.8.8.8");
}

/* ---- the DHCP server */

static void server_send_udp(const struct eth_address *to_mac, uint32_t to_ip, const struct dhcp_message *message)
{
    struct net_link_frame *frame = &server.link.outbox[server.link.count++];
    struct byte_buffer out = { frame->data, 0, sizeof frame->data };
    uint8_t body[400];
    struct byte_buffer payload = { body, 0, sizeof body };
    struct eth_address mac = SERVER_MAC;
    struct ipv4_packet fields = { 0, 1, false, 64, IPV4_PROTOCOL_UDP, SERVER_IP, to_ip, 20, { NULL, 0 } };
    if (dhcp_encode(&payload, message) != NET_OK || eth_encode_header(&out, to_mac, &mac, ETH_TYPE_IPV4) != NET_OK ||
        ipv4_encode_header(&out, &fields, UDP_HEADER_SIZE + payload.len) != NET_OK ||
        udp_encode(&out, SERVER_IP, to_ip, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, bytes_make(body, payload.len)) != NET_OK ||
        eth_encode_finish(&out) != NET_OK) {
        fprintf(stderr, "server: cannot build a reply\n");
        exit(2);
    }
    frame->length = out.len;
}

static void server_arp(const struct arp_packet *arp)
{
    if (arp->operation != ARP_OPERATION_REQUEST || arp->target_ip != SERVER_IP)
        return;
    struct net_link_frame *frame = &server.link.outbox[server.link.count++];
    struct byte_buffer out = { frame->data, 0, sizeof frame->data };
    struct eth_address mac = SERVER_MAC;
    struct arp_packet reply = { ARP_OPERATION_REPLY, mac, SERVER_IP, arp->sender_hardware, arp->sender_ip };
    (void)eth_encode_header(&out, &arp->sender_hardware, &mac, ETH_TYPE_ARP);
    (void)arp_encode(&out, &reply);
    (void)eth_encode_finish(&out);
    frame->length = out.len;
}

static void server_dhcp(const struct dhcp_message *request)
{
    struct dhcp_message reply = { 0 };
    reply.op = DHCP_OP_REPLY;
    reply.xid = request->xid;
    reply.flags = request->flags;
    reply.client_hardware = request->client_hardware;
    reply.your_ip = LEASED_IP;
    reply.present = DHCP_HAS_SUBNET_MASK | DHCP_HAS_ROUTER | DHCP_HAS_LEASE_TIME | DHCP_HAS_SERVER_ID;
    reply.subnet_mask = NET_IPV4(255, 255, 255, 0);
    reply.router = SERVER_IP;
    reply.lease_seconds = LEASE_SECONDS;
    reply.server_id = SERVER_IP;
    if (request->message_type == DHCP_DISCOVER) {
        reply.message_type = DHCP_OFFER;
        server.offers++;
    } else if (request->message_type == DHCP_REQUEST && server.nak) {
        reply.message_type = DHCP_NAK;
        reply.present = DHCP_HAS_SERVER_ID;
        reply.your_ip = 0;
    } else if (request->message_type == DHCP_REQUEST) {
        reply.message_type = DHCP_ACK;
        server.acks++;
    } else {
        return;
    }
    /* RFC 2131 4.1: to ciaddr when the client has one, else broadcast. */
    if (request->client_ip != 0)
        server_send_udp(&request->client_hardware, request->client_ip, &reply);
    else
        server_send_udp(&eth_broadcast, IPV4_BROADCAST, &reply);
}

static void server_input(const struct net_link_frame *frame)
{
    struct eth_frame ethernet;
    if (!server.answering || eth_decode(bytes_make(frame->data, frame->length), &ethernet) != NET_OK ||
        server.link.count + 1 >= NET_LINK_OUTBOX)
        return;
    if (ethernet.type == ETH_TYPE_ARP) {
        struct arp_packet arp;
        if (arp_decode(ethernet.payload, &arp) == NET_OK)
            server_arp(&arp);
        return;
    }
    struct ipv4_packet ip;
    struct udp_datagram udp;
    struct dhcp_message request;
    if (ethernet.type != ETH_TYPE_IPV4 || ipv4_decode(ethernet.payload, &ip) != NET_OK ||
        ip.protocol != IPV4_PROTOCOL_UDP || udp_decode(ip.payload, ip.source, ip.destination, &udp) != NET_OK ||
        udp.destination_port != DHCP_SERVER_PORT || dhcp_decode(udp.payload, &request) != NET_OK ||
        request.op != DHCP_OP_REQUEST || (server.ignore_unicast && ip.destination == SERVER_IP))
        return;
    server_dhcp(&request);
}

static void test_dhcp(void)
{
    world_reset();
    server.enabled = true;
    server.answering = true;
    struct node *c = node_start(0, 0x0c, true, NET_IPV4(169, 254, 3, 3), 99);
    run_until(clock_ms + 12000);
    struct net_route_decision route;
    test_check(net_dhcp_address(&c->stack) == LEASED_IP && c->stack.dhcp.state == NET_DHCP_BOUND &&
                   server.offers == 1 && server.acks == 1 && c->stack.counters.dhcp_leases == 1,
               "dhcp: DISCOVER, OFFER, REQUEST, ACK: the simulated server's lease is bound");
    test_check(net_link_local_address(&c->stack) == NET_IPV4(169, 254, 3, 3),
               "dhcp: the link-local address stays for the mesh beside the lease");
    enum net_result clear = net_route_lookup(&c->stack, NET_IPV4(93, 184, 216, 34), NET_SCOPE_CLEARNET, &route);
    test_check(clear == NET_OK && route.next_hop == SERVER_IP && route.source == LEASED_IP,
               "route: a clearnet lookup for an outside address goes via the DHCP router from the leased address");
    test_check(net_route_lookup(&c->stack, NET_IPV4(93, 184, 216, 34), NET_SCOPE_MESH, &route) == NET_ERR_NO_ROUTE &&
                   net_route_lookup(&c->stack, NET_IPV4(10, 0, 0, 7), NET_SCOPE_MESH, &route) == NET_ERR_NO_ROUTE,
               "route: a mesh lookup has no route outside 169.254/16, even with a DHCP default route");
    enum net_result mesh = net_route_lookup(&c->stack, NET_IPV4(169, 254, 9, 9), NET_SCOPE_MESH, &route);
    test_check(mesh == NET_OK && route.next_hop == NET_IPV4(169, 254, 9, 9) && route.source == NET_IPV4(169, 254, 3, 3),
               "route: a mesh lookup reaches link-local hosts directly, from the link-local address");
    enum net_result local = net_route_lookup(&c->stack, NET_IPV4(10, 0, 0, 7), NET_SCOPE_CLEARNET, &route);
    test_check(local == NET_OK && route.next_hop == NET_IPV4(10, 0, 0, 7), "route: the leased subnet is on the link");

    /* T1 is half the lease: a unicast REQUEST to the server renews it. */
    uint64_t expiry = c->stack.dhcp.expiry_ms;
    run_until(clock_ms + LEASE_SECONDS * 1000 / 2 + 1000);
    test_check(server.acks == 2 && c->stack.dhcp.state == NET_DHCP_BOUND && c->stack.dhcp.expiry_ms > expiry &&
                   c->stack.counters.dhcp_leases == 2,
               "dhcp: at T1 the lease is renewed by unicast REQUEST to the server");
    /* The server goes away: RENEWING, REBINDING, then the lease ends. */
    server.answering = false;
    run_until(c->stack.dhcp.expiry_ms + 1);
    test_check(net_dhcp_address(&c->stack) == 0 &&
                   net_route_lookup(&c->stack, NET_IPV4(93, 184, 216, 34), NET_SCOPE_CLEARNET, &route) == NET_ERR_NO_ROUTE &&
                   net_link_local_address(&c->stack) == NET_IPV4(169, 254, 3, 3),
               "dhcp: when the lease ends the address and its routes go; link-local remains");
    server.answering = true;
    run_until(clock_ms + 70000);
    test_check(net_dhcp_address(&c->stack) == LEASED_IP, "dhcp: the client starts over and gets a new lease");

    /* What `ip` prints. */
    struct net_route_decision via;
    (void)net_route_lookup(&c->stack, SERVER_IP, NET_SCOPE_CLEARNET, &via);
    (void)net_ping(&c->stack, SERVER_IP, 1, 1, NET_SCOPE_CLEARNET); /* an ARP entry for the server */
    deliver();
    static char text[4096];
    struct byte_buffer report = { (uint8_t *)text, 0, sizeof text - 1 };
    bool whole = net_stack_report(&c->stack, &report);
    text[report.len] = 0;
    test_check(whole && strstr(text, "mac 02:00:00:00:00:0c\nlink-local 169.254.3.3 (bound)\n") != NULL &&
                   strstr(text, "\ndhcp 10.0.0.50/24 router 10.0.0.1 server 10.0.0.1 (bound, lease ends in 1") != NULL &&
                   strstr(text, "\n  169.254.0.0/16 on the link (mesh)\n  10.0.0.0/24 on the link (clearnet)\n"
                                "  0.0.0.0/0 via 10.0.0.1 (clearnet)\n") != NULL &&
                   strstr(text, "\narp\n  10.0.0.1 02:00:00:00:00:ee expires in 54 s\n") != NULL &&
                   strstr(text, " leases 4 ") != NULL && strstr(text, " echo-replies-in 0") != NULL,
               "report: addresses, routes, ARP table and counters as `ip` shows them");
    if (test_failures != 0)
        fprintf(stderr, "%s", text);
    char small[100];
    struct byte_buffer cut = { (uint8_t *)small, 0, sizeof small };
    test_check(!net_stack_report(&c->stack, &cut) && cut.len <= sizeof small && cut.len > 20,
               "report: a buffer too small gets the pieces that fit and a false result");
}

static void test_dhcp_rebind_and_nak(void)
{
    world_reset();
    server.enabled = true;
    server.answering = true;
    struct node *c = node_start(0, 0x0c, true, NET_IPV4(169, 254, 3, 4), 111);
    run_until(clock_ms + 12000);
    uint64_t rebind = c->stack.dhcp.rebind_ms, expiry = c->stack.dhcp.expiry_ms;
    server.ignore_unicast = true;
    run_until(rebind - 1);
    bool renewing_unanswered = c->stack.dhcp.state == NET_DHCP_RENEWING && server.acks == 1;
    run_until(rebind + 1000);
    test_check(renewing_unanswered && server.acks == 2 && c->stack.dhcp.state == NET_DHCP_BOUND &&
                   c->stack.dhcp.expiry_ms > expiry && net_dhcp_address(&c->stack) == LEASED_IP,
               "dhcp: renewals unanswered until T2, then a broadcast REQUEST (REBINDING) extends the lease");
    server.ignore_unicast = false;
    server.nak = true;
    run_until(c->stack.dhcp.renew_ms + 1000);
    test_check(net_dhcp_address(&c->stack) == 0 && c->stack.dhcp.state == NET_DHCP_SELECTING &&
                   net_link_local_address(&c->stack) == NET_IPV4(169, 254, 3, 4),
               "dhcp: a NAK to a renewal drops the lease at once and starts over; link-local remains");
    unsigned offers = server.offers;
    run_until(clock_ms + 60000);
    unsigned discovers = server.offers - offers;
    test_check(discovers >= 2 && discovers <= 5,
               "dhcp: a server that NAKs every REQUEST gets DISCOVERs at a growing interval (%u in 60 s)", discovers);
}

/* An ARP request for our address from the host 169.254.50.<n>, MAC 02:..:<n>. */
static void inject_asker(struct net_stack *stack, uint8_t n)
{
    uint8_t frame[60] = { 0 };
    struct byte_buffer out = { frame, 0, sizeof frame };
    struct eth_address other = { { 0x02, 0, 0, 0, 1, n } };
    struct arp_packet arp = { ARP_OPERATION_REQUEST, other, NET_IPV4(169, 254, 50, n), { { 0 } },
                              net_link_local_address(stack) };
    (void)eth_encode_header(&out, &eth_broadcast, &other, ETH_TYPE_ARP);
    (void)arp_encode(&out, &arp);
    (void)eth_encode_finish(&out);
    (void)net_stack_input(stack, bytes_make(frame, out.len));
}

static void test_arp_bounds(void)
{
    struct node *a, *b;
    two_bound_nodes(&a, &b);
    nodes[1].active = false; /* a alone on the wire */
    for (uint8_t n = 1; n <= NET_ARP_ENTRIES + 1; n++) {
        clock_ms += 10;
        inject_asker(&a->stack, n);
    }
    struct eth_address first = { { 0x02, 0, 0, 0, 1, 1 } }, last = { { 0x02, 0, 0, 0, 1, NET_ARP_ENTRIES + 1 } };
    int resolved = 0;
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        resolved += a->stack.arp[i].state == NET_ARP_RESOLVED;
    test_check(resolved == NET_ARP_ENTRIES && !arp_entry(&a->stack, NET_IPV4(169, 254, 50, 1), &first) &&
                   arp_entry(&a->stack, NET_IPV4(169, 254, 50, NET_ARP_ENTRIES + 1), &last),
               "arp: with the table full, the entry closest to expiry makes room for a new asker");
    a->link.count = 0;
    enum net_result results[NET_PENDING_PACKETS + 1];
    for (int i = 0; i <= NET_PENDING_PACKETS; i++)
        results[i] = net_ping(&a->stack, NET_IPV4(169, 254, 60, i + 1), 1, (uint16_t)i, NET_SCOPE_MESH);
    bool queued = true;
    for (int i = 0; i < NET_PENDING_PACKETS; i++)
        queued = queued && results[i] == NET_OK;
    test_check(queued && results[NET_PENDING_PACKETS] == NET_ERR_QUEUE_FULL,
               "arp: at most %d packets wait for ARP answers; the next send is refused", NET_PENDING_PACKETS);
    run_until(clock_ms + 5000);
    test_check(a->stack.counters.pending_dropped == NET_PENDING_PACKETS &&
                   net_ping(&a->stack, NET_IPV4(169, 254, 60, 9), 1, 9, NET_SCOPE_MESH) == NET_OK,
               "arp: when those addresses never answer the queue empties and takes packets again");
}

/* A refused frame changes nothing but the counters. */
static void test_refusal_changes_nothing(void)
{
    struct node *a, *b;
    two_bound_nodes(&a, &b);
    (void)net_udp_bind(&b->stack, 5000, NET_SCOPE_MESH);
    (void)net_udp_bind(&a->stack, 5000, NET_SCOPE_MESH);
    (void)net_udp_send(&a->stack, 5000, net_link_local_address(&b->stack), 5000, bytes_make("x", 1));
    deliver(); /* ARP resolved, first datagram delivered */
    (void)net_udp_send(&a->stack, 5000, net_link_local_address(&b->stack), 5000, bytes_make("x", 1));
    struct net_link_frame frame = a->link.outbox[0];
    bool one_frame = a->link.count == 1;
    a->link.count = 0;
    static struct net_stack before;
    /* (offset, xor): EtherType 0x0800 -> 0x0500, version 4 -> 6, a header
     * checksum byte, a UDP checksum byte, the UDP length's low byte. */
    static const size_t corrupt_at[] = { 12, 14, 24, 14 + 20 + 6, 14 + 20 + 5 };
    static const uint8_t corrupt_xor[] = { 0x0d, 0x20, 0x40, 0x40, 0x01 };
    static const enum net_result expected[] = { NET_ERR_ETH_LENGTH_FIELD, NET_ERR_IP_VERSION, NET_ERR_IP_CHECKSUM,
                                                NET_ERR_UDP_CHECKSUM, NET_ERR_UDP_LENGTH };
    int unchanged = 0;
    for (size_t i = 0; i < sizeof corrupt_at / sizeof corrupt_at[0]; i++) {
        struct net_link_frame bad = frame;
        bad.data[corrupt_at[i]] ^= corrupt_xor[i];
        before = b->stack;
        enum net_result result = net_stack_input(&b->stack, bytes_make(bad.data, bad.length));
        bool counted = b->stack.counters.refused[expected[i]] == before.counters.refused[expected[i]] + 1;
        before.counters = b->stack.counters;
        before.now_ms = b->stack.now_ms;
        if (result == expected[i] && counted && memcmp(&before, &b->stack, sizeof before) == 0 && b->link.count == 0)
            unchanged++;
        else
            fprintf(stderr, "corruption %zu: %s\n", i, net_result_name(result));
    }
    test_check(one_frame && unchanged == 5, "input: 5 corrupted frames are refused with their exact error, counted, and change "
                               "nothing else (%d of 5)", unchanged);
    enum net_result good = net_stack_input(&b->stack, bytes_make(frame.data, frame.length));
    test_check(good == NET_OK && b->stack.counters.udp_in == 2, "input: the uncorrupted frame is accepted");
}

int main(void)
{
    test_link_local_conflict();
    test_link_local_defence();
    test_arp_and_ping();
    test_udp();
    test_dhcp();
    test_dhcp_rebind_and_nak();
    test_arp_bounds();
    test_refusal_changes_nothing();
    return test_finish();
}
