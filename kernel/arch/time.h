/* The arch interface for time: a periodic tick that drives the scheduler,
 * uptime, the cycle counter's rate and short busy waits. The architecture
 * calibrates its clocks itself (x86: LAPIC timer and TSC against the PIT,
 * kernel/arch/x86_64/timer.c) and calls sched_tick() once per tick, from the
 * interrupt, with interrupts off. Scheme: see kernel/arch/io.h (no inline
 * functions here, so no implementation header is included). */
#ifndef NONOS_ARCH_INTERFACE_TIME_H
#define NONOS_ARCH_INTERFACE_TIME_H

#include <stdint.h>

#define TIMER_HZ 250

/* Opens the calibration window (x86: the PIT, the LAPIC timer and the TSC
 * start counting; nothing is waited for): the boot's work until
 * timer_init is the calibration's measuring time. Needs the interrupt
 * controller (interrupt_controller_init). Optional: timer_init opens the
 * window itself when this was not called. */
void timer_calibration_start(void);

/* Calibrates (closing the window) and starts the tick. epoch_cycles: cpu_cycles() at kernel
 * entry; uptime counts from there. Needs the interrupt controller
 * (interrupt_controller_init) and vm_map_mmio. */
void timer_init(uint64_t epoch_cycles);

uint64_t timer_ticks(void);
uint64_t timer_uptime_ns(void); /* 0 until timer_init has calibrated */
uint32_t timer_hz(void);

/* cpu_cycles() per second, measured during calibration. */
uint64_t timer_cycles_hz(void);

/* Conversions between cpu_cycles() differences and nanoseconds at the
 * calibrated rate (0 before calibration). For counters kept in cycles on a
 * hot path (CPU accounting) and converted only when read. The products are
 * split to stay below 2^64; a result past 2^64 saturates. */
uint64_t timer_cycles_to_ns(uint64_t cycles);
uint64_t timer_ns_to_cycles(uint64_t ns);

/* Busy-waits at least us microseconds (cycle-counter based; usable with
 * interrupts off and before the tick runs, once calibrated). */
void timer_delay_us(uint64_t us);

#endif
