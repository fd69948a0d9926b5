/* The datagram API of nonos.net (nonos/net.h; docs/net.md "Datagrams").
 *
 * A client is the process id its endpoint's badge names (the name service
 * mints each looked-up copy with the asker's id); its verified manifest,
 * read with process_info and capsule_info on our supervisor capability,
 * decides the scope of its sockets: allow_clearnet gives the clearnet
 * scope, allow_mesh alone the mesh scope (lib/net's scoped routes: a
 * mesh-scope socket has no route beyond 169.254/16 and the limited
 * broadcast), neither gives no socket. Invariants: a port in `sockets` is
 * bound in the stack (after each new stack, datagram_rebind); only its
 * owner may send, receive or unbind on it; a port whose owner has ended
 * may be taken by another client. Datagrams longer than one message travel
 * in chunks: `outgoing` gathers a send in order, `incoming` holds the
 * datagram being read. The requests themselves are decoded and checked by
 * user/lib/datagram_wire.c (pure, host-tested and fuzzed). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/error.h>
#include <nonos/net.h>
#include <nonos/syscall.h>

#include "datagram.h"
#include "datagram_wire.h"
#include "net/error.h"

#define CLIENT_SOCKETS 6 /* of the stack's NET_SOCKETS; DHCP uses one */

struct client_socket {
    bool used;
    uint16_t port;
    uint64_t owner;   /* process id */
    uint8_t scope;    /* enum net_scope */
    uint16_t outgoing_length; /* bytes gathered of the send in progress */
    uint8_t outgoing[NET_UDP_PAYLOAD_MAX];
    bool incoming_held;
    struct net_datagram incoming;
};

static struct client_socket sockets[CLIENT_SOCKETS];
_Static_assert(NONOS_NET_UDP_MAX <= NET_UDP_PAYLOAD_MAX, "a checked send fits in outgoing");

static void write16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void write32(uint8_t *p, uint32_t v) { write16(p, (uint16_t)v); write16(p + 2, (uint16_t)(v >> 16)); }

/* The scope the client's manifest allows; false: no socket at all. */
static bool client_scope(uint64_t client, uint8_t *scope)
{
    static struct nonos_capsule_info capsule;
    struct nonos_process_info process = { 0 };
    if (nonos_process_info(NONOS_SLOT_SUPERVISOR, client, &process) < 0 ||
        process.state != NONOS_PROCESS_RUNNING ||
        nonos_capsule_info(NONOS_SLOT_SUPERVISOR, process.capsule_index, &capsule) < 0 || !capsule.verified)
        return false;
    if (capsule.allow_clearnet) {
        *scope = NET_SCOPE_CLEARNET;
        return true;
    }
    *scope = NET_SCOPE_MESH;
    return capsule.allow_mesh != 0;
}

static bool process_alive(uint64_t process)
{
    struct nonos_process_info info = { 0 };
    return nonos_process_info(NONOS_SLOT_SUPERVISOR, process, &info) >= 0 &&
           info.state == NONOS_PROCESS_RUNNING;
}

static struct client_socket *socket_find(uint16_t port)
{
    for (size_t i = 0; i < CLIENT_SOCKETS; i++) {
        if (sockets[i].used && sockets[i].port == port)
            return &sockets[i];
    }
    return NULL;
}

static void socket_release(struct net_stack *stack, struct client_socket *socket)
{
    net_lock();
    (void)net_udp_unbind(stack, socket->port);
    net_unlock();
    socket->used = false;
}

static uint64_t bind_answer(struct net_stack *stack, struct nonos_message *message, uint16_t port,
                            uint8_t scope)
{
    struct client_socket *socket = socket_find(port);
    if (socket != NULL && socket->owner != message->badge) {
        if (process_alive(socket->owner))
            return NONOS_ERROR_EXISTS;
        socket_release(stack, socket);
    }
    if (socket == NULL || !socket->used) {
        socket = NULL;
        for (size_t i = 0; i < CLIENT_SOCKETS && socket == NULL; i++)
            socket = sockets[i].used ? NULL : &sockets[i];
        if (socket == NULL)
            return NONOS_ERROR_SLOT_LIMIT;
        net_lock();
        enum net_result result = net_udp_bind(stack, port, (enum net_scope)scope);
        net_unlock();
        if (result != NET_OK)
            return NONOS_ERROR_EXISTS; /* the stack's own (DHCP's port 68) */
        *socket = (struct client_socket){ .used = true, .port = port, .owner = message->badge, .scope = scope };
    }
    net_lock();
    uint32_t address = net_link_local_address(stack);
    net_unlock();
    message->data[0] = scope;
    write32(message->data + 1, address);
    message->length = 5;
    return 0;
}

static uint64_t send_answer(struct net_stack *stack, struct nonos_message *message,
                            const struct datagram_request *request, struct client_socket *socket)
{
    enum datagram_refusal refusal = datagram_wire_send_check(request, socket->outgoing_length);
    if (refusal != DATAGRAM_OK)
        return datagram_wire_error(refusal);
    __builtin_memcpy(socket->outgoing + request->offset, request->chunk, request->chunk_length);
    socket->outgoing_length = (uint16_t)(request->offset + request->chunk_length);
    enum net_result result = NET_OK;
    if (socket->outgoing_length == request->total) {
        net_lock();
        result = net_udp_send(stack, socket->port, request->address, request->remote_port,
                              bytes_make(socket->outgoing, request->total));
        net_unlock();
        socket->outgoing_length = 0;
    }
    message->data[0] = result == NET_OK ? NONOS_NET_SENT
                     : result == NET_ERR_NO_ROUTE ? NONOS_NET_SENT_NO_ROUTE
                     : result == NET_ERR_NO_ADDRESS ? NONOS_NET_SENT_NO_ADDRESS : NONOS_NET_SENT_FAILED;
    const char *name = net_result_name(result);
    message->length = 1;
    while (*name != 0 && message->length < sizeof message->data)
        message->data[message->length++] = (uint8_t)*name++;
    return 0;
}

static uint64_t receive_answer(struct net_stack *stack, struct nonos_message *message,
                               uint16_t offset, struct client_socket *socket)
{
    if (offset == 0) {
        net_lock();
        socket->incoming_held = net_udp_receive(stack, socket->port, &socket->incoming) == NET_OK;
        net_unlock();
    }
    message->length = 0;
    if (!socket->incoming_held)
        return 0;
    const struct net_datagram *datagram = &socket->incoming;
    uint32_t chunk;
    enum datagram_refusal refusal = datagram_wire_receive_window(datagram->length, offset, &chunk);
    if (refusal != DATAGRAM_OK)
        return datagram_wire_error(refusal);
    write32(message->data, datagram->source);
    write16(message->data + 4, datagram->source_port);
    write16(message->data + 6, datagram->length);
    __builtin_memcpy(message->data + NONOS_NET_UDP_RECEIVE_HEADER, datagram->data + offset, chunk);
    message->length = NONOS_NET_UDP_RECEIVE_HEADER + chunk;
    return 0;
}

/* The answer is written over *message: the request's fields are read out
 * first, and a send's chunk (a view into it) is copied before that. */
uint64_t datagram_answer(struct net_stack *stack, struct nonos_message *message)
{
    uint8_t scope;
    struct datagram_request request;
    enum datagram_refusal refusal = datagram_wire_decode(message->label, message->data, message->length, &request);
    if (refusal != DATAGRAM_OK)
        return datagram_wire_error(refusal);
    if (!client_scope(message->badge, &scope))
        return NONOS_ERROR_DENIED;
    if (request.label == NONOS_NET_UDP_BIND)
        return bind_answer(stack, message, request.port, scope);
    struct client_socket *socket = socket_find(request.port);
    if (socket == NULL || socket->owner != message->badge)
        return NONOS_ERROR_DENIED;
    if (request.label == NONOS_NET_UDP_SEND)
        return send_answer(stack, message, &request, socket);
    if (request.label == NONOS_NET_UDP_RECEIVE)
        return receive_answer(stack, message, request.offset, socket);
    socket_release(stack, socket);
    message->length = 0;
    return 0;
}

void datagram_rebind(struct net_stack *stack)
{
    for (size_t i = 0; i < CLIENT_SOCKETS; i++) {
        if (sockets[i].used)
            (void)net_udp_bind(stack, sockets[i].port, (enum net_scope)sockets[i].scope);
    }
}

bool datagram_port_owned(uint16_t port, uint64_t client)
{
    const struct client_socket *socket = socket_find(port);
    return socket != NULL && socket->owner == client;
}
