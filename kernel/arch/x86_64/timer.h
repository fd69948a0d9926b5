/* What the x86 timer (timer.c) offers beyond kernel/arch/time.h: a fresh
 * measurement for the in-kernel tests, to check the calibrated rate. */
#ifndef NONOS_ARCH_X86_64_TIMER_H
#define NONOS_ARCH_X86_64_TIMER_H

#include <stdint.h>

/* The TSC rate by a fresh 10 ms PIT measurement (busy-waits; the PIT
 * channel 2 must be free, as it is after timer_init; the LAPIC timer, the
 * tick, is left alone). */
uint64_t timer_measure_tsc_hz(void);

#endif
