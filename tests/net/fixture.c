/* Test fixtures for lib/net (see fixture.h). */
#include "tests/net/fixture.h"

#include <string.h>

#include "base/endian.h"
#include "net/arp.h"
#include "net/dhcp.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/udp.h"

static uint64_t link_clock(void *context)
{
    struct net_link *link = context;
    return *link->clock_ms;
}

static void link_random(void *context, uint8_t *out, size_t len)
{
    struct net_link *link = context;
    for (size_t i = 0; i < len; i++) {
        uint64_t x = link->random_state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        link->random_state = x;
        out[i] = (uint8_t)(x >> 24);
    }
}

static enum net_result link_send(void *context, const uint8_t *frame, size_t len)
{
    struct net_link *link = context;
    if (len > ETH_FRAME_MAX)
        return NET_ERR_SEND;
    if (link->count >= NET_LINK_OUTBOX) {
        link->dropped++;
        return NET_ERR_SEND;
    }
    link->outbox[link->count].length = len;
    memcpy(link->outbox[link->count].data, frame, len);
    link->count++;
    return NET_OK;
}

void net_link_init(struct net_link *link, uint64_t *clock_ms, uint64_t seed)
{
    memset(link, 0, sizeof *link);
    link->clock_ms = clock_ms;
    link->random_state = seed != 0 ? seed : 1;
}

struct net_environment net_link_environment(struct net_link *link)
{
    struct net_environment environment = { link_clock, link_random, link_send, link };
    return environment;
}

int net_fixture_stack(struct net_stack *stack, struct net_link *link, uint64_t *clock_ms)
{
    *clock_ms = 1000;
    net_link_init(link, clock_ms, 0x6e6f6e6f73);
    struct net_environment environment = net_link_environment(link);
    struct net_config config = { NET_FIXTURE_MAC, true, NET_FIXTURE_LINK_LOCAL };
    if (net_stack_init(stack, &environment, &config) != NET_OK)
        return -1;
    /* Nobody answers: the address is claimed after probes and announcements. */
    for (int i = 0; i < 64 && net_link_local_address(stack) == 0; i++) {
        uint64_t deadline = net_stack_next_deadline(stack);
        if (deadline > *clock_ms)
            *clock_ms = deadline;
        net_stack_tick(stack);
        link->count = 0;
    }
    if (net_link_local_address(stack) != NET_FIXTURE_LINK_LOCAL)
        return -1;
    if (net_udp_bind(stack, NET_FIXTURE_MESH_PORT, NET_SCOPE_MESH) != NET_OK ||
        net_udp_bind(stack, NET_FIXTURE_CLEARNET_PORT, NET_SCOPE_CLEARNET) != NET_OK)
        return -1;
    return 0;
}

static enum net_result decode_stack(const uint8_t *data, size_t size)
{
    static struct net_stack stack;
    static struct net_link link;
    static uint64_t clock_ms;
    if (net_fixture_stack(&stack, &link, &clock_ms) != 0)
        return NET_ERR_COUNT;
    return net_stack_input(&stack, bytes_make(data, size));
}

enum net_result net_fixture_decode(const char *layer, const uint8_t *data, size_t size)
{
    struct bytes input = bytes_make(data, size);
    if (strcmp(layer, "ethernet") == 0) {
        struct eth_frame frame;
        return eth_decode(input, &frame);
    }
    if (strcmp(layer, "arp") == 0) {
        struct arp_packet arp;
        return arp_decode(input, &arp);
    }
    if (strcmp(layer, "ipv4") == 0) {
        struct ipv4_packet ip;
        return ipv4_decode(input, &ip);
    }
    if (strcmp(layer, "udp") == 0) {
        struct udp_datagram udp;
        if (size < 8)
            return NET_ERR_TRUNCATED;
        return udp_decode(bytes_make(data + 8, size - 8), load32_be(data), load32_be(data + 4), &udp);
    }
    if (strcmp(layer, "icmp") == 0) {
        struct icmp_echo echo;
        return icmp_echo_decode(input, &echo);
    }
    if (strcmp(layer, "dhcp") == 0) {
        struct dhcp_message message;
        return dhcp_decode(input, &message);
    }
    if (strcmp(layer, "stack") == 0)
        return decode_stack(data, size);
    return NET_ERR_COUNT;
}
