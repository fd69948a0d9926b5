/* Physical frame allocator: one bit per 4 KiB frame of usable RAM, built
 * from the bootinfo memory map. Only BOOT_MEMORY_USABLE regions are ever
 * handed out; the kernel image, boot data (bootinfo, memory map, bundle,
 * loader stack and page tables), ACPI tables and the first megabyte are not.
 * Frames are returned as physical addresses; 0 means "no frame". */
#ifndef NONOS_MM_FRAME_H
#define NONOS_MM_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#define FRAME_SIZE ((uint64_t)4096)

struct frame_stats {
    uint64_t total_frames;     /* usable frames the allocator manages */
    uint64_t free_frames;      /* of those, currently free */
    uint64_t allocated_frames; /* total - free */
    uint64_t reserved_frames;  /* RAM the allocator never hands out (kernel, boot data, ACPI) */
};

void frame_init(void);

/* One zero-filled 4 KiB frame, or 0 when memory is exhausted. */
uint64_t frame_alloc(void);

/* Returns a frame from frame_alloc. Panics on a double free or an address
 * the allocator does not own. */
void frame_free(uint64_t phys);

void frame_stats(struct frame_stats *out);

/* True when phys is a managed frame that is currently free. */
bool frame_is_free(uint64_t phys);

/* Calls fn for each maximal run of free frames (for the ZeroState wipe). */
typedef void (*frame_range_fn)(uint64_t phys_base, uint64_t frames, void *context);
void frame_for_each_free_range(frame_range_fn fn, void *context);

#endif
