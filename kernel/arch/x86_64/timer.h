/* The LAPIC timer, calibrated against the PIT at boot, ticking timer_hz()
 * times per second. Each tick drives the scheduler. */
#ifndef NONOS_ARCH_TIMER_H
#define NONOS_ARCH_TIMER_H

#include <stdint.h>

#define TIMER_HZ 250

/* epoch_tsc: the TSC at kernel entry; uptime counts from there. */
void timer_init(uint64_t epoch_tsc);

uint64_t timer_ticks(void);
uint64_t timer_uptime_ns(void); /* 0 until timer_init has calibrated */
uint32_t timer_hz(void);

/* TSC ticks per second, measured during calibration. */
uint64_t timer_tsc_hz(void);

/* Busy-waits at least us microseconds (TSC based; usable before interrupts). */
void timer_delay_us(uint64_t us);

#endif
