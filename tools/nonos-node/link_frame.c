/* The frame link: the node is a host of its own on an Ethernet segment.
 * lib/net's stack (ARP, RFC 3927 link-local address with conflict
 * detection, IPv4, UDP in the mesh scope) builds and reads every frame;
 * frames travel one per UDP datagram between --frame-local and --hub, the
 * encapsulation of QEMU's socket network backend, so the same wire reaches
 * nonos-hub, and through it QEMU guests. Datagrams from anywhere but the
 * hub are refused (counted as link_refused). The overlay starts once the
 * link-local address is claimed (a few seconds: RFC 3927's probes). */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/nonos-node/node.h"

static uint64_t frame_clock(void *context)
{
    (void)context;
    return node_clock_ms();
}

static enum net_result frame_send(void *context, const uint8_t *frame, size_t len)
{
    struct node *node = context;
    ssize_t n = sendto(node->frame_fd, frame, len, MSG_DONTWAIT,
                       (const struct sockaddr *)&node->options.hub, sizeof node->options.hub);
    return n == (ssize_t)len ? NET_OK : NET_ERR_SEND;
}

static uint32_t address_host_order(const struct dht_address *address)
{
    return NET_IPV4(address->bytes[0], address->bytes[1], address->bytes[2], address->bytes[3]);
}

static void address_from_host_order(struct dht_address *out, uint32_t ip, uint16_t port)
{
    memset(out, 0, sizeof *out);
    out->family = DHT_ADDRESS_IPV4;
    out->bytes[0] = (uint8_t)(ip >> 24);
    out->bytes[1] = (uint8_t)(ip >> 16);
    out->bytes[2] = (uint8_t)(ip >> 8);
    out->bytes[3] = (uint8_t)ip;
    out->port = port;
}

static void overlay_send(void *context, const struct dht_address *to, const uint8_t *data,
                         size_t len)
{
    struct node *node = context;
    (void)net_udp_send(node->stack, node->options.session_port, address_host_order(to), to->port,
                       bytes_make(data, len));
}

static void overlay_broadcast(void *context, const uint8_t *data, size_t len)
{
    struct node *node = context;
    (void)net_udp_send(node->stack, NODE_FRAME_BEACON_PORT, IPV4_BROADCAST, NODE_FRAME_BEACON_PORT,
                       bytes_make(data, len));
}

int node_frame_open(struct node *node)
{
    struct node_options *options = &node->options;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), size = 4 << 20;
    if (fd < 0 ||
        bind(fd, (const struct sockaddr *)&options->frame_local, sizeof options->frame_local) != 0) {
        fprintf(stderr, "nonos-node: frame socket: %s\n", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    node->frame_fd = fd;
    if (!options->mac_given) {
        node_random(NULL, options->mac, sizeof options->mac);
        options->mac[0] = (uint8_t)((options->mac[0] & 0xfc) | 0x02); /* local, unicast */
    }
    node->stack = calloc(1, sizeof *node->stack);
    struct net_environment environment = { frame_clock, node_random, frame_send, node };
    struct net_config config;
    memset(&config, 0, sizeof config);
    memcpy(config.mac.bytes, options->mac, sizeof options->mac);
    if (node->stack == NULL || net_stack_init(node->stack, &environment, &config) != NET_OK ||
        net_udp_bind(node->stack, options->session_port, NET_SCOPE_MESH) != NET_OK ||
        net_udp_bind(node->stack, NODE_FRAME_BEACON_PORT, NET_SCOPE_MESH) != NET_OK) {
        fprintf(stderr, "nonos-node: the network stack refused its configuration\n");
        return -1;
    }
    /* Frames can be dropped while ARP resolves (a bounded queue): retry handshakes sooner. */
    options->overlay.session.handshake_retry_ms = 1000;
    return 0;
}

void node_frame_poll_fds(struct node *node, struct pollfd *fds, unsigned *count)
{
    fds[(*count)++] = (struct pollfd){ .fd = node->frame_fd, .events = POLLIN };
}

/* Hands every queued datagram of one port to the overlay. */
static void frame_deliver(struct node *node, uint16_t port, bool beacons)
{
    static struct net_datagram datagram;
    while (net_udp_receive(node->stack, port, &datagram) == NET_OK) {
        if (!node->overlay_ready)
            continue;
        struct dht_address from;
        address_from_host_order(&from, datagram.source, datagram.source_port);
        uint64_t now = node_clock_ms();
        if (beacons)
            (void)mesh_overlay_beacon_receive(node->overlay, &from, datagram.data, datagram.length,
                                              now);
        else
            (void)mesh_overlay_receive(node->overlay, &from, datagram.data, datagram.length, now);
    }
}

void node_frame_input(struct node *node, const struct pollfd *fds, unsigned first)
{
    if (!(fds[first].revents & POLLIN))
        return;
    uint8_t frame[ETH_FRAME_MAX + 64];
    for (int i = 0; i < 256; i++) {
        struct sockaddr_in from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(node->frame_fd, frame, sizeof frame, MSG_DONTWAIT,
                             (struct sockaddr *)&from, &from_len);
        if (n < 0)
            return;
        if (from.sin_addr.s_addr != node->options.hub.sin_addr.s_addr ||
            from.sin_port != node->options.hub.sin_port) {
            node->link_refused++;
            continue;
        }
        (void)net_stack_input(node->stack, bytes_make(frame, (size_t)n));
        frame_deliver(node, node->options.session_port, false);
        frame_deliver(node, NODE_FRAME_BEACON_PORT, true);
    }
}

void node_frame_tick(struct node *node)
{
    if (node_clock_ms() >= net_stack_next_deadline(node->stack))
        net_stack_tick(node->stack);
    uint32_t address = net_link_local_address(node->stack);
    if (node->overlay_ready || address == 0)
        return;
    struct dht_address self;
    address_from_host_order(&self, address, node->options.session_port);
    struct mesh_overlay_io io = { node, overlay_send, overlay_broadcast, node_random };
    if (node_overlay_start(node, &self, &io) != 0)
        node_stop_requested = 1;
}

uint64_t node_frame_deadline(const struct node *node)
{
    return net_stack_next_deadline(node->stack);
}
