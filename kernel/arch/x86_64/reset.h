/* The last-resort reset: load an empty IDT and raise an exception. The CPU
 * cannot deliver it, nor the double fault that follows, and shuts down
 * (triple fault), which resets a PC. Added by helper DEVICES for
 * kernel/acpi/acpi.c (x86 code stays under kernel/arch/x86_64/). */
#ifndef NONOS_ARCH_RESET_H
#define NONOS_ARCH_RESET_H

#include <stdint.h>

_Noreturn static inline void cpu_triple_fault(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) empty = { 0, 0 };
    __asm__ volatile("cli; lidt %0; int3" : : "m"(empty) : "memory");
    for (;;)
        __asm__ volatile("hlt");
}

#endif
