/* UDP sockets and ICMP echo: what the stack offers above IP.
 *
 * A socket is a local port bound in a scope with a queue of at most
 * NET_SOCKET_QUEUE received datagrams; a datagram for a full queue is
 * refused (NET_ERR_QUEUE_FULL), one for an unbound port too
 * (NET_ERR_PORT_UNBOUND, no ICMP port-unreachable is sent: the stack says
 * nothing to strangers it does not have to). A mesh-scope socket receives
 * only datagrams from a link-local source sent to our link-local address or
 * broadcast; anything else could not be answered within its scope.
 *
 * Echo requests to one of our addresses are answered from that address;
 * requests sent to a broadcast address are not (no amplification). Echo
 * replies are queued for net_ping_reply, NET_PING_QUEUE at most; the round
 * trip comes from the send time net_ping put in the data, so a peer that
 * rewrites the data can lie about it (it is a diagnostic, nothing more). */
#include "base/endian.h"
#include "net/buffer.h"
#include "net/dhcp.h"
#include "net/icmp.h"
#include "net/stack_internal.h"

static struct net_socket *socket_find(struct net_stack *stack, uint16_t port)
{
    for (int i = 0; i < NET_SOCKETS; i++)
        if (stack->sockets[i].bound && stack->sockets[i].port == port)
            return &stack->sockets[i];
    return NULL;
}

enum net_result net_udp_bind(struct net_stack *stack, uint16_t port, enum net_scope scope)
{
    if (port == 0 || (scope != NET_SCOPE_MESH && scope != NET_SCOPE_CLEARNET))
        return NET_ERR_PARAMETER;
    if (socket_find(stack, port) != NULL || (stack->config.dhcp && port == DHCP_CLIENT_PORT))
        return NET_ERR_PORT_IN_USE;
    for (int i = 0; i < NET_SOCKETS; i++) {
        struct net_socket *socket = &stack->sockets[i];
        if (socket->bound)
            continue;
        socket->bound = true;
        socket->port = port;
        socket->scope = (uint8_t)scope;
        socket->head = 0;
        socket->count = 0;
        return NET_OK;
    }
    return NET_ERR_TABLE_FULL;
}

enum net_result net_udp_unbind(struct net_stack *stack, uint16_t port)
{
    struct net_socket *socket = socket_find(stack, port);
    if (socket == NULL)
        return NET_ERR_PORT_UNBOUND;
    socket->bound = false;
    return NET_OK;
}

/* Routes, builds and sends one IP packet whose transport part `write`
 * appends (UDP or ICMP). */
static enum net_result send_routed(struct net_stack *stack, uint32_t destination,
                                   enum net_scope scope, uint8_t protocol, size_t length,
                                   enum net_result (*write)(struct byte_buffer *, uint32_t, uint32_t,
                                                            const void *),
                                   const void *argument)
{
    stack->now_ms = stack->environment.clock_ms(stack->environment.context);
    struct net_route_decision route;
    enum net_result result = net_route_lookup(stack, destination, scope, &route);
    if (result == NET_ERR_NO_ROUTE)
        stack->counters.no_route++;
    if (result != NET_OK)
        return result;
    struct byte_buffer out;
    result = stack_ip_begin(stack, &out, route.source, destination, protocol, length);
    if (result == NET_OK)
        result = write(&out, route.source, destination, argument);
    if (result == NET_OK)
        result = stack_ip_finish(stack, &out, route.next_hop);
    return result;
}

struct udp_send {
    uint16_t source_port;
    uint16_t destination_port;
    struct bytes payload;
};

static enum net_result udp_write(struct byte_buffer *out, uint32_t source, uint32_t destination,
                                 const void *argument)
{
    const struct udp_send *send = argument;
    return udp_encode(out, source, destination, send->source_port, send->destination_port,
                      send->payload);
}

enum net_result net_udp_send(struct net_stack *stack, uint16_t source_port, uint32_t destination,
                             uint16_t destination_port, struct bytes payload)
{
    struct net_socket *socket = socket_find(stack, source_port);
    if (socket == NULL)
        return NET_ERR_PORT_UNBOUND;
    if (destination_port == 0)
        return NET_ERR_PARAMETER;
    if (payload.len > NET_UDP_PAYLOAD_MAX)
        return NET_ERR_TOO_LARGE;
    struct udp_send send = { source_port, destination_port, payload };
    enum net_result result = send_routed(stack, destination, (enum net_scope)socket->scope,
                                         IPV4_PROTOCOL_UDP, UDP_HEADER_SIZE + payload.len,
                                         udp_write, &send);
    if (result == NET_OK)
        stack->counters.udp_out++;
    return result;
}

static bool scope_reaches(const struct net_stack *stack, const struct net_socket *socket,
                          const struct ipv4_packet *ip)
{
    if (socket->scope != NET_SCOPE_MESH)
        return true;
    uint32_t link_local = net_link_local_address(stack);
    return ipv4_is_link_local(ip->source) &&
           (ip->destination == IPV4_BROADCAST || (link_local != 0 && ip->destination == link_local));
}

enum net_result stack_udp_input(struct net_stack *stack, const struct ipv4_packet *ip)
{
    struct udp_datagram udp;
    enum net_result result = udp_decode(ip->payload, ip->source, ip->destination, &udp);
    if (result != NET_OK)
        return result;
    if (udp.destination_port == DHCP_CLIENT_PORT && stack->config.dhcp)
        return stack_dhcp_input(stack, &udp);
    struct net_socket *socket = socket_find(stack, udp.destination_port);
    if (socket == NULL)
        return NET_ERR_PORT_UNBOUND;
    if (!scope_reaches(stack, socket, ip))
        return NET_ERR_NOT_FOR_US;
    if (socket->count >= NET_SOCKET_QUEUE)
        return NET_ERR_QUEUE_FULL;
    struct net_datagram *datagram = &socket->queue[(socket->head + socket->count) % NET_SOCKET_QUEUE];
    datagram->source = ip->source;
    datagram->destination = ip->destination;
    datagram->source_port = udp.source_port;
    datagram->length = (uint16_t)udp.payload.len;
    net_copy(datagram->data, udp.payload.data, udp.payload.len);
    socket->count++;
    stack->counters.udp_in++;
    return NET_OK;
}

enum net_result net_udp_receive(struct net_stack *stack, uint16_t port, struct net_datagram *out)
{
    struct net_socket *socket = socket_find(stack, port);
    if (socket == NULL)
        return NET_ERR_PORT_UNBOUND;
    if (socket->count == 0)
        return NET_ERR_EMPTY;
    const struct net_datagram *datagram = &socket->queue[socket->head];
    out->source = datagram->source;
    out->destination = datagram->destination;
    out->source_port = datagram->source_port;
    out->length = datagram->length;
    net_copy(out->data, datagram->data, datagram->length);
    socket->head = (uint8_t)((socket->head + 1) % NET_SOCKET_QUEUE);
    socket->count--;
    return NET_OK;
}

/* ---- ICMP echo */

static enum net_result echo_write(struct byte_buffer *out, uint32_t source, uint32_t destination,
                                  const void *argument)
{
    (void)source;
    (void)destination;
    return icmp_echo_encode(out, argument);
}

static enum net_result echo_answer(struct net_stack *stack, const struct ipv4_packet *ip,
                                   const struct icmp_echo *request)
{
    if (!stack_is_own_address(stack, ip->destination))
        return NET_ERR_NOT_FOR_US; /* broadcast pings go unanswered */
    stack->counters.icmp_echo_requests_in++;
    struct net_route_decision route;
    enum net_result result = net_route_lookup(stack, ip->source, NET_SCOPE_CLEARNET, &route);
    if (result != NET_OK)
        return result;
    struct icmp_echo reply = *request;
    reply.type = ICMP_TYPE_ECHO_REPLY;
    struct byte_buffer out;
    result = stack_ip_begin(stack, &out, ip->destination, ip->source, IPV4_PROTOCOL_ICMP,
                            ICMP_HEADER_SIZE + reply.data.len);
    if (result == NET_OK)
        result = icmp_echo_encode(&out, &reply);
    if (result == NET_OK)
        result = stack_ip_finish(stack, &out, route.next_hop);
    if (result == NET_OK)
        stack->counters.icmp_echo_replies_out++;
    return result;
}

static enum net_result echo_reply_record(struct net_stack *stack, const struct ipv4_packet *ip,
                                         const struct icmp_echo *reply)
{
    if (stack->ping_count >= NET_PING_QUEUE)
        return NET_ERR_QUEUE_FULL;
    stack->counters.icmp_echo_replies_in++;
    struct net_ping_result *result = &stack->pings[(stack->ping_head + stack->ping_count) % NET_PING_QUEUE];
    result->source = ip->source;
    result->identifier = reply->identifier;
    result->sequence = reply->sequence;
    uint64_t sent = reply->data.len >= 8 ? load64_be(reply->data.data) : stack->now_ms;
    result->round_trip_ms = sent <= stack->now_ms ? stack->now_ms - sent : 0;
    stack->ping_count++;
    return NET_OK;
}

enum net_result stack_icmp_input(struct net_stack *stack, const struct ipv4_packet *ip)
{
    struct icmp_echo echo;
    enum net_result result = icmp_echo_decode(ip->payload, &echo);
    if (result != NET_OK)
        return result;
    if (echo.type == ICMP_TYPE_ECHO_REQUEST)
        return echo_answer(stack, ip, &echo);
    return echo_reply_record(stack, ip, &echo);
}

enum net_result net_ping(struct net_stack *stack, uint32_t destination, uint16_t identifier,
                         uint16_t sequence, enum net_scope scope)
{
    uint8_t data[NET_PING_DATA_SIZE];
    stack->now_ms = stack->environment.clock_ms(stack->environment.context);
    store64_be(data, stack->now_ms);
    for (size_t i = 8; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    struct icmp_echo request = { ICMP_TYPE_ECHO_REQUEST, identifier, sequence,
                                 bytes_make(data, sizeof data) };
    enum net_result result = send_routed(stack, destination, scope, IPV4_PROTOCOL_ICMP,
                                         ICMP_HEADER_SIZE + sizeof data, echo_write, &request);
    if (result == NET_OK)
        stack->counters.icmp_echo_requests_out++;
    return result;
}

enum net_result net_ping_reply(struct net_stack *stack, struct net_ping_result *out)
{
    if (stack->ping_count == 0)
        return NET_ERR_EMPTY;
    *out = stack->pings[stack->ping_head];
    stack->ping_head = (uint8_t)((stack->ping_head + 1) % NET_PING_QUEUE);
    stack->ping_count--;
    return NET_OK;
}
