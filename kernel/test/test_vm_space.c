/* In-kernel tests of address spaces (kernel/mm/vm.h): a second space's user
 * mapping is its own (invisible from the kernel space and from a third
 * space, readable once the space is active), every space shares the kernel
 * half, and destroying a space gives back every page table it used. Also
 * the vmap window's reuse of released ranges, guard pages intact. */
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/mmu.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/test/test.h"

#include <stdint.h>

#define USER_ADDRESS 0x0000000040000000ull
#define USER_MAGIC 0x5a5aa5a5c3c33c3cull

/* Maps frame as a writable user page at USER_ADDRESS in space and checks
 * what each space sees of it and of the rules. */
static bool user_mapping_checks(struct vm_space *space, struct vm_space *other, uint64_t frame)
{
    struct vm_space *kernel = vm_space_kernel();
    int result = vm_map(space, USER_ADDRESS, frame, 1, VM_USER | VM_WRITE);
    TEST_REQUIRE(result == VM_OK, "vm_map in a user space: %s", vm_error_message(result));
    struct vm_mapping mapping;
    TEST_REQUIRE(vm_query(space, USER_ADDRESS, &mapping) && mapping.phys == frame &&
                     mapping.flags == (VM_USER | VM_WRITE),
                 "the space's own query: phys 0x%lx flags 0x%x", mapping.phys, mapping.flags);
    TEST_REQUIRE(!vm_query(kernel, USER_ADDRESS, NULL), "user mapping visible in the kernel space");
    TEST_REQUIRE(!vm_query(other, USER_ADDRESS, NULL), "user mapping visible in another space");
    TEST_REQUIRE(vm_map(space, USER_ADDRESS + PAGE_SIZE, frame, 1, VM_USER | VM_WRITE | VM_EXEC) ==
                     VM_ERROR_WX,
                 "W+X user mapping accepted");
    TEST_REQUIRE(vm_map(space, MMU_USER_END - PAGE_SIZE, frame, 2, VM_USER) == VM_ERROR_RANGE,
                 "user mapping across the end of the user half accepted");
    return true;
}

/* A kernel-half mapping made through the kernel space after the spaces
 * exist is seen through them, and its removal too. */
static bool kernel_half_shared(struct vm_space *space)
{
    struct vm_space *kernel = vm_space_kernel();
    uint64_t frame = frame_alloc();
    uint64_t virt = vm_reserve(1);
    TEST_REQUIRE(frame && virt, "no frame or no vmap space");
    bool ok = vm_map(kernel, virt, frame, 1, VM_WRITE) == VM_OK;
    struct vm_mapping mapping = { 0, 0, 0 };
    bool seen = ok && vm_query(space, virt, &mapping) && mapping.phys == frame;
    vm_unmap(kernel, virt, 1);
    bool gone = !vm_query(space, virt, NULL);
    frame_free(frame);
    TEST_REQUIRE(ok, "kernel vm_map failed");
    TEST_REQUIRE(seen, "kernel-half mapping not seen through a user space (phys 0x%lx)",
                 mapping.phys);
    TEST_REQUIRE(gone, "kernel-half unmapping not seen through a user space");
    return true;
}

/* With space active the user page reads back through user_access_begin/end;
 * back in the kernel space the same address is not mapped at all. */
static bool activation_checks(struct vm_space *space)
{
    struct fault_record record;
    volatile const uint64_t *user = (volatile const uint64_t *)(uintptr_t)USER_ADDRESS;
    bool was_enabled = interrupts_save(); /* no other thread runs in this space */
    vm_space_activate(space);
    bool active_ok = vm_space_active() == space;
    user_access_begin();
    bool faulted_inside = fault_try_read(user, &record);
    uint64_t value = faulted_inside ? 0 : *user;
    user_access_end();
    vm_space_activate(vm_space_kernel());
    bool faulted_outside = fault_try_read(user, &record);
    interrupts_restore(was_enabled);
    TEST_REQUIRE(active_ok, "vm_space_active is not the activated space");
    TEST_REQUIRE(!faulted_inside && value == USER_MAGIC,
                 "reading the user page in its space: faulted %d, value 0x%lx", faulted_inside,
                 value);
    TEST_REQUIRE(faulted_outside && record.page_fault && record.address == USER_ADDRESS &&
                     !(record.access & FAULT_ACCESS_PRESENT),
                 "in the kernel space the user page is not absent (access 0x%x)", record.access);
    return true;
}

static bool test_vm_space_user_half_private(void)
{
    struct vm_space *warm = vm_space_create(); /* the heap's first block of this size */
    TEST_REQUIRE(warm, "vm_space_create failed");
    vm_space_destroy(warm);
    struct frame_stats before, after;
    frame_stats(&before);
    struct vm_space *space = vm_space_create(), *other = vm_space_create();
    uint64_t frame = frame_alloc();
    bool ok = space && other && frame;
    if (ok) {
        *(uint64_t *)phys_to_virt(frame) = USER_MAGIC;
        ok = user_mapping_checks(space, other, frame) && kernel_half_shared(space) &&
             activation_checks(space);
    } else {
        test_fail("no space or no frame");
    }
    if (space)
        vm_space_destroy(space);
    if (other)
        vm_space_destroy(other);
    if (frame)
        frame_free(frame);
    if (!ok)
        return false;
    frame_stats(&after);
    TEST_REQUIRE(after.free_frames == before.free_frames,
                 "page tables leaked: free frames %lu -> %lu", before.free_frames,
                 after.free_frames);
    return true;
}

/* Maps a fresh frame at each page of [base, base + pages), writes through
 * it, and checks the guard page below base is unmapped and faults. Unmaps
 * and frees everything again. */
static bool vmap_range_usable(uint64_t base, uint64_t pages)
{
    struct vm_space *kernel = vm_space_kernel();
    struct fault_record record;
    TEST_REQUIRE(!vm_query(kernel, base - PAGE_SIZE, NULL), "guard page below 0x%lx mapped", base);
    bool ok = true;
    for (uint64_t i = 0; ok && i < pages; i++) {
        uint64_t frame = frame_alloc();
        ok = frame && vm_map(kernel, base + i * PAGE_SIZE, frame, 1, VM_WRITE) == VM_OK;
        if (ok)
            *(volatile uint64_t *)(uintptr_t)(base + i * PAGE_SIZE) = i;
        else if (frame)
            frame_free(frame);
    }
    bool guard_faults = fault_try_write((volatile void *)(uintptr_t)(base - 8), 0, &record) &&
                        record.address == base - 8;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t phys = virt_to_phys((const void *)(uintptr_t)(base + i * PAGE_SIZE));
        vm_unmap(kernel, base + i * PAGE_SIZE, 1);
        if (phys)
            frame_free(phys);
    }
    TEST_REQUIRE(ok, "cannot map the range at 0x%lx", base);
    TEST_REQUIRE(guard_faults, "writing the guard page below 0x%lx did not fault", base);
    return true;
}

/* A released range comes back to the next reservation that fits, with its
 * guard page; a smaller one takes its front, the rest stays free for the
 * next (whose guard page is the page after the first); released again, the
 * pieces merge back into the whole. */
static bool test_vmap_range_reused(void)
{
    uint64_t first = vm_reserve(3);
    uint64_t fence = vm_reserve(1); /* keeps the range below vmap's end */
    TEST_REQUIRE(first && fence, "vm_reserve failed");
    bool ok = vmap_range_usable(first, 3);
    vm_release(first, 3);
    if (!ok)
        return false;
    uint64_t again = vm_reserve(3);
    TEST_REQUIRE(again == first, "released range at 0x%lx not reused (got 0x%lx)", first, again);
    if (!vmap_range_usable(again, 3))
        return false;
    vm_release(again, 3);
    uint64_t small = vm_reserve(1), second = vm_reserve(1);
    TEST_REQUIRE(small == first && second == first + 2 * PAGE_SIZE,
                 "pieces at 0x%lx and 0x%lx, expected 0x%lx and 0x%lx", small, second, first,
                 first + 2 * PAGE_SIZE);
    ok = vmap_range_usable(small, 1) && vmap_range_usable(second, 1);
    vm_release(small, 1);
    vm_release(second, 1);
    if (!ok)
        return false;
    uint64_t whole = vm_reserve(3);
    vm_release(whole, 3);
    vm_release(fence, 1);
    TEST_REQUIRE(whole == first, "pieces not merged: 3 pages at 0x%lx, expected 0x%lx", whole,
                 first);
    return true;
}

static const struct test_case test_vm_space_cases[] = {
    { "vm_space_user_half_private", test_vm_space_user_half_private },
    { "vmap_range_reused_with_guard", test_vmap_range_reused },
};
TEST_TABLE(test_vm_space_cases);
