/* libFuzzer target for the MCFG and MADT parsers and the XSDT search
 * (kernel/acpi/acpi_platform.c). Input format: tests/kernel/
 * acpi_platform_blob.h. Any result is fine; a crash, a read outside the
 * input or undefined behaviour is a bug, and so is an accepted table that
 * breaks the promises of acpi_platform.h. */
#include <stddef.h>
#include <stdint.h>

#include "tests/kernel/acpi_platform_blob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acpi_platform_output out;
    int result = acpi_platform_blob_run(data, size, &out);
    if (result != ACPI_PLATFORM_OK || size == 0)
        return 0;
    if (data[0] == 0 || data[0] == 2) {
        if (out.mcfg.count == 0 || out.mcfg.count > ACPI_MCFG_MAX)
            __builtin_trap();
        for (uint32_t i = 0; i < out.mcfg.count; i++) {
            if (out.mcfg.entries[i].bus_end < out.mcfg.entries[i].bus_start ||
                out.mcfg.entries[i].base % (1u << 20) != 0)
                __builtin_trap();
        }
    }
    if ((data[0] == 1 || data[0] == 2) &&
        (out.madt.ioapic_count == 0 || out.madt.ioapic_count > ACPI_MADT_IOAPIC_MAX ||
         out.madt.override_count > ACPI_MADT_OVERRIDE_MAX))
        __builtin_trap();
    return 0;
}
