/* Physical frame allocator: a bitmap with one bit per 4 KiB frame from
 * physical 0 up to the end of the highest usable region; bit set = not
 * available (allocated, or not usable RAM at all). Only frames inside
 * BOOT_MEMORY_USABLE regions at or above 1 MiB ever become free. Beside it,
 * a 16-bit reference count per frame (0 exactly when the frame is free or
 * not managed). Bitmap and counts live together in the first usable region
 * large enough, marked used. A word-level hint makes allocation O(1) in the
 * common case. All operations run with interrupts off (threads and
 * interrupt handlers may allocate). */
#include "kernel/mm/frame.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/mm/memory.h"
#include "kernel/panic.h"

#define LOW_MEMORY_END 0x100000ull

static uint64_t *bitmap;
static uint16_t *references; /* one per frame */
static uint64_t bitmap_words;
static uint64_t frame_count; /* frames covered by the bitmap */
static uint64_t managed_frames;
static uint64_t free_frames;
static uint64_t search_hint; /* word index where the last free bit was found */

static void bit_clear(uint64_t frame)
{
    bitmap[frame / 64] &= ~(1ull << (frame % 64));
}

static void bit_set(uint64_t frame)
{
    bitmap[frame / 64] |= 1ull << (frame % 64);
}

static bool bit_test(uint64_t frame)
{
    return (bitmap[frame / 64] >> (frame % 64)) & 1;
}

static uint64_t usable_end(void)
{
    uint32_t count;
    const struct boot_memory_region *map = memory_map(&count);
    uint64_t end = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (map[i].type == BOOT_MEMORY_USABLE && map[i].base + map[i].pages * FRAME_SIZE > end)
            end = map[i].base + map[i].pages * FRAME_SIZE;
    }
    return end;
}

/* First usable page-aligned physical range of `bytes` at or above 1 MiB. */
static uint64_t bitmap_place(uint64_t bytes)
{
    uint32_t count;
    const struct boot_memory_region *map = memory_map(&count);
    for (uint32_t i = 0; i < count; i++) {
        uint64_t base = map[i].base < LOW_MEMORY_END ? LOW_MEMORY_END : map[i].base;
        uint64_t end = map[i].base + map[i].pages * FRAME_SIZE;
        if (map[i].type == BOOT_MEMORY_USABLE && end > base && end - base >= bytes)
            return base;
    }
    panic("frame: no usable region can hold the %lu-byte frame bitmap", bytes);
}

/* Marks frames [first, last) free, a whole bitmap word at a time where
 * possible: boot cost must not grow with RAM size by much. */
static void frames_release(uint64_t first, uint64_t last)
{
    if (first >= last)
        return;
    free_frames += last - first;
    while (first < last && first % 64 != 0)
        bit_clear(first++);
    for (; first + 64 <= last; first += 64)
        bitmap[first / 64] = 0;
    while (first < last)
        bit_clear(first++);
}

/* Releases a usable region, except low memory and the bitmap's own pages. */
static void frames_release_region(uint64_t base, uint64_t end, uint64_t hole_start,
                                  uint64_t hole_end)
{
    if (base < LOW_MEMORY_END)
        base = LOW_MEMORY_END;
    if (end <= base)
        return;
    if (hole_end <= base || hole_start >= end) {
        frames_release(base / FRAME_SIZE, end / FRAME_SIZE);
        return;
    }
    if (hole_start > base)
        frames_release(base / FRAME_SIZE, hole_start / FRAME_SIZE);
    if (hole_end < end)
        frames_release(hole_end / FRAME_SIZE, end / FRAME_SIZE);
}

void frame_init(void)
{
    frame_count = usable_end() / FRAME_SIZE;
    bitmap_words = (frame_count + 63) / 64;
    uint64_t bitmap_bytes = (bitmap_words * 8 + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
    uint64_t reference_bytes = (frame_count * 2 + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
    uint64_t bitmap_phys = bitmap_place(bitmap_bytes + reference_bytes);
    bitmap = phys_to_virt(bitmap_phys);
    for (uint64_t i = 0; i < bitmap_words; i++)
        bitmap[i] = ~0ull;
    references = phys_to_virt(bitmap_phys + bitmap_bytes);
    for (uint64_t offset = 0; offset < reference_bytes; offset += FRAME_SIZE)
        page_zero((uint8_t *)references + offset);
    uint64_t hole_end = bitmap_phys + bitmap_bytes + reference_bytes;
    uint32_t count;
    const struct boot_memory_region *map = memory_map(&count);
    for (uint32_t i = 0; i < count; i++) {
        if (map[i].type != BOOT_MEMORY_USABLE)
            continue;
        frames_release_region(map[i].base, map[i].base + map[i].pages * FRAME_SIZE, bitmap_phys,
                              hole_end);
    }
    managed_frames = free_frames;
}

static uint64_t frame_find_free(void)
{
    for (uint64_t step = 0; step < bitmap_words; step++) {
        uint64_t word = (search_hint + step) % bitmap_words;
        if (bitmap[word] != ~0ull) {
            search_hint = word;
            return word * 64 + (uint64_t)__builtin_ctzll(~bitmap[word]);
        }
    }
    return 0;
}

uint64_t frame_alloc_unzeroed(void)
{
    bool was_enabled = interrupts_save();
    uint64_t frame = free_frames ? frame_find_free() : 0;
    if (frame != 0) {
        bit_set(frame);
        references[frame] = 1;
        free_frames--;
    }
    interrupts_restore(was_enabled);
    return frame * FRAME_SIZE;
}

uint64_t frame_alloc(void)
{
    uint64_t phys = frame_alloc_unzeroed();
    if (phys != 0)
        page_zero(phys_to_virt(phys));
    return phys;
}

/* True when phys lies in a usable region above 1 MiB: a frame we hand out. */
static bool frame_is_managed(uint64_t phys)
{
    uint32_t count;
    const struct boot_memory_region *map = memory_map(&count);
    if (phys < LOW_MEMORY_END)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        if (map[i].type == BOOT_MEMORY_USABLE && phys >= map[i].base &&
            phys < map[i].base + map[i].pages * FRAME_SIZE)
            return true;
    }
    return false;
}

/* The frame number of phys, which must be a frame the allocator manages. */
static uint64_t frame_checked(uint64_t phys, const char *who)
{
    if (phys % FRAME_SIZE != 0 || phys / FRAME_SIZE >= frame_count || !frame_is_managed(phys))
        panic("%s: 0x%lx is not a frame the allocator owns", who, phys);
    return phys / FRAME_SIZE;
}

/* Drops one reference to frame (interrupts off); frees it at the last. */
static bool reference_drop(uint64_t frame, const char *who)
{
    if (references[frame] == 0 || !bit_test(frame))
        panic("%s: double free of frame 0x%lx", who, frame * FRAME_SIZE);
    if (--references[frame] != 0)
        return false;
    bit_clear(frame);
    free_frames++;
    return true;
}

void frame_free(uint64_t phys)
{
    uint64_t frame = frame_checked(phys, "frame_free");
    bool was_enabled = interrupts_save();
    if (references[frame] > 1)
        panic("frame_free: frame 0x%lx is shared (%u references)", phys, references[frame]);
    reference_drop(frame, "frame_free");
    interrupts_restore(was_enabled);
}

void frame_get(uint64_t phys)
{
    uint64_t frame = frame_checked(phys, "frame_get");
    bool was_enabled = interrupts_save();
    if (references[frame] == 0)
        panic("frame_get: frame 0x%lx is free", phys);
    if (references[frame] == FRAME_MAX_REFERENCES)
        panic("frame_get: frame 0x%lx has %u references already", phys, FRAME_MAX_REFERENCES);
    references[frame]++;
    interrupts_restore(was_enabled);
}

bool frame_put(uint64_t phys)
{
    uint64_t frame = frame_checked(phys, "frame_put");
    bool was_enabled = interrupts_save();
    bool freed = reference_drop(frame, "frame_put");
    interrupts_restore(was_enabled);
    return freed;
}

uint32_t frame_references(uint64_t phys)
{
    uint64_t frame = phys / FRAME_SIZE;
    if (phys % FRAME_SIZE != 0 || frame >= frame_count)
        return 0;
    return references[frame];
}

/* First frame of a free run of `frames` frames starting at a multiple of
 * `step` frames and ending at or below frame `end`, or 0. */
static uint64_t run_find(uint64_t frames, uint64_t step, uint64_t end)
{
    uint64_t start = (LOW_MEMORY_END / FRAME_SIZE + step - 1) / step * step;
    while (start + frames <= end) {
        uint64_t i = 0;
        while (i < frames && !bit_test(start + i))
            i++;
        if (i == frames)
            return start;
        start = (start + i + 1 + step - 1) / step * step; /* past the used frame */
    }
    return 0;
}

uint64_t frame_alloc_contiguous_unzeroed(uint64_t frames, uint64_t alignment, uint64_t limit)
{
    if (frames == 0 || alignment < FRAME_SIZE || (alignment & (alignment - 1)) != 0)
        return 0;
    uint64_t end = limit == 0 || limit / FRAME_SIZE > frame_count ? frame_count : limit / FRAME_SIZE;
    bool was_enabled = interrupts_save();
    uint64_t first = frames <= free_frames ? run_find(frames, alignment / FRAME_SIZE, end) : 0;
    for (uint64_t i = 0; first != 0 && i < frames; i++) {
        bit_set(first + i);
        references[first + i] = 1;
    }
    if (first != 0)
        free_frames -= frames;
    interrupts_restore(was_enabled);
    return first * FRAME_SIZE;
}

uint64_t frame_alloc_contiguous(uint64_t frames, uint64_t alignment, uint64_t limit)
{
    uint64_t phys = frame_alloc_contiguous_unzeroed(frames, alignment, limit);
    for (uint64_t i = 0; phys != 0 && i < frames; i++)
        page_zero(phys_to_virt(phys + i * FRAME_SIZE));
    return phys;
}

void frame_free_contiguous(uint64_t phys, uint64_t frames)
{
    for (uint64_t i = 0; i < frames; i++)
        frame_free(phys + i * FRAME_SIZE);
}

bool frame_is_free(uint64_t phys)
{
    uint64_t frame = phys / FRAME_SIZE;
    return frame < frame_count && !bit_test(frame) && frame_is_managed(phys);
}

void frame_stats(struct frame_stats *out)
{
    uint32_t count;
    const struct boot_memory_region *map = memory_map(&count);
    uint64_t owned = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t type = map[i].type;
        if (type == BOOT_MEMORY_USABLE || type == BOOT_MEMORY_KERNEL ||
            type == BOOT_MEMORY_BOOT_DATA || type == BOOT_MEMORY_ACPI_RECLAIM)
            owned += map[i].pages;
    }
    out->total_frames = managed_frames;
    out->free_frames = free_frames;
    out->allocated_frames = managed_frames - free_frames;
    out->reserved_frames = owned - managed_frames;
}

uint64_t frame_free_count(void)
{
    return free_frames;
}

void frame_for_each_free_range(frame_range_fn fn, void *context)
{
    uint64_t run_start = 0, run_length = 0;
    for (uint64_t frame = 0; frame < frame_count; frame++) {
        if (!bit_test(frame)) {
            if (run_length == 0)
                run_start = frame;
            run_length++;
            continue;
        }
        if (run_length)
            fn(run_start * FRAME_SIZE, run_length, context);
        run_length = 0;
    }
    if (run_length)
        fn(run_start * FRAME_SIZE, run_length, context);
}
