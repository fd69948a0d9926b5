/* State shared by the parts of the UEFI loader (main.c, files.c,
 * handoff.c): what was read, verified and allocated so far.
 *
 * Invariant: every allocation that must outlive the loader (kernel image,
 * boot data, stack, page tables) is recorded in `claims`, so the memory map
 * handed to the kernel reports it with its own type instead of as the
 * EfiLoaderData the firmware knows it as. */
#ifndef NONOS_BOOT_LOADER_H
#define NONOS_BOOT_LOADER_H

#include <stdint.h>

#include "boot/bootinfo.h"
#include "boot/efi.h"
#include "boot/elf_check.h"
#include "boot/memory_map.h"

#define LOADER_MAX_CLAIMS 16

struct loaded_file {
    uint8_t *data; /* page-aligned, physical == pointer before handoff */
    uint64_t size;
};

struct loader {
    efi_handle image;
    struct efi_system_table *system;
    struct efi_boot_services *services;
    uint64_t start_tsc;

    struct loaded_file kernel_file;
    struct loaded_file bundle_file;
    struct loaded_file command_line_file; /* size 0: no \NONOS\CMDLINE */
    struct elf_image kernel;
    uint64_t kernel_physical; /* where image_start of `kernel` lives */

    struct boot_framebuffer framebuffer;
    uint64_t acpi_rsdp;
    uint32_t rng_seed_size;
    uint8_t rng_seed[32];

    uint32_t measurement_count;
    struct boot_measurement measurements[BOOT_MAX_MEASUREMENTS];

    uint32_t claim_count;
    struct memory_claim claims[LOADER_MAX_CLAIMS];
};

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *system);

/* Allocates zeroed pages for `bytes` (at least one page); a nonzero
 * claim_type records them as a claim of that boot memory type. */
efi_status loader_allocate(struct loader *loader, uint64_t bytes, uint32_t claim_type,
                           uint8_t **memory);

/* Prints "loader: error: <what> (EFI status <status>)". */
void loader_print_error(const char *what, efi_status status);

/* loader_print_error, then returns status: `return loader_error(...)`. */
static inline efi_status loader_error(const char *what, efi_status status)
{
    loader_print_error(what, status);
    return status;
}

/* Reads \NONOS\<name> from the volume the loader was started from into
 * claimed boot-data pages. Files larger than max_size are refused. */
efi_status files_read(struct loader *loader, const efi_char16 *path, uint64_t max_size,
                      struct loaded_file *file);

/* The same for a file that may be absent: EFI_NOT_FOUND, silently, when
 * it is not there; other failures are reported as files_read does. */
efi_status files_read_optional(struct loader *loader, const efi_char16 *path,
                               uint64_t max_size, struct loaded_file *file);

/* Builds the page tables and the boot-info structure, exits boot services
 * and jumps to the kernel. Returns only on failure before ExitBootServices
 * (with the reason printed); failures after it halt. */
efi_status handoff_start_kernel(struct loader *loader);

#endif
