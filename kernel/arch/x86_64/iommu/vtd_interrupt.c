/* VT-d interrupt remapping (see vtd.h): one table of VTD_IRT_ENTRIES
 * entries per unit. An entry is present only while the kernel has given it
 * out; it names the one source id allowed to use it (SVT 01, SQ 00: all 16
 * bits compared), the vector, fixed delivery in physical destination mode
 * to the boot CPU. A device's MSI in remappable format names an entry by
 * index; anything else (an index not present, another device's entry, the
 * old compatibility format) is blocked and reported as a fault.
 *
 * A handle is unit index << 16 | entry index. */
#include "kernel/arch/x86_64/iommu/vtd.h"

#include "kernel/arch/x86_64/lapic.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"

#define ENTRY_PRESENT 1ull
#define ENTRY_LEVEL (1ull << 4) /* TM: the LAPIC then sends the I/O APIC its EOI */
#define ENTRY_VECTOR_SHIFT 16
#define ENTRY_DESTINATION_SHIFT 40 /* xAPIC: APIC id in bits 47:40 */
#define ENTRY_VERIFY_SOURCE (1ull << 18) /* SVT 01, SQ 00 */
#define MSI_ADDRESS 0xfee00000u
#define MSI_REMAPPABLE (1u << 4)
#define MSI_INDEX_SHIFT 5
#define MSI_INDEX_HIGH_SHIFT 2 /* index bit 15 */

bool vtd_interrupts_init(struct vtd_unit *unit)
{
    unit->interrupt_table = frame_alloc();
    if (unit->interrupt_table == 0)
        return false;
    vtd_table_sync(unit, phys_to_virt(unit->interrupt_table), FRAME_SIZE);
    /* EIME 0 (xAPIC destinations), S: 2^(S+1) entries. */
    vtd_write64(unit, VTD_INTERRUPT_TABLE_ADDRESS, unit->interrupt_table | VTD_IRT_SIZE_FIELD);
    if (!vtd_global_command(unit, VTD_GLOBAL_INTERRUPT_TABLE_POINTER, true))
        return false;
    vtd_invalidate_interrupt_entry(unit, VTD_IRT_ALL); /* nothing cached from firmware's table */
    /* CFI stays clear: compatibility-format interrupts are blocked. */
    if (vtd_read32(unit, VTD_GLOBAL_STATUS) & VTD_GLOBAL_COMPATIBILITY_FORMAT)
        vtd_global_command(unit, VTD_GLOBAL_COMPATIBILITY_FORMAT, false);
    if (!vtd_global_command(unit, VTD_GLOBAL_INTERRUPT_REMAPPING, true))
        return false;
    unit->remapping = true;
    return true;
}

static volatile uint64_t *entry_at(const struct vtd_unit *unit, uint32_t index)
{
    volatile uint64_t *table = phys_to_virt(unit->interrupt_table);
    return &table[2 * index];
}

enum iommu_result iommu_interrupt_allocate(uint16_t segment, uint16_t requester, uint8_t vector,
                                           uint32_t *handle)
{
    return vtd_interrupt_allocate(segment, requester, vector, false, handle);
}

enum iommu_result vtd_interrupt_allocate(uint16_t segment, uint16_t requester, uint8_t vector,
                                         bool level, uint32_t *handle)
{
    struct vtd_unit *unit = iommu_present() ? vtd_unit_for(segment, requester) : NULL;
    if (unit == NULL || !unit->remapping)
        return IOMMU_ERROR_ABSENT;
    for (uint32_t index = 0; index < VTD_IRT_ENTRIES; index++) {
        if (unit->interrupt_used[index])
            continue;
        unit->interrupt_used[index] = 1;
        volatile uint64_t *entry = entry_at(unit, index);
        entry[1] = requester | ENTRY_VERIFY_SOURCE;
        entry[0] = ENTRY_PRESENT | (level ? ENTRY_LEVEL : 0) |
                   (uint64_t)vector << ENTRY_VECTOR_SHIFT |
                   (uint64_t)lapic_id() << ENTRY_DESTINATION_SHIFT;
        vtd_table_sync(unit, entry, 16);
        vtd_invalidate_interrupt_entry(unit, index);
        *handle = vtd_unit_index(unit) << 16 | index;
        return IOMMU_OK;
    }
    return IOMMU_ERROR_NO_ENTRY;
}

void iommu_interrupt_message(uint32_t handle, uint64_t *address, uint32_t *data)
{
    uint32_t index = handle & 0xffff;
    /* SHV 0: the index alone names the entry; the data is not used. */
    *address = MSI_ADDRESS | MSI_REMAPPABLE | (index & 0x7fff) << MSI_INDEX_SHIFT |
               (index >> 15) << MSI_INDEX_HIGH_SHIFT;
    *data = 0;
}

void iommu_interrupt_free(uint32_t handle)
{
    struct vtd_unit *unit = vtd_unit_at(handle >> 16);
    uint32_t index = handle & 0xffff;
    if (unit == NULL || index >= VTD_IRT_ENTRIES || !unit->interrupt_used[index])
        return;
    volatile uint64_t *entry = entry_at(unit, index);
    entry[0] = 0;
    entry[1] = 0;
    vtd_table_sync(unit, entry, 16);
    vtd_invalidate_interrupt_entry(unit, index);
    unit->interrupt_used[index] = 0;
}

void vtd_interrupt_entry(uint32_t handle, uint64_t *lo, uint64_t *hi)
{
    struct vtd_unit *unit = vtd_unit_at(handle >> 16);
    uint32_t index = handle & 0xffff;
    *lo = *hi = 0;
    if (unit == NULL || index >= VTD_IRT_ENTRIES)
        return;
    *lo = entry_at(unit, index)[0];
    *hi = entry_at(unit, index)[1];
}
