/* A virtio 1.x device over the modern PCI transport (virtio.h). Written
 * from the virtio 1.x specification: "Virtio Structure PCI Capabilities",
 * "Common configuration structure layout", "Device Initialization". */
#include "virtio.h"

#include "nonos/error.h"
#include "nonos/syscall.h"
#include "virtio_pci.h"

#define PAGE_SIZE 4096u

/* PCI configuration space. */
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_BUS_MASTER 0x4

/* struct virtio_pci_common_cfg */
#define COMMON_DEVICE_FEATURE_SELECT 0
#define COMMON_DEVICE_FEATURE 4
#define COMMON_DRIVER_FEATURE_SELECT 8
#define COMMON_DRIVER_FEATURE 12
#define COMMON_CONFIG_MSIX_VECTOR 16
#define COMMON_NUM_QUEUES 18
#define COMMON_DEVICE_STATUS 20
#define COMMON_QUEUE_SELECT 22
#define COMMON_QUEUE_SIZE 24
#define COMMON_QUEUE_MSIX_VECTOR 26
#define COMMON_QUEUE_ENABLE 28
#define COMMON_QUEUE_NOTIFY_OFF 30
#define COMMON_QUEUE_DESC 32
#define COMMON_QUEUE_DRIVER 40
#define COMMON_QUEUE_DEVICE 48

#define RESET_POLLS 100000

static uint8_t mmio_read8(volatile uint8_t *base, uint32_t offset)
{
    return *(volatile uint8_t *)(base + offset);
}

static uint16_t mmio_read16(volatile uint8_t *base, uint32_t offset)
{
    return *(volatile uint16_t *)(base + offset);
}

static uint32_t mmio_read32(volatile uint8_t *base, uint32_t offset)
{
    return *(volatile uint32_t *)(base + offset);
}

static void mmio_write8(volatile uint8_t *base, uint32_t offset, uint8_t value)
{
    *(volatile uint8_t *)(base + offset) = value;
}

static void mmio_write16(volatile uint8_t *base, uint32_t offset, uint16_t value)
{
    *(volatile uint16_t *)(base + offset) = value;
}

static void mmio_write32(volatile uint8_t *base, uint32_t offset, uint32_t value)
{
    *(volatile uint32_t *)(base + offset) = value;
}

/* A 64-bit field as two 32-bit writes, low half first (the specification
 * allows it for the queue addresses). */
static void mmio_write64(volatile uint8_t *base, uint32_t offset, uint64_t value)
{
    mmio_write32(base, offset, (uint32_t)value);
    mmio_write32(base, offset + 4, (uint32_t)(value >> 32));
}

static uint64_t pages_of(uint64_t bytes)
{
    return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

static long config_read(const struct virtio_device *device, uint32_t offset, uint32_t width)
{
    return nonos_device_config_read(device->slot, offset, width);
}

/* Maps every memory BAR, one after the other from next_address. */
static virtio_result bars_map(struct virtio_device *device)
{
    for (uint32_t bar = 0; bar < NONOS_DEVICE_BARS; bar++) {
        const struct nonos_device_bar *b = &device->info.bars[bar];
        device->bars[bar] = NULL;
        if (b->kind != NONOS_BAR_MEMORY || b->size == 0)
            continue;
        if (nonos_device_map_bar(device->slot, bar, device->next_address) < 0)
            return "device_map_bar refused";
        device->bars[bar] = (volatile uint8_t *)(uintptr_t)device->next_address;
        device->next_address += pages_of(b->size) * PAGE_SIZE;
    }
    return NULL;
}

static long config_space_read(void *context, uint32_t offset, uint32_t width)
{
    return config_read(context, offset, width);
}

static void region_point(const struct virtio_device *device, struct virtio_region *region,
                         const struct virtio_pci_structure *structure)
{
    region->base = structure->present ? device->bars[structure->bar] + structure->offset : NULL;
    region->length = structure->present ? structure->length : 0;
}

/* The structures, found by virtio_pci.c in the configuration space. */
static virtio_result capabilities_find(struct virtio_device *device)
{
    uint64_t bar_sizes[NONOS_DEVICE_BARS];
    for (uint32_t bar = 0; bar < NONOS_DEVICE_BARS; bar++)
        bar_sizes[bar] = device->bars[bar] != NULL ? device->info.bars[bar].size : 0;
    struct virtio_pci_layout layout;
    enum virtio_pci_refusal refusal = virtio_pci_layout_find(config_space_read, device, bar_sizes, &layout);
    if (refusal != VIRTIO_PCI_OK)
        return virtio_pci_message(refusal);
    region_point(device, &device->common, &layout.common);
    region_point(device, &device->notify, &layout.notify);
    region_point(device, &device->isr, &layout.isr);
    region_point(device, &device->device_config, &layout.device_config);
    device->notify_multiplier = layout.notify_multiplier;
    return NULL;
}

static void status_set(struct virtio_device *device, uint8_t bits)
{
    uint8_t status = mmio_read8(device->common.base, COMMON_DEVICE_STATUS);
    mmio_write8(device->common.base, COMMON_DEVICE_STATUS, (uint8_t)(status | bits));
}

void virtio_stop(struct virtio_device *device)
{
    if (device->common.base == NULL)
        return;
    mmio_write8(device->common.base, COMMON_DEVICE_STATUS, 0);
    /* The reset is complete when the status reads back as 0. */
    for (int i = 0; i < RESET_POLLS && mmio_read8(device->common.base, COMMON_DEVICE_STATUS) != 0; i++)
        nonos_yield();
}

static uint64_t features_offered(struct virtio_device *device)
{
    volatile uint8_t *common = device->common.base;
    mmio_write32(common, COMMON_DEVICE_FEATURE_SELECT, 0);
    uint64_t low = mmio_read32(common, COMMON_DEVICE_FEATURE);
    mmio_write32(common, COMMON_DEVICE_FEATURE_SELECT, 1);
    uint64_t high = mmio_read32(common, COMMON_DEVICE_FEATURE);
    return low | high << 32;
}

static virtio_result features_negotiate(struct virtio_device *device, uint64_t required, uint64_t wanted)
{
    volatile uint8_t *common = device->common.base;
    uint64_t offered = features_offered(device);
    required |= VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM;
    if ((offered & VIRTIO_F_ACCESS_PLATFORM) == 0)
        return "the device does not offer VIRTIO_F_ACCESS_PLATFORM (its DMA would bypass the IOMMU)";
    if ((offered & required) != required)
        return "the device does not offer a required feature (VIRTIO_F_VERSION_1, ...)";
    device->features = required | (wanted & offered);
    mmio_write32(common, COMMON_DRIVER_FEATURE_SELECT, 0);
    mmio_write32(common, COMMON_DRIVER_FEATURE, (uint32_t)device->features);
    mmio_write32(common, COMMON_DRIVER_FEATURE_SELECT, 1);
    mmio_write32(common, COMMON_DRIVER_FEATURE, (uint32_t)(device->features >> 32));
    status_set(device, VIRTIO_STATUS_FEATURES_OK);
    if ((mmio_read8(common, COMMON_DEVICE_STATUS) & VIRTIO_STATUS_FEATURES_OK) == 0)
        return "the device refused the negotiated features";
    return NULL;
}

/* Memory space and bus mastering on; the kernel refuses bus mastering
 * unless the device's DMA is confined (or unconfined DMA was allowed). */
static virtio_result bus_master_enable(struct virtio_device *device)
{
    long command = config_read(device, PCI_COMMAND, 2);
    if (command < 0)
        return "cannot read the PCI command register";
    long result = nonos_device_config_write(device->slot, PCI_COMMAND, 2,
                                            (uint64_t)command | PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER);
    return result < 0 ? nonos_error_message(result) : NULL;
}

virtio_result virtio_open(struct virtio_device *device, uint32_t slot, uint32_t first_slot,
                          uint32_t slot_limit)
{
    *device = (struct virtio_device){ .slot = slot, .first_slot = first_slot, .slot_limit = slot_limit,
                                      .next_address = VIRTIO_MAP_BASE };
    long result = nonos_device_info(slot, &device->info, sizeof device->info);
    if (result < 0)
        return nonos_error_message(result);
    if (device->info.vendor_id != VIRTIO_VENDOR || device->info.device_id < VIRTIO_PCI_DEVICE_BASE)
        return "not a modern virtio device";
    virtio_result error = bars_map(device);
    return error != NULL ? error : capabilities_find(device);
}

virtio_result virtio_negotiate(struct virtio_device *device, uint64_t required, uint64_t wanted)
{
    virtio_stop(device);
    if (mmio_read8(device->common.base, COMMON_DEVICE_STATUS) != 0)
        return "the device did not reset";
    status_set(device, VIRTIO_STATUS_ACKNOWLEDGE);
    status_set(device, VIRTIO_STATUS_DRIVER);
    virtio_result error = features_negotiate(device, required, wanted);
    if (error == NULL)
        error = bus_master_enable(device);
    if (error != NULL)
        status_set(device, VIRTIO_STATUS_FAILED);
    return error;
}

uint32_t virtio_slot_take(struct virtio_device *device)
{
    for (uint32_t slot = device->first_slot; slot < device->slot_limit && slot - device->first_slot < 64; slot++) {
        uint64_t bit = 1ull << (slot - device->first_slot);
        if ((device->slots_used & bit) == 0) {
            device->slots_used |= bit;
            return slot;
        }
    }
    return NONOS_SLOT_NONE;
}

void virtio_slot_release(struct virtio_device *device, uint32_t slot)
{
    if (slot >= device->first_slot && slot - device->first_slot < 64)
        device->slots_used &= ~(1ull << (slot - device->first_slot));
}

/* Allocates the memory object; contiguous frames if the kernel says the
 * device needs them (no IOMMU, unconfined DMA allowed). */
static long dma_object_allocate(struct virtio_device *device, struct virtio_dma *dma, bool contiguous)
{
    long result = contiguous ? nonos_memory_allocate_contiguous(dma->pages, dma->slot)
                             : nonos_memory_allocate(dma->pages, dma->slot);
    if (result < 0)
        return result;
    result = nonos_memory_map(dma->slot, device->next_address, NONOS_RIGHT_READ | NONOS_RIGHT_WRITE);
    if (result < 0) {
        nonos_cap_delete(dma->slot);
        return result;
    }
    dma->address = (uint8_t *)(uintptr_t)device->next_address;
    device->next_address += (uint64_t)dma->pages * PAGE_SIZE;
    result = nonos_device_dma_map(device->slot, dma->slot);
    if (result < 0) {
        nonos_memory_unmap((uint64_t)(uintptr_t)dma->address, dma->pages);
        nonos_cap_delete(dma->slot);
        return result;
    }
    dma->device_address = (uint64_t)result;
    return 0;
}

virtio_result virtio_dma_allocate(struct virtio_device *device, uint32_t pages, struct virtio_dma *dma)
{
    *dma = (struct virtio_dma){ .slot = virtio_slot_take(device), .pages = pages };
    if (dma->slot == NONOS_SLOT_NONE)
        return "no free capability slot for DMA memory";
    long result = dma_object_allocate(device, dma, false);
    if (result == -NONOS_ERROR_NOT_CONTIGUOUS)
        result = dma_object_allocate(device, dma, true);
    if (result < 0) {
        virtio_slot_release(device, dma->slot);
        dma->address = NULL;
        return nonos_error_message(result);
    }
    return NULL;
}

void virtio_dma_free(struct virtio_device *device, struct virtio_dma *dma)
{
    if (dma->address == NULL)
        return;
    nonos_device_dma_unmap(device->slot, dma->device_address);
    nonos_memory_unmap((uint64_t)(uintptr_t)dma->address, dma->pages);
    nonos_cap_delete(dma->slot);
    virtio_slot_release(device, dma->slot);
    dma->address = NULL;
}

virtio_result virtio_irq_bind(struct virtio_device *device, uint16_t vector, uint32_t notification,
                              uint64_t bits)
{
    long kind = nonos_device_irq_bind(device->slot, vector, notification, bits);
    if (kind < 0)
        return nonos_error_message(kind);
    device->irq_kind = (uint32_t)kind;
    return NULL;
}

virtio_result virtio_config_vector_set(struct virtio_device *device, uint16_t vector)
{
    if (device->irq_kind != NONOS_IRQ_MSIX)
        return NULL;
    mmio_write16(device->common.base, COMMON_CONFIG_MSIX_VECTOR, vector);
    if (mmio_read16(device->common.base, COMMON_CONFIG_MSIX_VECTOR) != vector)
        return "the device refused the configuration-change MSI-X vector";
    return NULL;
}

static uint16_t queue_size_choose(uint16_t offered, uint16_t size_max)
{
    uint16_t size = VIRTQUEUE_SIZE_MAX;
    while (size > 1 && (size > offered || size > size_max))
        size = (uint16_t)(size / 2);
    return size;
}

/* Where the device listens for this queue's notifications. */
static virtio_result queue_doorbell(struct virtio_device *device, struct virtio_queue *queue)
{
    uint64_t offset = (uint64_t)mmio_read16(device->common.base, COMMON_QUEUE_NOTIFY_OFF) *
                      device->notify_multiplier;
    if (offset + 2 > device->notify.length)
        return "the queue's notification address is outside the notification structure";
    queue->doorbell = (volatile uint16_t *)(device->notify.base + offset);
    return NULL;
}

virtio_result virtio_queue_start(struct virtio_device *device, struct virtio_queue *queue,
                                 uint16_t index, uint16_t size_max, uint16_t vector)
{
    volatile uint8_t *common = device->common.base;
    if (index >= mmio_read16(common, COMMON_NUM_QUEUES))
        return "the device has no such queue";
    mmio_write16(common, COMMON_QUEUE_SELECT, index);
    uint16_t offered = mmio_read16(common, COMMON_QUEUE_SIZE);
    if (offered == 0)
        return "the queue is not available";
    uint16_t size = queue_size_choose(offered, size_max);
    queue->index = index;
    queue->vector = device->irq_kind == NONOS_IRQ_MSIX ? vector : VIRTIO_NO_VECTOR;
    virtio_result error = virtio_dma_allocate(device, (uint32_t)pages_of(virtqueue_bytes(size)),
                                              &queue->ring_memory);
    if (error == NULL)
        error = queue_doorbell(device, queue);
    if (error != NULL)
        return error;
    struct virtio_dma *ring = &queue->ring_memory;
    virtqueue_init(&queue->ring, ring->address, ring->device_address, size);
    mmio_write16(common, COMMON_QUEUE_SIZE, size);
    mmio_write64(common, COMMON_QUEUE_DESC, ring->device_address);
    mmio_write64(common, COMMON_QUEUE_DRIVER, ring->device_address + virtqueue_available_offset(size));
    mmio_write64(common, COMMON_QUEUE_DEVICE, ring->device_address + virtqueue_used_offset(size));
    mmio_write16(common, COMMON_QUEUE_MSIX_VECTOR, queue->vector);
    if (mmio_read16(common, COMMON_QUEUE_MSIX_VECTOR) != queue->vector)
        return "the device refused the queue's MSI-X vector";
    mmio_write16(common, COMMON_QUEUE_ENABLE, 1);
    return NULL;
}

void virtio_queue_free(struct virtio_device *device, struct virtio_queue *queue)
{
    virtio_dma_free(device, &queue->ring_memory);
}

virtio_result virtio_ready(struct virtio_device *device)
{
    status_set(device, VIRTIO_STATUS_DRIVER_OK);
    uint8_t status = mmio_read8(device->common.base, COMMON_DEVICE_STATUS);
    if ((status & VIRTIO_STATUS_NEEDS_RESET) != 0 || (status & VIRTIO_STATUS_DRIVER_OK) == 0)
        return "the device did not accept DRIVER_OK";
    return NULL;
}

void virtio_queue_notify(struct virtio_queue *queue)
{
    /* The ring index store must be visible before the check and the
     * doorbell write. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!virtqueue_notify_suppressed(&queue->ring))
        *queue->doorbell = queue->index;
}

uint32_t virtio_interrupt_acknowledge(struct virtio_device *device)
{
    uint32_t bits = mmio_read8(device->isr.base, 0);
    if (device->irq_kind == NONOS_IRQ_INTX)
        nonos_device_irq_ack(device->slot, 0);
    return bits;
}

uint8_t virtio_config_read8(const struct virtio_device *device, uint32_t offset)
{
    if (device->device_config.base == NULL || offset >= device->device_config.length)
        return 0;
    return mmio_read8(device->device_config.base, offset);
}

uint16_t virtio_config_read16(const struct virtio_device *device, uint32_t offset)
{
    if (device->device_config.base == NULL || offset + 2 > device->device_config.length)
        return 0;
    return mmio_read16(device->device_config.base, offset);
}
