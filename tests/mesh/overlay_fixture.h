/* An in-memory network of overlays (lib/mesh/overlay.c) with a virtual
 * clock and a repeatable random source, shared by overlay_test, the
 * mesh-overlay corpus (overlay_corpus) and fuzz_mesh_overlay. Test-only.
 *
 * Node n lives at 10.0.n.1:4978 (fixture_address). Everything the started
 * nodes send waits in overlay_fixture_queue until fixture_deliver hands it to its
 * destination (a datagram to an address no started node has is dropped;
 * a beacon reaches every started node but its sender). Invariants:
 * overlay_fixture_queued <= OVERLAY_FIXTURE_QUEUE (later datagrams are dropped), and only
 * nodes 0 .. overlay_fixture_started - 1 send or receive. */
#ifndef NONOS_TESTS_MESH_OVERLAY_FIXTURE_H
#define NONOS_TESTS_MESH_OVERLAY_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mesh/overlay.h"

#define OVERLAY_FIXTURE_NODES 3
#define OVERLAY_FIXTURE_QUEUE 512
#define OVERLAY_FIXTURE_EPOCH 1700000000000ull /* the mesh clock's offset of a node with a wall clock */
#define OVERLAY_FIXTURE_PORT 4978

struct overlay_fixture_datagram {
    bool beacon;
    struct dht_address from;
    int to; /* node index; -1: every node but the sender (a beacon) */
    size_t len;
    uint8_t data[MESH_MAX_PACKET];
};

extern struct mesh_overlay overlay_fixture_nodes[OVERLAY_FIXTURE_NODES];
extern struct mesh_identity overlay_fixture_identities[OVERLAY_FIXTURE_NODES];
extern struct overlay_fixture_datagram overlay_fixture_queue[OVERLAY_FIXTURE_QUEUE];
extern size_t overlay_fixture_queued;
extern int overlay_fixture_started;

/* Called after each datagram fixture_deliver hands to node `node`, with
 * the overlay's answer (enum mesh_result or, for a beacon, enum
 * mesh_beacon_result). */
typedef void (*overlay_fixture_observer)(int node, const struct overlay_fixture_datagram *datagram,
                                         int result);

/* The repeatable random source (xorshift); fixture_seed restarts it. */
void overlay_fixture_random(void *context, uint8_t *out, size_t len);
void overlay_fixture_seed(uint64_t seed);

/* A fresh identity with BEACON_FIXTURE_DIFFICULTY bits of work; exits the
 * program when none can be minted. */
void overlay_fixture_identity(struct mesh_identity *identity);

/* mesh_overlay_config_default with the fixture's difficulty. */
void overlay_fixture_config(struct mesh_overlay_config *config);

struct dht_address overlay_fixture_address(int node);

/* The io of node `node` (sends into overlay_fixture_queue as that node). */
struct mesh_overlay_io overlay_fixture_io(int node);

/* Starts node `node` (0 .. OVERLAY_FIXTURE_NODES - 1) with overlay_fixture_identities[node]
 * at overlay_fixture_address(node); nodes below it must be started. Returns 0 or
 * mesh_overlay_init's -1. */
int overlay_fixture_start(int node, const struct mesh_overlay_config *config, uint64_t clock_offset_ms,
                  uint64_t now_ms);

/* Hands every queued datagram to its receivers at `now_ms`; what they send
 * meanwhile waits for the next call. observe may be NULL. */
void overlay_fixture_deliver(uint64_t now_ms, overlay_fixture_observer observe);

/* Ticks every started node and delivers, every 10 ms for `duration` ms. */
void overlay_fixture_run(uint64_t *now_ms, uint64_t duration, overlay_fixture_observer observe);

#endif
