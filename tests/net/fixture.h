/* Test fixtures for lib/net, shared by the unit tests, the corpus checker
 * and the fuzz targets (test-only code; it uses libc).
 *
 * net_fixture_decode runs one decoder on raw input, named as the corpus
 * directories name them: ethernet, arp, ipv4, udp, icmp, dhcp, stack. For
 * udp the input starts with the 8 bytes of the pseudo-header's source and
 * destination addresses (big endian), then the UDP segment. For stack the
 * input is one Ethernet frame given to a stack made by net_fixture_stack
 * (link-local 169.254.10.10 claimed, DHCP on, UDP ports 7000 (mesh) and
 * 7001 (clearnet) bound) and the result is what net_stack_input returns.
 *
 * struct net_link is a virtual world for stacks: a clock the test moves, a
 * deterministic random source (xorshift from a seed) and a frame outbox
 * that the test delivers to other stacks. */
#ifndef NONOS_TESTS_NET_FIXTURE_H
#define NONOS_TESTS_NET_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "net/stack.h"

#define NET_LINK_OUTBOX 64

struct net_link_frame {
    size_t length;
    uint8_t data[ETH_FRAME_MAX];
};

struct net_link {
    uint64_t *clock_ms;  /* shared by every stack of a test */
    uint64_t random_state;
    unsigned count;      /* frames in the outbox */
    unsigned dropped;    /* frames that did not fit in the outbox */
    struct net_link_frame outbox[NET_LINK_OUTBOX];
};

void net_link_init(struct net_link *link, uint64_t *clock_ms, uint64_t seed);
struct net_environment net_link_environment(struct net_link *link);

#define NET_FIXTURE_MAC { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } }
#define NET_FIXTURE_LINK_LOCAL NET_IPV4(169, 254, 10, 10)
#define NET_FIXTURE_MESH_PORT 7000
#define NET_FIXTURE_CLEARNET_PORT 7001

/* The stack that the "stack" corpus and fuzz target feed (see above);
 * returns 0 on success. */
int net_fixture_stack(struct net_stack *stack, struct net_link *link, uint64_t *clock_ms);

enum net_result net_fixture_decode(const char *layer, const uint8_t *data, size_t size);

#endif
