/* DMA mappings of a device (device.h, docs/drivers.md "DMA mappings").
 *
 * With an IOMMU domain, a memory object's frames are mapped at an I/O
 * virtual address the kernel chooses: first fit in the sorted list of the
 * device's mappings between DMA_ADDRESS_FIRST and the domain's limit, so a
 * range freed by device_dma_unmap is reused. The device reaches those
 * pages and nothing else. Without an IOMMU (unconfined DMA allowed at
 * boot) the device sees physical addresses: the object must be physically
 * contiguous and the address returned is its first frame's. Either way the
 * mapping holds a reference to the memory object, so its frames cannot be
 * freed and reused while the device may still reach them. */
#include <stddef.h>

#include "base/checked.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/iommu.h"
#include "kernel/device/device_internal.h"
#include "kernel/error.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/process.h"

#define DMA_PAGE 4096ull
#define DMA_ADDRESS_FIRST (1ull << 20) /* 0 and the first MiB are never handed out */

/* The first gap of `pages` pages; 0 when none. Interrupts off. */
static uint64_t dma_address_find(const struct device *device, uint64_t pages,
                                 struct device_dma ***link)
{
    uint64_t length, limit = iommu_domain_limit(device->domain);
    if (!u64_mul(pages, DMA_PAGE, &length))
        return 0;
    uint64_t candidate = DMA_ADDRESS_FIRST;
    struct device_dma **at = (struct device_dma **)&device->mappings;
    for (; *at; at = &(*at)->next) {
        if (candidate + length <= (*at)->address)
            break;
        candidate = (*at)->address + (*at)->pages * DMA_PAGE;
    }
    uint64_t end;
    if (!u64_add(candidate, length, &end) || end > limit)
        return 0;
    *link = at;
    return candidate;
}

/* Where a mapping at `address` goes in the sorted list; NULL if taken. */
static struct device_dma **dma_physical_link(struct device *device, uint64_t address)
{
    struct device_dma **at = &device->mappings;
    while (*at && (*at)->address < address)
        at = &(*at)->next;
    return *at && (*at)->address == address ? NULL : at;
}

static bool frames_contiguous(const uint64_t *frames, uint64_t pages)
{
    for (uint64_t i = 1; i < pages; i++) {
        if (frames[i] != frames[0] + i * DMA_PAGE)
            return false;
    }
    return true;
}

/* Interrupts off. */
static int64_t dma_map_locked(struct device *device, struct object *memory, bool device_write,
                              struct device_dma *mapping)
{
    const uint64_t *frames;
    uint64_t pages;
    if (device->mapping_count >= DEVICE_DMA_MAX)
        return -ERROR_NO_MEMORY;
    memory_object_frames(memory, &frames, &pages);
    struct device_dma **link = NULL;
    uint64_t address;
    if (device->domain) {
        address = dma_address_find(device, pages, &link);
        if (address == 0)
            return -ERROR_NO_MEMORY;
        enum iommu_result result = iommu_map(device->domain, address, frames, pages, device_write);
        if (result != IOMMU_OK)
            return result == IOMMU_ERROR_MAPPED ? -ERROR_BUSY : -ERROR_NO_MEMORY;
    } else if (!device_dma_unconfined_allowed()) {
        return -ERROR_NOT_CONFINED;
    } else if (!frames_contiguous(frames, pages)) {
        return -ERROR_NOT_CONTIGUOUS;
    } else {
        address = frames[0];
        link = dma_physical_link(device, address);
        if (!link)
            return -ERROR_BUSY; /* mapped already: one mapping per address */
    }
    object_get(memory);
    *mapping = (struct device_dma){ address, pages, memory, *link };
    *link = mapping;
    device->mapping_count++;
    return (int64_t)address;
}

int64_t device_dma_map(struct device *device, struct object *memory, bool device_write)
{
    struct device_dma *mapping = kzalloc(sizeof *mapping);
    if (!mapping)
        return -ERROR_NO_MEMORY;
    bool was_enabled = interrupts_save();
    int64_t result = dma_map_locked(device, memory, device_write, mapping);
    interrupts_restore(was_enabled);
    if (result < 0)
        kfree(mapping);
    return result;
}

/* Unlinks *link and undoes it: unmapped (IOTLB flushed) before the
 * memory object's reference goes. Interrupts off. */
static struct object *dma_remove(struct device *device, struct device_dma **link)
{
    struct device_dma *mapping = *link;
    *link = mapping->next;
    device->mapping_count--;
    if (device->domain)
        iommu_unmap(device->domain, mapping->address, mapping->pages);
    struct object *memory = mapping->memory;
    kfree(mapping);
    return memory;
}

int device_dma_unmap(struct device *device, uint64_t address)
{
    bool was_enabled = interrupts_save();
    struct device_dma **link = &device->mappings;
    while (*link && (*link)->address != address)
        link = &(*link)->next;
    struct object *memory = *link ? dma_remove(device, link) : NULL;
    if (memory)
        object_put(memory);
    interrupts_restore(was_enabled);
    return memory ? 0 : -ERROR_NOT_FOUND;
}

void device_dma_release_all(struct device *device)
{
    bool was_enabled = interrupts_save();
    while (device->mappings)
        object_put(dma_remove(device, &device->mappings));
    interrupts_restore(was_enabled);
}
