/* libFuzzer target for the loader's kernel ELF checker (boot/elf_check.c).
 * Any input must give either ELF_OK with a self-consistent image (segments
 * inside the file and the span, entry in an executable segment, no W+X), or
 * an error with the image zeroed; accepted images must load with elf_load.
 * Crashes, sanitizer reports and hangs are findings. */
#include <stdint.h>
#include <stdlib.h>

#include "boot/bootinfo.h"
#include "boot/elf_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_image(const struct elf_image *image, const uint8_t *data, size_t size)
{
    int entry_ok = 0;
    if (image->segment_count == 0 || image->image_start < BOOT_KERNEL_BASE ||
        image->image_end <= image->image_start ||
        image->image_end - image->image_start > ELF_MAX_IMAGE_SIZE)
        abort();
    for (uint32_t i = 0; i < image->segment_count; i++) {
        const struct elf_segment *s = &image->segments[i];
        if (s->file_offset > size || s->file_size > size - s->file_offset ||
            s->file_size > s->memory_size || s->virtual_address < image->image_start ||
            s->memory_size > image->image_end - s->virtual_address ||
            ((s->flags & ELF_SEGMENT_WRITE) && (s->flags & ELF_SEGMENT_EXECUTE)))
            abort();
        if ((s->flags & ELF_SEGMENT_EXECUTE) && image->entry >= s->virtual_address &&
            image->entry - s->virtual_address < s->memory_size)
            entry_ok = 1;
    }
    if (!entry_ok)
        abort();
    /* Loading is only worth its allocation for small spans. */
    size_t span = image->image_end - image->image_start;
    if (span <= (1u << 20)) {
        uint8_t *memory = malloc(span);
        if (!memory || elf_load(image, bytes_make(data, size), memory, span) != ELF_OK)
            abort();
        free(memory);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image image;
    enum elf_result result = elf_check(bytes_make(data, size), &image);
    if (result == ELF_OK) {
        check_image(&image, data, size);
    } else {
        const uint8_t *bytes = (const uint8_t *)&image;
        for (size_t i = 0; i < sizeof image; i++) {
            if (bytes[i] != 0)
                abort();
        }
        if (!elf_result_message(result)[0])
            abort();
    }
    return 0;
}
