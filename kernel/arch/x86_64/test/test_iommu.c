/* In-kernel tests of Intel VT-d (kernel/arch/x86_64/iommu/), against the
 * tables the hardware walks: a domain's context entry, its second-level
 * page-table entries after map and unmap, the invalidation queue drained
 * with every wait completed, a second attach refused, and the interrupt
 * remapping entry of a vector, and a real I/O APIC interrupt (the PIT's
 * IRQ 0, one shot) delivered through its remapping entry.
 *
 * Under QEMU with `-device intel-iommu,intremap=on` (suite 50's main boot)
 * they check all of that; without it (the suite's second boot) they check
 * the absent behaviour: every call refuses with IOMMU_ERROR_ABSENT. The
 * suite checks the boot log says which of the two each boot had, so an
 * IOMMU that silently vanished cannot pass as "absent". */
#include "kernel/arch/iommu.h"
#include "kernel/arch/irq.h"
#include "kernel/arch/x86_64/io.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/iommu/vtd.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/mm/frame.h"
#include "kernel/sched/thread.h"
#include "kernel/test/test.h"

#define TEST_IOVA 0x40000ull
#define TEST_VECTOR 0x61

/* A requester some unit lists whose context entry is free (a device no
 * driver has): the tests' stand-in device. */
static bool free_requester(uint16_t *segment, uint16_t *requester)
{
    for (uint32_t u = 0; u < vtd_unit_count(); u++) {
        const struct vtd_unit *unit = vtd_unit_at(u);
        for (uint32_t s = unit->dmar.scope_count; s-- > 0;) {
            int32_t id = dmar_scope_requester(&unit->dmar.scopes[s]);
            uint64_t lo, hi;
            if (unit->dmar.scopes[s].type != DMAR_SCOPE_ENDPOINT || id < 0)
                continue;
            vtd_context_entry(unit, (uint16_t)id, &lo, &hi);
            if (!(lo & 1)) {
                *segment = unit->dmar.segment;
                *requester = (uint16_t)id;
                return true;
            }
        }
    }
    return false;
}

static bool absent_refuses(void)
{
    enum iommu_result error = IOMMU_OK;
    uint32_t handle;
    TEST_REQUIRE(iommu_domain_create(0, 0x0018, &error) == NULL && error == IOMMU_ERROR_ABSENT,
                 "no IOMMU, yet domain_create gave %d", error);
    TEST_REQUIRE(iommu_interrupt_allocate(0, 0x0018, TEST_VECTOR, &handle) == IOMMU_ERROR_ABSENT &&
                     !iommu_interrupt_remapping(),
                 "no IOMMU, yet interrupt_allocate did not refuse");
    return true;
}

static bool context_matches(const struct iommu_domain *domain, bool present)
{
    uint64_t lo, hi;
    vtd_context_entry(domain->unit, domain->requester, &lo, &hi);
    if (!present) {
        TEST_REQUIRE(lo == 0 && hi == 0, "context entry still 0x%lx/0x%lx", lo, hi);
        return true;
    }
    TEST_REQUIRE(lo == (domain->root | 1), "context lo 0x%lx, want root 0x%lx | present", lo,
                 domain->root);
    /* AW is the SAGAW bit of the width: 1 = 39 bits (3 levels), 2 = 48 bits (4). */
    TEST_REQUIRE(hi == ((uint64_t)(domain->levels - 2) | (uint64_t)domain->id << 8),
                 "context hi 0x%lx: want AW %u, domain id %u", hi, domain->levels - 2,
                 domain->id);
    return true;
}

/* Maps two writable pages and one read-only page, checks the leaves and
 * the refusals, unmaps and checks the leaves are gone with the queue
 * drained. Frames: three of its own. */
static bool map_unmap_check(struct iommu_domain *domain, const uint64_t frames[3])
{
    TEST_REQUIRE(iommu_map(domain, TEST_IOVA, frames, 2, true) == IOMMU_OK, "map of 2 pages");
    TEST_REQUIRE(iommu_map(domain, TEST_IOVA + 2 * FRAME_SIZE, &frames[2], 1, false) == IOMMU_OK,
                 "read-only map");
    for (unsigned i = 0; i < 3; i++) {
        uint64_t want = frames[i] | VTD_PTE_READ | (i < 2 ? VTD_PTE_WRITE : 0);
        uint64_t got = vtd_domain_entry(domain, TEST_IOVA + i * FRAME_SIZE);
        TEST_REQUIRE(got == want, "page %u: entry 0x%lx, want 0x%lx", i, got, want);
    }
    TEST_REQUIRE(vtd_domain_entry(domain, TEST_IOVA + 3 * FRAME_SIZE) == 0 &&
                     vtd_domain_entry(domain, TEST_IOVA - FRAME_SIZE) == 0,
                 "a neighbour page is mapped");
    TEST_REQUIRE(iommu_map(domain, TEST_IOVA + FRAME_SIZE, frames, 1, true) == IOMMU_ERROR_MAPPED,
                 "mapping over a mapped page not refused");
    TEST_REQUIRE(iommu_map(domain, TEST_IOVA + 0x800, frames, 1, true) == IOMMU_ERROR_RANGE &&
                     iommu_map(domain, iommu_domain_limit(domain), frames, 1, true) ==
                         IOMMU_ERROR_RANGE &&
                     iommu_map(domain, iommu_domain_limit(domain) - FRAME_SIZE, frames, 2, true) ==
                         IOMMU_ERROR_RANGE,
                 "an unaligned or out-of-width range was not refused");
    const struct vtd_unit *unit = domain->unit;
    uint64_t waits = unit->invalidations;
    iommu_unmap(domain, TEST_IOVA, 3);
    for (unsigned i = 0; i < 3; i++)
        TEST_REQUIRE(vtd_domain_entry(domain, TEST_IOVA + i * FRAME_SIZE) == 0,
                     "page %u still mapped after unmap", i);
    TEST_REQUIRE(unit->invalidations == waits + 1, "unmap completed %lu invalidation waits, want 1",
                 unit->invalidations - waits);
    uint64_t head = vtd_read64(unit, VTD_QUEUE_HEAD), tail = vtd_read64(unit, VTD_QUEUE_TAIL);
    TEST_REQUIRE(head == tail, "invalidation queue head 0x%lx != tail 0x%lx after unmap", head, tail);
    TEST_REQUIRE(domain->mapped_pages == 0, "%lu pages still counted", domain->mapped_pages);
    return true;
}

static bool test_iommu_domain(void)
{
    if (!iommu_present())
        return absent_refuses();
    uint16_t segment, requester;
    TEST_REQUIRE(free_requester(&segment, &requester), "no listed device without a domain");
    enum iommu_result error;
    struct iommu_domain *domain = iommu_domain_create(segment, requester, &error);
    TEST_REQUIRE(domain != NULL && error == IOMMU_OK, "create for %04x: error %d", requester, error);
    bool ok = iommu_domain_id(domain) != 0 && context_matches(domain, true);
    struct iommu_domain *second = iommu_domain_create(segment, requester, &error);
    if (second != NULL || error != IOMMU_ERROR_BUSY) {
        test_fail("second attach of %04x: error %d, want BUSY", requester, error);
        ok = false;
    }
    uint64_t frames[3] = { frame_alloc(), frame_alloc(), frame_alloc() };
    if (ok && frames[0] && frames[1] && frames[2])
        ok = map_unmap_check(domain, frames);
    struct iommu_domain copy = *domain;
    iommu_domain_destroy(domain);
    for (unsigned i = 0; i < 3; i++) {
        if (frames[i])
            frame_free(frames[i]);
    }
    return ok && context_matches(&copy, false);
}

/* Destroying a domain with pages still mapped leaves nothing behind: the
 * context entry is gone and the tables' frames are back. */
static bool test_iommu_destroy_mapped(void)
{
    if (!iommu_present())
        return absent_refuses();
    uint16_t segment, requester;
    TEST_REQUIRE(free_requester(&segment, &requester), "no listed device without a domain");
    struct frame_stats before, after;
    uint64_t frame = frame_alloc();
    enum iommu_result error;
    /* A first attach makes the bus's context table (kept for good). */
    iommu_domain_destroy(iommu_domain_create(segment, requester, &error));
    frame_stats(&before);
    struct iommu_domain *domain = iommu_domain_create(segment, requester, &error);
    TEST_REQUIRE(domain != NULL, "create: error %d", error);
    TEST_REQUIRE(iommu_map(domain, TEST_IOVA, &frame, 1, true) == IOMMU_OK, "map");
    struct iommu_domain copy = *domain;
    iommu_domain_destroy(domain);
    frame_stats(&after);
    frame_free(frame);
    TEST_REQUIRE(after.free_frames == before.free_frames,
                 "%ld frames of page tables not given back",
                 (long)(before.free_frames - after.free_frames));
    return context_matches(&copy, false);
}

static bool test_iommu_interrupt_entry(void)
{
    if (!iommu_present())
        return absent_refuses();
    TEST_REQUIRE(iommu_interrupt_remapping(), "interrupt remapping off under intremap=on");
    uint16_t segment, requester;
    TEST_REQUIRE(free_requester(&segment, &requester), "no listed device");
    uint32_t handle;
    TEST_REQUIRE(iommu_interrupt_allocate(segment, requester, TEST_VECTOR, &handle) == IOMMU_OK,
                 "allocate");
    uint64_t lo, hi, address;
    uint32_t data;
    vtd_interrupt_entry(handle, &lo, &hi);
    iommu_interrupt_message(handle, &address, &data);
    iommu_interrupt_free(handle);
    uint64_t want_lo = 1ull | (uint64_t)TEST_VECTOR << 16 | (uint64_t)lapic_id() << 40;
    uint64_t want_hi = requester | 1ull << 18;
    TEST_REQUIRE(lo == want_lo && hi == want_hi, "entry 0x%lx/0x%lx, want 0x%lx/0x%lx", lo, hi,
                 want_lo, want_hi);
    uint32_t index = handle & 0xffff;
    TEST_REQUIRE(address == (0xfee00010ull | (index & 0x7fff) << 5 | (index >> 15) << 2) &&
                     data == 0,
                 "message 0x%lx/0x%x for index %u", address, data, index);
    vtd_interrupt_entry(handle, &lo, &hi);
    TEST_REQUIRE(lo == 0 && hi == 0, "entry 0x%lx/0x%lx left after free", lo, hi);
    return true;
}

static bool test_iommu_fault_reasons(void)
{
    TEST_REQUIRE(vtd_fault_reason(0x2)[0] == 'd' && vtd_fault_reason(0x5)[0] == 'w' &&
                     vtd_fault_reason(0x26)[0] == 'i' && vtd_fault_reason(0x25)[0] == 'c' &&
                     vtd_fault_reason(0x0e)[0] == 'u' && vtd_fault_reason(0xff)[0] == 'u',
                 "fault reasons in words: %s / %s / %s", vtd_fault_reason(0x2),
                 vtd_fault_reason(0x26), vtd_fault_reason(0xff));
    TEST_REQUIRE(vtd_faults_drain() == 0, "faults recorded while no device did DMA");
    return true;
}

/* q35: ISA IRQ 0 (the PIT) is global interrupt 2 (MADT override). */
#define PIT_GSI 2u
#define PIT_CHANNEL0 0x40
#define PIT_COMMAND 0x43
#define PIT_CHANNEL0_ONE_SHOT 0x30 /* channel 0, low then high byte, mode 0 */
#define PIT_COUNT 1193u             /* about 1 ms */

static volatile unsigned pit_interrupts;

static void pit_interrupt(void *context)
{
    (void)context;
    pit_interrupts++;
}

/* Mode 0: the output rises once when the count runs out: one edge. */
static void pit_one_shot(void)
{
    port_write8(PIT_COMMAND, PIT_CHANNEL0_ONE_SHOT);
    port_write8(PIT_CHANNEL0, PIT_COUNT & 0xff);
    port_write8(PIT_CHANNEL0, PIT_COUNT >> 8);
}

/* With remapping on, the entry must be in remappable format naming an
 * entry of the table that carries the vector, edge trigger and the I/O
 * APIC's own source id (QEMU 7.2 delivers compatibility-format messages
 * even with remapping on, so delivery alone would not show it). */
static bool redirection_remapped(uint32_t vector)
{
    uint64_t entry, lo, hi;
    uint16_t segment, requester;
    TEST_REQUIRE(ioapic_redirection_read(PIT_GSI, &entry), "no I/O APIC input for GSI %u", PIT_GSI);
    TEST_REQUIRE(entry & (1ull << 48), "redirection entry 0x%lx not in remappable format", entry);
    TEST_REQUIRE((entry & 0xff) == vector, "redirection entry 0x%lx: vector not 0x%x", entry, vector);
    TEST_REQUIRE(vtd_ioapic_requester(0, &segment, &requester), "the DMAR lists no I/O APIC 0");
    uint32_t index = (uint32_t)(entry >> 49) | (uint32_t)((entry >> 11) & 1) << 15;
    const struct vtd_unit *unit = vtd_unit_for(segment, requester);
    vtd_interrupt_entry(vtd_unit_index(unit) << 16 | index, &lo, &hi);
    TEST_REQUIRE(lo == (1ull | (uint64_t)vector << 16 | (uint64_t)lapic_id() << 40) &&
                     hi == (requester | 1ull << 18),
                 "remapping entry %u: 0x%lx/0x%lx (vector 0x%x, source %04x)", index, lo, hi,
                 vector, requester);
    return true;
}

static bool test_iommu_ioapic_remapped(void)
{
    uint32_t vector;
    TEST_REQUIRE(irq_vector_allocate(pit_interrupt, NULL, &vector), "no free vector");
    pit_interrupts = 0;
    port_write8(PIT_COMMAND, PIT_CHANNEL0_ONE_SHOT); /* quiet before the line opens */
    bool routed = irq_line_route(PIT_GSI, vector, false, false);
    bool format_ok = !routed || !iommu_interrupt_remapping() || redirection_remapped(vector);
    if (routed && format_ok) {
        irq_line_unmask(PIT_GSI);
        pit_one_shot();
        for (unsigned waited = 0; waited < 200 && pit_interrupts == 0; waited++)
            thread_sleep_ms(1);
        thread_sleep_ms(5);
        irq_line_mask(PIT_GSI);
    }
    irq_vector_free(vector);
    if (!format_ok)
        return false; /* redirection_remapped said why */
    TEST_REQUIRE(routed, "GSI %u could not be routed (remapping: %d)", PIT_GSI,
                 iommu_interrupt_remapping());
    TEST_REQUIRE(pit_interrupts == 1, "%u PIT interrupts on vector 0x%x through the I/O APIC%s, want 1",
                 pit_interrupts, vector, iommu_interrupt_remapping() ? " and its remapping entry" : "");
    return true;
}

static const struct test_case test_iommu_cases[] = {
    { "iommu_ioapic_interrupt_through_remapping", test_iommu_ioapic_remapped },
    { "iommu_domain_map_unmap_busy", test_iommu_domain },
    { "iommu_domain_destroy_gives_tables_back", test_iommu_destroy_mapped },
    { "iommu_interrupt_entry_for_vector", test_iommu_interrupt_entry },
    { "iommu_fault_reasons_and_none_pending", test_iommu_fault_reasons },
};
TEST_TABLE(test_iommu_cases);
