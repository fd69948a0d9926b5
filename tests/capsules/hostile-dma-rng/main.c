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
 *     so and sleeps until the harness kills it mid-transfer;
 *   mode FORGE: with its queue's interrupt bound (MSI-X entry 0, which the
 *     kernel points at a remapping entry made for this device), it checks
 *     that a request's interrupt arrives; then it rewrites entry 0 in its
 *     own MSI-X table (the BAR is its to map) to name the remapping entry
 *     whose index the harness gave it, one made for another device, and
 *     makes the device interrupt again: the IOMMU must drop that message
 *     (the harness watches the entry's vector). Exit 0; 5: no MSI-X table;
 *   mode REVOKE: it allocates a page, maps it read-only for itself, maps it
 *     for DMA through a copy of its capability and revokes the copy (by
 *     revoking the original); then it hands the device the I/O address the
 *     copy's mapping had. The IOMMU must block the write (the harness looks
 *     for the DMA-fault record) and the page must stay zero. Exit: the I/O
 *     address (at least 1 MiB); 2: the device would not start; 6: the
 *     write landed; 7: a call failed.
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

#define IRQ_SLOT 12
#define PCI_CAPABILITY_POINTER 0x34
#define PCI_CAPABILITY_MSIX 0x11
#define MSI_REMAPPABLE_ADDRESS 0xfee00010u

/* Entry 0 of the device's MSI-X table, mapped here (the BAR holding the
 * table is mapped if the virtio library did not need it). */
static volatile uint32_t *msix_entry_zero(void)
{
    uint32_t at = (uint32_t)nonos_device_config_read(NONOS_SLOT_DEVICE, PCI_CAPABILITY_POINTER, 1) & 0xfc;
    for (int hops = 0; at != 0 && hops < 48; hops++) {
        if (nonos_device_config_read(NONOS_SLOT_DEVICE, at, 1) == PCI_CAPABILITY_MSIX) {
            uint32_t table = (uint32_t)nonos_device_config_read(NONOS_SLOT_DEVICE, at + 4, 4);
            uint32_t bar = table & 7;
            if (bar >= NONOS_DEVICE_BARS)
                return NULL;
            if (device.bars[bar] == NULL) {
                uint64_t size = (device.info.bars[bar].size + 4095) & ~4095ull;
                if (nonos_device_map_bar(NONOS_SLOT_DEVICE, bar, device.next_address) < 0)
                    return NULL;
                device.bars[bar] = (volatile uint8_t *)(uintptr_t)device.next_address;
                device.next_address += size;
            }
            return (volatile uint32_t *)(device.bars[bar] + (table & ~7u));
        }
        at = (uint32_t)nonos_device_config_read(NONOS_SLOT_DEVICE, at + 1, 1) & 0xfc;
    }
    return NULL;
}

/* One request on the interrupt-driven queue; true when the device
 * returned it within a second. */
static bool request_done(const struct virtio_dma *buffer)
{
    struct virtqueue_buffer request = { .address = buffer->device_address, .length = 16,
                                        .device_writes = true };
    if (virtqueue_add(&queue.ring, &request, 1) < 0)
        return false;
    virtio_queue_notify(&queue);
    for (int i = 0; i < WAIT_STEPS; i++) {
        uint16_t head;
        uint32_t written;
        if (virtqueue_take(&queue.ring, &head, &written) == 1)
            return true;
        nonos_timer_sleep(NONOS_SLOT_TIMER, WAIT_STEP_NS);
    }
    return false;
}

static int forge(uint64_t index)
{
    struct virtio_dma buffer;
    if (nonos_notification_create(IRQ_SLOT) < 0 || virtio_negotiate(&device, 0, 0) != NULL ||
        virtio_irq_bind(&device, 0, IRQ_SLOT, 1) != NULL ||
        virtio_queue_start(&device, &queue, 0, 4, 0) != NULL ||
        virtio_dma_allocate(&device, 1, &buffer) != NULL || virtio_ready(&device) != NULL)
        return 2;
    if (!request_done(&buffer) || nonos_notification_wait(IRQ_SLOT) < 0) {
        hostile_print("hostile-dma-rng: its own interrupt did not come\n");
        return 2;
    }
    volatile uint32_t *entry = msix_entry_zero();
    if (entry == NULL)
        return 5;
    entry[0] = MSI_REMAPPABLE_ADDRESS | (uint32_t)(index & 0x7fff) << 5 | (uint32_t)(index >> 15 & 1) << 2;
    entry[1] = 0;
    entry[2] = 0;
    bool done = request_done(&buffer);
    nonos_timer_sleep(NONOS_SLOT_TIMER, 20000000ull);
    hostile_print(done ? "hostile-dma-rng: interrupt forged with another device's remapping entry\n"
                       : "hostile-dma-rng: the device did not answer the forging request\n");
    virtio_stop(&device);
    return done ? 0 : 2;
}

#define REVOKE_ORIGINAL_SLOT 13
#define REVOKE_COPY_SLOT 14

static long revoked_dma(void)
{
    if (!queue_up())
        return 2;
    uint64_t address = device.next_address;
    if (nonos_memory_allocate(1, REVOKE_ORIGINAL_SLOT) < 0 ||
        nonos_memory_map(REVOKE_ORIGINAL_SLOT, address, NONOS_RIGHT_READ) < 0 ||
        nonos_cap_copy(REVOKE_ORIGINAL_SLOT, REVOKE_COPY_SLOT,
                       NONOS_RIGHT_READ | NONOS_RIGHT_WRITE) < 0)
        return 7;
    device.next_address += 4096;
    long target = nonos_device_dma_map(NONOS_SLOT_DEVICE, REVOKE_COPY_SLOT);
    if (target < 0 || nonos_cap_revoke(REVOKE_ORIGINAL_SLOT) != 1)
        return 7;
    const char *what = dma_attempt((uint64_t)target);
    hostile_print("hostile-dma-rng: DMA aimed at a revoked mapping: ");
    hostile_print(what);
    hostile_print("\n");
    const volatile uint8_t *page = (const volatile uint8_t *)(uintptr_t)address;
    uint8_t any = 0;
    for (uint32_t i = 0; i < HOSTILE_DMA_LENGTH; i++)
        any |= page[i];
    virtio_stop(&device);
    return any ? HOSTILE_DMA_STATUS_LANDED : target;
}

int main(void)
{
    hostile_require_harness("hostile-dma-rng");
    if (virtio_open(&device, NONOS_SLOT_DEVICE, DMA_FIRST_SLOT, SLOT_LIMIT) != NULL) {
        hostile_print("hostile-dma-rng: no device\n");
        return 3;
    }
    uint64_t mode = badge_of(HOSTILE_DMA_SLOT_MODE);
    if (mode == HOSTILE_DMA_MODE_FORGE)
        return forge(badge_of(HOSTILE_DMA_SLOT_TARGET));
    if (mode == HOSTILE_DMA_MODE_REVOKE)
        return (int)revoked_dma();
    return mode == HOSTILE_DMA_MODE_HOLD ? hold() : attack();
}
