/* Boot-time CPU setup called from kernel_main (cpu.c). */
#ifndef NONOS_ARCH_CPU_SETUP_H
#define NONOS_ARCH_CPU_SETUP_H

/* Turns on NXE, WP, PGE, SMEP, SMAP (where present) and programs the PAT.
 * Call after the kernel runs on its own page tables. */
void cpu_enable_protection(void);

#endif
