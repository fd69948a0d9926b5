/* The DHCP client (RFC 2131 section 4.4), running beside link-local.
 *
 * SELECTING: DISCOVER broadcast (broadcast flag set, so that replies come
 * broadcast to a host without an address), retried after 4, 8, 16, 32, then
 * every 64 seconds, each with up to a second of random extra (4.1). The
 * first OFFER for our xid and MAC is taken: REQUESTING sends a REQUEST
 * naming the server and the offered address, retried the same way
 * NET_DHCP_REQUEST_TRIES times before starting over. An ACK with an address
 * and a lease time binds: the address, the subnet route and the default
 * route (CLEARNET scope) are installed. A NAK starts over.
 *
 * BOUND until T1 (the server's, or half the lease), then RENEWING: REQUEST
 * unicast to the server from the leased address; from T2 (the server's, or
 * 7/8 of the lease) REBINDING: REQUEST broadcast. Both retry at half the
 * time left to the next stage, at least every 60 s (4.4.5). An ACK extends
 * the lease; a NAK or the end of the lease removes the address and its
 * routes and starts over (after a NAK, after 4, 8, 16, 32, then 64 s, so a
 * server that refuses every REQUEST does not get a DISCOVER storm). A lease of 0xffffffff seconds never ends.
 *
 * Not done: ARP-checking the offered address and DECLINE (2.2), INIT-REBOOT,
 * RELEASE at shutdown (the OS keeps nothing across boots), options beyond
 * those dhcp.h interprets (no DNS: the mesh needs none). */
#include "base/endian.h"
#include "net/buffer.h"
#include "net/dhcp.h"
#include "net/stack_internal.h"

#define LEASE_INFINITE 0xffffffffu

static uint64_t retry_delay(struct net_stack *stack)
{
    uint64_t delay = stack->dhcp.retry_ms;
    stack->dhcp.retry_ms = delay * 2 > NET_DHCP_RETRY_MAX_MS ? NET_DHCP_RETRY_MAX_MS : delay * 2;
    return delay + stack_random_below(stack, 1001);
}

/* Builds and sends one client message from `source` to `destination`. */
static void dhcp_send(struct net_stack *stack, uint8_t type, uint32_t source, uint32_t destination)
{
    struct net_dhcp *dhcp = &stack->dhcp;
    struct dhcp_message message = { 0 };
    message.op = DHCP_OP_REQUEST;
    message.xid = dhcp->xid;
    message.client_hardware = stack->config.mac;
    message.message_type = type;
    if (dhcp->state == NET_DHCP_SELECTING || dhcp->state == NET_DHCP_REQUESTING)
        message.flags = DHCP_FLAG_BROADCAST;
    if (dhcp->state == NET_DHCP_REQUESTING) {
        message.present = DHCP_HAS_REQUESTED_IP | DHCP_HAS_SERVER_ID;
        message.requested_ip = dhcp->offered;
        message.server_id = dhcp->server;
    } else if (dhcp->state == NET_DHCP_RENEWING || dhcp->state == NET_DHCP_REBINDING) {
        message.client_ip = dhcp->address;
    }
    uint8_t body[DHCP_MESSAGE_MIN];
    struct byte_buffer payload = { body, 0, sizeof body };
    struct byte_buffer out;
    if (dhcp_encode(&payload, &message) != NET_OK ||
        stack_ip_begin(stack, &out, source, destination, IPV4_PROTOCOL_UDP,
                       UDP_HEADER_SIZE + payload.len) != NET_OK ||
        udp_encode(&out, source, destination, DHCP_CLIENT_PORT, DHCP_SERVER_PORT,
                   bytes_make(body, payload.len)) != NET_OK)
        return;
    uint32_t next_hop = destination;
    if (destination != IPV4_BROADCAST) {
        struct net_route_decision route;
        if (net_route_lookup(stack, destination, NET_SCOPE_CLEARNET, &route) != NET_OK)
            return;
        next_hop = route.next_hop;
    }
    if (stack_ip_finish(stack, &out, next_hop) == NET_OK)
        stack->counters.dhcp_out++;
}

static void discover(struct net_stack *stack)
{
    struct net_dhcp *dhcp = &stack->dhcp;
    dhcp->state = NET_DHCP_SELECTING;
    uint8_t xid[4];
    stack->environment.random(stack->environment.context, xid, sizeof xid);
    dhcp->xid = load32_le(xid) | 1; /* 0 means "no transaction" */
    dhcp_send(stack, DHCP_DISCOVER, 0, IPV4_BROADCAST);
    dhcp->next_ms = stack->now_ms + retry_delay(stack);
}

/* Forgets any lease and its routes and goes back to DISCOVER. */
static void start_over(struct net_stack *stack, uint64_t delay_ms)
{
    struct net_dhcp *dhcp = &stack->dhcp;
    stack_routes_clear_clearnet(stack);
    dhcp->state = NET_DHCP_SELECTING;
    dhcp->address = 0;
    dhcp->subnet_mask = 0;
    dhcp->router = 0;
    dhcp->tries = 0;
    dhcp->retry_ms = NET_DHCP_RETRY_FIRST_MS;
    dhcp->next_ms = stack->now_ms + delay_ms;
    dhcp->xid = 0; /* no reply matches until the next DISCOVER picks one */
}

void stack_dhcp_start(struct net_stack *stack)
{
    start_over(stack, stack_random_below(stack, NET_DHCP_START_MAX_MS + 1));
}

static uint64_t renew_interval(uint64_t now, uint64_t until)
{
    uint64_t half = until > now ? (until - now) / 2 : 0;
    return half < NET_DHCP_RENEW_MIN_MS ? NET_DHCP_RENEW_MIN_MS : half;
}

/* BOUND, RENEWING or REBINDING with a timer due: renew from T1 (unicast to
 * the server), rebind from T2 (broadcast), never waiting past the expiry. */
static void lease_tick(struct net_stack *stack)
{
    struct net_dhcp *dhcp = &stack->dhcp;
    uint64_t now = stack->now_ms;
    if (now >= dhcp->rebind_ms) {
        dhcp->state = NET_DHCP_REBINDING;
        dhcp_send(stack, DHCP_REQUEST, dhcp->address, IPV4_BROADCAST);
        dhcp->next_ms = now + renew_interval(now, dhcp->expiry_ms);
    } else {
        dhcp->state = NET_DHCP_RENEWING;
        dhcp_send(stack, DHCP_REQUEST, dhcp->address, dhcp->server);
        dhcp->next_ms = now + renew_interval(now, dhcp->rebind_ms);
        if (dhcp->next_ms > dhcp->rebind_ms)
            dhcp->next_ms = dhcp->rebind_ms; /* REBINDING starts at T2, retry or not */
    }
    if (dhcp->next_ms > dhcp->expiry_ms)
        dhcp->next_ms = dhcp->expiry_ms;
}

void stack_dhcp_tick(struct net_stack *stack)
{
    struct net_dhcp *dhcp = &stack->dhcp;
    uint64_t now = stack->now_ms;
    if (dhcp->state == NET_DHCP_OFF || now < dhcp->next_ms)
        return;
    if (dhcp->state == NET_DHCP_SELECTING) {
        discover(stack);
    } else if (dhcp->state == NET_DHCP_REQUESTING) {
        if (++dhcp->tries >= NET_DHCP_REQUEST_TRIES) {
            start_over(stack, 0);
            return;
        }
        dhcp_send(stack, DHCP_REQUEST, 0, IPV4_BROADCAST);
        dhcp->next_ms = now + retry_delay(stack);
    } else if (now >= dhcp->expiry_ms) {
        start_over(stack, 0);
    } else {
        lease_tick(stack);
    }
}

static uint64_t seconds_after(uint64_t now, uint32_t seconds)
{
    return seconds == LEASE_INFINITE ? UINT64_MAX : now + (uint64_t)seconds * 1000;
}

/* An ACK: a new or extended lease. */
static enum net_result lease_take(struct net_stack *stack, const struct dhcp_message *ack)
{
    struct net_dhcp *dhcp = &stack->dhcp;
    uint32_t address = ack->your_ip;
    if (!(ack->present & DHCP_HAS_LEASE_TIME) || ack->lease_seconds == 0 || address == 0 ||
        address == IPV4_BROADCAST || ipv4_is_multicast(address) || ipv4_is_link_local(address))
        return NET_ERR_DHCP_LEASE;
    uint32_t lease = ack->lease_seconds;
    uint32_t t1 = lease == LEASE_INFINITE ? LEASE_INFINITE : lease / 2;
    uint32_t t2 = lease == LEASE_INFINITE ? LEASE_INFINITE : lease - lease / 8;
    if ((ack->present & DHCP_HAS_RENEWAL_TIME) && (ack->present & DHCP_HAS_REBINDING_TIME) &&
        ack->renewal_seconds < ack->rebinding_seconds && ack->rebinding_seconds < lease) {
        t1 = ack->renewal_seconds;
        t2 = ack->rebinding_seconds;
    }
    uint32_t mask = (ack->present & DHCP_HAS_SUBNET_MASK) ? ack->subnet_mask : 0xffffff00u;
    uint32_t router = (ack->present & DHCP_HAS_ROUTER) ? ack->router : 0;
    dhcp->state = NET_DHCP_BOUND;
    dhcp->address = address;
    dhcp->subnet_mask = mask;
    dhcp->router = router;
    dhcp->renew_ms = seconds_after(stack->now_ms, t1);
    dhcp->rebind_ms = seconds_after(stack->now_ms, t2);
    dhcp->expiry_ms = seconds_after(stack->now_ms, lease);
    dhcp->next_ms = dhcp->renew_ms;
    dhcp->retry_ms = NET_DHCP_RETRY_FIRST_MS;
    dhcp->naks = 0;
    stack_routes_set_clearnet(stack, address, mask, router);
    stack->counters.dhcp_leases++;
    return NET_OK;
}

static enum net_result offer_take(struct net_stack *stack, const struct dhcp_message *offer)
{
    struct net_dhcp *dhcp = &stack->dhcp;
    if (!(offer->present & DHCP_HAS_SERVER_ID) || offer->your_ip == 0)
        return NET_ERR_DHCP_LEASE;
    dhcp->state = NET_DHCP_REQUESTING;
    dhcp->offered = offer->your_ip;
    dhcp->server = offer->server_id;
    dhcp->tries = 0;
    dhcp->retry_ms = NET_DHCP_RETRY_FIRST_MS;
    dhcp_send(stack, DHCP_REQUEST, 0, IPV4_BROADCAST);
    dhcp->next_ms = stack->now_ms + retry_delay(stack);
    return NET_OK;
}

enum net_result stack_dhcp_input(struct net_stack *stack, const struct udp_datagram *udp)
{
    struct net_dhcp *dhcp = &stack->dhcp;
    struct dhcp_message message;
    enum net_result result = dhcp_decode(udp->payload, &message);
    if (result != NET_OK)
        return result;
    if (message.op != DHCP_OP_REPLY || dhcp->state == NET_DHCP_OFF || dhcp->xid == 0 ||
        message.xid != dhcp->xid ||
        !eth_address_equal(&message.client_hardware, &stack->config.mac))
        return NET_ERR_UNEXPECTED;
    stack->counters.dhcp_in++;
    uint8_t state = dhcp->state;
    bool waiting_ack = state == NET_DHCP_REQUESTING || state == NET_DHCP_RENEWING ||
                       state == NET_DHCP_REBINDING;
    if (state == NET_DHCP_SELECTING && message.message_type == DHCP_OFFER)
        return offer_take(stack, &message);
    if (state == NET_DHCP_REQUESTING && (message.present & DHCP_HAS_SERVER_ID) &&
        message.server_id != dhcp->server)
        return NET_ERR_UNEXPECTED; /* another server's answer */
    if (waiting_ack && message.message_type == DHCP_ACK)
        return lease_take(stack, &message);
    if (waiting_ack && message.message_type == DHCP_NAK) {
        /* Start over, but after a wait that doubles with each NAK: a
         * server that NAKs every REQUEST must not get a DISCOVER storm. */
        uint64_t delay = (uint64_t)NET_DHCP_RETRY_FIRST_MS << dhcp->naks;
        dhcp->naks += dhcp->naks < 4;
        start_over(stack, delay + stack_random_below(stack, 1001));
        return NET_OK;
    }
    return NET_ERR_UNEXPECTED;
}
