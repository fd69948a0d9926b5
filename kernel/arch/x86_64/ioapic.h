/* The I/O APIC driver (82093AA datasheet; ACPI MADT gives the units):
 * what irq.c needs besides the interface of kernel/arch/irq.h, which it
 * implements (irq_controller_add, irq_line_*). */
#ifndef NONOS_ARCH_X86_64_IOAPIC_H
#define NONOS_ARCH_X86_64_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Masks the level-triggered input routed to `vector`, if there is one
 * (called on each interrupt before the EOI). */
void ioapic_vector_mask_level(uint32_t vector);
/* Forgets the input routed to `vector` (the vector was freed). */
void ioapic_vector_forget(uint32_t vector);
/* The redirection entry of `gsi` as the I/O APIC holds it (for tests);
 * false when no unit serves it. */
bool ioapic_redirection_read(uint32_t gsi, uint64_t *entry);

#endif
