/* libFuzzer target for the ACPI table parser (kernel/acpi/acpi_tables.c).
 * Input format: tests/kernel/acpi_blob.h (a mode byte, then memory holding
 * an RSDP and the tables, or one structure alone). Any result is fine; a
 * crash, a read outside the input or undefined behaviour is a bug. */
#include <stddef.h>
#include <stdint.h>

#include "tests/kernel/acpi_blob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acpi_info info;
    int result = acpi_blob_run(data, size, &info);
    /* Invariant worth checking on every input: a successful walk always
     * found a sleep type that fits the 3-bit SLP_TYP field. */
    if (result == ACPI_OK && size > 0 && data[0] == 0 &&
        (!info.s5_found || info.s5_sleep_type_a > 7 || info.s5_sleep_type_b > 7 ||
         info.pm1a_control == 0))
        __builtin_trap();
    return 0;
}
