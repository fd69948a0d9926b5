/* The stack's frame, routing and timer core: initialization, the input
 * dispatch (Ethernet -> ARP or IPv4 -> ICMP or UDP), the route table and the
 * IP send path. ARP, link-local, DHCP and the transports live in the other
 * stack_*.c files (stack_internal.h). */
#include "net/stack.h"

#include "base/endian.h"
#include "net/arp.h"
#include "net/buffer.h"
#include "net/stack_internal.h"

uint32_t stack_random_below(struct net_stack *stack, uint32_t bound)
{
    uint8_t bytes[4];
    stack->environment.random(stack->environment.context, bytes, sizeof bytes);
    /* The modulo bias is below 2^-20 for the bounds used (at most 65024). */
    return bound == 0 ? 0 : load32_le(bytes) % bound;
}

bool stack_is_own_address(const struct net_stack *stack, uint32_t address)
{
    return address != 0 &&
           (address == net_link_local_address(stack) || address == net_dhcp_address(stack));
}

uint32_t net_link_local_address(const struct net_stack *stack)
{
    return stack->link_local.state == NET_LL_PROBING ? 0 : stack->link_local.address;
}

uint32_t net_dhcp_address(const struct net_stack *stack)
{
    uint8_t state = stack->dhcp.state;
    bool leased = state == NET_DHCP_BOUND || state == NET_DHCP_RENEWING ||
                  state == NET_DHCP_REBINDING;
    return leased ? stack->dhcp.address : 0;
}

static bool config_valid(const struct net_environment *environment, const struct net_config *config)
{
    if (environment->clock_ms == NULL || environment->random == NULL ||
        environment->send_frame == NULL)
        return false;
    if (eth_address_is_group(&config->mac) || eth_address_is_zero(&config->mac))
        return false;
    uint32_t preferred = config->link_local_preferred;
    return preferred == 0 || (preferred >= NET_LL_FIRST && preferred <= NET_LL_LAST);
}

enum net_result net_stack_init(struct net_stack *stack, const struct net_environment *environment,
                               const struct net_config *config)
{
    if (!config_valid(environment, config))
        return NET_ERR_PARAMETER;
    net_zero(stack, sizeof *stack);
    stack->environment = *environment;
    stack->config = *config;
    stack->now_ms = environment->clock_ms(environment->context);
    stack->next_identification = (uint16_t)stack_random_below(stack, 65536);
    /* The mesh route exists from the start and never goes away. */
    stack->routes[0] = (struct net_route){ IPV4_LINK_LOCAL_PREFIX, IPV4_LINK_LOCAL_MASK, 0,
                                           NET_SCOPE_MESH, true };
    stack_link_local_start(stack);
    if (config->dhcp)
        stack_dhcp_start(stack);
    return NET_OK;
}

/* ---- routes */

void stack_routes_set_clearnet(struct net_stack *stack, uint32_t address, uint32_t mask,
                               uint32_t router)
{
    stack_routes_clear_clearnet(stack);
    stack->routes[1] = (struct net_route){ address & mask, mask, 0, NET_SCOPE_CLEARNET, true };
    if (router != 0)
        stack->routes[2] = (struct net_route){ 0, 0, router, NET_SCOPE_CLEARNET, true };
}

void stack_routes_clear_clearnet(struct net_stack *stack)
{
    for (int i = 0; i < NET_ROUTES; i++)
        if (stack->routes[i].scope == NET_SCOPE_CLEARNET)
            stack->routes[i].used = false;
}

/* Longest-prefix match among the routes the scope may see. */
static const struct net_route *route_find(const struct net_stack *stack, uint32_t destination,
                                          enum net_scope scope)
{
    const struct net_route *best = NULL;
    for (int i = 0; i < NET_ROUTES; i++) {
        const struct net_route *route = &stack->routes[i];
        if (!route->used || route->scope > scope || (destination & route->mask) != route->prefix)
            continue;
        if (best == NULL || route->mask > best->mask)
            best = route;
    }
    return best;
}

/* The source for a destination: link-local for the mesh, else the lease. */
static uint32_t source_for(const struct net_stack *stack, uint32_t destination, enum net_scope scope)
{
    uint32_t link_local = net_link_local_address(stack);
    if (scope == NET_SCOPE_MESH)
        return link_local;
    if (ipv4_is_link_local(destination) && link_local != 0)
        return link_local;
    return net_dhcp_address(stack) != 0 ? net_dhcp_address(stack) : link_local;
}

enum net_result net_route_lookup(const struct net_stack *stack, uint32_t destination,
                                 enum net_scope scope, struct net_route_decision *out)
{
    if (scope != NET_SCOPE_MESH && scope != NET_SCOPE_CLEARNET)
        return NET_ERR_PARAMETER;
    uint32_t next_hop = destination;
    if (destination != IPV4_BROADCAST) {
        const struct net_route *route = route_find(stack, destination, scope);
        if (route == NULL || ipv4_is_multicast(destination) || destination == 0)
            return NET_ERR_NO_ROUTE;
        if (route->gateway != 0)
            next_hop = route->gateway;
        else if (route->mask != 0xffffffffu && (destination | route->mask) == 0xffffffffu)
            next_hop = IPV4_BROADCAST; /* the subnet's broadcast address */
    }
    uint32_t source = source_for(stack, destination, scope);
    if (source == 0)
        return NET_ERR_NO_ADDRESS;
    out->source = source;
    out->next_hop = next_hop;
    return NET_OK;
}

/* ---- sending */

enum net_result stack_send_frame(struct net_stack *stack, size_t length)
{
    enum net_result result =
        stack->environment.send_frame(stack->environment.context, stack->frame, length);
    if (result != NET_OK) {
        stack->counters.send_failures++;
        return NET_ERR_SEND;
    }
    stack->counters.frames_out++;
    return NET_OK;
}

enum net_result stack_ip_begin(struct net_stack *stack, struct byte_buffer *out, uint32_t source,
                               uint32_t destination, uint8_t protocol, size_t transport_length)
{
    *out = (struct byte_buffer){ stack->frame, 0, sizeof stack->frame };
    if (net_buffer_reserve(out, ETH_HEADER_SIZE) == NULL)
        return NET_ERR_BUFFER;
    struct ipv4_packet fields = { 0 };
    fields.identification = stack->next_identification++;
    fields.dont_fragment = true; /* the stack never fragments, so neither should routers */
    fields.time_to_live = ipv4_is_link_local(destination) ? 255 : IPV4_DEFAULT_TTL;
    fields.protocol = protocol;
    fields.source = source;
    fields.destination = destination;
    return ipv4_encode_header(out, &fields, transport_length);
}

enum net_result stack_ip_finish(struct net_stack *stack, struct byte_buffer *out, uint32_t next_hop)
{
    struct eth_address destination = eth_broadcast;
    if (next_hop != IPV4_BROADCAST) {
        struct bytes packet = bytes_make(out->data + ETH_HEADER_SIZE, out->len - ETH_HEADER_SIZE);
        bool resolved = false;
        enum net_result result = stack_arp_resolve(stack, next_hop, packet, &destination, &resolved);
        if (result != NET_OK || !resolved)
            return result; /* refused, or queued behind an ARP request */
    }
    struct byte_buffer header = { stack->frame, 0, ETH_HEADER_SIZE };
    enum net_result result =
        eth_encode_header(&header, &destination, &stack->config.mac, ETH_TYPE_IPV4);
    if (result == NET_OK)
        result = eth_encode_finish(out);
    if (result != NET_OK)
        return result;
    stack->counters.ip_out++;
    return stack_send_frame(stack, out->len);
}

/* ---- input */

static bool ip_destination_accepted(const struct net_stack *stack, uint32_t destination)
{
    if (destination == IPV4_BROADCAST || stack_is_own_address(stack, destination))
        return true;
    /* The leased subnet's broadcast address. */
    uint32_t mask = stack->dhcp.subnet_mask;
    return net_dhcp_address(stack) != 0 && mask != 0xffffffffu &&
           destination == (stack->dhcp.address | ~mask);
}

static enum net_result ip_input(struct net_stack *stack, struct bytes payload)
{
    struct ipv4_packet ip;
    enum net_result result = ipv4_decode(payload, &ip);
    if (result != NET_OK)
        return result;
    /* 0.0.0.0 is only a source for hosts without an address (DHCP clients);
     * one of ours as a source is a loop or a forgery. */
    if (ip.source == 0 || stack_is_own_address(stack, ip.source))
        return NET_ERR_IP_SOURCE;
    if (!ip_destination_accepted(stack, ip.destination))
        return NET_ERR_NOT_FOR_US;
    stack->counters.ip_in++;
    if (ip.protocol == IPV4_PROTOCOL_UDP)
        return stack_udp_input(stack, &ip);
    if (ip.protocol == IPV4_PROTOCOL_ICMP)
        return stack_icmp_input(stack, &ip);
    return NET_ERR_PROTOCOL;
}

static enum net_result frame_input(struct net_stack *stack, struct bytes frame)
{
    struct eth_frame ethernet;
    enum net_result result = eth_decode(frame, &ethernet);
    if (result != NET_OK)
        return result;
    if (!eth_address_equal(&ethernet.destination, &stack->config.mac) &&
        !eth_address_equal(&ethernet.destination, &eth_broadcast))
        return NET_ERR_NOT_FOR_US;
    if (eth_address_equal(&ethernet.source, &stack->config.mac))
        return NET_ERR_NOT_FOR_US; /* our own frame, looped back */
    if (ethernet.type == ETH_TYPE_ARP) {
        struct arp_packet arp;
        result = arp_decode(ethernet.payload, &arp);
        return result != NET_OK ? result : stack_arp_input(stack, &arp);
    }
    if (ethernet.type == ETH_TYPE_IPV4)
        return ip_input(stack, ethernet.payload);
    return NET_ERR_ETHERTYPE;
}

enum net_result net_stack_input(struct net_stack *stack, struct bytes frame)
{
    stack->now_ms = stack->environment.clock_ms(stack->environment.context);
    stack->counters.frames_in++;
    enum net_result result = frame_input(stack, frame);
    if (result != NET_OK) {
        stack->counters.frames_refused++;
        if ((unsigned)result < NET_ERR_COUNT)
            stack->counters.refused[result]++;
    }
    return result;
}

void net_stack_tick(struct net_stack *stack)
{
    stack->now_ms = stack->environment.clock_ms(stack->environment.context);
    stack_arp_tick(stack);
    stack_link_local_tick(stack);
    stack_dhcp_tick(stack);
}

uint64_t net_stack_next_deadline(const struct net_stack *stack)
{
    uint64_t deadline = stack_arp_next_deadline(stack);
    if (stack->link_local.next_ms < deadline)
        deadline = stack->link_local.next_ms;
    if (stack->dhcp.state != NET_DHCP_OFF && stack->dhcp.next_ms < deadline)
        deadline = stack->dhcp.next_ms;
    return deadline;
}
