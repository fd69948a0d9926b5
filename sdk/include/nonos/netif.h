/* The network-interface protocol between the virtio-net driver capsule and
 * its one client (docs/drivers.md, "The netif protocol", byte by byte).
 *
 * Frames never go through the kernel: the driver allocates one memory
 * object, the shared area, and transfers a capability to it to the client;
 * both map it. The area holds two rings of NETIF_SLOTS frame slots, TX
 * (client -> wire) and RX (wire -> client), each a single-producer,
 * single-consumer queue of free-running 32-bit indices. The driver hands
 * the slots themselves to the device (they are mapped in the device's DMA
 * domain), so a frame is copied by nobody between the client and the NIC.
 * Each side tells the other of progress with a notification signal.
 *
 * Attaching (IPC on the endpoint the name service gives for
 * NETIF_SERVICE; the client's manifest lists it under ipc):
 *   NETIF_OPEN      capability: a notification of the client's (write),
 *                   the driver's events go there. Reply: label 0,
 *                   capability: the shared area (read, write), data:
 *                   struct netif_open_reply. A previous client is
 *                   detached: its area is revoked, its held call answered.
 *   NETIF_DOORBELL  data: the session (8 bytes). Reply: capability: a
 *                   notification of the driver's (write only): signal it
 *                   (any bits) after producing TX or consuming RX.
 *   NETIF_HOLD      data: the session. Not answered while the session
 *                   lives: answered (label 0) when another client opens,
 *                   and fails with OBJECT_GONE when the driver ends (its
 *                   reply capability dies with it). A client thread
 *                   parked in this call learns at once that it must
 *                   attach again.
 * A failed request is answered with a positive NONOS_ERROR_* label:
 * INVALID_ARGUMENT (unknown label, bad length, no capability), NOT_FOUND
 * (a session that is not the current one), NO_MEMORY, BUSY (the device
 * failed to start).
 *
 * Freestanding; little-endian fields (x86). */
#ifndef NONOS_SDK_NETIF_H
#define NONOS_SDK_NETIF_H

#include <stdbool.h>
#include <stdint.h>

#define NETIF_SERVICE "nonos.netif"

#define NETIF_OPEN 1
#define NETIF_DOORBELL 2
#define NETIF_HOLD 3

#define NETIF_MAGIC 0x4649454eu /* "NEIF" */
#define NETIF_VERSION 1
#define NETIF_SLOTS 32          /* per ring, a power of two */
#define NETIF_SLOT_BYTES 2048
#define NETIF_FRAME_MIN 14      /* an Ethernet header */
#define NETIF_FRAME_MAX 1514    /* header + 1500-byte payload, no FCS */

/* Offsets in the shared area. */
#define NETIF_TX_RING 128
#define NETIF_RX_RING 512
#define NETIF_TX_SLOTS 4096
#define NETIF_RX_SLOTS (NETIF_TX_SLOTS + NETIF_SLOTS * NETIF_SLOT_BYTES)
#define NETIF_AREA_BYTES (NETIF_RX_SLOTS + NETIF_SLOTS * NETIF_SLOT_BYTES) /* 135,168: 33 pages */

/* Bits the driver signals on the client's notification. */
#define NETIF_EVENT_RX 1u       /* RX frames produced */
#define NETIF_EVENT_TX 2u       /* TX slots consumed (free again) */
#define NETIF_EVENT_LINK 4u     /* link changed (header.link) */
#define NETIF_EVENT_DETACHED 8u /* this session ended (header.state) */

#define NETIF_STATE_ATTACHED 1
#define NETIF_STATE_DETACHED 2

/* Byte 0 of the area. Written by the driver; the client reads it. */
struct netif_header {
    uint32_t magic;        /* 0  NETIF_MAGIC */
    uint16_t version;      /* 4  NETIF_VERSION */
    uint16_t reserved0;    /* 6  0 */
    uint32_t slots;        /* 8  NETIF_SLOTS */
    uint32_t slot_bytes;   /* 12 NETIF_SLOT_BYTES */
    uint32_t area_bytes;   /* 16 NETIF_AREA_BYTES */
    uint32_t frame_max;    /* 20 NETIF_FRAME_MAX */
    uint8_t mac[6];        /* 24 the device's MAC address */
    uint16_t reserved1;    /* 30 0 */
    uint32_t link;         /* 32 1: link up, 0: down */
    uint32_t state;        /* 36 NETIF_STATE_* */
    uint64_t session;      /* 40 the session this area belongs to */
    uint64_t tx_frames;    /* 48 frames the device has sent */
    uint64_t rx_frames;    /* 56 frames the device has received */
    uint64_t tx_refused;   /* 64 TX entries refused (length out of range, flags not 0) */
    uint64_t index_refused; /* 72 passes that ignored a client index out of bounds */
    uint8_t reserved2[48]; /* 80..127 0 */
};

/* One ring at NETIF_TX_RING or NETIF_RX_RING (384 bytes). The producer
 * fills entry[i % NETIF_SLOTS] and slot i % NETIF_SLOTS, then stores
 * producer = i + 1 (release); the consumer reads producer (acquire), uses
 * the entries up to it, then stores consumer. Slot k always belongs to
 * entry k. Producer and consumer sit in separate cache lines. */
struct netif_entry {
    uint32_t length; /* frame bytes in the slot (TX: 14..1514) */
    uint32_t flags;  /* 0 (reserved) */
};
struct netif_ring {
    uint32_t producer;       /* +0   TX: the client; RX: the driver */
    uint8_t pad0[60];
    uint32_t consumer;       /* +64  TX: the driver; RX: the client */
    uint8_t pad1[60];
    struct netif_entry entry[NETIF_SLOTS]; /* +128 */
};

struct netif_open_reply {
    uint64_t session;    /* 0: quote it in DOORBELL and HOLD */
    uint32_t area_bytes; /* 8: NETIF_AREA_BYTES */
    uint32_t version;    /* 12: NETIF_VERSION */
};

_Static_assert(sizeof(struct netif_header) == 128, "netif header");
_Static_assert(sizeof(struct netif_ring) == 384, "netif ring");
_Static_assert(NETIF_TX_RING + sizeof(struct netif_ring) <= NETIF_RX_RING, "netif rings");
_Static_assert(NETIF_RX_RING + sizeof(struct netif_ring) <= NETIF_TX_SLOTS, "netif rings");

static inline struct netif_ring *netif_tx_ring(void *area)
{
    return (struct netif_ring *)((uint8_t *)area + NETIF_TX_RING);
}

static inline struct netif_ring *netif_rx_ring(void *area)
{
    return (struct netif_ring *)((uint8_t *)area + NETIF_RX_RING);
}

static inline uint8_t *netif_tx_slot(void *area, uint32_t index)
{
    return (uint8_t *)area + NETIF_TX_SLOTS + (index % NETIF_SLOTS) * NETIF_SLOT_BYTES;
}

static inline uint8_t *netif_rx_slot(void *area, uint32_t index)
{
    return (uint8_t *)area + NETIF_RX_SLOTS + (index % NETIF_SLOTS) * NETIF_SLOT_BYTES;
}

static inline uint32_t netif_load(const uint32_t *index)
{
    return __atomic_load_n(index, __ATOMIC_ACQUIRE);
}

static inline void netif_store(uint32_t *index, uint32_t value)
{
    __atomic_store_n(index, value, __ATOMIC_RELEASE);
}

/* Client side. The index of the next free TX slot, or false when all
 * NETIF_SLOTS are with the driver. */
static inline bool netif_tx_reserve(void *area, uint32_t *index)
{
    struct netif_ring *ring = netif_tx_ring(area);
    uint32_t producer = ring->producer; /* only the client writes it */
    if (producer - netif_load(&ring->consumer) >= NETIF_SLOTS)
        return false;
    *index = producer;
    return true;
}

/* Hands the frame written in netif_tx_slot(area, index) to the driver;
 * then signal the driver's doorbell. */
static inline void netif_tx_commit(void *area, uint32_t index, uint32_t length)
{
    struct netif_ring *ring = netif_tx_ring(area);
    ring->entry[index % NETIF_SLOTS] = (struct netif_entry){ .length = length, .flags = 0 };
    netif_store(&ring->producer, index + 1);
}

/* The next received frame: its index and length; false when none. */
static inline bool netif_rx_next(void *area, uint32_t *index, uint32_t *length)
{
    struct netif_ring *ring = netif_rx_ring(area);
    uint32_t consumer = ring->consumer; /* only the client writes it */
    if (netif_load(&ring->producer) == consumer)
        return false;
    *index = consumer;
    *length = ring->entry[consumer % NETIF_SLOTS].length;
    return true;
}

/* Gives the RX slot back (frames are taken in order); then signal the
 * doorbell so that the driver posts it to the device again. */
static inline void netif_rx_release(void *area, uint32_t index)
{
    netif_store(&netif_rx_ring(area)->consumer, index + 1);
}

#endif
