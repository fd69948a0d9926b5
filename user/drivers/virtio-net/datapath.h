/* virtio-net's data path: the client's netif rings (nonos/netif.h) on one
 * side, the device's receive and transmit virtqueues on the other. The
 * frames stay where they are: the device reads TX slots and writes RX
 * slots of the shared area directly (it is DMA-mapped); only the 12-byte
 * virtio-net headers live in the driver's own DMA page.
 *
 * Invariants (per session): RX positions [producer, posted) are with the
 * device, [consumer, producer) with the client, and posted - consumer <=
 * NETIF_SLOTS; TX positions [consumer, posted) are with the device, and
 * posted <= the client's producer. Indices the client writes are checked
 * against these bounds before use; a bad one is ignored (the client can
 * only stall its own traffic). Each entry's length is read once. */
#ifndef NONOS_VIRTIO_NET_DATAPATH_H
#define NONOS_VIRTIO_NET_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "nonos/netif.h"
#include "virtio.h"

#define NET_HEADER_BYTES 12 /* struct virtio_net_hdr with VERSION_1 */

struct datapath {
    struct virtio_queue *rx_queue, *tx_queue;
    uint8_t *area;                 /* the shared area, mapped here */
    uint64_t area_device;          /* its device address */
    uint8_t *headers;              /* driver DMA page: RX headers, then the TX header */
    uint64_t headers_device;
    uint32_t rx_posted, tx_posted; /* next position to hand to the device */
    uint32_t rx_producer_shadow, tx_consumer_shadow;
    uint32_t rx_consumer_seen;     /* last valid client consumer */
    bool rx_done[NETIF_SLOTS], tx_done[NETIF_SLOTS];
    uint32_t rx_length[NETIF_SLOTS];
    uint32_t rx_position_of_head[VIRTQUEUE_SIZE_MAX], tx_position_of_head[VIRTQUEUE_SIZE_MAX];
};

/* Empties the rings of a new area and points the data path at it. */
void datapath_begin(struct datapath *path, uint8_t *area, uint64_t area_device);

/* Collects what the device finished, hands it to the client, gives the
 * device what the client produced and the RX slots it freed. Returns the
 * NETIF_EVENT_* bits to signal to the client; false in *broken when the
 * device returned something it was not given (reset it). */
uint32_t datapath_run(struct datapath *path, bool *broken);

#endif
