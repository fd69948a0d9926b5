/* The in-memory network of overlays (overlay_fixture.h): a queue of
 * datagrams between started nodes, delivered in batches at a virtual time. */
#include "tests/mesh/overlay_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/mesh/beacon_fixture.h"

struct mesh_overlay overlay_fixture_nodes[OVERLAY_FIXTURE_NODES];
struct mesh_identity overlay_fixture_identities[OVERLAY_FIXTURE_NODES];
struct overlay_fixture_datagram overlay_fixture_queue[OVERLAY_FIXTURE_QUEUE];
size_t overlay_fixture_queued;
int overlay_fixture_started;

static uint64_t rng_state = 0x243f6a8885a308d3ull;

void overlay_fixture_seed(uint64_t seed)
{
    rng_state = seed != 0 ? seed : 0x243f6a8885a308d3ull; /* xorshift's state is never 0 */
}

void overlay_fixture_random(void *context, uint8_t *out, size_t len)
{
    (void)context;
    for (size_t i = 0; i < len; i++) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        out[i] = (uint8_t)rng_state;
    }
}

void overlay_fixture_identity(struct mesh_identity *identity)
{
    uint8_t random[MESH_IDENTITY_RANDOM_SIZE];
    overlay_fixture_random(NULL, random, sizeof random);
    if (mesh_identity_create(identity, random, BEACON_FIXTURE_DIFFICULTY, 1u << 20) != MESH_OK) {
        printf("FAIL overlay fixture: cannot mint an identity\n");
        exit(1);
    }
}

void overlay_fixture_config(struct mesh_overlay_config *config)
{
    mesh_overlay_config_default(config);
    config->session.id_difficulty = config->dht.difficulty = BEACON_FIXTURE_DIFFICULTY;
}

struct dht_address overlay_fixture_address(int node)
{
    struct dht_address address = { DHT_ADDRESS_IPV4, { 10, 0, (uint8_t)node, 1 }, OVERLAY_FIXTURE_PORT };
    return address;
}

static int node_at(const struct dht_address *address)
{
    for (int i = 0; i < overlay_fixture_started; i++)
        if (dht_address_equal(&overlay_fixture_nodes[i].self, address))
            return i;
    return -2;
}

static void enqueue(int from, int to, bool beacon, const uint8_t *data, size_t len)
{
    if (overlay_fixture_queued == OVERLAY_FIXTURE_QUEUE || len > MESH_MAX_PACKET)
        return;
    struct overlay_fixture_datagram *d = &overlay_fixture_queue[overlay_fixture_queued++];
    d->beacon = beacon;
    d->from = overlay_fixture_nodes[from].self;
    d->to = to;
    d->len = len;
    memcpy(d->data, data, len);
}

static void io_send(void *context, const struct dht_address *to, const uint8_t *data, size_t len)
{
    enqueue((int)(intptr_t)context, node_at(to), false, data, len);
}

static void io_broadcast(void *context, const uint8_t *data, size_t len)
{
    enqueue((int)(intptr_t)context, -1, true, data, len);
}

struct mesh_overlay_io overlay_fixture_io(int node)
{
    struct mesh_overlay_io io = { (void *)(intptr_t)node, io_send, io_broadcast,
                                  overlay_fixture_random };
    return io;
}

int overlay_fixture_start(int node, const struct mesh_overlay_config *config, uint64_t clock_offset_ms,
                  uint64_t now_ms)
{
    struct dht_address self = overlay_fixture_address(node);
    struct mesh_overlay_io io = overlay_fixture_io(node);
    if (node >= overlay_fixture_started)
        overlay_fixture_started = node + 1;
    return mesh_overlay_init(&overlay_fixture_nodes[node], &overlay_fixture_identities[node], config,
                             &io, &self, clock_offset_ms, now_ms);
}

void overlay_fixture_deliver(uint64_t now_ms, overlay_fixture_observer observe)
{
    static struct overlay_fixture_datagram batch[OVERLAY_FIXTURE_QUEUE];
    size_t count = overlay_fixture_queued;
    memcpy(batch, overlay_fixture_queue, count * sizeof batch[0]);
    overlay_fixture_queued = 0;
    for (size_t i = 0; i < count; i++)
        for (int n = 0; n < overlay_fixture_started; n++) {
            struct overlay_fixture_datagram *d = &batch[i];
            struct mesh_overlay *overlay = &overlay_fixture_nodes[n];
            int result;
            if (d->to == n && !d->beacon)
                result = (int)mesh_overlay_receive(overlay, &d->from, d->data, d->len, now_ms);
            else if (d->to == -1 && d->beacon && !dht_address_equal(&d->from, &overlay->self))
                result = (int)mesh_overlay_beacon_receive(overlay, &d->from, d->data, d->len, now_ms);
            else
                continue;
            if (observe != NULL)
                observe(n, d, result);
        }
}

void overlay_fixture_run(uint64_t *now_ms, uint64_t duration, overlay_fixture_observer observe)
{
    for (uint64_t end = *now_ms + duration; *now_ms < end; *now_ms += 10) {
        for (int n = 0; n < overlay_fixture_started; n++)
            mesh_overlay_tick(&overlay_fixture_nodes[n], *now_ms);
        overlay_fixture_deliver(*now_ms, observe);
    }
}
