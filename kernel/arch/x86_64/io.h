/* x86 port I/O. Every access to a legacy device (COM1, PIT, PIC, PS/2,
 * ACPI PM registers, isa-debug-exit) goes through these, so port I/O stays
 * confined to kernel/arch/x86_64/. */
#ifndef NONOS_ARCH_IO_H
#define NONOS_ARCH_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

static inline void outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t value;
    __asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

/* A write to the unused POST port takes about a microsecond: enough for
 * old devices (PIC, PIT) to settle between commands. */
static inline void io_wait(void)
{
    outb(0x80, 0);
}

#endif
