/* Address spaces and the kernel's mappings.
 *
 * A struct vm_space is one address space: a user half private to it and the
 * kernel half, which every space shares (one set of page tables reached from
 * each space's root; kernel/arch/mmu.h). The kernel space (vm_space_kernel)
 * is the one the kernel runs in and has no user half; vm_space_create makes
 * spaces with a user half (one per capsule, later). Every mapping call names
 * the space it changes; a kernel-half mapping made through any space is
 * seen in all.
 *
 * Policy lives here, the page-table walking in the arch: W^X everywhere
 * (VM_WRITE | VM_EXEC is refused), NX on every page that is not kernel text,
 * kernel mappings only in the heap and vmap windows (the image and the
 * direct map are made once by vm_init and cannot be remapped), user
 * mappings only in a user space's lower half. vm_map/vm_unmap invalidate
 * the TLB entries they change and never free the frames they map. */
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
    VM_ERROR_RANGE,      /* virtual range not allowed in this space, or wraps */
    VM_ERROR_MAPPED,     /* a page in the range is already mapped */
    VM_ERROR_NO_MEMORY,  /* no frame for a page table or out of vmap space */
    VM_ERROR_COUNT
};

const char *vm_error_message(int result);

/* One mapping as vm_query reports it. */
struct vm_mapping {
    uint64_t phys;      /* physical address of the queried address itself */
    uint64_t page_size; /* 4 KiB, or larger for the direct map's large pages */
    unsigned flags;     /* VM_* */
};

struct vm_space;

/* Builds the kernel space (kernel image with its sections' rights, direct
 * map of RAM, the heap and vmap windows' top-level tables) and switches to
 * it, dropping the loader's tables. */
void vm_init(void);

struct vm_space *vm_space_kernel(void);

/* A new space: the shared kernel half and an empty user half. NULL when
 * out of memory. */
struct vm_space *vm_space_create(void);

/* Frees a space made by vm_space_create and its user half's page tables
 * (not the frames mapped there: their owner frees those). It must not be
 * active. */
void vm_space_destroy(struct vm_space *space);

/* Switches the CPU to space (the kernel half stays as it is). The scheduler
 * does this when it switches to a thread of another space; anyone else
 * switches only with interrupts off and back before turning them on. */
void vm_space_activate(struct vm_space *space);
/* The same for callers that already run with interrupts off (the
 * scheduler's switch): no save and restore of the interrupt flag. */
void vm_space_switch(struct vm_space *space);
struct vm_space *vm_space_active(void);

/* Maps pages pages of physical memory at phys to virt in space. VM_USER
 * pages go in a user space's lower half, other pages in the heap or vmap
 * window. All or nothing: on error nothing stays mapped. */
int vm_map(struct vm_space *space, uint64_t virt, uint64_t phys, uint64_t pages, unsigned flags);

/* Removes the mappings of pages pages at virt in space (unmapped pages are
 * skipped) and frees page-table pages that became empty. Does not free the
 * frames. */
void vm_unmap(struct vm_space *space, uint64_t virt, uint64_t pages);

/* The mapping of virt in space: true with *out filled, false when nothing
 * is mapped there. out may be NULL. */
bool vm_query(struct vm_space *space, uint64_t virt, struct vm_mapping *out);

/* Seals pages frames at phys: their alias in the direct map becomes
 * read-only (and stays NX), so nothing in the kernel can change them by
 * mistake and no other mapping of them is writable. The frames must be in
 * the direct map and owned by the caller. vm_unseal_direct makes them
 * writable again (before they are freed). VM_OK or a vm_result. */
int vm_seal_direct(uint64_t phys, uint64_t pages);
int vm_unseal_direct(uint64_t phys, uint64_t pages);

/* Maps a physical device range (any alignment) into the vmap window, RW + NX
 * plus flags (VM_UNCACHED or VM_WRITE_COMBINE); returns the virtual address
 * of phys, or NULL. */
void *vm_map_mmio(uint64_t phys, uint64_t size, unsigned flags);

/* Undoes vm_map_mmio(phys, size, ...) that returned address: unmaps it and
 * releases its virtual range. */
void vm_unmap_mmio(volatile void *address, uint64_t size);

/* Reserves pages of virtual address space in the vmap window with one
 * unmapped guard page below it; returns its base or 0. A released range is
 * reused (first fit), its guard page with it. */
uint64_t vm_reserve(uint64_t pages);

/* Gives back a vm_reserve(pages) range whose pages are all unmapped again
 * (panics if one is still mapped or the range was never reserved). */
void vm_release(uint64_t base, uint64_t pages);

#endif
