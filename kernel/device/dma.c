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
 * freed and reused while the device may still reach them.
 *
 * A mapping belongs to the memory capability it was made through (its
 * record is on that slot's cap_mapping list) and is charged to the process
 * that made it: deleting the capability or revoking an ancestor removes
 * the mapping (IOMMU entries gone, IOTLB invalidation waited for) before
 * the object's reference goes. Without a domain nothing but bus mastering
 * stops the device, so such a removal turns bus mastering off first. */
#include <stddef.h>

#include "base/checked.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/iommu.h"
#include "kernel/cap/capability.h"
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

static void dma_revoked(struct cap_mapping *capability_mapping);

/* Interrupts off. The capability is looked up again here: the caller's
 * check ran before the allocation, with interrupts on. */
static int64_t dma_map_locked(struct device *device, struct process *process, uint32_t slot,
                              struct device_dma *mapping)
{
    struct capability *cap;
    int error = cap_lookup(process_caps(process), slot, OBJECT_MEMORY, RIGHT_READ, &cap);
    if (error)
        return -error;
    if (device->mapping_count >= DEVICE_DMA_MAX)
        return -ERROR_NO_MEMORY;
    const uint64_t *frames;
    uint64_t pages;
    memory_object_frames(cap->object, &frames, &pages);
    struct device_dma **link = NULL;
    uint64_t address;
    if (device->domain) {
        address = dma_address_find(device, pages, &link);
        if (address == 0)
            return -ERROR_NO_MEMORY;
        enum iommu_result result = iommu_map(device->domain, address, frames, pages,
                                             (cap->rights & RIGHT_WRITE) != 0);
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
    object_get(cap->object);
    *mapping = (struct device_dma){ .address = address, .pages = pages, .memory = cap->object,
                                    .device = device, .charged = process, .next = *link };
    *link = mapping;
    cap_mapping_link(cap, &mapping->mapping, dma_revoked);
    device->mapping_count++;
    return (int64_t)address;
}

/* Checks (never mutate), then the record is charged and allocated, then
 * mapped; a failure gives back the charge and the record. */
int64_t device_dma_map(struct device *device, struct process *process, uint32_t slot)
{
    struct capability *cap;
    bool was_enabled = interrupts_save();
    int error = cap_lookup(process_caps(process), slot, OBJECT_MEMORY, RIGHT_READ, &cap);
    interrupts_restore(was_enabled);
    if (error)
        return -error;
    error = process_memory_charge(process, DEVICE_DMA_CHARGE);
    if (error)
        return error;
    struct device_dma *mapping = kzalloc(sizeof *mapping);
    if (!mapping) {
        process_memory_uncharge(process, DEVICE_DMA_CHARGE);
        return -ERROR_NO_MEMORY;
    }
    was_enabled = interrupts_save();
    int64_t result = dma_map_locked(device, process, slot, mapping);
    interrupts_restore(was_enabled);
    if (result < 0) {
        kfree(mapping);
        process_memory_uncharge(process, DEVICE_DMA_CHARGE);
    }
    return result;
}

/* Unlinks *link and undoes it: unmapped (IOTLB flushed) before the
 * memory object's reference goes, taken off its capability's list, its
 * charge given back. Interrupts off. */
static struct object *dma_remove(struct device *device, struct device_dma **link)
{
    struct device_dma *mapping = *link;
    *link = mapping->next;
    device->mapping_count--;
    if (device->domain)
        iommu_unmap(device->domain, mapping->address, mapping->pages);
    cap_mapping_unlink(&mapping->mapping);
    process_memory_uncharge(mapping->charged, DEVICE_DMA_CHARGE);
    struct object *memory = mapping->memory;
    kfree(mapping);
    return memory;
}

/* The capability the mapping was made through was emptied. Interrupts
 * off; the capability still holds the object, so the put is not its last. */
static void dma_revoked(struct cap_mapping *capability_mapping)
{
    struct device_dma *mapping = (struct device_dma *)((char *)capability_mapping -
                                                       offsetof(struct device_dma, mapping));
    struct device *device = mapping->device;
    if (!device->domain) {
        uint32_t command = pci_config_read(&device->pci, PCI_COMMAND, 2);
        pci_config_write(&device->pci, PCI_COMMAND, 2, command & ~PCI_COMMAND_BUS_MASTER);
    }
    struct device_dma **link = &device->mappings;
    while (*link != mapping)
        link = &(*link)->next;
    object_put(dma_remove(device, link));
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
