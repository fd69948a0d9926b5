/* The input format shared by the ACPI fuzz target (tests/fuzz/fuzz_acpi.c)
 * and the corpus check in tests/kernel/acpi_test.c:
 *   byte 0 = mode, the rest = data
 *   mode 0: data is physical memory from ACPI_BLOB_BASE on, with the RSDP at
 *           its start; run the whole walk acpi_parse
 *   mode 1: data is AML; run acpi_s5_find
 *   mode 2: data is a FADT; run acpi_table_check + acpi_fadt_parse
 *   mode 3: data is an RSDP; run acpi_rsdp_check
 * Only the bytes of the input are ever mapped, so ASan reports any read
 * outside them. */
#ifndef NONOS_TESTS_ACPI_BLOB_H
#define NONOS_TESTS_ACPI_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "base/checked.h"
#include "kernel/acpi/acpi_tables.h"

#define ACPI_BLOB_BASE 0x1000u

struct acpi_blob {
    const uint8_t *data;
    size_t len;
};

static const uint8_t *acpi_blob_map(void *context, uint64_t phys, uint64_t len)
{
    const struct acpi_blob *blob = context;
    if (phys < ACPI_BLOB_BASE || !range_fits(phys - ACPI_BLOB_BASE, len, blob->len))
        return NULL;
    return blob->data + (phys - ACPI_BLOB_BASE);
}

static inline int acpi_blob_run(const uint8_t *input, size_t len, struct acpi_info *info)
{
    *info = (struct acpi_info){ 0 };
    if (len == 0)
        return -1;
    struct bytes data = bytes_make(input + 1, len - 1);
    uint8_t a = 0, b = 0;
    uint64_t xsdt = 0;
    int result;
    switch (input[0]) {
    case 0: {
        struct acpi_blob blob = { data.data, data.len };
        struct acpi_memory memory = { acpi_blob_map, &blob };
        return acpi_parse(&memory, ACPI_BLOB_BASE, info);
    }
    case 1:
        result = acpi_s5_find(data, &a, &b);
        info->s5_sleep_type_a = a;
        info->s5_sleep_type_b = b;
        return result;
    case 2:
        result = acpi_table_check(data, "FACP");
        return result != ACPI_OK ? result : acpi_fadt_parse(data, info);
    case 3:
        return acpi_rsdp_check(data, &xsdt);
    default:
        return -1;
    }
}

#endif
