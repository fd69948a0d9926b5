/* The kernel's page tables (see vm.h).
 *
 * vm_init builds a fresh PML4 with exactly three kinds of mappings: the
 * kernel image, page by page with its section's rights (text R+X, rodata R,
 * data/bss R+W, all others NX), the direct map of RAM (R+W+NX, 2 MiB pages
 * where alignment allows; the kernel image's own frames R+NX there) and
 * nothing else: no identity map, so a stray
 * low pointer faults. Later mappings (heap, stacks, MMIO, test pages) come
 * from vm_map. Kernel-half entries are global; user pages (VM_USER, only in
 * the lower half) are the exception SMEP/SMAP police.
 *
 * Page-table pages are frames reached through the direct map. vm_unmap
 * frees page tables (PT, PD) that become empty; PDPTs are kept, so the
 * kernel half of the PML4 stays stable. All changes run with interrupts off. */
#include "kernel/mm/vm.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/panic.h"

#include <stdbool.h>

#define LOWER_HALF_END 0x0000800000000000ull

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

static uint64_t kernel_root; /* physical address of the PML4 */
static uint64_t vmap_next = MEMORY_VMAP_BASE;

const char *vm_error_message(int result)
{
    if (result < 0 || result >= VM_ERROR_COUNT)
        return "unknown vm error";
    return vm_messages[result];
}

uint64_t vm_kernel_root(void)
{
    return kernel_root;
}

static uint64_t *table_at(uint64_t phys)
{
    return phys_to_virt(phys & PTE_ADDRESS_MASK);
}

/* The entry for virt at `level` in the tree rooted at root, creating missing
 * intermediate tables when create is set. NULL when absent (or a huge page
 * is in the way). */
static uint64_t *entry_find(uint64_t root, uint64_t virt, unsigned level, bool create)
{
    uint64_t *table = table_at(root);
    for (unsigned current = 4; current > level; current--) {
        uint64_t *entry = &table[page_table_index(virt, current)];
        if (!(*entry & PTE_PRESENT)) {
            if (!create)
                return NULL;
            uint64_t frame = frame_alloc();
            if (!frame)
                return NULL;
            /* Intermediate entries are permissive; the leaf decides. */
            *entry = frame | PTE_PRESENT | PTE_WRITABLE | (virt < LOWER_HALF_END ? PTE_USER : 0);
        } else if (*entry & PTE_HUGE) {
            return NULL;
        }
        table = table_at(*entry);
    }
    return &table[page_table_index(virt, level)];
}

/* Leaf entry for virt in the active tables, whatever its size. */
static uint64_t leaf_query(uint64_t virt, uint64_t *page_size)
{
    uint64_t *table = table_at(read_cr3());
    for (unsigned level = 4; level >= 1; level--) {
        uint64_t entry = table[page_table_index(virt, level)];
        if (!(entry & PTE_PRESENT))
            return 0;
        if (level == 1 || (entry & PTE_HUGE)) {
            *page_size = 1ull << (12 + 9 * (level - 1));
            return entry;
        }
        table = table_at(entry);
    }
    return 0;
}

uint64_t vm_query(uint64_t virt)
{
    uint64_t page_size;
    return leaf_query(virt, &page_size);
}

bool vm_is_mapped(uint64_t virt)
{
    return (vm_query(virt) & PTE_PRESENT) != 0;
}

uint64_t virt_to_phys(const void *virt)
{
    uint64_t address = (uint64_t)(uintptr_t)virt, page_size = 0;
    uint64_t entry = leaf_query(address, &page_size);
    if (!entry)
        return 0;
    return (entry & PTE_ADDRESS_MASK & ~(page_size - 1)) + (address & (page_size - 1));
}

static uint64_t entry_flags(unsigned flags)
{
    uint64_t bits = PTE_PRESENT;
    if (flags & VM_WRITE)
        bits |= PTE_WRITABLE;
    if (!(flags & VM_EXEC))
        bits |= PTE_NX;
    if (flags & VM_USER)
        bits |= PTE_USER;
    else
        bits |= PTE_GLOBAL;
    if (flags & VM_UNCACHED)
        bits |= PTE_PCD | PTE_PWT; /* PAT entry 3: UC */
    else if (flags & VM_WRITE_COMBINE)
        bits |= PTE_PWT;           /* PAT entry 1: WC (cpu.c) */
    return bits;
}

/* Maps one 4 KiB page while building the tables; panics when out of memory
 * (the kernel cannot run without its own tables). */
static uint64_t *boot_entry(uint64_t virt, unsigned level)
{
    uint64_t *entry = entry_find(kernel_root, virt, level, true);
    if (entry)
        return entry;
    panic("vm_init: out of memory for page tables");
}

static void boot_map_page(uint64_t virt, uint64_t phys, uint64_t bits)
{
    *boot_entry(virt, 1) = phys | bits;
}

static void boot_map_huge(uint64_t virt, uint64_t phys, uint64_t bits)
{
    *boot_entry(virt, 2) = phys | bits | PTE_HUGE;
}

static void map_kernel_image(void)
{
    uint64_t text = (uint64_t)(uintptr_t)__text_start;
    uint64_t text_end = (uint64_t)(uintptr_t)__text_end;
    uint64_t rodata_end = (uint64_t)(uintptr_t)__rodata_end;
    uint64_t end = (uint64_t)(uintptr_t)__kernel_end;
    for (uint64_t virt = text; virt < end; virt += PAGE_SIZE) {
        uint64_t phys = virt_to_phys((const void *)(uintptr_t)virt); /* loader's tables */
        if (!phys)
            panic("vm_init: kernel page 0x%lx not mapped by the loader", virt);
        uint64_t bits = PTE_PRESENT | PTE_GLOBAL;
        if (virt >= text_end)
            bits |= PTE_NX;
        if (virt >= rodata_end)
            bits |= PTE_WRITABLE;
        boot_map_page(virt, phys, bits);
    }
}

static bool region_in_direct_map(uint32_t type)
{
    return type == BOOT_MEMORY_USABLE || type == BOOT_MEMORY_KERNEL ||
           type == BOOT_MEMORY_BOOT_DATA || type == BOOT_MEMORY_ACPI_RECLAIM ||
           type == BOOT_MEMORY_ACPI_NVS || type == BOOT_MEMORY_RUNTIME;
}

/* True when the 2 MiB slot for virt has no page table yet. */
static bool huge_slot_free(uint64_t virt)
{
    return !(*boot_entry(virt, 2) & PTE_PRESENT);
}

static void map_direct_region(uint64_t base, uint64_t end, uint64_t bits)
{
    uint64_t phys = base;
    while (phys < end) {
        uint64_t virt = MEMORY_DIRECT_MAP_BASE + phys;
        if (phys % HUGE_PAGE_SIZE == 0 && end - phys >= HUGE_PAGE_SIZE && huge_slot_free(virt)) {
            boot_map_huge(virt, phys, bits);
            phys += HUGE_PAGE_SIZE;
        } else {
            boot_map_page(virt, phys, bits);
            phys += PAGE_SIZE;
        }
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
        uint64_t bits = PTE_PRESENT | PTE_GLOBAL | PTE_NX;
        if (map[i].type != BOOT_MEMORY_KERNEL)
            bits |= PTE_WRITABLE;
        map_direct_region(map[i].base, map[i].base + map[i].pages * PAGE_SIZE, bits);
    }
}

void vm_init(void)
{
    kernel_root = frame_alloc();
    if (!kernel_root)
        panic("vm_init: no frame for the PML4");
    map_kernel_image();
    map_direct();
    write_cr3(kernel_root);
}

/* Which virtual ranges vm_map may touch: heap and vmap windows for kernel
 * pages, the lower half for user pages. */
static bool range_allowed(uint64_t virt, uint64_t pages, unsigned flags)
{
    uint64_t size = pages * PAGE_SIZE;
    if (pages == 0 || pages > (1ull << 36) || virt + size < virt)
        return false;
    if (flags & VM_USER)
        return virt + size <= LOWER_HALF_END && virt != 0;
    bool in_heap = virt >= MEMORY_HEAP_BASE && virt + size <= MEMORY_HEAP_LIMIT;
    bool in_vmap = virt >= MEMORY_VMAP_BASE && virt + size <= MEMORY_VMAP_LIMIT;
    return in_heap || in_vmap;
}

static void unmap_locked(uint64_t virt, uint64_t pages);

int vm_map(uint64_t virt, uint64_t phys, uint64_t pages, unsigned flags)
{
    if (virt % PAGE_SIZE || phys % PAGE_SIZE)
        return VM_ERROR_ALIGN;
    if ((flags & VM_WRITE) && (flags & VM_EXEC))
        return VM_ERROR_WX;
    if (!range_allowed(virt, pages, flags))
        return VM_ERROR_RANGE;
    uint64_t bits = entry_flags(flags);
    bool was_enabled = interrupts_save();
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t *entry = entry_find(kernel_root, virt + i * PAGE_SIZE, 1, true);
        int error = !entry ? VM_ERROR_NO_MEMORY : (*entry & PTE_PRESENT) ? VM_ERROR_MAPPED : VM_OK;
        if (error) {
            unmap_locked(virt, i);
            interrupts_restore(was_enabled);
            return error;
        }
        *entry = (phys + i * PAGE_SIZE) | bits;
    }
    interrupts_restore(was_enabled);
    return VM_OK;
}

static bool table_empty(const uint64_t *table)
{
    for (unsigned i = 0; i < PAGE_TABLE_ENTRIES; i++) {
        if (table[i])
            return false;
    }
    return true;
}

/* Frees the PT and then the PD above virt if they became empty. */
static void tables_release(uint64_t virt)
{
    for (unsigned level = 2; level <= 3; level++) {
        uint64_t *parent = entry_find(kernel_root, virt, level, false);
        if (!parent || !(*parent & PTE_PRESENT) || (*parent & PTE_HUGE))
            return;
        if (!table_empty(table_at(*parent)))
            return;
        uint64_t table = *parent & PTE_ADDRESS_MASK;
        *parent = 0;
        frame_free(table);
    }
}

static void unmap_locked(uint64_t virt, uint64_t pages)
{
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t address = virt + i * PAGE_SIZE;
        uint64_t *entry = entry_find(kernel_root, address, 1, false);
        if (!entry || !(*entry & PTE_PRESENT))
            continue;
        *entry = 0;
        tlb_flush_page(address);
        bool last_in_table = i + 1 == pages || page_table_index(address + PAGE_SIZE, 1) == 0;
        if (last_in_table)
            tables_release(address);
    }
}

void vm_unmap(uint64_t virt, uint64_t pages)
{
    bool was_enabled = interrupts_save();
    unmap_locked(virt & ~(PAGE_SIZE - 1), pages);
    interrupts_restore(was_enabled);
}

uint64_t vm_reserve(uint64_t pages)
{
    bool was_enabled = interrupts_save();
    uint64_t base = 0;
    uint64_t size = (pages + 1) * PAGE_SIZE; /* + the guard page below */
    if (pages != 0 && pages < (1ull << 24) && MEMORY_VMAP_LIMIT - vmap_next >= size) {
        base = vmap_next + PAGE_SIZE;
        vmap_next += size;
    }
    interrupts_restore(was_enabled);
    return base;
}

void *vm_map_mmio(uint64_t phys, uint64_t size, unsigned flags)
{
    uint64_t first = phys & ~(PAGE_SIZE - 1);
    if (size == 0 || phys + size < phys)
        return NULL;
    uint64_t pages = (phys + size - first + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t virt = vm_reserve(pages);
    if (!virt)
        return NULL;
    flags = (flags & (VM_UNCACHED | VM_WRITE_COMBINE)) | VM_WRITE;
    if (vm_map(virt, first, pages, flags) != VM_OK)
        return NULL;
    return (void *)(uintptr_t)(virt + (phys - first));
}
