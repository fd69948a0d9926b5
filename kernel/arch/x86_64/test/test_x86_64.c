/* In-kernel tests of x86-specific protections and mappings, linked into
 * the test kernel only (kernel/kernel.mk): SMEP/SMAP against a user page in
 * a user address space (or, on a CPU without them, the documented absence;
 * CR4 must match CPUID), and device mappings' page-table caching bits (PAT
 * through PCD/PWT) on the LAPIC and the framebuffer, and the timer's
 * calibration window against a fresh measurement. */
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/timer.h"
#include "kernel/arch/time.h"
#include "kernel/lib/print.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/test/test.h"

#include <stdint.h>

#define OPCODE_RET 0xc3
#define USER_TEST_ADDRESS 0x0000000040000000ull

/* The raw leaf entry of a 4 KiB kernel page, read from the active tables. */
static uint64_t page_entry(uint64_t virt)
{
    uint64_t *table = phys_to_virt(read_cr3() & PTE_ADDRESS_MASK);
    for (unsigned level = 4; level > 1; level--) {
        uint64_t entry = table[page_table_index(virt, level)];
        if (!(entry & PTE_PRESENT) || (entry & PTE_HUGE))
            return 0;
        table = phys_to_virt(entry & PTE_ADDRESS_MASK);
    }
    return table[page_table_index(virt, 1)];
}

static bool smep_check(bool present)
{
    struct fault_record record;
    bool faulted = fault_try_exec((const void *)USER_TEST_ADDRESS, &record);
    TEST_REQUIRE(faulted == present, "kernel execution of a user page %s (SMEP %s)",
                 faulted ? "faulted" : "worked", present ? "on" : "absent");
    TEST_REQUIRE(!faulted || (record.error_code & PF_FETCH), "error code 0x%lx",
                 record.error_code);
    return true;
}

static bool smap_check(bool present)
{
    struct fault_record record;
    bool faulted = fault_try_read((const volatile void *)USER_TEST_ADDRESS, &record);
    TEST_REQUIRE(faulted == present, "kernel read of a user page %s (SMAP %s)",
                 faulted ? "faulted" : "worked", present ? "on" : "absent");
    if (present) {
        TEST_REQUIRE(record.error_code & PF_PRESENT, "error code 0x%lx", record.error_code);
        user_access_begin();
        faulted = fault_try_read((const volatile void *)USER_TEST_ADDRESS, &record);
        user_access_end();
        TEST_REQUIRE(!faulted, "read inside user_access_begin/end faulted");
    }
    return true;
}

/* Runs both checks with a user space holding one read-only, executable user
 * page (a `ret`) active; interrupts stay off meanwhile, so no other thread
 * runs in that space. */
static bool user_page_checks(const struct cpu_features *features)
{
    uint64_t frame = frame_alloc();
    struct vm_space *space = vm_space_create();
    TEST_REQUIRE(frame && space, "no frame or no address space");
    *(uint8_t *)phys_to_virt(frame) = OPCODE_RET;
    bool ok = vm_map(space, USER_TEST_ADDRESS, frame, 1, VM_USER | VM_EXEC) == VM_OK;
    if (ok) {
        bool was_enabled = interrupts_save();
        vm_space_activate(space);
        ok = smep_check(features->smep) && smap_check(features->smap);
        vm_space_activate(vm_space_kernel());
        interrupts_restore(was_enabled);
    } else {
        test_fail("cannot map the user test page");
    }
    vm_space_destroy(space);
    frame_free(frame);
    return ok;
}

static bool test_smep_smap(void)
{
    const struct cpu_features *features = cpu_features();
    kprintf("selftest: cpu has smep=%d smap=%d\n", features->smep, features->smap);
    if (!user_page_checks(features))
        return false;
    TEST_REQUIRE(!!(read_cr4() & CR4_SMEP) == features->smep, "CR4.SMEP does not match CPUID");
    TEST_REQUIRE(!!(read_cr4() & CR4_SMAP) == features->smap, "CR4.SMAP does not match CPUID");
    return true;
}

/* Device mappings: any physical offset, the caching type asked for, NX, and
 * a guard page before each one. Uses real devices mapped with the type they
 * already have elsewhere (conflicting cache types for one physical page are
 * undefined on real CPUs): the LAPIC's ID register (UC) and the framebuffer
 * (WC), when there is one. */
static bool test_vm_map_mmio(void)
{
    uint64_t apic = rdmsr(MSR_APIC_BASE) & ~(PAGE_SIZE - 1);
    volatile uint32_t *id_register = vm_map_mmio(apic + 0x20, 4, VM_UNCACHED);
    TEST_REQUIRE(id_register, "vm_map_mmio of the LAPIC failed");
    uint64_t address = (uint64_t)(uintptr_t)id_register;
    struct vm_space *kernel = vm_space_kernel();
    struct vm_mapping mapping;
    bool mapped = vm_query(kernel, address, &mapping);
    bool guard = vm_query(kernel, (address & ~(PAGE_SIZE - 1)) - PAGE_SIZE, NULL);
    uint64_t entry = page_entry(address);
    uint32_t id = *id_register >> 24;
    vm_unmap_mmio(id_register, 4);
    TEST_REQUIRE(mapped && mapping.flags == (VM_WRITE | VM_UNCACHED), "LAPIC mapping flags 0x%x",
                 mapping.flags);
    TEST_REQUIRE(address % PAGE_SIZE == 0x20 && id == lapic_id(),
                 "mapping at 0x%lx read APIC id %u, expected %u", address, id, lapic_id());
    TEST_REQUIRE((entry & (PTE_PCD | PTE_PWT)) == (PTE_PCD | PTE_PWT) && (entry & PTE_NX),
                 "uncached entry 0x%lx", entry);
    TEST_REQUIRE(!guard, "no guard page before an MMIO mapping");
    const struct boot_framebuffer *framebuffer = &boot_info()->framebuffer;
    if (framebuffer->format == BOOT_PIXEL_NONE || framebuffer->size < PAGE_SIZE)
        return true;
    volatile uint32_t *pixels = vm_map_mmio(framebuffer->base + 0x40, 16, VM_WRITE_COMBINE);
    TEST_REQUIRE(pixels, "vm_map_mmio of the framebuffer failed");
    address = (uint64_t)(uintptr_t)pixels;
    entry = page_entry(address);
    vm_unmap_mmio(pixels, 16);
    TEST_REQUIRE(address % PAGE_SIZE == 0x40 && (entry & (PTE_PCD | PTE_PWT)) == PTE_PWT &&
                     (entry & PTE_WRITABLE) && (entry & PTE_NX),
                 "write-combining mapping at 0x%lx entry 0x%lx", address, entry);
    return true;
}

/* Interrupt sources: a registered vector is acknowledged the source's way,
 * before its handler runs; a vector nobody registered is counted (and gets
 * a LAPIC EOI, harmless with nothing in service). Raised with `int`, from
 * this thread, where no interrupt is in service. */
#define TEST_VECTOR_REGISTERED 0x41
#define TEST_VECTOR_UNREGISTERED 0x42

static unsigned source_events[4];
static unsigned source_event_count;

static void source_acknowledge(void)
{
    if (source_event_count < 4)
        source_events[source_event_count++] = 1;
}

static void source_handle(struct trap_frame *frame)
{
    if (source_event_count < 4)
        source_events[source_event_count++] = (unsigned)frame->vector;
}

static bool test_interrupt_sources(void)
{
    source_event_count = 0;
    irq_set_handler(TEST_VECTOR_REGISTERED, source_handle, source_acknowledge);
    uint64_t unexpected = irq_unexpected_count();
    __asm__ volatile("int $0x41" : : : "memory");
    __asm__ volatile("int $0x42" : : : "memory");
    irq_set_handler(TEST_VECTOR_REGISTERED, NULL, lapic_eoi);
    TEST_REQUIRE(source_event_count == 2 && source_events[0] == 1 &&
                     source_events[1] == TEST_VECTOR_REGISTERED,
                 "%u events (%u, %u): want the acknowledgement, then the handler",
                 source_event_count, source_events[0], source_events[1]);
    TEST_REQUIRE(irq_unexpected_count() == unexpected + 1,
                 "the unregistered vector was counted %lu times",
                 irq_unexpected_count() - unexpected);
    return true;
}

/* The boot's calibration window (opened before capsule verification,
 * closed in timer_init) must give the rate a fresh 10 ms PIT measurement
 * gives, within 1 %: a window read wrongly (a counter that wrapped, a
 * start read before the count was loaded) would be off by far more. A
 * fresh measurement can itself come out long when the emulator's thread
 * was descheduled as the PIT expired: the closest of five counts. */
static bool test_calibration_window(void)
{
    uint64_t calibrated = timer_cycles_hz(), fresh = 0, difference = UINT64_MAX;
    for (int attempt = 0; attempt < 5; attempt++) {
        bool was_enabled = interrupts_save();
        uint64_t rate = timer_measure_tsc_hz();
        interrupts_restore(was_enabled);
        uint64_t off = rate > calibrated ? rate - calibrated : calibrated - rate;
        if (off < difference) {
            difference = off;
            fresh = rate;
        }
        if (difference * 100 <= calibrated)
            break;
    }
    TEST_REQUIRE(calibrated != 0 && difference * 100 <= calibrated,
                 "calibrated TSC %lu Hz, a fresh 10 ms measurement %lu Hz", calibrated, fresh);
    return true;
}

static const struct test_case test_x86_64_cases[] = {
    { "timer_calibration_window_matches_fresh_measurement", test_calibration_window },
    { "interrupt_source_acknowledged_then_handled", test_interrupt_sources },
    { "smep_smap_user_page", test_smep_smap },
    { "vm_map_mmio_offset_and_caching", test_vm_map_mmio },
};
TEST_TABLE(test_x86_64_cases);
