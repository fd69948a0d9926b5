/* The input format shared by the MCFG/MADT fuzz target
 * (tests/fuzz/fuzz_acpi_platform.c) and the corpus check in
 * tests/kernel/acpi_platform_test.c:
 *   byte 0 = mode, the rest = data
 *   mode 0: data is an MCFG; run acpi_mcfg_parse
 *   mode 1: data is a MADT; run acpi_madt_parse
 *   mode 2: data is physical memory from ACPI_BLOB_BASE on with an XSDT at
 *           its start; find the MCFG then the MADT through it and parse
 *           both (the first error wins)
 * Only the bytes of the input are ever mapped (acpi_blob_map), so ASan
 * reports any read outside them. */
#ifndef NONOS_TESTS_ACPI_PLATFORM_BLOB_H
#define NONOS_TESTS_ACPI_PLATFORM_BLOB_H

#include "kernel/acpi/acpi_platform.h"
#include "tests/kernel/acpi_blob.h"

struct acpi_platform_output {
    struct acpi_mcfg mcfg;
    struct acpi_madt madt;
};

static inline int acpi_platform_blob_run(const uint8_t *input, size_t len,
                                         struct acpi_platform_output *out)
{
    *out = (struct acpi_platform_output){ 0 };
    if (len == 0)
        return -1;
    struct bytes data = bytes_make(input + 1, len - 1);
    switch (input[0]) {
    case 0: return acpi_mcfg_parse(data, &out->mcfg);
    case 1: return acpi_madt_parse(data, &out->madt);
    case 2: {
        struct acpi_blob blob = { data.data, data.len };
        struct acpi_memory memory = { acpi_blob_map, &blob };
        struct bytes table;
        int result = acpi_table_find(&memory, ACPI_BLOB_BASE, "MCFG", &table);
        if (result == ACPI_PLATFORM_OK)
            result = acpi_mcfg_parse(table, &out->mcfg);
        if (result == ACPI_PLATFORM_OK)
            result = acpi_table_find(&memory, ACPI_BLOB_BASE, "APIC", &table);
        return result == ACPI_PLATFORM_OK ? acpi_madt_parse(table, &out->madt) : result;
    }
    default:
        return -1;
    }
}

#endif
