/* The arch interface for device interrupts (kernel/device/interrupt.c uses
 * it): interrupt vectors handed out to handlers, the MSI message that
 * makes a device raise a vector, and the I/O APIC inputs that carry
 * legacy INTx lines. Scheme: see kernel/arch/io.h.
 *
 * A handler runs in interrupt context with interrupts off, after the
 * interrupt was acknowledged; it must not block. A level-triggered input
 * is masked before the handler runs and stays masked until irq_line_unmask
 * (the driver acknowledges it once the device stopped asserting it). */
#ifndef NONOS_ARCH_INTERFACE_IRQ_H
#define NONOS_ARCH_INTERFACE_IRQ_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*irq_function)(void *context);

/* A free vector for fn(context); false when none is left. */
bool irq_vector_allocate(irq_function fn, void *context, uint32_t *vector);
void irq_vector_free(uint32_t vector);
/* The MSI address and data that raise `vector` on the boot CPU, edge
 * triggered (without interrupt remapping). */
void irq_msi_message(uint32_t vector, uint64_t *address, uint32_t *data);

/* An interrupt controller input (x86: an I/O APIC) at physical `address`
 * serving global interrupt numbers from gsi_base on; every input masked.
 * False when it cannot be mapped or too many were added. */
bool irq_controller_add(uint64_t address, uint32_t gsi_base);
/* Routes global interrupt `gsi` to `vector` (masked); false when no
 * controller serves it. level/active_low: its trigger and polarity. */
bool irq_line_route(uint32_t gsi, uint32_t vector, bool level, bool active_low);
void irq_line_unmask(uint32_t gsi);
void irq_line_mask(uint32_t gsi);

#endif
