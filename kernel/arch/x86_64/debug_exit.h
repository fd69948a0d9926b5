/* QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,
 * iosize=0x04): writing V to port 0xf4 ends QEMU with exit status 2*V+1.
 * The implementation of debug_exit (kernel/arch/debug.h). */
#ifndef NONOS_ARCH_DEBUG_EXIT_H
#define NONOS_ARCH_DEBUG_EXIT_H

#include <stdint.h>

#include "kernel/arch/x86_64/io.h"

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_PASS 0x10 /* QEMU exit status 33 */
#define DEBUG_EXIT_FAIL 0x11 /* QEMU exit status 35 */

static inline void debug_exit(uint8_t value)
{
    port_write32(DEBUG_EXIT_PORT, value);
}

#endif
