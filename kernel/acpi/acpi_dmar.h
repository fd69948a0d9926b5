/* The ACPI DMAR table (Intel VT-d specification, chapter 8, "BIOS
 * Considerations"): where the DMA-remapping hardware units are (DRHD:
 * register base, PCI segment, INCLUDE_PCI_ALL, device scopes) and which
 * memory firmware still wants devices to reach (RMRR: reserved ranges and
 * their devices). Other remapping structures (ATSR, RHSA, ANDD, SATC, ...)
 * are length-checked and skipped.
 *
 * Layout (all little-endian):
 *   0   36-byte ACPI header, signature "DMAR"
 *   36  host address width - 1 (1 byte)
 *   37  flags: bit 0 INTR_REMAP, bit 1 X2APIC_OPT_OUT, bit 2 DMA_CTRL_PLATFORM_OPT_IN
 *   38  10 reserved bytes
 *   48  remapping structures, each: type (2), length (2), body
 *   DRHD (type 0): flags (1; bit 0 INCLUDE_PCI_ALL), size (1), segment (2),
 *                  register base (8), device scopes from offset 16
 *   RMRR (type 1): reserved (2), segment (2), base (8), limit (8, inclusive),
 *                  device scopes from offset 24
 *   device scope:  type (1), length (1), flags (1), reserved (1),
 *                  enumeration id (1), start bus (1), path: (device,
 *                  function) pairs to the end of its length
 *
 * Outside input: every length is checked before a byte is read, every
 * violation gives an explicit dmar_result (dmar_error_message) and leaves
 * *info with no unit. Portable: the same code runs in the kernel and on
 * Linux (tests/kernel/dmar_test.c, tests/fuzz/fuzz_acpi_dmar.c). */
#ifndef NONOS_ACPI_DMAR_H
#define NONOS_ACPI_DMAR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bytes.h"
#include "kernel/acpi/acpi_tables.h"

enum dmar_result {
    DMAR_OK = 0,
    DMAR_ERROR_NOT_FOUND,
    DMAR_ERROR_UNMAPPED,
    DMAR_ERROR_TABLE_SIGNATURE,
    DMAR_ERROR_TABLE_LENGTH,
    DMAR_ERROR_TABLE_CHECKSUM,
    DMAR_ERROR_HEADER_LENGTH,
    DMAR_ERROR_HOST_WIDTH,
    DMAR_ERROR_STRUCTURE_LENGTH,
    DMAR_ERROR_DRHD_LENGTH,
    DMAR_ERROR_DRHD_ADDRESS,
    DMAR_ERROR_RMRR_LENGTH,
    DMAR_ERROR_RMRR_RANGE,
    DMAR_ERROR_SCOPE_LENGTH,
    DMAR_ERROR_SCOPE_TYPE,
    DMAR_ERROR_TOO_MANY_UNITS,
    DMAR_ERROR_TOO_MANY_SCOPES,
    DMAR_ERROR_TOO_MANY_RESERVED,
    DMAR_ERROR_INCLUDE_ALL_ORDER,
    DMAR_ERROR_NO_UNIT,
    DMAR_ERROR_COUNT
};

const char *dmar_error_message(int result);

#define DMAR_FLAG_INTR_REMAP (1u << 0)
#define DMAR_FLAG_X2APIC_OPT_OUT (1u << 1)

#define DMAR_SCOPE_ENDPOINT 1
#define DMAR_SCOPE_BRIDGE 2 /* a PCI sub-hierarchy: the bridge and all below it */
#define DMAR_SCOPE_IOAPIC 3
#define DMAR_SCOPE_HPET 4
#define DMAR_SCOPE_NAMESPACE 5

#define DMAR_MAX_UNITS 8
#define DMAR_MAX_SCOPES 64   /* per unit or reserved region (QEMU lists each device of bus 0) */
#define DMAR_MAX_RESERVED 8
#define DMAR_MAX_PATH 4      /* (device, function) hops kept per scope */

struct dmar_scope {
    uint8_t type;           /* DMAR_SCOPE_* */
    uint8_t enumeration_id; /* I/O APIC id, HPET number, ACPI device number */
    uint8_t start_bus;
    uint8_t path_length;    /* hops in path, 1..DMAR_MAX_PATH */
    uint8_t path[DMAR_MAX_PATH][2]; /* (device, function) */
};

struct dmar_unit {
    uint64_t register_base; /* physical, page-aligned */
    uint16_t segment;
    bool include_all;       /* covers every device of the segment no other unit lists */
    uint32_t scope_count;
    struct dmar_scope scopes[DMAR_MAX_SCOPES];
};

struct dmar_reserved {
    uint64_t base, limit;   /* physical, [base, limit] inclusive */
    uint16_t segment;
    uint32_t scope_count;
    struct dmar_scope scopes[DMAR_MAX_SCOPES];
};

struct dmar_info {
    uint8_t host_address_width; /* bits of physical address DMA can reach */
    uint8_t flags;              /* DMAR_FLAG_* */
    uint32_t unit_count, reserved_count, other_count;
    struct dmar_unit units[DMAR_MAX_UNITS];
    struct dmar_reserved reserved[DMAR_MAX_RESERVED];
};

/* Checks and parses a DMAR table held in `table` (header and checksum
 * included). On any error *info has unit_count 0. */
int dmar_parse(struct bytes table, struct dmar_info *info);

/* The requester id (bus << 8 | device << 3 | function) a scope names when
 * its path is one hop, or -1 (a longer path needs the bridges' bus numbers
 * from PCI configuration space). */
int32_t dmar_scope_requester(const struct dmar_scope *scope);

/* Finds the DMAR among the XSDT's entries (XSDT at physical xsdt), maps it
 * whole and parses it. DMAR_ERROR_NOT_FOUND when the firmware has none. */
int dmar_find(const struct acpi_memory *memory, uint64_t xsdt, struct dmar_info *info);

#endif
