/* The arch interface for device registers reached by I/O port number.
 *
 * Generic drivers of legacy platform devices (the COM1 UART, the PS/2
 * controller, ACPI's PM1 and reset registers) read and write their registers
 * through these; memory-mapped registers need no interface (a volatile
 * pointer from vm_map_mmio). On x86 a port is a 16-bit number in a separate
 * address space reached by in/out instructions; an architecture without one
 * would implement these over a memory-mapped window.
 *
 * Scheme shared by every interface header in kernel/arch/: the interface header declares all
 * that generic code may use and documents it; functions that must be inline
 * to cost nothing are declared `static inline` here and defined in the
 * architecture's implementation header, which the interface header includes
 * once (at the end, or at the top when a type must be complete). Those
 * includes are the only places generic code reaches kernel/arch/x86_64/;
 * suite 16-kernel-host (tests/kernel/arch_boundary.sh) fails on any other. */
#ifndef NONOS_ARCH_INTERFACE_IO_H
#define NONOS_ARCH_INTERFACE_IO_H

#include <stdint.h>

static inline uint8_t port_read8(uint16_t port);
static inline uint16_t port_read16(uint16_t port);
static inline uint32_t port_read32(uint16_t port);
static inline void port_write8(uint16_t port, uint8_t value);
static inline void port_write16(uint16_t port, uint16_t value);
static inline void port_write32(uint16_t port, uint32_t value);

/* The implementation for the one architecture built today. */
#include "kernel/arch/x86_64/io.h"

#endif
