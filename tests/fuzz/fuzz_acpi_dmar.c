/* libFuzzer target for the DMAR table parser (kernel/acpi/acpi_dmar.c).
 * The input is the table itself (header included). Any result is fine; a
 * crash, a read outside the input or undefined behaviour is a bug, and so
 * is an accepted table whose parsed values break the parser's promises. */
#include <stddef.h>
#include <stdint.h>

#include "kernel/acpi/acpi_dmar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool scopes_valid(const struct dmar_scope *scopes, uint32_t count)
{
    if (count > DMAR_MAX_SCOPES)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        if (scopes[i].type < DMAR_SCOPE_ENDPOINT || scopes[i].type > DMAR_SCOPE_NAMESPACE ||
            scopes[i].path_length == 0 || scopes[i].path_length > DMAR_MAX_PATH)
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dmar_info info;
    int result = dmar_parse(bytes_make(data, size), &info);
    if (result != DMAR_OK) {
        if (info.unit_count != 0)
            __builtin_trap(); /* an error keeps nothing */
        return 0;
    }
    if (info.unit_count == 0 || info.unit_count > DMAR_MAX_UNITS ||
        info.reserved_count > DMAR_MAX_RESERVED || info.host_address_width < 32 ||
        info.host_address_width > 64)
        __builtin_trap();
    for (uint32_t i = 0; i < info.unit_count; i++) {
        if (info.units[i].register_base == 0 || (info.units[i].register_base & 0xfff) != 0 ||
            !scopes_valid(info.units[i].scopes, info.units[i].scope_count))
            __builtin_trap();
    }
    for (uint32_t i = 0; i < info.reserved_count; i++) {
        if (info.reserved[i].limit < info.reserved[i].base ||
            !scopes_valid(info.reserved[i].scopes, info.reserved[i].scope_count))
            __builtin_trap();
    }
    return 0;
}
