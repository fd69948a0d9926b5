/* Turning the UEFI memory map into the kernel's simplified one.
 *
 * Portable (no UEFI): the loader runs it after ExitBootServices on the final
 * map, and the host test and fuzz target run it on arbitrary descriptors.
 *
 * The result is sorted by base, page aligned, free of overlaps, and adjacent
 * regions of one type are merged. Ranges the loader claimed for itself (the
 * kernel image, the boot data, the framebuffer) override the firmware's type
 * for the memory they cover, because the firmware only knows them as
 * EfiLoaderData. Where firmware descriptors overlap each other (a firmware
 * bug) the more restrictive type wins, so usable memory is never invented. */
#ifndef NONOS_BOOT_MEMORY_MAP_H
#define NONOS_BOOT_MEMORY_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "boot/bootinfo.h"

/* Offsets of the UEFI memory descriptor fields (UEFI 2.10, 7.2.3). */
#define EFI_DESCRIPTOR_MIN_SIZE 40

enum memory_map_result {
    MEMORY_MAP_OK = 0,
    MEMORY_MAP_ERR_DESCRIPTOR_SIZE, /* descriptor size too small or map not a multiple */
    MEMORY_MAP_ERR_UNALIGNED,       /* a descriptor base is not page aligned */
    MEMORY_MAP_ERR_WRAPS,           /* a range ends past 2^64 */
    MEMORY_MAP_ERR_FULL,            /* more regions than the output holds */
    MEMORY_MAP_ERR_TOO_LARGE,       /* more descriptors than the algorithm accepts */
};

/* A range the loader allocated or found and wants reported with its own type. */
struct memory_claim {
    uint64_t base;  /* rounded down to a page */
    uint64_t bytes; /* rounded up to a page */
    uint32_t type;  /* enum boot_memory_type */
};

#define MEMORY_MAP_MAX_DESCRIPTORS 4096

/* Regions the output may need at most for n descriptors and k claims. */
static inline size_t memory_map_capacity(size_t descriptors, size_t claims)
{
    return 2 * (descriptors + claims) + 1;
}

const char *memory_map_result_message(enum memory_map_result result);

/* The simplified type for a UEFI memory type. */
uint32_t memory_map_efi_type(uint32_t efi_type);

/* Builds the simplified map from `efi_map` (descriptors of descriptor_size
 * bytes each) and the claims. On error *count is 0. */
enum memory_map_result memory_map_build(struct bytes efi_map, size_t descriptor_size,
                                        const struct memory_claim *claims, size_t claim_count,
                                        struct boot_memory_region *out, size_t capacity,
                                        uint32_t *count);

#endif
