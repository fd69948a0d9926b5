/* The few x86_64 instructions the loader needs: port I/O for COM1 and the
 * debug-exit port, the TSC, control registers and EFER. The loader is an
 * x86_64 UEFI application by definition, so these live with it rather than
 * under kernel/arch/. */
#ifndef NONOS_BOOT_X86_H
#define NONOS_BOOT_X86_H

#include <stdint.h>

#define X86_MSR_EFER 0xc0000080u
#define X86_EFER_NXE (1ULL << 11)
#define X86_CR0_WP (1ULL << 16)
#define X86_CR4_LA57 (1ULL << 12)

static inline void x86_outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint8_t x86_inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

static inline uint64_t x86_rdtsc(void)
{
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return (uint64_t)high << 32 | low;
}

static inline uint64_t x86_read_msr(uint32_t msr)
{
    uint32_t low, high;
    __asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return (uint64_t)high << 32 | low;
}

static inline void x86_write_msr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

static inline uint64_t x86_read_cr0(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr0, %0" : "=r"(value));
    return value;
}

static inline void x86_write_cr0(uint64_t value)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(value) : "memory");
}

static inline uint64_t x86_read_cr4(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr4, %0" : "=r"(value));
    return value;
}

static inline void x86_disable_interrupts(void)
{
    __asm__ volatile("cli" : : : "memory");
}

static inline void x86_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif
