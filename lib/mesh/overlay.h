/* A mesh node's network side, portable (docs/mesh.md, "Overlay"): the DHT
 * (dht.h) carried inside Noise sessions (session.h) and LAN beacons
 * (beacon.h) that introduce neighbours. The hosted node (tools/nonos-node)
 * drives it over Linux sockets or over Ethernet frames; an in-OS capsule can
 * drive it over lib/net the same way.
 *
 * What it does with each datagram:
 *  - DHT messages never travel in the clear: dht's transport is a session
 *    towards the destination address, opened on demand (up to
 *    MESH_OVERLAY_QUEUE messages wait per peer for the handshake).
 *  - A DHT message that arrives inside a session must name as its sender the
 *    identity that session authenticated (else refused and counted), so a
 *    peer cannot speak for another node ID.
 *  - A beacon is checked cheaply (length, proof of work, the time window
 *    MESH_OVERLAY_BEACON_WINDOW_MS, newer than the last one accepted from
 *    that ID, a per-source and a global token bucket) before its signature;
 *    an accepted beacon from a new neighbour (or one that moved) is pinged
 *    through the DHT (which opens a session), and a self-lookup follows at
 *    most every MESH_OVERLAY_EXCHANGE_MS: peer exchange, the neighbours'
 *    closest contacts enter the table.
 *  - Peer slots are reused least recently active first when full. When a
 *    session completes with a node at some address, any other session at
 *    that address is dropped: the node that had it is gone from there.
 *    Nothing is sent to our own address (a contact of a former node there).
 *
 * Time: every call takes `now_ms`, a monotonic clock. The DHT and beacons
 * use the mesh clock, now_ms + clock_offset_ms (records expire at absolute
 * mesh times; the caller sets the offset from the wall clock, or sets
 * adopt_clock to take it from the first authentic beacon).
 * The caller owns the memory (struct mesh_overlay is large: about 700 KB
 * with the default table sizes below). */
#ifndef NONOS_MESH_OVERLAY_H
#define NONOS_MESH_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mesh/beacon.h"
#include "mesh/dht.h"
#include "mesh/session.h"

/* Table sizes (about 700 KB in all with these; the peer slots' queues are
 * 300 KB of it). A build with less memory, e.g. a capsule, may define any of
 * them smaller on its compiler command line (every object of the build must
 * agree). */
#ifndef MESH_OVERLAY_PEERS
#define MESH_OVERLAY_PEERS 64
#endif
#ifndef MESH_OVERLAY_QUEUE
#define MESH_OVERLAY_QUEUE 4
#endif
#ifndef MESH_OVERLAY_TABLE
#define MESH_OVERLAY_TABLE 512
#endif
#ifndef MESH_OVERLAY_RECORDS
#define MESH_OVERLAY_RECORDS 256
#endif
#ifndef MESH_OVERLAY_LOOKUPS
#define MESH_OVERLAY_LOOKUPS 8
#endif
#ifndef MESH_OVERLAY_NEIGHBOURS
#define MESH_OVERLAY_NEIGHBOURS 64
#endif
#define MESH_OVERLAY_BEACON_SOURCES 16
#define MESH_OVERLAY_BEACON_WINDOW_MS 30000  /* |beacon time - our mesh time| at most this */
#define MESH_OVERLAY_EXCHANGE_MS 2000        /* self-lookups after new neighbours, at most this often */
/* Beacon signature checks: per source address and port a burst of 4 then 2 per
 * second; in all a burst of 32 then 20 per second. */
#define MESH_OVERLAY_BEACON_SOURCE_BURST 4
#define MESH_OVERLAY_BEACON_SOURCE_PER_S 2
#define MESH_OVERLAY_BEACON_GLOBAL_BURST 32
#define MESH_OVERLAY_BEACON_GLOBAL_PER_S 20

struct mesh_overlay_io {
    void *context;
    /* One datagram to a node's session address. */
    void (*send)(void *context, const struct dht_address *to, const uint8_t *data, size_t len);
    /* One beacon to the link's broadcast or multicast group. */
    void (*broadcast)(void *context, const uint8_t *data, size_t len);
    /* Random bytes (node and request IDs, jitter). */
    void (*random)(void *context, uint8_t *out, size_t len);
};

struct mesh_overlay_config {
    struct mesh_config session;
    struct dht_config dht;          /* random fields are set by mesh_overlay_init */
    uint64_t beacon_interval_ms;    /* 0: send no beacons */
    /* For a node without a wall clock (NØNOS has only a monotonic one):
     * take the mesh time from the first beacon whose signature verifies
     * (until then beacons' times are not checked against ours). A
     * neighbour can thus set our clock wrong; that costs availability
     * (our records look expired, or theirs to us), never authenticity. */
    bool adopt_clock;
};

/* Defaults: mesh_config_default, dht_config_default, a beacon a second. */
void mesh_overlay_config_default(struct mesh_overlay_config *config);

struct mesh_overlay_queued {
    uint16_t len;
    uint8_t data[DHT_MESSAGE_MAX];
};

struct mesh_overlay_slot {
    uint64_t active_ms;             /* last packet either way */
    unsigned queued;
    struct mesh_overlay_queued queue[MESH_OVERLAY_QUEUE];
};

struct mesh_overlay_neighbour {
    bool used;
    uint8_t id[MESH_NODE_ID_SIZE];
    struct dht_address address;
    uint64_t beacon_time_ms;        /* newest accepted (sender's mesh time) */
    uint64_t seen_ms;               /* our now_ms when accepted */
};

struct mesh_overlay_bucket {        /* token bucket, tokens in thousandths */
    bool used;
    struct dht_address source;      /* address and port of the sender */
    uint64_t tokens_milli;
    uint64_t updated_ms;
};

struct mesh_overlay_counters {
    uint64_t datagrams_in, datagrams_out;
    uint64_t session_refused[MESH_ERR_PAYLOAD + 1]; /* by enum mesh_result */
    uint64_t handshakes;            /* sessions established (either side) */
    uint64_t dht_in, dht_out, dht_refused, dht_sender_mismatch, dht_queue_dropped;
    uint64_t dht_to_self;           /* messages to our own address (never sent) */
    uint64_t evictions;
    uint64_t replaced;              /* slots dropped: another node completed a session from their address */
    uint64_t beacons_out, beacons_in, beacons_accepted;
    uint64_t beacon_refused[MESH_BEACON_RESULT_COUNT];
    uint64_t exchanges;             /* self-lookups started */
};

struct mesh_overlay {
    const struct mesh_identity *identity;
    struct mesh_overlay_io io;
    struct mesh_overlay_config config;
    struct dht_address self;
    uint64_t clock_offset_ms;
    uint64_t now_ms;                /* of the call in progress */
    uint64_t next_beacon_ms, next_exchange_ms;
    bool exchange_wanted;
    bool clock_adopted;             /* adopt_clock: the offset came from a beacon */
    struct mesh_endpoint endpoint;
    struct mesh_peer peers[MESH_OVERLAY_PEERS];
    struct mesh_overlay_slot slots[MESH_OVERLAY_PEERS];
    struct dht_node dht;
    struct dht_table_entry table[MESH_OVERLAY_TABLE];
    struct dht_stored records[MESH_OVERLAY_RECORDS];
    struct dht_lookup lookups[MESH_OVERLAY_LOOKUPS];
    struct mesh_overlay_neighbour neighbours[MESH_OVERLAY_NEIGHBOURS];
    struct mesh_overlay_bucket beacon_sources[MESH_OVERLAY_BEACON_SOURCES];
    struct mesh_overlay_bucket beacon_global;
    struct mesh_overlay_counters counters;
    struct mesh_event event;        /* of the datagram being received (3 KB, off the stack) */
};

/* Sets up the overlay of `identity` (which must outlive it), reachable at
 * `self`. Returns 0, or -1 when the session endpoint or the DHT refuses the
 * configuration (e.g. too little work in the identity). */
int mesh_overlay_init(struct mesh_overlay *overlay, const struct mesh_identity *identity,
                      const struct mesh_overlay_config *config, const struct mesh_overlay_io *io,
                      const struct dht_address *self, uint64_t clock_offset_ms, uint64_t now_ms);

/* One datagram that arrived at the session address. Returns MESH_OK or why
 * it was refused (already counted). */
enum mesh_result mesh_overlay_receive(struct mesh_overlay *overlay, const struct dht_address *from,
                                      const uint8_t *data, size_t len, uint64_t now_ms);

/* One datagram that arrived at the beacon address, from `from`. */
enum mesh_beacon_result mesh_overlay_beacon_receive(struct mesh_overlay *overlay,
                                                    const struct dht_address *from,
                                                    const uint8_t *data, size_t len,
                                                    uint64_t now_ms);

/* Timers: sessions (retransmission, rekey, expiry), the DHT, beacons, peer
 * exchange. Call at least every MESH_OVERLAY_TICK_MS. */
#define MESH_OVERLAY_TICK_MS 100
void mesh_overlay_tick(struct mesh_overlay *overlay, uint64_t now_ms);

/* When mesh_overlay_tick next has work (now_ms's clock, never before
 * now_ms): the DHT's next deadline, the next beacon, the next peer
 * exchange; while any session or handshake exists, MESH_OVERLAY_TICK_MS
 * from now (the session layer's timers are checked at that rate). A
 * caller may sleep until then unless a datagram arrives or it calls the
 * overlay itself (both may bring the time forward: ask again after). */
uint64_t mesh_overlay_next_deadline(const struct mesh_overlay *overlay, uint64_t now_ms);

/* The mesh clock (for dht_node_* calls made by the caller). */
uint64_t mesh_overlay_mesh_time(const struct mesh_overlay *overlay, uint64_t now_ms);

/* Sessions with at least one usable key pair. */
unsigned mesh_overlay_session_count(const struct mesh_overlay *overlay);

/* key = BLAKE2b-256("NONOS mesh key v1" || name): the DHT key of a name. */
void mesh_overlay_key(uint8_t key[DHT_ID_SIZE], const uint8_t *name, size_t name_len);

/* Wipes every secret: session keys, handshakes, the DHT's signing key. */
void mesh_overlay_wipe(struct mesh_overlay *overlay);

#endif
