/* Checking and loading the kernel ELF file.
 *
 * Portable (no UEFI): the loader uses it on the verified kernel file, and the
 * host unit test and the libFuzzer target run it on arbitrary bytes.
 *
 * elf_check accepts only what the loader can map safely: a little-endian
 * ELF64 x86_64 ET_EXEC, statically linked, whose PT_LOAD segments lie inside
 * the file, sit in the higher half (>= BOOT_KERNEL_BASE), appear in ascending
 * address order without sharing a page, are never both writable and
 * executable, and span at most ELF_MAX_IMAGE_SIZE; the entry point must lie
 * in an executable segment. Anything else gets one specific error code and
 * leaves the output zeroed. */
#ifndef NONOS_BOOT_ELF_CHECK_H
#define NONOS_BOOT_ELF_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"

#define ELF_MAX_PROGRAM_HEADERS 64
#define ELF_MAX_SEGMENTS 16
#define ELF_MAX_IMAGE_SIZE (64ULL * 1024 * 1024)

#define ELF_SEGMENT_EXECUTE 1u /* PF_X */
#define ELF_SEGMENT_WRITE 2u   /* PF_W */
#define ELF_SEGMENT_READ 4u    /* PF_R */

enum elf_result {
    ELF_OK = 0,
    ELF_ERR_TRUNCATED,         /* shorter than an ELF64 header */
    ELF_ERR_MAGIC,             /* no \x7fELF */
    ELF_ERR_CLASS,             /* not ELF64 */
    ELF_ERR_ENCODING,          /* not little-endian */
    ELF_ERR_VERSION,           /* not ELF version 1 */
    ELF_ERR_TYPE,              /* not ET_EXEC */
    ELF_ERR_MACHINE,           /* not x86_64 */
    ELF_ERR_HEADER_SIZE,       /* e_ehsize or e_phentsize wrong */
    ELF_ERR_PROGRAM_COUNT,     /* no program headers or too many */
    ELF_ERR_PROGRAM_BOUNDS,    /* program header table outside the file */
    ELF_ERR_DYNAMIC,           /* PT_DYNAMIC or PT_INTERP present */
    ELF_ERR_SEGMENT_EMPTY,     /* PT_LOAD with p_memsz 0 */
    ELF_ERR_SEGMENT_SIZE,      /* p_filesz > p_memsz */
    ELF_ERR_SEGMENT_BOUNDS,    /* segment file bytes outside the file */
    ELF_ERR_SEGMENT_ADDRESS,   /* below BOOT_KERNEL_BASE or wraps around */
    ELF_ERR_WRITE_EXECUTE,     /* writable and executable */
    ELF_ERR_SEGMENT_ORDER,     /* out of address order or sharing a page */
    ELF_ERR_TOO_MANY_SEGMENTS, /* more than ELF_MAX_SEGMENTS PT_LOAD */
    ELF_ERR_NO_SEGMENTS,       /* no PT_LOAD at all */
    ELF_ERR_IMAGE_SIZE,        /* segments span more than ELF_MAX_IMAGE_SIZE */
    ELF_ERR_ENTRY,             /* entry point not in an executable segment */
    ELF_ERR_DESTINATION,       /* elf_load: destination smaller than the image */
};

struct elf_segment {
    uint64_t virtual_address;
    uint64_t memory_size;
    uint64_t file_offset;
    uint64_t file_size;
    uint32_t flags; /* ELF_SEGMENT_* */
};

struct elf_image {
    uint64_t entry;
    uint64_t image_start; /* lowest segment address, rounded down to a page */
    uint64_t image_end;   /* highest segment end, rounded up to a page */
    uint32_t segment_count;
    struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/* A short English message for a result code; never NULL. */
const char *elf_result_message(enum elf_result result);

/* Checks `file` and describes its loadable image in *image. */
enum elf_result elf_check(struct bytes file, struct elf_image *image);

/* Copies the segments of a checked image into `destination`, which stands
 * for the virtual range [image_start, image_end): zero-fills everything, then
 * copies each segment's file bytes to virtual_address - image_start. */
enum elf_result elf_load(const struct elf_image *image, struct bytes file, uint8_t *destination,
                         size_t destination_size);

#endif
