/* The boot-info structure: everything the UEFI loader hands to the kernel.
 *
 * This header is the whole contract between boot/ and kernel/; docs/boot.md
 * describes it in prose. The loader fills one `struct bootinfo` in memory it
 * allocated as EfiLoaderData (reported as BOOT_MEMORY_BOOT_DATA in the map,
 * like the map itself), exits boot services and jumps (not calls: nothing is
 * pushed) to the kernel's ELF entry point with:
 *   rdi = physical address of the struct bootinfo
 *   rsp = top of a 64 KiB stack the loader allocated (16-byte aligned, mapped
 *         in the direct map, i.e. rsp is a BOOT_DIRECT_MAP_BASE address)
 *   interrupts disabled, CR0.WP = 1, EFER.NXE = 1, CR3 = loader page tables.
 *
 * Loader page tables map:
 *   - the first 4 GiB and every region of the memory map identically
 *     (virtual = physical), so the jump itself and firmware data stay
 *     reachable until the kernel installs its own tables;
 *   - the same physical memory again at BOOT_DIRECT_MAP_BASE + physical;
 *   - each PT_LOAD segment of the kernel ELF at its p_vaddr (higher half,
 *     at or above BOOT_KERNEL_BASE), backed by pages the loader allocated
 *     as BOOT_MEMORY_KERNEL, with the segment's R/W/X flags (W^X: NX on
 *     every segment without PF_X; no segment may be both W and X).
 * The kernel must build its own page tables and stop using the loader's;
 * every pointer in this structure is a physical address for that reason.
 *
 * Invariants: magic and version match; every region in the memory map is
 * page aligned and regions do not overlap; measurement_count <= BOOT_MAX_MEASUREMENTS.
 */
#ifndef NONOS_BOOT_BOOTINFO_H
#define NONOS_BOOT_BOOTINFO_H

#include <stdint.h>

#define BOOTINFO_MAGIC 0x4f464e49534f4e4eULL /* "NNOSINFO" little-endian */
#define BOOTINFO_VERSION 1

#define BOOT_PAGE_SIZE 4096ULL
#define BOOT_DIRECT_MAP_BASE 0xffff800000000000ULL
#define BOOT_KERNEL_BASE 0xffffffff80000000ULL
#define BOOT_STACK_SIZE (64 * 1024)

/* Region types, simplified from the UEFI memory types. */
enum boot_memory_type {
    BOOT_MEMORY_USABLE = 1,       /* conventional memory, boot services code/data */
    BOOT_MEMORY_RESERVED = 2,     /* firmware-reserved, unusable, MMIO */
    BOOT_MEMORY_ACPI_RECLAIM = 3, /* ACPI tables; usable after they are read */
    BOOT_MEMORY_ACPI_NVS = 4,     /* must be preserved */
    BOOT_MEMORY_RUNTIME = 5,      /* UEFI runtime services code/data: preserved */
    BOOT_MEMORY_KERNEL = 6,       /* kernel image segments */
    BOOT_MEMORY_BOOT_DATA = 7,    /* bootinfo, memory map, bundle, stack, page tables */
    BOOT_MEMORY_FRAMEBUFFER = 8,
};

struct boot_memory_region {
    uint64_t base;  /* physical, page aligned */
    uint64_t pages; /* number of 4 KiB pages */
    uint32_t type;  /* enum boot_memory_type */
    uint32_t reserved;
};

enum boot_pixel_format {
    BOOT_PIXEL_NONE = 0, /* no framebuffer: serial only */
    BOOT_PIXEL_RGBX = 1, /* byte 0 red, 1 green, 2 blue */
    BOOT_PIXEL_BGRX = 2, /* byte 0 blue, 1 green, 2 red */
};

struct boot_framebuffer {
    uint64_t base;  /* physical */
    uint64_t size;  /* bytes */
    uint32_t width; /* pixels */
    uint32_t height;
    uint32_t pixels_per_scanline;
    uint32_t format; /* enum boot_pixel_format; 32 bits per pixel */
};

#define BOOT_MAX_MEASUREMENTS 8
#define BOOT_COMMAND_LINE_MAX 256 /* the file may hold at most 255 bytes */
#define BOOT_MEASUREMENT_NAME_SIZE 24

/* One measured part of the boot (the kernel, the bundle, ...): what the loader
 * hashed and checked before using it. */
struct boot_measurement {
    char name[BOOT_MEASUREMENT_NAME_SIZE]; /* NUL-terminated, e.g. "kernel" */
    uint64_t size;                         /* bytes hashed */
    uint8_t sha256[32];
};

struct bootinfo {
    uint64_t magic;   /* BOOTINFO_MAGIC */
    uint32_t version; /* BOOTINFO_VERSION */
    uint32_t size;    /* sizeof(struct bootinfo) */

    uint64_t memory_map;          /* physical address of struct boot_memory_region[] */
    uint32_t memory_region_count; /* sorted by base, page aligned, no overlap */
    uint32_t reserved0;

    struct boot_framebuffer framebuffer;
    uint64_t acpi_rsdp; /* physical address of the ACPI 2.0+ RSDP, 0 if none */

    uint64_t kernel_physical_base; /* lowest physical page of the kernel image */
    uint64_t kernel_pages;
    uint64_t kernel_file;      /* physical address of the kernel ELF file as read */
    uint64_t kernel_file_size; /* (symbols for backtraces live in it) */
    uint64_t bundle;           /* physical address of the boot bundle, 0 if none */
    uint64_t bundle_size;

    uint32_t measurement_count;
    uint32_t reserved1;
    struct boot_measurement measurements[BOOT_MAX_MEASUREMENTS];

    /* Entropy from EFI_RNG_PROTOCOL, if the firmware has it. */
    uint32_t rng_seed_size; /* 0 or 32 */
    uint32_t reserved2;
    uint8_t rng_seed[32];

    uint64_t loader_tsc; /* TSC when the loader started, for boot timing */
    /* The boot command line: \nonos\cmdline on the ESP if present (at
     * most BOOT_COMMAND_LINE_MAX bytes, measured as "cmdline"), not
     * NUL-terminated; size 0 when absent (docs/boot.md). */
    uint32_t command_line_size;
    uint32_t reserved3;
    char command_line[BOOT_COMMAND_LINE_MAX];
};

#endif
