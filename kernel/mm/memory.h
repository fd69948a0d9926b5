/* The kernel's view of memory: the virtual layout, physical <-> virtual
 * translation and the firmware memory map (copied out of boot data at boot).
 *
 * Virtual layout (kernel half only; the lower half is left for user space):
 *   0xffff800000000000  direct map: physical address p at DIRECT_MAP_BASE + p,
 *                       every RAM region of the memory map, RW + NX
 *   0xffffc00000000000  kernel heap (grows by mapping frames), RW + NX
 *   0xffffd00000000000  vmap window: thread stacks with guard pages and MMIO
 *                       mappings (vm_map_mmio), RW + NX
 *   0xffffffff80000000  kernel image (kernel.ld): text RX, rodata R, data RW
 */
#ifndef NONOS_MM_MEMORY_H
#define NONOS_MM_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "boot/bootinfo.h"

#define PAGE_SIZE ((uint64_t)4096)
#define MEMORY_DIRECT_MAP_BASE BOOT_DIRECT_MAP_BASE
#define MEMORY_HEAP_BASE 0xffffc00000000000ull
#define MEMORY_HEAP_LIMIT (MEMORY_HEAP_BASE + (1ull << 30))
#define MEMORY_VMAP_BASE 0xffffd00000000000ull
#define MEMORY_VMAP_LIMIT (MEMORY_VMAP_BASE + (64ull << 30))
#define MEMORY_KERNEL_BASE BOOT_KERNEL_BASE

static inline void *phys_to_virt(uint64_t phys)
{
    return (void *)(uintptr_t)(phys + MEMORY_DIRECT_MAP_BASE);
}

/* Physical address behind any mapped kernel virtual address (direct map,
 * kernel image, heap, vmap), or 0 when nothing is mapped there. */
uint64_t virt_to_phys(const void *virt);

/* The firmware memory map as the loader gave it (copied into the kernel, so
 * it stays valid after boot data is reused). */
const struct boot_memory_region *memory_map(uint32_t *count);

/* Calls fn for each region of RAM the kernel owns: BOOT_MEMORY_USABLE,
 * BOOT_MEMORY_BOOT_DATA, BOOT_MEMORY_KERNEL and BOOT_MEMORY_ACPI_RECLAIM
 * regions. Firmware-reserved, ACPI NVS, runtime-services memory and the
 * framebuffer are never reported: the kernel must not wipe them. */
typedef void (*memory_region_fn)(uint64_t phys_base, uint64_t pages, uint32_t type, void *context);
void memory_for_each_owned_region(memory_region_fn fn, void *context);

/* The copy of the boot-info structure the kernel keeps (pointers inside are
 * physical; use phys_to_virt). Valid from the start of kernel_main. */
const struct bootinfo *boot_info(void);

/* Moves the loader's UEFI RNG seed out of the kernel's copy: writes it to
 * seed and returns its size (0 or 32), and wipes the copy, so that the
 * random generator is the only holder of it. */
uint32_t boot_info_take_rng_seed(uint8_t seed[32]);

/* Saves bootinfo and memory map; called once, first thing in kernel_main. */
void memory_init(uint64_t bootinfo_phys);

#endif
