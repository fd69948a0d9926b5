/* The x86-64 4-level page-table walker behind kernel/arch/mmu.h.
 *
 * Page-table pages are frames reached through the direct map. Intermediate
 * entries are permissive (present, writable, user in the lower half); the
 * leaf decides. Kernel-half leaves are global (CR4.PGE), so switching CR3
 * keeps them in the TLB; user leaves are not, so a CR3 switch drops them
 * and a change in a root that is not active needs no invalidation. The
 * kernel half's PML4 entries (256-511) are copied into every new root and
 * point at the same PDPTs: once the first root is created from the
 * kernel's, a new kernel-half PML4 entry would be seen by only one root, so
 * creating one then is a panic (mmu_kernel_share creates them at boot). */
#include "kernel/arch/mmu.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/panic.h"

#define KERNEL_HALF_FIRST_ENTRY (PAGE_TABLE_ENTRIES / 2)

static bool kernel_half_shared; /* a root copied the kernel half */

static uint64_t *table_at(uint64_t entry)
{
    return phys_to_virt(entry & PTE_ADDRESS_MASK);
}

static bool in_user_half(uint64_t virt)
{
    return virt < MMU_USER_END;
}

/* The entry for virt at `level` (4 = PML4 ... 1 = PT) in root's tree,
 * creating missing intermediate tables when create is set. NULL when absent,
 * out of memory, or a large page is in the way. */
static uint64_t *entry_find(uint64_t root, uint64_t virt, unsigned level, bool create)
{
    uint64_t *table = table_at(root);
    for (unsigned current = 4; current > level; current--) {
        uint64_t *entry = &table[page_table_index(virt, current)];
        if (!(*entry & PTE_PRESENT)) {
            if (!create)
                return NULL;
            if (current == 4 && !in_user_half(virt) && kernel_half_shared)
                panic("mmu: new kernel-half PML4 entry for 0x%lx after the half was shared", virt);
            uint64_t frame = frame_alloc();
            if (!frame)
                return NULL;
            *entry = frame | PTE_PRESENT | PTE_WRITABLE | (in_user_half(virt) ? PTE_USER : 0);
        } else if (*entry & PTE_HUGE) {
            return NULL;
        }
        table = table_at(*entry);
    }
    return &table[page_table_index(virt, level)];
}

static uint64_t leaf_bits(uint64_t virt, unsigned flags)
{
    uint64_t bits = PTE_PRESENT;
    if (flags & VM_WRITE)
        bits |= PTE_WRITABLE;
    if (!(flags & VM_EXEC))
        bits |= PTE_NX;
    if (flags & VM_USER)
        bits |= PTE_USER;
    if (!in_user_half(virt))
        bits |= PTE_GLOBAL;
    if (flags & VM_UNCACHED)
        bits |= PTE_PCD | PTE_PWT; /* PAT entry 3: UC */
    else if (flags & VM_WRITE_COMBINE)
        bits |= PTE_PWT;           /* PAT entry 1: WC (cpu.c) */
    return bits;
}

static unsigned leaf_flags(uint64_t entry)
{
    unsigned flags = 0;
    if (entry & PTE_WRITABLE)
        flags |= VM_WRITE;
    if (!(entry & PTE_NX))
        flags |= VM_EXEC;
    if (entry & PTE_USER)
        flags |= VM_USER;
    if ((entry & (PTE_PCD | PTE_PWT)) == (PTE_PCD | PTE_PWT))
        flags |= VM_UNCACHED;
    else if (entry & PTE_PWT)
        flags |= VM_WRITE_COMBINE;
    return flags;
}

uint64_t mmu_root_create(uint64_t kernel_root)
{
    uint64_t root = frame_alloc();
    if (!root || !kernel_root)
        return root;
    const uint64_t *kernel = table_at(kernel_root);
    uint64_t *table = table_at(root);
    for (unsigned i = KERNEL_HALF_FIRST_ENTRY; i < PAGE_TABLE_ENTRIES; i++)
        table[i] = kernel[i];
    kernel_half_shared = true;
    return root;
}

/* Frees the table at `entry` (level: 3 = PDPT ... 1 = PT) and every table
 * below it; large-page leaves and 4 KiB leaves are not tables. */
static void table_free_tree(uint64_t entry, unsigned level)
{
    uint64_t *table = table_at(entry);
    for (unsigned i = 0; level > 1 && i < PAGE_TABLE_ENTRIES; i++) {
        if ((table[i] & PTE_PRESENT) && !(table[i] & PTE_HUGE))
            table_free_tree(table[i], level - 1);
    }
    frame_free(entry & PTE_ADDRESS_MASK);
}

void mmu_root_destroy(uint64_t root)
{
    if (root == mmu_active_root())
        panic("mmu_root_destroy: root 0x%lx is active", root);
    uint64_t *table = table_at(root);
    for (unsigned i = 0; i < KERNEL_HALF_FIRST_ENTRY; i++) {
        if (table[i] & PTE_PRESENT)
            table_free_tree(table[i], 3);
    }
    frame_free(root);
}

bool mmu_kernel_share(uint64_t root, uint64_t virt)
{
    return !in_user_half(virt) && entry_find(root, virt, 3, true) != NULL;
}

int mmu_map(uint64_t root, uint64_t virt, uint64_t phys, uint64_t pages, unsigned flags,
            uint64_t *mapped)
{
    uint64_t bits = leaf_bits(virt, flags);
    uint64_t *table = NULL; /* the PT of the current 2 MiB slot */
    uint64_t i = 0;
    int result = VM_OK;
    for (; i < pages; i++) {
        uint64_t address = virt + i * PAGE_SIZE;
        unsigned index = page_table_index(address, 1);
        if (!table || index == 0) {
            uint64_t *entry = entry_find(root, address, 1, true);
            if (!entry) {
                result = VM_ERROR_NO_MEMORY;
                break;
            }
            table = entry - index;
        }
        if (table[index] & PTE_PRESENT) {
            result = VM_ERROR_MAPPED;
            break;
        }
        table[index] = (phys + i * PAGE_SIZE) | bits;
    }
    *mapped = i;
    return result;
}

int mmu_map_large(uint64_t root, uint64_t virt, uint64_t phys, unsigned flags)
{
    uint64_t *entry = entry_find(root, virt, 2, true);
    if (!entry)
        return VM_ERROR_NO_MEMORY;
    if (*entry & PTE_PRESENT)
        return VM_ERROR_MAPPED;
    *entry = phys | leaf_bits(virt, flags) | PTE_HUGE;
    return VM_OK;
}

/* Replaces the large leaf at *entry (covering virt's 2 MiB slot) by a page
 * table of 512 small leaves with the same rights, so part of it can change.
 * False when no frame is free for the table. */
static bool large_leaf_split(uint64_t *entry, uint64_t virt)
{
    uint64_t table_phys = frame_alloc();
    if (!table_phys)
        return false;
    uint64_t *table = table_at(table_phys);
    uint64_t base = *entry & PTE_ADDRESS_MASK & ~(MMU_LARGE_PAGE_SIZE - 1);
    uint64_t bits = (*entry & ~PTE_ADDRESS_MASK & ~PTE_HUGE) | PTE_PRESENT;
    for (unsigned i = 0; i < PAGE_TABLE_ENTRIES; i++)
        table[i] = (base + i * PAGE_SIZE) | bits;
    *entry = table_phys | PTE_PRESENT | PTE_WRITABLE | (in_user_half(virt) ? PTE_USER : 0);
    uint64_t slot = virt & ~(MMU_LARGE_PAGE_SIZE - 1);
    for (unsigned i = 0; i < PAGE_TABLE_ENTRIES; i++)
        tlb_flush_page(slot + i * PAGE_SIZE);
    return true;
}

int mmu_protect(uint64_t root, uint64_t virt, uint64_t pages, unsigned flags)
{
    bool flush_user = root == mmu_active_root();
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t address = virt + i * PAGE_SIZE;
        uint64_t *large = entry_find(root, address, 2, false);
        if (large && (*large & PTE_PRESENT) && (*large & PTE_HUGE) &&
            !large_leaf_split(large, address))
            return VM_ERROR_NO_MEMORY;
        uint64_t *entry = entry_find(root, address, 1, false);
        if (!entry || !(*entry & PTE_PRESENT))
            return VM_ERROR_RANGE;
        *entry = (*entry & PTE_ADDRESS_MASK) | leaf_bits(address, flags);
        if (flush_user || !in_user_half(address))
            tlb_flush_page(address);
    }
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
static void tables_release(uint64_t root, uint64_t virt)
{
    for (unsigned level = 2; level <= 3; level++) {
        uint64_t *parent = entry_find(root, virt, level, false);
        if (!parent || !(*parent & PTE_PRESENT) || (*parent & PTE_HUGE))
            return;
        if (!table_empty(table_at(*parent)))
            return;
        uint64_t table = *parent & PTE_ADDRESS_MASK;
        *parent = 0;
        frame_free(table);
    }
}

void mmu_unmap(uint64_t root, uint64_t virt, uint64_t pages)
{
    bool flush_user = root == mmu_active_root();
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t address = virt + i * PAGE_SIZE;
        uint64_t *entry = entry_find(root, address, 1, false);
        if (!entry || !(*entry & PTE_PRESENT))
            continue;
        *entry = 0;
        if (flush_user || !in_user_half(address))
            tlb_flush_page(address);
        bool last_in_table = i + 1 == pages || page_table_index(address + PAGE_SIZE, 1) == 0;
        if (last_in_table)
            tables_release(root, address);
    }
}

bool mmu_query(uint64_t root, uint64_t virt, struct vm_mapping *out)
{
    const uint64_t *table = table_at(root);
    for (unsigned level = 4; level >= 1; level--) {
        uint64_t entry = table[page_table_index(virt, level)];
        if (!(entry & PTE_PRESENT))
            return false;
        if (level == 1 || (entry & PTE_HUGE)) {
            uint64_t size = 1ull << (12 + 9 * (level - 1));
            if (out) {
                out->phys = (entry & PTE_ADDRESS_MASK & ~(size - 1)) + (virt & (size - 1));
                out->page_size = size;
                out->flags = leaf_flags(entry);
            }
            return true;
        }
        table = table_at(entry);
    }
    return false;
}

void mmu_activate(uint64_t root)
{
    write_cr3(root);
}

uint64_t mmu_active_root(void)
{
    return read_cr3() & PTE_ADDRESS_MASK;
}
