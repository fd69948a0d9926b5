/* A virtio split virtqueue (virtio 1.x, "Split Virtqueues"), the driver's
 * side. Pure: it only reads and writes the queue's memory, so it is tested
 * on the host (suite 17); user/lib/virtio.c gives it DMA memory and tells
 * the device where it is.
 *
 * Layout in one DMA area of virtqueue_bytes(size) bytes (size a power of
 * two, at most VIRTQUEUE_SIZE_MAX): the descriptor table (16 bytes each,
 * 16-aligned) at 0, the driver (available) ring after it, the device
 * (used) ring at the next 4-aligned offset. All fields little-endian, as
 * the x86 CPU stores them.
 *
 * Invariants: free descriptors form a chain from free_head through `next`
 * (free_count of them); a chain handed to the device is not touched until
 * the device returns its head in the used ring; the driver ring index
 * only grows (mod 2^16), and the device's used index is trusted only after
 * it was checked to be at most `size` ahead of what was consumed, and
 * each returned head is checked to be a chain the driver handed out. */
#ifndef NONOS_USER_VIRTQUEUE_H
#define NONOS_USER_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQUEUE_SIZE_MAX 256
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2 /* the device writes this buffer */

struct virtq_desc {
    uint64_t address; /* device (I/O virtual) address */
    uint32_t length;
    uint16_t flags;
    uint16_t next;
};

struct virtq_used_element {
    uint32_t id;     /* head of the returned chain */
    uint32_t length; /* bytes the device wrote into the chain */
};

/* One buffer of a chain: a device address and a length; `device_writes`
 * for buffers the device fills (they come after the ones it reads). */
struct virtqueue_buffer {
    uint64_t address;
    uint32_t length;
    bool device_writes;
};

struct virtqueue {
    uint16_t size;
    uint16_t free_head, free_count;
    uint16_t available_index; /* next driver-ring index to fill */
    uint16_t used_seen;       /* device-ring entries consumed */
    volatile struct virtq_desc *descriptors;
    volatile uint16_t *available; /* flags, idx, ring[size], used_event */
    volatile uint8_t *used;       /* flags, idx, ring[size] of 8 bytes, avail_event */
    uint64_t device_address;      /* of byte 0 of the area */
    uint16_t chain_length[VIRTQUEUE_SIZE_MAX]; /* 0: head not handed out */
};

/* Bytes of the queue area for `size` entries; 0 for a bad size. */
size_t virtqueue_bytes(uint16_t size);
/* Offsets of the driver and device rings in the area. */
size_t virtqueue_available_offset(uint16_t size);
size_t virtqueue_used_offset(uint16_t size);

/* Lays out an empty queue over the zeroed area at `memory` (mapped here)
 * whose device address is `device_address`. False for a bad size. */
bool virtqueue_init(struct virtqueue *queue, void *memory, uint64_t device_address, uint16_t size);

/* Puts a chain of `count` buffers (the ones the device reads first) in the
 * driver ring; returns its head, or -1 when there are not enough free
 * descriptors or the list is bad (empty, a read buffer after a written
 * one). The chain is published at once (the ring index is stored after
 * the descriptors, with release order); the caller then notifies. */
int virtqueue_add(struct virtqueue *queue, const struct virtqueue_buffer *buffers, uint32_t count);

/* Takes the next chain the device returned: its head and the bytes it
 * wrote; the chain's descriptors are free again. 0: nothing returned;
 * 1: one taken; -1: the device returned something it was not given (the
 * queue is then unusable: reset the device). */
int virtqueue_take(struct virtqueue *queue, uint16_t *head, uint32_t *written);

/* Whether the device asked not to be notified (VIRTQ_USED_F_NO_NOTIFY). */
bool virtqueue_notify_suppressed(const struct virtqueue *queue);

#endif
