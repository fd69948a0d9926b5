/* virtio-net's data path (datapath.h). Written from the virtio 1.x
 * specification, "Network Device": with VIRTIO_F_VERSION_1 every buffer
 * starts with a 12-byte struct virtio_net_hdr; a chain may split the
 * header and the frame over two descriptors (ANY_LAYOUT is implied). */
#include "datapath.h"
#include "netif_wire.h"

#define RX_HEADER_STRIDE 16
#define TX_HEADER_OFFSET 2048 /* one all-zero header: no offload asked */

void datapath_begin(struct datapath *path, uint8_t *area, uint64_t area_device)
{
    path->area = area;
    path->area_device = area_device;
    path->rx_posted = path->tx_posted = 0;
    path->rx_producer_shadow = path->tx_consumer_shadow = 0;
    path->rx_consumer_seen = 0;
    for (uint32_t i = 0; i < NETIF_SLOTS; i++) {
        path->rx_done[i] = path->tx_done[i] = false;
        path->rx_length[i] = 0;
    }
    for (uint32_t i = 0; i < TX_HEADER_OFFSET + NET_HEADER_BYTES; i++)
        path->headers[i] = 0;
}

static uint64_t rx_slot_device(const struct datapath *path, uint32_t position)
{
    return path->area_device + NETIF_RX_SLOTS + (uint64_t)(position % NETIF_SLOTS) * NETIF_SLOT_BYTES;
}

static uint64_t tx_slot_device(const struct datapath *path, uint32_t position)
{
    return path->area_device + NETIF_TX_SLOTS + (uint64_t)(position % NETIF_SLOTS) * NETIF_SLOT_BYTES;
}

/* RX buffers the device returned, in whatever order, then the in-order
 * prefix published to the client. */
static bool rx_collect(struct datapath *path, uint32_t *events)
{
    struct netif_ring *ring = netif_rx_ring(path->area);
    struct netif_header *header = (struct netif_header *)path->area;
    uint16_t head;
    uint32_t written;
    int taken;
    while ((taken = virtqueue_take(&path->rx_queue->ring, &head, &written)) == 1) {
        uint32_t position = path->rx_position_of_head[head];
        path->rx_done[position % NETIF_SLOTS] = true;
        path->rx_length[position % NETIF_SLOTS] =
            written >= NET_HEADER_BYTES + NETIF_FRAME_MIN && written <= NET_HEADER_BYTES + NETIF_FRAME_MAX
                ? written - NET_HEADER_BYTES
                : 0; /* 0: nothing usable; the client skips it */
    }
    uint32_t producer = path->rx_producer_shadow;
    while (producer != path->rx_posted && path->rx_done[producer % NETIF_SLOTS]) {
        path->rx_done[producer % NETIF_SLOTS] = false;
        ring->entry[producer % NETIF_SLOTS] =
            (struct netif_entry){ .length = path->rx_length[producer % NETIF_SLOTS], .flags = 0 };
        header->rx_frames++;
        producer++;
    }
    if (producer != path->rx_producer_shadow) {
        path->rx_producer_shadow = producer;
        netif_store(&ring->producer, producer);
        *events |= NETIF_EVENT_RX;
    }
    return taken >= 0;
}

/* Hands the device every RX position the client has freed. A consumer
 * outside [last good one, producer] is ignored (netif_wire.c): the last
 * good one stays. */
static bool rx_post(struct datapath *path)
{
    uint32_t consumer = netif_load(&netif_rx_ring(path->area)->consumer);
    if (netif_wire_rx_consumer(path->rx_consumer_seen, path->rx_producer_shadow, consumer) == NETIF_WIRE_OK)
        path->rx_consumer_seen = consumer;
    else
        ((struct netif_header *)path->area)->index_refused++;
    bool posted = false;
    while (path->rx_posted - path->rx_consumer_seen < NETIF_SLOTS) {
        uint32_t position = path->rx_posted;
        struct virtqueue_buffer chain[2] = {
            { path->headers_device + (position % NETIF_SLOTS) * RX_HEADER_STRIDE, NET_HEADER_BYTES, true },
            { rx_slot_device(path, position), NETIF_SLOT_BYTES, true },
        };
        int head = virtqueue_add(&path->rx_queue->ring, chain, 2);
        if (head < 0)
            break;
        path->rx_position_of_head[head] = position;
        path->rx_posted++;
        posted = true;
    }
    return posted;
}

/* TX chains the device has sent; the in-order prefix goes back to the
 * client. */
static bool tx_collect(struct datapath *path)
{
    struct netif_header *header = (struct netif_header *)path->area;
    uint16_t head;
    uint32_t written;
    int taken;
    while ((taken = virtqueue_take(&path->tx_queue->ring, &head, &written)) == 1) {
        path->tx_done[path->tx_position_of_head[head] % NETIF_SLOTS] = true;
        header->tx_frames++;
    }
    return taken >= 0;
}

static void tx_release(struct datapath *path, uint32_t *events)
{
    uint32_t consumer = path->tx_consumer_shadow;
    while (consumer != path->tx_posted && path->tx_done[consumer % NETIF_SLOTS]) {
        path->tx_done[consumer % NETIF_SLOTS] = false;
        consumer++;
    }
    if (consumer != path->tx_consumer_shadow) {
        path->tx_consumer_shadow = consumer;
        netif_store(&netif_tx_ring(path->area)->consumer, consumer);
        *events |= NETIF_EVENT_TX;
    }
}

/* Hands the device every frame the client produced. A producer outside
 * [posted, consumer + NETIF_SLOTS] is ignored (netif_wire.c): one behind
 * `posted` would otherwise send the loop round 2^32 positions, past
 * slots the device still reads. */
static bool tx_post(struct datapath *path)
{
    struct netif_ring *ring = netif_tx_ring(path->area);
    struct netif_header *header = (struct netif_header *)path->area;
    uint32_t producer = netif_load(&ring->producer), count;
    if (netif_wire_tx_window(path->tx_consumer_shadow, path->tx_posted, producer, &count) != NETIF_WIRE_OK) {
        header->index_refused++;
        return false;
    }
    bool posted = false;
    for (; count > 0; count--) { /* producer - posted entries, at most NETIF_SLOTS */
        uint32_t position = path->tx_posted;
        volatile struct netif_entry *entry = &ring->entry[position % NETIF_SLOTS];
        uint32_t length = entry->length, flags = entry->flags; /* each read once */
        if (netif_wire_tx_entry(length, flags) != NETIF_WIRE_OK) {
            path->tx_done[position % NETIF_SLOTS] = true; /* refused: back to the client unsent */
            header->tx_refused++;
            path->tx_posted++;
            continue;
        }
        struct virtqueue_buffer chain[2] = {
            { path->headers_device + TX_HEADER_OFFSET, NET_HEADER_BYTES, false },
            { tx_slot_device(path, position), length, false },
        };
        int head = virtqueue_add(&path->tx_queue->ring, chain, 2);
        if (head < 0)
            break;
        path->tx_position_of_head[head] = position;
        path->tx_posted++;
        posted = true;
    }
    return posted;
}

uint32_t datapath_run(struct datapath *path, bool *broken)
{
    uint32_t events = 0;
    *broken = !rx_collect(path, &events) || !tx_collect(path);
    if (*broken)
        return events;
    if (rx_post(path))
        virtio_queue_notify(path->rx_queue);
    if (tx_post(path))
        virtio_queue_notify(path->tx_queue);
    tx_release(path, &events);
    return events;
}
