/* ACPI tables that describe the machine's devices (ACPI 6.5 5.2.12, PCI
 * Firmware 3.3 4.1.2): the MCFG (where PCI configuration space is mapped:
 * ECAM base, segment, bus range) and the MADT (the I/O APICs and the
 * interrupt source overrides of the legacy IRQs).
 *
 * Outside input like every table (kernel/acpi/acpi_tables.h): each length
 * is checked before a byte is read, and any violation gives an explicit
 * acpi_platform_result with nothing filled in. Portable: the same code runs
 * in the kernel and on Linux (tests/kernel/acpi_platform_test.c, the fuzz
 * target tests/fuzz/fuzz_acpi_platform.c). */
#ifndef NONOS_ACPI_PLATFORM_H
#define NONOS_ACPI_PLATFORM_H

#include <stdint.h>

#include "base/bytes.h"
#include "kernel/acpi/acpi_tables.h"

enum acpi_platform_result {
    ACPI_PLATFORM_OK = 0,
    ACPI_PLATFORM_ERROR_NOT_FOUND,
    ACPI_PLATFORM_ERROR_UNMAPPED,
    ACPI_PLATFORM_ERROR_TABLE_SIGNATURE,
    ACPI_PLATFORM_ERROR_TABLE_LENGTH,
    ACPI_PLATFORM_ERROR_TABLE_CHECKSUM,
    ACPI_PLATFORM_ERROR_MCFG_LENGTH,
    ACPI_PLATFORM_ERROR_MCFG_EMPTY,
    ACPI_PLATFORM_ERROR_MCFG_TOO_MANY,
    ACPI_PLATFORM_ERROR_MCFG_BUS_RANGE,
    ACPI_PLATFORM_ERROR_MCFG_BASE,
    ACPI_PLATFORM_ERROR_MADT_LENGTH,
    ACPI_PLATFORM_ERROR_MADT_ENTRY,
    ACPI_PLATFORM_ERROR_MADT_IOAPIC,
    ACPI_PLATFORM_ERROR_MADT_OVERRIDE,
    ACPI_PLATFORM_ERROR_MADT_TOO_MANY,
    ACPI_PLATFORM_ERROR_MADT_NO_IOAPIC,
    ACPI_PLATFORM_ERROR_COUNT
};

const char *acpi_platform_error_message(int result);

/* One MCFG allocation: the configuration space of bus b (bus_start <= b
 * <= bus_end) of `segment` is the 1 MiB at base + (b << 20). */
#define ACPI_MCFG_MAX 8
struct acpi_mcfg_entry {
    uint64_t base;
    uint16_t segment;
    uint8_t bus_start, bus_end;
};
struct acpi_mcfg {
    uint32_t count;
    struct acpi_mcfg_entry entries[ACPI_MCFG_MAX];
};

#define ACPI_MADT_IOAPIC_MAX 8
#define ACPI_MADT_OVERRIDE_MAX 16
struct acpi_ioapic {
    uint8_t id;
    uint32_t address;  /* physical, the registers' window */
    uint32_t gsi_base; /* the global system interrupt of its input 0 */
};
/* ISA IRQ `source` is wired to global system interrupt `gsi`; flags: MPS
 * INTI flags (bits 0-1 polarity, 2-3 trigger mode; 0 = bus default). */
struct acpi_override {
    uint8_t bus, source;
    uint16_t flags;
    uint32_t gsi;
};
struct acpi_madt {
    uint64_t local_apic_address;
    uint32_t flags;
    uint32_t ioapic_count, override_count;
    struct acpi_ioapic ioapics[ACPI_MADT_IOAPIC_MAX];
    struct acpi_override overrides[ACPI_MADT_OVERRIDE_MAX];
};

/* Parses an MCFG / MADT held in `table` (header checked here too). */
int acpi_mcfg_parse(struct bytes table, struct acpi_mcfg *mcfg);
int acpi_madt_parse(struct bytes table, struct acpi_madt *madt);

/* Finds the table with `signature` among the XSDT's entries (the XSDT at
 * physical xsdt), maps all of it and checks its header: *table set. */
int acpi_table_find(const struct acpi_memory *memory, uint64_t xsdt, const char signature[4],
                    struct bytes *table);

#endif
