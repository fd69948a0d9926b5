/* In-kernel tests of memory management: frame allocator exhaustion and
 * reuse, mapping and unmapping, a deliberate page fault, heap stress and
 * heap corruption detection. */
#include "kernel/arch/interrupt.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/test/test.h"

#include <stdint.h>

struct frame_census {
    uint64_t count, sum, xor_all, head;
};

/* Allocates every free frame, chaining them through their first word. */
static bool frames_take_all(struct frame_census *census)
{
    *census = (struct frame_census){ 0, 0, 0, 0 };
    for (uint64_t frame; (frame = frame_alloc()) != 0;) {
        uint64_t *word = phys_to_virt(frame);
        TEST_REQUIRE(word[0] == 0 && word[511] == 0, "frame 0x%lx not zeroed", frame);
        word[0] = census->head;
        census->head = frame;
        census->count++;
        census->sum += frame;
        census->xor_all ^= frame;
    }
    return true;
}

static void frames_give_back(uint64_t head)
{
    while (head) {
        uint64_t next = *(uint64_t *)phys_to_virt(head);
        frame_free(head);
        head = next;
    }
}

static bool test_frame_exhaustion_reuse(void)
{
    struct frame_stats before, empty, after;
    struct frame_census first, second;
    frame_stats(&before);
    bool ok = frames_take_all(&first);
    frame_stats(&empty);
    frames_give_back(first.head);
    TEST_REQUIRE(ok, "first pass failed");
    TEST_REQUIRE(empty.free_frames == 0, "%lu frames still free at exhaustion", empty.free_frames);
    TEST_REQUIRE(first.count == before.free_frames && first.count > 1000,
                 "allocated %lu frames, %lu were free", first.count, before.free_frames);
    ok = frames_take_all(&second);
    frames_give_back(second.head);
    TEST_REQUIRE(ok, "second pass failed");
    TEST_REQUIRE(second.count == first.count && second.sum == first.sum &&
                     second.xor_all == first.xor_all,
                 "second pass got a different set of frames (%lu vs %lu)", second.count,
                 first.count);
    frame_stats(&after);
    TEST_REQUIRE(after.free_frames == before.free_frames, "free frames %lu -> %lu",
                 before.free_frames, after.free_frames);
    return true;
}

static bool test_vm_map_unmap(void)
{
    uint64_t frame = frame_alloc();
    uint64_t virt = vm_reserve(1);
    TEST_REQUIRE(frame && virt, "no frame or no virtual space");
    struct frame_stats before, after;
    frame_stats(&before);
    struct vm_space *kernel = vm_space_kernel();
    TEST_REQUIRE(vm_map(kernel, virt, frame, 1, VM_WRITE | VM_EXEC) == VM_ERROR_WX,
                 "W+X mapping accepted");
    TEST_REQUIRE(vm_map(kernel, MEMORY_KERNEL_BASE, frame, 1, VM_WRITE) == VM_ERROR_RANGE,
                 "mapping over the kernel image accepted");
    TEST_REQUIRE(vm_map(kernel, 0x400000, frame, 1, VM_USER) == VM_ERROR_RANGE,
                 "user mapping in the kernel space accepted");
    int result = vm_map(kernel, virt, frame, 1, VM_WRITE);
    TEST_REQUIRE(result == VM_OK, "vm_map: %s", vm_error_message(result));
    TEST_REQUIRE(vm_map(kernel, virt, frame, 1, VM_WRITE) == VM_ERROR_MAPPED,
                 "double mapping accepted");
    volatile uint64_t *through_map = (volatile uint64_t *)(uintptr_t)virt;
    through_map[7] = 0x1122334455667788ull;
    TEST_REQUIRE(((uint64_t *)phys_to_virt(frame))[7] == 0x1122334455667788ull,
                 "write through the mapping not seen in the frame");
    TEST_REQUIRE(virt_to_phys((const void *)(uintptr_t)virt) == frame, "virt_to_phys mismatch");
    struct vm_mapping mapping;
    TEST_REQUIRE(vm_query(kernel, virt, &mapping) && mapping.flags == VM_WRITE &&
                     mapping.page_size == PAGE_SIZE,
                 "mapping flags 0x%x size %lu", mapping.flags, mapping.page_size);
    vm_unmap(kernel, virt, 1);
    TEST_REQUIRE(!vm_query(kernel, virt, NULL), "still mapped after vm_unmap");
    struct fault_record record;
    TEST_REQUIRE(fault_try_read((const volatile void *)(uintptr_t)virt, &record),
                 "read after unmap did not fault (stale TLB?)");
    TEST_REQUIRE(record.address == virt && !(record.access & FAULT_ACCESS_PRESENT),
                 "fault at 0x%lx error 0x%lx", record.address, record.error_code);
    frame_stats(&after);
    frame_free(frame);
    TEST_REQUIRE(after.free_frames == before.free_frames,
                 "page tables leaked: free frames %lu -> %lu", before.free_frames,
                 after.free_frames);
    return true;
}

static bool test_page_fault_caught(void)
{
    struct fault_record record;
    uint64_t value = 0;
    /* Low memory: mapped by the loader, but the kernel keeps no identity map. */
    TEST_REQUIRE(fault_try_read((const volatile void *)0x200000, &record),
                 "reading low memory did not fault: identity map left in place");
    TEST_REQUIRE(record.page_fault && record.address == 0x200000,
                 "vector %lu address 0x%lx", record.vector, record.address);
    TEST_REQUIRE(record.pc == (uint64_t)(uintptr_t)probe_read, "fault pc 0x%lx", record.pc);
    TEST_REQUIRE(!(record.access & (FAULT_ACCESS_PRESENT | FAULT_ACCESS_WRITE | FAULT_ACCESS_USER)),
                 "error code 0x%lx", record.error_code);
    TEST_REQUIRE(probe_read(&value, &value) == 0, "probe of a valid address failed");
    TEST_REQUIRE(!fault_expect_end(NULL), "expectation still reports a fault after disarm");
    return true;
}

#define STRESS_SLOTS 200
#define STRESS_ROUNDS 3000

static uint8_t stress_byte(size_t slot, size_t index, size_t size)
{
    return (uint8_t)(slot * 31 + index * 7 + size);
}

static bool stress_check_free(uint8_t **slots, size_t *sizes, size_t slot)
{
    for (size_t j = 0; j < sizes[slot]; j++)
        TEST_REQUIRE(slots[slot][j] == stress_byte(slot, j, sizes[slot]),
                     "block %zu (%zu bytes) corrupted at byte %zu", slot, sizes[slot], j);
    kfree(slots[slot]);
    slots[slot] = NULL;
    return true;
}

static bool stress_allocate(uint8_t **slots, size_t *sizes, size_t slot, uint64_t *random)
{
    size_t limit = test_random(random) % 8 == 0 ? 20000 : 700;
    size_t size = 1 + test_random(random) % limit;
    uint8_t *block = kmalloc(size);
    TEST_REQUIRE(block, "kmalloc(%zu) failed", size);
    TEST_REQUIRE((uintptr_t)block % 16 == 0, "kmalloc(%zu) = %p not 16-aligned", size, block);
    for (size_t j = 0; j < size; j++)
        block[j] = stress_byte(slot, j, size);
    slots[slot] = block;
    sizes[slot] = size;
    return true;
}

static bool test_heap_stress(void)
{
    static uint8_t *slots[STRESS_SLOTS];
    static size_t sizes[STRESS_SLOTS];
    struct heap_stats before, after;
    uint64_t random = 12345;
    heap_stats(&before);
    bool ok = true;
    for (int round = 0; ok && round < STRESS_ROUNDS; round++) {
        size_t slot = test_random(&random) % STRESS_SLOTS;
        ok = slots[slot] ? stress_check_free(slots, sizes, slot)
                         : stress_allocate(slots, sizes, slot, &random);
    }
    for (size_t slot = 0; slot < STRESS_SLOTS; slot++) {
        if (slots[slot] && !stress_check_free(slots, sizes, slot))
            ok = false;
    }
    if (!ok)
        return false;
    heap_stats(&after);
    TEST_REQUIRE(after.bytes_in_use == before.bytes_in_use && after.live_blocks == before.live_blocks,
                 "leak: %lu bytes / %lu blocks in use, was %lu / %lu", after.bytes_in_use,
                 after.live_blocks, before.bytes_in_use, before.live_blocks);
    TEST_REQUIRE(after.total_allocs - before.total_allocs == after.total_frees - before.total_frees,
                 "allocs and frees differ");
    TEST_REQUIRE(kmalloc(0) == NULL, "kmalloc(0) returned a block");
    return true;
}

static void (*volatile free_opaque)(void *block) = kfree;

static bool test_heap_corruption_detected(void)
{
    uint8_t *block = kmalloc(40);
    TEST_REQUIRE(block, "kmalloc failed");
    TEST_REQUIRE(heap_check(block) == HEAP_OK, "fresh block fails its check");
    uint8_t saved = block[40];
    block[40] = (uint8_t)~saved; /* one byte past the end */
    int overflow = heap_check(block);
    block[40] = saved;
    TEST_REQUIRE(overflow == HEAP_ERROR_OVERFLOW, "overflow not detected: %s",
                 heap_error_message(overflow));
    TEST_REQUIRE(heap_check(block + 16) != HEAP_OK, "interior pointer accepted");
    /* heap_check reads the header of a freed block on purpose (that is what
     * it checks), so these frees go through a pointer the static analyzer
     * does not follow. */
    uintptr_t small_address = (uintptr_t)block;
    free_opaque(block);
    TEST_REQUIRE(heap_check((const void *)small_address) == HEAP_ERROR_DOUBLE_FREE,
                 "double free not detected");
    uint8_t *large = kmalloc(3 * 4096);
    TEST_REQUIRE(large, "large kmalloc failed");
    uintptr_t large_address = (uintptr_t)large;
    free_opaque(large);
    TEST_REQUIRE(heap_check((const void *)large_address) != HEAP_OK,
                 "freed large block still passes its check");
    TEST_REQUIRE(!vm_query(vm_space_kernel(), large_address, NULL),
                 "freed large block still mapped");
    return true;
}

static const struct test_case test_mm_cases[] = {
    { "frame_exhaustion_and_reuse", test_frame_exhaustion_reuse },
    { "vm_map_write_unmap_faults", test_vm_map_unmap },
    { "page_fault_caught", test_page_fault_caught },
    { "heap_stress", test_heap_stress },
    { "heap_corruption_detected", test_heap_corruption_detected },
};
TEST_TABLE(test_mm_cases);
