/* The node's status as one line of JSON: identity, address, sessions and
 * their peers, routing table, records, neighbours and every counter
 * (docs/mesh.md, "Hosted node", lists the fields). */
#define _DEFAULT_SOURCE
#include <string.h>

#include "tools/nonos-node/node.h"

static void json_id(FILE *out, const uint8_t id[MESH_NODE_ID_SIZE])
{
    fputc('"', out);
    for (int i = 0; i < MESH_NODE_ID_SIZE; i++)
        fprintf(out, "%02x", id[i]);
    fputc('"', out);
}

static void json_address(FILE *out, const struct dht_address *address)
{
    char text[32];
    node_address_text(text, sizeof text, address);
    fprintf(out, "\"%s\"", text);
}

/* Names as JSON keys: the English message with spaces made dashes. */
static void json_key(FILE *out, const char *message)
{
    fputc('"', out);
    for (const char *c = message; *c != '\0'; c++)
        fputc(*c == ' ' || *c == '"' || *c == '\\' ? '-' : *c, out);
    fputs("\":", out);
}

static void json_peers(FILE *out, const struct mesh_overlay *overlay)
{
    fputs("\"peers\":[", out);
    bool first = true;
    for (size_t i = 0; i < MESH_OVERLAY_PEERS; i++) {
        const struct mesh_peer *peer = &overlay->peers[i];
        if (!peer->in_use || !peer->identity_known || !(peer->current.valid || peer->next.valid))
            continue;
        struct dht_address address;
        memset(&address, 0, sizeof address);
        memcpy(address.bytes, peer->address.bytes + 1, 4);
        address.port = (uint16_t)(peer->address.bytes[5] | peer->address.bytes[6] << 8);
        fputs(first ? "{\"id\":" : ",{\"id\":", out);
        json_id(out, peer->identity.id);
        fputs(",\"address\":", out);
        json_address(out, &address);
        fputc('}', out);
        first = false;
    }
    fputs("]", out);
}

static void json_counters(FILE *out, const struct mesh_overlay *overlay, uint64_t link_refused)
{
    const struct mesh_overlay_counters *c = &overlay->counters;
    fprintf(out,
            "\"counters\":{\"datagrams_in\":%llu,\"datagrams_out\":%llu,\"handshakes\":%llu,"
            "\"dht_in\":%llu,\"dht_out\":%llu,\"dht_refused\":%llu,\"dht_sender_mismatch\":%llu,"
            "\"dht_queue_dropped\":%llu,\"dht_to_self\":%llu,\"evictions\":%llu,\"replaced\":%llu,\"beacons_out\":%llu,"
            "\"beacons_in\":%llu,\"beacons_accepted\":%llu,\"exchanges\":%llu,"
            "\"link_refused\":%llu,\"session_refused\":{",
            (unsigned long long)c->datagrams_in, (unsigned long long)c->datagrams_out,
            (unsigned long long)c->handshakes, (unsigned long long)c->dht_in,
            (unsigned long long)c->dht_out, (unsigned long long)c->dht_refused,
            (unsigned long long)c->dht_sender_mismatch, (unsigned long long)c->dht_queue_dropped,
            (unsigned long long)c->dht_to_self,
            (unsigned long long)c->evictions, (unsigned long long)c->replaced,
            (unsigned long long)c->beacons_out,
            (unsigned long long)c->beacons_in, (unsigned long long)c->beacons_accepted,
            (unsigned long long)c->exchanges, (unsigned long long)link_refused);
    for (int r = 1; r <= MESH_ERR_PAYLOAD; r++) {
        json_key(out, mesh_result_message((enum mesh_result)r));
        fprintf(out, "%llu%s", (unsigned long long)c->session_refused[r],
                r < MESH_ERR_PAYLOAD ? "," : "},\"beacon_refused\":{");
    }
    for (int r = 1; r < MESH_BEACON_RESULT_COUNT; r++) {
        json_key(out, mesh_beacon_message(r));
        fprintf(out, "%llu%s", (unsigned long long)c->beacon_refused[r],
                r + 1 < MESH_BEACON_RESULT_COUNT ? "," : "},\"dht_dropped\":{");
    }
    const struct dht_stats *stats = &overlay->dht.stats;
    for (int e = 1; e < DHT_ERROR_COUNT; e++) {
        json_key(out, dht_error_message(e));
        fprintf(out, "%llu%s", (unsigned long long)stats->dropped[e],
                e + 1 < DHT_ERROR_COUNT ? "," : "}}");
    }
}

/* The frame link's lib/net counters (what `ip` shows in a NONOS guest). */
static void json_net(FILE *out, const struct net_stack *stack)
{
    const struct net_counters *c = &stack->counters;
    fprintf(out,
            ",\"net\":{\"frames_in\":%llu,\"frames_out\":%llu,\"frames_refused\":%llu,"
            "\"send_failures\":%llu,\"arp_requests_in\":%llu,\"arp_replies_in\":%llu,"
            "\"arp_requests_out\":%llu,\"arp_replies_out\":%llu,\"arp_failures\":%llu,"
            "\"pending_dropped\":%llu,\"udp_in\":%llu,\"udp_out\":%llu,"
            "\"link_local_conflicts\":%llu,\"no_route\":%llu}",
            (unsigned long long)c->frames_in, (unsigned long long)c->frames_out,
            (unsigned long long)c->frames_refused, (unsigned long long)c->send_failures,
            (unsigned long long)c->arp_requests_in, (unsigned long long)c->arp_replies_in,
            (unsigned long long)c->arp_requests_out, (unsigned long long)c->arp_replies_out,
            (unsigned long long)c->arp_failures, (unsigned long long)c->pending_dropped,
            (unsigned long long)c->udp_in, (unsigned long long)c->udp_out,
            (unsigned long long)c->link_local_conflicts, (unsigned long long)c->no_route);
}

void node_status_json(struct node *node, FILE *out)
{
    const struct mesh_overlay *overlay = node->overlay;
    unsigned records = 0, neighbours = 0;
    for (unsigned i = 0; i < MESH_OVERLAY_RECORDS; i++)
        records += overlay->records[i].used ? 1 : 0;
    for (unsigned i = 0; i < MESH_OVERLAY_NEIGHBOURS; i++)
        neighbours += overlay->neighbours[i].used ? 1 : 0;
    fputs("{\"id\":", out);
    json_id(out, node->identity.public_part.id);
    fputs(",\"address\":", out);
    json_address(out, &overlay->self);
    fprintf(out,
            ",\"link\":\"%s\",\"clock\":\"%s\",\"uptime_ms\":%llu,\"difficulty\":%u,\"sessions\":%u,"
            "\"table\":%u,\"records\":%u,\"neighbours\":%u,",
            node->options.frame ? "frame" : "udp",
            !overlay->config.adopt_clock ? "wall" : overlay->clock_adopted ? "adopted" : "waiting",
            (unsigned long long)(node_clock_ms() - node->started_ms),
            overlay->config.dht.difficulty, mesh_overlay_session_count(overlay),
            dht_table_size(&overlay->dht), records, neighbours);
    json_peers(out, overlay);
    fputc(',', out);
    json_counters(out, overlay, node->link_refused);
    if (node->stack != NULL)
        json_net(out, node->stack);
    fputs("}\n", out);
    fflush(out);
}
