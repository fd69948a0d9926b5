/* The arch interface for the processor itself: halting and waiting, the
 * cycle counter, page zeroing, bring-up of the CPU's own tables and
 * protections, its feature record, the guarded window for touching user
 * memory and the last-resort reset. (Interrupt control is in interrupt.h,
 * paging in mmu.h, timers in time.h.) Scheme: see kernel/arch/io.h. */
#ifndef NONOS_ARCH_INTERFACE_CPU_H
#define NONOS_ARCH_INTERFACE_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Halts until the next interrupt (which must be enabled to wake it). */
static inline void cpu_halt(void);

/* Interrupts off, then halts for good. */
static inline _Noreturn void cpu_halt_forever(void);

/* Enables interrupts and halts until the next one, with no window between
 * the two in which an interrupt could be missed (the idle loop). */
static inline void cpu_wait_for_interrupt(void);

/* A hint inside busy-wait loops. */
static inline void cpu_pause(void);

/* A free-running counter of CPU cycles (on x86 the TSC; under QEMU with
 * -icount, retired instructions). Its rate is timer_cycles_hz() (time.h). */
static inline uint64_t cpu_cycles(void);

/* Zeroes one page (PAGE_SIZE bytes, aligned), as fast as the CPU can. */
static inline void page_zero(void *page);

/* Zeroes, or copies, `words` 8-byte words, as fast as the CPU can: for
 * large buffers (the framebuffer, payload bytes into fresh frames). The
 * destination is 8-byte aligned; the source of a copy need not be, and
 * must not overlap it. */
static inline void words_zero(volatile void *to, uint64_t words);
static inline void words_copy(void *to, const void *from, uint64_t words);

/* The kernel touches user pages only between these two (x86: SMAP opens
 * and closes; nothing to do on a CPU without SMAP). */
static inline void user_access_begin(void);
static inline void user_access_end(void);

/* Detects the CPU's features and installs the kernel's own descriptor and
 * interrupt tables: from its return on, every exception prints a report.
 * Called once, early in kernel_main (serial output only). */
void cpu_init(void);

/* Turns on the protections the kernel relies on (no-execute pages,
 * supervisor write protection, global pages, SMEP/SMAP where present) and
 * the caching types VM_WRITE_COMBINE needs. Panics when the CPU cannot
 * enforce W^X. Call once the kernel runs on its own page tables. */
void cpu_enable_protection(void);

/* What cpu_init found. The record's fields are the architecture's (for x86:
 * vendor, nx, smep, smap, pge, x2apic, invariant_tsc, rdrand, rdseed);
 * generic code reads them only to report them or to pick among the
 * architecture's entropy sources (entropy.h). */
struct cpu_features;
const struct cpu_features *cpu_features(void);

/* The same for the boot log, as one line of text without a newline (x86:
 * "GenuineIntel nx=1 smep=1 smap=1"), NUL-terminated in text[size]
 * (truncated if need be). */
void cpu_describe(char *text, size_t size);

/* Resets the machine by the means of last resort (on x86 a triple fault),
 * for when the firmware's reset did not work. */
static inline _Noreturn void cpu_reset(void);

/* The implementation for the one architecture built today. */
#include "kernel/arch/x86_64/cpu.h"

#endif
