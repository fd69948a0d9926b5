/* The ARP cache (RFC 826, with RFC 1122 2.3.2 timeouts) and the packets
 * waiting for it.
 *
 * An entry is created only for a host that asked for one of our addresses
 * or that we asked for; any ARP packet updates an existing entry for its
 * sender (RFC 826's merge). Resolved entries expire after
 * NET_ARP_TIMEOUT_MS; an unanswered address is asked NET_ARP_REQUESTS times,
 * NET_ARP_RETRY_MS apart, then forgotten with the packets queued for it.
 * When the table is full the resolved entry closest to expiry is reused;
 * entries still being resolved are never evicted. */
#include "base/endian.h"
#include "net/buffer.h"
#include "net/stack_internal.h"

static struct net_arp_entry *arp_find(struct net_stack *stack, uint32_t ip)
{
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        if (stack->arp[i].state != NET_ARP_FREE && stack->arp[i].ip == ip)
            return &stack->arp[i];
    return NULL;
}

static struct net_arp_entry *arp_allocate(struct net_stack *stack)
{
    struct net_arp_entry *oldest = NULL;
    for (int i = 0; i < NET_ARP_ENTRIES; i++) {
        struct net_arp_entry *entry = &stack->arp[i];
        if (entry->state == NET_ARP_FREE)
            return entry;
        if (entry->state == NET_ARP_RESOLVED &&
            (oldest == NULL || entry->deadline_ms < oldest->deadline_ms))
            oldest = entry;
    }
    return oldest;
}

/* Sends every queued packet for ip to mac. */
static void pending_flush(struct net_stack *stack, uint32_t ip, const struct eth_address *mac)
{
    for (int i = 0; i < NET_PENDING_PACKETS; i++) {
        struct net_pending_packet *pending = &stack->pending[i];
        if (!pending->used || pending->next_hop != ip)
            continue;
        pending->used = false;
        struct byte_buffer out = { stack->frame, 0, sizeof stack->frame };
        if (eth_encode_header(&out, mac, &stack->config.mac, ETH_TYPE_IPV4) != NET_OK ||
            !net_buffer_append(&out, pending->packet, pending->length) ||
            eth_encode_finish(&out) != NET_OK)
            continue;
        stack->counters.ip_out++;
        (void)stack_send_frame(stack, out.len);
    }
}

static void pending_drop(struct net_stack *stack, uint32_t ip)
{
    for (int i = 0; i < NET_PENDING_PACKETS; i++) {
        if (stack->pending[i].used && stack->pending[i].next_hop == ip) {
            stack->pending[i].used = false;
            stack->counters.pending_dropped++;
        }
    }
}

/* Records ip -> mac: updates an entry, or makes one when create is set. */
static bool arp_learn(struct net_stack *stack, uint32_t ip, const struct eth_address *mac, bool create)
{
    struct net_arp_entry *entry = arp_find(stack, ip);
    if (entry == NULL && create) {
        entry = arp_allocate(stack);
        if (entry != NULL)
            net_zero(entry, sizeof *entry);
    }
    if (entry == NULL)
        return false;
    entry->state = NET_ARP_RESOLVED;
    entry->ip = ip;
    entry->mac = *mac;
    entry->deadline_ms = stack->now_ms + NET_ARP_TIMEOUT_MS;
    pending_flush(stack, ip, mac);
    return true;
}

enum net_result stack_arp_send(struct net_stack *stack, uint16_t operation, uint32_t sender_ip,
                               const struct eth_address *target_mac, uint32_t target_ip,
                               const struct eth_address *to)
{
    struct arp_packet arp = { operation, stack->config.mac, sender_ip, *target_mac, target_ip };
    struct byte_buffer out = { stack->frame, 0, sizeof stack->frame };
    enum net_result result =
        eth_encode_header(&out, to != NULL ? to : &eth_broadcast, &stack->config.mac, ETH_TYPE_ARP);
    if (result == NET_OK)
        result = arp_encode(&out, &arp);
    if (result == NET_OK)
        result = eth_encode_finish(&out);
    if (result != NET_OK)
        return result;
    if (operation == ARP_OPERATION_REQUEST)
        stack->counters.arp_requests_out++;
    else
        stack->counters.arp_replies_out++;
    return stack_send_frame(stack, out.len);
}

static void arp_reply(struct net_stack *stack, const struct arp_packet *request)
{
    /* RFC 3927 2.5: ARP packets with a link-local sender address are sent
     * link-level broadcast, so that every host sees them and a conflict
     * is noticed. */
    const struct eth_address *to =
        ipv4_is_link_local(request->target_ip) ? NULL : &request->sender_hardware;
    (void)stack_arp_send(stack, ARP_OPERATION_REPLY, request->target_ip, &request->sender_hardware,
                         request->sender_ip, to);
}

enum net_result stack_arp_input(struct net_stack *stack, const struct arp_packet *arp)
{
    if (eth_address_equal(&arp->sender_hardware, &stack->config.mac))
        return NET_ERR_NOT_FOR_US;
    if (arp->operation == ARP_OPERATION_REQUEST)
        stack->counters.arp_requests_in++;
    else
        stack->counters.arp_replies_in++;
    bool concerned = stack_link_local_arp(stack, arp);
    bool for_us = stack_is_own_address(stack, arp->target_ip);
    bool learned = false;
    if (arp->sender_ip != 0 && !stack_is_own_address(stack, arp->sender_ip) &&
        !ipv4_is_multicast(arp->sender_ip) && arp->sender_ip != IPV4_BROADCAST)
        learned = arp_learn(stack, arp->sender_ip, &arp->sender_hardware, for_us);
    if (for_us && arp->operation == ARP_OPERATION_REQUEST)
        arp_reply(stack, arp);
    return for_us || learned || concerned ? NET_OK : NET_ERR_NOT_FOR_US;
}

static enum net_result pending_add(struct net_stack *stack, uint32_t next_hop, struct bytes packet)
{
    for (int i = 0; i < NET_PENDING_PACKETS; i++) {
        struct net_pending_packet *pending = &stack->pending[i];
        if (pending->used)
            continue;
        if (packet.len > sizeof pending->packet)
            return NET_ERR_TOO_LARGE;
        pending->used = true;
        pending->next_hop = next_hop;
        pending->length = (uint16_t)packet.len;
        net_copy(pending->packet, packet.data, packet.len);
        return NET_OK;
    }
    return NET_ERR_QUEUE_FULL;
}

enum net_result stack_arp_resolve(struct net_stack *stack, uint32_t next_hop, struct bytes packet,
                                  struct eth_address *mac, bool *resolved)
{
    struct net_arp_entry *entry = arp_find(stack, next_hop);
    *resolved = entry != NULL && entry->state == NET_ARP_RESOLVED;
    if (*resolved) {
        *mac = entry->mac;
        return NET_OK;
    }
    bool ask = entry == NULL;
    if (ask) {
        entry = arp_allocate(stack);
        if (entry == NULL)
            return NET_ERR_TABLE_FULL;
    }
    enum net_result result = pending_add(stack, next_hop, packet);
    if (result != NET_OK || !ask)
        return result;
    net_zero(entry, sizeof *entry);
    entry->state = NET_ARP_INCOMPLETE;
    entry->ip = next_hop;
    entry->asked_from = packet.len >= IPV4_HEADER_SIZE ? load32_be(packet.data + 12) : 0;
    entry->requests_sent = 1;
    entry->deadline_ms = stack->now_ms + NET_ARP_RETRY_MS;
    struct eth_address unknown = { { 0 } };
    (void)stack_arp_send(stack, ARP_OPERATION_REQUEST, entry->asked_from, &unknown, next_hop, NULL);
    return NET_OK;
}

void stack_arp_tick(struct net_stack *stack)
{
    struct eth_address unknown = { { 0 } };
    for (int i = 0; i < NET_ARP_ENTRIES; i++) {
        struct net_arp_entry *entry = &stack->arp[i];
        if (entry->state == NET_ARP_FREE || stack->now_ms < entry->deadline_ms)
            continue;
        if (entry->state == NET_ARP_RESOLVED) {
            entry->state = NET_ARP_FREE;
        } else if (entry->requests_sent < NET_ARP_REQUESTS) {
            entry->requests_sent++;
            entry->deadline_ms = stack->now_ms + NET_ARP_RETRY_MS;
            (void)stack_arp_send(stack, ARP_OPERATION_REQUEST, entry->asked_from, &unknown,
                                 entry->ip, NULL);
        } else {
            entry->state = NET_ARP_FREE;
            stack->counters.arp_failures++;
            pending_drop(stack, entry->ip);
        }
    }
}

uint64_t stack_arp_next_deadline(const struct net_stack *stack)
{
    uint64_t deadline = UINT64_MAX;
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        if (stack->arp[i].state != NET_ARP_FREE && stack->arp[i].deadline_ms < deadline)
            deadline = stack->arp[i].deadline_ms;
    return deadline;
}
