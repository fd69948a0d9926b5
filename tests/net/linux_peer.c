/* The lib/net stack on a real Linux link, for suite 26's cross-check with
 * Linux's own ARP, ICMP and UDP (tests/net/linux_check.sh runs it inside a
 * network namespace the suite creates, on one end of a veth pair whose other
 * end Linux owns as 169.254.50.50/16).
 *
 * usage: linux_peer IFNAME PEER_IFNAME SECONDS
 *
 * It turns checksum offloading off on both veth ends (so Linux computes
 * every checksum it sends and verifies every one it receives), opens an
 * AF_PACKET socket on IFNAME and runs a stack with that interface's MAC, the
 * real monotonic clock and getrandom, preferring 169.254.60.60. Once the
 * address is claimed it echoes every datagram on UDP port 7000 (mesh scope)
 * and, once a second, pings 169.254.50.50 and sends "from-nonos" to its port
 * 7001, plus a copy with a broken UDP checksum ("From-nonos") that Linux
 * must drop. It prints PASS/FAIL lines for what it saw itself. Test-only,
 * Linux-only code. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/stack.h"
#include "tests/host/test.h"

#define OUR_ADDRESS NET_IPV4(169, 254, 60, 60)
#define LINUX_ADDRESS NET_IPV4(169, 254, 50, 50)

static int packet_socket = -1;

static uint64_t clock_monotonic(void *context)
{
    (void)context;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

static void random_linux(void *context, uint8_t *out, size_t len)
{
    (void)context;
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n <= 0) {
            perror("getrandom");
            exit(2);
        }
        out += n;
        len -= (size_t)n;
    }
}

static enum net_result send_packet(void *context, const uint8_t *frame, size_t len)
{
    (void)context;
    return send(packet_socket, frame, len, 0) == (ssize_t)len ? NET_OK : NET_ERR_SEND;
}

static void offload_off(int fd, const char *name, uint32_t command)
{
    struct ethtool_value value = { command, 0 };
    struct ifreq request;
    memset(&request, 0, sizeof request);
    snprintf(request.ifr_name, sizeof request.ifr_name, "%s", name);
    request.ifr_data = (void *)&value;
    if (ioctl(fd, SIOCETHTOOL, &request) != 0)
        fprintf(stderr, "linux_peer: ethtool %u on %s: %s\n", command, name, strerror(errno));
}

static int open_link(const char *name, const char *peer, struct eth_address *mac)
{
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0)
        return -1;
    offload_off(fd, name, ETHTOOL_STXCSUM);
    offload_off(fd, name, ETHTOOL_SRXCSUM);
    offload_off(fd, peer, ETHTOOL_STXCSUM);
    offload_off(fd, peer, ETHTOOL_SRXCSUM);
    struct ifreq request;
    memset(&request, 0, sizeof request);
    snprintf(request.ifr_name, sizeof request.ifr_name, "%s", name);
    if (ioctl(fd, SIOCGIFHWADDR, &request) != 0)
        return -1;
    memcpy(mac->bytes, request.ifr_hwaddr.sa_data, ETH_ADDRESS_SIZE);
    struct sockaddr_ll address = { 0 };
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = (int)if_nametoindex(name);
    if (address.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0)
        return -1;
    return fd;
}

/* One frame in from the link, if any: our own outgoing frames are skipped. */
static void receive_one(struct net_stack *stack)
{
    uint8_t frame[2048];
    struct sockaddr_ll from;
    socklen_t from_len = sizeof from;
    ssize_t n = recvfrom(packet_socket, frame, sizeof frame, MSG_DONTWAIT, (struct sockaddr *)&from, &from_len);
    if (n > 0 && from.sll_pkttype != PACKET_OUTGOING)
        (void)net_stack_input(stack, bytes_make(frame, (size_t)n));
}

/* Sends "from-nonos" through the stack, then the same frame again with the
 * first payload byte changed ("From-nonos") and the checksum left as it
 * was: Linux must drop that copy. */
static void send_datagrams(struct net_stack *stack)
{
    if (net_udp_send(stack, 7000, LINUX_ADDRESS, 7001, bytes_make("from-nonos", 10)) != NET_OK)
        return;
    uint8_t frame[60];
    memcpy(frame, stack->frame, sizeof frame);
    if (frame[12] != 0x08 || frame[13] != 0x00 || frame[14 + 9] != 17)
        return; /* the datagram waits for ARP: stack->frame holds the request */
    frame[14 + 20 + 8] ^= 0x20;
    (void)send(packet_socket, frame, sizeof frame, 0);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: linux_peer IFNAME PEER_IFNAME SECONDS\n");
        return 2;
    }
    struct eth_address mac;
    packet_socket = open_link(argv[1], argv[2], &mac);
    if (packet_socket < 0) {
        test_check(false, "linux peer: AF_PACKET socket on %s: %s", argv[1], strerror(errno));
        return test_finish();
    }
    static struct net_stack stack;
    struct net_environment environment = { clock_monotonic, random_linux, send_packet, NULL };
    struct net_config config = { mac, false, OUR_ADDRESS };
    if (net_stack_init(&stack, &environment, &config) != NET_OK || net_udp_bind(&stack, 7000, NET_SCOPE_MESH) != NET_OK)
        return 2;
    uint64_t end = clock_monotonic(NULL) + (uint64_t)atoi(argv[3]) * 1000, next_second = 0;
    unsigned echoed = 0, replies = 0;
    uint16_t sequence = 0;
    while (clock_monotonic(NULL) < end) {
        struct pollfd poll_fd = { packet_socket, POLLIN, 0 };
        if (poll(&poll_fd, 1, 10) > 0)
            receive_one(&stack);
        net_stack_tick(&stack);
        struct net_datagram datagram;
        while (net_udp_receive(&stack, 7000, &datagram) == NET_OK)
            echoed += net_udp_send(&stack, 7000, datagram.source, datagram.source_port,
                                   bytes_make(datagram.data, datagram.length)) == NET_OK;
        struct net_ping_result reply;
        while (net_ping_reply(&stack, &reply) == NET_OK)
            replies += reply.source == LINUX_ADDRESS;
        if (net_link_local_address(&stack) != 0 && stack.now_ms >= next_second) {
            next_second = stack.now_ms + 1000;
            (void)net_ping(&stack, LINUX_ADDRESS, 0x6e6e, ++sequence, NET_SCOPE_MESH);
            send_datagrams(&stack);
        }
    }
    test_check(net_link_local_address(&stack) == OUR_ADDRESS,
               "linux peer: lib/net claims 169.254.60.60 on a veth link next to Linux");
    test_check(replies > 0, "linux peer: Linux answers lib/net's ARP and pings (%u of %u replies)", replies, sequence);
    test_check(echoed > 0, "linux peer: datagrams from a Linux UDP socket reach lib/net and are echoed (%u)", echoed);
    test_check(stack.counters.refused[NET_ERR_IP_CHECKSUM] == 0 && stack.counters.refused[NET_ERR_UDP_CHECKSUM] == 0 &&
                   stack.counters.refused[NET_ERR_ICMP_CHECKSUM] == 0,
               "linux peer: no frame from Linux failed a checksum in lib/net (%llu frames in)",
               (unsigned long long)stack.counters.frames_in);
    return test_finish();
}
