/* The arch interface for the MMU: page tables, one tree per address space.
 *
 * A root is the physical address of an address space's top-level table.
 * The virtual space is split in two halves: the user half below
 * MMU_USER_END, private to each root, and the kernel half above it, whose
 * top-level entries every root shares with the kernel's root (copied when
 * the root is created, pointing at the same lower tables), so a kernel-half
 * mapping made in any root is seen in all. For that to hold, every
 * top-level entry of the kernel half must exist before the first
 * mmu_root_create: mmu_kernel_share creates the ones the kernel will grow
 * into, and creating one later is a panic.
 *
 * Mapping flags are vm.h's VM_* (VM_WRITE, VM_EXEC, VM_USER, VM_UNCACHED,
 * VM_WRITE_COMBINE); a leaf without VM_WRITE is read-only, without VM_EXEC
 * no-execute. This layer applies no policy (W^X, which ranges may be
 * mapped): kernel/mm/vm.c does. It frees page-table pages it no longer
 * needs, never the frames leaves point at. Callers keep interrupts off
 * around changes (the single CPU's lock). Scheme: see kernel/arch/io.h. */
#ifndef NONOS_ARCH_INTERFACE_MMU_H
#define NONOS_ARCH_INTERFACE_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/vm.h"

/* The implementation defines MMU_USER_END (the first address above the user
 * half) and MMU_LARGE_PAGE_SIZE (the large page the direct map uses). */
#include "kernel/arch/x86_64/paging.h"

/* A new root. kernel_root 0: an empty one (the kernel's own, at boot);
 * otherwise one sharing kernel_root's kernel half, with an empty user half.
 * Returns 0 when out of memory. */
uint64_t mmu_root_create(uint64_t kernel_root);

/* Frees root's top-level table and every page table of its user half (not
 * the frames mapped there). root must not be active. */
void mmu_root_destroy(uint64_t root);

/* Creates the top-level entry covering kernel-half address virt in root (the
 * kernel's), so roots created later share it. False when out of memory. */
bool mmu_kernel_share(uint64_t root, uint64_t virt);

/* Maps pages pages (PAGE_SIZE each) at virt to phys onwards, in order, all
 * with flags; the range lies in one half. VM_OK, VM_ERROR_MAPPED (a page is
 * there already) or VM_ERROR_NO_MEMORY (no frame for a page table); on
 * error the first *mapped pages are mapped (the caller undoes them). */
int mmu_map(uint64_t root, uint64_t virt, uint64_t phys, uint64_t pages, unsigned flags,
            uint64_t *mapped);

/* Maps one MMU_LARGE_PAGE_SIZE page (both addresses aligned to it); fails
 * with VM_ERROR_MAPPED when anything is mapped in that slot already. */
int mmu_map_large(uint64_t root, uint64_t virt, uint64_t phys, unsigned flags);

/* Removes the leaves of pages pages at virt (absent ones are skipped),
 * invalidates their TLB entries and frees page tables that became empty
 * (the tables directly under the top level stay until mmu_root_destroy). */
void mmu_unmap(uint64_t root, uint64_t virt, uint64_t pages);

/* Gives the pages pages at virt, all mapped, the rights flags (the frames
 * stay). A large leaf the range touches is split into small leaves first,
 * so the rest of it keeps its rights. VM_OK; VM_ERROR_RANGE when a page is
 * not mapped (the pages before it are changed already);
 * VM_ERROR_NO_MEMORY when no frame is free for a split. */
int mmu_protect(uint64_t root, uint64_t virt, uint64_t pages, unsigned flags);

/* The mapping at virt in root: true and *out filled (phys of virt itself,
 * the page size, VM_* flags) when mapped, false when not. out may be NULL. */
bool mmu_query(uint64_t root, uint64_t virt, struct vm_mapping *out);

/* Makes root the CPU's address space (not flushing global kernel entries). */
void mmu_activate(uint64_t root);

/* The root the CPU uses now (at entry: the loader's). */
uint64_t mmu_active_root(void);

#endif
