/* Memory objects (OBJECT_MEMORY) and the calls memory_allocate,
 * memory_map and memory_unmap.
 *
 * A memory object is a set of zeroed frames, each holding one reference of
 * the object, charged to the process that allocated it (its owner) until
 * the object is destroyed. A mapping takes one more reference per frame
 * (frame_get) and holds a reference to the object through its region, so
 * neither the frames nor the owner's charge can go while a page is mapped
 * anywhere. A mapping belongs to the capability it was made through (its
 * region is on that slot's cap_mapping list): deleting that capability, or
 * revoking an ancestor of it, unmaps the region's pages in whatever
 * process made it, so access ends with the authority (docs/syscalls.md,
 * cap_revoke). The page tables a mapping needs are charged to the mapping
 * process. Mappings are read-only or read-write, never
 * executable, in the user half only, never over an existing mapping or a
 * stack's guard page; the same object may be mapped any number of times. */
#include <stddef.h>

#include "base/checked.h"
#include "capsule/container.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/mmu.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/process_internal.h"
#include "kernel/syscall/handlers.h"

#define MEMORY_OBJECT_PAGES_MAX (1u << 20) /* 4 GiB per object */

struct memory_object {
    struct object object; /* OBJECT_MEMORY; first member */
    struct process *owner; /* charged; a reference */
    uint64_t pages;
    uint64_t charge;       /* bytes charged to owner */
    uint64_t frames[];
};

static void memory_object_destroy(struct object *object)
{
    struct memory_object *memory = (struct memory_object *)object;
    for (uint64_t i = 0; i < memory->pages; i++)
        frame_put(memory->frames[i]);
    if (!memory->owner->finished)
        process_memory_uncharge(memory->owner, memory->charge);
    object_put(&memory->owner->object);
    kfree(memory);
}

/* Fills frames[0..pages) with zeroed frames: any frames, or one
 * physically contiguous run below 4 GiB (DMA without an IOMMU). False
 * (nothing kept) when memory is short. */
static bool frames_allocate(uint64_t *frames, uint64_t pages, bool contiguous)
{
    if (contiguous) {
        uint64_t first = frame_alloc_contiguous(pages, FRAME_SIZE, 1ull << 32);
        for (uint64_t i = 0; first && i < pages; i++)
            frames[i] = first + i * FRAME_SIZE;
        return first != 0;
    }
    uint64_t made = 0;
    while (made < pages && (frames[made] = frame_alloc()) != 0)
        made++;
    for (uint64_t i = 0; made < pages && i < made; i++)
        frame_free(frames[i]);
    return made == pages;
}

/* A new object of `pages` zeroed frames charged to owner; NULL (nothing
 * charged, nothing kept) when the limit or the kernel's memory is short. */
static struct memory_object *memory_object_create(struct process *owner, uint64_t pages,
                                                  bool contiguous, int *error)
{
    uint64_t charge = sizeof(struct memory_object) + pages * (sizeof(uint64_t) + PAGE_SIZE);
    *error = process_memory_charge(owner, charge);
    if (*error)
        return NULL;
    struct memory_object *memory =
        kzalloc(sizeof *memory + (size_t)pages * sizeof(uint64_t));
    if (!memory || !frames_allocate(memory->frames, pages, contiguous)) {
        kfree(memory);
        process_memory_uncharge(owner, charge);
        *error = -ERROR_NO_MEMORY;
        return NULL;
    }
    object_type_register(OBJECT_MEMORY, memory_object_destroy);
    object_init(&memory->object, OBJECT_MEMORY);
    object_get(&owner->object);
    memory->owner = owner;
    memory->pages = pages;
    memory->charge = charge;
    return memory;
}

void memory_object_frames(struct object *object, const uint64_t **frames, uint64_t *pages)
{
    struct memory_object *memory = (struct memory_object *)object;
    *frames = memory->frames;
    *pages = memory->pages;
}

static int64_t memory_allocate(uint64_t pages, uint64_t destination, bool contiguous)
{
    struct process *process = process_current();
    if (pages == 0 || pages > MEMORY_OBJECT_PAGES_MAX || destination > UINT32_MAX)
        return -ERROR_INVALID_ARGUMENT;
    int error = cap_insert_check(process->caps, (uint32_t)destination);
    if (error)
        return -error;
    struct memory_object *memory = memory_object_create(process, pages, contiguous, &error);
    if (!memory)
        return error;
    bool was_enabled = interrupts_save();
    cap_insert_apply(process->caps, (uint32_t)destination, &memory->object,
                     RIGHT_READ | RIGHT_WRITE, 0);
    object_put(&memory->object); /* the capability holds it now */
    interrupts_restore(was_enabled);
    return 0;
}

int64_t sys_memory_allocate(uint64_t pages, uint64_t destination)
{
    return memory_allocate(pages, destination, false);
}

int64_t sys_memory_allocate_contiguous(uint64_t pages, uint64_t destination)
{
    return memory_allocate(pages, destination, true);
}

/* [address, address + pages) is in the user half, page aligned, touches
 * no region (payload, stack with its guard page, other mappings). */
static int range_free(struct process *process, uint64_t address, uint64_t pages)
{
    uint64_t length, end;
    if (address % PAGE_SIZE != 0 || !u64_mul(pages, PAGE_SIZE, &length) ||
        !u64_add(address, length, &end) || end > MMU_USER_END ||
        address < PAYLOAD_LOWEST_ADDRESS)
        return -ERROR_INVALID_ARGUMENT; /* nothing is ever mapped below 4 MiB */
    for (struct process_region *r = process->regions; r; r = r->next) {
        if (address < r->base + r->pages * PAGE_SIZE && r->base < end)
            return -ERROR_BAD_ADDRESS;
    }
    return 0;
}

/* The checks of memory_map (never mutate): the capability in `slot` is a
 * memory object's with READ (and WRITE when asked), the range is free and
 * no frame's reference count is full. Interrupts off. */
static int memory_map_check(struct process *process, uint32_t slot, uint64_t address,
                            uint64_t rights, struct memory_object **out)
{
    struct capability *cap;
    int error = cap_lookup(process->caps, slot, OBJECT_MEMORY, RIGHT_READ, &cap);
    if (error)
        return -error;
    if (rights & ~(uint64_t)(RIGHT_READ | RIGHT_WRITE))
        return -ERROR_INVALID_ARGUMENT; /* never executable */
    if ((rights & RIGHT_WRITE) && !(cap->rights & RIGHT_WRITE))
        return -ERROR_NO_RIGHT;
    struct memory_object *memory = (struct memory_object *)cap->object;
    error = range_free(process, address, memory->pages);
    if (error)
        return error;
    for (uint64_t i = 0; i < memory->pages; i++) {
        if (frame_references(memory->frames[i]) >= FRAME_MAX_REFERENCES)
            return -ERROR_NO_MEMORY;
    }
    *out = memory;
    return 0;
}

/* A REGION_MAP region's capability was emptied (deleted, revoked, its
 * table ended): the pages go, with their TLB entries (the next access
 * faults), and the region with them. Interrupts off. */
static void memory_region_revoked(struct cap_mapping *mapping)
{
    struct process_region *region =
        (struct process_region *)((char *)mapping - offsetof(struct process_region, mapping));
    process_unmap_shared(region->process, region->base, region->pages);
    process_region_remove(region->process, region);
}

/* The mapping's own frame references (process_unmap_shared drops one per
 * page it unmaps). */
static void memory_frames_get(struct memory_object *memory)
{
    for (uint64_t i = 0; i < memory->pages; i++)
        frame_get(memory->frames[i]);
}

/* Finishes a mapping whose pages are in place, if `slot` still holds the
 * object it was checked with, with the rights asked (another thread may
 * have emptied or replaced it while the page tables were made): the
 * mapping's frame references, the region's object reference (the one
 * taken by the caller) and its place on the capability's list. Never fails
 * when it returns true. */
static bool memory_map_commit(struct process *process, uint32_t slot, uint64_t rights,
                              struct memory_object *memory, struct process_region *region)
{
    struct capability *cap;
    bool was_enabled = interrupts_save();
    bool same = cap_lookup(process->caps, slot, OBJECT_MEMORY, RIGHT_READ, &cap) == 0 &&
                cap->object == &memory->object && (cap->rights & rights) == rights;
    if (same) {
        memory_frames_get(memory);
        region->memory = &memory->object;
        cap_mapping_link(cap, &region->mapping, memory_region_revoked);
    }
    interrupts_restore(was_enabled);
    return same;
}

int64_t sys_memory_map(uint32_t slot, uint64_t address, uint64_t rights)
{
    struct process *process = process_current();
    struct memory_object *memory;
    bool was_enabled = interrupts_save();
    int error = memory_map_check(process, slot, address, rights, &memory);
    if (!error)
        object_get(&memory->object); /* alive while the tables are made */
    interrupts_restore(was_enabled);
    if (error)
        return error;
    error = process_region_add(process, address, memory->pages, REGION_MAP);
    struct process_region *region = error ? NULL : process_region_find(process, address);
    if (!error)
        error = process_map_shared(process, address, memory->frames, memory->pages,
                                   rights & RIGHT_WRITE ? VM_WRITE : 0);
    if (!error && !memory_map_commit(process, slot, rights, memory, region)) {
        memory_frames_get(memory); /* the references the unmap drops */
        process_unmap_shared(process, address, memory->pages);
        error = -ERROR_INVALID_CAPABILITY;
    }
    if (error && region)
        process_region_remove(process, region);
    if (error)
        object_put(&memory->object);
    return error;
}

int process_map_device(struct process *process, uint64_t address, uint64_t phys,
                       uint64_t pages)
{
    int error = range_free(process, address, pages);
    if (error)
        return error;
    error = process_region_add(process, address, pages, REGION_DEVICE);
    if (error)
        return error;
    error = process_map_registers(process, address, phys, pages);
    if (error)
        process_region_remove(process, process_region_find(process, address));
    return error;
}

/* Whether any page of the region is still mapped. */
static bool region_mapped(struct process *process, const struct process_region *region)
{
    for (uint64_t i = 0; i < region->pages; i++) {
        if (vm_query(process->space, region->base + i * PAGE_SIZE, NULL))
            return true;
    }
    return false;
}

int64_t sys_memory_unmap(uint64_t address, uint64_t pages)
{
    struct process *process = process_current();
    uint64_t length, end;
    if (address % PAGE_SIZE != 0 || pages == 0 || pages > MEMORY_OBJECT_PAGES_MAX || !u64_mul(pages, PAGE_SIZE, &length) ||
        !u64_add(address, length, &end) || end > MMU_USER_END)
        return -ERROR_INVALID_ARGUMENT;
    for (uint64_t page = address; page < end; page += PAGE_SIZE) {
        struct process_region *region = process_region_find(process, page);
        if (!region || region->kind != REGION_MAP)
            return -ERROR_BAD_ADDRESS; /* only what memory_map mapped */
    }
    for (uint64_t page = address; page < end; page += PAGE_SIZE) {
        struct process_region *region = process_region_find(process, page);
        if (!region)
            continue; /* its region went with an earlier page: nothing mapped */
        process_unmap_shared(process, page, 1);
        if (!region_mapped(process, region))
            process_region_remove(process, region);
    }
    return 0;
}
