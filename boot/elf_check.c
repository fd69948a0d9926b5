/* Checking and loading the kernel ELF file (see elf_check.h).
 *
 * Field offsets are those of the ELF-64 Object File Format, version 1.5
 * (header: Figure 2, program header: Figure 5). Every field is read with
 * load*_le from a bounds-checked offset; every sum of file-supplied values is
 * overflow-checked before it is compared. */
#include "boot/elf_check.h"

#include <stdbool.h>

#include "base/checked.h"
#include "base/endian.h"
#include "boot/bootinfo.h"

#define ELF_HEADER_SIZE 64
#define ELF_PROGRAM_HEADER_SIZE 56
#define ELF_CLASS_64 2
#define ELF_DATA_LITTLE 1
#define ELF_VERSION_CURRENT 1
#define ELF_TYPE_EXEC 2
#define ELF_MACHINE_X86_64 62
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3

static const char *const elf_messages[] = {
    [ELF_OK] = "ok",
    [ELF_ERR_TRUNCATED] = "file shorter than an ELF64 header",
    [ELF_ERR_MAGIC] = "not an ELF file (bad magic)",
    [ELF_ERR_CLASS] = "not a 64-bit ELF file",
    [ELF_ERR_ENCODING] = "not a little-endian ELF file",
    [ELF_ERR_VERSION] = "unknown ELF version",
    [ELF_ERR_TYPE] = "not an executable (ET_EXEC) ELF file",
    [ELF_ERR_MACHINE] = "not an x86_64 ELF file",
    [ELF_ERR_HEADER_SIZE] = "unexpected ELF header or program header size",
    [ELF_ERR_PROGRAM_COUNT] = "no program headers or too many",
    [ELF_ERR_PROGRAM_BOUNDS] = "program header table outside the file",
    [ELF_ERR_DYNAMIC] = "dynamically linked (PT_DYNAMIC or PT_INTERP)",
    [ELF_ERR_SEGMENT_EMPTY] = "loadable segment of size zero",
    [ELF_ERR_SEGMENT_SIZE] = "segment file size larger than its memory size",
    [ELF_ERR_SEGMENT_BOUNDS] = "segment data outside the file",
    [ELF_ERR_SEGMENT_ADDRESS] = "segment outside the kernel half of the address space",
    [ELF_ERR_WRITE_EXECUTE] = "segment both writable and executable",
    [ELF_ERR_SEGMENT_ORDER] = "segments out of address order or sharing a page",
    [ELF_ERR_TOO_MANY_SEGMENTS] = "too many loadable segments",
    [ELF_ERR_NO_SEGMENTS] = "no loadable segment",
    [ELF_ERR_IMAGE_SIZE] = "loadable image too large",
    [ELF_ERR_ENTRY] = "entry point not in an executable segment",
    [ELF_ERR_DESTINATION] = "destination smaller than the image",
};

const char *elf_result_message(enum elf_result result)
{
    if ((size_t)result < sizeof elf_messages / sizeof elf_messages[0] && elf_messages[result])
        return elf_messages[result];
    return "unknown ELF result";
}

static uint64_t page_floor(uint64_t address)
{
    return address & ~(BOOT_PAGE_SIZE - 1);
}

/* Rounds up to a page; false if that wraps past 2^64. */
static bool page_ceil(uint64_t address, uint64_t *out)
{
    if (!u64_add(address, BOOT_PAGE_SIZE - 1, out))
        return false;
    *out = page_floor(*out);
    return true;
}

static enum elf_result check_header(struct bytes file)
{
    const uint8_t *h = file.data;
    if (file.len < ELF_HEADER_SIZE)
        return ELF_ERR_TRUNCATED;
    if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F')
        return ELF_ERR_MAGIC;
    if (h[4] != ELF_CLASS_64)
        return ELF_ERR_CLASS;
    if (h[5] != ELF_DATA_LITTLE)
        return ELF_ERR_ENCODING;
    if (h[6] != ELF_VERSION_CURRENT || load32_le(h + 20) != ELF_VERSION_CURRENT)
        return ELF_ERR_VERSION;
    if (load16_le(h + 16) != ELF_TYPE_EXEC)
        return ELF_ERR_TYPE;
    if (load16_le(h + 18) != ELF_MACHINE_X86_64)
        return ELF_ERR_MACHINE;
    if (load16_le(h + 52) != ELF_HEADER_SIZE || load16_le(h + 54) != ELF_PROGRAM_HEADER_SIZE)
        return ELF_ERR_HEADER_SIZE;
    uint16_t count = load16_le(h + 56);
    if (count == 0 || count > ELF_MAX_PROGRAM_HEADERS)
        return ELF_ERR_PROGRAM_COUNT;
    uint64_t table_size = (uint64_t)count * ELF_PROGRAM_HEADER_SIZE;
    if (!range_fits(load64_le(h + 32), table_size, file.len))
        return ELF_ERR_PROGRAM_BOUNDS;
    return ELF_OK;
}

/* Checks one PT_LOAD entry on its own (not against its neighbours). */
static enum elf_result check_segment(const uint8_t *ph, struct bytes file,
                                     struct elf_segment *segment)
{
    segment->flags = load32_le(ph + 4);
    segment->file_offset = load64_le(ph + 8);
    segment->virtual_address = load64_le(ph + 16);
    segment->file_size = load64_le(ph + 32);
    segment->memory_size = load64_le(ph + 40);
    uint64_t end;
    if (segment->memory_size == 0)
        return ELF_ERR_SEGMENT_EMPTY;
    if (segment->file_size > segment->memory_size)
        return ELF_ERR_SEGMENT_SIZE;
    if (!range_fits(segment->file_offset, segment->file_size, file.len))
        return ELF_ERR_SEGMENT_BOUNDS;
    if (segment->virtual_address < BOOT_KERNEL_BASE ||
        !u64_add(segment->virtual_address, segment->memory_size, &end) || !page_ceil(end, &end))
        return ELF_ERR_SEGMENT_ADDRESS;
    if ((segment->flags & ELF_SEGMENT_WRITE) && (segment->flags & ELF_SEGMENT_EXECUTE))
        return ELF_ERR_WRITE_EXECUTE;
    return ELF_OK;
}

/* Collects the PT_LOAD entries in file order and checks each one. */
static enum elf_result collect_segments(struct bytes file, struct elf_image *image)
{
    uint64_t table = load64_le(file.data + 32);
    uint16_t count = load16_le(file.data + 56);
    for (uint16_t i = 0; i < count; i++) {
        const uint8_t *ph = file.data + table + (uint64_t)i * ELF_PROGRAM_HEADER_SIZE;
        uint32_t type = load32_le(ph);
        if (type == PT_DYNAMIC || type == PT_INTERP)
            return ELF_ERR_DYNAMIC;
        if (type != PT_LOAD)
            continue;
        if (image->segment_count == ELF_MAX_SEGMENTS)
            return ELF_ERR_TOO_MANY_SEGMENTS;
        enum elf_result result = check_segment(ph, file, &image->segments[image->segment_count]);
        if (result != ELF_OK)
            return result;
        image->segment_count++;
    }
    return image->segment_count == 0 ? ELF_ERR_NO_SEGMENTS : ELF_OK;
}

/* Ascending order with no shared page, so each page gets exactly one
 * segment's rights; then the span and the entry point. The ends cannot wrap:
 * check_segment proved that for every segment. */
static enum elf_result check_layout(struct elf_image *image)
{
    uint64_t previous_end = 0;
    bool entry_found = false;
    for (uint32_t i = 0; i < image->segment_count; i++) {
        const struct elf_segment *s = &image->segments[i];
        uint64_t end = s->virtual_address + s->memory_size;
        if (page_floor(s->virtual_address) < previous_end)
            return ELF_ERR_SEGMENT_ORDER;
        (void)page_ceil(end, &previous_end);
        if ((s->flags & ELF_SEGMENT_EXECUTE) && image->entry >= s->virtual_address &&
            image->entry < end)
            entry_found = true;
    }
    image->image_start = page_floor(image->segments[0].virtual_address);
    image->image_end = previous_end;
    if (image->image_end - image->image_start > ELF_MAX_IMAGE_SIZE)
        return ELF_ERR_IMAGE_SIZE;
    return entry_found ? ELF_OK : ELF_ERR_ENTRY;
}

enum elf_result elf_check(struct bytes file, struct elf_image *image)
{
    __builtin_memset(image, 0, sizeof *image);
    enum elf_result result = check_header(file);
    if (result == ELF_OK) {
        image->entry = load64_le(file.data + 24);
        result = collect_segments(file, image);
    }
    if (result == ELF_OK)
        result = check_layout(image);
    if (result != ELF_OK)
        __builtin_memset(image, 0, sizeof *image);
    return result;
}

enum elf_result elf_load(const struct elf_image *image, struct bytes file, uint8_t *destination,
                         size_t destination_size)
{
    if (image->image_end - image->image_start > destination_size)
        return ELF_ERR_DESTINATION;
    /* Re-check what the copy relies on, so a caller passing another file
     * than the one checked still cannot make it read or write out of bounds. */
    for (uint32_t i = 0; i < image->segment_count; i++) {
        const struct elf_segment *s = &image->segments[i];
        if (!range_fits(s->file_offset, s->file_size, file.len))
            return ELF_ERR_SEGMENT_BOUNDS;
        if (s->virtual_address < image->image_start ||
            !range_fits(s->virtual_address - image->image_start, s->memory_size,
                        destination_size))
            return ELF_ERR_SEGMENT_ADDRESS;
    }
    __builtin_memset(destination, 0, image->image_end - image->image_start);
    for (uint32_t i = 0; i < image->segment_count; i++) {
        const struct elf_segment *s = &image->segments[i];
        __builtin_memcpy(destination + (s->virtual_address - image->image_start),
                         file.data + s->file_offset, s->file_size);
    }
    return ELF_OK;
}
