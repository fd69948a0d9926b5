/* The MCFG and MADT parsers and the XSDT search (acpi_platform.h).
 *
 * Invariant, as in acpi_tables.c: a byte is read only after its offset has
 * been checked against the table's declared (and checked) length. The
 * output structure is written only when the whole table was accepted. */
#include "kernel/acpi/acpi_platform.h"

#include <stddef.h>

#include "base/checked.h"
#include "base/endian.h"

#define MCFG_ENTRIES 44u /* header + 8 reserved bytes */
#define MCFG_ENTRY_SIZE 16u
#define MADT_ENTRIES 44u /* header + local APIC address + flags */
#define MADT_IOAPIC 1u
#define MADT_OVERRIDE 2u
#define MADT_LAPIC_OVERRIDE 5u
#define MADT_IOAPIC_SIZE 12u
#define MADT_OVERRIDE_SIZE 10u
#define MADT_LAPIC_OVERRIDE_SIZE 12u
#define ECAM_BUS_SIZE (1ull << 20)

static const char *const messages[ACPI_PLATFORM_ERROR_COUNT] = {
    [ACPI_PLATFORM_OK] = "ok",
    [ACPI_PLATFORM_ERROR_NOT_FOUND] = "table not in the XSDT",
    [ACPI_PLATFORM_ERROR_UNMAPPED] = "table address not readable",
    [ACPI_PLATFORM_ERROR_TABLE_SIGNATURE] = "table signature mismatch",
    [ACPI_PLATFORM_ERROR_TABLE_LENGTH] = "table length out of range",
    [ACPI_PLATFORM_ERROR_TABLE_CHECKSUM] = "table checksum mismatch",
    [ACPI_PLATFORM_ERROR_MCFG_LENGTH] = "MCFG length is not 44 + 16 bytes per entry",
    [ACPI_PLATFORM_ERROR_MCFG_EMPTY] = "MCFG has no entry",
    [ACPI_PLATFORM_ERROR_MCFG_TOO_MANY] = "MCFG has more entries than the kernel keeps",
    [ACPI_PLATFORM_ERROR_MCFG_BUS_RANGE] = "MCFG entry ends below its start bus",
    [ACPI_PLATFORM_ERROR_MCFG_BASE] = "MCFG base zero, not 1 MiB aligned, or wraps",
    [ACPI_PLATFORM_ERROR_MADT_LENGTH] = "MADT shorter than its 44-byte header",
    [ACPI_PLATFORM_ERROR_MADT_ENTRY] = "MADT entry shorter than 2 bytes or past the end",
    [ACPI_PLATFORM_ERROR_MADT_IOAPIC] = "MADT I/O APIC entry not 12 bytes or address 0",
    [ACPI_PLATFORM_ERROR_MADT_OVERRIDE] = "MADT interrupt override entry length wrong",
    [ACPI_PLATFORM_ERROR_MADT_TOO_MANY] = "MADT has more I/O APICs or overrides than kept",
    [ACPI_PLATFORM_ERROR_MADT_NO_IOAPIC] = "MADT lists no I/O APIC",
};

const char *acpi_platform_error_message(int result)
{
    if (result < 0 || result >= ACPI_PLATFORM_ERROR_COUNT)
        return "unknown ACPI platform error";
    return messages[result];
}

/* acpi_table_check's verdict in this file's terms. */
static int header_check(struct bytes table, const char signature[4])
{
    switch (acpi_table_check(table, signature)) {
    case ACPI_OK: return ACPI_PLATFORM_OK;
    case ACPI_ERROR_TABLE_SIGNATURE: return ACPI_PLATFORM_ERROR_TABLE_SIGNATURE;
    case ACPI_ERROR_TABLE_CHECKSUM: return ACPI_PLATFORM_ERROR_TABLE_CHECKSUM;
    default: return ACPI_PLATFORM_ERROR_TABLE_LENGTH;
    }
}

static int mcfg_entry_load(const uint8_t *p, struct acpi_mcfg_entry *entry)
{
    entry->base = load64_le(p);
    entry->segment = load16_le(p + 8);
    entry->bus_start = p[10];
    entry->bus_end = p[11];
    if (entry->bus_end < entry->bus_start)
        return ACPI_PLATFORM_ERROR_MCFG_BUS_RANGE;
    uint64_t end;
    if (entry->base == 0 || entry->base % ECAM_BUS_SIZE != 0 ||
        !u64_add(entry->base, ((uint64_t)entry->bus_end + 1) * ECAM_BUS_SIZE, &end))
        return ACPI_PLATFORM_ERROR_MCFG_BASE;
    return ACPI_PLATFORM_OK;
}

int acpi_mcfg_parse(struct bytes table, struct acpi_mcfg *mcfg)
{
    int result = header_check(table, "MCFG");
    if (result != ACPI_PLATFORM_OK)
        return result;
    uint32_t length = load32_le(table.data + 4);
    if (length < MCFG_ENTRIES || (length - MCFG_ENTRIES) % MCFG_ENTRY_SIZE != 0)
        return ACPI_PLATFORM_ERROR_MCFG_LENGTH;
    uint32_t count = (length - MCFG_ENTRIES) / MCFG_ENTRY_SIZE;
    if (count == 0)
        return ACPI_PLATFORM_ERROR_MCFG_EMPTY;
    if (count > ACPI_MCFG_MAX)
        return ACPI_PLATFORM_ERROR_MCFG_TOO_MANY;
    struct acpi_mcfg parsed = { .count = count };
    for (uint32_t i = 0; i < count; i++) {
        result = mcfg_entry_load(table.data + MCFG_ENTRIES + MCFG_ENTRY_SIZE * i,
                                 &parsed.entries[i]);
        if (result != ACPI_PLATFORM_OK)
            return result;
    }
    *mcfg = parsed;
    return ACPI_PLATFORM_OK;
}

/* One MADT entry of `size` bytes (already checked to lie in the table). */
static int madt_entry(const uint8_t *p, uint8_t size, struct acpi_madt *madt)
{
    switch (p[0]) {
    case MADT_IOAPIC:
        if (size != MADT_IOAPIC_SIZE || load32_le(p + 4) == 0)
            return ACPI_PLATFORM_ERROR_MADT_IOAPIC;
        if (madt->ioapic_count == ACPI_MADT_IOAPIC_MAX)
            return ACPI_PLATFORM_ERROR_MADT_TOO_MANY;
        madt->ioapics[madt->ioapic_count++] =
            (struct acpi_ioapic){ p[2], load32_le(p + 4), load32_le(p + 8) };
        return ACPI_PLATFORM_OK;
    case MADT_OVERRIDE:
        if (size != MADT_OVERRIDE_SIZE)
            return ACPI_PLATFORM_ERROR_MADT_OVERRIDE;
        if (madt->override_count == ACPI_MADT_OVERRIDE_MAX)
            return ACPI_PLATFORM_ERROR_MADT_TOO_MANY;
        madt->overrides[madt->override_count++] =
            (struct acpi_override){ p[2], p[3], load16_le(p + 8), load32_le(p + 4) };
        return ACPI_PLATFORM_OK;
    case MADT_LAPIC_OVERRIDE:
        if (size == MADT_LAPIC_OVERRIDE_SIZE)
            madt->local_apic_address = load64_le(p + 4);
        return ACPI_PLATFORM_OK;
    default:
        return ACPI_PLATFORM_OK; /* processors and the rest: not needed */
    }
}

int acpi_madt_parse(struct bytes table, struct acpi_madt *madt)
{
    int result = header_check(table, "APIC");
    if (result != ACPI_PLATFORM_OK)
        return result;
    uint32_t length = load32_le(table.data + 4);
    if (length < MADT_ENTRIES)
        return ACPI_PLATFORM_ERROR_MADT_LENGTH;
    struct acpi_madt parsed = { .local_apic_address = load32_le(table.data + 36),
                                .flags = load32_le(table.data + 40) };
    for (size_t offset = MADT_ENTRIES; offset < length;) {
        if (!range_fits(offset, 2, length))
            return ACPI_PLATFORM_ERROR_MADT_ENTRY;
        uint8_t size = table.data[offset + 1];
        if (size < 2 || !range_fits(offset, size, length))
            return ACPI_PLATFORM_ERROR_MADT_ENTRY;
        result = madt_entry(table.data + offset, size, &parsed);
        if (result != ACPI_PLATFORM_OK)
            return result;
        offset += size;
    }
    if (parsed.ioapic_count == 0)
        return ACPI_PLATFORM_ERROR_MADT_NO_IOAPIC;
    *madt = parsed;
    return ACPI_PLATFORM_OK;
}

/* Maps a table whole: its header for the length, then all of it. */
static int table_map_whole(const struct acpi_memory *memory, uint64_t phys,
                           const char signature[4], struct bytes *table)
{
    const uint8_t *header = memory->map(memory->context, phys, ACPI_HEADER_SIZE);
    if (header == NULL)
        return ACPI_PLATFORM_ERROR_UNMAPPED;
    uint32_t length = load32_le(header + 4);
    if (length < ACPI_HEADER_SIZE || length > ACPI_MAX_TABLE_SIZE)
        return ACPI_PLATFORM_ERROR_TABLE_LENGTH;
    const uint8_t *data = memory->map(memory->context, phys, length);
    if (data == NULL)
        return ACPI_PLATFORM_ERROR_UNMAPPED;
    *table = bytes_make(data, length);
    return header_check(*table, signature);
}

int acpi_table_find(const struct acpi_memory *memory, uint64_t xsdt, const char signature[4],
                    struct bytes *table)
{
    struct bytes root;
    int result = table_map_whole(memory, xsdt, "XSDT", &root);
    if (result != ACPI_PLATFORM_OK)
        return result;
    size_t body = root.len - ACPI_HEADER_SIZE;
    for (size_t i = 0; i + 8 <= body && i / 8 < ACPI_MAX_XSDT_ENTRIES; i += 8) {
        uint64_t phys = load64_le(root.data + ACPI_HEADER_SIZE + i);
        const uint8_t *header = memory->map(memory->context, phys, ACPI_HEADER_SIZE);
        if (header == NULL || header[0] != (uint8_t)signature[0] ||
            header[1] != (uint8_t)signature[1] || header[2] != (uint8_t)signature[2] ||
            header[3] != (uint8_t)signature[3])
            continue; /* an unreadable entry must not hide the others */
        return table_map_whole(memory, phys, signature, table);
    }
    return ACPI_PLATFORM_ERROR_NOT_FOUND;
}
