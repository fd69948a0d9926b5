/* The driver's side of a split virtqueue (virtqueue.h). Written from the
 * virtio 1.x specification, "Split Virtqueues". */
#include "virtqueue.h"

#define AVAILABLE_ALIGN 2
#define USED_ALIGN 4
#define VIRTQ_USED_F_NO_NOTIFY 1

static size_t align_up(size_t value, size_t alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

static bool size_valid(uint16_t size)
{
    return size != 0 && size <= VIRTQUEUE_SIZE_MAX && (size & (size - 1)) == 0;
}

size_t virtqueue_available_offset(uint16_t size)
{
    return align_up((size_t)size * sizeof(struct virtq_desc), AVAILABLE_ALIGN);
}

size_t virtqueue_used_offset(uint16_t size)
{
    /* flags, idx, ring[size], used_event: 2 bytes each */
    return align_up(virtqueue_available_offset(size) + 2 * (3 + (size_t)size), USED_ALIGN);
}

size_t virtqueue_bytes(uint16_t size)
{
    if (!size_valid(size))
        return 0;
    /* flags, idx (2 bytes each), ring[size] (8 bytes each), avail_event */
    return virtqueue_used_offset(size) + 4 + 8 * (size_t)size + 2;
}

bool virtqueue_init(struct virtqueue *queue, void *memory, uint64_t device_address, uint16_t size)
{
    if (!size_valid(size))
        return false;
    uint8_t *base = memory;
    queue->size = size;
    queue->descriptors = (volatile struct virtq_desc *)base;
    queue->available = (volatile uint16_t *)(base + virtqueue_available_offset(size));
    queue->used = base + virtqueue_used_offset(size);
    queue->device_address = device_address;
    queue->available_index = 0;
    queue->used_seen = 0;
    for (uint16_t i = 0; i < size; i++) {
        queue->descriptors[i].next = (uint16_t)(i + 1 < size ? i + 1 : 0);
        queue->chain_length[i] = 0;
    }
    queue->free_head = 0;
    queue->free_count = size;
    return true;
}

static bool buffers_valid(const struct virtqueue_buffer *buffers, uint32_t count)
{
    bool writing = false;
    if (count == 0)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        if (writing && !buffers[i].device_writes)
            return false; /* the device reads every buffer before it writes any */
        writing = buffers[i].device_writes;
    }
    return true;
}

int virtqueue_add(struct virtqueue *queue, const struct virtqueue_buffer *buffers, uint32_t count)
{
    if (!buffers_valid(buffers, count) || count > queue->free_count)
        return -1;
    uint16_t head = queue->free_head, index = head;
    for (uint32_t i = 0; i < count; i++) {
        volatile struct virtq_desc *d = &queue->descriptors[index];
        uint16_t next = d->next;
        d->address = buffers[i].address;
        d->length = buffers[i].length;
        d->flags = (uint16_t)((buffers[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
                              (i + 1 < count ? VIRTQ_DESC_F_NEXT : 0));
        if (i + 1 < count)
            index = next;
        else
            queue->free_head = next;
    }
    queue->free_count = (uint16_t)(queue->free_count - count);
    queue->chain_length[head] = (uint16_t)count;
    queue->available[2 + (queue->available_index % queue->size)] = head;
    queue->available_index++;
    /* The device may read the ring as soon as idx moves: descriptors and
     * the ring entry first. */
    __atomic_store_n(&queue->available[1], queue->available_index, __ATOMIC_RELEASE);
    return head;
}

/* Returns the chain starting at head to the free list. */
static void chain_free(struct virtqueue *queue, uint16_t head)
{
    uint16_t count = queue->chain_length[head], last = head;
    for (uint16_t i = 1; i < count; i++)
        last = queue->descriptors[last].next;
    queue->descriptors[last].next = queue->free_head;
    queue->free_head = head;
    queue->free_count = (uint16_t)(queue->free_count + count);
    queue->chain_length[head] = 0;
}

int virtqueue_take(struct virtqueue *queue, uint16_t *head, uint32_t *written)
{
    uint16_t device_index = __atomic_load_n((volatile uint16_t *)(queue->used + 2), __ATOMIC_ACQUIRE);
    uint16_t pending = (uint16_t)(device_index - queue->used_seen);
    if (pending == 0)
        return 0;
    if (pending > queue->size)
        return -1;
    const volatile struct virtq_used_element *ring =
        (const volatile struct virtq_used_element *)(queue->used + 4);
    uint32_t id = ring[queue->used_seen % queue->size].id;
    uint32_t length = ring[queue->used_seen % queue->size].length;
    if (id >= queue->size || queue->chain_length[id] == 0)
        return -1;
    queue->used_seen++;
    chain_free(queue, (uint16_t)id);
    *head = (uint16_t)id;
    *written = length;
    return 1;
}

bool virtqueue_notify_suppressed(const struct virtqueue *queue)
{
    uint16_t flags = __atomic_load_n((const volatile uint16_t *)queue->used, __ATOMIC_ACQUIRE);
    return (flags & VIRTQ_USED_F_NO_NOTIFY) != 0;
}
