/* The netif driver's checks of what its client controls, under ASan +
 * UBSan (suite 17-user): user/lib/netif_wire.c case by case, then the
 * virtio-net data path (user/drivers/virtio-net/datapath.c) on host
 * memory with real virtqueues, fed the indices a hostile client writes.
 * The data path's device side is the test: virtio_queue_notify is a stub
 * and the used rings are filled here. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datapath.h"
#include "netif_wire.h"
#include "nonos/error.h"
#include "nonos/netif.h"

#define QUEUE_SIZE 64

static int failures, checks;

static void expect(bool condition, const char *what)
{
    checks++;
    if (!condition) {
        printf("FAIL netif wire: %s\n", what);
        failures++;
    }
}

void virtio_queue_notify(struct virtio_queue *queue)
{
    (void)queue;
}

static void test_requests(void)
{
    struct netif_request r;
    static const struct netif_request zero;
    uint8_t session[8] = { 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01 };
    expect(netif_wire_decode(NETIF_OPEN, session, 0, true, &r) == NETIF_WIRE_OK && r.label == NETIF_OPEN,
           "OPEN with a capability");
    expect(netif_wire_decode(NETIF_HOLD, session, 8, false, &r) == NETIF_WIRE_OK &&
               r.session == 0x0123456789abcdefull, "HOLD's session read little endian");
    expect(netif_wire_session_check(&r, true, 0x0123456789abcdefull) == NETIF_WIRE_OK, "the current session");
    expect(netif_wire_session_check(&r, false, 0x0123456789abcdefull) == NETIF_ERR_SESSION, "no session");
    expect(netif_wire_session_check(&r, true, 1) == NETIF_ERR_SESSION, "another session");
    expect(netif_wire_decode(NETIF_DOORBELL, session, 8, true, &r) == NETIF_ERR_CAPABILITY &&
               memcmp(&r, &zero, sizeof r) == 0, "a refusal leaves the request zero");
    expect(netif_wire_decode(1ull << 32 | NETIF_OPEN, session, 0, true, &r) == NETIF_ERR_LABEL,
           "the whole 64-bit label counts");
    expect(netif_wire_error(NETIF_ERR_SESSION) == NONOS_ERROR_NOT_FOUND &&
               netif_wire_error(NETIF_ERR_LENGTH) == NONOS_ERROR_INVALID_ARGUMENT && netif_wire_error(NETIF_WIRE_OK) == 0,
           "answer labels");
    expect(strcmp(netif_wire_name(NETIF_ERR_COUNT), "NETIF_ERR_?") == 0, "out-of-range name");
}

static void test_rings(void)
{
    uint32_t count = 99;
    expect(netif_wire_tx_window(0, 0, 32, &count) == NETIF_WIRE_OK && count == 32, "a full TX window");
    expect(netif_wire_tx_window(0, 10, 5, &count) == NETIF_ERR_TX_BEHIND && count == 0, "producer behind posted");
    expect(netif_wire_tx_window(0, 32, 32, &count) == NETIF_WIRE_OK && count == 0, "all taken");
    expect(netif_wire_tx_window(0xfffffff0u, 0xfffffff8u, 8, &count) == NETIF_WIRE_OK && count == 16,
           "a window across 2^32");
    expect(netif_wire_tx_window(5, 5, 38, &count) == NETIF_ERR_TX_AHEAD, "33 ahead");
    expect(netif_wire_rx_consumer(10, 15, 15) == NETIF_WIRE_OK, "RX consumer at the producer");
    expect(netif_wire_rx_consumer(10, 15, 16) == NETIF_ERR_RX_AHEAD, "RX consumer past the producer");
    expect(netif_wire_rx_consumer(10, 15, 9) == NETIF_ERR_RX_BEHIND, "RX consumer going back");
    expect(netif_wire_tx_entry(NETIF_FRAME_MIN, 0) == NETIF_WIRE_OK && netif_wire_tx_entry(NETIF_FRAME_MAX, 0) == 0,
           "TX lengths at the bounds");
    expect(netif_wire_tx_entry(NETIF_FRAME_MIN - 1, 0) == NETIF_ERR_FRAME_SHORT &&
               netif_wire_tx_entry(NETIF_FRAME_MAX + 1, 0) == NETIF_ERR_FRAME_LONG &&
               netif_wire_tx_entry(64, 2) == NETIF_ERR_ENTRY_FLAGS, "TX entry refusals");
}

/* A data path over host memory; device addresses are the host addresses. */
struct rig {
    struct virtio_queue rx, tx;
    struct datapath path;
    uint8_t *area;
};

static void rig_queue(struct virtio_queue *queue)
{
    size_t bytes = (virtqueue_bytes(QUEUE_SIZE) + 4095) / 4096 * 4096;
    void *memory = aligned_alloc(4096, bytes);
    memset(memory, 0, bytes);
    *queue = (struct virtio_queue){ 0 };
    if (!virtqueue_init(&queue->ring, memory, (uint64_t)(uintptr_t)memory, QUEUE_SIZE))
        abort();
}

static void rig_start(struct rig *rig)
{
    rig_queue(&rig->rx);
    rig_queue(&rig->tx);
    rig->area = aligned_alloc(4096, NETIF_AREA_BYTES);
    memset(rig->area, 0, NETIF_AREA_BYTES);
    rig->path = (struct datapath){ .rx_queue = &rig->rx, .tx_queue = &rig->tx };
    rig->path.headers = aligned_alloc(4096, 4096);
    rig->path.headers_device = (uint64_t)(uintptr_t)rig->path.headers;
    datapath_begin(&rig->path, rig->area, (uint64_t)(uintptr_t)rig->area);
}

static void rig_stop(struct rig *rig)
{
    free((void *)rig->rx.ring.descriptors);
    free((void *)rig->tx.ring.descriptors);
    free(rig->area);
    free(rig->path.headers);
}

static void tx_produce(struct rig *rig, uint32_t producer, uint32_t length, uint32_t flags)
{
    struct netif_ring *ring = netif_tx_ring(rig->area);
    for (uint32_t i = 0; i < NETIF_SLOTS; i++)
        ring->entry[i] = (struct netif_entry){ .length = length, .flags = flags };
    netif_store(&ring->producer, producer);
}

static void alarm_fired(int signal)
{
    (void)signal;
    static const char text[] = "FAIL netif wire: the data path did not return in 5 s (a TX producer behind "
                               "the driver's position runs it round 2^32 positions)\n";
    ssize_t ignored = write(1, text, sizeof text - 1);
    (void)ignored;
    _exit(1);
}

/* A client that moves its TX producer back behind what the driver took
 * (the bug: the driver looped ~2^32 times, holding its lock, refusing
 * length-0 entries) and its RX consumer back: both ignored, counted. */
static void test_datapath_hostile_indices(void)
{
    struct rig rig;
    bool broken;
    rig_start(&rig);
    struct netif_header *header = (struct netif_header *)rig.area;
    tx_produce(&rig, 10, 64, 0);
    datapath_run(&rig.path, &broken);
    expect(!broken && rig.path.tx_posted == 10 && header->tx_refused == 0, "10 frames handed to the device");
    tx_produce(&rig, 5, 0, 0);
    signal(SIGALRM, alarm_fired);
    alarm(5);
    datapath_run(&rig.path, &broken);
    alarm(0);
    expect(!broken && rig.path.tx_posted == 10 && header->index_refused == 1 && header->tx_refused == 0,
           "a TX producer behind the driver is ignored and counted");
    tx_produce(&rig, 12, 64, 1);
    datapath_run(&rig.path, &broken);
    expect(rig.path.tx_posted == 12 && header->tx_refused == 2, "entries with flags set are refused and counted");
    tx_produce(&rig, 12 + 40, 64, 0);
    datapath_run(&rig.path, &broken);
    expect(rig.path.tx_posted == 12 && header->index_refused == 2, "a TX producer 40 ahead is ignored");
    tx_produce(&rig, 12, 64, 0); /* a good producer again: only the RX index is wrong below */
    uint32_t seen = rig.path.rx_consumer_seen;
    netif_store(&netif_rx_ring(rig.area)->consumer, seen - 1);
    datapath_run(&rig.path, &broken);
    expect(rig.path.rx_consumer_seen == seen && header->index_refused == 3 &&
               rig.path.rx_posted - rig.path.rx_consumer_seen <= NETIF_SLOTS,
           "an RX consumer moved back is ignored and counted");
    rig_stop(&rig);
}

int main(void)
{
    test_requests();
    test_rings();
    test_datapath_hostile_indices();
    if (failures == 0)
        printf("PASS netif wire: %d checks of requests, ring indices and TX entries, and the data path fed "
               "hostile indices\n", checks);
    return failures != 0;
}
