/* x86 port I/O: the definitions behind kernel/arch/io.h (generic code
 * includes that, never this). The UEFI loader, an x86_64 program by
 * definition, includes this directly for its serial console. */
#ifndef NONOS_ARCH_IO_H
#define NONOS_ARCH_IO_H

#include <stdint.h>

static inline void port_write8(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint8_t port_read8(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

static inline void port_write16(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint16_t port_read16(uint16_t port)
{
    uint16_t value;
    __asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

static inline void port_write32(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint32_t port_read32(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

/* A write to the unused POST port takes about a microsecond: enough for
 * old devices (PIC, PIT) to settle between commands. */
static inline void io_wait(void)
{
    port_write8(0x80, 0);
}

#endif
