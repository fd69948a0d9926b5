/* In-kernel tests of the boot bundle's sealing: the bytes the verifier read
 * are a private copy of what the loader handed over, and nothing can write
 * them any more; sealing a page inside a large direct-map page leaves its
 * neighbours as they were. */
#include "base/bytes.h"
#include "boot/bootinfo.h"
#include "crypto/crypto.h"
#include "kernel/arch/interrupt.h"
#include "kernel/capsule/capsule.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/test/test.h"

static bool direct_writable(const void *address)
{
    struct vm_mapping mapping;
    return vm_query(vm_space_kernel(), (uint64_t)(uintptr_t)address, &mapping) &&
           (mapping.flags & VM_WRITE) != 0;
}

static bool test_bundle_verified_from_sealed_copy(void)
{
    struct bytes copy;
    TEST_REQUIRE(capsule_bundle_sealed(&copy), "no sealed copy of the boot bundle");
    const struct bootinfo *info = boot_info();
    const uint8_t *original = phys_to_virt(info->bundle);
    TEST_REQUIRE(copy.data != original, "the verifier read the loader's buffer in place");
    TEST_REQUIRE(copy.len == info->bundle_size, "copy of %zu bytes, bundle has %lu", copy.len,
                 (unsigned long)info->bundle_size);
    TEST_REQUIRE(crypto_equal(copy.data, original, copy.len), "the copy differs from the bundle");
    /* The copy's frames are not zeroed before it: the rest of its last
     * page must be zeroed after it. */
    for (size_t i = copy.len; i % PAGE_SIZE != 0; i++)
        TEST_REQUIRE(copy.data[i] == 0, "byte %zu past the bundle's end is 0x%02x", i,
                     copy.data[i]);
    for (size_t offset = 0; offset < copy.len; offset += PAGE_SIZE)
        TEST_REQUIRE(!direct_writable(copy.data + offset), "page at offset %zu still writable",
                     offset);
    struct fault_record record;
    volatile uint8_t *first = (volatile uint8_t *)(uintptr_t)copy.data;
    TEST_REQUIRE(fault_try_write(first, 0, &record), "writing the sealed copy did not fault");
    TEST_REQUIRE((record.access & (FAULT_ACCESS_PRESENT | FAULT_ACCESS_WRITE)) ==
                     (FAULT_ACCESS_PRESENT | FAULT_ACCESS_WRITE),
                 "fault bits 0x%x, expected present + write", record.access);
    return true;
}

/* Seal one frame in the middle of a run of three: only it turns read-only
 * (a large direct-map page around it is split), writes to it fault, and
 * unsealing makes it writable again. */
static bool test_seal_one_frame(void)
{
    uint64_t run = frame_alloc_contiguous(3, PAGE_SIZE, 0);
    TEST_REQUIRE(run != 0, "no three contiguous frames");
    uint64_t middle = run + PAGE_SIZE;
    int result = vm_seal_direct(middle, 1);
    bool ok = result == VM_OK;
    bool before = direct_writable(phys_to_virt(run));
    bool sealed = !direct_writable(phys_to_virt(middle));
    bool after = direct_writable(phys_to_virt(run + 2 * PAGE_SIZE));
    struct fault_record record;
    bool faulted = fault_try_write(phys_to_virt(middle), 1, &record);
    int undo = vm_unseal_direct(middle, 1);
    bool writable_again = direct_writable(phys_to_virt(middle));
    frame_free_contiguous(run, 3);
    TEST_REQUIRE(ok, "vm_seal_direct: %s", vm_error_message(result));
    TEST_REQUIRE(sealed && faulted, "sealed frame: read-only %d, write faulted %d", sealed, faulted);
    TEST_REQUIRE(before && after, "neighbours lost their write right (%d, %d)", before, after);
    TEST_REQUIRE(undo == VM_OK && writable_again, "unseal failed: %s", vm_error_message(undo));
    return true;
}

static const struct test_case test_capsule_cases[] = {
    { "capsule_bundle_verified_from_sealed_copy", test_bundle_verified_from_sealed_copy },
    { "vm_seal_one_frame_in_large_page", test_seal_one_frame },
};
TEST_TABLE(test_capsule_cases);
