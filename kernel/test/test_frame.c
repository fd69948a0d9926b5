/* In-kernel tests of the frame allocator's reference counts and of
 * physically contiguous allocation (kernel/mm/frame.h). */
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/test/test.h"

#include <stdint.h>

/* A frame shared by three holders is freed only when the last one puts it. */
static bool test_frame_reference_counts(void)
{
    struct frame_stats before, after;
    frame_stats(&before);
    uint64_t frame = frame_alloc();
    TEST_REQUIRE(frame, "frame_alloc failed");
    TEST_REQUIRE(frame_references(frame) == 1, "a new frame has %u references",
                 frame_references(frame));
    /* frame_free_count is frame_stats' count, kept without the map walk. */
    uint64_t count_allocated = frame_free_count();
    frame_get(frame);
    frame_get(frame);
    TEST_REQUIRE(frame_references(frame) == 3, "after two gets: %u references",
                 frame_references(frame));
    bool freed_first = frame_put(frame), freed_second = frame_put(frame);
    bool free_early = frame_is_free(frame);
    uint32_t left = frame_references(frame);
    bool freed_last = frame_put(frame);
    frame_stats(&after);
    TEST_REQUIRE(!freed_first && !freed_second && !free_early && left == 1,
                 "freed before the last put (puts %d %d, free %d, %u left)", freed_first,
                 freed_second, free_early, left);
    TEST_REQUIRE(freed_last && frame_is_free(frame) && frame_references(frame) == 0,
                 "not freed at the last put");
    TEST_REQUIRE(after.free_frames == before.free_frames, "free frames %lu -> %lu",
                 before.free_frames, after.free_frames);
    TEST_REQUIRE(count_allocated == before.free_frames - 1 &&
                     frame_free_count() == after.free_frames,
                 "frame_free_count %lu with the frame, %lu after; frame_stats %lu, %lu",
                 count_allocated, frame_free_count(), before.free_frames - 1, after.free_frames);
    return true;
}

#define DMA_FRAMES 16
#define DMA_ALIGNMENT (64ull * 1024)
#define DMA_LIMIT (1ull << 32)

/* Fills each frame of the run through the direct map with its index and
 * checks that they were zero and are all allocated, each once. */
static bool contiguous_run_check(uint64_t phys)
{
    for (uint64_t i = 0; i < DMA_FRAMES; i++) {
        uint64_t *words = phys_to_virt(phys + i * FRAME_SIZE);
        TEST_REQUIRE(words[0] == 0 && words[511] == 0, "frame %lu of the run not zeroed", i);
        TEST_REQUIRE(!frame_is_free(phys + i * FRAME_SIZE) &&
                         frame_references(phys + i * FRAME_SIZE) == 1,
                     "frame %lu of the run: free %d, %u references", i,
                     frame_is_free(phys + i * FRAME_SIZE), frame_references(phys + i * FRAME_SIZE));
        words[0] = i + 1;
    }
    return true;
}

static bool test_frame_contiguous_aligned(void)
{
    struct frame_stats before, during, after;
    frame_stats(&before);
    TEST_REQUIRE(frame_alloc_contiguous(before.free_frames + 1, FRAME_SIZE, 0) == 0,
                 "a run longer than free memory was allocated");
    TEST_REQUIRE(frame_alloc_contiguous(DMA_FRAMES, 3 * FRAME_SIZE, 0) == 0,
                 "an alignment that is not a power of two was accepted");
    uint64_t phys = frame_alloc_contiguous(DMA_FRAMES, DMA_ALIGNMENT, DMA_LIMIT);
    TEST_REQUIRE(phys, "no %u-frame run below 4 GiB", DMA_FRAMES);
    frame_stats(&during);
    bool ok = contiguous_run_check(phys);
    frame_free_contiguous(phys, DMA_FRAMES);
    frame_stats(&after);
    if (!ok)
        return false;
    TEST_REQUIRE(phys % DMA_ALIGNMENT == 0 && phys + DMA_FRAMES * FRAME_SIZE <= DMA_LIMIT,
                 "run at 0x%lx: misaligned or above the limit", phys);
    TEST_REQUIRE(before.free_frames - during.free_frames == DMA_FRAMES &&
                     after.free_frames == before.free_frames,
                 "free frames %lu -> %lu -> %lu", before.free_frames, during.free_frames,
                 after.free_frames);
    TEST_REQUIRE(frame_is_free(phys) && frame_is_free(phys + (DMA_FRAMES - 1) * FRAME_SIZE),
                 "run not free after frame_free_contiguous");
    return true;
}

/* frame_alloc_unzeroed hands out frames as their last owner left them;
 * frame_alloc must still zero them: dirty a batch, free it, and every
 * frame frame_alloc gives next (the same ones, the hint finds them again)
 * reads zero. */
#define DIRTY_FRAMES 32
static bool test_frame_unzeroed_then_zeroed(void)
{
    uint64_t frames[DIRTY_FRAMES], again[DIRTY_FRAMES];
    uint64_t free_before = frame_free_count();
    for (int i = 0; i < DIRTY_FRAMES; i++) {
        frames[i] = frame_alloc_unzeroed();
        TEST_REQUIRE(frames[i] != 0 && frame_references(frames[i]) == 1,
                     "unzeroed frame %d: 0x%lx", i, frames[i]);
        __builtin_memset(phys_to_virt(frames[i]), 0xa5, FRAME_SIZE);
    }
    TEST_REQUIRE(frame_free_count() == free_before - DIRTY_FRAMES, "free count %lu, was %lu",
                 frame_free_count(), free_before);
    for (int i = 0; i < DIRTY_FRAMES; i++)
        frame_free(frames[i]);
    int reused = 0, dirty = 0;
    for (int i = 0; i < DIRTY_FRAMES; i++) {
        uint64_t frame = frame_alloc();
        TEST_REQUIRE(frame != 0, "frame_alloc failed");
        const uint8_t *bytes = phys_to_virt(frame);
        for (uint64_t k = 0; k < FRAME_SIZE; k++)
            dirty += bytes[k] != 0;
        for (int j = 0; j < DIRTY_FRAMES; j++)
            reused += frames[j] == frame;
        again[i] = frame;
    }
    for (int i = 0; i < DIRTY_FRAMES; i++)
        frame_free(again[i]);
    TEST_REQUIRE(dirty == 0, "%d nonzero bytes in frames from frame_alloc", dirty);
    TEST_REQUIRE(reused > 0, "no dirtied frame came back: the test checked nothing");
    return true;
}

static const struct test_case test_frame_cases[] = {
    { "frame_unzeroed_then_zeroed", test_frame_unzeroed_then_zeroed },
    { "frame_reference_counts", test_frame_reference_counts },
    { "frame_contiguous_aligned", test_frame_contiguous_aligned },
};
TEST_TABLE(test_frame_cases);
