/* ACPI in the kernel: finds the tables once at boot (acpi_init) and uses
 * what it found to power the machine off (S5 through PM1a/PM1b control)
 * and to reset it (FADT reset register, then the 8042 reset line, then a
 * triple fault). The parsing itself is in acpi_tables.c (portable). */
#ifndef NONOS_ACPI_ACPI_H
#define NONOS_ACPI_ACPI_H

#include <stdint.h>

#include "kernel/acpi/acpi_tables.h"

/* Parses the tables behind the RSDP (physical address from bootinfo) and
 * prints what was found or why not. Needs vm_map_mmio. Returns an
 * acpi_result; power-off is possible only after ACPI_OK. */
int acpi_init(uint64_t rsdp_phys);

/* Reads physical memory for the table parsers (vm_map_mmio, cached): for
 * the device layer's MCFG and MADT (kernel/acpi/acpi_platform.h). */
const struct acpi_memory *acpi_memory_access(void);

/* What acpi_init found (all zero before it ran). */
const struct acpi_info *acpi_state(void);

/* Enters S5. Returns only if the machine is still running afterwards
 * (no \_S5, no PM1a port, or the write had no effect), with an error. */
int acpi_poweroff(void);

/* Resets the machine; never returns (halts if every method failed). */
_Noreturn void acpi_reset(void);

#endif
