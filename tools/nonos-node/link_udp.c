/* The udp link: sessions on one UDP socket (--bind), beacons to and from a
 * multicast group (--beacon) on the interface --beacon-interface. Multicast
 * works on loopback too (the test runs nodes in a network namespace of its
 * own), and on a LAN it stays on the link (TTL 1). */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/nonos-node/node.h"

static void address_from_socket(struct dht_address *out, const struct sockaddr_in *in)
{
    memset(out, 0, sizeof *out);
    out->family = DHT_ADDRESS_IPV4;
    memcpy(out->bytes, &in->sin_addr.s_addr, 4); /* network order = a.b.c.d */
    out->port = ntohs(in->sin_port);
}

static void address_to_socket(struct sockaddr_in *out, const struct dht_address *in)
{
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    memcpy(&out->sin_addr.s_addr, in->bytes, 4);
    out->sin_port = htons(in->port);
}

static void udp_send(void *context, const struct dht_address *to, const uint8_t *data, size_t len)
{
    struct node *node = context;
    struct sockaddr_in destination;
    if (to->family != DHT_ADDRESS_IPV4)
        return;
    address_to_socket(&destination, to);
    (void)sendto(node->session_fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&destination,
                 sizeof destination);
}

static void udp_broadcast(void *context, const uint8_t *data, size_t len)
{
    struct node *node = context;
    (void)sendto(node->session_fd, data, len, MSG_DONTWAIT,
                 (struct sockaddr *)&node->options.beacon_group, sizeof node->options.beacon_group);
}

const struct mesh_overlay_io node_udp_io_template = { NULL, udp_send, udp_broadcast, node_random };

static int fail(const char *what)
{
    fprintf(stderr, "nonos-node: %s: %s\n", what, strerror(errno));
    return -1;
}

/* Beacons leave from the session socket (their source is the node's own
 * address and port) and arrive on a socket bound to the group address
 * itself, so only the group's datagrams reach it. */
static int beacon_socket_open(struct node *node)
{
    const struct node_options *options = &node->options;
    unsigned char loop = 1, ttl = 1;
    if (setsockopt(node->session_fd, IPPROTO_IP, IP_MULTICAST_IF, &options->beacon_interface,
                   sizeof options->beacon_interface) != 0 ||
        setsockopt(node->session_fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0 ||
        setsockopt(node->session_fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0)
        return fail("multicast sending");
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0)
        return fail("beacon socket");
    node->beacon_fd = fd;
    struct ip_mreq membership = { options->beacon_group.sin_addr, options->beacon_interface };
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (const struct sockaddr *)&options->beacon_group, sizeof options->beacon_group) != 0)
        return fail("beacon bind");
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &membership, sizeof membership) != 0)
        return fail("beacon multicast group");
    return 0;
}

int node_udp_open(struct node *node, struct dht_address *self)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail("socket");
    node->session_fd = fd;
    int size = 4 << 20;
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (bind(fd, (const struct sockaddr *)&node->options.bind, sizeof node->options.bind) != 0)
        return fail("bind");
    struct sockaddr_in bound;
    socklen_t bound_len = sizeof bound;
    if (getsockname(fd, (struct sockaddr *)&bound, &bound_len) != 0)
        return fail("getsockname");
    address_from_socket(self, &bound);
    return beacon_socket_open(node); /* also with --beacon-interval 0: others' beacons */
}

void node_udp_poll_fds(struct node *node, struct pollfd *fds, unsigned *count)
{
    fds[(*count)++] = (struct pollfd){ .fd = node->session_fd, .events = POLLIN };
    fds[(*count)++] = (struct pollfd){ .fd = node->beacon_fd, .events = POLLIN };
}

/* Reads what is waiting on one socket, a bounded number per wakeup so that
 * a flood cannot starve the timers or the other socket. */
static void udp_drain(struct node *node, int fd, bool beacons)
{
    uint8_t datagram[2048];
    for (int i = 0; i < 256; i++) {
        struct sockaddr_in from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(fd, datagram, sizeof datagram, MSG_DONTWAIT, (struct sockaddr *)&from,
                             &from_len);
        if (n < 0)
            return;
        struct dht_address source;
        address_from_socket(&source, &from);
        uint64_t now = node_clock_ms();
        if (beacons)
            (void)mesh_overlay_beacon_receive(node->overlay, &source, datagram, (size_t)n, now);
        else
            (void)mesh_overlay_receive(node->overlay, &source, datagram, (size_t)n, now);
    }
}

void node_udp_input(struct node *node, const struct pollfd *fds, unsigned first)
{
    if (fds[first].revents & POLLIN)
        udp_drain(node, node->session_fd, false);
    if (fds[first + 1].revents & POLLIN)
        udp_drain(node, node->beacon_fd, true);
}
