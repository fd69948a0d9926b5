/* The arch interface for debugging aids: symbolization of kernel addresses
 * (for panic backtraces and tests) and the exit door a test harness under an
 * emulator provides. Scheme: see kernel/arch/io.h.
 *
 * Symbols come from the .symtab of the kernel ELF file, which the loader
 * keeps in RAM (bootinfo->kernel_file, BOOT_DATA memory, reached through the
 * direct map). The file was hashed by the loader, but it is parsed
 * defensively anyway: every offset and size is bounds-checked, and a
 * malformed file (or one for another architecture) only means "no symbols". */
#ifndef NONOS_ARCH_INTERFACE_DEBUG_H
#define NONOS_ARCH_INTERFACE_DEBUG_H

#include <stddef.h>
#include <stdint.h>

enum symbols_result {
    SYMBOLS_OK = 0,
    SYMBOLS_ERROR_NO_FILE,
    SYMBOLS_ERROR_NOT_ELF64,
    SYMBOLS_ERROR_BAD_SECTIONS,
    SYMBOLS_ERROR_NO_SYMTAB,
    SYMBOLS_ERROR_COUNT
};

const char *symbols_error_message(int result);

/* Finds .symtab and its string table in the ELF image at file (size bytes). */
int symbols_init(const uint8_t *file, size_t size);

/* Name of the function containing address and address's offset in it, or
 * NULL when unknown. */
const char *symbols_lookup(uint64_t address, uint64_t *offset);

/* Address of the function named name, or 0 (for tests). */
uint64_t symbols_address(const char *name);

/* The emulator's exit door (QEMU's isa-debug-exit on x86): debug_exit(
 * DEBUG_EXIT_PASS) ends QEMU with status 33, DEBUG_EXIT_FAIL with 35. Only
 * ever used on an explicit request (`selftest exit`); on a machine without
 * the device the write goes nowhere and the kernel carries on. */
static inline void debug_exit(uint8_t value);

/* The implementation for the one architecture built today. */
#include "kernel/arch/x86_64/debug_exit.h"

#endif
