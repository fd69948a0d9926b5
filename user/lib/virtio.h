/* A virtio 1.x device over the modern PCI transport, driven from a capsule
 * through its device capability (docs/drivers.md, "virtio"). Written from
 * the virtio 1.x specification ("Virtio Over PCI Bus", "Device
 * Initialization"); shared by the virtio-rng and virtio-net drivers.
 *
 * What the capsule does itself, with the kernel checking each step: it
 * reads the PCI capability list (device_config_read) to find the common,
 * notification, ISR and device-specific configuration structures, maps
 * the BARs holding them (device_map_bar, uncached), negotiates features
 * (VIRTIO_F_VERSION_1 and VIRTIO_F_ACCESS_PLATFORM are required: without
 * ACCESS_PLATFORM the device's DMA would bypass the IOMMU), turns on bus
 * mastering (the kernel allows it only when the device's DMA is confined),
 * puts its queues in DMA memory (memory_allocate + device_dma_map: the
 * device address returned is what goes in descriptors) and binds MSI-X
 * vectors to a notification (device_irq_bind).
 *
 * Invariants: every MMIO access has the width the specification gives the
 * field; the device is reset (status 0, read back as 0) before the driver
 * configures it and by virtio_stop; the driver never reaches DRIVER_OK
 * unless the device accepted exactly the features the driver asked for. */
#ifndef NONOS_USER_VIRTIO_H
#define NONOS_USER_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "nonos/abi.h"
#include "virtqueue.h"

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE_BASE 0x1040 /* + the virtio device id (net 1, rng 4) */

/* Feature bits (virtio 1.x, "Reserved Feature Bits" and the devices'). */
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_F_ACCESS_PLATFORM (1ull << 33)

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

#define VIRTIO_NO_VECTOR 0xffff

/* Where a capsule maps what (all page-aligned, above the payload and below
 * the stack): BARs from VIRTIO_MAP_BASE, DMA areas after them. */
#define VIRTIO_MAP_BASE 0x200000000000ull /* 32 TiB */

struct virtio_region {
    volatile uint8_t *base; /* mapped address; NULL when absent */
    uint32_t length;
};

struct virtio_device {
    uint32_t slot;           /* the device capability */
    uint32_t first_slot;     /* where the library's memory objects go */
    uint32_t slot_limit;     /* one past the last slot it may use (at most first_slot + 64) */
    uint64_t slots_used;     /* bit i: first_slot + i holds a memory object of the library */
    uint64_t next_address;   /* next free virtual address (bump) */
    struct nonos_device_info info;
    volatile uint8_t *bars[NONOS_DEVICE_BARS];
    struct virtio_region common, notify, isr, device_config;
    uint32_t notify_multiplier;
    uint64_t features;       /* negotiated */
    uint32_t irq_kind;       /* enum nonos_irq_kind, once bound */
};

/* DMA memory: one memory object mapped here and in the device's domain. */
struct virtio_dma {
    uint32_t slot;           /* the memory capability */
    uint32_t pages;
    uint8_t *address;        /* where this capsule sees it */
    uint64_t device_address; /* where the device sees it */
};

/* A queue of the device, its ring in DMA memory. */
struct virtio_queue {
    uint16_t index;
    uint16_t vector;              /* MSI-X entry or VIRTIO_NO_VECTOR */
    volatile uint16_t *doorbell;  /* its notification address */
    struct virtio_dma ring_memory;
    struct virtqueue ring;
};

/* Error texts for the start-up steps (NULL: it worked). */
typedef const char *virtio_result;

/* Describes the device in `slot`, maps its BARs and finds its virtio
 * structures (once per driver run). The library puts its memory objects
 * in free slots of [first_slot, slot_limit). */
virtio_result virtio_open(struct virtio_device *device, uint32_t slot, uint32_t first_slot,
                          uint32_t slot_limit);

/* Resets the device and negotiates `wanted` features: `required` must all
 * be offered (VERSION_1 and ACCESS_PLATFORM are always required), others
 * of `wanted` are taken when offered. Leaves the device in FEATURES_OK
 * with bus mastering on; then set up the queues and call virtio_ready.
 * Called again to start over after virtio_stop. */
virtio_result virtio_negotiate(struct virtio_device *device, uint64_t required, uint64_t wanted);

/* Allocates, maps and DMA-maps `pages` zeroed pages. */
virtio_result virtio_dma_allocate(struct virtio_device *device, uint32_t pages, struct virtio_dma *dma);
/* Removes the device's and this capsule's mappings and the memory object. */
void virtio_dma_free(struct virtio_device *device, struct virtio_dma *dma);

/* Sets up queue `index` with at most `size_max` entries, interrupts on
 * MSI-X entry `vector` (VIRTIO_NO_VECTOR: none), and enables it. */
virtio_result virtio_queue_start(struct virtio_device *device, struct virtio_queue *queue,
                                 uint16_t index, uint16_t size_max, uint16_t vector);

/* Binds MSI-X entry `vector` to signal `bits` on the notification in slot
 * `notification` (once per driver run; the kernel keeps the binding). */
virtio_result virtio_irq_bind(struct virtio_device *device, uint16_t vector, uint32_t notification,
                              uint64_t bits);

/* Routes configuration-change interrupts to MSI-X entry `vector` (after
 * each virtio_negotiate; nothing to do without MSI-X). */
virtio_result virtio_config_vector_set(struct virtio_device *device, uint16_t vector);

/* Sets DRIVER_OK: the device may now use the queues. */
virtio_result virtio_ready(struct virtio_device *device);

/* Tells the device a queue has new buffers (unless it asked not to be told). */
void virtio_queue_notify(struct virtio_queue *queue);

/* For INTx (no MSI-X): reads and so clears the ISR status; then acks the
 * interrupt with the kernel. Returns the ISR bits (1 queue, 2 config). */
uint32_t virtio_interrupt_acknowledge(struct virtio_device *device);

/* Device-specific configuration reads (widths 1, 2, 4). */
uint8_t virtio_config_read8(const struct virtio_device *device, uint32_t offset);
uint16_t virtio_config_read16(const struct virtio_device *device, uint32_t offset);

/* Frees a queue's ring memory; only after virtio_stop (the device may
 * use the ring until it is reset). */
void virtio_queue_free(struct virtio_device *device, struct virtio_queue *queue);

/* Resets the device (status 0, read back): the device has stopped using
 * every queue and buffer when this returns. Safe to call more than once. */
void virtio_stop(struct virtio_device *device);

/* Takes a free slot of [first_slot, slot_limit) for the caller, or
 * returns NONOS_SLOT_NONE; virtio_slot_release gives it back. The library
 * keeps its own record (asking the kernel about an empty slot would be a
 * refused call in the audit log). */
uint32_t virtio_slot_take(struct virtio_device *device);
void virtio_slot_release(struct virtio_device *device, uint32_t slot);

#endif
