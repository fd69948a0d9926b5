/* hostile-dma-rng: a driver capsule that turns its device against the
 * rest of the machine (tests/capsules/lib/hostile_dma.h). It sets up its
 * virtio-rng with user/lib/virtio.c like the real driver, then:
 *
 *   mode ATTACK: for each of the three targets the harness gave it (a
 *     kernel frame's physical address, another capsule's frame, an I/O
 *     address never mapped), it resets the device, hands it one
 *     device-writable buffer at that address and waits up to a second;
 *     it prints what the device did; whether the write landed is for the
 *     harness to judge. Then, as a control, DMA into a buffer it did map
 *     must land. Exit 0; 2: the device would not start; 4: the control
 *     failed;
 *   mode HOLD: it maps DMA buffers, gives the device a real request, says
 *     so and sleeps until the harness kills it mid-transfer.
 *
 * Started without the harness's token it does nothing. */
#include "hostile.h"
#include "hostile_dma.h"
#include "virtio.h"

#define DMA_FIRST_SLOT 16
#define SLOT_LIMIT 32
#define DEVICE_STATUS 20 /* in the common configuration structure */
#define WAIT_STEPS 100
#define WAIT_STEP_NS 10000000ull /* 10 ms */

static struct virtio_device device;
static struct virtio_queue queue;

static uint64_t badge_of(uint32_t slot)
{
    struct nonos_cap_info info;
    return nonos_cap_identify(slot, &info) == 0 ? info.badge : 0;
}

static bool queue_up(void)
{
    return virtio_negotiate(&device, 0, 0) == NULL &&
           virtio_queue_start(&device, &queue, 0, 4, VIRTIO_NO_VECTOR) == NULL &&
           virtio_ready(&device) == NULL;
}

/* Hands the device a buffer at `address` and says what the device did.
 * Its own view proves nothing: a device whose write the IOMMU blocked may
 * still return the buffer as filled (QEMU's does); what counts is the
 * target's memory and the fault record, which the harness checks. */
static const char *dma_attempt(uint64_t address)
{
    struct virtqueue_buffer request = { .address = address, .length = HOSTILE_DMA_LENGTH,
                                        .device_writes = true };
    if (virtqueue_add(&queue.ring, &request, 1) < 0)
        return "could not queue the buffer";
    virtio_queue_notify(&queue);
    for (int i = 0; i < WAIT_STEPS; i++) {
        uint16_t head;
        uint32_t written;
        if (virtqueue_take(&queue.ring, &head, &written) == 1)
            return "the device returned the buffer (its write went where the IOMMU let it)";
        if (device.common.base[DEVICE_STATUS] & VIRTIO_STATUS_NEEDS_RESET)
            return "the device gave up (needs reset)";
        nonos_timer_sleep(NONOS_SLOT_TIMER, WAIT_STEP_NS);
    }
    return "the device never returned the buffer";
}

/* The control: DMA into a buffer the kernel did map for the device lands
 * (64 random bytes all zero: one chance in 2^512). */
static bool own_buffer_filled(void)
{
    struct virtio_dma own;
    if (!queue_up() || virtio_dma_allocate(&device, 1, &own) != NULL)
        return false;
    dma_attempt(own.device_address);
    uint8_t any = 0;
    for (uint32_t i = 0; i < HOSTILE_DMA_LENGTH; i++)
        any |= own.address[i];
    virtio_stop(&device);
    virtio_queue_free(&device, &queue);
    virtio_dma_free(&device, &own);
    hostile_print(any ? "hostile-dma-rng: DMA into its own mapped buffer: filled\n"
                      : "hostile-dma-rng: DMA into its own mapped buffer: NOT filled\n");
    return any != 0;
}

static int attack(void)
{
    static const char *const names[HOSTILE_DMA_TARGETS] = { "kernel frame", "other capsule's frame",
                                                             "unmapped I/O address" };
    for (uint32_t i = 0; i < HOSTILE_DMA_TARGETS; i++) {
        if (!queue_up()) {
            hostile_print("hostile-dma-rng: the device did not start\n");
            return 2;
        }
        const char *what = dma_attempt(badge_of(HOSTILE_DMA_SLOT_TARGET + i));
        hostile_print("hostile-dma-rng: DMA aimed at the ");
        hostile_print(names[i]);
        hostile_print(": ");
        hostile_print(what);
        hostile_print("\n");
        virtio_stop(&device);
        virtio_queue_free(&device, &queue);
    }
    return own_buffer_filled() ? 0 : 4;
}

static int hold(void)
{
    struct virtio_dma buffers[HOSTILE_DMA_HOLD_BUFFERS];
    if (!queue_up())
        return 2;
    for (uint32_t i = 0; i < HOSTILE_DMA_HOLD_BUFFERS; i++) {
        if (virtio_dma_allocate(&device, 1, &buffers[i]) != NULL)
            return 2;
        struct virtqueue_buffer request = { .address = buffers[i].device_address,
                                            .length = 4096, .device_writes = true };
        if (virtqueue_add(&queue.ring, &request, 1) < 0)
            return 2;
    }
    virtio_queue_notify(&queue);
    hostile_print("hostile-dma-rng: holding DMA buffers, waiting to be killed\n");
    for (;;)
        nonos_timer_sleep(NONOS_SLOT_TIMER, 1000000000ull);
}

int main(void)
{
    hostile_require_harness("hostile-dma-rng");
    if (virtio_open(&device, NONOS_SLOT_DEVICE, DMA_FIRST_SLOT, SLOT_LIMIT) != NULL) {
        hostile_print("hostile-dma-rng: no device\n");
        return 3;
    }
    return badge_of(HOSTILE_DMA_SLOT_MODE) == HOSTILE_DMA_MODE_HOLD ? hold() : attack();
}
