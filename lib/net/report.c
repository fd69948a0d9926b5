/* The stack's state as text, for the `ip` command (see report.h). Numbers
 * are formatted here (lib/ has no printf); what does not fit in the buffer
 * is cut and the call says so. */
#include "net/report.h"

#include "net/buffer.h"

static bool text(struct byte_buffer *out, const char *s)
{
    size_t len = 0;
    while (s[len] != 0)
        len++;
    return net_buffer_append(out, s, len);
}

static bool decimal(struct byte_buffer *out, uint64_t value)
{
    char digits[20];
    size_t count = 0;
    do
        digits[sizeof digits - ++count] = (char)('0' + value % 10);
    while ((value /= 10) != 0);
    return net_buffer_append(out, digits + sizeof digits - count, count);
}

static bool address(struct byte_buffer *out, uint32_t ip)
{
    bool ok = true;
    for (int shift = 24; shift >= 0; shift -= 8) {
        ok = ok && decimal(out, (ip >> shift) & 255);
        if (shift != 0)
            ok = ok && text(out, ".");
    }
    return ok;
}

static bool mac(struct byte_buffer *out, const struct eth_address *address_mac)
{
    static const char hex[] = "0123456789abcdef";
    bool ok = true;
    for (int i = 0; i < ETH_ADDRESS_SIZE; i++) {
        char pair[3] = { hex[address_mac->bytes[i] >> 4], hex[address_mac->bytes[i] & 15], ':' };
        ok = ok && net_buffer_append(out, pair, i + 1 < ETH_ADDRESS_SIZE ? 3 : 2);
    }
    return ok;
}

static unsigned prefix_length(uint32_t mask)
{
    unsigned bits = 0;
    while (bits < 32 && (mask & (0x80000000u >> bits)))
        bits++;
    return bits;
}

/* "in N s" for a deadline, or "never". */
static bool remaining(struct byte_buffer *out, uint64_t deadline, uint64_t now)
{
    if (deadline == UINT64_MAX)
        return text(out, "never");
    return text(out, "in ") && decimal(out, deadline > now ? (deadline - now) / 1000 : 0) && text(out, " s");
}

static bool addresses(struct byte_buffer *out, const struct net_stack *stack)
{
    static const char *const link_local_states[] = { "probing", "announcing", "bound" };
    static const char *const dhcp_states[] = { "off", "selecting", "requesting", "bound", "renewing", "rebinding" };
    const struct net_dhcp *dhcp = &stack->dhcp;
    bool ok = text(out, "mac ") && mac(out, &stack->config.mac) && text(out, "\nlink-local ") &&
              address(out, stack->link_local.address) && text(out, " (") &&
              text(out, link_local_states[stack->link_local.state % 3]) && text(out, ")\ndhcp ");
    if (net_dhcp_address(stack) != 0)
        ok = ok && address(out, dhcp->address) && text(out, "/") && decimal(out, prefix_length(dhcp->subnet_mask)) &&
             text(out, " router ") && address(out, dhcp->router) && text(out, " server ") &&
             address(out, dhcp->server) && text(out, " (") && text(out, dhcp_states[dhcp->state % 6]) &&
             text(out, ", lease ends ") && remaining(out, dhcp->expiry_ms, stack->now_ms) && text(out, ")\n");
    else
        ok = ok && text(out, "none (") && text(out, dhcp_states[dhcp->state % 6]) && text(out, ")\n");
    return ok;
}

static bool routes(struct byte_buffer *out, const struct net_stack *stack)
{
    bool ok = text(out, "routes\n");
    for (int i = 0; i < NET_ROUTES; i++) {
        const struct net_route *route = &stack->routes[i];
        if (!route->used)
            continue;
        ok = ok && text(out, "  ") && address(out, route->prefix) && text(out, "/") &&
             decimal(out, prefix_length(route->mask));
        if (route->gateway != 0)
            ok = ok && text(out, " via ") && address(out, route->gateway);
        else
            ok = ok && text(out, " on the link");
        ok = ok && text(out, route->scope == NET_SCOPE_MESH ? " (mesh)\n" : " (clearnet)\n");
    }
    return ok;
}

static bool arp_table(struct byte_buffer *out, const struct net_stack *stack)
{
    bool ok = text(out, "arp\n");
    for (int i = 0; i < NET_ARP_ENTRIES; i++) {
        const struct net_arp_entry *entry = &stack->arp[i];
        if (entry->state == NET_ARP_FREE)
            continue;
        ok = ok && text(out, "  ") && address(out, entry->ip) && text(out, " ");
        if (entry->state == NET_ARP_RESOLVED)
            ok = ok && mac(out, &entry->mac) && text(out, " expires ");
        else
            ok = ok && text(out, "(asking) next request ");
        ok = ok && remaining(out, entry->deadline_ms, stack->now_ms) && text(out, "\n");
    }
    return ok;
}

static bool counter(struct byte_buffer *out, const char *name, uint64_t value)
{
    return text(out, " ") && text(out, name) && text(out, " ") && decimal(out, value);
}

static bool counters(struct byte_buffer *out, const struct net_counters *c)
{
    bool ok = text(out, "counters\n ") && counter(out, "frames-in", c->frames_in) &&
              counter(out, "frames-out", c->frames_out) && counter(out, "refused", c->frames_refused) &&
              counter(out, "send-failures", c->send_failures) && text(out, "\n ") &&
              counter(out, "arp-requests-in", c->arp_requests_in) && counter(out, "arp-replies-in", c->arp_replies_in) &&
              counter(out, "arp-requests-out", c->arp_requests_out) &&
              counter(out, "arp-replies-out", c->arp_replies_out) && counter(out, "arp-failures", c->arp_failures) &&
              text(out, "\n ") && counter(out, "ip-in", c->ip_in) && counter(out, "ip-out", c->ip_out) &&
              counter(out, "udp-in", c->udp_in) && counter(out, "udp-out", c->udp_out) &&
              counter(out, "no-route", c->no_route) && text(out, "\n ") &&
              counter(out, "echo-requests-in", c->icmp_echo_requests_in) &&
              counter(out, "echo-replies-out", c->icmp_echo_replies_out) &&
              counter(out, "echo-requests-out", c->icmp_echo_requests_out) &&
              counter(out, "echo-replies-in", c->icmp_echo_replies_in) && text(out, "\n ") &&
              counter(out, "dhcp-in", c->dhcp_in) && counter(out, "dhcp-out", c->dhcp_out) &&
              counter(out, "leases", c->dhcp_leases) && counter(out, "ll-claims", c->link_local_claims) &&
              counter(out, "ll-conflicts", c->link_local_conflicts) &&
              counter(out, "ll-defences", c->link_local_defences) && text(out, "\n");
    for (int i = 1; i < NET_ERR_COUNT; i++)
        if (c->refused[i] != 0)
            ok = ok && text(out, " refused ") && text(out, net_result_name((enum net_result)i)) &&
                 text(out, " ") && decimal(out, c->refused[i]) && text(out, "\n");
    return ok;
}

bool net_stack_report(const struct net_stack *stack, struct byte_buffer *out)
{
    return addresses(out, stack) && routes(out, stack) && arp_table(out, stack) &&
           counters(out, &stack->counters);
}
