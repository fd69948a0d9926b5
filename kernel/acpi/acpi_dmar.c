/* The DMAR table parser: portable, bounded, checked. See acpi_dmar.h.
 *
 * Invariant of every function here: a byte is read only after its offset
 * has been checked against the length of the structure it belongs to, and
 * a structure's length against the table's. */
#include "kernel/acpi/acpi_dmar.h"

#include <stddef.h>

#include "base/checked.h"
#include "base/endian.h"

#define DMAR_HEADER_SIZE 48u
#define DMAR_HOST_WIDTH 36u
#define DMAR_FLAGS 37u
#define STRUCTURE_HEADER_SIZE 4u
#define TYPE_DRHD 0
#define TYPE_RMRR 1
#define DRHD_SCOPES 16u
#define DRHD_INCLUDE_ALL (1u << 0)
#define RMRR_SCOPES 24u
#define SCOPE_HEADER_SIZE 6u
#define PAGE_MASK 0xfffull
#define HOST_WIDTH_MIN 32u /* narrower than 4 GiB would be a broken table */
#define HOST_WIDTH_MAX 64u

static const char *const dmar_messages[DMAR_ERROR_COUNT] = {
    [DMAR_OK] = "ok",
    [DMAR_ERROR_NOT_FOUND] = "no DMAR table in the XSDT",
    [DMAR_ERROR_UNMAPPED] = "table address not readable",
    [DMAR_ERROR_TABLE_SIGNATURE] = "table signature is not DMAR",
    [DMAR_ERROR_TABLE_LENGTH] = "table length out of range",
    [DMAR_ERROR_TABLE_CHECKSUM] = "table checksum mismatch",
    [DMAR_ERROR_HEADER_LENGTH] = "DMAR shorter than its 48-byte header",
    [DMAR_ERROR_HOST_WIDTH] = "host address width outside 32..64 bits",
    [DMAR_ERROR_STRUCTURE_LENGTH] = "remapping structure length below 4 or past the table",
    [DMAR_ERROR_DRHD_LENGTH] = "DRHD shorter than 16 bytes",
    [DMAR_ERROR_DRHD_ADDRESS] = "DRHD register base zero or not page-aligned",
    [DMAR_ERROR_RMRR_LENGTH] = "RMRR shorter than 24 bytes",
    [DMAR_ERROR_RMRR_RANGE] = "RMRR range not page-aligned or limit below base",
    [DMAR_ERROR_SCOPE_LENGTH] = "device scope length below 8, odd path or past its structure",
    [DMAR_ERROR_SCOPE_TYPE] = "device scope of unknown type",
    [DMAR_ERROR_TOO_MANY_UNITS] = "more DRHD units than the kernel keeps",
    [DMAR_ERROR_TOO_MANY_SCOPES] = "more device scopes in one structure than the kernel keeps",
    [DMAR_ERROR_TOO_MANY_RESERVED] = "more RMRR regions than the kernel keeps",
    [DMAR_ERROR_INCLUDE_ALL_ORDER] = "INCLUDE_PCI_ALL unit not the last of its segment",
    [DMAR_ERROR_NO_UNIT] = "DMAR lists no DRHD unit",
};

const char *dmar_error_message(int result)
{
    if (result < 0 || result >= DMAR_ERROR_COUNT)
        return "unknown DMAR error";
    return dmar_messages[result];
}

/* Parses the scopes in structure[start..len) into scopes[], *count of them. */
static int scopes_parse(struct bytes structure, size_t start, struct dmar_scope *scopes,
                        uint32_t *count)
{
    size_t pos = start;
    while (pos < structure.len) {
        if (!range_fits(pos, SCOPE_HEADER_SIZE, structure.len))
            return DMAR_ERROR_SCOPE_LENGTH;
        const uint8_t *s = structure.data + pos;
        uint8_t length = s[1];
        if (length < SCOPE_HEADER_SIZE + 2 || (length - SCOPE_HEADER_SIZE) % 2 != 0 ||
            !range_fits(pos, length, structure.len))
            return DMAR_ERROR_SCOPE_LENGTH;
        if (s[0] < DMAR_SCOPE_ENDPOINT || s[0] > DMAR_SCOPE_NAMESPACE)
            return DMAR_ERROR_SCOPE_TYPE;
        size_t hops = (length - SCOPE_HEADER_SIZE) / 2u;
        if (*count >= DMAR_MAX_SCOPES || hops > DMAR_MAX_PATH)
            return DMAR_ERROR_TOO_MANY_SCOPES;
        struct dmar_scope *scope = &scopes[(*count)++];
        *scope = (struct dmar_scope){ s[0], s[4], s[5], (uint8_t)hops, { { 0 } } };
        for (size_t i = 0; i < hops; i++) {
            scope->path[i][0] = s[SCOPE_HEADER_SIZE + 2 * i];
            scope->path[i][1] = s[SCOPE_HEADER_SIZE + 2 * i + 1];
        }
        pos += length;
    }
    return DMAR_OK;
}

/* A unit after an INCLUDE_PCI_ALL unit of the same segment breaks the
 * order the specification requires (the catch-all comes last). */
static bool include_all_before(const struct dmar_info *info, uint16_t segment)
{
    for (uint32_t i = 0; i < info->unit_count; i++) {
        if (info->units[i].segment == segment && info->units[i].include_all)
            return true;
    }
    return false;
}

static int drhd_parse(struct bytes structure, struct dmar_info *info)
{
    if (structure.len < DRHD_SCOPES)
        return DMAR_ERROR_DRHD_LENGTH;
    if (info->unit_count >= DMAR_MAX_UNITS)
        return DMAR_ERROR_TOO_MANY_UNITS;
    struct dmar_unit *unit = &info->units[info->unit_count];
    *unit = (struct dmar_unit){ 0 };
    unit->include_all = (structure.data[4] & DRHD_INCLUDE_ALL) != 0;
    unit->segment = load16_le(structure.data + 6);
    unit->register_base = load64_le(structure.data + 8);
    if (unit->register_base == 0 || (unit->register_base & PAGE_MASK) != 0)
        return DMAR_ERROR_DRHD_ADDRESS;
    if (include_all_before(info, unit->segment))
        return DMAR_ERROR_INCLUDE_ALL_ORDER;
    int result = scopes_parse(structure, DRHD_SCOPES, unit->scopes, &unit->scope_count);
    if (result == DMAR_OK)
        info->unit_count++;
    return result;
}

static int rmrr_parse(struct bytes structure, struct dmar_info *info)
{
    if (structure.len < RMRR_SCOPES)
        return DMAR_ERROR_RMRR_LENGTH;
    if (info->reserved_count >= DMAR_MAX_RESERVED)
        return DMAR_ERROR_TOO_MANY_RESERVED;
    struct dmar_reserved *region = &info->reserved[info->reserved_count];
    *region = (struct dmar_reserved){ 0 };
    region->segment = load16_le(structure.data + 6);
    region->base = load64_le(structure.data + 8);
    region->limit = load64_le(structure.data + 16);
    if ((region->base & PAGE_MASK) != 0 || (region->limit & PAGE_MASK) != PAGE_MASK ||
        region->limit < region->base)
        return DMAR_ERROR_RMRR_RANGE;
    int result = scopes_parse(structure, RMRR_SCOPES, region->scopes, &region->scope_count);
    if (result == DMAR_OK)
        info->reserved_count++;
    return result;
}

static int structures_parse(struct bytes table, struct dmar_info *info)
{
    size_t pos = DMAR_HEADER_SIZE;
    while (pos < table.len) {
        if (!range_fits(pos, STRUCTURE_HEADER_SIZE, table.len))
            return DMAR_ERROR_STRUCTURE_LENGTH;
        uint16_t type = load16_le(table.data + pos);
        uint16_t length = load16_le(table.data + pos + 2);
        if (length < STRUCTURE_HEADER_SIZE || !range_fits(pos, length, table.len))
            return DMAR_ERROR_STRUCTURE_LENGTH;
        struct bytes structure = bytes_make(table.data + pos, length);
        int result = DMAR_OK;
        if (type == TYPE_DRHD)
            result = drhd_parse(structure, info);
        else if (type == TYPE_RMRR)
            result = rmrr_parse(structure, info);
        else
            info->other_count++;
        if (result != DMAR_OK)
            return result;
        pos += length;
    }
    return info->unit_count == 0 ? DMAR_ERROR_NO_UNIT : DMAR_OK;
}

static int dmar_from_acpi(int acpi_result)
{
    switch (acpi_result) {
    case ACPI_ERROR_TABLE_SIGNATURE: return DMAR_ERROR_TABLE_SIGNATURE;
    case ACPI_ERROR_TABLE_CHECKSUM: return DMAR_ERROR_TABLE_CHECKSUM;
    case ACPI_ERROR_UNMAPPED: return DMAR_ERROR_UNMAPPED;
    default: return DMAR_ERROR_TABLE_LENGTH;
    }
}

int dmar_parse(struct bytes table, struct dmar_info *info)
{
    *info = (struct dmar_info){ 0 };
    int result = acpi_table_check(table, "DMAR");
    if (result != ACPI_OK)
        return dmar_from_acpi(result);
    table.len = load32_le(table.data + 4); /* bytes past the declared length are not the table's */
    if (table.len < DMAR_HEADER_SIZE)
        return DMAR_ERROR_HEADER_LENGTH;
    if (table.data[DMAR_HOST_WIDTH] + 1u < HOST_WIDTH_MIN ||
        table.data[DMAR_HOST_WIDTH] + 1u > HOST_WIDTH_MAX)
        return DMAR_ERROR_HOST_WIDTH;
    info->host_address_width = (uint8_t)(table.data[DMAR_HOST_WIDTH] + 1u);
    info->flags = table.data[DMAR_FLAGS];
    result = structures_parse(table, info);
    if (result != DMAR_OK)
        *info = (struct dmar_info){ 0 };
    return result;
}

int32_t dmar_scope_requester(const struct dmar_scope *scope)
{
    if (scope->path_length != 1 || scope->path[0][0] > 31 || scope->path[0][1] > 7)
        return -1;
    return (int32_t)((uint32_t)scope->start_bus << 8 | (uint32_t)scope->path[0][0] << 3 |
                     scope->path[0][1]);
}

/* Maps the whole table at phys (header first, for its length). */
static int table_map(const struct acpi_memory *memory, uint64_t phys, struct bytes *table)
{
    const uint8_t *header = memory->map(memory->context, phys, ACPI_HEADER_SIZE);
    if (header == NULL)
        return DMAR_ERROR_UNMAPPED;
    uint32_t length = load32_le(header + 4);
    if (length < ACPI_HEADER_SIZE || length > ACPI_MAX_TABLE_SIZE)
        return DMAR_ERROR_TABLE_LENGTH;
    const uint8_t *data = memory->map(memory->context, phys, length);
    if (data == NULL)
        return DMAR_ERROR_UNMAPPED;
    *table = bytes_make(data, length);
    return DMAR_OK;
}

int dmar_find(const struct acpi_memory *memory, uint64_t xsdt_phys, struct dmar_info *info)
{
    *info = (struct dmar_info){ 0 };
    struct bytes xsdt, dmar;
    if (xsdt_phys == 0)
        return DMAR_ERROR_NOT_FOUND;
    int result = table_map(memory, xsdt_phys, &xsdt);
    if (result != DMAR_OK)
        return result;
    result = acpi_table_check(xsdt, "XSDT");
    if (result != ACPI_OK)
        return dmar_from_acpi(result);
    size_t entries = (xsdt.len - ACPI_HEADER_SIZE) / 8u;
    for (size_t i = 0; i < entries && i < ACPI_MAX_XSDT_ENTRIES; i++) {
        uint64_t phys = load64_le(xsdt.data + ACPI_HEADER_SIZE + 8 * i);
        const uint8_t *header = memory->map(memory->context, phys, ACPI_HEADER_SIZE);
        if (header == NULL || header[0] != 'D' || header[1] != 'M' || header[2] != 'A' ||
            header[3] != 'R')
            continue;
        result = table_map(memory, phys, &dmar);
        return result != DMAR_OK ? result : dmar_parse(dmar, info);
    }
    return DMAR_ERROR_NOT_FOUND;
}
