/* Address spaces and the kernel's mappings (see vm.h); the page tables
 * themselves are the arch's (kernel/arch/mmu.h).
 *
 * vm_init builds the kernel space with exactly three kinds of mappings: the
 * kernel image, page by page with its section's rights (text R+X, rodata R,
 * data/bss R+W, all others NX), the direct map of RAM (R+W+NX, large pages
 * where alignment allows; the kernel image's own frames R+NX there) and
 * nothing else: no identity map, so a stray low pointer faults. It also
 * creates the top-level entries of the heap and vmap windows, so that every
 * space created later shares the whole kernel half. Later mappings (heap,
 * stacks, MMIO, test pages) come from vm_map. All changes run with
 * interrupts off. */
#include "kernel/mm/vm.h"

#include "kernel/arch/interrupt.h"
#include "kernel/arch/mmu.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/panic.h"

#include <stdbool.h>

struct vm_space {
    uint64_t root; /* the arch's root; 0 for the kernel space before vm_init */
};

extern const char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern const char __data_start[], __kernel_end[];

static const char *const vm_messages[VM_ERROR_COUNT] = {
    [VM_OK] = "ok",
    [VM_ERROR_ALIGN] = "address not page aligned",
    [VM_ERROR_WX] = "mapping both writable and executable (W^X)",
    [VM_ERROR_RANGE] = "virtual range not allowed",
    [VM_ERROR_MAPPED] = "page already mapped",
    [VM_ERROR_NO_MEMORY] = "out of memory",
};

static struct vm_space kernel_space;
static struct vm_space *active_space = &kernel_space;

/* The vmap window: [MEMORY_VMAP_BASE, vmap_next) has been handed out at
 * least once; freed chunks (each a reservation with its guard page) wait in
 * vmap_free, sorted by address, merged with their neighbours, and a chunk
 * that reaches vmap_next lowers it instead. When the table is full a freed
 * chunk is dropped (never reused): a leak of address space, not of memory. */
#define VMAP_FREE_SLOTS 64
struct vmap_chunk {
    uint64_t base, size;
};
static uint64_t vmap_next = MEMORY_VMAP_BASE;
static struct vmap_chunk vmap_free[VMAP_FREE_SLOTS];
static unsigned vmap_free_count;

const char *vm_error_message(int result)
{
    if (result < 0 || result >= VM_ERROR_COUNT)
        return "unknown vm error";
    return vm_messages[result];
}

/* Before vm_init the kernel space is whatever the loader left in the CPU. */
static uint64_t space_root(const struct vm_space *space)
{
    return space->root ? space->root : mmu_active_root();
}

bool vm_query(struct vm_space *space, uint64_t virt, struct vm_mapping *out)
{
    return mmu_query(space_root(space), virt, out);
}

uint64_t virt_to_phys(const void *virt)
{
    struct vm_mapping mapping;
    if (!vm_query(&kernel_space, (uint64_t)(uintptr_t)virt, &mapping))
        return 0;
    return mapping.phys;
}

/* The kernel cannot run without its own tables: boot mappings panic when
 * they fail. */
static void boot_map(uint64_t virt, uint64_t phys, uint64_t pages, unsigned flags)
{
    uint64_t mapped;
    int result = mmu_map(kernel_space.root, virt, phys, pages, flags, &mapped);
    if (result != VM_OK)
        panic("vm_init: mapping 0x%lx: %s", virt + mapped * PAGE_SIZE, vm_error_message(result));
}

static void map_kernel_image(void)
{
    uint64_t text = (uint64_t)(uintptr_t)__text_start;
    uint64_t text_end = (uint64_t)(uintptr_t)__text_end;
    uint64_t rodata_end = (uint64_t)(uintptr_t)__rodata_end;
    uint64_t end = (uint64_t)(uintptr_t)__kernel_end;
    for (uint64_t virt = text; virt < end; virt += PAGE_SIZE) {
        struct vm_mapping loader; /* the loader's tables are still active */
        if (!mmu_query(mmu_active_root(), virt, &loader))
            panic("vm_init: kernel page 0x%lx not mapped by the loader", virt);
        unsigned flags = virt < text_end ? VM_EXEC : virt >= rodata_end ? VM_WRITE : VM_READ;
        boot_map(virt, loader.phys, 1, flags);
    }
}

static bool region_in_direct_map(uint32_t type)
{
    return type == BOOT_MEMORY_USABLE || type == BOOT_MEMORY_KERNEL ||
           type == BOOT_MEMORY_BOOT_DATA || type == BOOT_MEMORY_ACPI_RECLAIM ||
           type == BOOT_MEMORY_ACPI_NVS || type == BOOT_MEMORY_RUNTIME;
}

/* Large pages where alignment allows and the slot is free, runs of small
 * pages up to the next large-page boundary elsewhere. */
static void map_direct_region(uint64_t base, uint64_t end, unsigned flags)
{
    uint64_t phys = base;
    while (phys < end) {
        uint64_t virt = MEMORY_DIRECT_MAP_BASE + phys;
        if (phys % MMU_LARGE_PAGE_SIZE == 0 && end - phys >= MMU_LARGE_PAGE_SIZE &&
            mmu_map_large(kernel_space.root, virt, phys, flags) == VM_OK) {
            phys += MMU_LARGE_PAGE_SIZE;
            continue;
        }
        uint64_t boundary = (phys / MMU_LARGE_PAGE_SIZE + 1) * MMU_LARGE_PAGE_SIZE;
        uint64_t run_end = boundary < end ? boundary : end;
        boot_map(virt, phys, (run_end - phys) / PAGE_SIZE, flags);
        phys = run_end;
    }
}

static void map_direct(void)
{
    uint32_t count;
    const struct boot_memory_region *map = memory_map(&count);
    for (uint32_t i = 0; i < count; i++) {
        if (!region_in_direct_map(map[i].type))
            continue;
        /* The kernel image's alias is read-only: code cannot be patched
         * through the direct map either. */
        unsigned flags = map[i].type == BOOT_MEMORY_KERNEL ? VM_READ : VM_WRITE;
        map_direct_region(map[i].base, map[i].base + map[i].pages * PAGE_SIZE, flags);
    }
}

void vm_init(void)
{
    uint64_t root = mmu_root_create(0);
    if (!root)
        panic("vm_init: no frame for the top-level table");
    kernel_space.root = root;
    map_kernel_image();
    map_direct();
    if (!mmu_kernel_share(root, MEMORY_HEAP_BASE) || !mmu_kernel_share(root, MEMORY_VMAP_BASE))
        panic("vm_init: out of memory for the heap and vmap tables");
    mmu_activate(root);
}

static int direct_protect(uint64_t phys, uint64_t pages, unsigned flags)
{
    if (phys % PAGE_SIZE != 0 || pages == 0)
        return VM_ERROR_ALIGN;
    bool was_enabled = interrupts_save();
    int result = mmu_protect(kernel_space.root, MEMORY_DIRECT_MAP_BASE + phys, pages, flags);
    interrupts_restore(was_enabled);
    return result;
}

int vm_seal_direct(uint64_t phys, uint64_t pages)
{
    return direct_protect(phys, pages, VM_READ);
}

int vm_unseal_direct(uint64_t phys, uint64_t pages)
{
    return direct_protect(phys, pages, VM_WRITE);
}

struct vm_space *vm_space_kernel(void)
{
    return &kernel_space;
}

struct vm_space *vm_space_active(void)
{
    return active_space;
}

struct vm_space *vm_space_create(void)
{
    struct vm_space *space = kzalloc(sizeof(*space));
    if (!space)
        return NULL;
    bool was_enabled = interrupts_save();
    space->root = mmu_root_create(kernel_space.root);
    interrupts_restore(was_enabled);
    if (!space->root) {
        kfree(space);
        return NULL;
    }
    return space;
}

void vm_space_destroy(struct vm_space *space)
{
    if (space == &kernel_space || space == active_space)
        panic("vm_space_destroy: the %s space", space == &kernel_space ? "kernel" : "active");
    bool was_enabled = interrupts_save();
    mmu_root_destroy(space->root);
    interrupts_restore(was_enabled);
    kfree(space);
}

void vm_space_switch(struct vm_space *space)
{
    if (space != active_space) {
        mmu_activate(space_root(space));
        active_space = space;
    }
}

void vm_space_activate(struct vm_space *space)
{
    bool was_enabled = interrupts_save();
    vm_space_switch(space);
    interrupts_restore(was_enabled);
}

/* Which virtual ranges vm_map may touch: heap and vmap windows for kernel
 * pages, the lower half of a user space for user pages. */
static bool range_allowed(const struct vm_space *space, uint64_t virt, uint64_t pages,
                          unsigned flags)
{
    uint64_t size = pages * PAGE_SIZE;
    if (pages == 0 || pages > (1ull << 36) || virt + size < virt)
        return false;
    if (flags & VM_USER)
        return space != &kernel_space && virt != 0 && virt + size <= MMU_USER_END;
    bool in_heap = virt >= MEMORY_HEAP_BASE && virt + size <= MEMORY_HEAP_LIMIT;
    bool in_vmap = virt >= MEMORY_VMAP_BASE && virt + size <= MEMORY_VMAP_LIMIT;
    return in_heap || in_vmap;
}

int vm_map(struct vm_space *space, uint64_t virt, uint64_t phys, uint64_t pages, unsigned flags)
{
    if (virt % PAGE_SIZE || phys % PAGE_SIZE)
        return VM_ERROR_ALIGN;
    if ((flags & VM_WRITE) && (flags & VM_EXEC))
        return VM_ERROR_WX;
    if (!range_allowed(space, virt, pages, flags))
        return VM_ERROR_RANGE;
    uint64_t root = space_root(space), mapped;
    bool was_enabled = interrupts_save();
    int result = mmu_map(root, virt, phys, pages, flags, &mapped);
    if (result != VM_OK)
        mmu_unmap(root, virt, mapped);
    interrupts_restore(was_enabled);
    return result;
}

void vm_unmap(struct vm_space *space, uint64_t virt, uint64_t pages)
{
    bool was_enabled = interrupts_save();
    mmu_unmap(space_root(space), virt & ~(PAGE_SIZE - 1), pages);
    interrupts_restore(was_enabled);
}

/* Takes size bytes from the first free chunk large enough; 0 if none. */
static uint64_t vmap_take_free(uint64_t size)
{
    for (unsigned i = 0; i < vmap_free_count; i++) {
        if (vmap_free[i].size < size)
            continue;
        uint64_t base = vmap_free[i].base;
        vmap_free[i].base += size;
        vmap_free[i].size -= size;
        if (vmap_free[i].size == 0) {
            for (unsigned j = i + 1; j < vmap_free_count; j++)
                vmap_free[j - 1] = vmap_free[j];
            vmap_free_count--;
        }
        return base;
    }
    return 0;
}

uint64_t vm_reserve(uint64_t pages)
{
    if (pages == 0 || pages >= (1ull << 24))
        return 0;
    uint64_t size = (pages + 1) * PAGE_SIZE; /* + the guard page below */
    bool was_enabled = interrupts_save();
    uint64_t chunk = vmap_take_free(size);
    if (chunk == 0 && MEMORY_VMAP_LIMIT - vmap_next >= size) {
        chunk = vmap_next;
        vmap_next += size;
    }
    interrupts_restore(was_enabled);
    return chunk ? chunk + PAGE_SIZE : 0;
}

/* Puts [base, base + size) back: folded into vmap_next when it ends there
 * (with the chunk below it, if that one then ends there too), otherwise
 * merged with the chunks around it. Interrupts off. */
static void vmap_give_back(uint64_t base, uint64_t size)
{
    if (base + size == vmap_next) {
        vmap_next = base;
        struct vmap_chunk *last = vmap_free_count ? &vmap_free[vmap_free_count - 1] : NULL;
        if (last && last->base + last->size == vmap_next) {
            vmap_next = last->base;
            vmap_free_count--;
        }
        return;
    }
    unsigned at = 0;
    while (at < vmap_free_count && vmap_free[at].base < base)
        at++;
    if (at > 0 && vmap_free[at - 1].base + vmap_free[at - 1].size == base) {
        at--;
        vmap_free[at].size += size;
    } else if (vmap_free_count < VMAP_FREE_SLOTS) {
        for (unsigned j = vmap_free_count; j > at; j--)
            vmap_free[j] = vmap_free[j - 1];
        vmap_free[at] = (struct vmap_chunk){ base, size };
        vmap_free_count++;
    } else {
        return; /* table full: this range is never reused */
    }
    if (at + 1 < vmap_free_count && vmap_free[at].base + vmap_free[at].size == vmap_free[at + 1].base) {
        vmap_free[at].size += vmap_free[at + 1].size;
        for (unsigned j = at + 2; j < vmap_free_count; j++)
            vmap_free[j - 1] = vmap_free[j];
        vmap_free_count--;
    }
}

void vm_release(uint64_t base, uint64_t pages)
{
    uint64_t size = (pages + 1) * PAGE_SIZE;
    if (base % PAGE_SIZE || pages == 0 || base - PAGE_SIZE < MEMORY_VMAP_BASE ||
        base - PAGE_SIZE + size > vmap_next)
        panic("vm_release: 0x%lx (%lu pages) was not reserved", base, pages);
    for (uint64_t i = 0; i < pages; i++) {
        if (vm_query(&kernel_space, base + i * PAGE_SIZE, NULL))
            panic("vm_release: 0x%lx is still mapped", base + i * PAGE_SIZE);
    }
    bool was_enabled = interrupts_save();
    vmap_give_back(base - PAGE_SIZE, size);
    interrupts_restore(was_enabled);
}

/* The pages vm_map_mmio used for size bytes at address. */
static uint64_t mmio_pages(uint64_t address, uint64_t size)
{
    uint64_t first = address & ~(PAGE_SIZE - 1);
    return (address + size - first + PAGE_SIZE - 1) / PAGE_SIZE;
}

void *vm_map_mmio(uint64_t phys, uint64_t size, unsigned flags)
{
    uint64_t first = phys & ~(PAGE_SIZE - 1);
    if (size == 0 || phys + size < phys)
        return NULL;
    uint64_t pages = mmio_pages(phys, size);
    uint64_t virt = vm_reserve(pages);
    if (!virt)
        return NULL;
    flags = (flags & (VM_UNCACHED | VM_WRITE_COMBINE)) | VM_WRITE;
    if (vm_map(&kernel_space, virt, first, pages, flags) != VM_OK) {
        vm_release(virt, pages);
        return NULL;
    }
    return (void *)(uintptr_t)(virt + (phys - first));
}

void vm_unmap_mmio(volatile void *address, uint64_t size)
{
    uint64_t virt = (uint64_t)(uintptr_t)address;
    uint64_t pages = mmio_pages(virt, size);
    vm_unmap(&kernel_space, virt & ~(PAGE_SIZE - 1), pages);
    vm_release(virt & ~(PAGE_SIZE - 1), pages);
}
