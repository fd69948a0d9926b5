/* IPv4 link-local address selection, claim and defence (RFC 3927).
 *
 * A candidate in 169.254.1.0..169.254.254.255 is probed NET_LL_PROBE_NUM
 * times (ARP requests from 0.0.0.0 asking for it), after a random wait of up
 * to PROBE_WAIT and random gaps of PROBE_MIN..PROBE_MAX. With no conflict by
 * ANNOUNCE_WAIT after the last probe the host claims it: ANNOUNCE_NUM
 * announcements (ARP requests with the address as sender and target),
 * ANNOUNCE_INTERVAL apart, and the address is in use from the first.
 *
 * Conflicts (2.2.1, 2.5): while probing, any ARP packet from another host
 * whose sender address is the candidate, or another host's probe for the
 * candidate, makes the host choose a new candidate; after MAX_CONFLICTS
 * conflicts, new probing starts only RATE_LIMIT_INTERVAL later. Once the
 * address is in use, a packet from another host with it as sender is
 * answered by one defending announcement; a second conflict within
 * DEFEND_INTERVAL of that defence makes the host give the address up and
 * start over with a new candidate.
 *
 * Candidates come from a small generator (splitmix64) seeded with the MAC
 * address and 8 bytes of the random source. The MAC keeps two hosts apart
 * even when their random sources start alike (identical VM images that seed
 * from the same state); the random bytes keep one host's choices
 * unpredictable to others. A configured preferred address is tried first. */
#include "base/endian.h"
#include "net/stack_internal.h"

static uint64_t generator_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint32_t candidate_next(struct net_stack *stack)
{
    uint64_t span = (uint64_t)NET_LL_LAST - NET_LL_FIRST + 1;
    return NET_LL_FIRST + (uint32_t)(generator_next(&stack->link_local.generator) % span);
}

static uint64_t random_between(struct net_stack *stack, uint32_t low_ms, uint32_t high_ms)
{
    return low_ms + stack_random_below(stack, high_ms - low_ms + 1);
}

/* Begins probing `address` after the random initial wait (or the rate
 * limit once too many conflicts have happened). */
static void probe_begin(struct net_stack *stack, uint32_t address)
{
    struct net_link_local *link_local = &stack->link_local;
    link_local->state = NET_LL_PROBING;
    link_local->address = address;
    link_local->probes_sent = 0;
    link_local->announcements_sent = 0;
    link_local->defended = false;
    if (link_local->conflicts >= NET_LL_MAX_CONFLICTS)
        link_local->next_ms = stack->now_ms + NET_LL_RATE_LIMIT_INTERVAL_MS;
    else
        link_local->next_ms = stack->now_ms + random_between(stack, 0, NET_LL_PROBE_WAIT_MS);
}

void stack_link_local_start(struct net_stack *stack)
{
    uint8_t seed[8];
    stack->environment.random(stack->environment.context, seed, sizeof seed);
    uint64_t generator = load64_le(seed);
    for (int i = 0; i < ETH_ADDRESS_SIZE; i++)
        generator ^= (uint64_t)stack->config.mac.bytes[i] << (8 * i);
    stack->link_local.generator = generator;
    uint32_t first = stack->config.link_local_preferred;
    probe_begin(stack, first != 0 ? first : candidate_next(stack));
}

static void announce(struct net_stack *stack)
{
    struct net_link_local *link_local = &stack->link_local;
    struct eth_address unknown = { { 0 } };
    (void)stack_arp_send(stack, ARP_OPERATION_REQUEST, link_local->address, &unknown,
                         link_local->address, NULL);
}

static void probe_tick(struct net_stack *stack)
{
    struct net_link_local *link_local = &stack->link_local;
    if (link_local->probes_sent < NET_LL_PROBE_NUM) {
        struct eth_address unknown = { { 0 } };
        (void)stack_arp_send(stack, ARP_OPERATION_REQUEST, 0, &unknown, link_local->address, NULL);
        link_local->probes_sent++;
        link_local->next_ms = stack->now_ms +
                              (link_local->probes_sent < NET_LL_PROBE_NUM
                                   ? random_between(stack, NET_LL_PROBE_MIN_MS, NET_LL_PROBE_MAX_MS)
                                   : NET_LL_ANNOUNCE_WAIT_MS);
        return;
    }
    link_local->state = NET_LL_ANNOUNCING;
    stack->counters.link_local_claims++;
    announce(stack);
    link_local->announcements_sent = 1;
    link_local->next_ms = stack->now_ms + NET_LL_ANNOUNCE_INTERVAL_MS;
}

void stack_link_local_tick(struct net_stack *stack)
{
    struct net_link_local *link_local = &stack->link_local;
    if (stack->now_ms < link_local->next_ms)
        return;
    if (link_local->state == NET_LL_PROBING) {
        probe_tick(stack);
    } else if (link_local->state == NET_LL_ANNOUNCING) {
        announce(stack);
        if (++link_local->announcements_sent >= NET_LL_ANNOUNCE_NUM) {
            link_local->state = NET_LL_BOUND;
            link_local->next_ms = UINT64_MAX;
        } else {
            link_local->next_ms = stack->now_ms + NET_LL_ANNOUNCE_INTERVAL_MS;
        }
    }
}

/* Gives up the current (candidate) address and starts over with another. */
static void address_abandon(struct net_stack *stack)
{
    stack->link_local.conflicts++;
    stack->counters.link_local_conflicts++;
    uint32_t next = candidate_next(stack);
    while (next == stack->link_local.address)
        next = candidate_next(stack);
    probe_begin(stack, next);
}

bool stack_link_local_arp(struct net_stack *stack, const struct arp_packet *arp)
{
    struct net_link_local *link_local = &stack->link_local;
    uint32_t address = link_local->address;
    if (link_local->state == NET_LL_PROBING) {
        bool probe_for_it = arp->operation == ARP_OPERATION_REQUEST && arp->sender_ip == 0 &&
                            arp->target_ip == address;
        if (arp->sender_ip != address && !probe_for_it)
            return false;
        address_abandon(stack);
        return true;
    }
    if (arp->sender_ip != address)
        return false;
    if (link_local->defended &&
        stack->now_ms - link_local->last_defence_ms < NET_LL_DEFEND_INTERVAL_MS) {
        address_abandon(stack);
        return true;
    }
    link_local->defended = true;
    link_local->last_defence_ms = stack->now_ms;
    stack->counters.link_local_defences++;
    announce(stack);
    return true;
}
