/* ACPI table parsing (ACPI 6.5 spec, chapter 5): the RSDP, the XSDT, the
 * FADT and the \_S5 sleep-type package in the DSDT's AML.
 *
 * The tables come from firmware and are treated as outside input: every
 * length, offset and address is checked before it is used, checksums are
 * verified, and any violation is refused with an explicit error (see
 * acpi_error_message). Nothing here touches hardware or kernel memory
 * directly: physical memory is reached only through `struct acpi_memory`,
 * so the same code runs in the kernel and under ASan/UBSan/libFuzzer on
 * Linux (tests/fuzz/fuzz_acpi.c, tests/acpi/acpi_test.c). */
#ifndef NONOS_ACPI_TABLES_H
#define NONOS_ACPI_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bytes.h"

#define ACPI_HEADER_SIZE 36u
#define ACPI_RSDP_SIZE 36u              /* revision 2 RSDP */
#define ACPI_MAX_TABLE_SIZE (4u << 20)  /* larger "tables" are refused */
#define ACPI_MAX_XSDT_ENTRIES 256u

enum acpi_result {
    ACPI_OK = 0,
    ACPI_ERROR_NO_RSDP,
    ACPI_ERROR_UNMAPPED,
    ACPI_ERROR_RSDP_SIGNATURE,
    ACPI_ERROR_RSDP_CHECKSUM,
    ACPI_ERROR_RSDP_REVISION,
    ACPI_ERROR_RSDP_LENGTH,
    ACPI_ERROR_RSDP_EXTENDED_CHECKSUM,
    ACPI_ERROR_NO_XSDT,
    ACPI_ERROR_TABLE_SIGNATURE,
    ACPI_ERROR_TABLE_LENGTH,
    ACPI_ERROR_TABLE_CHECKSUM,
    ACPI_ERROR_XSDT_ENTRIES,
    ACPI_ERROR_NO_FADT,
    ACPI_ERROR_FADT_LENGTH,
    ACPI_ERROR_NO_DSDT,
    ACPI_ERROR_NO_S5,
    ACPI_ERROR_S5_MALFORMED,
    ACPI_ERROR_NO_PM1A,
    ACPI_ERROR_COUNT
};

const char *acpi_error_message(int result);

/* Access to physical memory: returns a pointer to len readable bytes at
 * physical address phys, or NULL if that range cannot be read. */
struct acpi_memory {
    const uint8_t *(*map)(void *context, uint64_t phys, uint64_t len);
    void *context;
};

/* A Generic Address Structure (ACPI 5.2.3.2). */
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1
struct acpi_address {
    uint8_t space;
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};

/* What the kernel needs from ACPI for power-off and reset. */
struct acpi_info {
    uint8_t rsdp_revision;
    uint64_t xsdt, fadt, dsdt; /* physical addresses, 0 if not found */
    uint32_t xsdt_entries;
    bool fadt_found;
    uint16_t pm1a_control, pm1b_control; /* I/O ports, 0 if absent */
    uint32_t smi_command;                /* 0: ACPI mode is fixed on */
    uint8_t acpi_enable;
    bool reset_supported;                /* FADT flag RESET_REG_SUP */
    struct acpi_address reset_register;
    uint8_t reset_value;
    bool s5_found;
    uint8_t s5_sleep_type_a, s5_sleep_type_b; /* SLP_TYPx values, 0..7 */
};

/* Checks a revision 2+ RSDP held in rsdp (length and both checksums) and
 * returns the XSDT address in *xsdt. */
int acpi_rsdp_check(struct bytes rsdp, uint64_t *xsdt);

/* Checks a system description table: header present, signature, declared
 * length within [36, min(table.len, ACPI_MAX_TABLE_SIZE)], checksum. */
int acpi_table_check(struct bytes table, const char signature[4]);

/* Reads the FADT fields the kernel uses (table already checked). */
int acpi_fadt_parse(struct bytes fadt, struct acpi_info *info);

/* Finds `Name(_S5_, Package(){a, b, ...})` in AML and returns SLP_TYPa/b. */
int acpi_s5_find(struct bytes aml, uint8_t *sleep_type_a, uint8_t *sleep_type_b);

/* The whole walk: RSDP -> XSDT -> FADT -> DSDT -> \_S5. Fills *info with
 * what it found (partial on error: a FADT without \_S5 still gives reset)
 * and returns the first error, or ACPI_OK when power-off is possible. */
int acpi_parse(const struct acpi_memory *memory, uint64_t rsdp_phys, struct acpi_info *info);

#endif
