/* Local APIC (xAPIC, memory-mapped) and the legacy 8259 PIC, which is
 * remapped away from the exception vectors and then fully masked. */
#ifndef NONOS_ARCH_LAPIC_H
#define NONOS_ARCH_LAPIC_H

#include <stdint.h>

void pic_disable(void);
void lapic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);

/* Timer control for timer.c. */
void lapic_timer_stop(void);
void lapic_timer_start_oneshot(uint32_t count);
uint32_t lapic_timer_current(void);
void lapic_timer_start_periodic(uint8_t vector, uint32_t count);

#endif
