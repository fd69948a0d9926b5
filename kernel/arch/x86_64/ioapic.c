/* The I/O APIC driver: legacy INTx lines and ISA interrupts reach the
 * local APIC through it (kernel/arch/irq.h: irq_controller_add,
 * irq_line_route, irq_line_mask/unmask; ioapic.h).
 *
 * Registers: an index register (IOREGSEL, offset 0) selects one 32-bit
 * register shown in the data window (IOWIN, offset 0x10). Register 1 gives
 * the number of inputs; inputs n's redirection entry is registers 0x10 +
 * 2n (low: vector, trigger, polarity, mask) and 0x11 + 2n (high:
 * destination APIC id). Every input starts masked; a routed input stays
 * masked until irq_line_unmask. Interrupts off around each access (the
 * index/data pair is not atomic). With VT-d interrupt remapping on, each
 * routed input gets a remapping entry of its own (route_remapped). */
#include "kernel/arch/x86_64/ioapic.h"

#include <stdbool.h>
#include <stddef.h>

#include "kernel/arch/interrupt.h"
#include "kernel/arch/iommu.h"
#include "kernel/arch/irq.h"
#include "kernel/arch/x86_64/iommu/vtd.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/mm/vm.h"

#define IOAPIC_MAX 8u
#define IOREGSEL 0x00u
#define IOWIN 0x10u
#define IOAPIC_VERSION 0x01u
#define IOAPIC_REDIRECTION 0x10u
#define REDIRECTION_MASKED (1u << 16)
#define REDIRECTION_LEVEL (1u << 15)
#define REDIRECTION_ACTIVE_LOW (1u << 13)
#define INPUTS_MAX 240u
#define IOAPIC_ID 0x00u
#define REDIRECTION_REMAPPABLE (1u << 16) /* in the high word: bit 48 */
#define REDIRECTION_INDEX_SHIFT 17        /* index[14:0] in bits 63:49 */
#define REDIRECTION_INDEX_HIGH_SHIFT 11   /* index[15] in bit 11 */

struct ioapic {
    volatile uint32_t *registers;
    uint32_t gsi_base, inputs;
    uint32_t remap[INPUTS_MAX]; /* interrupt-remapping handle + 1; 0: none */
};

static struct ioapic ioapics[IOAPIC_MAX];
static uint32_t ioapic_count;
/* Which input each vector is routed from, for masking level inputs. */
static struct {
    bool level;
    uint32_t gsi;
} vector_lines[256];

static uint32_t ioapic_read(const struct ioapic *unit, uint32_t reg)
{
    unit->registers[IOREGSEL / 4] = reg;
    return unit->registers[IOWIN / 4];
}

static void ioapic_write(const struct ioapic *unit, uint32_t reg, uint32_t value)
{
    unit->registers[IOREGSEL / 4] = reg;
    unit->registers[IOWIN / 4] = value;
}

bool irq_controller_add(uint64_t address, uint32_t gsi_base)
{
    if (ioapic_count == IOAPIC_MAX)
        return false;
    volatile uint32_t *registers = vm_map_mmio(address, 0x20, VM_UNCACHED);
    if (!registers)
        return false;
    bool was_enabled = interrupts_save();
    struct ioapic *unit = &ioapics[ioapic_count++];
    unit->registers = registers;
    unit->gsi_base = gsi_base;
    unit->inputs = ((ioapic_read(unit, IOAPIC_VERSION) >> 16) & 0xff) + 1;
    if (unit->inputs > INPUTS_MAX)
        unit->inputs = INPUTS_MAX;
    for (uint32_t i = 0; i < unit->inputs; i++) {
        ioapic_write(unit, IOAPIC_REDIRECTION + 2 * i + 1, 0);
        ioapic_write(unit, IOAPIC_REDIRECTION + 2 * i, REDIRECTION_MASKED);
    }
    interrupts_restore(was_enabled);
    return true;
}

/* The unit serving gsi, with *input its input number; NULL if none. */
static struct ioapic *ioapic_for(uint32_t gsi, uint32_t *input)
{
    for (uint32_t i = 0; i < ioapic_count; i++) {
        if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].inputs) {
            *input = gsi - ioapics[i].gsi_base;
            return &ioapics[i];
        }
    }
    return NULL;
}

/* With interrupt remapping on, the compatibility format would be blocked:
 * an input's message must name an entry of the remapping table made for
 * this I/O APIC's source id (the DMAR's I/O APIC scope, matched by the
 * unit's APIC id). The redirection entry then carries the entry's index
 * (bits 63:49 and 11, bit 48 set) and the same vector and trigger mode.
 * Returns the high word, *low completed; false when no entry is free or
 * the DMAR does not list this I/O APIC. The input's previous entry goes. */
static bool route_remapped(struct ioapic *unit, uint32_t input, uint32_t vector, bool level,
                           uint32_t *high, uint32_t *low)
{
    uint16_t segment, requester;
    uint32_t handle;
    uint8_t id = (uint8_t)((ioapic_read(unit, IOAPIC_ID) >> 24) & 0xf);
    if (!vtd_ioapic_requester(id, &segment, &requester) ||
        vtd_interrupt_allocate(segment, requester, (uint8_t)vector, level, &handle) != IOMMU_OK)
        return false;
    if (unit->remap[input] != 0)
        iommu_interrupt_free(unit->remap[input] - 1);
    unit->remap[input] = handle + 1;
    uint32_t index = handle & 0xffff;
    *high = (index & 0x7fff) << REDIRECTION_INDEX_SHIFT | REDIRECTION_REMAPPABLE;
    *low |= (index >> 15) << REDIRECTION_INDEX_HIGH_SHIFT;
    return true;
}

bool irq_line_route(uint32_t gsi, uint32_t vector, bool level, bool active_low)
{
    uint32_t input;
    struct ioapic *unit = ioapic_for(gsi, &input);
    if (!unit || vector > 0xff)
        return false;
    uint32_t low = (vector & 0xff) | REDIRECTION_MASKED | (level ? REDIRECTION_LEVEL : 0) |
                   (active_low ? REDIRECTION_ACTIVE_LOW : 0);
    uint32_t high = (lapic_id() & 0xff) << 24;
    bool was_enabled = interrupts_save();
    if (iommu_interrupt_remapping() && !route_remapped(unit, input, vector, level, &high, &low)) {
        interrupts_restore(was_enabled);
        return false;
    }
    ioapic_write(unit, IOAPIC_REDIRECTION + 2 * input, REDIRECTION_MASKED);
    ioapic_write(unit, IOAPIC_REDIRECTION + 2 * input + 1, high);
    ioapic_write(unit, IOAPIC_REDIRECTION + 2 * input, low);
    vector_lines[vector].level = level;
    vector_lines[vector].gsi = gsi;
    interrupts_restore(was_enabled);
    return true;
}

static void line_mask_set(uint32_t gsi, bool masked)
{
    uint32_t input;
    struct ioapic *unit = ioapic_for(gsi, &input);
    if (!unit)
        return;
    bool was_enabled = interrupts_save();
    uint32_t low = ioapic_read(unit, IOAPIC_REDIRECTION + 2 * input);
    low = masked ? low | REDIRECTION_MASKED : low & ~REDIRECTION_MASKED;
    ioapic_write(unit, IOAPIC_REDIRECTION + 2 * input, low);
    interrupts_restore(was_enabled);
}

void irq_line_unmask(uint32_t gsi)
{
    line_mask_set(gsi, false);
}

void irq_line_mask(uint32_t gsi)
{
    line_mask_set(gsi, true);
}

void ioapic_vector_mask_level(uint32_t vector)
{
    if (vector < 256 && vector_lines[vector].level)
        line_mask_set(vector_lines[vector].gsi, true);
}

void ioapic_vector_forget(uint32_t vector)
{
    if (vector < 256)
        vector_lines[vector].level = false;
}

bool ioapic_redirection_read(uint32_t gsi, uint64_t *entry)
{
    uint32_t input;
    struct ioapic *unit = ioapic_for(gsi, &input);
    if (!unit)
        return false;
    bool was_enabled = interrupts_save();
    *entry = (uint64_t)ioapic_read(unit, IOAPIC_REDIRECTION + 2 * input + 1) << 32 |
             ioapic_read(unit, IOAPIC_REDIRECTION + 2 * input);
    interrupts_restore(was_enabled);
    return true;
}
