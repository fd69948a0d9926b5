/* Physical frame allocator: one bit per 4 KiB frame of usable RAM, built
 * from the bootinfo memory map. Only BOOT_MEMORY_USABLE regions are ever
 * handed out; the kernel image, boot data (bootinfo, memory map, bundle,
 * loader stack and page tables), ACPI tables and the first megabyte are not.
 * Frames are returned as physical addresses; 0 means "no frame".
 *
 * Every allocated frame has a reference count: 1 from frame_alloc, one more
 * per frame_get (a page shared between address spaces, a capability to
 * memory); frame_put drops one and frees the frame at the last. frame_free
 * is the put of a frame its caller owns alone: it panics if the frame is
 * shared, so a shared page can never be freed under its other holders. */
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

/* The same without the zeroing: the frame holds whatever its last owner
 * left. Only for a caller that overwrites every byte before anything else
 * can read it or it is mapped (a page filled with a copy): zeroing first
 * would write each page twice. */
uint64_t frame_alloc_unzeroed(void);

/* Returns a frame its caller holds the only reference to. Panics on a
 * double free, a shared frame or an address the allocator does not own. */
void frame_free(uint64_t phys);

/* Takes one more reference to an allocated frame (panics if it is free,
 * not the allocator's, or at FRAME_MAX_REFERENCES). */
#define FRAME_MAX_REFERENCES 0xffffu
void frame_get(uint64_t phys);

/* Drops one reference; frees the frame and returns true at the last. Panics
 * on a frame that is free or not the allocator's. */
bool frame_put(uint64_t phys);

/* References to phys: 0 when free (or not a managed frame). */
uint32_t frame_references(uint64_t phys);

/* Physically contiguous, zeroed frames for device DMA: `frames` frames
 * starting at a multiple of `alignment` (a power of two, at least
 * FRAME_SIZE), ending at or below `limit` (0: anywhere; 1ull << 32 for
 * devices that address only 32 bits). Returns the first frame's physical
 * address, each frame with one reference, or 0 when no such run is free
 * (then nothing changed). Costs a scan of the bitmap. */
uint64_t frame_alloc_contiguous(uint64_t frames, uint64_t alignment, uint64_t limit);

/* The same without the zeroing, under frame_alloc_unzeroed's rule. */
uint64_t frame_alloc_contiguous_unzeroed(uint64_t frames, uint64_t alignment, uint64_t limit);

/* Frees frames frames from frame_alloc_contiguous (frame_free on each). */
void frame_free_contiguous(uint64_t phys, uint64_t frames);

void frame_stats(struct frame_stats *out);

/* frame_stats' free_frames alone, without its walk of the memory map: for
 * callers that count page-table frames around every mapping. */
uint64_t frame_free_count(void);

/* True when phys is a managed frame that is currently free. */
bool frame_is_free(uint64_t phys);

/* Calls fn for each maximal run of free frames (for the ZeroState wipe). */
typedef void (*frame_range_fn)(uint64_t phys_base, uint64_t frames, void *context);
void frame_for_each_free_range(frame_range_fn fn, void *context);

#endif
