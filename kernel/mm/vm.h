/* Kernel page tables: the kernel builds its own 4-level tables at boot
 * (vm_init) and maps everything with the least permission it needs: W^X
 * everywhere, NX on every page that is not kernel text.
 *
 * vm_map/vm_unmap change mappings in the kernel half and invalidate the TLB
 * entries they change. Page-table pages emptied by vm_unmap are freed. */
#ifndef NONOS_MM_VM_H
#define NONOS_MM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Mapping flags. Without VM_WRITE a page is read-only; without VM_EXEC it
 * is NX. VM_WRITE | VM_EXEC together is refused (W^X). */
#define VM_READ 0u /* every mapping is readable */
#define VM_WRITE (1u << 0)
#define VM_EXEC (1u << 1)
#define VM_USER (1u << 2)          /* user accessible (SMEP/SMAP apply) */
#define VM_UNCACHED (1u << 3)      /* strong uncacheable: device registers */
#define VM_WRITE_COMBINE (1u << 4) /* write-combining: framebuffers */

enum vm_result {
    VM_OK = 0,
    VM_ERROR_ALIGN,      /* address not page aligned */
    VM_ERROR_WX,         /* VM_WRITE and VM_EXEC both asked */
    VM_ERROR_RANGE,      /* virtual range outside the kernel half or wraps */
    VM_ERROR_MAPPED,     /* a page in the range is already mapped */
    VM_ERROR_NO_MEMORY,  /* no frame for a page table or out of vmap space */
    VM_ERROR_COUNT
};

const char *vm_error_message(int result);

void vm_init(void);

/* Maps pages pages of physical memory at phys to virt. All or nothing: on
 * error nothing stays mapped. */
int vm_map(uint64_t virt, uint64_t phys, uint64_t pages, unsigned flags);

/* Removes the mappings of pages pages at virt (unmapped pages are skipped)
 * and frees page-table pages that became empty. Does not free the frames. */
void vm_unmap(uint64_t virt, uint64_t pages);

/* Maps a physical device range (any alignment) into the vmap window, RW + NX
 * plus flags (VM_UNCACHED or VM_WRITE_COMBINE); returns the virtual address
 * of phys, or NULL. */
void *vm_map_mmio(uint64_t phys, uint64_t size, unsigned flags);

/* Reserves pages of virtual address space in the vmap window with one
 * unmapped guard page below it; returns its base or 0. Never reused. */
uint64_t vm_reserve(uint64_t pages);

/* The leaf page-table entry for virt in the active tables (0 when
 * unmapped): for tests and diagnostics. */
uint64_t vm_query(uint64_t virt);

/* True when reading virt would not fault for lack of a mapping. */
bool vm_is_mapped(uint64_t virt);

/* Physical address of the kernel PML4 (for CR3). */
uint64_t vm_kernel_root(void);

#endif
