/* Device interrupt vectors and MSI messages (kernel/arch/irq.h) on x86.
 *
 * Vectors 0x30-0xef are handed out (0x20-0x2f stay with the masked 8259s,
 * whose spurious IRQ 7 lands there; the timer has 0x20, the LAPIC's
 * spurious interrupt 0xff). Each allocated vector is registered with the
 * trap dispatcher with no acknowledge function: irq_vector_enter
 * acknowledges it itself, after masking a level-triggered I/O APIC input
 * (ioapic.c), so the line cannot fire again before the driver handled it. */
#include "kernel/arch/irq.h"

#include <stddef.h>

#include "kernel/arch/interrupt.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/lapic.h"

#define IRQ_VECTOR_FIRST 0x30u
#define IRQ_VECTOR_LAST 0xefu
#define MSI_ADDRESS_BASE 0xfee00000ull
#define MSI_DESTINATION_SHIFT 12

struct irq_vector {
    irq_function fn;
    void *context;
    bool used;
};

static struct irq_vector vectors[256];

static void irq_vector_enter(struct trap_frame *frame)
{
    uint32_t vector = (uint32_t)frame->vector;
    ioapic_vector_mask_level(vector);
    lapic_eoi();
    struct irq_vector *entry = &vectors[vector & 0xff];
    if (entry->used && entry->fn)
        entry->fn(entry->context);
}

bool irq_vector_allocate(irq_function fn, void *context, uint32_t *vector)
{
    bool was_enabled = interrupts_save();
    for (uint32_t v = IRQ_VECTOR_FIRST; v <= IRQ_VECTOR_LAST; v++) {
        if (vectors[v].used)
            continue;
        vectors[v] = (struct irq_vector){ fn, context, true };
        irq_set_handler((uint8_t)v, irq_vector_enter, NULL);
        interrupts_restore(was_enabled);
        *vector = v;
        return true;
    }
    interrupts_restore(was_enabled);
    return false;
}

void irq_vector_free(uint32_t vector)
{
    if (vector < IRQ_VECTOR_FIRST || vector > IRQ_VECTOR_LAST)
        return;
    bool was_enabled = interrupts_save();
    vectors[vector] = (struct irq_vector){ NULL, NULL, false };
    ioapic_vector_forget(vector);
    interrupts_restore(was_enabled);
}

void irq_msi_message(uint32_t vector, uint64_t *address, uint32_t *data)
{
    /* Physical destination mode, fixed delivery, edge triggered. */
    *address = MSI_ADDRESS_BASE | ((uint64_t)(lapic_id() & 0xff) << MSI_DESTINATION_SHIFT);
    *data = vector & 0xff;
}
